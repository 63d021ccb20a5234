//! Hosts one official WorkOS widget. The server renders the frame: a loading
//! line, an empty leaf, and the page's `WidgetSetup` as JSON. The widgets
//! bundle (plain JS, widgets/src/frame.js) does the rest: it mounts the React
//! widget into the leaf with `authToken` calling `POST /api/widget_token`, and
//! says what goes wrong. A widget page starts it with a module script and ships
//! no WASM; the lab's island starts it the same way (widget_host.js, both).

use leptos::prelude::*;

use crate::model::widget::WidgetSetup;

/// What starts a frame, for the page's module script and the island alike.
const START: &str = include_str!("widget_host.js");

/// The widget's frame. `boot`: a widget page, whose module script (after the
/// frame) starts it; otherwise an island starts it once the frame is in the page.
#[component]
pub fn WidgetHost(mount: WidgetSetup, #[prop(optional)] boot: bool) -> impl IntoView {
    let setup = serde_json::to_string(&mount).unwrap_or_default();
    let node = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    {
        let bundle = mount.bundle.clone();
        Effect::new(move |started: Option<bool>| {
            if started == Some(true) {
                return true;
            }
            match node.get() {
                Some(el) => {
                    browser::start(&bundle, el);
                    true
                }
                None => false,
            }
        });
    }
    let script = boot.then(|| {
        // An inline module may not export: the same function, declared.
        let start = format!(
            "{}\nstartFrame({}, document.querySelector('[data-widget-boot]'), true);",
            START.replace("export function", "function"),
            serde_json::to_string(&mount.bundle).unwrap_or_default()
        );
        view! { <script type="module" nonce=leptos::nonce::use_nonce() inner_html=start></script> }
    });
    view! {
        <div node_ref=node class="widget-frame" data-setup=setup data-widget-boot=boot.then_some("")>
            <p class="muted" data-testid="widget-loading">"Loading the widget…"</p>
            <div class="widget-host" data-component=mount.component.clone()></div>
        </div>
        {script}
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::Function;
    use leptos::prelude::on_cleanup;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/components/widget_host.js")]
    extern "C" {
        #[wasm_bindgen(js_name = startFrame)]
        fn start_frame(url: &str, frame: &web_sys::HtmlDivElement, boot: bool) -> Function;
    }

    pub fn start(bundle: &str, el: web_sys::HtmlDivElement) {
        let stop = SendWrapper::new(start_frame(bundle, &el, false));
        on_cleanup(move || {
            let _ = stop.call0(&JsValue::NULL);
        });
    }
}
