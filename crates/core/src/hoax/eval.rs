//! The evaluation harness of the matcher: a labelled set of known claims, chat variants of them
//! and near misses, run through the same index and decision as the server.
//!
//! A set is a tab-separated text (`devset.tsv`, `heldout.tsv` beside this file): `kind`, `key`,
//! `text`, where kind `C` is a checked claim, `V` a variant of the claim `key` that should be
//! answered automatically with it, and `N` a near miss (a true or different message on the same
//! topic, `key` the claim it resembles or `-`) that must never be answered automatically.
//! `#` starts a comment line.
//!
//! The figures: recall@1 and recall@5 of the variants (their claim ranked first, or in the first
//! five), variants answered automatically with their own claim, *false automatic answers*
//! (variants answered with another claim, near misses answered at all). `cargo run -p
//! simpul-core --example hoax_eval` prints them for both sets; `scripts/hoax-eval.sh` puts them
//! beside a plain BM25 baseline.

use std::collections::HashMap;

use super::matcher::{decide, Decision, Fingerprint, Index};

/// A labelled evaluation set.
#[derive(Debug, Default, Clone)]
pub struct EvalSet {
    /// (key, text) of each checked claim.
    pub claims: Vec<(String, String)>,
    /// (claim key, text) of each variant.
    pub variants: Vec<(String, String)>,
    /// (resembled claim key or "-", text) of each near miss.
    pub misses: Vec<(String, String)>,
}

impl EvalSet {
    /// Parse a set; an unknown row kind, a missing column, a duplicate claim key or a variant of
    /// an unknown claim is an error naming the line.
    pub fn parse(src: &str) -> Result<EvalSet, String> {
        let mut set = EvalSet::default();
        for (n, line) in src.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.splitn(3, '\t');
            let (Some(kind), Some(key), Some(text)) = (cols.next(), cols.next(), cols.next())
            else {
                return Err(format!("line {}: expected kind, key and text", n + 1));
            };
            let row = (key.to_string(), text.to_string());
            match kind {
                "C" => {
                    if set.claims.iter().any(|c| c.0 == key) {
                        return Err(format!("line {}: claim {key} twice", n + 1));
                    }
                    set.claims.push(row);
                }
                "V" => set.variants.push(row),
                "N" => set.misses.push(row),
                other => return Err(format!("line {}: unknown row kind {other}", n + 1)),
            }
        }
        for (key, _) in &set.variants {
            if !set.claims.iter().any(|c| &c.0 == key) {
                return Err(format!("variant of unknown claim {key}"));
            }
        }
        Ok(set)
    }

    /// Variants and near misses per claim key: (variants, misses).
    pub fn per_claim(&self) -> HashMap<&str, (usize, usize)> {
        let mut out: HashMap<&str, (usize, usize)> =
            self.claims.iter().map(|c| (c.0.as_str(), (0, 0))).collect();
        for (k, _) in &self.variants {
            if let Some(e) = out.get_mut(k.as_str()) {
                e.0 += 1;
            }
        }
        for (k, _) in &self.misses {
            if let Some(e) = out.get_mut(k.as_str()) {
                e.1 += 1;
            }
        }
        out
    }
}

/// The figures of one run.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Figures {
    pub claims: usize,
    pub variants: usize,
    pub recall_at_1: usize,
    pub recall_at_5: usize,
    /// Variants answered automatically with their own claim.
    pub automatic: usize,
    /// Variants answered automatically with another claim.
    pub false_automatic: usize,
    pub misses: usize,
    /// Near misses answered automatically (each one a false automatic answer).
    pub misses_automatic: usize,
    /// One line per variant not answered automatically and per false answer.
    pub failures: Vec<String>,
    /// One line per near miss rightly not answered: its closest claim and the scores, to see
    /// how far the decision is from answering it.
    #[serde(skip)]
    pub misses_held: Vec<String>,
}

impl Figures {
    /// Every false automatic answer: wrong claims and answered near misses.
    pub fn false_answers(&self) -> usize {
        self.false_automatic + self.misses_automatic
    }
}

