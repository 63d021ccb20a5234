//! How every error reaches the user: what happened, and what to do.

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::RequestTrace;

#[component]
pub fn SignOutButton() -> impl IntoView {
    view! {
        <form method="post" action="/logout" class="sign-out">
            <button type="submit" class="secondary">"Sign out"</button>
        </form>
    }
}

#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let kind = match &error {
        AppError::NotSignedIn => "not-signed-in",
        AppError::NoOrganization { .. } => "no-organization",
        AppError::MissingPermission { .. } => "missing-permission",
        AppError::UnknownWidget { .. } => "unknown-widget",
        AppError::NotBuilt { .. } => "not-built",
        AppError::WorkosUnauthorized => "workos-unauthorized",
        AppError::OrganizationNotFound { .. } => "organization-not-found",
        AppError::Invalid { .. } => "invalid",
        AppError::Conflict { .. } => "conflict",
        AppError::Workos { .. } => "workos",
        AppError::Unavailable { .. } => "unavailable",
        AppError::RateLimited { .. } => "rate-limited",
        AppError::TooManyRequests { .. } => "too-many-requests",
        AppError::BudgetSpent { .. } => "budget-spent",
        AppError::Internal { .. } => "internal",
        AppError::BadRequest { .. } => "bad-request",
        AppError::OriginRefused { .. } => "origin-refused",
        AppError::WrongTenant { .. } => "wrong-tenant",
    };
    let action = match &error {
        AppError::NotSignedIn => view! { <a class="button" href="/login">"Sign in"</a> }.into_any(),
        AppError::NoOrganization { .. } => view! { <SignOutButton/> }.into_any(),
        AppError::MissingPermission { .. } | AppError::UnknownWidget { .. } | AppError::NotBuilt { .. } => {
            view! { <a class="button secondary" href="/">"Back to the dashboard"</a> }.into_any()
        }
        _ => view! { <a class="button secondary" href="">"Try again"</a> }.into_any(),
    };
    // On the server, the request's trace id: what an operator searches the logs
    // and traces for. (An island's notice, made in the browser, has none.)
    #[cfg(feature = "ssr")]
    let request_id = use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get::<RequestTrace>().map(|t| t.0.clone()));
    #[cfg(not(feature = "ssr"))]
    let request_id: Option<String> = None;
    let request_id = request_id.map(|id| view! { <p class="request-id muted">"Request ID " <code data-testid="request-id">{id}</code></p> });
    view! {
        <section class="notice error" role="alert" data-error=kind>
            <h2>{error.to_string()}</h2>
            <p class="detail">{error.detail()}</p>
            <p class="fix">{error.fix()}</p>
            {action}
            {request_id}
        </section>
    }
}
