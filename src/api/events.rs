//! The WorkOS events Orgdeck received, for the people whose organization they
//! are about: the `/events` page and its payloads.

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::events::PAGE_SIZE;
use crate::model::events::EventPage;
#[cfg(feature = "ssr")]
use crate::model::organization::OrgChoice;
#[cfg(feature = "ssr")]
use crate::server::event_access::EventScope;

/// Now, written as the store writes an event's `received_at`, so the live feed's
/// `since` (when its page read its data) compares with it.
#[cfg(feature = "ssr")]
pub fn page_read_at() -> String {
    crate::server::store::now_iso()
}

/// The organization asked for, if the user is one of its members (else the
/// session's), and what of its events the user may read there.
#[cfg(feature = "ssr")]
async fn member_organization(wanted: Option<String>) -> Result<(Vec<OrgChoice>, String, EventScope), AppError> {
    use crate::server::session::CurrentSession;
    use crate::server::state::AppState;
    let (session, org) = CurrentSession::with_organization()?;
    let state = AppState::current()?;
    let mine = state.cache.user_organizations(&state.workos, &session.user_id).await?;
    let chosen = match wanted.filter(|w| !w.is_empty()) {
        // The session's organization too only while the user is still a member
        // (the read is forgotten when a membership event arrives).
        None if mine.iter().any(|o| o.id == org) => org,
        None => return Err(AppError::NoOrganization { email: session.email }),
        Some(w) if mine.iter().any(|o| o.id == w) => w,
        Some(w) => {
            return Err(AppError::Invalid { field: Some("organization".into()), message: format!("You are not a member of {w}.") });
        }
    };
    let scope = EventScope::of(&session, &state.settings, &chosen);
    Ok((mine.to_vec(), chosen, scope))
}

/// A page of an organization's events, newest first, filtered by type.
#[server(endpoint = "events_page")]
pub async fn events_page(organization: Option<String>, event: Option<String>, before: Option<String>) -> Result<EventPage, AppError> {
    use crate::server::state::AppState;
    use crate::server::store::EventQuery;
    let (organizations, org, scope) = member_organization(organization).await?;
    let state = AppState::current()?;
    let before = before.as_deref().and_then(|b| b.split_once('|')).map(|(at, id)| (at.to_string(), id.to_string()));
    let query = EventQuery {
        organization_id: Some(org.clone()),
        user_id: scope.user().map(str::to_string),
        event: event.filter(|e| !e.is_empty()),
        before,
        limit: PAGE_SIZE + 1,
        ..Default::default()
    };
    use crate::server::event_words::{self, Names};
    let (found, names) = tokio::join!(state.store.events(&query), Names::read(&state, &org));
    let mut found = found?;
    let more = found.len() as i64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let next = more.then(|| found.last().map(|e| format!("{}|{}", e.created_at, e.id))).flatten();
    let types = state.store.event_types(&org, scope.user()).await?;
    Ok(EventPage { organization_id: org, organizations, types, rows: found.into_iter().map(|e| event_words::row(e, &names)).collect(), next })
}

/// One event's whole payload, pretty-printed, for whoever may read it (an
/// admin of its organization, or the user it is about).
#[server(endpoint = "event_payload")]
pub async fn event_payload(id: String) -> Result<String, AppError> {
    use crate::server::state::AppState;
    use crate::server::session::CurrentSession;
    // Who asks comes first: a signed-out caller learns nothing of which ids exist.
    let (mine, _, _) = member_organization(None).await?;
    let (session, state) = (CurrentSession::current()?, AppState::current()?);
    let found = state.store.event(&id).await?;
    let not_yours = || AppError::Invalid { field: Some("id".into()), message: "No such event in your organizations.".into() };
    let event = found.ok_or_else(not_yours)?;
    let Some(org) = event.organization_id.as_deref().filter(|o| mine.iter().any(|m| m.id == *o)) else {
        return Err(not_yours());
    };
    if !EventScope::of(&session, &state.settings, org).allows(&event) {
        return Err(not_yours());
    }
    Ok(crate::server::event_words::pretty(&event.payload))
}
