//! Partnership governance (issue 16): the KIM performance index.
//!
//! An index is a list of items, each an indicator (contributed by a capability, see the app's
//! manifest) with a weight (percent of the score), a cap (the value that earns the full weight)
//! and a normalisation. Scoring is pure: the same definition and the same raw inputs give the
//! same score, which is what makes a stored snapshot reproducible.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Whether more of an indicator is better (reports filed) or less (minutes to acknowledge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

/// How a raw value is made comparable between KIMs of different sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Normalisation {
    #[default]
    None,
    /// Divided by the KIM's number of members (at least one).
    PerMember,
}

impl Normalisation {
    pub const ALL: &'static [Normalisation] = &[Normalisation::None, Normalisation::PerMember];

    pub fn as_str(self) -> &'static str {
        match self {
            Normalisation::None => "none",
            Normalisation::PerMember => "per_member",
        }
    }

    pub fn parse(s: &str) -> Option<Normalisation> {
        Self::ALL.iter().copied().find(|n| n.as_str() == s.trim())
    }

    /// Catalogue key of its name.
    pub fn message_key(self) -> String {
        format!("gov.norm.{}", self.as_str())
    }
}

/// One weighted indicator of an index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The indicator's key (`dissem.reports`).
    pub key: String,
    /// Percent of the score (1–100).
    pub weight: u32,
    /// The (normalised) value that earns the full weight: for "higher is better" at or above
    /// it, for "lower is better" at or below it.
    pub cap: f64,
    pub normalisation: Normalisation,
    /// Copied from the indicator when the index is saved, so a snapshot scores alone.
    pub better: Better,
}

/// A period of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl Period {
    pub fn new(starts_on: NaiveDate, ends_on: NaiveDate) -> Option<Period> {
        (starts_on <= ends_on).then_some(Period { starts_on, ends_on })
    }

    pub fn overlaps(&self, other: &Period) -> bool {
        self.starts_on <= other.ends_on && other.starts_on <= self.ends_on
    }

    pub fn days(&self) -> i64 {
        (self.ends_on - self.starts_on).num_days() + 1
    }
}

/// Why a list of items cannot make an index (each a catalogue key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemsError {
    Empty,
    /// Weights add up to this, not 100.
    WeightsNot100(u32),
    WeightOutOfRange,
    CapNotPositive,
    Duplicate(String),
}

impl ItemsError {
    pub fn message_key(&self) -> &'static str {
        match self {
            ItemsError::Empty => "gov.error.no_items",
            ItemsError::WeightsNot100(_) => "gov.error.weights_sum",
            ItemsError::WeightOutOfRange => "gov.error.weight_range",
            ItemsError::CapNotPositive => "gov.error.cap_positive",
            ItemsError::Duplicate(_) => "gov.error.duplicate_item",
        }
    }
}

fn check_each(items: &[Item]) -> Result<u32, ItemsError> {
    let mut seen = std::collections::HashSet::new();
    let mut sum = 0u32;
    for i in items {
        if !(1..=100).contains(&i.weight) {
            return Err(ItemsError::WeightOutOfRange);
        }
        if !(i.cap.is_finite() && i.cap > 0.0) {
            return Err(ItemsError::CapNotPositive);
        }
        if !seen.insert(i.key.as_str()) {
            return Err(ItemsError::Duplicate(i.key.clone()));
        }
        sum += i.weight;
    }
    Ok(sum)
}

/// The province's items: weights add up to exactly 100.
pub fn validate_items(items: &[Item]) -> Result<(), ItemsError> {
    if items.is_empty() {
        return Err(ItemsError::Empty);
    }
    let sum = check_each(items)?;
    if sum != 100 {
        return Err(ItemsError::WeightsNot100(sum));
    }
    Ok(())
}

/// A kabupaten/kota office's local items: weights add up to at most `limit`, and none repeats
/// an indicator the province already weighs.
pub fn validate_local_items(
    items: &[Item],
    limit: u32,
    provincial: &[Item],
) -> Result<(), &'static str> {
    let sum = check_each(items).map_err(|e| e.message_key())?;
    if sum > limit {
        return Err("gov.error.local_limit");
    }
    if items
        .iter()
        .any(|i| provincial.iter().any(|p| p.key == i.key))
    {
        return Err("gov.error.local_repeats");
    }
    Ok(())
}

