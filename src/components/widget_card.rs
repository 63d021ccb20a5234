//! One catalog row on the dashboard: its live state and, in the footer, at
//! most one primary action (open the widget) and one secondary (the hosted
//! Admin Portal: a button, or a menu when more than one of its flows applies).

use leptos::prelude::*;

use crate::model::dashboard::{Card, CardStatus};

/// A POST (behind the Origin check): it starts a flow and spends a link.
fn portal_button(intent: String, label: String, class: &'static str) -> impl IntoView {
    view! {
        <form method="post" action=format!("/portal/{intent}")>
            <button type="submit" class=class>{label}</button>
        </form>
    }
}

#[component]
pub fn WidgetCard(card: Card) -> impl IntoView {
    let href = format!("/widgets/{}", card.slug);
    let title_id = format!("card-{}", card.slug);
    let (class, footer) = match card.status {
        CardStatus::Open => {
            let mut portal = card.portal;
            let secondary = match portal.len() {
                0 => None,
                1 => portal.pop().map(|(intent, label)| portal_button(intent, label, "secondary").into_any()),
                _ => {
                    let items = portal.into_iter().map(|(intent, label)| portal_button(intent, label, "menu-item")).collect_view();
                    Some(view! {
                        <details class="menu">
                            <summary class="button secondary">"Admin Portal"</summary>
                            <div class="menu-items">{items}</div>
                        </details>
                    }
                    .into_any())
                }
            };
            let open = view! { <a class="button" href=href>"Open widget"</a> };
            ("card", view! { {open} {secondary} }.into_any())
        }
        CardStatus::Forbidden { permission } => {
            ("card disabled", view! { <p class="forbidden">"Your role lacks " <code>{permission}</code> "."</p> }.into_any())
        }
        CardStatus::NotBuilt => ("card disabled", view! { <p class="forbidden">"Not available yet."</p> }.into_any()),
    };
    let state = match (card.detail, card.problem) {
        (_, Some(problem)) => Some(view! { <p class="state problem" role="status" data-testid="card-problem">{problem}</p> }.into_any()),
        (Some(d), None) => Some(view! { <p class="state" data-testid="card-state">{d}</p> }.into_any()),
        (None, None) => None,
    };
    let heading_id = title_id.clone();
    view! {
        <article class=class data-card=card.slug aria-labelledby=title_id>
            <h3 id=heading_id>{card.title}</h3>
            <p>{card.purpose}</p>
            {state}
            <div class="card-footer">{footer}</div>
        </article>
    }
}
