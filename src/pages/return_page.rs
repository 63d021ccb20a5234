//! `/return/:slug?outcome=…`: how the flow ended and what WorkOS holds now.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::return_page::return_page;
use crate::model::capability::{CapabilityState, ConnectionRow, DirectoryRow, DomainRow, FlowView, KeyRow, ReturnState, SessionRow};
use crate::model::events::EventRow;
use crate::model::organization::MemberRow;
use crate::model::plural;
use crate::catalog::WidgetInfo;
use crate::components::{loaded, EventLine, LiveFeed, LiveRegion, TimeAgo};

fn outcome_text(outcome: &str, title: &str) -> String {
    match outcome {
        "done" => format!("You finished with {title}."),
        "completed" => format!("You finished setting up {title} in the Admin Portal."),
        "returned" => format!("You came back from the Admin Portal without finishing {title}."),
        "abandoned" => format!("The Admin Portal flow for {title} was left unfinished."),
        "cancelled" => format!("You left {title} without finishing."),
        "error" => format!("{title} ended with an error."),
        _ => format!("You came back from {title}."),
    }
}

#[component]
pub fn ReturnPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let title = move || WidgetInfo::by_slug(&slug()).map(|w| w.title.to_string()).unwrap_or_else(slug);
    let outcome = move || outcome_text(&query.read().get("outcome").unwrap_or_default(), &title());
    let args = move || {
        let q = query.read();
        (slug(), q.get("flow"), q.get("outcome"))
    };
    let data = Resource::new(args, |(slug, flow, outcome)| return_page(slug, flow, outcome));
    view! {
        <Title text="Back from the widget · Orgdeck"/>
        <nav class="crumbs"><a href="/">"← Dashboard"</a></nav>
        <h1 data-testid="outcome">{outcome}</h1>
        <LiveRegion name="return">
            {loaded(data, "Asking WorkOS for the current state…", |r: ReturnState| view! {
                {r.flow.map(|flow| view! { <FlowSummary flow/> })}
                <StateNow now=r.now/>
            })}
        </LiveRegion>
        <LiveFeed/>
    }
}

#[component]
fn FlowSummary(flow: FlowView) -> impl IntoView {
    let changes = if flow.changes.is_empty() {
        view! { <p class="muted" data-testid="changes">"Nothing changed at WorkOS."</p> }.into_any()
    } else {
        let items = flow.changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view();
        view! { <ul data-testid="changes">{items}</ul> }.into_any()
    };
    view! {
        <section class="flow" data-testid="flow" data-outcome=flow.outcome.clone().unwrap_or_default()>
            <p class="muted">
                "Admin Portal (" <code>{flow.intent}</code> ") opened " <TimeAgo at=flow.started_at/>
                {flow.ended_at.map(|at| view! { ", back " <TimeAgo at/> })} "."
            </p>
            <h2 class="section">"What changed"</h2>
            {changes}
            <h2 class="section">"WorkOS events since the flow started"</h2>
            <EventList rows=flow.events/>
        </section>
    }
}

#[component]
pub fn EventList(rows: Vec<EventRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <p class="muted" data-testid="flow-events">"None received yet: what WorkOS reports about this flow's changes appears here as it arrives."</p>
        }
        .into_any();
    }
    let items = rows.into_iter().map(|row| view! { <EventLine row/> }).collect_view();
    view! { <ul class="panel event-list" data-testid="flow-events">{items}</ul> }.into_any()
}

