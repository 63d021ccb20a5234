//! The errors a user can meet, each with what happened and how to fix it.
//! Server functions return them typed, so the UI tells a wrong API key from a
//! missing permission (see ARCHITECTURE.md, "Errors users must understand").

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::{Deserialize, Serialize};

/// The trace id of the request being answered (server/observe.rs puts it on
/// the request): what an error notice shows as "Request ID", and what the
/// request's log lines and its trace carry, so an operator finds one from the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTrace(pub String);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("You are signed out")]
    NotSignedIn,
    #[error("You're not a member of an organization")]
    NoOrganization { email: String },
    #[error("Your role does not allow this")]
    MissingPermission { permission: String, role: String },
    #[error("There is no widget called “{slug}”")]
    UnknownWidget { slug: String },
    #[error("{title} is not available in Orgdeck yet")]
    NotBuilt { title: String },
    #[error("WorkOS refused Orgdeck's API key")]
    WorkosUnauthorized,
    /// `visible`: the organizations the API key sees, for the admin tools
    /// only; `None` for everyone else (other customers' names stay private).
    #[error("Organization {id} does not exist in this WorkOS environment")]
    OrganizationNotFound { id: String, visible: Option<Vec<String>> },
    #[error("WorkOS rejected the request")]
    Invalid { field: Option<String>, message: String },
    #[error("That clashes with what WorkOS already holds")]
    Conflict { message: String },
    #[error("WorkOS answered {status}")]
    Workos { status: u16, message: String, request_id: Option<String> },
    #[error("WorkOS cannot be reached")]
    Unavailable { message: String, timed_out: bool },
    #[error("WorkOS is limiting Orgdeck's requests")]
    RateLimited { retry_after: Option<u64> },
    /// One person asked Orgdeck to call WorkOS more often than it allows.
    #[error("Too many requests at once")]
    TooManyRequests { retry_after: u64 },
    /// This deployment's share of WorkOS's per-key limit is spent for the moment.
    #[error("Orgdeck is holding back its WorkOS requests")]
    BudgetSpent { retry_after: u64 },
    #[error("WorkOS refuses the widgets' calls from this site")]
    OriginRefused { origin: String },
    #[error("You are signed in to another tenant")]
    WrongTenant { tenant: String, organization: String },
    #[error("Orgdeck could not read the request")]
    BadRequest { message: String },
    #[error("Something went wrong in Orgdeck")]
    Internal { message: String },
}

