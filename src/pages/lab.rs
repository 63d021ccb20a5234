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
use crate::components::{loaded, ErrorNotice, TokenClock, WidgetHost};
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
        <form method="get" action="/lab" class="filters">
            <label for="lab-search">"Find an organization"</label>
            <input id="lab-search" name="search" type="search" placeholder="Name" value=search/>
            <button type="submit" class="secondary">"Find"</button>
        </form>
        {loaded(data, "Listing organizations…", |(setup, history)| view! { <LabBench setup history/> })}
    }
}

/// The bench: choose, mint, read, open. Every call goes out from here and its
/// answer lands in a signal. Lazy: its code is a WASM file of its own, fetched
/// on this page only (`cargo leptos … --split`).
#[island(lazy)]
fn LabBench(setup: LabState, history: Vec<LabAction>) -> impl IntoView {
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
            view! { <label for=for_id><input id=id type="checkbox" prop:checked=checked on:change=toggle/>" " {s}</label> }
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
            <div class="lab-form">
                <label for="lab-org">"Organization"</label>
                <select id="lab-org" on:change=move |ev| { org.set(event_target_value(&ev)); user.set(String::new()); }>{organizations}</select>
                <label for="lab-user">"Member"</label>
                <select id="lab-user" prop:value=move || user.get() on:change=move |ev| user.set(event_target_value(&ev))>
                    <option value="">"None (a user-only token needs a user: pick one)"</option>
                    {member_options}
                </select>
                <label for="lab-widget">"Widget"</label>
                <select id="lab-widget" on:change=move |ev| slug.set(event_target_value(&ev))>{widgets}</select>
                <fieldset><legend>"Scopes"</legend>{scope_boxes}</fieldset>
                <button type="button" on:click=mint>"Mint token"</button>
            </div>
            {move || minted.get().map(|r| match r {
                Ok(m) => view! { <MintedView minted=m/> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
            <h2 class="section">"Hosted Admin Portal"</h2>
            <label for="lab-intent">"Intent"</label>
            <select id="lab-intent" on:change=move |ev| intent.set(event_target_value(&ev))>{intents}</select>
            <button type="button" on:click=open_portal>"Open Admin Portal"</button>
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
            <TokenClock expires_at=expires/>
            <h3>"Header"</h3><pre data-testid="token-header">{minted.header}</pre>
            <h3>"Claims"</h3><pre data-testid="token-claims">{minted.claims}</pre>
            <h3>"The same request with curl"</h3><pre data-testid="token-curl">{minted.curl}</pre>
            <button type="button" on:click=move |_| open.set(true)>"Open the widget with this token"</button>
            <Show when=move || open.get()>
                <WidgetHost mount=mount.clone() on_token=|_| {}/>
            </Show>
        </section>
    }
}

#[component]
fn Actions(actions: RwSignal<Vec<LabAction>>) -> impl IntoView {
    let rows = move || {
        actions
            .get()
            .into_iter()
            .map(|a| view! { <tr><td>{a.at}</td><td>{a.who}</td><td>{a.what}</td><td>{a.detail}</td></tr> })
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
