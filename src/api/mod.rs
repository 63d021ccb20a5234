//! Server functions, one file per domain. Their bodies run on the server only;
//! the types they return are shared with the browser.

pub mod capabilities;
pub mod doctor;
pub mod events;
pub mod lab;
pub mod orgs;
pub mod session;
pub mod tokens;
