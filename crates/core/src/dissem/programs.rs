//! The shared program calendar's rules: when two programs collide, and where nothing is planned.
//!
//! Two programs overlap when their regions meet (one contains the other) and
//! - they share a topic and their periods overlap, or
//! - both go through the KIMs and run in a common week (the same KIMs asked twice in a week),
//!   even when the days themselves do not overlap.

use crate::RegionCode;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// What the detector needs of a program.
#[derive(Debug, Clone)]
pub struct Span {
    pub id: i64,
    pub topic: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub regions: Vec<RegionCode>,
    pub via_kims: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverlapKind {
    /// Same region, same topic, overlapping period.
    SameTopic,
    /// Same region, both through the KIMs, in the same week.
    SameKims,
}

impl OverlapKind {
    pub const ALL: [OverlapKind; 2] = [OverlapKind::SameTopic, OverlapKind::SameKims];

    pub fn as_str(self) -> &'static str {
        match self {
            OverlapKind::SameTopic => "same_topic",
            OverlapKind::SameKims => "same_kims",
        }
    }

    pub fn message_key(self) -> String {
        format!("dissem.overlap.{}", self.as_str())
    }
}

/// A pair of colliding programs (`a < b`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overlap {
    pub a: i64,
    pub b: i64,
    pub kind: OverlapKind,
}

fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn week_end(d: NaiveDate) -> NaiveDate {
    week_start(d) + Duration::days(6)
}

/// Whether two sets of regions meet (one region contains, or is, the other).
pub fn regions_meet(a: &[RegionCode], b: &[RegionCode]) -> bool {
    a.iter()
        .any(|x| b.iter().any(|y| x.contains(y) || y.contains(x)))
}

/// The overlap between two programs, if any.
pub fn overlap(a: &Span, b: &Span) -> Option<OverlapKind> {
    if !regions_meet(&a.regions, &b.regions) {
        return None;
    }
    let days = a.starts_on <= b.ends_on && b.starts_on <= a.ends_on;
    if days && a.topic == b.topic {
        return Some(OverlapKind::SameTopic);
    }
    let weeks = week_start(a.starts_on) <= week_end(b.ends_on)
        && week_start(b.starts_on) <= week_end(a.ends_on);
    (weeks && a.via_kims && b.via_kims).then_some(OverlapKind::SameKims)
}

/// The kabupaten/kota keys (`35.14`) a program's regions fall in, or `None` when one of them
/// is a province (or wider): such a program may meet any other.
fn regency_keys(s: &Span) -> Option<Vec<&str>> {
    let mut keys = Vec::new();
    for r in &s.regions {
        let code = r.as_str();
        if r.level() == crate::Level::Province {
            return None;
        }
        keys.push(code.get(..5).unwrap_or(code));
    }
    keys.sort_unstable();
    keys.dedup();
    Some(keys)
}

/// Every colliding pair, ordered by (a, b). A sweep over the programs sorted by start: each is
/// compared only with those still running in its first week and sharing a kabupaten/kota
/// (programs of a whole province are compared with all).
pub fn overlaps(spans: &[Span]) -> Vec<Overlap> {
    use std::collections::HashMap;
    let mut order: Vec<&Span> = spans.iter().collect();
    order.sort_by_key(|s| (s.starts_on, s.id));
    let mut by_regency: HashMap<&str, Vec<&Span>> = HashMap::new();
    let mut wide: Vec<&Span> = Vec::new();
    let mut out = Vec::new();
    let mut candidates: Vec<&Span> = Vec::new();
    for s in order {
        let from = week_start(s.starts_on);
        let alive = |a: &&Span| week_end(a.ends_on) >= from;
        let keys = regency_keys(s);
        candidates.clear();
        wide.retain(alive);
        candidates.extend(wide.iter());
        match &keys {
            None => {
                for v in by_regency.values_mut() {
                    v.retain(alive);
                    candidates.extend(v.iter());
                }
            }
            Some(ks) => {
                for k in ks {
                    if let Some(v) = by_regency.get_mut(k) {
                        v.retain(alive);
                        candidates.extend(v.iter());
                    }
                }
            }
        }
        candidates.sort_unstable_by_key(|c| c.id);
        candidates.dedup_by_key(|c| c.id);
        for a in &candidates {
            if let Some(kind) = overlap(a, s) {
                let (x, y) = if a.id < s.id {
                    (a.id, s.id)
                } else {
                    (s.id, a.id)
                };
                out.push(Overlap { a: x, b: y, kind });
            }
        }
        match keys {
            None => wide.push(s),
            Some(ks) => {
                for k in ks {
                    by_regency.entry(k).or_default().push(s);
                }
            }
        }
    }
    out.sort_by_key(|o| (o.a, o.b));
    out
}

