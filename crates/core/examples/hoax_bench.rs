//! Matching latency of the hoax clearing house against a large synthetic corpus of checked
//! claims: index build time, then p50/p99 of `search` + `decide` for chat variants of known
//! claims and for unrelated messages.
//!
//! `cargo run --release -p simpul-core --example hoax_bench -- 100000`
//!
//! The corpus is generated (deterministic seed) from the development set's vocabulary, so its
//! word statistics resemble real claims: each claim is 8 to 18 words drawn from the set's
//! claims, a place name and a number.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use simpul_core::hoax::{decide, Decision, Fingerprint, Index};
use std::time::Instant;

const DEVSET: &str = include_str!("../src/hoax/devset.tsv");
const PLACES: &[&str] = &[
    "Surabaya",
    "Malang",
    "Pasuruan",
    "Jember",
    "Sidoarjo",
    "Lumajang",
    "Kediri",
    "Madiun",
    "Bojonegoro",
    "Pamekasan",
    "Sumenep",
    "Banyuwangi",
    "Probolinggo",
    "Tuban",
    "Gresik",
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let mut rng = StdRng::seed_from_u64(12);
    let vocab: Vec<&str> = DEVSET
        .lines()
        .filter(|l| l.starts_with("C\t") || l.starts_with("N\t"))
        .flat_map(|l| l.splitn(3, '\t').nth(2).unwrap_or("").split_whitespace())
        .collect();
    let claims: Vec<String> = (0..n)
        .map(|_| {
            let len = rng.gen_range(8..18);
            let mut words: Vec<String> = (0..len)
                .map(|_| vocab.choose(&mut rng).unwrap().to_string())
                .collect();
            words.push(PLACES.choose(&mut rng).unwrap().to_string());
            words.push(rng.gen_range(2..900).to_string());
            words.join(" ")
        })
        .collect();

    let t = Instant::now();
    let mut index = Index::new();
    for (i, c) in claims.iter().enumerate() {
        index.add(i as i64, &Fingerprint::of_known(c, &[]));
        index.set_answerable(i as i64, true);
    }
    let build = t.elapsed();

    let mut variant_ms = Vec::new();
    let mut unrelated_ms = Vec::new();
    let (mut answered, mut wrong) = (0, 0);
    for q in 0..2_000 {
        let id = rng.gen_range(0..n);
        let mut words: Vec<String> = claims[id]
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        // Chat edits: a dropped word, a forwarding prefix, an elongated word.
        if words.len() > 6 {
            let drop = rng.gen_range(0..words.len() - 2);
            words.remove(drop);
        }
        words[0] = format!("{}{}", words[0], "aaa");
        let variant = format!("Diteruskan!! {} sebarkan", words.join(" "));
        let unrelated = (0..12)
            .map(|_| *vocab.choose(&mut rng).unwrap())
            .collect::<Vec<_>>()
            .join(" ");
        for (text, out) in [(&variant, &mut variant_ms), (&unrelated, &mut unrelated_ms)] {
            let t = Instant::now();
            let m = index.search(&Fingerprint::of(text, &[]), 5);
            let d = decide(&m);
            out.push(t.elapsed().as_secs_f64() * 1e3);
            if std::ptr::eq(text, &variant) {
                match d {
                    Decision::Instant(m) if m.claim_id == id as i64 => answered += 1,
                    Decision::Instant(_) => wrong += 1,
                    _ => {}
                }
            }
        }
        let _ = q;
    }
    variant_ms.sort_by(f64::total_cmp);
    unrelated_ms.sort_by(f64::total_cmp);
    println!("claims indexed: {n}");
    println!(
        "index build: {:.2} s ({:.1} µs per claim)",
        build.as_secs_f64(),
        build.as_secs_f64() * 1e6 / n as f64
    );
    println!(
        "variants of known claims: p50 {:.2} ms, p99 {:.2} ms; answered {answered}/2000, wrong {wrong}",
        percentile(&variant_ms, 0.5),
        percentile(&variant_ms, 0.99)
    );
    println!(
        "unrelated messages:       p50 {:.2} ms, p99 {:.2} ms",
        percentile(&unrelated_ms, 0.5),
        percentile(&unrelated_ms, 0.99)
    );
}
