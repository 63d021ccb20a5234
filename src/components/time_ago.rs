//! `<time>`: how long ago, in words, with the exact UTC time as its title.

use leptos::prelude::*;

use crate::model::when::{exact, relative};

/// Seconds since `iso` by this side's clock: the server's while a page
/// renders, the browser's in an island (the live feed).
fn age(iso: &str) -> Option<i64> {
    #[cfg(feature = "ssr")]
    {
        let at = chrono::DateTime::parse_from_rfc3339(iso).ok()?;
        Some((chrono::Utc::now() - at.with_timezone(&chrono::Utc)).num_seconds())
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let at = js_sys::Date::parse(iso);
        (!at.is_nan()).then(|| ((js_sys::Date::now() - at) / 1000.0) as i64)
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        let _ = iso;
        None
    }
}

#[component]
pub fn TimeAgo(#[prop(into)] at: String) -> impl IntoView {
    let words = age(&at).map(relative).unwrap_or_else(|| exact(&at));
    view! { <time datetime=at.clone() title=exact(&at)>{words}</time> }
}
