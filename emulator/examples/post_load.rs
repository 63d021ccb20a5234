//! One form POST sent as fast as a server answers, at several concurrencies,
//! by the same client stack the official SDK uses (reqwest on tokio): what
//! `make bench` drives Orgdeck's token endpoint with, so that both sides of
//! "Orgdeck's token call beside the SDK calling WorkOS directly" pay the same
//! for their client (autocannon, a Node process, cost ~3x reqwest per request
//! on the cores the two servers share).
//!
//! `post_load <url> <seconds> <body> <concurrency>... [-H 'name: value']...`
//! prints one JSON line per concurrency: requests, rate, p50 and p99 in ms,
//! and how many answers were not 2xx.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

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
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let workers: Vec<_> = (0..concurrency)
            .map(|_| {
                let (client, url, body) = (client.clone(), url.clone(), body.clone());
                tokio::spawn(async move {
                    let (mut latencies, mut failed) = (Vec::new(), 0usize);
                    while Instant::now() < deadline {
                        let started = Instant::now();
                        let answer = client
                            .post(&url)
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body(body.clone())
                            .send()
                            .await;
                        match answer {
                            Ok(r) if r.status().is_success() => {
                                r.bytes().await.expect("a body");
                                latencies.push(started.elapsed());
                            }
                            _ => failed += 1,
                        }
                    }
                    (latencies, failed)
                })
            })
            .collect();
        let started = Instant::now();
        let (mut all, mut failed) = (Vec::new(), 0);
        for w in workers {
            let (l, f) = w.await.expect("worker");
            all.extend(l);
            failed += f;
        }
        let took = started.elapsed().as_secs_f64();
        all.sort();
        let at = |q: f64| all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1))).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        println!(
            "{{\"concurrency\":{concurrency},\"requests\":{},\"failed\":{failed},\"rate\":{:.1},\"p50_ms\":{:.2},\"p99_ms\":{:.2}}}",
            all.len(),
            all.len() as f64 / took,
            at(0.5),
            at(0.99)
        );
    }
}
