//! Hosts one official WorkOS widget. The server renders an empty leaf element;
//! after hydration the widgets bundle is loaded (on widget pages only) and mounts
//! the React widget into it, with `authToken` as an async function calling the
//! `widget_token` server function. The widget is unmounted with the page.

use leptos::prelude::*;

use crate::model::widget::WidgetSetup;

/// Where the offer to end the other sessions stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    Open,
    Done(usize),
    Failed(String),
}

/// After a password change (OWASP ASVS V3.3.3): sign out everywhere else?
#[component]
fn EndOtherSessions(offer: Offer, state: RwSignal<Option<Offer>>) -> impl IntoView {
    let end = move |_| {
        leptos::task::spawn_local(async move {
            let done = crate::api::session::end_other_sessions().await;
            state.try_set(Some(match done {
                Ok(n) => Offer::Done(n),
                Err(e) => Offer::Failed(e.explained()),
            }));
        });
    };
    let body = match offer {
        Offer::Open => view! {
            <p>"Your password changed. Anyone still signed in elsewhere with the old one stays signed in until you end those sessions."</p>
            <button type="button" on:click=end>"Sign out my other sessions"</button>
            <button type="button" class="secondary" on:click=move |_| state.set(None)>"Keep them"</button>
        }
        .into_any(),
        Offer::Done(n) => view! { <p data-testid="other-sessions-ended">{format!("Signed out {n} other session{}.", if n == 1 { "" } else { "s" })}</p> }.into_any(),
        Offer::Failed(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
    };
    view! { <section class="notice" role="status" data-testid="end-other-sessions">{body}</section> }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostState {
    Loading,
    Mounted,
    Failed(String),
}

#[component]
pub fn WidgetHost(mount: WidgetSetup, #[prop(into)] on_token: Callback<i64>) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let state = RwSignal::new(HostState::Loading);
    // A failed organization switch: said here, the widget stays usable.
    let notice = RwSignal::new(None::<String>);
    // The password just changed in UserSecurity: offer to end the other sessions.
    let offer = RwSignal::new(None::<Offer>);
    #[cfg(feature = "hydrate")]
    {
        let mount = mount.clone();
        Effect::new(move |started: Option<bool>| {
            if started == Some(true) {
                return true;
            }
            match node.get() {
                Some(el) => {
                    browser::start(el, mount.clone(), on_token, state, notice, offer);
                    true
                }
                None => false,
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = &on_token;
    let status = move || match state.get() {
        HostState::Loading => view! { <p class="muted" data-testid="widget-loading">"Loading the widget…"</p> }.into_any(),
        HostState::Mounted => ().into_any(),
        HostState::Failed(message) => view! {
            <section class="notice error" role="alert" data-error="widget">
                <h2>"The widget could not load"</h2>
                <p class="detail">{message}</p>
                <button on:click=move |_| {
                    #[cfg(feature = "hydrate")]
                    let _ = window().location().reload();
                }>"Reload widget"</button>
            </section>
        }
        .into_any(),
    };
    let switch_notice = move || {
        notice.get().map(|message| view! { <p class="notice error" role="alert" data-error="switch">{message}</p> })
    };
    view! {
        <div class="widget-frame">
            {status}
            {switch_notice}
            {move || offer.get().map(|o| view! { <EndOtherSessions offer=o state=offer/> })}
            <div node_ref=node class="widget-host" data-component=mount.component.clone()></div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use js_sys::{Function, Object, Promise, Reflect};
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

    use super::HostState;
    use crate::api::session::switch_organization;
    use crate::api::widgets::widget_token;
    use crate::model::widget::WidgetSetup;

    #[wasm_bindgen(inline_js = "export function importModule(url) { return import(url); }")]
    extern "C" {
        #[wasm_bindgen(js_name = importModule)]
        fn import_module(url: &str) -> Promise;
    }

    /// The token's `exp`, read the way the widgets read it (`atob` of the payload).
    fn expiry(token: &str) -> Option<i64> {
        let payload = token.split('.').nth(1)?;
        let json = window().atob(payload).ok()?;
        let claims = js_sys::JSON::parse(&json).ok()?;
        Reflect::get(&claims, &"exp".into()).ok()?.as_f64().map(|e| e as i64)
    }

    struct Live {
        unmount: Option<Function>,
        disposed: bool,
        _get_token: Closure<dyn FnMut() -> Promise>,
        _switch: Option<Closure<dyn FnMut(JsValue) -> Promise>>,
        _password_changed: Option<Closure<dyn FnMut()>>,
    }

    /// The OrganizationSwitcher's `switchToOrganization`: moves the signed-in
    /// session (a refresh with `organization_id`) and opens that organization's
    /// dashboard. It never rejects: a refusal is shown next to the widget.
    fn switcher(notice: RwSignal<Option<String>>) -> Closure<dyn FnMut(JsValue) -> Promise> {
        Closure::<dyn FnMut(JsValue) -> Promise>::new(move |arg: JsValue| {
            let organization_id = Reflect::get(&arg, &"organizationId".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
            future_to_promise(async move {
                match switch_organization(organization_id).await {
                    Ok(()) => {
                        let _ = window().location().assign("/");
                    }
                    Err(e) => {
                        notice.try_set(Some(e.explained()));
                    }
                }
                Ok(JsValue::UNDEFINED)
            })
        })
    }

    pub fn start(
        el: web_sys::HtmlDivElement,
        mount: WidgetSetup,
        on_token: Callback<i64>,
        state: RwSignal<HostState>,
        notice: RwSignal<Option<String>>,
        offer: RwSignal<Option<super::Offer>>,
    ) {
        let slug = mount.slug.clone();
        let fixed = mount.fixed_token.clone();
        let get_token = Closure::<dyn FnMut() -> Promise>::new(move || {
            let (slug, fixed) = (slug.clone(), fixed.clone());
            future_to_promise(async move {
                let token = match fixed {
                    Some(t) => Ok(t),
                    None => widget_token(slug).await,
                };
                match token {
                    Ok(token) => {
                        if let Some(exp) = expiry(&token) {
                            on_token.run(exp);
                        }
                        Ok(JsValue::from_str(&token))
                    }
                    Err(e) => {
                        let message = e.explained();
                        state.try_set(HostState::Failed(message.clone()));
                        Err(js_sys::Error::new(&message).into())
                    }
                }
            })
        });
        let opts = Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = Reflect::set(&opts, &k.into(), v);
        };
        set("component", &mount.component.as_str().into());
        set("getToken", get_token.as_ref().unchecked_ref());
        set("apiHostname", &mount.api_hostname.as_str().into());
        set("port", &mount.api_port.map(|p| JsValue::from(p as u32)).unwrap_or(JsValue::NULL));
        set("https", &JsValue::from_bool(mount.api_https));
        set("offlineIcons", &JsValue::from_bool(mount.offline_icons));
        let props = Object::new();
        if let Some(sid) = &mount.current_session_id {
            let _ = Reflect::set(&props, &"currentSessionId".into(), &sid.as_str().into());
        }
        let switch = (mount.component == "OrganizationSwitcher").then(|| switcher(notice));
        if let Some(f) = &switch {
            let _ = Reflect::set(&props, &"switchToOrganization".into(), f.as_ref().unchecked_ref());
        }
        set("props", &props);
        let password_changed = (mount.component == "UserSecurity").then(|| {
            Closure::<dyn FnMut()>::new(move || {
                offer.try_set(Some(super::Offer::Open));
            })
        });
        if let Some(f) = &password_changed {
            set("onPasswordChanged", f.as_ref().unchecked_ref());
        }

        let live = Rc::new(RefCell::new(Live { unmount: None, disposed: false, _get_token: get_token, _switch: switch, _password_changed: password_changed }));
        let on_done = live.clone();
        spawn_local(async move {
            let result: Result<Function, JsValue> = async {
                let module = JsFuture::from(import_module(&mount.bundle)).await?;
                let mount_fn: Function = Reflect::get(&module, &"mount".into())?.dyn_into()?;
                let mounted = mount_fn.call2(&JsValue::NULL, &el, &opts)?;
                JsFuture::from(mounted.dyn_into::<Promise>()?).await?.dyn_into::<Function>()
            }
            .await;
            let mut live = on_done.borrow_mut();
            match result {
                Ok(unmount) if live.disposed => {
                    let _ = unmount.call0(&JsValue::NULL);
                }
                Ok(unmount) => {
                    live.unmount = Some(unmount);
                    state.try_set(HostState::Mounted);
                }
                Err(e) => {
                    let message = e
                        .dyn_ref::<js_sys::Error>()
                        .map(|e| String::from(e.message()))
                        .unwrap_or_else(|| "the widgets bundle failed to load".into());
                    if !matches!(state.try_get_untracked(), Some(HostState::Failed(_))) {
                        state.try_set(HostState::Failed(message));
                    }
                }
            }
        });
        let live = SendWrapper::new(live);
        on_cleanup(move || {
            let mut live = live.borrow_mut();
            live.disposed = true;
            if let Some(unmount) = live.unmount.take() {
                let _ = unmount.call0(&JsValue::NULL);
            }
        });
    }
}