#[component]
fn StateNow(now: CapabilityState) -> impl IntoView {
    match now {
        CapabilityState::Members { org_name, members, invitations } => view! {
            <p class="muted">"As WorkOS reports " {org_name} " now:"</p>
            <h2 class="section">{plural(members.len(), "member", "members")}</h2>
            <Rows rows=members testid="members"/>
            <h2 class="section">{plural(invitations.len(), "pending invitation", "pending invitations")}</h2>
            <Rows rows=invitations testid="invitations"/>
        }
        .into_any(),
        CapabilityState::Profile { name, email, email_verified, locale } => view! {
            <p class="muted">"Your profile, as WorkOS reports it now:"</p>
            <dl class="facts">
                <dt>"Name"</dt><dd data-testid="profile-name">{name}</dd>
                <dt>"Email"</dt>
                <dd data-testid="profile-email">{email}" " {if email_verified { "(verified)" } else { "(not verified)" }}</dd>
                <dt>"Locale"</dt><dd>{locale.unwrap_or_else(|| "not set".into())}</dd>
            </dl>
        }
        .into_any(),
        CapabilityState::Security { authenticator_app } => view! {
            <p class="muted">"Your sign-in factors, as WorkOS reports them now:"</p>
            <p data-testid="mfa-state">
                {if authenticator_app { "Authenticator app: on" } else { "Authenticator app: off" }}
            </p>
        }
        .into_any(),
        CapabilityState::Sessions { sessions } => view! {
            <p class="muted">"Your sessions, as WorkOS reports them now:"</p>
            <Sessions rows=sessions/>
        }
        .into_any(),
        CapabilityState::ApiKeys { org_name, keys } => view! {
            <p class="muted">{org_name}"'s API keys, as WorkOS reports them now:"</p>
            <Keys rows=keys/>
        }
        .into_any(),
        CapabilityState::Sso { org_name, connections } => view! {
            <p class="muted">{org_name}"'s SSO connections, as WorkOS reports them now:"</p>
            <Table testid="connections" head=&["Name", "Type", "State", "Certificate ends"]
                rows=connections
                    .into_iter()
                    .map(|c: ConnectionRow| vec![c.name, c.connection_type, c.state, c.certificate_ends.unwrap_or_else(|| "—".into())])
                    .collect()/>
        }
        .into_any(),
        CapabilityState::Domains { org_name, domains } => view! {
            <p class="muted">{org_name}"'s domains, as WorkOS reports them now:"</p>
            <Table testid="domains" head=&["Domain", "State"]
                rows=domains.into_iter().map(|d: DomainRow| vec![d.domain, d.state]).collect()/>
        }
        .into_any(),
        CapabilityState::Directories { org_name, directories } => view! {
            <p class="muted">{org_name}"'s directories, as WorkOS reports them now:"</p>
            <Table testid="directories" head=&["Name", "Type", "State", "Active users", "Groups"]
                rows=directories
                    .into_iter()
                    .map(|d: DirectoryRow| vec![d.name, d.directory_type, d.state, d.active_users.to_string(), d.groups.to_string()])
                    .collect()/>
        }
        .into_any(),
        CapabilityState::AuditLogStream { org_name, stream } => match stream {
            None => view! { <p data-testid="stream">{org_name}" streams its audit logs nowhere yet."</p> }.into_any(),
            Some(s) => view! {
                <p class="muted">{org_name}"'s audit-log stream, as WorkOS reports it now:"</p>
                <p data-testid="stream">{format!("{} · {}", s.destination, s.state)}</p>
                {s.error.map(|e| view! { <p class="error">{e}</p> })}
            }
            .into_any(),
        },
        CapabilityState::Organization { org_name } => view! {
            <p>"Your session is in " <strong data-testid="org-now">{org_name}</strong> "."</p>
        }
        .into_any(),
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

#[component]
fn Sessions(rows: Vec<SessionRow>) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|s| {
            let device = s.user_agent.unwrap_or_else(|| "unknown device".into());
            let shown = if s.current { format!("{} (this browser)", s.status) } else { s.status.clone() };
            view! {
                <tr data-status=s.status>
                    <td>{device}</td><td>{s.ip_address.unwrap_or_default()}</td><td>{shown}</td><td><TimeAgo at=s.created_at/></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table data-testid="sessions">
            <thead><tr><th>"Device"</th><th>"IP address"</th><th>"Status"</th><th>"Started"</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

#[component]
fn Keys(rows: Vec<KeyRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted" data-testid="api-keys">"None."</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|k| {
            view! {
                <tr>
                    <td>{k.name}</td><td><code>{k.obfuscated_value}</code></td><td>{k.permissions.join(", ")}</td>
                    <td>{k.expires_at.unwrap_or_else(|| "never".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table data-testid="api-keys">
            <thead><tr><th>"Name"</th><th>"Key"</th><th>"Permissions"</th><th>"Expires"</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}

/// A plain table of text cells, or "None." when there are no rows.
#[component]
fn Table(testid: &'static str, head: &'static [&'static str], rows: Vec<Vec<String>>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted" data-testid=testid>"None."</p> }.into_any();
    }
    let head = head.iter().map(|h| view! { <th>{*h}</th> }).collect_view();
    let body = rows
        .into_iter()
        .map(|cells| view! { <tr>{cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> })
        .collect_view();
    view! {
        <table data-testid=testid>
            <thead><tr>{head}</tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}
