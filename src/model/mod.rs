//! The wire types: what server functions return and islands take as props.
//! Shared by the server and the browser, so nothing here is `ssr`-only; the
//! store keeps rows of its own (`server/store`) and converts at the edge.

pub mod capability;
pub mod dashboard;
pub mod doctor;
pub mod events;
pub mod lab;
pub mod organization;
pub mod when;
pub mod widget;

/// "1 member", "3 members".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
