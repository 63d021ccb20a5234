//! Traces: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, the binary sends its spans
//! over OTLP/HTTP to the receiver this test starts: a request's span (the
//! child of the proxy's trace when a `traceparent` came in), its WorkOS calls
//! and database calls as its children; and the same trace id is in the
//! answer's `x-request-id`, in the request's log lines and in the error
//! notice a user sees.
#![cfg(feature = "ssr")]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::routing::post;
use common::binary::*;
use common::*;
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use reqwest::StatusCode;

/// What the receiver heard: every span of every batch.
type Heard = Arc<Mutex<Vec<Span>>>;

/// An OTLP/HTTP receiver (protobuf, as the exporter sends by default) on a free port.
async fn receiver() -> (String, Heard) {
    let heard: Heard = Arc::default();
    let keep = heard.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| async move {
            let batch = ExportTraceServiceRequest::decode(body).expect("an OTLP protobuf body");
            let spans = batch.resource_spans.into_iter().flat_map(|r| r.scope_spans).flat_map(|s| s.spans);
            keep.lock().unwrap().extend(spans);
            ([("content-type", "application/x-protobuf")], ExportTraceServiceResponse::default().encode_to_vec())
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), heard)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes.iter().find(|a| a.key == key).and_then(|a| a.value.as_ref()?.value.as_ref()).map(|v| match v {
        Value::StringValue(s) => s.clone(),
        Value::IntValue(i) => i.to_string(),
        Value::BoolValue(b) => b.to_string(),
        other => format!("{other:?}"),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_span_holds_its_workos_calls_and_its_trace_id_is_in_the_logs_and_the_notice() {
    let (endpoint, heard) = receiver().await;
    let emu = start().await;
    let mut server = orgdeck_on(
        &emu,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            // Batches every 100 ms rather than 5 s.
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ("LOG_FORMAT", "json"),
            // Warnings only: a request's lines still carry its trace id.
            ("RUST_LOG", "warn"),
        ],
    )
    .await;
    let app = App { emu: emu.emu, base: server.base.clone(), state: emu.state };
    let client = browser();
    assert_eq!(app.sign_in(&client, "ada@acme.test").await.status(), StatusCode::SEE_OTHER);

    // A proxy's trace, continued: the widget token's request is its child.
    let proxy_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let proxy_span = "00f067aa0ba902b7";
    let res = client
        .post(format!("{}/api/widget_token", app.base))
        .header("origin", &app.base)
        .header("traceparent", format!("00-{proxy_trace}-{proxy_span}-01"))
        .form(&[("slug", "users")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-request-id"], proxy_trace, "the answer names its trace");

    // WorkOS failing under a page: the notice shows the trace id, and a log line of that request has it.
    app.emu.emulator.faults().add(serde_json::from_value(serde_json::json!({"path": "/organizations", "status": 503})).unwrap());
    let res = client.get(format!("{}/", app.base)).send().await.unwrap();
    let failed_trace = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let page = res.text().await.unwrap();
    assert!(page.contains("WorkOS answered 503"), "{page}");
    assert!(page.contains(&format!(r#"<code data-testid="request-id">{failed_trace}<!></code>"#)), "the notice shows the request id: {page}");
    app.emu.emulator.faults().clear();

    sigterm(&server);
    assert_eq!(exited(&mut server, Duration::from_secs(15)).await, Some(0));
    let mut out = String::new();
    std::io::Read::read_to_string(&mut server.child.stdout.take().unwrap(), &mut out).unwrap();
    let logged = out.lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()).any(|l| {
        l["spans"].as_array().is_some_and(|spans| spans.iter().any(|s| s["trace_id"] == failed_trace.as_str()))
    });
    assert!(logged, "a log line of the failed request carries its trace id ({failed_trace}):\n{out}");

    // The exporter flushed on the way out: the span trees are at the receiver.
    let spans = heard.lock().unwrap().clone();
    let of_trace = |trace: &str| spans.iter().filter(|s| hex(&s.trace_id) == trace).cloned().collect::<Vec<_>>();
    let token = of_trace(proxy_trace);
    let request = token.iter().find(|s| s.name == "POST" && attribute(s, "http.route").as_deref() == Some("/api/widget_token")).unwrap_or_else(|| panic!("the request's span: {token:#?}"));
    assert_eq!(hex(&request.parent_span_id), proxy_span, "the proxy's span is its parent");
    assert_eq!(attribute(request, "http.response.status_code").as_deref(), Some("200"));
    let call = token.iter().find(|s| s.name == "POST /widgets/token").unwrap_or_else(|| panic!("the WorkOS call's span: {token:#?}"));
    assert_eq!(call.parent_span_id, request.span_id, "the WorkOS call is the request's child");
    assert!(attribute(call, "http.response.status_code").is_some_and(|s| s.starts_with('2')), "{call:#?}");
    assert!(attribute(call, "workos.request_id").is_some_and(|id| !id.is_empty()), "WorkOS's request id: {call:#?}");
    assert!(call.start_time_unix_nano >= request.start_time_unix_nano && call.end_time_unix_nano <= request.end_time_unix_nano);

    let failed = of_trace(&failed_trace);
    let page_span = failed.iter().find(|s| s.name == "GET" && attribute(s, "http.route").as_deref() == Some("/")).unwrap_or_else(|| panic!("the page's span: {failed:#?}"));
    let calls: Vec<_> = failed.iter().filter(|s| s.name.starts_with("GET /organizations")).collect();
    assert!(!calls.is_empty() && calls.iter().all(|c| c.parent_span_id == page_span.span_id), "{failed:#?}");
    assert!(calls.iter().all(|c| attribute(c, "http.response.status_code").as_deref() == Some("503")));
    // Database calls are children too (the session's revocation check, the sign-in's flow).
    assert!(spans.iter().any(|s| s.name == "revoked_sessions" || s.name == "start_flow" || s.name == "spend_budget"), "a database span: {:?}", spans.iter().map(|s| &s.name).collect::<Vec<_>>());
}

#[test]
fn an_endpoint_that_is_not_a_url_stops_start_up_with_the_fix() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orgdeck")).env_clear().env("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("OTEL_EXPORTER_OTLP_ENDPOINT") && stderr.contains("http://127.0.0.1:4318"), "{stderr}");
}

#[test]
fn a_traces_filter_that_does_not_parse_stops_start_up_with_the_fix() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orgdeck"))
        .env_clear()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
        .env("OTEL_TRACES_FILTER", "orgdeck=loud")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("OTEL_TRACES_FILTER") && stderr.contains("info,orgdeck=debug"), "{stderr}");
}
