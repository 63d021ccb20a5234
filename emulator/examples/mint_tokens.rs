//! Widget tokens minted through the official SDK as fast as a running emulator
//! (or WorkOS) answers, at several concurrencies: the "direct SDK call" that
//! `make bench` sets Orgdeck's own token endpoint beside.
//!
//! `mint_tokens <base_url> <api_key> <organization name> <user email> <seconds> <concurrency>...`
//! prints one JSON line per concurrency: requests, rate, p50 and p99 in ms.

use workos::resources::organizations::ListOrganizationsParams;
use workos::resources::organization_membership::ListOrganizationMembershipsParams;
use workos::resources::widgets::CreateTokenParams;
use workos::{WidgetSessionToken, WidgetSessionTokenScopes};

#[path = "shared/load.rs"]
mod load;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 6 {
        eprintln!("usage: mint_tokens <base_url> <api_key> <organization name> <user email> <seconds> <concurrency>...");
        std::process::exit(2);
    }
    let client = workos::Client::builder().api_key(&args[1]).base_url(&args[0]).build();
    let orgs = client.organizations().list_organizations(ListOrganizationsParams { limit: Some(100), ..Default::default() }).await.expect("organizations");
    let org = orgs.data.into_iter().find(|o| o.name == args[2]).expect("the organization").id;
    let memberships = client
        .organization_membership()
        .list_organization_memberships(ListOrganizationMembershipsParams { organization_id: Some(org.clone()), limit: Some(100), ..Default::default() })
        .await
        .expect("memberships");
    let user = memberships.data.into_iter().find(|m| m.user.email == args[3]).expect("the user's membership").user.id;
    let seconds: u64 = args[4].parse().expect("seconds");
    for concurrency in args[5..].iter().map(|c| c.parse::<usize>().expect("concurrency")) {
        let (client, org, user) = (client.clone(), org.clone(), user.clone());
        load::drive(concurrency, seconds, move || {
            let (client, org, user) = (client.clone(), org.clone(), user.clone());
            async move {
                let params = CreateTokenParams::new(WidgetSessionToken {
                    organization_id: Some(org),
                    user_id: Some(user),
                    scopes: Some(vec![WidgetSessionTokenScopes::WidgetsUsersTableManage]),
                });
                client.widgets().create_token(params).await.expect("a token");
                true
            }
        })
        .await;
    }
}
