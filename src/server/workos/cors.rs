//! Does WorkOS let the widgets call it from this site? The browser's widgets
//! call WorkOS directly, so an origin missing from the Dashboard's allowed web
//! origins breaks every widget with nothing but CORS errors in the console.
//! Orgdeck asks WorkOS itself (a CORS preflight) and says so in words instead.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderValue, Method};
use workos::transport::HttpRequest;

/// How long an answer is trusted: the Dashboard setting rarely changes.
const FRESH_FOR: Duration = Duration::from_secs(60);

/// Whether WorkOS's widget API accepts calls from `origin`; `Err` when WorkOS
/// could not be asked at all.
pub async fn allowed(client: &workos::Client, origin: &str) -> Result<bool, String> {
    let mut headers = HeaderMap::new();
    headers.insert(header::ORIGIN, HeaderValue::from_str(origin).map_err(|_| format!("{origin} is not a valid origin"))?);
    headers.insert(header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("GET"));
    headers.insert(header::ACCESS_CONTROL_REQUEST_HEADERS, HeaderValue::from_static("authorization,content-type"));
    let url = format!("{}/_widgets/UserProfile/me", client.base_url().trim_end_matches('/'));
    let request = HttpRequest { method: Method::OPTIONS, url, headers, body: None };
    let response = client.transport().execute(request).await.map_err(|e| e.to_string())?;
    let echoed = response.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or_default();
    Ok(echoed == origin || echoed == "*")
}

/// [`allowed`] for this site, remembered for a minute (one preflight a minute
/// at most, however many widget pages are opened).
#[derive(Default)]
pub struct CorsCheck {
    last: Mutex<Option<(Instant, bool)>>,
}

impl CorsCheck {
    /// False only when WorkOS answered and refused; a WorkOS that cannot be
    /// reached is left to the widget's own error.
    pub async fn refused(&self, client: &workos::Client, origin: &str) -> bool {
        if let Some((at, ok)) = *self.last.lock().unwrap_or_else(|e| e.into_inner()) {
            if at.elapsed() < FRESH_FOR {
                return !ok;
            }
        }
        match allowed(client, origin).await {
            Ok(ok) => {
                *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), ok));
                !ok
            }
            Err(_) => false,
        }
    }
}
