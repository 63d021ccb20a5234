//! `/doctor`: the integration checklist, each line PASS, WARN or FAIL with the fix.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::doctor::doctor;
use crate::model::doctor::{Check, Verdict};
use crate::components::loaded;

#[component]
pub fn DoctorPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| doctor());
    view! {
        <Title text="Doctor · Orgdeck"/>
        <nav class="crumbs"><a href="/">"← Dashboard"</a></nav>
        <h1>"Integration doctor"</h1>
        <p class="muted">"Is this WorkOS integration wired right? The same checks as " <code>"orgdeck doctor"</code> "."</p>
        {loaded(data, "Checking…", |checks: Vec<Check>| view! { <Checklist checks/> })}
    }
}

#[component]
fn Checklist(checks: Vec<Check>) -> impl IntoView {
    let failed = checks.iter().filter(|c| c.verdict == Verdict::Fail).count();
    let rows = checks
        .into_iter()
        .map(|c| {
            let label = c.verdict.label();
            view! {
                <tr data-check=c.name.clone() data-verdict=label>
                    <td class=format!("verdict {}", label.to_lowercase())>{label}</td>
                    <td>{c.name.clone()}</td>
                    <td>{c.detail}{c.fix.map(|f| view! { <br/><span class="fix">"Fix: " {f}</span> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p data-testid="doctor-summary">{format!("{failed} failed")}</p>
        <table data-testid="doctor">
            <thead><tr><th><span class="visually-hidden">"Verdict"</span></th><th>"Check"</th><th>"Finding"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
