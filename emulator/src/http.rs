//! What every route shares: WorkOS's error bodies, `X-Request-ID`, API-key auth,
//! lenient bodies (JSON or form), and cursor pagination.

use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};


/// An error answered with WorkOS's status and JSON body.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
    /// Seconds, sent as `Retry-After` (429s).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, body: Value) -> Self {
        ApiError { status, body, retry_after: None }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            json!({"message": "Could not authorize the request. Maybe your API key is invalid?"}),
        )
    }

    pub fn not_found(entity: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            json!({"message": format!("{entity} not found '{id}'"), "code": "entity_not_found", "entity_id": id}),
        )
    }

    /// 422 naming the field at fault, as WorkOS validation errors do.
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({
                "message": message.into(),
                "code": "invalid_request_parameters",
                "errors": [{"field": field, "code": code}],
            }),
        )
    }

    pub fn required(field: &str) -> Self {
        Self::invalid(field, "required", format!("Validation failed: {field} is required"))
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, json!({"message": message.into(), "code": code}))
    }

    /// The same error as a 400: for the few operations whose spec declares a 400
    /// and no 422 for a malformed request.
    pub fn as_bad_request(self) -> Self {
        match self.status {
            StatusCode::UNPROCESSABLE_ENTITY => Self { status: StatusCode::BAD_REQUEST, ..self },
            _ => self,
        }
    }

    /// OAuth-style errors of `/user_management/authenticate`.
    pub fn oauth(status: StatusCode, error: &str, description: impl Into<String>) -> Self {
        Self::new(status, json!({"error": error, "error_description": description.into()}))
    }

    /// The same error in the private Widgets API's shape: `{message}`, plus
    /// `errors` when there are any (no `code`).
    pub fn for_widgets(self) -> Self {
        let mut body = json!({"message": self.body["message"]});
        if let Some(errors) = self.body.get("errors") {
            body["errors"] = errors.clone();
        }
        Self { status: self.status, body, retry_after: self.retry_after }
    }

    /// The private Widgets API answers `{message}` only.
    pub fn widget(status: StatusCode, message: impl Into<String>) -> Self {
        Self::new(status, json!({"message": message.into()}))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(v) = self.retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

pub type ApiResult<T = Response> = Result<T, ApiError>;

/// `http(s)://127.0.0.1|localhost|[::1][:port]`, as a browser writes an Origin.
pub fn is_loopback_origin(origin: &str) -> bool {
    let Ok(url) = url::Url::parse(origin) else { return false };
    matches!(url.scheme(), "http" | "https")
        && matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
        && url.path() == "/"
        && !origin.ends_with('/')
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// A request body read as JSON, or as a form when the request says so; an empty
/// body reads as `{}`. Malformed input is a WorkOS-style 400/422, never a plain-text rejection.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request("invalid_request", e.body_text()))?;
        let json_error = |e: serde_json::Error| (!e.is_data(), e.to_string());
        let parsed = if is_form {
            serde_urlencoded::from_bytes::<T>(&bytes).map_err(|e| (false, e.to_string()))
        } else if bytes.iter().all(u8::is_ascii_whitespace) {
            serde_json::from_str::<T>("{}").map_err(json_error)
        } else {
            serde_json::from_slice::<T>(&bytes).map_err(json_error)
        };
        // A body that is not JSON (or form) at all is a 400; JSON of the wrong
        // shape (a number for a string, a missing object) is a validation
        // failure, the spec's 422 `invalid_request_parameters`.
        parsed.map(Body).map_err(|(syntax, e)| match syntax {
            true => ApiError::bad_request("invalid_request_body", format!("The request body could not be read: {e}")),
            false => ApiError::invalid("body", "invalid", format!("Validation failed: {e}")),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageParams {
    pub limit: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub order: Option<String>,
}

impl PageParams {
    /// `limit`: 10 by default, 1 to 100.
    pub fn page_size(&self) -> ApiResult<usize> {
        match self.limit.as_deref() {
            None | Some("") => Ok(10),
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => Ok(n),
                _ => Err(ApiError::invalid("limit", "invalid", "limit must be a number between 1 and 100")),
            },
        }
    }

    /// The same parameters with any that do not parse dropped (their defaults
    /// apply): for list operations whose spec declares no 422.
    pub fn lenient(self) -> PageParams {
        let limit = self.limit.filter(|l| l.parse::<usize>().is_ok_and(|n| (1..=100).contains(&n)));
        let order = self.order.filter(|o| matches!(o.as_str(), "asc" | "desc" | "normal"));
        PageParams { limit, order, ..self }
    }

    /// Whether `order` (or `default_order`) lists oldest first: `asc` and
    /// `normal` do, `desc` does not.
    pub fn ascending(&self, default_order: &str) -> ApiResult<bool> {
        match self.order.as_deref().unwrap_or(default_order) {
            "desc" => Ok(false),
            "asc" | "normal" => Ok(true),
            _ => Err(ApiError::invalid("order", "invalid", "order must be one of asc, desc, normal")),
        }
    }
}

pub struct Page<T> {
    pub data: Vec<T>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl<T: serde::Serialize> Page<T> {
    pub fn to_list(&self) -> Value {
        json!({
            "object": "list",
            "data": self.data,
            "list_metadata": {"before": self.before, "after": self.after},
        })
    }
}

/// Cursor pagination over `items`, given oldest first. `order` is `desc` by default
/// (newest first); `asc` and `normal` keep creation order. `after`/`before` are IDs.
pub fn paginate<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> &str,
    params: &PageParams,
    default_order: &str,
) -> ApiResult<Page<T>> {
    let limit = params.page_size()?;
    let mut items = items;
    if !params.ascending(default_order)? {
        items.reverse();
    }
    let position = |cursor: &str| items.iter().position(|t| id(t) == cursor);
    let (start, end) = if let Some(after) = params.after.as_deref().filter(|s| !s.is_empty()) {
        match position(after) {
            Some(p) => (p + 1, (p + 1 + limit).min(items.len())),
            None => (items.len(), items.len()),
        }
    } else if let Some(before) = params.before.as_deref().filter(|s| !s.is_empty()) {
        match position(before) {
            Some(p) => (p.saturating_sub(limit), p),
            None => (0, 0),
        }
    } else {
        (0, limit.min(items.len()))
    };
    let total = items.len();
    let before = (start > 0 && start < end).then(|| id(&items[start]).to_string());
    let after = (end < total && start < end).then(|| id(&items[end - 1]).to_string());
    let data: Vec<T> = items.into_iter().skip(start).take(end - start).collect();
    Ok(Page { data, before, after })
}

/// WorkOS takes array query parameters comma-separated (`statuses=active,pending`).
pub fn csv(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("id{i}")).collect()
    }

    fn page(params: PageParams) -> Page<String> {
        paginate(ids(5), |s| s.as_str(), &params, "desc").unwrap()
    }

    #[test]
    fn pages_walk_forward_and_back() {
        let first = page(PageParams { limit: Some("2".into()), ..Default::default() });
        assert_eq!(first.data, ["id5", "id4"]);
        assert_eq!((first.before.as_deref(), first.after.as_deref()), (None, Some("id4")));
        let second = page(PageParams { limit: Some("2".into()), after: first.after.clone(), ..Default::default() });
        assert_eq!(second.data, ["id3", "id2"]);
        assert_eq!(second.before.as_deref(), Some("id3"));
        let last = page(PageParams { limit: Some("2".into()), after: second.after.clone(), ..Default::default() });
        assert_eq!(last.data, ["id1"]);
        assert_eq!(last.after, None);
        let back = page(PageParams { limit: Some("2".into()), before: last.before.clone(), ..Default::default() });
        assert_eq!(back.data, ["id3", "id2"]);
    }

    #[test]
    fn limit_out_of_range_is_422() {
        let err = paginate(ids(1), |s| s.as_str(), &PageParams { limit: Some("101".into()), ..Default::default() }, "desc");
        assert_eq!(err.err().unwrap().status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn csv_splits_and_trims() {
        assert_eq!(csv(Some("active, pending,,")), ["active", "pending"]);
        assert!(csv(None).is_empty());
    }
}
