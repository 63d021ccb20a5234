//! `/lab`: mint a widget token for any organization, member, widget and scope
//! set; read its header and claims; open the widget with exactly that token;
//! open the hosted Admin Portal for any intent. Admins only.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::lab::{lab_history, lab_members, lab_mint, lab_portal, lab_page};
use crate::catalog::{portal_intents, scopes as all_scopes, CATALOG};
use crate::model::lab::{LabAction, LabState, MemberChoice, Minted};
use crate::components::{loaded, ErrorNotice, TimeAgo, TokenClock, WidgetHost};
use crate::error::AppError;

#[component]
pub fn LabPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("search").unwrap_or_default();
    // The server reads what the bench starts from; the bench (an island) gets it
    // as its props, so the browser needs no resource machinery for it.
    let data = Resource::new(search, |s| async move { Ok::<_, AppError>((lab_page(Some(s)).await?, lab_history().await?)) });
    view! {
        <Title text="Widget lab · Orgdeck"/>
        <nav class="crumbs"><a href="/">"← Dashboard"</a></nav>
        <h1>"Widget lab"</h1>
        <p class="muted">"Mint a widget token for any organization, member and scopes, and see what the widget does with it."</p>
        {loaded(data, "Listing organizations…", move |(setup, history)| view! { <LabBench setup history search=search()/> })}
    }
}

