//! `GET /_emulator/requests`: what the official SDK asked, counted per route
//! template; the emulator's own control routes are not counted; reset clears it.

mod common;

use common::*;
use serde_json::Value;
use workos::resources::organizations::ListOrganizationsParams;

async fn counts(env: &Env) -> Value {
    env.http.get(format!("{}/_emulator/requests", env.base())).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn requests_are_counted_by_route_template_and_reset_clears_them() {
    let env = start().await;
    let orgs = env.client.organizations();
    orgs.list_organizations(ListOrganizationsParams::default()).await.unwrap();
    for name in ["Acme Corp", "Globex Inc"] {
        orgs.get_organization(&env.org_id(name)).await.unwrap();
    }
    let seen = counts(&env).await;
    assert_eq!(seen["data"]["GET /organizations"], 1, "{seen}");
    assert_eq!(seen["data"]["GET /organizations/{id}"], 2, "two organizations, one template: {seen}");
    assert_eq!(seen["total"], 3, "the counting request itself is a control route: {seen}");

    env.http.post(format!("{}/_emulator/reset", env.base())).send().await.unwrap();
    let after = counts(&env).await;
    assert_eq!(after["total"], 0, "{after}");
}
