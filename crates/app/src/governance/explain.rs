//! A KIM's score explained: each indicator's raw value, points and weight, and what would raise
//! the score most, in words the catalogue gives each indicator ("{n} laporan diseminasi lagi").

use super::compute::Definition;
use crate::error::{AppError, AppResult};
use crate::AppCtx;
use simpul_core::governance::{self as gov, Better, Inputs, Normalisation};
use simpul_store::governance::{IndexRecord, RunRecord, ScoreRecord};

/// One indicator's line of a KIM's score.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PartView {
    pub key: String,
    /// Catalogue key of the indicator's name.
    #[serde(skip)]
    pub name: &'static str,
    pub weight: f64,
    /// The raw value (None: no data in the period).
    pub raw: Option<f64>,
    pub points: f64,
    pub cap: f64,
    pub per_member: bool,
    pub local: bool,
}

/// One piece of advice: the catalogue key and its `{n}`/`{cap}` values, and the points it would
/// add.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Advice {
    pub key: String,
    #[serde(skip)]
    pub template: &'static str,
    pub n: String,
    pub cap: String,
    pub gain: f64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Explanation {
    pub index_id: i64,
    pub run_id: i64,
    pub kim_id: i64,
    pub score: f64,
    pub rank_regency: i64,
    pub rank_province: i64,
    pub members: i64,
    pub parts: Vec<PartView>,
    pub advice: Vec<Advice>,
}

/// A number as people write it: whole numbers without decimals.
pub fn plain(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

/// A number for reading, the Indonesian way: a decimal comma and thousands dots ("10,5",
/// "1.250"). [`plain`] stays for form values, which the index form parses back.
pub fn shown(x: f64) -> String {
    crate::governance::report::id_decimal(x)
}

pub fn explain_score(def: &Definition, s: &ScoreRecord) -> AppResult<(Explanation, Inputs)> {
    let inputs: Inputs = serde_json::from_str(&s.inputs).map_err(AppError::internal)?;
    let local = def.local_of(&s.regency_code);
    let (score, parts) = gov::score(&def.items, local, &inputs);
    let name_of = |key: &str| {
        crate::manifest::indicator(key)
            .map(|i| (i.name, i.advice))
            .unwrap_or(("gov.ind.unknown", "gov.advice.unknown"))
    };
    let advice = gov::advice(&parts)
        .into_iter()
        .take(3)
        .map(|p| {
            let n = match p.better {
                Better::Higher => p.raw_to_cap(inputs.members).map(plain).unwrap_or_default(),
                Better::Lower => String::new(),
            };
            Advice {
                key: p.key.clone(),
                template: name_of(&p.key).1,
                n,
                cap: plain(p.cap),
                gain: gov::round2(p.missing()),
            }
        })
        .collect();
    let views = parts
        .iter()
        .enumerate()
        .map(|(i, p)| PartView {
            key: p.key.clone(),
            name: name_of(&p.key).0,
            weight: gov::round2(p.weight),
            raw: p.raw,
            points: p.points,
            cap: p.cap,
            per_member: p.normalisation == Normalisation::PerMember,
            local: i >= def.items.len(),
        })
        .collect();
    Ok((
        Explanation {
            index_id: 0,
            run_id: s.run_id,
            kim_id: s.kim_id,
            score,
            rank_regency: s.rank_regency,
            rank_province: s.rank_province,
            members: inputs.members,
            parts: views,
            advice,
        },
        inputs,
    ))
}

/// The latest published index of a KIM's province that has a run, with that run.
pub async fn current_run(
    ctx: &AppCtx,
    province: &str,
) -> AppResult<Option<(IndexRecord, RunRecord)>> {
    let provinces = [province.to_string()];
    for i in ctx.store.gov_indexes(Some(&provinces)).await? {
        if i.status != "published" {
            continue;
        }
        if let Some(run) = ctx.store.gov_latest_run(i.id).await? {
            return Ok(Some((i, run)));
        }
    }
    Ok(None)
}

/// A KIM's explained score in a run (None: the KIM was not scored in it).
pub async fn explain(
    ctx: &AppCtx,
    index: &IndexRecord,
    run: &RunRecord,
    kim_id: i64,
) -> AppResult<Option<Explanation>> {
    let Some(s) = ctx.store.gov_score(run.id, kim_id).await? else {
        return Ok(None);
    };
    let def: Definition = serde_json::from_str(&run.definition).map_err(AppError::internal)?;
    let (mut e, _) = explain_score(&def, &s)?;
    e.index_id = index.id;
    Ok(Some(e))
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_numbers() {
        assert_eq!(super::plain(3.0), "3");
        assert_eq!(super::plain(2.5), "2.5");
        assert_eq!(super::shown(10.5), "10,5");
        assert_eq!(super::shown(1250.0), "1.250");
    }
}