/// The bench: choose, mint, read, open. Every call goes out from here and its
/// answer lands in a signal. Lazy: its code is a WASM file of its own, fetched
/// on this page only (`cargo leptos … --split`).
#[island(lazy)]
fn LabBench(setup: LabState, history: Vec<LabAction>, search: String) -> impl IntoView {
    let first = setup.organizations.first().map(|o| o.id.clone()).unwrap_or_default();
    let org = RwSignal::new(first);
    let user = RwSignal::new(String::new());
    let slug = RwSignal::new("users".to_string());
    let scopes = RwSignal::new(crate::catalog::WidgetKind::Users.info().scopes().into_iter().map(str::to_string).collect::<Vec<_>>());
    let intent = RwSignal::new(portal_intents().next().unwrap_or_default().to_string());
    let members = RwSignal::new(Vec::<MemberChoice>::new());
    let history = RwSignal::new(history);
    let minted = RwSignal::new(None::<Result<Minted, AppError>>);
    let portal_error = RwSignal::new(None::<AppError>);
    // The bench's code comes after the page's first hydration (lazy): tests wait
    // for this before they touch it.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    Effect::new(move |_| {
        let o = org.get();
        spawn_local(async move {
            let list = if o.is_empty() { Vec::new() } else { lab_members(o.clone()).await.unwrap_or_default() };
            // An answer for an organization no longer chosen is dropped.
            if org.get_untracked() == o {
                members.set(list);
            }
        });
    });
    let tenant_of = setup.tenants.clone();
    let organizations = setup
        .organizations
        .iter()
        .map(|o| {
            let tenant = tenant_of.iter().find(|(_, id)| *id == o.id).map(|(t, _)| format!(" · tenant {t}")).unwrap_or_default();
            view! { <option value=o.id.clone()>{format!("{} ({}){tenant}", o.name, o.id)}</option> }
        })
        .collect_view();
    let widgets = CATALOG.iter().filter(|w| w.built).map(|w| view! { <option value=w.slug>{w.title}</option> }).collect_view();
    let scope_boxes = all_scopes()
        .map(|s| {
            let s = s.to_string();
            let id = format!("scope-{s}");
            let checked = {
                let s = s.clone();
                move || scopes.with(|list| list.contains(&s))
            };
            let toggle = {
                let s = s.clone();
                move |_| scopes.update(|list| if list.contains(&s) { list.retain(|x| x != &s) } else { list.push(s.clone()) })
            };
            let for_id = id.clone();
            let what = scope_meaning(&s);
            view! {
                <label for=for_id>
                    <input id=id type="checkbox" prop:checked=checked on:change=toggle/>
                    <span><code>{s}</code><br/><span class="hint">{what}</span></span>
                </label>
            }
        })
        .collect_view();
    let mint = move |_| {
        let (o, u, w, s) = (org.get_untracked(), user.get_untracked(), slug.get_untracked(), scopes.get_untracked());
        spawn_local(async move {
            minted.set(Some(lab_mint(Some(o).filter(|o| !o.is_empty()), Some(u).filter(|u| !u.is_empty()), w, Some(s)).await));
            if let Ok(list) = lab_history().await {
                history.set(list);
            }
        });
    };
    let open_portal = move |_| {
        let (o, i) = (org.get_untracked(), intent.get_untracked());
        spawn_local(async move {
            match lab_portal(o, i).await {
                Ok(_link) => {
                    #[cfg(feature = "hydrate")]
                    let _ = window().location().assign(&_link);
                }
                Err(e) => portal_error.set(Some(e)),
            }
        });
    };
    let member_options = move || {
        members
            .get()
            .into_iter()
            .map(|m| view! { <option value=m.user_id.clone()>{format!("{} ({})", m.email, m.role)}</option> })
            .collect_view()
    };
    let intents = portal_intents().map(|i| view! { <option value=i>{i}</option> }).collect_view();
    view! {
        <section class="lab" data-testid="lab" data-ready=move || ready.get().to_string()>
            <div class="panel lab-form">
                <div class="field">
                    <label for="lab-org">"Organization"</label>
                    <div class="org-search">
                        <select id="lab-org" on:change=move |ev| { org.set(event_target_value(&ev)); user.set(String::new()); }>{organizations}</select>
                        <form method="get" action="/lab" role="search" class="org-search">
                            <label for="lab-search" class="visually-hidden">"Find an organization by name"</label>
                            <input id="lab-search" name="search" type="search" placeholder="Find by name" value=search/>
                            <button type="submit" class="secondary">"Find"</button>
                        </form>
                    </div>
                </div>
                <div class="field">
                    <label for="lab-user">"Member"</label>
                    <select id="lab-user" prop:value=move || user.get() on:change=move |ev| user.set(event_target_value(&ev))>
                        <option value="">"None (a user-only token needs a user: pick one)"</option>
                        {member_options}
                    </select>
                </div>
                <div class="field">
                    <label for="lab-widget">"Widget"</label>
                    <select id="lab-widget" on:change=move |ev| slug.set(event_target_value(&ev))>{widgets}</select>
                </div>
                <fieldset class="field">
                    <legend>"Scopes"</legend>
                    <span class="hint">"What the token lets its widget do; a widget without its scope answers 403."</span>
                    <div class="scopes">{scope_boxes}</div>
                </fieldset>
                <div><button type="button" on:click=mint>"Mint token"</button></div>
            </div>
            {move || minted.get().map(|r| match r {
                Ok(m) => view! { <MintedView minted=m/> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
            <h2 class="section">"Hosted Admin Portal"</h2>
            <div class="panel filters">
                <div class="field">
                    <label for="lab-intent">"Intent"</label>
                    <select id="lab-intent" on:change=move |ev| intent.set(event_target_value(&ev))>{intents}</select>
                </div>
                <button type="button" on:click=open_portal>"Open Admin Portal"</button>
            </div>
            {move || portal_error.get().map(|e| view! { <ErrorNotice error=e/> })}
        </section>
        <Actions actions=history/>
    }
}

#[component]
fn MintedView(minted: Minted) -> impl IntoView {
    let expires = Signal::derive(move || minted.expires_at);
    let open = RwSignal::new(false);
    let mount = minted.mount.clone();
    view! {
        <section class="minted" data-testid="minted">
            <h2 class="section">"The token"</h2>
            <TokenClock expires_at=expires/>
            <ClaimsTable claims=minted.claims.clone()/>
            <details>
                <summary>"Header and claims as JSON"</summary>
                <h3>"Header"</h3><pre data-testid="token-header">{minted.header}</pre>
                <h3>"Claims"</h3><pre data-testid="token-claims">{minted.claims}</pre>
            </details>
            <h3>"The same request with curl"</h3><pre data-testid="token-curl">{minted.curl}</pre>
            <button type="button" on:click=move |_| open.set(true)>"Open the widget with this token"</button>
            <Show when=move || open.get()>
                <WidgetHost mount=mount.clone()/>
            </Show>
        </section>
    }
}

/// What a scope lets a widget do: the catalog rows that ask for it.
fn scope_meaning(scope: &str) -> String {
    CATALOG.iter().filter(|w| w.permission == Some(scope)).map(|w| format!("{}: {}", w.title, w.purpose)).collect::<Vec<_>>().join(" ")
}

/// The token's claims, one row each, with what each one means.
#[component]
fn ClaimsTable(claims: String) -> impl IntoView {
    let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&claims).unwrap_or_default();
    let rows = parsed
        .into_iter()
        .map(|(claim, value)| {
            let meaning = match claim.as_str() {
                "iss" => "Issued by",
                "sub" => "The user",
                "org_id" => "The organization",
                "sid" => "The user's session",
                "permissions" => "Scopes granted",
                "exp" => "Expires",
                "iat" => "Issued",
                "nbf" => "Not valid before",
                "jti" => "Token id",
                "aud" => "Audience",
                _ => "",
            };
            let shown = match (&value, claim.as_str()) {
                (serde_json::Value::Number(n), "exp" | "iat" | "nbf") => match n.as_i64() {
                    Some(secs) => format!("{} ({secs})", crate::model::when::exact(&unix_iso(secs))),
                    None => n.to_string(),
                },
                (serde_json::Value::Array(list), _) if list.is_empty() => "none".into(),
                (serde_json::Value::Array(list), _) => list.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect::<Vec<_>>().join(", "),
                (serde_json::Value::String(s), _) => s.clone(),
                (other, _) => other.to_string(),
            };
            let name = claim.clone();
            view! { <tr data-claim=name><th scope="row"><code>{claim}</code></th><td>{meaning}</td><td>{shown}</td></tr> }
        })
        .collect_view();
    view! {
        <table data-testid="token-table">
            <caption class="visually-hidden">"The token's claims"</caption>
            <thead><tr><th scope="col">"Claim"</th><th scope="col">"Meaning"</th><th scope="col">"Value"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// A Unix time as ISO 8601 (the lab's claims render in the browser).
fn unix_iso(secs: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0)).to_iso_string())
    }
    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    {
        chrono::DateTime::from_timestamp(secs, 0).map(|t| t.to_rfc3339()).unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        secs.to_string()
    }
}

#[component]
fn Actions(actions: RwSignal<Vec<LabAction>>) -> impl IntoView {
    let rows = move || {
        actions
            .get()
            .into_iter()
            .map(|a| view! { <tr><td><TimeAgo at=a.at/></td><td>{a.who}</td><td>{a.what}</td><td>{a.detail}</td></tr> })
            .collect_view()
    };
    view! {
        <h2 class="section">"What was done here"</h2>
        <table data-testid="lab-actions">
            <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Details"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
