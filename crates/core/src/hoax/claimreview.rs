//! schema.org `ClaimReview`, the format fact-checkers publish their verdicts in (Google's Fact
//! Check Tools, the IFCN archives, turnbackhoax.id's pages): written for every published
//! clarification and read when an existing fact-check archive is imported.
//!
//! Reading is strict where a wrong guess would mislead (a rating whose label is not one of the
//! office's verdict labels is refused, not mapped to the nearest one) and lenient where archives
//! differ harmlessly (a single object, a list, or a JSON-LD `@graph`; `alternateName` or `name`
//! for the rating; dates with or without a time). Every problem names its item and field, and
//! an archive with any problem is refused whole, so nothing is stored half.

use super::verdict::{Label, LabelSet};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

/// An archive larger than this is refused before parsing.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// At most this many reviews in one import.
pub const MAX_ITEMS: usize = 1_000;
const MAX_CLAIM: usize = 2_000;
const MAX_SUMMARY: usize = 280;
const MAX_EXPLANATION: usize = 10_000;
const MAX_URL: usize = 500;
/// JSON nesting deeper than this is refused (serde_json's own limit is 128).
const MAX_DEPTH: usize = 16;

/// What one published clarification says, for [`to_json`].
pub struct Published<'a> {
    pub url: &'a str,
    pub claim: &'a str,
    /// The text as it circulated (the first 500 characters are kept).
    pub appearance: &'a str,
    pub label_name: &'a str,
    pub label_is_true: bool,
    pub summary: &'a str,
    pub published_at: Option<DateTime<Utc>>,
    pub first_seen_at: DateTime<Utc>,
    pub publisher: &'a str,
}

/// The `ClaimReview` object of one clarification.
pub fn to_json(p: &Published<'_>) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": p.url,
        "datePublished": p.published_at.map(|d| d.date_naive().to_string()),
        "claimReviewed": p.claim,
        "reviewBody": p.summary,
        "author": {"@type": "Organization", "name": p.publisher},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": p.label_name,
            "ratingValue": if p.label_is_true { 5 } else { 1 },
            "bestRating": 5,
            "worstRating": 1,
        },
        "itemReviewed": {
            "@type": "Claim",
            "datePublished": p.first_seen_at.date_naive().to_string(),
            "appearance": {"@type": "CreativeWork", "text": p.appearance.chars().take(500).collect::<String>()},
        },
    })
}

/// One review read from an archive, ready to be stored as a published clarification.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub claim: String,
    pub label: Label,
    pub summary: String,
    pub explanation: String,
    /// The review's own page first, then where the claim appeared.
    pub sources: Vec<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub claim_seen_at: Option<DateTime<Utc>>,
    pub publisher: Option<String>,
}

/// A problem with one item (numbered from 1) of an archive; `item` 0 is the archive itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub item: usize,
    pub field: &'static str,
    /// Message-catalogue key.
    pub key: &'static str,
    /// The offending value, shortened, for the message (`{value}`).
    pub value: String,
}

fn problem(item: usize, field: &'static str, key: &'static str, value: &str) -> Problem {
    Problem {
        item,
        field,
        key,
        value: value.chars().take(60).collect(),
    }
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Read an archive: a `ClaimReview` object, a list of them, or a JSON-LD document with a
/// `@graph`; other schema.org types in a graph are skipped. Labels must be the office's.
pub fn parse_archive(bytes: &[u8], labels: &LabelSet) -> Result<Vec<Imported>, Vec<Problem>> {
    if bytes.len() > MAX_BYTES {
        return Err(vec![problem(0, "file", "hoax.import.too_large", "")]);
    }
    let doc: Value = serde_json::from_slice(bytes)
        .map_err(|_| vec![problem(0, "file", "hoax.import.not_json", "")])?;
    if depth(&doc) > MAX_DEPTH {
        return Err(vec![problem(0, "file", "hoax.import.not_json", "")]);
    }
    let items: Vec<&Value> = match &doc {
        Value::Array(list) => list.iter().collect(),
        Value::Object(o) => match o.get("@graph") {
            Some(Value::Array(graph)) => graph.iter().filter(|v| is_review(v)).collect(),
            _ => vec![&doc],
        },
        _ => Vec::new(),
    };
    if items.is_empty() {
        return Err(vec![problem(0, "file", "hoax.import.empty", "")]);
    }
    if items.len() > MAX_ITEMS {
        return Err(vec![problem(
            0,
            "file",
            "hoax.import.too_many",
            &items.len().to_string(),
        )]);
    }
    let mut out = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match read_item(i + 1, item, labels) {
            Ok(r) => out.push(r),
            Err(mut p) => problems.append(&mut p),
        }
        if problems.len() >= 50 {
            break;
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn is_review(v: &Value) -> bool {
    match v.get("@type") {
        Some(Value::String(t)) => t == "ClaimReview",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "ClaimReview"),
        _ => false,
    }
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn date(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
                .map(|d| d.and_utc())
        })
}

fn web_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() <= MAX_URL
        && !s.chars().any(char::is_whitespace)
}

