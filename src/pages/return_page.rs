//! `/return/:slug?outcome=…`: how the flow ended and what WorkOS holds now.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::orgs::{members_now, plural, MemberRow, MemberState};
use crate::catalog::WidgetInfo;
use crate::components::loaded;

fn outcome_text(outcome: &str, title: &str) -> String {
    match outcome {
        "done" | "completed" => format!("You finished with {title}."),
        "cancelled" => format!("You left {title} without finishing."),
        "error" => format!("{title} ended with an error."),
        "returned" => format!("You came back from {title}."),
        _ => format!("You came back from {title}."),
    }
}

#[component]
pub fn ReturnPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let title = move || {
        let slug = params.read().get("slug").unwrap_or_default();
        WidgetInfo::by_slug(&slug).map(|w| w.title.to_string()).unwrap_or(slug)
    };
    let outcome = move || outcome_text(&query.read().get("outcome").unwrap_or_default(), &title());
    let data = Resource::new(|| (), |_| members_now());
    view! {
        <Title text="Back from the widget · Orgdeck"/>
        <nav class="crumbs"><a href="/">"← Dashboard"</a></nav>
        <h1 data-testid="outcome">{outcome}</h1>
        {loaded(data, "Asking WorkOS for the current state…", |now| view! { <MembersTables now/> })}
    }
}

#[component]
fn MembersTables(now: MemberState) -> impl IntoView {
    view! {
        <p class="muted">"As WorkOS reports " {now.org_name} " now:"</p>
        <h2 class="section">{plural(now.members.len(), "member", "members")}</h2>
        <Rows rows=now.members testid="members"/>
        <h2 class="section">{plural(now.invitations.len(), "pending invitation", "pending invitations")}</h2>
        <Rows rows=now.invitations testid="invitations"/>
    }
}

#[component]
fn Rows(rows: Vec<MemberRow>, testid: &'static str) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted" data-testid=testid>"None."</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|r| view! { <tr><td>{r.name}</td><td>{r.email}</td><td>{r.role}</td></tr> })
        .collect_view();
    view! {
        <table data-testid=testid>
            <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}