/// What one KIM's raw inputs are: indicator key → raw value (absent: no data, e.g. no alert
/// reached it), and its number of members.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    pub members: i64,
    pub raw: BTreeMap<String, f64>,
}

/// One item's part of a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub key: String,
    /// Weight after local items took their share.
    pub weight: f64,
    pub raw: Option<f64>,
    /// Raw value after normalisation.
    pub value: Option<f64>,
    pub points: f64,
    pub cap: f64,
    pub better: Better,
    pub normalisation: Normalisation,
}

impl Part {
    /// Points still to be earned on this item.
    pub fn missing(&self) -> f64 {
        (self.weight - self.points).max(0.0)
    }

    /// For a "higher is better" item: how many more raw units reach the cap (reports, people
    /// reached...), rounded up; `None` when already there or for a "lower is better" item.
    pub fn raw_to_cap(&self, members: i64) -> Option<f64> {
        if self.better != Better::Higher || self.missing() <= 1e-9 {
            return None;
        }
        let factor = match self.normalisation {
            Normalisation::None => 1.0,
            Normalisation::PerMember => members.max(1) as f64,
        };
        let need = self.cap * factor - self.raw.unwrap_or(0.0);
        (need > 0.0).then(|| (need - 1e-9).ceil().max(1.0))
    }
}

/// The points an item earns for a normalised `value` (None: no data, no points).
pub fn points(weight: f64, cap: f64, better: Better, value: Option<f64>) -> f64 {
    let Some(v) = value else { return 0.0 };
    let share = match better {
        Better::Higher => (v / cap).clamp(0.0, 1.0),
        Better::Lower if v <= cap => 1.0,
        Better::Lower => (cap / v).clamp(0.0, 1.0),
    };
    weight * share
}

/// Score a KIM: the provincial items share `100 - local weight`, the local items keep their
/// own weights. Rounded to two decimals so a stored score compares equal on recomputation.
pub fn score(provincial: &[Item], local: &[Item], inputs: &Inputs) -> (f64, Vec<Part>) {
    let local_sum: u32 = local.iter().map(|i| i.weight).sum();
    let scale = f64::from(100u32.saturating_sub(local_sum)) / 100.0;
    let mut parts = Vec::new();
    let mut push = |i: &Item, weight: f64| {
        let raw = inputs.raw.get(&i.key).copied();
        let value = raw.map(|r| match i.normalisation {
            Normalisation::None => r,
            Normalisation::PerMember => r / inputs.members.max(1) as f64,
        });
        parts.push(Part {
            key: i.key.clone(),
            weight,
            raw,
            value,
            points: round2(points(weight, i.cap, i.better, value)),
            cap: i.cap,
            better: i.better,
            normalisation: i.normalisation,
        });
    };
    for i in provincial {
        push(i, f64::from(i.weight) * scale);
    }
    for i in local {
        push(i, f64::from(i.weight));
    }
    let total = round2(parts.iter().map(|p| p.points).sum::<f64>().min(100.0));
    (total, parts)
}

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The parts that would raise the score most, biggest gain first (only those with a gain).
pub fn advice(parts: &[Part]) -> Vec<&Part> {
    let mut v: Vec<&Part> = parts.iter().filter(|p| p.missing() > 0.005).collect();
    v.sort_by(|a, b| b.missing().total_cmp(&a.missing()));
    v
}

/// A KIM whose score fell by at least this many points from the previous period dropped
/// sharply.
pub const SHARP_DROP: f64 = 20.0;

/// A KIM scoring below this is dormant.
pub const DORMANT_BELOW: f64 = 5.0;

/// Ranks with ties sharing a rank (1, 2, 2, 4), for scores in any order: returns the rank of
/// each score at the same position.
pub fn ranks(scores: &[f64]) -> Vec<i64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut out = vec![0; scores.len()];
    let mut prev: Option<f64> = None;
    let mut rank = 0;
    for (pos, &i) in order.iter().enumerate() {
        if prev != Some(scores[i]) {
            rank = pos as i64 + 1;
            prev = Some(scores[i]);
        }
        out[i] = rank;
    }
    out
}

