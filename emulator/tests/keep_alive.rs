//! One kept-alive connection, as an SDK's HTTP client holds it: error answers
//! that never read the request's JSON body (a 401 before any parsing, a 404
//! for an unknown id, a 422) must not cost the connection. Raw HTTP/1.1 over
//! one TCP stream, so a closed connection is seen, not retried away.

mod common;

use common::*;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Writes one request and reads its whole response: the status, or why the
/// connection failed.
async fn exchange(conn: &mut BufReader<TcpStream>, method: &str, path: &str, key: &str, body: &str) -> Result<u16, String> {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    // The head, then the body a moment later, as an HTTP client writes them
    // when the body is not ready with the headers: the server may answer
    // before the body has arrived.
    conn.get_mut().write_all(head.as_bytes()).await.map_err(|e| format!("write: {e}"))?;
    conn.get_mut().flush().await.map_err(|e| format!("flush: {e}"))?;
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    conn.get_mut().write_all(body.as_bytes()).await.map_err(|e| format!("write: {e}"))?;
    let mut status_line = String::new();
    if conn.read_line(&mut status_line).await.map_err(|e| format!("read: {e}"))? == 0 {
        return Err("the connection was closed".into());
    }
    let status: u16 = status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or(format!("no status in {status_line:?}"))?;
    let (mut length, mut chunked, mut close) = (0usize, false, false);
    loop {
        let mut line = String::new();
        conn.read_line(&mut line).await.map_err(|e| format!("read: {e}"))?;
        let line = line.trim_end().to_ascii_lowercase();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        chunked |= line == "transfer-encoding: chunked";
        close |= line == "connection: close";
    }
    if chunked {
        loop {
            let mut size = String::new();
            conn.read_line(&mut size).await.map_err(|e| format!("read: {e}"))?;
            let n = usize::from_str_radix(size.trim(), 16).map_err(|e| format!("chunk size {size:?}: {e}"))?;
            let mut chunk = vec![0; n + 2];
            conn.read_exact(&mut chunk).await.map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                break;
            }
        }
    } else {
        let mut rest = vec![0; length];
        conn.read_exact(&mut rest).await.map_err(|e| format!("read: {e}"))?;
    }
    if close {
        return Err(format!("{status} said Connection: close"));
    }
    Ok(status)
}

#[tokio::test]
async fn a_kept_alive_connection_survives_a_thousand_error_answers_to_json_posts() {
    let env = start().await;
    let acme = env.org_id("Acme Corp");
    let connect = || async {
        let stream = TcpStream::connect(env.emu.addr).await.unwrap();
        // Each write goes out at once (no Nagle wait for the head's ACK).
        stream.set_nodelay(true).unwrap();
        BufReader::new(stream)
    };
    let mut conn = connect().await;
    let big = format!(r#"{{"name": "{}", "domain_data": []}}"#, "x".repeat(4000));
    let missing_org = r#"{"domain": "nowhere.test", "organization_id": "org_nope"}"#.to_string();
    let valid_domain = |i: usize| format!(r#"{{"domain": "keep{i}.test", "organization_id": "{acme}"}}"#);
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut errors = Vec::new();
    for i in 0..1000 {
        let (method, path, key, body) = match i % 5 {
            0 => ("POST", "/organizations", "sk_wrong", big.clone()),
            1 => ("POST", "/organization_domains", API_KEY, missing_org.clone()),
            2 => ("POST", "/organizations", API_KEY, "{}".to_string()),
            3 => ("POST", "/nowhere/at/all", API_KEY, big.clone()),
            _ => ("POST", "/organization_domains", API_KEY, valid_domain(i)),
        };
        match exchange(&mut conn, method, path, key, &body).await {
            Ok(status) => *statuses.entry(status).or_default() += 1,
            Err(e) => {
                errors.push(format!("request {i} ({method} {path}): {e}"));
                conn = connect().await;
            }
        }
    }
    assert!(errors.is_empty(), "{} connection errors, first: {:?}", errors.len(), errors.first());
    let expected = std::collections::BTreeMap::from([(201, 200), (401, 200), (404, 400), (422, 200)]);
    assert_eq!(statuses, expected, "each kind of request got its answer");
}
