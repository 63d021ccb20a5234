//! One file per route.

pub mod dashboard;
pub mod doctor;
pub mod events;
pub mod lab;
pub mod return_page;
pub mod widget;

pub use dashboard::DashboardPage;
pub use doctor::DoctorPage;
pub use events::EventsPage;
pub use lab::LabPage;
pub use return_page::ReturnPage;
pub use widget::WidgetPage;
