//! Orgdeck's router against the WorkOS emulator, without a browser: one test
//! binary (one link), a file per area, as `end2end/tests/` has a spec per area.
#![cfg(feature = "ssr")]

#[path = "../common/mod.rs"]
mod common;

mod admin;
mod dashboard;
mod events;
mod limits;
mod live;
mod pages_kept;
mod portal;
mod security;
mod serving;
mod sessions;
mod sign_in;
mod statuses;
mod widgets;
