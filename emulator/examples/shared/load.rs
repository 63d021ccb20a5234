//! What the load examples share (`mint_tokens`, `post_load`): `concurrency`
//! workers calling until a deadline, and the JSON line `make bench` reads.

use std::future::Future;
use std::time::{Duration, Instant};

/// Runs `call` from `concurrency` workers for `seconds`; prints one JSON line:
/// requests that succeeded, failed, the rate, p50 and p99 in ms.
pub async fn drive<F, Fut>(concurrency: usize, seconds: u64, call: F)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                let (mut latencies, mut failed) = (Vec::new(), 0usize);
                while Instant::now() < deadline {
                    let started = Instant::now();
                    match call().await {
                        true => latencies.push(started.elapsed()),
                        false => failed += 1,
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
