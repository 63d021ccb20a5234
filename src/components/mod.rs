//! View pieces used by several pages.

pub mod error_notice;
pub mod event_line;
pub mod live_feed;
pub mod loaded;
pub mod org_header;
pub mod theme_toggle;
pub mod time_ago;
pub mod token_clock;
pub mod widget_card;
pub mod widget_host;

pub use error_notice::{ErrorNotice, SignOutButton};
pub use event_line::EventLine;
pub use live_feed::{LiveFeed, LiveRegion};
pub use loaded::loaded;
pub use org_header::OrgHeader;
pub use theme_toggle::ThemeToggle;
pub use time_ago::TimeAgo;
pub use token_clock::TokenClock;
pub use widget_card::WidgetCard;
pub use widget_host::WidgetHost;