/// A jury score must be within the rubric's range.
pub fn valid_jury_score(score: i64, max: i64) -> bool {
    (0..=max).contains(&score)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str, weight: u32, cap: f64) -> Item {
        Item {
            key: key.into(),
            weight,
            cap,
            normalisation: Normalisation::None,
            better: Better::Higher,
        }
    }

    #[test]
    fn weights_must_add_up_to_100() {
        assert_eq!(
            validate_items(&[item("a", 60, 5.0), item("b", 30, 5.0)]),
            Err(ItemsError::WeightsNot100(90))
        );
        assert!(validate_items(&[item("a", 60, 5.0), item("b", 40, 5.0)]).is_ok());
        assert_eq!(validate_items(&[]), Err(ItemsError::Empty));
        assert_eq!(
            validate_items(&[item("a", 50, 5.0), item("a", 50, 5.0)]),
            Err(ItemsError::Duplicate("a".into()))
        );
        assert_eq!(
            validate_items(&[item("a", 100, 0.0)]),
            Err(ItemsError::CapNotPositive)
        );
    }

    #[test]
    fn local_items_stay_within_the_limit_and_do_not_repeat() {
        let prov = [item("a", 100, 5.0)];
        assert!(validate_local_items(&[item("b", 10, 1.0)], 20, &prov).is_ok());
        assert_eq!(
            validate_local_items(&[item("b", 30, 1.0)], 20, &prov),
            Err("gov.error.local_limit")
        );
        assert_eq!(
            validate_local_items(&[item("a", 10, 1.0)], 20, &prov),
            Err("gov.error.local_repeats")
        );
    }

    #[test]
    fn scoring_caps_normalises_and_is_reproducible() {
        let mut per_member = item("m", 50, 1.0);
        per_member.normalisation = Normalisation::PerMember;
        let items = [item("r", 50, 10.0), per_member];
        let inputs = Inputs {
            members: 4,
            raw: [("r".to_string(), 25.0), ("m".to_string(), 2.0)].into(),
        };
        let (total, parts) = score(&items, &[], &inputs);
        // r is capped at 50 points; m = 2/4 = 0.5 of cap 1 → 25 points.
        assert_eq!(total, 75.0);
        assert_eq!(parts[1].raw_to_cap(4), Some(2.0));
        assert_eq!(score(&items, &[], &inputs).0, total);
        let a = advice(&parts);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].key, "m");
    }

    #[test]
    fn lower_is_better_and_missing_data_earns_nothing() {
        assert_eq!(points(20.0, 30.0, Better::Lower, Some(15.0)), 20.0);
        assert_eq!(points(20.0, 30.0, Better::Lower, Some(60.0)), 10.0);
        assert_eq!(points(20.0, 30.0, Better::Lower, None), 0.0);
    }

    #[test]
    fn local_items_take_their_weight_from_the_provincial_ones() {
        let items = [item("r", 100, 10.0)];
        let local = [item("x", 20, 1.0)];
        let inputs = Inputs {
            members: 1,
            raw: [("r".to_string(), 10.0), ("x".to_string(), 1.0)].into(),
        };
        let (total, parts) = score(&items, &local, &inputs);
        assert_eq!(parts[0].weight, 80.0);
        assert_eq!(total, 100.0);
    }

    #[test]
    fn ties_share_a_rank_and_periods_overlap() {
        assert_eq!(ranks(&[5.0, 9.0, 5.0, 1.0]), vec![2, 1, 2, 4]);
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let q1 = Period::new(d(1, 1), d(3, 31)).unwrap();
        let q2 = Period::new(d(4, 1), d(6, 30)).unwrap();
        let march = Period::new(d(3, 1), d(3, 31)).unwrap();
        assert!(!q1.overlaps(&q2));
        assert!(q1.overlaps(&march));
        assert!(Period::new(d(2, 1), d(1, 1)).is_none());
    }
}