impl AppError {
    /// The HTTP status a server function answers with this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::NoOrganization { .. } | AppError::MissingPermission { .. } | AppError::WrongTenant { .. } => 403,
            AppError::UnknownWidget { .. } | AppError::NotBuilt { .. } | AppError::OrganizationNotFound { .. } => 404,
            AppError::Invalid { .. } => 422,
            AppError::Conflict { .. } => 409,
            // WorkOS said no to Orgdeck itself: a bad gateway, not the user's doing.
            AppError::WorkosUnauthorized | AppError::Workos { .. } | AppError::OriginRefused { .. } => 502,
            AppError::Unavailable { timed_out: false, .. } => 502,
            AppError::Unavailable { timed_out: true, .. } => 504,
            // Passed on with its Retry-After (the statuses layer sets the header).
            AppError::RateLimited { .. } | AppError::TooManyRequests { .. } | AppError::BudgetSpent { .. } => 429,
            AppError::BadRequest { .. } => 400,
            AppError::Internal { .. } => 500,
        }
    }

    /// What happened and what to do, as one line (where a notice has no room
    /// for the two apart).
    pub fn explained(&self) -> String {
        format!("{} {}", self.detail(), self.fix())
    }

    /// What happened, in a sentence or two.
    pub fn detail(&self) -> String {
        match self {
            AppError::NotSignedIn => "Your session has ended or was never started.".into(),
            AppError::NoOrganization { email } => format!(
                "You signed in as {email}, but WorkOS lists no organization membership for this account, \
                 and everything in Orgdeck belongs to an organization."
            ),
            AppError::MissingPermission { permission, role } => {
                format!("Your role “{role}” does not include the permission {permission}.")
            }
            AppError::UnknownWidget { .. } => "Orgdeck's catalog has no widget with that name.".into(),
            AppError::NotBuilt { .. } => "This widget type is in the catalog but Orgdeck does not open it yet.".into(),
            AppError::WorkosUnauthorized => {
                "The API key is wrong, revoked, or not the one loaded: WorkOS answered 401 Unauthorized.".into()
            }
            AppError::OrganizationNotFound { id, visible: None } => {
                format!("WorkOS no longer knows your organization ({id}): it was deleted, or Orgdeck now uses another WorkOS environment.")
            }
            AppError::OrganizationNotFound { visible: Some(visible), .. } => match visible.is_empty() {
                true => "This API key sees no organizations at all.".into(),
                false => format!("Organizations this API key sees: {}.", visible.join(", ")),
            },
            AppError::Invalid { field: Some(field), message } => format!("{message} (field: {field})"),
            AppError::Invalid { field: None, message } => message.clone(),
            AppError::Workos { message, request_id, .. } => match request_id {
                Some(id) => format!("{message} (WorkOS request ID {id})"),
                None => message.clone(),
            },
            AppError::Unavailable { message, .. } | AppError::Internal { message } => message.clone(),
            AppError::Conflict { message } => format!("WorkOS answered 409 Conflict: {message}"),
            AppError::RateLimited { .. } => "WorkOS allows 6,000 requests a minute per API key, and Orgdeck's key has used them; \
                 WorkOS answered 429 Too Many Requests."
                .into(),
            AppError::TooManyRequests { .. } => "Orgdeck limits how often one person can make it call WorkOS, so that everyone \
                 else in your organization keeps being served, and you reached that limit."
                .into(),
            AppError::BudgetSpent { .. } => "WorkOS allows 6,000 requests a minute per API key, shared by everyone using this \
                 deployment; Orgdeck keeps under that, and this moment's share is used."
                .into(),
            AppError::BadRequest { message } => format!("The request's fields could not be read: {message}."),
            AppError::OriginRefused { origin } => format!(
                "The widgets call WorkOS from your browser, and WorkOS's CORS check does not list {origin} among the allowed web origins."
            ),
            AppError::WrongTenant { tenant, organization } => {
                format!("Tenant “{tenant}” is the WorkOS organization {organization}, and your session is in another one.")
            }
        }
    }

    /// What the user (or the operator) can do about it.
    pub fn fix(&self) -> String {
        match self {
            AppError::NotSignedIn => "Sign in again.".into(),
            AppError::NoOrganization { .. } => {
                "Ask an admin of your organization to invite you, then sign in again — or sign out and use another account."
                    .into()
            }
            AppError::MissingPermission { permission, role } => format!(
                "Ask an admin to add {permission} to the “{role}” role (WorkOS Dashboard → Roles & Permissions), \
                 or to give you a role that has it; then sign out and in again."
            ),
            AppError::UnknownWidget { .. } | AppError::NotBuilt { .. } => "Go back to the dashboard and pick another one.".into(),
            AppError::WorkosUnauthorized => "Set WORKOS_API_KEY to a current secret key (it starts with sk_) from the \
                 WorkOS Dashboard → API Keys of this environment, then restart Orgdeck (it reads .env only at start)."
                .into(),
            AppError::OrganizationNotFound { visible: None, .. } => "Sign out and sign in again to choose another of your organizations; \
                 if none is left, ask an administrator of your company to invite you."
                .into(),
            AppError::OrganizationNotFound { visible: Some(_), .. } => "A staging key cannot see production organizations (or the reverse): \
                 check that WORKOS_API_KEY belongs to the environment that holds this organization."
                .into(),
            AppError::Invalid { .. } => "Correct the value named above and try again.".into(),
            AppError::Conflict { .. } => "Reload to see the current state (someone may have just done the same), then try again.".into(),
            AppError::Workos { .. } | AppError::Unavailable { .. } => "Try again in a moment; if it persists, check WorkOS's status page.".into(),
            AppError::RateLimited { retry_after: Some(seconds) } => format!("Try again in {seconds} seconds."),
            AppError::RateLimited { retry_after: None } => "Try again in a minute.".into(),
            AppError::TooManyRequests { retry_after } | AppError::BudgetSpent { retry_after } => {
                format!("Try again in {retry_after} second{}.", if *retry_after == 1 { "" } else { "s" })
            }
            AppError::Internal { .. } => "Reload the page. If it happens again, the server log says more.".into(),
            AppError::BadRequest { .. } => "Reload the page and try again. A script calling /api/ must send what Orgdeck's pages send: \
                 the fields form-encoded (application/x-www-form-urlencoded)."
                .into(),
            AppError::OriginRefused { origin } => {
                format!("Add {origin} in WorkOS Dashboard → Authentication → Allowed web origins, then reload.")
            }
            AppError::WrongTenant { .. } => {
                "Switch to that organization from the dashboard if you belong to it, or sign in with an account of that tenant.".into()
            }
        }
    }
}

