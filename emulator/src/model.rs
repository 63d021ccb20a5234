//! The entities the emulator keeps, serialised exactly as the WorkOS public API
//! (snake_case, `object` tags, ISO timestamps) answers them.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{json, Value};

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub object: &'static str,
    pub id: String,
    pub name: String,
    pub allow_profiles_outside_organization: bool,
    pub domains: Vec<OrganizationDomain>,
    pub metadata: HashMap<String, String>,
    pub external_id: Option<String>,
    pub stripe_customer_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganizationDomain {
    pub object: &'static str,
    pub id: String,
    pub organization_id: String,
    pub domain: String,
    pub state: String,
    pub verification_strategy: String,
    pub verification_token: Option<String>,
    pub verification_prefix: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub object: &'static str,
    pub id: String,
    pub email: String,
    pub email_verified: bool,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub profile_picture_url: Option<String>,
    pub last_sign_in_at: Option<String>,
    pub external_id: Option<String>,
    pub metadata: HashMap<String, String>,
    pub locale: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Only the hosted sign-in page reads it; never serialised.
    #[serde(skip)]
    pub password: Option<String>,
}

impl User {
    pub fn display_name(&self) -> String {
        match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => format!("{f} {l}"),
            (Some(f), None) => f.clone(),
            (None, Some(l)) => l.clone(),
            (None, None) => self.email.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Membership {
    pub id: String,
    pub user_id: String,
    pub organization_id: String,
    /// `active`, `inactive` or `pending` (invited, not yet accepted).
    pub status: String,
    pub role_slugs: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Membership {
    pub fn to_json(&self, user: &User, organization_name: Option<&str>) -> Value {
        json!({
            "object": "organization_membership",
            "id": self.id,
            "user_id": self.user_id,
            "organization_id": self.organization_id,
            "organization_name": organization_name,
            "status": self.status,
            "role": {"slug": self.role_slugs.first()},
            "roles": self.role_slugs.iter().map(|s| json!({"slug": s})).collect::<Vec<_>>(),
            "directory_managed": false,
            "custom_attributes": {},
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "user": user,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    pub default: bool,
    pub created_at: String,
}

impl Role {
    pub fn to_json(&self) -> Value {
        json!({
            "object": "role",
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "description": self.description,
            "type": "EnvironmentRole",
            "resource_type_slug": "organization",
            "permissions": self.permissions,
            "created_at": self.created_at,
            "updated_at": self.created_at,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub organization_id: String,
    pub user_id: String,
    pub inviter_user_id: Option<String>,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub state: String,
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub created_at: String,
    pub updated_at: String,
}

/// An AuthKit session: what a `sid` claim names.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub organization_id: Option<String>,
    pub active: bool,
    pub created_at: String,
}

/// A single-use authorization code handed to `redirect_uri`.
#[derive(Debug, Clone)]
pub struct AuthCode {
    pub session_id: String,
    pub user_id: String,
    pub organization_id: Option<String>,
    pub code_challenge: Option<String>,
    pub expires_at: i64,
}

/// A single-use, rotating refresh token.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub session_id: String,
    pub user_id: String,
    pub organization_id: Option<String>,
}

/// A sign-in in progress on the hosted page (the validated authorize parameters).
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub organization_id: Option<String>,
    pub code_challenge: Option<String>,
    pub login_hint: Option<String>,
    pub expires_at: i64,
}
