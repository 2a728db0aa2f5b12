//! Benchmark: live delivery to many open pages. Signs in once, opens N server-sent event
//! streams with that session (N browser tabs of one person, the heaviest case for one
//! instance: every stream wakes and reads), sends one notification with "send me a test",
//! and reports the time from the request to its arrival on every stream (p50, p99, max).
//!
//!   target/release/simpul serve --demo --data-dir /tmp/live --listen 127.0.0.1:8090 &
//!   cargo run --release -p simpul --example live_fanout -- http://127.0.0.1:8090 2000

use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2000);
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(n + 10)
        .build()?;
    client.get(format!("{base}/login")).send().await?;
    let csrf = csrf_of(&jar, &base).expect("CSRF cookie");
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("username", "kim.prigen.ketua"),
            ("password", "simpul-demo-2026"),
        ])
        .send()
        .await?;
    anyhow::ensure!(r.status().as_u16() == 303, "login failed: {}", r.status());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let mut opened = Vec::with_capacity(n);
    for _ in 0..n {
        let mut response = client.get(format!("{base}/live")).send().await?;
        anyhow::ensure!(
            response.status().is_success(),
            "stream refused: {}",
            response.status()
        );
        let tx = tx.clone();
        opened.push(tokio::spawn(async move {
            while let Ok(Some(chunk)) = response.chunk().await {
                if String::from_utf8_lossy(&chunk).contains("event: notification") {
                    let _ = tx.send(Instant::now());
                    return;
                }
            }
        }));
    }
    eprintln!("{n} streams open");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sent = Instant::now();
    let r = client
        .post(format!("{base}/account/notifications/test"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await?;
    anyhow::ensure!(r.status().as_u16() == 303, "test failed: {}", r.status());
    let mut times = Vec::with_capacity(n);
    while times.len() < n {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some(at)) => times.push(at.duration_since(sent)),
            _ => break,
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "streams={n} arrived={} p50={:.0?} p99={:.0?} max={:.0?}",
        times.len(),
        pct(0.50),
        pct(0.99),
        times.last().copied().unwrap_or_default()
    );
    Ok(())
}

fn csrf_of(jar: &reqwest::cookie::Jar, base: &str) -> Option<String> {
    use reqwest::cookie::CookieStore;
    let header = jar.cookies(&base.parse().ok()?)?;
    header
        .to_str()
        .ok()?
        .split("; ")
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "simpul_csrf")
        .map(|(_, v)| v.to_owned())
}
