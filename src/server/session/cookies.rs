//! Orgdeck's two cookies: the sealed session and the sign-in under way. Read
//! and written with the cookie crate, not percent-encoded (`CookieJar::add`
//! would encode the `/` and `=` of the SDK's base64, changing the value every
//! browser already holds).

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, SameSite};

pub const SESSION: &str = "wos-session";
pub const SIGN_IN: &str = "orgdeck-sign-in";
/// What a cookie's name starts with behind https (see [`Cookies`]).
const HOST_PREFIX: &str = "__Host-";
/// authkit-nextjs's default: the refresh token, not the cookie, bounds a session.
pub const SESSION_MAX_AGE: i64 = 400 * 24 * 3600;
pub const SIGN_IN_MAX_AGE: i64 = 600;

/// The cookie names as sent: behind https with the `__Host-` prefix, which
/// browsers accept only Secure, for this host and `Path=/`, so that no other
/// site on the domain can set or shadow it (OWASP ASVS 3.4.4).
#[derive(Debug, Clone, Copy)]
pub struct Cookies {
    pub secure: bool,
}

impl Cookies {
    pub fn name(self, name: &str) -> String {
        match self.secure {
            true => format!("{HOST_PREFIX}{name}"),
            false => name.to_string(),
        }
    }

    /// The value of cookie `name` the browser sent, if not empty; of two, the
    /// last (as `CookieJar` keeps). Read as written (not percent-decoded) and
    /// borrowed from the request.
    ///
    /// Split here rather than by `Cookie::split_parse`: every request reads
    /// the session, whose ~2 KB value the cookie crate scanned three times
    /// byte by byte (checking the header, splitting at `;`, parsing each pair)
    /// and a jar would also decode; this finds the `;`s with memchr and checks
    /// only the one value it returns (~6% of a token call's own instructions).
    pub fn read<'h>(self, headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .flat_map(|v| pairs(v.as_bytes()))
            .filter(|(sent, _)| self.names(sent, name))
            .last()
            .and_then(|(_, value)| std::str::from_utf8(value).ok())
            .filter(|v| !v.is_empty())
    }

    /// Whether a cookie called `sent` is this jar's cookie `name` (`name()`, without building it).
    fn names(self, sent: &[u8], name: &str) -> bool {
        match self.secure {
            true => sent.strip_prefix(HOST_PREFIX.as_bytes()) == Some(name.as_bytes()),
            false => sent == name.as_bytes(),
        }
    }

    /// `name=value` for `max_age` seconds (0: delete it), HttpOnly, SameSite=Lax, Path=/.
    pub fn set(self, name: &str, value: &str, max_age: i64) -> HeaderValue {
        let cookie = Cookie::build((self.name(name), value.to_string()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(cookie::time::Duration::seconds(max_age))
            .secure(self.secure)
            .build();
        HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static("orgdeck-invalid=; Max-Age=0"))
    }

    pub fn session(self, sealed: &str) -> HeaderValue {
        self.set(SESSION, sealed, SESSION_MAX_AGE)
    }

    pub fn clear(self, name: &str) -> HeaderValue {
        self.set(name, "", 0)
    }

    /// Whether `response` sets cookie `name` itself.
    pub fn sets(self, response: &Response, name: &str) -> bool {
        let prefix = format!("{}=", self.name(name));
        response.headers().get_all(header::SET_COOKIE).iter().any(|v| v.to_str().is_ok_and(|v| v.starts_with(&prefix)))
    }
}

/// A `Cookie` header's `name=value` pairs, each trimmed of spaces; a piece
/// without `=` or with an empty name is skipped, as the cookie crate does.
fn pairs(header: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = Some(header);
    std::iter::from_fn(move || {
        let piece = rest?;
        let (pair, after) = match memchr::memchr(b';', piece) {
            Some(at) => (&piece[..at], Some(&piece[at + 1..])),
            None => (piece, None),
        };
        rest = after;
        Some(pair)
    })
    .filter_map(|pair| {
        let at = memchr::memchr(b'=', pair)?;
        let name = pair[..at].trim_ascii();
        (!name.is_empty()).then(|| (name, pair[at + 1..].trim_ascii()))
    })
}

pub fn with_cookie(mut response: Response, cookie: HeaderValue) -> Response {
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; wos-session=abc+/=; b=2".parse().unwrap());
        let cookies = Cookies { secure: false };
        assert_eq!(cookies.read(&h, SESSION).as_deref(), Some("abc+/="));
        assert_eq!(cookies.read(&h, "missing"), None);
        // Two headers (HTTP/2 sends one per cookie), a repeated name, a value read as sent.
        h.append(header::COOKIE, "wos-session=second%2B/=; c=".parse().unwrap());
        assert_eq!(cookies.read(&h, SESSION).as_deref(), Some("second%2B/="));
        assert_eq!(cookies.read(&h, "c"), None, "an empty cookie is none");
        assert_eq!(Cookies { secure: true }.read(&h, SESSION), None, "behind https only the __Host- name counts");
        h.insert(header::COOKIE, " x ; =y; wos-session = padded ;__Host-wos-session=host".parse().unwrap());
        assert_eq!(cookies.read(&h, SESSION), Some("padded"), "no `=`, an empty name: skipped; spaces trimmed");
        assert_eq!(Cookies { secure: true }.read(&h, SESSION), Some("host"));
    }

    /// What the cookie crate read (before this split of our own), for the property below.
    fn read_by_the_cookie_crate(cookies: Cookies, headers: &HeaderMap, name: &str) -> Option<String> {
        let wanted = cookies.name(name);
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .filter(|c| c.name() == wanted)
            .last()
            .map(|c| c.value().to_string())
            .filter(|v| !v.is_empty())
    }

    proptest::proptest! {
        /// Any header a browser can send reads as the cookie crate reads it.
        #[test]
        fn fuzz_reads_as_the_cookie_crate_does(
            sent in proptest::collection::vec("[ ;=a-c\\t\"]{0,6}|(__Host-)?wos-session ?=|a=|[A-Za-z0-9+/=]{0,12}", 0..12),
            secure in proptest::arbitrary::any::<bool>(),
        ) {
            let Ok(value) = HeaderValue::from_str(&sent.concat()) else { return Ok(()) };
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, value);
            let cookies = Cookies { secure };
            for name in [SESSION, "a", "b"] {
                proptest::prop_assert_eq!(cookies.read(&h, name).map(str::to_string), read_by_the_cookie_crate(cookies, &h, name));
            }
        }
    }

    #[test]
    fn a_cookie_is_written_as_sealed_host_only_behind_https() {
        let set = Cookies { secure: true }.session("abc+/=").to_str().unwrap().to_string();
        assert!(set.starts_with("__Host-wos-session=abc+/=;"), "{set}");
        for attr in ["; Path=/", "; HttpOnly", "; SameSite=Lax", "; Secure", "; Max-Age=34560000"] {
            assert!(set.contains(attr), "{set}");
        }
        let cleared = Cookies { secure: false }.clear(SESSION).to_str().unwrap().to_string();
        assert!(cleared.starts_with("wos-session=;") && cleared.contains("Max-Age=0") && !cleared.contains("Secure"), "{cleared}");
    }
}
