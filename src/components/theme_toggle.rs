//! Light, dark, or as the system says: the choice is the class of `<html>`
//! (`light`/`dark`, none for the system's), remembered in this browser's
//! localStorage and set before the first paint by the shell's inline script.
//! The widgets follow through the `orgdeck-theme` event (widgets/src/host.jsx).

use leptos::prelude::*;

/// Where the choice is kept in localStorage.
pub const STORAGE_KEY: &str = "orgdeck-theme";

/// Runs in `<head>` before anything paints: the remembered choice, if any.
pub const EARLY_SCRIPT: &str =
    "try{var t=localStorage.getItem('orgdeck-theme');if(t==='dark'||t==='light')document.documentElement.classList.add(t)}catch(e){}";

#[island]
pub fn ThemeToggle() -> impl IntoView {
    let choice = RwSignal::new("system".to_string());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| choice.set(browser::saved()));
    let change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        #[cfg(feature = "hydrate")]
        browser::apply(&value);
        choice.set(value);
    };
    view! {
        <label class="theme-toggle">
            "Theme"
            <select data-testid="theme" on:change=change prop:value=move || choice.get()>
                <option value="system">"System"</option>
                <option value="light">"Light"</option>
                <option value="dark">"Dark"</option>
            </select>
        </label>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;

    use super::STORAGE_KEY;

    pub fn saved() -> String {
        let stored = window().local_storage().ok().flatten().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        match stored.as_deref() {
            Some("light") => "light".into(),
            Some("dark") => "dark".into(),
            _ => "system".into(),
        }
    }

    pub fn apply(choice: &str) {
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = match choice {
                "light" | "dark" => storage.set_item(STORAGE_KEY, choice),
                _ => storage.remove_item(STORAGE_KEY),
            };
        }
        if let Some(html) = document().document_element() {
            let classes = html.class_list();
            let _ = classes.remove_2("light", "dark");
            if matches!(choice, "light" | "dark") {
                let _ = classes.add_1(choice);
            }
        }
        if let Ok(event) = web_sys::Event::new("orgdeck-theme") {
            let _ = window().dispatch_event(&event);
        }
    }
}
