//! Start-up refuses bad configuration with a message naming the variable and the fix.
#![cfg(feature = "ssr")]

use std::process::Command;

fn run_with(vars: &[(&str, &str)]) -> (Option<i32>, String) {
    // An empty directory: no .env or Leptos.toml of the developer's is read.
    let dir = std::env::temp_dir().join(format!("orgdeck-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orgdeck"));
    cmd.current_dir(&dir)
        .env_clear()
        .env("LEPTOS_OUTPUT_NAME", "orgdeck")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .envs(vars.iter().copied());
    let out = cmd.output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_malformed_api_key_stops_start_up() {
    let (code, stderr) = run_with(&[("WORKOS_API_KEY", "pk_live_oops"), ("WORKOS_CLIENT_ID", "client_x")]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("WORKOS_API_KEY") && stderr.contains("sk_"), "{stderr}");
    assert!(!stderr.contains("pk_live_oops"), "the value itself is not echoed");
}

#[test]
fn a_short_cookie_password_stops_start_up_with_the_fix() {
    let (code, stderr) = run_with(&[("WORKOS_COOKIE_PASSWORD", "hunter2")]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("WORKOS_COOKIE_PASSWORD") && stderr.contains("openssl rand -hex 32"), "{stderr}");
    assert!(!stderr.contains("hunter2"));
}

#[test]
fn an_unreadable_leptos_toml_stops_start_up() {
    let dir = std::env::temp_dir().join(format!("orgdeck-startup-toml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("Leptos.toml"), "[orgdeck\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_orgdeck"))
        .current_dir(&dir)
        .env_clear()
        .env("LEPTOS_OUTPUT_NAME", "orgdeck")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Leptos.toml"), "{stderr}");
}

#[test]
fn an_emulator_on_every_interface_stops_start_up_unless_asked() {
    let (code, stderr) = run_with(&[("WORKOS_EMULATOR_ADDR", "0.0.0.0:0")]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("WORKOS_EMULATOR_ADDR") && stderr.contains("WORKOS_EMULATOR_PUBLIC=1"), "{stderr}");
}

#[test]
fn real_workos_settings_without_the_key_stop_start_up() {
    let (code, stderr) = run_with(&[
        ("WORKOS_WEBHOOK_SECRET", "whsec_from_the_dashboard"),
        ("WORKOS_REDIRECT_URI", "https://orgdeck.example.com/auth/callback"),
        ("WORKOS_API_HOSTNAME", "api.workos.com"),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("WORKOS_API_KEY") && stderr.contains("WORKOS_WEBHOOK_SECRET") && stderr.contains("WORKOS_EMULATOR=1"), "{stderr}");
    assert!(!stderr.contains("whsec_from_the_dashboard"), "the value itself is not echoed");
}

/// The allocator's memory settings (main.rs) are in place before its first
/// allocation, whatever the environment says: without them RSS after load was
/// 49–61 MiB, not ~30. mimalloc prints its options at start when verbose.
#[test]
fn the_allocator_returns_memory_as_main_rs_sets_it() {
    let (code, stderr) = run_with(&[
        ("WORKOS_API_KEY", "pk_live_oops"),
        ("MIMALLOC_VERBOSE", "1"),
        ("MIMALLOC_ARENA_EAGER_COMMIT", "1"),
        ("MIMALLOC_PURGE_DELAY", "1000"),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("mimalloc"), "the server's allocator is mimalloc: {stderr}");
    assert!(stderr.contains("option 'arena_eager_commit': 0"), "{stderr}");
    assert!(stderr.contains("option 'purge_delay': 0"), "{stderr}");
}
