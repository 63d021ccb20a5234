//! `POST /api/widget_token`: a fresh widget token (never cached) for the
//! session's organization and user with the catalog's scopes; the widgets ask
//! on mount, before a token expires and after a 403. The organization never
//! comes from the request.
//!
//! A plain handler rather than a server function, as it is Orgdeck's busiest
//! call: a server function's dispatch (its owner, contexts and codecs) was ~9
//! of its ~105 µs (bench/RESULTS.md). The wire stays a server function's: the
//! form `slug=…` in, a JSON string out, a failure as `ExplainedJson` with its
//! status (and `Retry-After`), so callers cannot tell.
//!
//! It has a route of its own beside the server functions' stack, and does
//! what that stack's layers would (the Origin check, the session with a
//! refreshed or cleared cookie, `no-store`) by calling the same functions:
//! each `from_fn` layer boxes a future and clones what is beneath it per
//! request, and five of them and a second router were ~10 µs of the call's
//! CPU (bench/RESULTS.md).

use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequest, MatchedPath, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Json, Response};
use leptos::server_fn::error::FromServerFnError;

use super::session::{self, CurrentSession};
use super::state::AppState;
use super::{assets, guard};
use super::workos::tokens;
use crate::catalog::{TokenKind, WidgetInfo};
use crate::error::AppError;

/// Whether `session` may open `widget` (the widget page asks too).
pub fn may_open(widget: &WidgetInfo, session: &CurrentSession) -> Result<(), AppError> {
    if widget.token != TokenKind::UserOnly && session.organization_id.is_none() {
        return Err(AppError::NoOrganization { email: session.email.clone() });
    }
    session.may_use(widget)?;
    if !widget.built {
        return Err(AppError::NotBuilt { title: widget.title.into() });
    }
    Ok(())
}

#[derive(serde::Deserialize)]
pub struct TokenFor {
    slug: String,
}

pub async fn widget_token(State(state): State<AppState>, route: MatchedPath, request: Request) -> Response {
    if !guard::same_origin(request.headers(), &state.origins) {
        return guard::refuse(&request);
    }
    let (signed_in, set_cookie) = session::from_cookie(&state, request.headers()).await;
    let session = signed_in.map(|(session, _)| session);
    let form = Form::<TokenFor>::from_request(request, &state).await;
    let mut response = match mint(&state, session, form).await {
        Ok(token) => json_string(token),
        Err(e) => explained(&e),
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(assets::PRIVATE));
    if let Some(cookie) = set_cookie {
        headers.append(SET_COOKIE, cookie);
    }
    // For the metrics outside (observe.rs reads the route from the answer).
    response.extensions_mut().insert(route);
    response
}

async fn mint(state: &AppState, session: Option<Arc<CurrentSession>>, form: Result<Form<TokenFor>, FormRejection>) -> Result<String, AppError> {
    let Form(TokenFor { slug }) = form.map_err(|e| AppError::BadRequest { message: e.body_text() })?;
    let widget = WidgetInfo::by_slug(&slug).ok_or(AppError::UnknownWidget { slug })?;
    let Some(session) = session else { return Err(AppError::NotSignedIn) };
    may_open(widget, &session)?;
    state.limits.spend(&session.user_id, 1)?;
    let organization_id = match widget.token {
        TokenKind::UserOnly => None,
        TokenKind::Organization | TokenKind::OrganizationSession => session.organization_id.as_deref(),
    };
    tokens::mint(&state.workos, organization_id, Some(&session.user_id), &widget.scopes()).await
}

/// `token` as the JSON string the widgets read. A JWT (base64url and dots)
/// needs no JSON escapes, so it is quoted as it is: serde's string writer
/// looks each byte up in its escape table (~7% of a token call's own
/// instructions); this check is one pass the compiler vectorises. Anything
/// that would need an escape goes through serde.
fn json_string(token: String) -> Response {
    let escapes = token.bytes().fold(false, |any, b| any | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if escapes {
        return Json(token).into_response();
    }
    let mut body = String::with_capacity(token.len() + 2);
    body.push('"');
    body.push_str(&token);
    body.push('"');
    ([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

/// A failure as a server function answers it: its `ExplainedJson` body, and the
/// head statuses.rs gives theirs.
fn explained(error: &AppError) -> Response {
    let (mut parts, body) = ([(CONTENT_TYPE, "application/json")], error.ser()).into_response().into_parts();
    super::statuses::mark(error, &mut parts);
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(response: Response) -> (Option<HeaderValue>, Vec<u8>) {
        let (parts, body) = response.into_parts();
        let bytes = futures::executor::block_on(axum::body::to_bytes(body, usize::MAX)).unwrap();
        (parts.headers.get(CONTENT_TYPE).cloned(), bytes.to_vec())
    }

    proptest::proptest! {
        /// Whatever the token, the answer is serde's JSON string of it, byte for byte.
        #[test]
        fn fuzz_a_token_is_answered_as_serde_writes_it(token in proptest::prop_oneof![
            "[A-Za-z0-9_-]{10,40}\\.[A-Za-z0-9_-]{10,40}\\.[A-Za-z0-9_-]{0,40}",
            proptest::arbitrary::any::<String>(),
        ]) {
            let (content_type, body) = body_of(json_string(token.clone()));
            proptest::prop_assert_eq!(content_type, Some(HeaderValue::from_static("application/json")));
            proptest::prop_assert_eq!(body, serde_json::to_vec(&token).unwrap());
        }
    }
}
