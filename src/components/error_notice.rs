//! How every error reaches the user: what happened, and what to do.

use leptos::prelude::*;

use crate::error::AppError;

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
    view! {
        <section class="notice error" role="alert" data-error=kind>
            <h2>{error.to_string()}</h2>
            <p class="detail">{error.detail()}</p>
            <p class="fix">{error.fix()}</p>
            {action}
        </section>
    }
}
