//! Start-up settings: secrets from the environment (or `.env.local`, `.env`),
//! the rest from `Leptos.toml`. A value that is set but malformed stops start-up
//! with a message naming it and the fix; it never silently falls back.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

/// Where WorkOS is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// No `WORKOS_API_KEY`: Orgdeck runs its embedded emulator.
    Emulator { addr: SocketAddr, seed: Option<PathBuf> },
    /// Real WorkOS (or whatever `WORKOS_API_HOSTNAME` points at).
    Workos,
}

/// Where the browser's widgets call the WorkOS API (the `WorkOsWidgets` props).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiEndpoint {
    pub hostname: String,
    pub port: Option<u16>,
    pub https: bool,
}

impl ApiEndpoint {
    pub fn base_url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        match self.port {
            Some(p) => format!("{scheme}://{}:{p}", self.hostname),
            None => format!("{scheme}://{}", self.hostname),
        }
    }
}

#[derive(Clone)]
pub struct Settings {
    pub mode: Mode,
    pub api_key: String,
    pub client_id: String,
    pub cookie_password: String,
    pub webhook_secret: Option<String>,
    /// This site's origin, e.g. `http://127.0.0.1:3000`.
    pub site_url: String,
    pub redirect_uri: String,
    /// Set by `WORKOS_REDIRECT_URI` or required by real WorkOS (its Dashboard
    /// lists the redirect URIs); otherwise sign-in returns to the loopback host used.
    pub redirect_uri_fixed: bool,
    pub api: ApiEndpoint,
    pub secure_cookies: bool,
    pub admins: Vec<String>,
    /// How long one WorkOS call may take (`WORKOS_TIMEOUT_MS`, default 10 s): a
    /// slow WorkOS gives a clear error, never a hung page.
    pub timeout: std::time::Duration,
    /// Leptos.toml `[tenants]`: your app's tenant id → WorkOS organization id.
    pub tenants: Vec<(String, String)>,
    /// Where Orgdeck keeps its own records (`sqlite:` URLs).
    pub database_url: String,
    /// `TRUSTED_PROXIES`: the proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// What one person may make Orgdeck call WorkOS: a minute's refill and a burst.
    pub user_calls_per_minute: u32,
    pub user_calls_burst: u32,
    /// Sign-ins a minute from one address (before sign-in there is no user); also their burst.
    pub sign_ins_per_minute: u32,
    /// The deployment's WorkOS calls a minute, all instances together.
    pub workos_calls_per_minute: u32,
    /// How long Orgdeck keeps the events it received, its Admin Portal flows
    /// and the lab's record (`RETENTION_DAYS`, default 90).
    pub retention_days: u32,
    /// How long a shutdown waits for requests under way (`SHUTDOWN_GRACE_SECONDS`, default 10).
    pub shutdown_grace: std::time::Duration,
    /// How long a shutting-down server still takes connections, answering
    /// `/ready` with 503, before it stops (`SHUTDOWN_DRAIN_SECONDS`, default
    /// 0): time for a load balancer's health check to send users elsewhere.
    pub shutdown_drain: std::time::Duration,
    /// `METRICS_TOKEN`: a scraper that sends it as a bearer token may read
    /// `/metrics` from anywhere (without it, only from this machine).
    pub metrics_token: Option<String>,
}

// Secrets stay out of logs, even debug ones.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("mode", &self.mode)
            .field("api_key", &"[redacted]")
            .field("client_id", &self.client_id)
            .field("cookie_password", &"[redacted]")
            .field("webhook_secret", &self.webhook_secret.as_ref().map(|_| "[redacted]"))
            .field("site_url", &self.site_url)
            .field("redirect_uri", &self.redirect_uri)
            .field("api", &self.api)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {problem}\n  fix: {fix}")]
pub struct SettingsError {
    pub variable: String,
    pub problem: String,
    pub fix: String,
}