/// Where nothing is planned between `from` and `until`: the regions (of those given) no
/// program touches, and the topics (of those given) no program in any of the regions covers.
pub fn gaps<'a>(
    spans: &[Span],
    from: NaiveDate,
    until: NaiveDate,
    regions: &'a [RegionCode],
    topics: &'a [&'a str],
) -> (Vec<&'a RegionCode>, Vec<&'a str>) {
    let running: Vec<&Span> = spans
        .iter()
        .filter(|s| s.starts_on <= until && from <= s.ends_on)
        .collect();
    let empty_regions = regions
        .iter()
        .filter(|r| {
            !running
                .iter()
                .any(|s| regions_meet(&s.regions, std::slice::from_ref(r)))
        })
        .collect();
    let empty_topics = topics
        .iter()
        .copied()
        .filter(|t| {
            !running
                .iter()
                .any(|s| s.topic == *t && regions_meet(&s.regions, regions))
        })
        .collect();
    (empty_regions, empty_topics)
}

/// Channels a program uses (`kim`: through the KIMs, which makes it compete for them).
pub const CHANNELS: [&str; 7] = [
    "kim",
    "social_media",
    "radio",
    "tv",
    "print",
    "outdoor",
    "event",
];

/// Channels stored comma-separated; `None` when one is unknown.
pub fn parse_channels(items: &[String]) -> Option<Vec<&'static str>> {
    let mut out = Vec::new();
    for i in items.iter().flat_map(|s| s.split(',')).map(str::trim) {
        if i.is_empty() {
            continue;
        }
        out.push(*CHANNELS.iter().find(|c| **c == i)?);
    }
    out.sort();
    out.dedup();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn span(id: i64, topic: &str, from: &str, until: &str, regions: &[&str], kims: bool) -> Span {
        Span {
            id,
            topic: topic.into(),
            starts_on: d(from),
            ends_on: d(until),
            regions: regions
                .iter()
                .map(|r| RegionCode::parse(r).unwrap())
                .collect(),
            via_kims: kims,
        }
    }

    #[test]
    fn same_topic_same_region_overlapping_period_collides() {
        let province = span(1, "health", "2026-12-01", "2026-12-31", &["35"], false);
        let pasuruan = span(2, "health", "2026-12-15", "2027-01-15", &["35.14"], false);
        let surabaya_edu = span(
            3,
            "education",
            "2026-12-01",
            "2026-12-31",
            &["35.78"],
            false,
        );
        let malang_later = span(4, "health", "2027-02-01", "2027-02-28", &["35.07"], false);
        let found = overlaps(&[province, pasuruan, surabaya_edu, malang_later]);
        assert_eq!(
            found,
            vec![Overlap {
                a: 1,
                b: 2,
                kind: OverlapKind::SameTopic
            }]
        );
    }

    #[test]
    fn two_programs_through_the_same_kims_in_one_week_collide() {
        // Monday-Tuesday and Thursday-Friday of the same week, in Prigen and Pasuruan.
        let a = span(1, "health", "2026-11-30", "2026-12-01", &["35.14.10"], true);
        let b = span(2, "education", "2026-12-03", "2026-12-04", &["35.14"], true);
        let c = span(3, "education", "2026-12-08", "2026-12-09", &["35.14"], true);
        let not_kims = span(4, "tourism", "2026-12-03", "2026-12-04", &["35.14"], false);
        let found = overlaps(&[a, b, c, not_kims]);
        assert_eq!(
            found,
            vec![Overlap {
                a: 1,
                b: 2,
                kind: OverlapKind::SameKims
            }]
        );
    }

    #[test]
    fn the_sweep_finds_what_comparing_every_pair_finds() {
        let regions = ["35", "35.14", "35.14.10", "35.07", "35.07.01", "35.78"];
        let topics = ["health", "education"];
        let mut spans = Vec::new();
        let mut x: u64 = 7;
        for id in 1..=300 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = regions[(x >> 33) as usize % regions.len()];
            let t = topics[(x >> 20) as usize % 2];
            let day = (x >> 40) % 120;
            let len = (x >> 50) % 20;
            let from = d("2027-01-01") + Duration::days(day as i64);
            let until = from + Duration::days(len as i64);
            spans.push(span(
                id,
                t,
                &from.to_string(),
                &until.to_string(),
                &[r],
                x.is_multiple_of(2),
            ));
        }
        let mut brute = Vec::new();
        for (i, a) in spans.iter().enumerate() {
            for b in &spans[i + 1..] {
                if let Some(kind) = overlap(a, b) {
                    brute.push(Overlap {
                        a: a.id.min(b.id),
                        b: a.id.max(b.id),
                        kind,
                    });
                }
            }
        }
        brute.sort_by_key(|o| (o.a, o.b));
        assert!(!brute.is_empty());
        assert_eq!(overlaps(&spans), brute);
    }

    #[test]
    fn gaps_are_regions_and_topics_with_nothing_planned() {
        let spans = [
            span(1, "health", "2026-12-01", "2026-12-31", &["35.14"], false),
            span(
                2,
                "education",
                "2026-11-01",
                "2026-11-30",
                &["35.07"],
                false,
            ),
        ];
        let regions: Vec<RegionCode> = ["35.14", "35.07", "35.78"]
            .iter()
            .map(|r| RegionCode::parse(r).unwrap())
            .collect();
        let (r, t) = gaps(
            &spans,
            d("2026-12-01"),
            d("2026-12-31"),
            &regions,
            &["health", "education"],
        );
        assert_eq!(
            r.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            vec!["35.07", "35.78"]
        );
        assert_eq!(t, vec!["education"]);
    }
}
