//! The server process ends well: on SIGTERM, with requests and live streams
//! under way, `/ready` turns 503 at once, every request gets its normal
//! answer, every stream ends with a `retry:` for the browser, and the
//! process exits 0 within its grace.
//!
//! The real binary, on an in-process emulator that holds each widget-token
//! call for a while (a fault with a delay), so the calls are still under way
//! when the signal comes.
#![cfg(feature = "ssr")]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::binary::*;
use common::*;
use reqwest::StatusCode;

/// How long the emulator holds each token call.
const HELD: Duration = Duration::from_secs(3);


async fn ready(base: &str) -> Result<(StatusCode, serde_json::Value), reqwest::Error> {
    let res = browser_without_cookies().get(format!("{base}/ready")).send().await?;
    let status = res.status();
    Ok((status, res.json().await?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_lets_100_requests_finish_ends_10_streams_with_a_retry_and_exits_0() {
    let emu = start().await;
    // A second of drain: long enough to ask /ready after the signal.
    let server = orgdeck_on(&emu, &[("SHUTDOWN_GRACE_SECONDS", "10"), ("SHUTDOWN_DRAIN_SECONDS", "1")]).await;
    let app = App { emu: emu.emu, base: server.base.clone(), state: emu.state };
    let client = browser();
    assert_eq!(app.sign_in(&client, "ada@acme.test").await.status(), StatusCode::SEE_OTHER);
    let (status, body) = ready(&app.base).await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");

    // Two people's pages (a session may hold 8 streams), five streams each.
    let other = browser();
    assert_eq!(app.sign_in(&other, "max@acme.test").await.status(), StatusCode::SEE_OTHER);
    let streams: Vec<_> = (0..10)
        .map(|i| {
            let (client, base) = (if i % 2 == 0 { client.clone() } else { other.clone() }, app.base.clone());
            tokio::spawn(async move {
                let res = client.get(format!("{base}/events/live")).send().await.unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                res.text().await.unwrap()
            })
        })
        .collect();
    app.emu.emulator.faults().add(serde_json::from_value(serde_json::json!({"path": "/widgets/token", "method": "POST", "delay_ms": HELD.as_millis() as u64})).unwrap());
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let (client, base) = (client.clone(), app.base.clone());
            tokio::spawn(async move {
                let res = client.post(format!("{base}/api/widget_token")).header("origin", &base).form(&[("slug", "users")]).send().await.unwrap();
                (res.status(), res.text().await.unwrap())
            })
        })
        .collect();
    // Every call is at the emulator, held, when the signal comes.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let signalled = Instant::now();
    sigterm(&server);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, body) = ready(&app.base).await.expect("still taking connections while it drains");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["shutting_down"], true, "{body}");

    for call in calls {
        let (status, text) = call.await.unwrap();
        assert_eq!(status, StatusCode::OK, "a call under way gets its normal answer: {text}");
        assert!(text.starts_with("\"ey"), "a token: {text}");
    }
    for stream in streams {
        let text = tokio::time::timeout(Duration::from_secs(15), stream).await.expect("the stream ended").unwrap();
        assert!(text.contains("retry: 1000"), "the browser is told to reconnect soon: {text:?}");
    }
    let mut server = server;
    let exit = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(signalled.elapsed() < Duration::from_secs(12), "the process exits within the drain and the grace");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(exit.code(), Some(0), "a graceful shutdown exits 0");
    assert!(signalled.elapsed() >= HELD - Duration::from_millis(800), "it waited for the calls under way");
    assert!(reqwest::get(format!("{}/health", app.base)).await.is_err(), "nothing listens any more");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_is_503_while_workos_fails_and_200_once_it_answers() {
    let emu = start().await;
    let server = orgdeck_on(&emu, &[]).await;
    let app = App { emu: emu.emu, base: server.base.clone(), state: emu.state };
    let client = browser();
    app.sign_in(&client, "ada@acme.test").await;
    let (status, body) = ready(&app.base).await.unwrap();
    assert_eq!((status, &body["database"], &body["workos"]), (StatusCode::OK, &"ok".into(), &"ok".into()), "{body}");
    let token = || client.post(format!("{}/api/widget_token", app.base)).header("origin", &app.base).form(&[("slug", "users")]).send();
    assert_eq!(token().await.unwrap().status(), StatusCode::OK, "signed in, the session checked");
    // WorkOS fails every call from now on; the next call a user makes shows it.
    app.emu.emulator.faults().add(serde_json::from_value(serde_json::json!({"path": "/", "status": 503})).unwrap());
    let res = token().await.unwrap();
    assert!(res.status().is_server_error(), "{}", res.status());
    let (status, body) = ready(&app.base).await.unwrap();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_ne!(body["workos"], "ok", "{body}");
    assert_eq!(body["database"], "ok", "{body}");
    app.emu.emulator.faults().clear();
    let (status, body) = ready(&app.base).await.unwrap();
    assert_eq!(status, StatusCode::OK, "WorkOS answers again: {body}");
}

/// What the binary wrote to stdout from its start to its graceful stop, with `extra` set.
async fn log_of(extra: &[(&str, &str)]) -> String {
    let emu = start().await;
    let server = orgdeck_on(&emu, extra).await;
    assert_eq!(reqwest::get(format!("{}/ready", server.base)).await.unwrap().status(), StatusCode::OK);
    sigterm(&server);
    let mut server = server;
    let started = Instant::now();
    while server.child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(15), "the process exits");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut server.child.stdout.take().unwrap(), &mut out).unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_format_json_writes_one_json_object_a_line() {
    let out = log_of(&[("LOG_FORMAT", "json"), ("RUST_LOG", "info")]).await;
    let lines: Vec<serde_json::Value> = out
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect();
    let said = |m: &str| lines.iter().any(|l| l["fields"]["message"].as_str().is_some_and(|x| x.contains(m)));
    assert!(said("started") && said("shutting down") && said("stopped"), "{out}");
    assert!(lines.iter().all(|l| l["level"].is_string() && l["timestamp"].is_string()), "{out}");
}

/// Written to a pipe (a journal, a file), the text log has no colour codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_text_log_has_no_colour_codes_off_a_terminal() {
    let out = log_of(&[("RUST_LOG", "info")]).await;
    assert!(out.contains("shutting down") && out.contains("stopped"), "{out}");
    assert!(!out.contains('\u{1b}'), "escape codes in a piped log: {out:?}");
}

#[test]
fn an_unknown_log_format_stops_start_up_with_the_fix() {
    let out = Command::new(env!("CARGO_BIN_EXE_orgdeck")).env_clear().env("LOG_FORMAT", "xml").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("LOG_FORMAT") && stderr.contains("json"), "{stderr}");
}
