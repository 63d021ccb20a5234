//! The `dsync` intent: pick the directory's type, connect it (a SCIM endpoint
//! and token to paste into the provider, or Google's consent), and the
//! emulator's provider provisions a first set of users and groups.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;

use super::flow::{finish, page};
use crate::model::PortalSession;
use crate::api::directory_sync::{directory_json, user_json};
use crate::ids::{new_id, secret_token};
use crate::model::{Directory, DirectoryGroup, DirectoryUser};
use crate::emulator::Emulator;

/// (form value, label, the public API's type, SCIM?)
const TYPES: &[(&str, &str, &str, bool)] = &[
    ("okta", "Okta (SCIM v2.0)", "okta scim v2.0", true),
    ("entra", "Microsoft Entra ID (SCIM v2.0)", "azure scim v2.0", true),
    ("scim", "Other SCIM v2.0 provider", "generic scim v2.0", true),
    ("google", "Google Workspace", "gsuite directory", false),
];

/// Who the emulator's provider sends first: (first, last, email local part, group).
const PEOPLE: &[(&str, &str, &str, &str)] =
    &[("Alan", "Turing", "alan", "Engineering"), ("Katherine", "Johnson", "katherine", "Engineering"), ("Radia", "Perlman", "radia", "Operations")];

fn directory(emu: &Emulator, session: &PortalSession) -> Option<Directory> {
    let id = session.directory_id.as_deref()?;
    emu.db().directories.iter().find(|d| d.id == id && d.organization_id == session.organization_id).cloned()
}

pub async fn start(State(emu): State<Emulator>, session: PortalSession) -> Response {
    let existing: Vec<Directory> = emu.db().directories.iter().filter(|d| d.organization_id == session.organization_id).cloned().collect();
    page(
        &session,
        "Directory sync",
        html! {
            h1 { "Set up Directory Sync" }
            @for d in &existing { p data-testid="existing-directory" { (d.name) " · " (d.directory_type) " · " (d.state) } }
            p.sub { "Choose where your users and groups come from." }
            form method="post" action="/portal/dsync" {
                @for (value, label, _, _) in TYPES { button type="submit" name="directory_type" value=(value) { (label) } }
            }
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct TypeForm {
    directory_type: Option<String>,
}

/// The directory exists from here on, `validating` until the provider connects.
pub async fn choose_type(State(emu): State<Emulator>, session: PortalSession, Form(f): Form<TypeForm>) -> Response {
    let Some((_, label, kind, _)) = TYPES.iter().find(|(v, ..)| Some(*v) == f.directory_type.as_deref()) else {
        return Redirect::to("/portal/dsync").into_response();
    };
    let now = emu.now_iso();
    let mut db = emu.db();
    let org = db.organization(&session.organization_id).cloned();
    let id = new_id("directory", emu.clock().millis());
    db.directories.push(Directory {
        id: id.clone(),
        organization_id: session.organization_id.clone(),
        directory_type: kind.to_string(),
        state: "validating".into(),
        name: format!("{} {}", org.as_ref().map_or("", |o| o.name.as_str()), label.split(" (").next().unwrap_or(label)),
        domain: org.and_then(|o| o.domains.first().map(|d| d.domain.clone())),
        external_key: secret_token().to_lowercase(),
        last_sync_run_at: None,
        created_at: now.clone(),
        updated_at: now,
    });
    if let Some(s) = db.portal_sessions.get_mut(&session.id) {
        s.directory_id = Some(id);
    }
    Redirect::to("/portal/dsync/link").into_response()
}

pub async fn link_page(State(emu): State<Emulator>, session: PortalSession) -> Response {
    let Some(d) = directory(&emu, &session) else { return Redirect::to("/portal/dsync").into_response() };
    let scim = TYPES.iter().find(|t| t.2 == d.directory_type).is_some_and(|t| t.3);
    page(
        &session,
        "Directory sync",
        html! {
            h1 { "Connect " (d.name) }
            @if scim {
                p.sub { "In your provider's SCIM settings, enter this endpoint and token, then come back." }
                p { "Endpoint: " code data-testid="scim-endpoint" { (emu.base_url()) "/scim/v2.0/" (d.external_key) } }
                p { "Bearer token: " code { (d.external_key) } }
                form method="post" action="/portal/dsync/link" { button.primary type="submit" { "I've configured my provider" } }
            } @else {
                p.sub { "Allow read-only access to your Google Workspace users and groups." }
                form method="post" action="/portal/dsync/link" { button.primary type="submit" { "Allow access" } }
            }
        },
    )
}

/// Linked: the provider's first sync arrives, with its events.
pub async fn link(State(emu): State<Emulator>, session: PortalSession) -> Response {
    let Some(d) = directory(&emu, &session).filter(|d| d.state != "linked") else {
        return Redirect::to("/portal/dsync").into_response();
    };
    let now = emu.now_iso();
    let mut db = emu.db();
    let domain = d.domain.clone().unwrap_or_else(|| "example.test".into());
    let mut groups = Vec::new();
    for name in ["Engineering", "Operations"] {
        let g = DirectoryGroup {
            id: new_id("directory_group", emu.clock().millis()),
            idp_id: secret_token().to_lowercase(),
            directory_id: d.id.clone(),
            organization_id: d.organization_id.clone(),
            name: name.into(),
            created_at: now.clone(),
            updated_at: now.clone(),
        };
        groups.push(g.clone());
        db.directory_groups.push(g);
    }
    for (first, last, local, group) in PEOPLE {
        db.directory_users.push(DirectoryUser {
            id: new_id("directory_user", emu.clock().millis()),
            directory_id: d.id.clone(),
            organization_id: d.organization_id.clone(),
            idp_id: secret_token().to_lowercase(),
            email: format!("{local}@{domain}"),
            first_name: Some(first.to_string()),
            last_name: Some(last.to_string()),
            state: "active".into(),
            group_ids: groups.iter().filter(|g| g.name == *group).map(|g| g.id.clone()).collect(),
            created_at: now.clone(),
            updated_at: now.clone(),
        });
    }
    if let Some(x) = db.directories.iter_mut().find(|x| x.id == d.id) {
        x.state = "linked".into();
        x.last_sync_run_at = Some(now.clone());
        x.updated_at = now;
    }
    let linked = db.directories.iter().find(|x| x.id == d.id).cloned().unwrap_or(d);
    let activated = directory_json(&db, &linked);
    db.record_event(&emu, "dsync.activated", Some(&linked.organization_id), activated);
    for g in &groups {
        db.record_event(&emu, "dsync.group.created", Some(&linked.organization_id), g.to_json());
    }
    let users: Vec<_> = db.directory_users.iter().filter(|u| u.directory_id == linked.id).cloned().collect();
    for u in &users {
        let data = user_json(&db, u);
        db.record_event(&emu, "dsync.user.created", Some(&linked.organization_id), data);
    }
    drop(db);
    finish(&session, "Your directory is linked and syncing.")
}