fn read_item(n: usize, v: &Value, labels: &LabelSet) -> Result<Imported, Vec<Problem>> {
    let mut problems = Vec::new();
    if !v.is_object() || !is_review(v) {
        return Err(vec![problem(n, "@type", "hoax.import.not_review", "")]);
    }
    let claim = text(v, "claimReviewed").unwrap_or("");
    if claim.is_empty() {
        problems.push(problem(n, "claimReviewed", "hoax.import.no_claim", ""));
    } else if claim.chars().count() > MAX_CLAIM {
        problems.push(problem(n, "claimReviewed", "hoax.import.claim_long", ""));
    }
    let rating = v.get("reviewRating").unwrap_or(&Value::Null);
    let label_text = text(rating, "alternateName").or_else(|| text(rating, "name"));
    let label = match label_text.map(|l| labels.parse(l)) {
        Some(Ok(label)) => Some(label),
        Some(Err(_)) => {
            problems.push(problem(
                n,
                "reviewRating",
                "hoax.import.unknown_label",
                label_text.unwrap_or(""),
            ));
            None
        }
        None => {
            problems.push(problem(n, "reviewRating", "hoax.import.no_label", ""));
            None
        }
    };
    let body = text(v, "reviewBody").or_else(|| text(v, "description"));
    let headline = text(v, "headline").or_else(|| text(v, "name"));
    let summary_src = body.or(headline).unwrap_or("");
    let summary: String = if summary_src.chars().count() > MAX_SUMMARY {
        let mut s: String = summary_src.chars().take(MAX_SUMMARY - 1).collect();
        s.push('…');
        s
    } else {
        summary_src.to_string()
    };
    let explanation = body.or(headline).unwrap_or("").to_string();
    if explanation.chars().count() > MAX_EXPLANATION {
        problems.push(problem(n, "reviewBody", "hoax.import.body_long", ""));
    }
    let mut sources = Vec::new();
    match text(v, "url") {
        Some(u) if web_url(u) => sources.push(u.to_string()),
        Some(u) => problems.push(problem(n, "url", "hoax.import.bad_url", u)),
        None => problems.push(problem(n, "url", "hoax.import.no_url", "")),
    }
    let item = v.get("itemReviewed").unwrap_or(&Value::Null);
    let appearances = match item.get("appearance") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for a in appearances {
        let u = a.as_str().or_else(|| text(a, "url"));
        if let Some(u) = u.filter(|u| web_url(u)) {
            if sources.len() < 10 && !sources.iter().any(|s| s == u) {
                sources.push(u.to_string());
            }
        }
    }
    let published_at = match text(v, "datePublished") {
        Some(d) => match date(d) {
            Some(d) => Some(d),
            None => {
                problems.push(problem(n, "datePublished", "hoax.import.bad_date", d));
                None
            }
        },
        None => None,
    };
    let claim_seen_at = text(item, "datePublished").and_then(date);
    let publisher = v
        .get("author")
        .and_then(|a| text(a, "name"))
        .map(|s| s.chars().take(200).collect());
    match (problems.is_empty(), label) {
        (true, Some(label)) => Ok(Imported {
            claim: claim.to_string(),
            label,
            summary,
            explanation,
            sources,
            published_at,
            claim_seen_at,
            publisher,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> LabelSet {
        LabelSet::default()
    }

    const TURNBACKHOAX_LIKE: &str = r#"{
      "@context": "https://schema.org",
      "@graph": [
        {"@type": "WebPage", "name": "not a review"},
        {"@type": "ClaimReview",
         "url": "https://turnbackhoax.id/2024/01/05/salah-bansos-600-ribu/",
         "datePublished": "2024-01-05T09:30:00+07:00",
         "claimReviewed": "Pemerintah membagikan bansos tunai Rp 600 ribu lewat link bit.ly",
         "reviewBody": "Tautan itu situs phishing; bansos tidak didaftarkan lewat tautan berantai.",
         "author": {"@type": "Organization", "name": "MAFINDO"},
         "reviewRating": {"@type": "Rating", "alternateName": "Hoaks", "ratingValue": 1},
         "itemReviewed": {"@type": "Claim", "datePublished": "2024-01-03",
           "appearance": [{"@type": "CreativeWork", "url": "https://facebook.com/posts/1"}, "not a url"]}}
      ]}"#;

    #[test]
    fn a_json_ld_graph_is_read_and_other_types_skipped() {
        let got = parse_archive(TURNBACKHOAX_LIKE.as_bytes(), &labels()).unwrap();
        assert_eq!(got.len(), 1);
        let r = &got[0];
        assert_eq!(r.label.as_str(), "hoaks");
        assert!(r.claim.starts_with("Pemerintah membagikan bansos"));
        assert_eq!(
            r.sources,
            vec![
                "https://turnbackhoax.id/2024/01/05/salah-bansos-600-ribu/".to_string(),
                "https://facebook.com/posts/1".to_string()
            ]
        );
        assert_eq!(
            r.published_at.unwrap().to_rfc3339(),
            "2024-01-05T02:30:00+00:00"
        );
        assert_eq!(
            r.claim_seen_at.unwrap().date_naive().to_string(),
            "2024-01-03"
        );
        assert_eq!(r.publisher.as_deref(), Some("MAFINDO"));
    }

    #[test]
    fn what_simpul_writes_it_reads_back() {
        let at = "2025-03-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let doc = to_json(&Published {
            url: "https://simpul.example/hoax/clarifications/7",
            claim: "Air PDAM mati total tiga hari",
            appearance: "air pdam mati 3 hari!!",
            label_name: "HOAKS",
            label_is_true: false,
            summary: "PDAM tidak menjadwalkan pemadaman.",
            published_at: Some(at),
            first_seen_at: at,
            publisher: "Simpul",
        });
        let back = parse_archive(doc.to_string().as_bytes(), &labels()).unwrap();
        assert_eq!(back[0].claim, "Air PDAM mati total tiga hari");
        assert_eq!(back[0].label.as_str(), "hoaks");
        assert_eq!(back[0].summary, "PDAM tidak menjadwalkan pemadaman.");
    }

    #[test]
    fn unknown_labels_and_missing_fields_are_named_per_item_and_nothing_is_read() {
        let doc = json!([
            {"@type": "ClaimReview", "url": "https://a.example/1", "claimReviewed": "A",
             "reviewRating": {"alternateName": "Hoaks"}},
            {"@type": "ClaimReview", "url": "https://a.example/2", "claimReviewed": "B",
             "reviewRating": {"alternateName": "Menyesatkan"}},
            {"@type": "ClaimReview", "claimReviewed": "", "reviewRating": {}},
            {"@type": "Article"}
        ]);
        let problems = parse_archive(doc.to_string().as_bytes(), &labels()).unwrap_err();
        let named: Vec<(usize, &str)> = problems.iter().map(|p| (p.item, p.key)).collect();
        assert!(
            named.contains(&(2, "hoax.import.unknown_label")),
            "{named:?}"
        );
        assert_eq!(
            problems
                .iter()
                .find(|p| p.key == "hoax.import.unknown_label")
                .unwrap()
                .value,
            "Menyesatkan"
        );
        assert!(named.contains(&(3, "hoax.import.no_claim")));
        assert!(named.contains(&(3, "hoax.import.no_label")));
        assert!(named.contains(&(3, "hoax.import.no_url")));
        assert!(named.contains(&(4, "hoax.import.not_review")));
        assert!(!named.iter().any(|(i, _)| *i == 1));
    }

    #[test]
    fn hostile_archives_are_refused_with_a_reason() {
        let l = labels();
        let key = |b: &[u8]| parse_archive(b, &l).unwrap_err()[0].key;
        assert_eq!(key(b"\x00\x01binary"), "hoax.import.not_json");
        assert_eq!(key(b"[]"), "hoax.import.empty");
        assert_eq!(key(b"42"), "hoax.import.empty");
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(key(deep.as_bytes()), "hoax.import.not_json");
        assert_eq!(key(&vec![b' '; MAX_BYTES + 1]), "hoax.import.too_large");
        let many = Value::Array(vec![json!({"@type": "ClaimReview"}); MAX_ITEMS + 1]);
        assert_eq!(key(many.to_string().as_bytes()), "hoax.import.too_many");
        let bad_url = json!({"@type": "ClaimReview", "url": "javascript:alert(1)",
            "claimReviewed": "x", "reviewRating": {"alternateName": "FAKTA"}});
        assert_eq!(key(bad_url.to_string().as_bytes()), "hoax.import.bad_url");
    }
}
