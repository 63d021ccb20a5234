//! One file per route.

pub mod dashboard;
pub mod events;
pub mod return_page;
pub mod widget;

pub use dashboard::DashboardPage;
pub use events::EventsPage;
pub use return_page::ReturnPage;
pub use widget::WidgetPage;
