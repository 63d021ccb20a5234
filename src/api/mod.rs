//! Server functions, one file per page (a page and the server function that
//! reads it share a name: `DashboardPage` and `dashboard`, `ReturnPage` and
//! `return_page`), plus the session's organization switch. Their bodies run
//! on the server only and call down into `server/`; the types they return
//! are `model/`'s, shared with the browser.

pub mod dashboard;
pub mod doctor;
pub mod events;
pub mod lab;
pub mod return_page;
pub mod session;
pub mod widgets;
