//! A WorkOS environment made from a seed: at start, and at every reset.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::clock::iso;
use crate::ids::stable_id;
use crate::keys::SigningKeys;
use crate::model::*;
use crate::seed::Seed;
use crate::state::Db;

impl Db {
    pub fn from_seed(seed: &Seed, keys: &SigningKeys) -> Db {
        let base: DateTime<Utc> = DateTime::parse_from_rfc3339(&seed.environment.created_at)
            .expect("validated by Seed::parse")
            .with_timezone(&Utc);
        // Seeded entities are one second apart, in seed order, so that sorting
        // by creation time is deterministic.
        let mut tick = 0i64;
        let mut next = || {
            tick += 1;
            base + chrono::Duration::seconds(tick)
        };
        let mut db = Db::default();
        for r in &seed.roles {
            let t = next();
            db.roles.push(Role {
                id: stable_id("role", &r.slug, t.timestamp_millis()),
                slug: r.slug.clone(),
                name: r.name.clone(),
                description: r.description.clone(),
                permissions: r.permissions.clone(),
                default: r.default,
                organization_id: None,
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        let mut org_ids = HashMap::new();
        for o in &seed.organizations {
            let t = next();
            let id = o.id.clone().unwrap_or_else(|| stable_id("org", &o.key, t.timestamp_millis()));
            org_ids.insert(o.key.clone(), id.clone());
            let domains = o
                .domains
                .iter()
                .map(|d| OrganizationDomain {
                    object: "organization_domain",
                    id: stable_id("org_domain", &d.domain, t.timestamp_millis()),
                    organization_id: id.clone(),
                    domain: d.domain.clone(),
                    state: d.state.clone(),
                    verification_strategy: "dns".into(),
                    verification_token: (d.state != "verified").then(|| {
                        stable_id("tok", &d.domain, 0)[4..].to_lowercase()
                    }),
                    verification_prefix: (d.state != "verified").then(|| "workos-verification".to_string()),
                    created_at: iso(t),
                    updated_at: iso(t),
                })
                .collect();
            db.organizations.push(Organization {
                object: "organization",
                id,
                name: o.name.clone(),
                allow_profiles_outside_organization: false,
                domains,
                metadata: o.metadata.clone(),
                external_id: o.external_id.clone(),
                stripe_customer_id: None,
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        let mut user_ids = HashMap::new();
        for u in &seed.users {
            let t = next();
            let id = u.id.clone().unwrap_or_else(|| stable_id("user", &u.key, t.timestamp_millis()));
            user_ids.insert(u.key.clone(), id.clone());
            db.users.push(User {
                object: "user",
                id,
                email: u.email.to_lowercase(),
                email_verified: u.email_verified,
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                profile_picture_url: None,
                last_sign_in_at: None,
                external_id: None,
                metadata: HashMap::new(),
                locale: None,
                created_at: iso(t),
                updated_at: iso(t),
                password: Some(u.password.clone()),
                previous_passwords: Vec::new(),
                password_last_used_at: None,
            });
        }
        for m in &seed.memberships {
            let t = next();
            db.memberships.push(Membership {
                id: stable_id("om", &format!("{}@{}", m.user, m.organization), t.timestamp_millis()),
                user_id: user_ids[&m.user].clone(),
                organization_id: org_ids[&m.organization].clone(),
                status: m.status.clone(),
                role_slugs: vec![m.role.clone()],
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        for k in &seed.api_keys {
            let t = next();
            db.api_keys.push(ApiKey {
                id: stable_id("api_key", &k.key, t.timestamp_millis()),
                owner: ApiKeyOwner::Organization { organization_id: org_ids[&k.organization].clone() },
                name: k.name.clone(),
                value: k.value.clone(),
                permissions: k.permissions.clone(),
                created_at: iso(t),
                updated_at: iso(t),
                last_used_at: None,
                expires_at: None,
            });
        }
        // Certificates are dated from now, so "expires in 20 days" stays true.
        let started = Utc::now();
        for c in &seed.connections {
            let t = next();
            let id = stable_id("conn", &c.key, t.timestamp_millis());
            let certificates = if c.connection_type.ends_with("SAML") {
                let not_before = started - chrono::Duration::days(30);
                let not_after = started + chrono::Duration::days(c.certificate_days_left);
                vec![Certificate {
                    id: stable_id("cert", &c.key, t.timestamp_millis()),
                    value: keys.certificate_pem(&format!("CN={}", c.name), not_before.timestamp().max(0) as u64, not_after.timestamp().max(0) as u64),
                    not_before: iso(not_before),
                    not_after: iso(not_after),
                }]
            } else {
                Vec::new()
            };
            db.connections.push(Connection {
                id,
                organization_id: org_ids[&c.organization].clone(),
                connection_type: c.connection_type.clone(),
                name: c.name.clone(),
                state: c.state.clone(),
                domains: c.domains.clone(),
                certificates,
                idp_metadata: None,
                last_session_at: None,
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        for d in &seed.directories {
            let t = next();
            let directory_id = stable_id("directory", &d.key, t.timestamp_millis());
            let organization_id = org_ids[&d.organization].clone();
            let mut group_ids = HashMap::new();
            for g in &d.groups {
                let id = stable_id("directory_group", &format!("{}:{g}", d.key), t.timestamp_millis());
                group_ids.insert(g.clone(), id.clone());
                db.directory_groups.push(DirectoryGroup {
                    id,
                    idp_id: stable_id("idp", g, 0)[4..].to_lowercase(),
                    directory_id: directory_id.clone(),
                    organization_id: organization_id.clone(),
                    name: g.clone(),
                    created_at: iso(t),
                    updated_at: iso(t),
                });
            }
            for u in &d.users {
                db.directory_users.push(DirectoryUser {
                    id: stable_id("directory_user", &format!("{}:{}", d.key, u.email), t.timestamp_millis()),
                    directory_id: directory_id.clone(),
                    organization_id: organization_id.clone(),
                    idp_id: stable_id("idp", &u.email, 0)[4..].to_lowercase(),
                    email: u.email.to_lowercase(),
                    first_name: u.first_name.clone(),
                    last_name: u.last_name.clone(),
                    state: u.state.clone(),
                    group_ids: u.groups.iter().map(|g| group_ids[g].clone()).collect(),
                    created_at: iso(t),
                    updated_at: iso(t),
                });
            }
            db.directories.push(Directory {
                id: directory_id,
                organization_id,
                directory_type: d.directory_type.clone(),
                state: d.state.clone(),
                name: d.name.clone(),
                domain: d.domain.clone(),
                external_key: stable_id("key", &d.key, 0)[4..].to_lowercase(),
                last_sync_run_at: Some(iso(t)),
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        for a in &seed.audit_log_streams {
            let t = next();
            db.audit_log_streams.push(AuditLogStream {
                id: stable_id("audit_log_stream", &a.organization, t.timestamp_millis()),
                organization_id: org_ids[&a.organization].clone(),
                stream_type: a.stream_type.clone(),
                state: a.state.clone(),
                settings: Default::default(),
                error_message: None,
                created_at: iso(t),
                updated_at: iso(t),
            });
        }
        db
    }
}
