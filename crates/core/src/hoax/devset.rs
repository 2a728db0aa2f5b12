//! The matcher against the development set in `devset.tsv`: every variant of a known claim
//! should be answered automatically with that claim (at least 80% of them are), no variant is
//! ever answered with another claim, and no near miss is ever answered automatically.

use super::matcher::{decide, Decision, Fingerprint, Index};

pub(crate) struct DevSet {
    pub claims: Vec<(String, String)>,
    pub variants: Vec<(String, String)>,
    pub misses: Vec<(String, String)>,
}

pub(crate) fn load() -> DevSet {
    let mut set = DevSet {
        claims: Vec::new(),
        variants: Vec::new(),
        misses: Vec::new(),
    };
    for line in include_str!("devset.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let (kind, key, text) = (
            cols.next().unwrap(),
            cols.next().unwrap(),
            cols.next().unwrap(),
        );
        let row = (key.to_string(), text.to_string());
        match kind {
            "C" => set.claims.push(row),
            "V" => set.variants.push(row),
            "N" => set.misses.push(row),
            other => panic!("unknown row kind {other}"),
        }
    }
    set
}

/// The figures the evaluation reports.
#[derive(Debug, Default)]
pub(crate) struct Figures {
    pub variants: usize,
    pub recall_at_1: usize,
    pub recall_at_5: usize,
    pub automatic: usize,
    pub false_automatic: usize,
    pub misses: usize,
    pub misses_automatic: usize,
    pub failures: Vec<String>,
}

pub(crate) fn evaluate(set: &DevSet) -> Figures {
    let mut index = Index::new();
    for (i, (_, text)) in set.claims.iter().enumerate() {
        index.add(i as i64, &Fingerprint::of(text, &[]));
        index.set_answerable(i as i64, true);
    }
    let key_of = |id: i64| set.claims[id as usize].0.as_str();
    let mut f = Figures::default();
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
                    "queued {key}: {text} (best {:?} p={:.2} r={:.2} contra={})",
                    best.map(|m| key_of(m.claim_id)),
                    best.map_or(0.0, |m| m.precision),
                    best.map_or(0.0, |m| m.recall),
                    best.is_some_and(|m| m.contradiction),
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
        }
    }
    f
}

#[test]
fn the_development_set_is_answered_conservatively() {
    let set = load();
    assert!(set.claims.len() >= 35 && set.variants.len() >= 70 && set.misses.len() >= 35);
    let f = evaluate(&set);
    eprintln!(
        "variants {} recall@1 {} recall@5 {} automatic {} false automatic {} | near misses {} answered {}",
        f.variants, f.recall_at_1, f.recall_at_5, f.automatic, f.false_automatic, f.misses, f.misses_automatic
    );
    for line in &f.failures {
        eprintln!("  {line}");
    }
    assert_eq!(
        f.false_automatic, 0,
        "a variant was answered with the wrong claim"
    );
    assert_eq!(
        f.misses_automatic, 0,
        "a near miss was answered automatically"
    );
    assert!(
        f.automatic * 100 >= f.variants * 80,
        "only {} of {} variants answered automatically",
        f.automatic,
        f.variants
    );
    assert!(f.recall_at_5 * 100 >= f.variants * 95);
}

#[test]
fn chip_is_not_pork() {
    let mut index = Index::new();
    index.add(1, &Fingerprint::of("vaksin mengandung chip", &[]));
    index.set_answerable(1, true);
    let m = index.search(&Fingerprint::of("vaksin mengandung babi", &[]), 5);
    assert!(!matches!(decide(&m), Decision::Instant(_)));
    let m = index.search(&Fingerprint::of("VAKSIN ngandung chiiip!!", &[]), 5);
    assert!(matches!(decide(&m), Decision::Instant(ref x) if x.claim_id == 1));
}

#[test]
fn an_open_claim_groups_but_never_answers() {
    let mut index = Index::new();
    index.add(
        7,
        &Fingerprint::of("jembatan suramadu ditutup untuk motor mulai senin", &[]),
    );
    let m = index.search(
        &Fingerprint::of("jembatan suramadu ditutup buat motor mulai senin!!", &[]),
        5,
    );
    assert!(matches!(decide(&m), Decision::Group(ref x) if x.claim_id == 7));
    index.set_answerable(7, true);
    let m = index.search(
        &Fingerprint::of("jembatan suramadu ditutup buat motor mulai senin!!", &[]),
        5,
    );
    assert!(matches!(decide(&m), Decision::Instant(_)));
    index.remove_claim(7);
    assert!(index
        .search(&Fingerprint::of("jembatan suramadu", &[]), 5)
        .is_empty());
}

#[test]
fn the_same_link_or_picture_matches_without_words() {
    let mut index = Index::new();
    index.add(
        3,
        &Fingerprint::of(
            "daftar bansos di https://bit.ly/bansos-x",
            &[0xF0F0_F0F0_1234_5678],
        ),
    );
    index.set_answerable(3, true);
    let m = index.search(
        &Fingerprint::of("http://bit.ly/bansos-x?utm_source=wa", &[]),
        5,
    );
    assert!(matches!(decide(&m), Decision::Instant(ref x) if x.reason == super::Reason::SameLink));
    // Three bits differ: the same photo re-compressed.
    let m = index.search(&Fingerprint::of("", &[0xF0F0_F0F0_1234_5678 ^ 0b1011]), 5);
    assert!(matches!(decide(&m), Decision::Instant(ref x) if x.reason == super::Reason::SameImage));
    // A different photo.
    let m = index.search(&Fingerprint::of("", &[0x0F0F_0F0F_EDCB_A987]), 5);
    assert_eq!(decide(&m), Decision::New);
}
