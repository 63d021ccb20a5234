//! Times as people read them: "3 minutes ago", with the exact UTC time kept
//! for the `<time>` element's title. Pure, so the server (rendering a page)
//! and the browser (the live feed) say the same thing.

/// How long ago `seconds` was, in words; a negative age (the other clock runs
/// ahead) reads as "in …".
pub fn relative(seconds: i64) -> String {
    let (n, ahead) = (seconds.unsigned_abs(), seconds < 0);
    let unit = |count: u64, one: &str, many: &str| -> String {
        let span = if count == 1 { one.to_string() } else { format!("{count} {many}") };
        if ahead { format!("in {span}") } else { format!("{span} ago") }
    };
    match n {
        0..=44 => "just now".into(),
        45..=89 => unit(1, "a minute", "minutes"),
        90..=2_699 => unit(n.div_ceil(60).max(2), "a minute", "minutes"),
        2_700..=5_399 => unit(1, "an hour", "hours"),
        5_400..=79_199 => unit((n + 1_800) / 3_600, "an hour", "hours"),
        79_200..=129_599 => if ahead { "tomorrow".into() } else { "yesterday".into() },
        129_600..=2_246_399 => unit((n + 43_200) / 86_400, "a day", "days"),
        _ => unit((n + 1_296_000) / 2_592_000, "a month", "months"),
    }
}

/// `2026-12-03T06:31:24.915Z` → `2026-12-03 06:31:24 UTC` (anything else as it is).
pub fn exact(iso: &str) -> String {
    match (iso.get(..10), iso.get(11..19)) {
        (Some(day), Some(time)) if iso.as_bytes().get(10) == Some(&b'T') => format!("{day} {time} UTC"),
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_as_words() {
        assert_eq!(relative(3), "just now");
        assert_eq!(relative(60), "a minute ago");
        assert_eq!(relative(180), "3 minutes ago");
        assert_eq!(relative(3_600), "an hour ago");
        assert_eq!(relative(5 * 3_600), "5 hours ago");
        assert_eq!(relative(30 * 3_600), "yesterday");
        assert_eq!(relative(3 * 86_400), "3 days ago");
        assert_eq!(relative(90 * 86_400), "3 months ago");
        assert_eq!(relative(-600), "in 10 minutes");
    }

    #[test]
    fn the_exact_time_is_utc_to_the_second() {
        assert_eq!(exact("2026-12-03T06:31:24.915Z"), "2026-12-03 06:31:24 UTC");
        assert_eq!(exact("yesterday"), "yesterday");
    }
}
