//! The embedded WorkOS emulator, for running with no WorkOS account.

use std::net::SocketAddr;
use std::path::Path;

use workos_emulator::{RunningEmulator, Seed};

use super::settings::{Mode, Settings};

/// Starts the emulator when the settings ask for it and points the settings at it.
/// Its address falls back to a free port when the configured one is taken.
pub async fn start_if_needed(settings: &mut Settings, dir: &Path) -> Result<Option<RunningEmulator>, String> {
    let Mode::Emulator { addr, seed } = settings.mode.clone() else {
        return Ok(None);
    };
    let seed = match seed {
        Some(path) => {
            let path = if path.is_absolute() { path } else { dir.join(path) };
            Seed::from_file(&path).map_err(|e| format!("Leptos.toml [emulator] seed: {e}"))?
        }
        None => Seed::default_seed(),
    };
    let running = match workos_emulator::spawn(seed.clone(), addr).await {
        Ok(r) => r,
        Err(e) => {
            let any: SocketAddr = SocketAddr::new(addr.ip(), 0);
            tracing::warn!("emulator address {addr} unavailable ({e}); using a free port");
            workos_emulator::spawn(seed, any).await.map_err(|e| format!("cannot start the WorkOS emulator: {e}"))?
        }
    };
    let emu = &running.emulator;
    // Its control API then answers only callers that carry the token.
    emu.set_control_token(std::env::var("WORKOS_EMULATOR_CONTROL_TOKEN").ok());
    settings.use_emulator(emu.api_key(), emu.client_id(), running.addr);
    // Deliver every event to Orgdeck's own endpoint, signed with its secret.
    if let Some(secret) = settings.webhook_secret.as_deref() {
        emu.webhooks().add_endpoint(&format!("{}/webhooks/workos", settings.site_url), secret, Vec::new());
    }
    Ok(Some(running))
}

/// The start-up banner: where to go and whom to sign in as. No secrets.
pub fn banner(settings: &Settings, emulator: Option<&RunningEmulator>) -> String {
    let mut out = format!("Orgdeck on {}\n", settings.site_url);
    match emulator {
        Some(running) => {
            out.push_str(&format!(
                "  WorkOS: embedded emulator on {} (no WorkOS account needed)\n  Sign in as one of the seeded users:\n",
                running.base_url()
            ));
            let seed = running.emulator.seed();
            for u in &seed.users {
                let orgs: Vec<String> = seed
                    .memberships
                    .iter()
                    .filter(|m| m.user == u.key)
                    .map(|m| {
                        let org = seed.organizations.iter().find(|o| o.key == m.organization);
                        format!("{} ({})", org.map_or(m.organization.as_str(), |o| o.name.as_str()), m.role)
                    })
                    .collect();
                let orgs = if orgs.is_empty() { "no organization".to_string() } else { orgs.join(", ") };
                out.push_str(&format!("    {:<22} password {:<14} {orgs}\n", u.email, u.password));
            }
        }
        None => out.push_str(&format!("  WorkOS: {} (client {})\n", settings.api.base_url(), settings.client_id)),
    }
    out
}