impl AppError {
    /// The seconds a `Retry-After` header says, for the errors that have one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after } => *retry_after,
            AppError::TooManyRequests { retry_after } | AppError::BudgetSpent { retry_after } => Some(*retry_after),
            _ => None,
        }
    }
}

/// How a server function's error goes over the wire: the typed error (for
/// Orgdeck's own WASM) and its words (for any other caller: the widget pages'
/// plain JS, a script, curl), so no client has to know the variants to say
/// what went wrong and what to do:
/// `{"error": {"MissingPermission": {…}}, "title": "…", "explained": "…"}`.
pub struct ExplainedJson;

#[derive(Serialize)]
struct Said<'a> {
    error: &'a AppError,
    title: String,
    explained: String,
}

#[derive(Deserialize)]
struct Heard {
    error: AppError,
}

impl ContentType for ExplainedJson {
    const CONTENT_TYPE: &'static str = JsonEncoding::CONTENT_TYPE;
}

impl FormatType for ExplainedJson {
    const FORMAT_TYPE: Format = Format::Text;
}

impl Encodes<AppError> for ExplainedJson {
    type Error = serde_json::Error;

    fn encode(error: &AppError) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(&Said { error, title: error.to_string(), explained: error.explained() }).map(Into::into)
    }
}

impl Decodes<AppError> for ExplainedJson {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<AppError, Self::Error> {
        AppError::from_wire(&bytes)
    }
}

impl AppError {
    /// The error a server function's failed answer carries (`ExplainedJson`).
    pub fn from_wire(body: &[u8]) -> Result<AppError, serde_json::Error> {
        serde_json::from_slice::<Heard>(body).map(|h| h.error)
    }
}

impl FromServerFnError for AppError {
    type Encoder = ExplainedJson;

    /// On the server these arrive only while a request is read: the caller's
    /// input, not Orgdeck's failure (the browser builds its own for answers).
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) | ServerFnErrorErr::Deserialization(m) => {
                AppError::BadRequest { message: m }
            }
            ServerFnErrorErr::UnsupportedRequestMethod(m) => AppError::BadRequest { message: format!("unsupported method {m}") },
            other => AppError::Internal { message: other.to_string() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_says_what_to_do() {
        let all = [
            AppError::NotSignedIn,
            AppError::NoOrganization { email: "nora@example.test".into() },
            AppError::MissingPermission { permission: "widgets:users-table:manage".into(), role: "member".into() },
            AppError::WorkosUnauthorized,
            AppError::OrganizationNotFound { id: "org_1".into(), visible: Some(vec!["Acme (org_2)".into()]) },
            AppError::OrganizationNotFound { id: "org_1".into(), visible: None },
            AppError::Invalid { field: Some("user_id".into()), message: "not a member".into() },
            AppError::OriginRefused { origin: "https://orgdeck.example.com".into() },
            AppError::WrongTenant { tenant: "acme".into(), organization: "org_1".into() },
            AppError::BadRequest { message: "missing field `slug`".into() },
            AppError::RateLimited { retry_after: Some(7) },
            AppError::TooManyRequests { retry_after: 3 },
            AppError::BudgetSpent { retry_after: 1 },
            AppError::Unavailable { message: "timed out".into(), timed_out: true },
        ];
        for e in all {
            assert!(!e.to_string().is_empty() && !e.detail().is_empty() && !e.fix().is_empty(), "{e:?}");
        }
    }

    #[test]
    fn messages_name_the_cause() {
        let e = AppError::MissingPermission { permission: "widgets:users-table:manage".into(), role: "member".into() };
        assert!(e.detail().contains("widgets:users-table:manage") && e.detail().contains("member"));
        assert!(AppError::WorkosUnauthorized.fix().contains("sk_"));
        let e = AppError::OrganizationNotFound { id: "org_1".into(), visible: Some(vec!["Acme (org_2)".into()]) };
        assert!(e.to_string().contains("org_1") && e.detail().contains("Acme (org_2)"));
        let e = AppError::OrganizationNotFound { id: "org_1".into(), visible: None };
        assert!(e.detail().contains("org_1") && !e.detail().contains("sees") && e.fix().contains("Sign out"), "{}", e.detail());
    }

    #[test]
    fn round_trips_through_the_server_fn_encoding() {
        let e = AppError::NoOrganization { email: "a@b.test".into() };
        let bytes = e.ser();
        let said: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(said["title"], "You're not a member of an organization");
        assert!(said["explained"].as_str().unwrap().contains("a@b.test"), "{said}");
        assert_eq!(AppError::de(bytes), e);
        // A unit variant too (a string, not an object, inside `error`).
        assert_eq!(AppError::de(AppError::NotSignedIn.ser()), AppError::NotSignedIn);
    }
}
