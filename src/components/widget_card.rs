//! One catalog row on the dashboard: its live state and the button that starts its flow.

use leptos::prelude::*;

use crate::api::orgs::{Card, CardStatus};

#[component]
pub fn WidgetCard(card: Card) -> impl IntoView {
    let href = format!("/widgets/{}", card.slug);
    let (class, footer) = match card.status {
        CardStatus::Open => ("card", view! { <a class="button" href=href>"Open"</a> }.into_any()),
        CardStatus::Forbidden { permission } => (
            "card disabled",
            view! {
                <button disabled=true>"Open"</button>
                <p class="forbidden">"Your role lacks " <code>{permission}</code></p>
            }
            .into_any(),
        ),
        CardStatus::NotBuilt => ("card disabled", view! { <p class="muted">"Not built yet"</p> }.into_any()),
    };
    view! {
        <article class=class data-card=card.slug>
            <h3>{card.title}</h3>
            <p>{card.purpose}</p>
            {card.detail.map(|d| view! { <p class="state" data-testid="card-state">{d}</p> })}
            <div class="card-footer">{footer}</div>
        </article>
    }
}
