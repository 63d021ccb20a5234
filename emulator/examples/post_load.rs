//! One form POST sent as fast as a server answers, at several concurrencies,
//! by the same client stack the official SDK uses (reqwest on tokio): what
//! `make bench` drives Orgdeck's token endpoint with, so that both sides of
//! "Orgdeck's token call beside the SDK calling WorkOS directly" pay the same
//! for their client (autocannon, a Node process, cost ~55-60 µs of CPU per
//! request on the cores the servers share; this ~40, the SDK's loop ~33).
//!
//! `post_load <url> <seconds> <body> <concurrency>... [-H 'name: value']...`
//! prints one JSON line per concurrency: requests, rate, p50 and p99 in ms,
//! and how many answers were not 2xx.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

#[path = "shared/load.rs"]
mod load;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut headers = HeaderMap::new();
    while let Some(a) = args.next() {
        if a == "-H" {
            let h = args.next().expect("a header after -H");
            let (name, value) = h.split_once(':').expect("-H 'name: value'");
            headers.append(HeaderName::try_from(name.trim()).expect("a header name"), HeaderValue::try_from(value.trim()).expect("a header value"));
        } else {
            positional.push(a);
        }
    }
    if positional.len() < 4 {
        eprintln!("usage: post_load <url> <seconds> <body> <concurrency>... [-H 'name: value']...");
        std::process::exit(2);
    }
    let client = reqwest::Client::builder().default_headers(headers).build().expect("a client");
    let (url, body) = (positional[0].clone(), positional[2].clone());
    let seconds: u64 = positional[1].parse().expect("seconds");
    for concurrency in positional[3..].iter().map(|c| c.parse::<usize>().expect("concurrency")) {
        let (client, url, body) = (client.clone(), url.clone(), body.clone());
        load::drive(concurrency, seconds, move || {
            let request = client.post(&url).header("content-type", "application/x-www-form-urlencoded").body(body.clone());
            async move {
                match request.send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                }
            }
        })
        .await;
    }
}
