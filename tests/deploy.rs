//! The deployment guide (README, "Deploying it"), tried as written: the release
//! folder (`deploy/package.sh`; here from the debug build, `make release` makes
//! the same from the release one), two instances on one PostgreSQL started as
//! the systemd unit runs them (`deploy/instance.sh`, the environment file),
//! Caddy in front with https from its local authority (`deploy/Caddyfile`,
//! `TRUSTED_PROXIES`), and `deploy/rolling-restart.sh` under a load of
//! signed-in dashboard requests through Caddy: not one fails.
#![cfg(feature = "ssr")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::binary::free_port;
use common::postgres::Postgres;
use common::*;
use reqwest::StatusCode;
use workos_emulator::{spawn, Seed};

/// Loops of dashboard requests through the proxy, all the while.
const LOAD: usize = 8;

struct Deployment {
    root: PathBuf,
    ports: [u16; 2],
    caddy: Child,
}

impl Deployment {
    fn instance(&self, action: &str, port: u16) {
        let out = Command::new(repo("deploy/instance.sh")).args([action, &port.to_string()]).envs(self.env()).output().unwrap();
        assert!(out.status.success(), "instance.sh {action} {port}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// What instance.sh and rolling-restart.sh read: the release folder, the environment file, where pids go.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ORGDECK_DIR", self.root.join("orgdeck").display().to_string()),
            ("ORGDECK_ENV", self.root.join("orgdeck.env").display().to_string()),
            ("RUN_DIR", self.root.join("run").display().to_string()),
        ]
    }

    fn log(&self, port: u16) -> String {
        std::fs::read_to_string(self.root.join(format!("run/orgdeck-{port}.log"))).unwrap_or_default()
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        let _ = self.caddy.kill();
        for port in self.ports {
            let _ = Command::new(repo("deploy/instance.sh")).args(["stop", &port.to_string()]).envs(self.env()).env("STOP_SECONDS", "1").output();
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

async fn until(what: &str, within: Duration, mut ok: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !ok().await {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolling_restart_behind_caddy_fails_no_request() {
    assert!(Command::new("caddy").arg("version").output().is_ok(), "Caddy is not installed: `make test` installs Debian's caddy package");
    let pg = Postgres::start();
    let emu = spawn(Seed::default_seed(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let root = std::env::temp_dir().join(format!("orgdeck-deploy-{}", ulid::Ulid::new()));
    std::fs::create_dir_all(&root).unwrap();

    // The release folder, from this build (the binary the tests run, and the hash file beside it).
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_orgdeck")).parent().unwrap();
    let out = Command::new(repo("deploy/package.sh")).arg(bin_dir).arg(repo("target/site")).arg(root.join("orgdeck")).output().unwrap();
    assert!(out.status.success(), "package.sh: {}", String::from_utf8_lossy(&out.stderr));

    let (https, http) = (free_port(), free_port());
    let ports = [free_port(), free_port()];
    let site = format!("https://localhost:{https}");
    let api = emu.addr;
    // orgdeck.env.example, filled in for this machine (the emulator as WorkOS).
    let example = std::fs::read_to_string(repo("deploy/orgdeck.env.example")).unwrap();
    let filled = example
        .replace("sk_live_...", emu.emulator.api_key())
        .replace("client_...", emu.emulator.client_id())
        .replace("https://orgdeck.example.com/auth/callback", &format!("{site}/auth/callback"))
        .replace("WORKOS_WEBHOOK_SECRET=...", "WORKOS_WEBHOOK_SECRET=whsec_try_out")
        .replace("WORKOS_COOKIE_PASSWORD=...", &format!("WORKOS_COOKIE_PASSWORD={}", "ab".repeat(32)))
        .replace("postgres://orgdeck@127.0.0.1/orgdeck", &pg.url);
    let filled = format!(
        "{filled}\nWORKOS_API_HOSTNAME={}\nWORKOS_API_PORT={}\nWORKOS_API_HTTPS=false\n",
        api.ip(),
        api.port()
    );
    std::fs::write(root.join("orgdeck.env"), filled).unwrap();

    let caddy = Command::new("caddy")
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(repo("deploy/Caddyfile"))
        .env("ORGDECK_SITE", format!("localhost:{https}"))
        .env("ORGDECK_UPSTREAMS", format!("127.0.0.1:{} 127.0.0.1:{}", ports[0], ports[1]))
        .env("ORGDECK_HTTP_PORT", http.to_string())
        .env("ORGDECK_HTTPS_PORT", https.to_string())
        .env("ORGDECK_CADDY_ADMIN", "off")
        .env("XDG_DATA_HOME", root.join("caddy-data"))
        .env("XDG_CONFIG_HOME", root.join("caddy-config"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(root.join("caddy.log")).unwrap())
        .spawn()
        .unwrap();
    let deployment = Deployment { root: root.clone(), ports, caddy };
    for port in ports {
        deployment.instance("start", port);
    }
    let plain = browser_without_cookies();
    for port in ports {
        until(&format!("the instance on {port} ready"), Duration::from_secs(30), async || {
            plain.get(format!("http://127.0.0.1:{port}/ready")).send().await.is_ok_and(|r| r.status() == StatusCode::OK)
        })
        .await;
    }

    // Caddy's local authority, trusted by this test's browser only.
    let ca = root.join("caddy-data/caddy/pki/authorities/local/root.crt");
    until("Caddy's local certificate authority", Duration::from_secs(30), async || ca.exists()).await;
    let ca = reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap();
    let client = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).add_root_certificate(ca).build().unwrap();
    until("Caddy serving https", Duration::from_secs(30), async || client.get(format!("{site}/health")).send().await.is_ok_and(|r| r.status() == StatusCode::OK)).await;

    let callback = callback_url_at(&site, &emu.base_url(), &client, "/", "ada@acme.test", None).await;
    let res = client.get(callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(cookies(res.headers()).iter().any(|c| c.starts_with("__Host-wos-session=") && c.contains("Secure")), "behind https the cookie is __Host- and Secure");
    let first = client.get(format!("{site}/")).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert!(first.text().await.unwrap().contains("Acme Corp"));

    // The load: signed-in dashboards through Caddy until the restart is over.
    let stop = Arc::new(AtomicBool::new(false));
    let (served, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(Mutex::new(Vec::<String>::new())));
    let loops: Vec<_> = (0..LOAD)
        .map(|_| {
            let (client, site, stop, served, failed) = (client.clone(), site.clone(), stop.clone(), served.clone(), failed.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    match client.get(format!("{site}/")).send().await {
                        // Read whole, as a browser would (a dropped body is a broken connection at the proxy).
                        Ok(r) if r.status() == StatusCode::OK => match r.text().await {
                            Ok(page) if page.contains("Acme Corp") => {
                                served.fetch_add(1, Ordering::Relaxed);
                            }
                            Ok(page) => failed.lock().unwrap().push(format!("200 without the dashboard: {}", page.chars().take(200).collect::<String>())),
                            Err(e) => failed.lock().unwrap().push(format!("body: {e:?}")),
                        },
                        Ok(r) => {
                            let said = format!("{} {}", r.status(), r.text().await.unwrap_or_default().chars().take(200).collect::<String>());
                            failed.lock().unwrap().push(said);
                        }
                        Err(e) => failed.lock().unwrap().push(format!("{e:?}")),
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = served.load(Ordering::Relaxed);

    let started = Instant::now();
    let restart = tokio::task::spawn_blocking({
        let env = deployment.env();
        move || {
            Command::new(repo("deploy/rolling-restart.sh"))
                .args(ports.map(|p| p.to_string()))
                .envs(env)
                .env("RESTART", format!("{} restart", repo("deploy/instance.sh").display()))
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    futures::future::join_all(loops).await;
    let said = String::from_utf8_lossy(&restart.stdout);
    let complained = String::from_utf8_lossy(&restart.stderr);
    assert!(restart.status.success(), "rolling-restart.sh: {said}{complained}");
    assert!(!complained.contains("killed"), "each instance stopped within its drain and grace, not killed: {complained}");
    for port in ports {
        assert!(said.contains(&format!("{port} ready again")), "{said}");
        // Each instance really stopped and started: its log says so twice.
        let log = deployment.log(port);
        assert_eq!(log.matches("\"started\"").count(), 2, "instance {port}: {log}");
        assert!(log.contains("\"stopped\""), "instance {port} stopped gracefully: {log}");
    }
    let failed = failed.lock().unwrap().clone();
    let served = served.load(Ordering::Relaxed);
    println!("rolling restart behind Caddy: {served} dashboards served ({} during the {:.1} s restart), {} failed\n{said}{}", served - before, took.as_secs_f64(), failed.len(), complained);
    assert!(served - before > 50, "the load ran through the restart: {served}");
    assert!(failed.is_empty(), "{} of {} requests failed: {:?}", failed.len(), served + failed.len() as u64, &failed[..failed.len().min(5)]);
}
