//! One catalog row on the dashboard: its live state and the button that starts its flow.

use leptos::prelude::*;

use crate::model::dashboard::{Card, CardStatus};

#[component]
pub fn WidgetCard(card: Card) -> impl IntoView {
    let href = format!("/widgets/{}", card.slug);
    let (class, footer) = match card.status {
        CardStatus::Open => {
            // A POST (behind the Origin check): it starts a flow and spends a link.
            let portal_button = |intent: String, label: String| {
                view! {
                    <form method="post" action=format!("/portal/{intent}") class="inline">
                        <button type="submit" class="secondary">{label}</button>
                    </form>
                }
            };
            let portal = card.portal_intent.map(|intent| portal_button(intent, "Set up in Admin Portal".into()));
            let hosted = card.hosted_only.into_iter().map(|(intent, label)| portal_button(intent, label)).collect_view();
            ("card", view! { <a class="button" href=href>"Open widget"</a> {portal} {hosted} }.into_any())
        }
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
