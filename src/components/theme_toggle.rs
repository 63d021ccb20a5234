//! Light, dark, or as the system says: the choice is the class of `<html>`
//! (`light`/`dark`, none for the system's), remembered in this browser's
//! localStorage and set before the first paint by the shell's inline script,
//! which also runs the toggle: it is on every page, and a widget page ships
//! no WASM. The widgets follow through the `orgdeck-theme` event
//! (widgets/src/host.jsx).

use leptos::prelude::*;

/// Where the choice is kept in localStorage.
pub const STORAGE_KEY: &str = "orgdeck-theme";

/// Runs in `<head>` before anything paints: the remembered choice, if any;
/// once the page is parsed, the toggle shows it and applies a new one.
pub const EARLY_SCRIPT: &str = "(function(){
var k='orgdeck-theme',t=null,h=document.documentElement.classList;
try{t=localStorage.getItem(k)}catch(e){}
if(t==='dark'||t==='light')h.add(t);else t='system';
document.addEventListener('DOMContentLoaded',function(){
var s=document.querySelector('[data-theme-choice]');if(!s)return;
s.value=t;
s.addEventListener('change',function(){
var v=s.value;
try{v==='system'?localStorage.removeItem(k):localStorage.setItem(k,v)}catch(e){}
h.remove('light','dark');if(v!=='system')h.add(v);
dispatchEvent(new Event('orgdeck-theme'))})})})()";

#[component]
pub fn ThemeToggle() -> impl IntoView {
    view! {
        <label class="theme-toggle">
            "Theme"
            <select data-testid="theme" data-theme-choice="">
                <option value="system">"System"</option>
                <option value="light">"Light"</option>
                <option value="dark">"Dark"</option>
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_keeps_the_choice_under_the_key_the_widgets_read() {
        assert!(EARLY_SCRIPT.contains(&format!("'{STORAGE_KEY}'")));
        assert!(EARLY_SCRIPT.contains("orgdeck-theme") && EARLY_SCRIPT.contains("[data-theme-choice]"));
    }
}
