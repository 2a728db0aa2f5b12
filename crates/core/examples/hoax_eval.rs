//! The matcher's evaluation figures on the development set and every held-out set, as JSON on
//! stdout (`scripts/hoax-eval.sh` puts them beside the BM25 baseline).
//!
//! - `cargo run -p simpul-core --example hoax_eval` — figures of every set; every variant not
//!   answered automatically and every false answer on stderr. `HOAX_EVAL_SETS=dev,heldout4`
//!   runs only the sets named.
//! - `cargo run -p simpul-core --example hoax_eval -- stem < words.txt` — one
//!   `word<TAB>stem` line per input word, with the Sastrawi stemmer exactly as Simpul calls it
//!   (for the agreement check against PySastrawi).
//! - `cargo run -p simpul-core --example hoax_eval -- words < messages.txt` — the normalised,
//!   stemmed words of each message, to see why a variant was queued.
//! - `cargo run -p simpul-core --example hoax_eval -- pair < lines.txt` — the first line is a
//!   checked claim, each next line a message: how the matcher compares each with the claim
//!   (precision, recall, what clashes, which words it does not explain).

use std::io::{BufRead, Write};

use simpul_core::hoax::eval::{evaluate, evaluate_with_verifiers, EvalSet};
use simpul_core::hoax::normalize::{claim_words, stem};

/// The development set, then every held-out set beside it (`heldout.tsv`, `heldout2.tsv`, …) in
/// the order written: a new set is evaluated by adding its file.
fn eval_sets() -> Vec<(String, std::path::PathBuf)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/hoax");
    let mut held: Vec<(u32, String)> = std::fs::read_dir(&dir)
        .expect("the hoax sets' directory")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let n = name.strip_prefix("heldout")?.strip_suffix(".tsv")?;
            let order = if n.is_empty() { 1 } else { n.parse().ok()? };
            Some((order, name.trim_end_matches(".tsv").to_string()))
        })
        .collect();
    held.sort();
    std::iter::once(("dev".to_string(), dir.join("devset.tsv")))
        .chain(held.into_iter().map(|(_, name)| {
            let path = dir.join(format!("{name}.tsv"));
            (name, path)
        }))
        .collect()
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    if mode == "pair" {
        // `hoax_eval pair < lines`: the first line is a known claim, each next line a message;
        // prints how the matcher compares each message with the claim.
        use simpul_core::hoax::matcher::{Fingerprint, Index};
        let stdin = std::io::stdin();
        let mut lines = stdin.lock().lines().map_while(Result::ok);
        let claim = lines.next().unwrap_or_default();
        let mut index = Index::new();
        index.add(1, &Fingerprint::of_known(&claim, &[]));
        index.set_answerable(1, true);
        println!("claim: {}", claim_words(&claim).join(" "));
        for line in lines {
            let fp = Fingerprint::of(&line, &[]);
            println!("message: {}", fp.words.join(" "));
            for m in index.search(&fp, 1) {
                println!(
                    "  p={:.2} r={:.2} confident={} clash={:?} clarifies={} unexplained={:?}",
                    m.precision,
                    m.recall,
                    m.confident(),
                    m.clash,
                    m.clarifies,
                    m.unexplained
                );
            }
        }
        return;
    }
    if mode == "stem" || mode == "words" {
        let stdin = std::io::stdin();
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for line in stdin.lock().lines() {
            let line = line.expect("stdin");
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let result = if mode == "stem" {
                stem(line)
            } else {
                claim_words(line).join(" ")
            };
            writeln!(out, "{line}\t{result}").expect("stdout");
        }
        return;
    }
    // HOAX_EVAL_SETS=dev,heldout4 runs only those sets: a blind set stays unseen while the
    // matcher is changed, and is run once at the end.
    let only: Option<Vec<String>> = std::env::var("HOAX_EVAL_SETS")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let mut sets = serde_json::Map::new();
    for (name, path) in eval_sets() {
        if only.as_ref().is_some_and(|o| !o.contains(&name)) {
            continue;
        }
        let Ok(src) = std::fs::read_to_string(&path) else {
            eprintln!("{name}: {} not found, skipped", path.display());
            continue;
        };
        let set = EvalSet::parse(&src).unwrap_or_else(|e| panic!("{name}: {e}"));
        let f = evaluate(&set);
        eprintln!("== {name}: not answered automatically, or falsely answered");
        for line in &f.failures {
            eprintln!("  {line}");
        }
        if std::env::var_os("HOAX_EVAL_MISSES").is_some() {
            eprintln!("== {name}: near misses rightly not answered (HOAX_EVAL_MISSES)");
            for line in &f.misses_held {
                eprintln!("  {line}");
            }
        }
        let (loop_automatic, _, loop_misses, _) = evaluate_with_verifiers(&set);
        let mut v = serde_json::to_value(&f).expect("figures");
        if let Some(o) = v.as_object_mut() {
            o.remove("failures");
            o.insert("false_answers".into(), f.false_answers().into());
            o.insert("with_verifiers_automatic".into(), loop_automatic.into());
            o.insert("with_verifiers_misses_answered".into(), loop_misses.into());
        }
        sets.insert(name, v);
    }
    println!("{}", serde_json::Value::Object(sets));
}