fn bad(variable: &str, problem: impl Into<String>, fix: impl Into<String>) -> SettingsError {
    SettingsError { variable: variable.into(), problem: problem.into(), fix: fix.into() }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LeptosToml {
    #[serde(default)]
    orgdeck: OrgdeckSection,
    #[serde(default)]
    emulator: EmulatorSection,
    /// Your app's tenant id → WorkOS organization id.
    #[serde(default)]
    tenants: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgdeckSection {
    #[serde(default)]
    admins: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmulatorSection {
    addr: Option<String>,
    seed: Option<PathBuf>,
}

pub const DEFAULT_EMULATOR_ADDR: &str = "127.0.0.1:4100";
/// A file under `data/` (git-ignored), created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/orgdeck.db";

impl Settings {
    /// Reads `.env.local` and `.env` (without overriding the environment), then
    /// `Leptos.toml` in `dir`, then the environment.
    pub fn load(dir: &Path, site_addr: SocketAddr) -> Result<Settings, SettingsError> {
        for file in [".env.local", ".env"] {
            let path = dir.join(file);
            if path.exists() {
                dotenvy::from_path(&path).map_err(|e| {
                    bad(file, format!("cannot be read: {e}"), "each line must be NAME=value; fix or remove the file")
                })?;
            }
        }
        let toml_path = dir.join("Leptos.toml");
        let toml = if toml_path.exists() {
            Some(std::fs::read_to_string(&toml_path).map_err(|e| {
                bad("Leptos.toml", format!("cannot be read: {e}"), "make the file readable, or remove it to use the defaults")
            })?)
        } else {
            None
        };
        Self::from_sources(|name| std::env::var(name).ok(), toml.as_deref(), site_addr)
    }

    /// The settings from an environment lookup and `Leptos.toml`'s text.
    pub fn from_sources(
        env: impl Fn(&str) -> Option<String>,
        leptos_toml: Option<&str>,
        site_addr: SocketAddr,
    ) -> Result<Settings, SettingsError> {
        let var = |name: &str| env(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let file: LeptosToml = match leptos_toml {
            Some(text) => toml::from_str(text).map_err(|e| {
                bad("Leptos.toml", format!("is not valid: {}", e.message()), "fix the [orgdeck]/[emulator] sections (see the comments in the file)")
            })?,
            None => LeptosToml::default(),
        };

        let api_key = var("WORKOS_API_KEY");
        if let Some(key) = &api_key {
            if !key.starts_with("sk_") {
                return Err(bad(
                    "WORKOS_API_KEY",
                    "does not start with sk_ (is it the client ID or a publishable key?)",
                    "copy the secret key from WorkOS Dashboard → API Keys, or unset it to run on the embedded emulator",
                ));
            }
        }
        let client_id = var("WORKOS_CLIENT_ID");
        if let Some(id) = &client_id {
            if !id.starts_with("client_") {
                return Err(bad(
                    "WORKOS_CLIENT_ID",
                    "does not start with client_",
                    "copy the client ID from WorkOS Dashboard → API Keys",
                ));
            }
        }
        let cookie_password = var("WORKOS_COOKIE_PASSWORD");
        if let Some(pw) = &cookie_password {
            if !is_cookie_password(pw) {
                return Err(bad(
                    "WORKOS_COOKIE_PASSWORD",
                    format!("must be exactly 64 hexadecimal characters (it has {})", pw.len()),
                    "generate one with `openssl rand -hex 32`",
                ));
            }
        }
        let port = match var("WORKOS_API_PORT") {
            None => None,
            Some(p) => Some(p.parse::<u16>().map_err(|_| {
                bad("WORKOS_API_PORT", format!("'{p}' is not a port number"), "set a number from 1 to 65535, or unset it")
            })?),
        };
        let https = match var("WORKOS_API_HTTPS").as_deref() {
            None => None,
            Some("true" | "1" | "yes") => Some(true),
            Some("false" | "0" | "no") => Some(false),
            Some(other) => {
                return Err(bad("WORKOS_API_HTTPS", format!("'{other}' is not true or false"), "set true or false, or unset it"));
            }
        };
        let hostname = var("WORKOS_API_HOSTNAME");

        let site_host = if site_addr.ip().is_unspecified() { "127.0.0.1".to_string() } else { site_addr.ip().to_string() };
        let mut site_url = format!("http://{site_host}:{}", site_addr.port());
        let redirect_uri = match var("WORKOS_REDIRECT_URI") {
            None => format!("{site_url}/auth/callback"),
            Some(uri) => {
                let url = Url::parse(&uri).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some()).ok_or_else(|| {
                    bad("WORKOS_REDIRECT_URI", format!("'{uri}' is not an http(s) URL"), "set it to this site's callback, e.g. http://127.0.0.1:3000/auth/callback")
                })?;
                if url.path() != "/auth/callback" {
                    return Err(bad(
                        "WORKOS_REDIRECT_URI",
                        format!("'{uri}' does not end in /auth/callback, where Orgdeck receives the sign-in"),
                        "use <this site's origin>/auth/callback, and list the same URI in WorkOS Dashboard → Redirects",
                    ));
                }
                site_url = url.origin().ascii_serialization();
                uri
            }
        };
        let redirect_uri_fixed = var("WORKOS_REDIRECT_URI").is_some() || api_key.is_some();
        let secure_cookies = site_url.starts_with("https://");
        let database_url = match var("DATABASE_URL") {
            None => DEFAULT_DATABASE_URL.to_string(),
            Some(url) if url.starts_with("sqlite:") => url,
            // Several instances share one PostgreSQL database.
            Some(url) if super::store::is_postgres(&url) => url,
            Some(url) => {
                let scheme = url.split(':').next().unwrap_or_default().to_string();
                return Err(bad(
                    "DATABASE_URL",
                    format!("'{scheme}:' databases are not supported"),
                    "use a sqlite: URL such as sqlite://data/orgdeck.db for one machine (or unset it for that default), \
                     or postgres://user:password@host/database for several instances",
                ));
            }
        };
        let webhook_secret = var("WORKOS_WEBHOOK_SECRET");
        let trusted_proxies = match var("TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => super::proxies::parse(&list).map_err(|problem| {
                bad("TRUSTED_PROXIES", problem, "list the proxies in front of Orgdeck by address or network, e.g. 10.0.0.0/8, 127.0.0.1")
            })?,
        };
        let count = |name: &str, default: u32, most: u32| -> Result<u32, SettingsError> {
            match var(name) {
                None => Ok(default),
                Some(n) => n.parse::<u32>().ok().filter(|n| (1..=most).contains(n)).ok_or_else(|| {
                    bad(name, format!("'{n}' is not a whole number from 1 to {most}"), format!("set e.g. {default}, or unset it for {default}"))
                }),
            }
        };
        // Above WorkOS's 6,000 a minute only for an emulator (make bench) or a raised limit.
        const MOST: u32 = 1_000_000_000;
        let user_calls_per_minute = count("ORGDECK_USER_CALLS_PER_MINUTE", 120, MOST)?;
        let user_calls_burst = count("ORGDECK_USER_CALLS_BURST", 40, MOST)?;
        let sign_ins_per_minute = count("ORGDECK_SIGN_INS_PER_MINUTE", 120, MOST)?;
        // WorkOS allows 6,000 a minute per key: 80% leaves room for other tools on the key.
        let workos_calls_per_minute = count("WORKOS_CALLS_PER_MINUTE", 4_800, MOST)?;
        let retention_days = count("RETENTION_DAYS", 90, 36_500)?;
        let shutdown_grace = std::time::Duration::from_secs(count("SHUTDOWN_GRACE_SECONDS", 10, 3_600)?.into());
        let metrics_token = var("METRICS_TOKEN");
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(bad("METRICS_TOKEN", "is shorter than 16 characters", "generate one with `openssl rand -hex 16`, or unset it to answer /metrics to this machine only"));
        }
        let shutdown_drain = match var("SHUTDOWN_DRAIN_SECONDS") {
            None => std::time::Duration::ZERO,
            Some(n) => n.parse::<u64>().ok().filter(|n| *n <= 300).map(std::time::Duration::from_secs).ok_or_else(|| {
                bad("SHUTDOWN_DRAIN_SECONDS", format!("'{n}' is not a whole number from 0 to 300"), "set e.g. 5 (a little over the load balancer's health-check interval), or unset it for 0")
            })?,
        };
        // Emails compare without case; WorkOS user ids exactly as written.
        let admins: Vec<String> = file.orgdeck.admins.iter().map(|a| if a.contains('@') { a.to_lowercase() } else { a.clone() }).collect();
        let tenants: Vec<(String, String)> = file.tenants.into_iter().collect();
        let timeout = match var("WORKOS_TIMEOUT_MS") {
            None => std::time::Duration::from_secs(10),
            Some(ms) => match ms.parse::<u64>() {
                Ok(n) if (100..=120_000).contains(&n) => std::time::Duration::from_millis(n),
                _ => return Err(bad("WORKOS_TIMEOUT_MS", format!("'{ms}' is not a number of milliseconds from 100 to 120000"), "set e.g. 10000, or unset it")),
            },
        };
        if let Some((tenant, org)) = tenants.iter().find(|(_, org)| !org.starts_with("org_")) {
            return Err(bad(
                "Leptos.toml",
                format!("[tenants] maps '{tenant}' to '{org}', which is not a WorkOS organization id"),
                "use the org_… id from WorkOS Dashboard → Organizations",
            ));
        }

        let (mode, api_key, client_id, cookie_password, webhook_secret, api) = match api_key {
            Some(api_key) => {
                let client_id = client_id.ok_or_else(|| {
                    bad("WORKOS_CLIENT_ID", "is not set, but WORKOS_API_KEY is", "copy the client ID from WorkOS Dashboard → API Keys")
                })?;
                let cookie_password = cookie_password.ok_or_else(|| {
                    bad("WORKOS_COOKIE_PASSWORD", "is not set (sessions are sealed with it)", "generate one with `openssl rand -hex 32`")
                })?;
                let api = ApiEndpoint { hostname: hostname.unwrap_or_else(|| "api.workos.com".into()), port, https: https.unwrap_or(true) };
                (Mode::Workos, api_key, client_id, cookie_password, webhook_secret, api)
            }
            None => {
                if client_id.is_some() {
                    return Err(bad(
                        "WORKOS_CLIENT_ID",
                        "is set, but WORKOS_API_KEY is not",
                        "set WORKOS_API_KEY too to use WorkOS, or unset both to run on the embedded emulator",
                    ));
                }
                let (source, addr_text) = match var("WORKOS_EMULATOR_ADDR") {
                    Some(a) => ("WORKOS_EMULATOR_ADDR", a),
                    None => ("Leptos.toml", file.emulator.addr.unwrap_or_else(|| DEFAULT_EMULATOR_ADDR.into())),
                };
                let addr: SocketAddr = addr_text.parse().map_err(|_| {
                    bad(source, format!("emulator address '{addr_text}' is not host:port"), "write it like 127.0.0.1:4100")
                })?;
                // The emulator lets anyone sign in as anyone: it stays on this machine unless asked.
                if !addr.ip().is_loopback() && var("WORKOS_EMULATOR_PUBLIC").as_deref() != Some("1") {
                    return Err(bad(
                        source,
                        format!("the emulator address {addr} is reachable from other machines, and anyone who reaches the emulator can sign in as any user and drive it"),
                        "use a loopback address such as 127.0.0.1:4100, or set WORKOS_EMULATOR_PUBLIC=1 if other machines must reach it",
                    ));
                }
                // Settings that only make sense against real WorkOS, without its key: a
                // deployment that lost WORKOS_API_KEY must not quietly become an emulator.
                let https_redirect = var("WORKOS_REDIRECT_URI").is_some_and(|u| u.starts_with("https://"));
                let real: Vec<&str> = [
                    ("WORKOS_COOKIE_PASSWORD", cookie_password.is_some()),
                    ("WORKOS_WEBHOOK_SECRET", webhook_secret.is_some()),
                    ("an https WORKOS_REDIRECT_URI", https_redirect),
                    ("WORKOS_API_HOSTNAME", hostname.is_some()),
                ]
                .into_iter()
                .filter_map(|(name, set)| set.then_some(name))
                .collect();
                if !real.is_empty() && var("WORKOS_EMULATOR").as_deref() != Some("1") {
                    return Err(bad(
                        "WORKOS_API_KEY",
                        format!(
                            "is not set, but {} {} set: that is a real WorkOS setup, and without the key Orgdeck would start its embedded emulator instead, where anyone can sign in as anyone",
                            real.join(", "),
                            if real.len() == 1 { "is" } else { "are" }
                        ),
                        "set WORKOS_API_KEY and WORKOS_CLIENT_ID from WorkOS Dashboard → API Keys, or set WORKOS_EMULATOR=1 to run on the embedded emulator with these settings",
                    ));
                }
                // The emulator's own keys and a throwaway cookie password: nothing to configure;
                // the embedded emulator is told to sign its deliveries with the webhook secret.
                let api = ApiEndpoint { hostname: addr.ip().to_string(), port: Some(addr.port()), https: false };
                let (cookie_password, webhook_secret) = (cookie_password.unwrap_or_else(|| random_hex(32)), webhook_secret.unwrap_or_else(|| random_hex(32)));
                (Mode::Emulator { addr, seed: file.emulator.seed }, String::new(), String::new(), cookie_password, Some(webhook_secret), api)
            }
        };
        Ok(Settings {
            mode,
            api_key,
            client_id,
            cookie_password,
            webhook_secret,
            site_url,
            redirect_uri,
            redirect_uri_fixed,
            api,
            secure_cookies,
            admins,
            tenants,
            timeout,
            database_url,
            trusted_proxies,
            user_calls_per_minute,
            user_calls_burst,
            sign_ins_per_minute,
            workos_calls_per_minute,
            retention_days,
            shutdown_grace,
            shutdown_drain,
            metrics_token,
        })
    }

    /// Fills in the running emulator's keys and address.
    pub fn use_emulator(&mut self, api_key: &str, client_id: &str, addr: SocketAddr) {
        self.api_key = api_key.into();
        self.client_id = client_id.into();
        self.api = ApiEndpoint { hostname: addr.ip().to_string(), port: Some(addr.port()), https: false };
    }

    /// The origins this site's pages have: the configured one, and on the
    /// emulator its loopback aliases on the same port.
    pub fn origins(&self) -> Vec<String> {
        let mut out = vec![self.site_url.clone()];
        if let (true, Ok(site)) = (self.is_emulator(), url::Url::parse(&self.site_url)) {
            let loopback = matches!(site.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
            if let (true, Some(port)) = (loopback, site.port_or_known_default()) {
                for host in ["localhost", "127.0.0.1", "[::1]"] {
                    let origin = format!("{}://{host}:{port}", site.scheme());
                    if !out.contains(&origin) {
                        out.push(origin);
                    }
                }
            }
        }
        out
    }

    pub fn is_emulator(&self) -> bool {
        matches!(self.mode, Mode::Emulator { .. })
    }

    /// May this user use the admin tools (the doctor, the lab)? Everyone on
    /// the emulator; against real WorkOS, those Leptos.toml's `admins` lists.
    pub fn is_admin(&self, user_id: &str, email: &str, email_verified: bool) -> bool {
        self.is_emulator() || self.lists_admin(user_id, email, email_verified)
    }

    /// Whether Leptos.toml's `admins` lists this user: by WorkOS user id, or by
    /// an email WorkOS says is verified (an unverified or merely asserted email
    /// equal to an admin's is not the admin).
    pub fn lists_admin(&self, user_id: &str, email: &str, email_verified: bool) -> bool {
        self.admins.iter().any(|a| a == user_id || (email_verified && a.contains('@') && a.eq_ignore_ascii_case(email)))
    }
}

/// What sealing the session takes: 64 hexadecimal characters (32 bytes).
pub fn is_cookie_password(pw: &str) -> bool {
    pw.len() == 64 && pw.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `bytes` random bytes, as hex.
pub fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    hex(&buf)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const PW: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn load(vars: &[(&str, &str)], toml: Option<&str>) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_sources(|k| map.get(k).cloned(), toml, "127.0.0.1:3000".parse().unwrap())
    }

    #[test]
    fn no_key_means_the_embedded_emulator_with_generated_secrets() {
        let s = load(&[], None).unwrap();
        assert!(s.is_emulator());
        assert_eq!(s.cookie_password.len(), 64);
        assert_ne!(s.cookie_password, load(&[], None).unwrap().cookie_password, "throwaway");
        assert_eq!(s.redirect_uri, "http://127.0.0.1:3000/auth/callback");
        assert!(!s.redirect_uri_fixed, "sign-in may return to the loopback host used");
        assert_eq!(s.api.base_url(), "http://127.0.0.1:4100");
    }

    #[test]
    fn real_workos_needs_key_client_and_cookie_password() {
        let s = load(&[("WORKOS_API_KEY", "sk_test_a"), ("WORKOS_CLIENT_ID", "client_a"), ("WORKOS_COOKIE_PASSWORD", PW)], None).unwrap();
        assert_eq!(s.mode, Mode::Workos);
        assert!(s.redirect_uri_fixed, "real WorkOS only accepts the registered redirect URI");
        assert_eq!(s.api.base_url(), "https://api.workos.com");
        let e = load(&[("WORKOS_API_KEY", "sk_test_a"), ("WORKOS_CLIENT_ID", "client_a")], None).unwrap_err();
        assert_eq!(e.variable, "WORKOS_COOKIE_PASSWORD");
        assert!(e.fix.contains("openssl rand -hex 32"));
        let e = load(&[("WORKOS_API_KEY", "sk_test_a")], None).unwrap_err();
        assert_eq!(e.variable, "WORKOS_CLIENT_ID");
    }

    #[test]
    fn malformed_values_name_the_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("WORKOS_API_KEY", "pk_live_x")], "WORKOS_API_KEY"),
            (&[("WORKOS_API_KEY", "sk_x"), ("WORKOS_CLIENT_ID", "app_1")], "WORKOS_CLIENT_ID"),
            (&[("WORKOS_COOKIE_PASSWORD", "short")], "WORKOS_COOKIE_PASSWORD"),
            (&[("WORKOS_COOKIE_PASSWORD", &"g".repeat(64))], "WORKOS_COOKIE_PASSWORD"),
            (&[("WORKOS_API_PORT", "http")], "WORKOS_API_PORT"),
            (&[("WORKOS_API_HTTPS", "maybe")], "WORKOS_API_HTTPS"),
            (&[("WORKOS_REDIRECT_URI", "not a url")], "WORKOS_REDIRECT_URI"),
            (&[("WORKOS_REDIRECT_URI", "http://127.0.0.1:3000/callback")], "WORKOS_REDIRECT_URI"),
            (&[("WORKOS_CLIENT_ID", "client_a")], "WORKOS_CLIENT_ID"),
            (&[("DATABASE_URL", "mysql://localhost/orgdeck")], "DATABASE_URL"),
        ];
        for (vars, variable) in cases {
            let e = load(vars, None).unwrap_err();
            assert_eq!(&e.variable, variable, "{vars:?}");
            assert!(!e.fix.is_empty());
        }
    }

    #[test]
    fn leptos_toml_is_read_and_checked() {
        let s = load(&[], Some("[orgdeck]\nadmins = [\"Ada@Acme.test\"]\n[emulator]\naddr = \"127.0.0.1:4999\"\n")).unwrap();
        assert_eq!(s.admins, ["ada@acme.test"]);
        let real = load(&[("WORKOS_API_KEY", "sk_test_a"), ("WORKOS_CLIENT_ID", "client_a"), ("WORKOS_COOKIE_PASSWORD", PW)], Some("[orgdeck]\nadmins = [\"user_01ADA\", \"Max@Acme.test\"]\n")).unwrap();
        assert_eq!(real.admins, ["user_01ADA", "max@acme.test"], "ids as written, emails in lower case");
        assert!(real.is_admin("user_01ADA", "anyone@acme.test", false), "by WorkOS user id");
        assert!(!real.is_admin("user_01ada", "anyone@acme.test", false));
        assert!(real.is_admin("user_01MAX", "max@acme.test", true), "by a verified email");
        assert!(!real.is_admin("user_01EVE", "max@acme.test", false), "an unverified email equal to an admin's is not the admin");
        assert_eq!(s.api.port, Some(4999));
        assert_eq!(load(&[], Some("[orgdeck\n")).unwrap_err().variable, "Leptos.toml");
        assert_eq!(load(&[], Some("[orgdeck]\nadmin = []\n")).unwrap_err().variable, "Leptos.toml");
        assert_eq!(load(&[], Some("[emulator]\naddr = \"nowhere\"\n")).unwrap_err().variable, "Leptos.toml");
        let s = load(&[("WORKOS_EMULATOR_ADDR", "127.0.0.1:4101")], Some("[emulator]\naddr = \"127.0.0.1:4999\"\n")).unwrap();
        assert_eq!(s.api.port, Some(4101), "the environment wins");
        assert_eq!(load(&[("WORKOS_EMULATOR_ADDR", "4101")], None).unwrap_err().variable, "WORKOS_EMULATOR_ADDR");
    }

    #[test]
    fn https_redirect_uri_means_secure_cookies_and_sets_the_site() {
        let s = load(&[("WORKOS_REDIRECT_URI", "https://orgdeck.example/auth/callback"), ("WORKOS_EMULATOR", "1")], None).unwrap();
        assert!(s.secure_cookies);
        assert_eq!(s.site_url, "https://orgdeck.example");
    }

    #[test]
    fn the_emulator_stays_on_this_machine_unless_asked() {
        let e = load(&[("WORKOS_EMULATOR_ADDR", "0.0.0.0:4100")], None).unwrap_err();
        assert_eq!(e.variable, "WORKOS_EMULATOR_ADDR");
        assert!(e.problem.contains("other machines") && e.fix.contains("WORKOS_EMULATOR_PUBLIC=1"), "{e}");
        assert!(load(&[("WORKOS_EMULATOR_ADDR", "0.0.0.0:4100"), ("WORKOS_EMULATOR_PUBLIC", "1")], None).is_ok());
        assert!(load(&[("WORKOS_EMULATOR_ADDR", "[::1]:4100")], None).is_ok());
    }

    #[test]
    fn real_workos_settings_without_the_key_stop_start_up() {
        for (vars, named) in [
            (&[("WORKOS_COOKIE_PASSWORD", PW)][..], "WORKOS_COOKIE_PASSWORD"),
            (&[("WORKOS_WEBHOOK_SECRET", "whsec_x")][..], "WORKOS_WEBHOOK_SECRET"),
            (&[("WORKOS_REDIRECT_URI", "https://orgdeck.example.com/auth/callback")][..], "https WORKOS_REDIRECT_URI"),
            (&[("WORKOS_API_HOSTNAME", "api.workos.com")][..], "WORKOS_API_HOSTNAME"),
        ] {
            let e = load(vars, None).unwrap_err();
            assert_eq!(e.variable, "WORKOS_API_KEY", "{vars:?}");
            assert!(e.problem.contains(named) && e.fix.contains("WORKOS_EMULATOR=1"), "{e}");
            let with = [vars, &[("WORKOS_EMULATOR", "1")][..]].concat();
            assert!(load(&with, None).is_ok(), "{vars:?} with WORKOS_EMULATOR=1");
        }
        assert!(load(&[("WORKOS_REDIRECT_URI", "http://127.0.0.1:3000/auth/callback")], None).is_ok(), "a local redirect is the emulator's");
    }

    #[test]
    fn the_limits_have_defaults_and_bounds() {
        let s = load(&[], None).unwrap();
        assert_eq!((s.user_calls_per_minute, s.user_calls_burst, s.workos_calls_per_minute), (120, 40, 4_800));
        let s = load(&[("ORGDECK_USER_CALLS_PER_MINUTE", "30"), ("WORKOS_CALLS_PER_MINUTE", "600")], None).unwrap();
        assert_eq!((s.user_calls_per_minute, s.workos_calls_per_minute), (30, 600));
        for (name, value) in [("WORKOS_CALLS_PER_MINUTE", "0"), ("ORGDECK_USER_CALLS_BURST", "0"), ("ORGDECK_USER_CALLS_PER_MINUTE", "lots"), ("ORGDECK_SIGN_INS_PER_MINUTE", "-1")] {
            assert_eq!(load(&[(name, value)], None).unwrap_err().variable, name);
        }
    }

    #[test]
    fn the_shutdown_waits_have_defaults_and_bounds() {
        let s = load(&[], None).unwrap();
        assert_eq!((s.shutdown_grace.as_secs(), s.shutdown_drain.as_secs()), (10, 0));
        let s = load(&[("SHUTDOWN_GRACE_SECONDS", "30"), ("SHUTDOWN_DRAIN_SECONDS", "5")], None).unwrap();
        assert_eq!((s.shutdown_grace.as_secs(), s.shutdown_drain.as_secs()), (30, 5));
        assert_eq!(load(&[("METRICS_TOKEN", "0123456789abcdef")], None).unwrap().metrics_token.as_deref(), Some("0123456789abcdef"));
        assert_eq!(load(&[("METRICS_TOKEN", "short")], None).unwrap_err().variable, "METRICS_TOKEN");
        for (name, value) in [("SHUTDOWN_GRACE_SECONDS", "0"), ("SHUTDOWN_GRACE_SECONDS", "soon"), ("SHUTDOWN_DRAIN_SECONDS", "301"), ("SHUTDOWN_DRAIN_SECONDS", "-1")] {
            let e = load(&[(name, value)], None).unwrap_err();
            assert_eq!(e.variable, name, "{e}");
        }
    }

    #[test]
    fn debug_output_hides_secrets() {
        let s = load(&[("WORKOS_API_KEY", "sk_test_secret"), ("WORKOS_CLIENT_ID", "client_a"), ("WORKOS_COOKIE_PASSWORD", PW)], None).unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("sk_test_secret") && !shown.contains(PW));
    }

    #[test]
    fn the_workos_timeout_and_the_tenant_map_are_checked() {
        assert_eq!(load(&[], None).unwrap().timeout, std::time::Duration::from_secs(10));
        assert_eq!(load(&[("WORKOS_TIMEOUT_MS", "1500")], None).unwrap().timeout, std::time::Duration::from_millis(1500));
        let e = load(&[("WORKOS_TIMEOUT_MS", "soon")], None).unwrap_err();
        assert_eq!(e.variable, "WORKOS_TIMEOUT_MS");
        let s = load(&[], Some("[tenants]\nacme = \"org_01ACME\"\n")).unwrap();
        assert_eq!(s.tenants, vec![("acme".to_string(), "org_01ACME".to_string())]);
        let e = load(&[], Some("[tenants]\nacme = \"acme-corp\"\n")).unwrap_err();
        assert!(e.problem.contains("not a WorkOS organization id"), "{e}");
    }
}
