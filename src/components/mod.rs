//! View pieces used by several pages.

pub mod error_notice;
pub mod live_feed;
pub mod loaded;
pub mod org_header;
pub mod token_clock;
pub mod widget_card;
pub mod widget_host;

pub use error_notice::{ErrorNotice, SignOutButton};
pub use live_feed::{LiveFeed, LiveRegion};
pub use loaded::loaded;
pub use org_header::OrgHeader;
pub use token_clock::TokenClock;
pub use widget_card::WidgetCard;
pub use widget_host::WidgetHost;
