//! Every server-function failure answers with the status it means.

use reqwest::header::ORIGIN;
use reqwest::StatusCode;

use super::common::*;

#[tokio::test]
async fn server_functions_answer_with_the_status_their_error_means() {
    let app = start().await;
    let nobody = browser();
    let res = app.server_fn(&nobody, "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("NotSignedIn"));
    let max = browser();
    app.sign_in(&max, "max@acme.test").await;
    let res = app.server_fn(&max, "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.server_fn(&max, "widget_token", &[("slug", "no-such-widget")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.server_fn(&max, "widget_token", &[("slug", "profile")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::OK);
    // A browser accepts compressed answers: the status is the same.
    let res = max
        .post(format!("{}/api/widget_token", app.base))
        .form(&[("slug", "users")])
        .header(ORIGIN, &app.base)
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // What no page of Orgdeck sends is the caller's mistake: 400, never 500.
    let malformed: [(&str, &str); 3] = [
        ("application/json", r#"{"slug": "users""#),
        ("application/x-www-form-urlencoded", "organization_id=org_1"),
        ("application/x-www-form-urlencoded", "slug=%ZZ&slug=users"),
    ];
    for (kind, body) in malformed {
        let res = max
            .post(format!("{}/api/widget_token", app.base))
            .header("content-type", kind)
            .header(ORIGIN, &app.base)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{kind}: {body}");
        assert!(res.text().await.unwrap().contains("BadRequest"), "{kind}: {body}");
    }
    // WorkOS's 429 is passed on with its Retry-After (after the SDK's own retries).
    let fault = |status: Option<u16>, retry_after: Option<u64>, hang: bool| workos_emulator::faults::Fault {
        path: "/widgets/token".into(),
        method: None,
        status,
        body: None,
        delay_ms: 0,
        count: None,
        retry_after,
        hang,
    };
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    app.emu.emulator.faults().add(fault(Some(429), Some(1), false));
    let res = app.server_fn(&ada, "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers().get("retry-after").map(|v| v.to_str().unwrap()), Some("1"));
    assert!(res.text().await.unwrap().contains("RateLimited"));
    // WorkOS failing is a bad gateway; WorkOS silent past the timeout, a gateway timeout.
    app.emu.emulator.faults().clear();
    app.emu.emulator.faults().add(fault(Some(500), None, false));
    let res = app.server_fn(&ada, "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    // What WorkOS says of the request itself is passed on: a conflict, a field it refuses,
    // and its refusal of Orgdeck's own key (Orgdeck's fault, not the browser's: 502).
    let cases: [(u16, &str, StatusCode, &str); 3] = [
        (409, r#"{"message": "Already exists."}"#, StatusCode::CONFLICT, "Conflict"),
        (422, r#"{"message": "Validation failed", "errors": [{"field": "scopes", "code": "invalid"}]}"#, StatusCode::UNPROCESSABLE_ENTITY, "scopes"),
        (401, r#"{"message": "Unauthorized"}"#, StatusCode::BAD_GATEWAY, "WorkosUnauthorized"),
    ];
    for (status, body, expected, names) in cases {
        app.emu.emulator.faults().clear();
        app.emu.emulator.faults().add(workos_emulator::faults::Fault { body: Some(serde_json::from_str(body).unwrap()), ..fault(Some(status), None, false) });
        let res = app.server_fn(&ada, "widget_token", &[("slug", "users")], Some(&app.base)).await;
        assert_eq!(res.status(), expected, "WorkOS {status}");
        assert!(res.text().await.unwrap().contains(names), "WorkOS {status}");
    }
    let hurried = start_with(|s| s.timeout = std::time::Duration::from_millis(300)).await;
    let bob = browser();
    hurried.sign_in(&bob, "ada@acme.test").await;
    hurried.emu.emulator.faults().add(fault(None, None, true));
    let res = hurried.server_fn(&bob, "widget_token", &[("slug", "users")], Some(&hurried.base)).await;
    assert_eq!(res.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(res.text().await.unwrap().contains("\"timed_out\":true"));
}