/// The same set as it would arrive in production, with the verifiers in the loop: the variants
/// come one by one in the file's order, and each one not answered automatically is grouped by a
/// verifier under its own claim, which indexes it (as the server indexes every report grouped
/// under a claim), so a later message worded like it can be answered. The near misses come last,
/// against the index grown by every grouped report: the loop's safety is measured too.
/// (automatically answered variants, variants, near misses answered, near misses).
pub fn evaluate_with_verifiers(set: &EvalSet) -> (usize, usize, usize, usize) {
    let mut index = Index::new();
    for (i, (_, text)) in set.claims.iter().enumerate() {
        index.add(i as i64, &Fingerprint::of_known(text, &[]));
        index.set_answerable(i as i64, true);
    }
    let id_of = |key: &str| set.claims.iter().position(|c| c.0 == key).map(|i| i as i64);
    let mut automatic = 0;
    for (key, text) in &set.variants {
        let fp = Fingerprint::of(text, &[]);
        let own = id_of(key);
        match decide(&index.search(&fp, 5)) {
            Decision::Instant(m) if Some(m.claim_id) == own => automatic += 1,
            _ => {
                // The verifier puts it under its claim (a wrong instant answer would have been
                // counted by `evaluate`; here every queued report is grouped rightly).
                if let Some(id) = own {
                    index.add(id, &fp);
                }
            }
        }
    }
    let misses_answered = set
        .misses
        .iter()
        .filter(|(_, text)| {
            matches!(
                decide(&index.search(&Fingerprint::of(text, &[]), 5)),
                Decision::Instant(_)
            )
        })
        .count();
    (
        automatic,
        set.variants.len(),
        misses_answered,
        set.misses.len(),
    )
}

/// " clash: number 25; unexplained: word 1.23, …" for a failure line: what contradicts and what
/// the claim does not explain.
fn explain(m: &super::matcher::Match) -> String {
    let mut out = String::new();
    if m.clarifies {
        out.push_str(" clarifies;");
    }
    if !m.clash.is_empty() {
        out.push_str(&format!(" clash: {};", m.clash.join(", ")));
    }
    if !m.unexplained.is_empty() {
        let words: Vec<String> = m
            .unexplained
            .iter()
            .map(|(w, weight)| format!("{w} {weight:.2}"))
            .collect();
        out.push_str(&format!(" unexplained: {}", words.join(", ")));
    }
    out
}

/// Index the set's claims (all with a published verdict), then search and decide for every
/// variant and near miss exactly as the server does.
pub fn evaluate(set: &EvalSet) -> Figures {
    let mut index = Index::new();
    for (i, (_, text)) in set.claims.iter().enumerate() {
        index.add(i as i64, &Fingerprint::of_known(text, &[]));
        index.set_answerable(i as i64, true);
    }
    let key_of = |id: i64| set.claims[id as usize].0.as_str();
    let mut f = Figures {
        claims: set.claims.len(),
        ..Figures::default()
    };
    for (key, text) in &set.variants {
        f.variants += 1;
        let matches = index.search(&Fingerprint::of(text, &[]), 5);
        if matches.first().is_some_and(|m| key_of(m.claim_id) == key) {
            f.recall_at_1 += 1;
        }
        if matches.iter().any(|m| key_of(m.claim_id) == key) {
            f.recall_at_5 += 1;
        }
        match decide(&matches) {
            Decision::Instant(m) if key_of(m.claim_id) == key => f.automatic += 1,
            Decision::Instant(m) => {
                f.false_automatic += 1;
                f.failures
                    .push(format!("WRONG {key} -> {}: {text}", key_of(m.claim_id)));
            }
            _ => {
                let best = matches.first();
                f.failures.push(format!(
                    "queued {key}: {text} (best {:?} p={:.2} r={:.2} contra={}{})",
                    best.map(|m| key_of(m.claim_id)),
                    best.map_or(0.0, |m| m.precision),
                    best.map_or(0.0, |m| m.recall),
                    best.is_some_and(|m| m.contradiction),
                    best.map(explain).unwrap_or_default(),
                ));
            }
        }
    }
    for (key, text) in &set.misses {
        f.misses += 1;
        let matches = index.search(&Fingerprint::of(text, &[]), 5);
        if let Decision::Instant(m) = decide(&matches) {
            f.misses_automatic += 1;
            f.failures.push(format!(
                "NEAR MISS ANSWERED {key} -> {} p={:.2} r={:.2}: {text}",
                key_of(m.claim_id),
                m.precision,
                m.recall
            ));
        } else if let Some(m) = matches.first() {
            f.misses_held.push(format!(
                "held {key} (best {} p={:.2} r={:.2} contra={}{}): {text}",
                key_of(m.claim_id),
                m.precision,
                m.recall,
                m.contradiction,
                explain(m)
            ));
        }
    }
    f
}
