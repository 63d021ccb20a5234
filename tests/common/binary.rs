//! The real `orgdeck` binary, started as an operator would (environment
//! only) on a test's emulator, for the tests of what a process does: its
//! signals, its logs, what it exports.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::App;

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The `orgdeck` binary on `app`'s emulator, as against real WorkOS.
pub async fn orgdeck_on(app: &App, extra: &[(&str, &str)]) -> Server {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = std::env::temp_dir().join(format!("orgdeck-shutdown-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let emulator = app.emu.addr;
    let child = Command::new(env!("CARGO_BIN_EXE_orgdeck"))
        .current_dir(&dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env("LEPTOS_OUTPUT_NAME", "orgdeck")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", format!("sqlite://{}/orgdeck.db", dir.display()))
        .env("WORKOS_API_KEY", app.emu.emulator.api_key())
        .env("WORKOS_CLIENT_ID", app.emu.emulator.client_id())
        .env("WORKOS_COOKIE_PASSWORD", "ab".repeat(32))
        .env("WORKOS_API_HOSTNAME", emulator.ip().to_string())
        .env("WORKOS_API_PORT", emulator.port().to_string())
        .env("WORKOS_API_HTTPS", "false")
        .env("WORKOS_REDIRECT_URI", format!("{base}/auth/callback"))
        // A hundred calls from one person at once, all let through.
        .env("ORGDECK_USER_CALLS_PER_MINUTE", "10000")
        .env("ORGDECK_USER_CALLS_BURST", "10000")
        .envs(extra.iter().copied())
        // Read by the log test once the process is gone (little is written: warnings only, unless asked).
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let server = Server { child, base };
    let started = Instant::now();
    while reqwest::get(format!("{}/health", server.base)).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "orgdeck did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server
}

pub fn sigterm(server: &Server) {
    let ok = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap().success();
    assert!(ok, "kill -TERM");
}

/// Waits for the process to end (after [`sigterm`]); its exit code.
pub async fn exited(server: &mut Server, within: Duration) -> Option<i32> {
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            return status.code();
        }
        assert!(started.elapsed() < within, "the process did not exit within {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
