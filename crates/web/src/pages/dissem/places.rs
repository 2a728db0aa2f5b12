//! Kecamatan and village targets on the package and program forms, chosen by name.
//!
//! The forms offer the kabupaten/kota of the writer's territory as checkboxes; a kecamatan or a
//! village is found by typing part of its name and pressing "Cari" (a submit button inside the
//! form: the form comes back with everything typed so far and the matches as checkboxes, so it
//! works without JavaScript). Places already chosen stay listed, checked, so they can be
//! unticked; before this, places chosen through the API were kept but could not be removed.

use simpul_core::regions::{Level, RegionCode, RegionIndex};

/// The page's own controls inside the form (see [`crate::extract::CsrfFormWith`]).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PlaceSearch {
    pub place_q: String,
    /// Present when the "Cari" button, not the save button, submitted the form.
    pub find_place: Option<String>,
}

impl PlaceSearch {
    pub fn searching(&self) -> bool {
        self.find_place.is_some()
    }
}

/// A kecamatan or village offered on the form.
pub struct PlaceChoice {
    /// The form value (`region:35.14.01` on packages, `35.14.01` on programs).
    pub value: String,
    /// The input's id in the page.
    pub id: String,
    pub name: String,
    /// Where it is: "Kabupaten Pasuruan, Jawa Timur".
    pub context: String,
    pub checked: bool,
}

/// What the form's place box shows.
#[derive(Default)]
pub struct PlaceBox {
    pub query: String,
    pub searched: bool,
    pub chosen: Vec<PlaceChoice>,
    pub hits: Vec<PlaceChoice>,
}

impl PlaceBox {
    pub fn open(&self) -> bool {
        self.searched || !self.chosen.is_empty()
    }
}

const MAX_HITS: usize = 15;

fn choice(index: &RegionIndex, code: &RegionCode, value: String, checked: bool) -> PlaceChoice {
    let name = index
        .get(code)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| code.to_string());
    let mut context: Vec<String> = code
        .ancestors()
        .iter()
        .rev()
        .filter_map(|a| index.get(a).map(|r| r.name.clone()))
        .collect();
    context.truncate(2);
    PlaceChoice {
        id: format!("place-{}", code.as_str().replace('.', "-")),
        value,
        name,
        context: context.join(", "),
        checked,
    }
}

/// Builds the box: `chosen` are the kecamatan/villages already on the form that its own
/// checkboxes do not offer (`offered`, form values), `within` the writer's territory (`None`:
/// all of Indonesia), `value` turns a code into the form value.
pub fn place_box(
    index: &RegionIndex,
    search: &PlaceSearch,
    chosen: &[RegionCode],
    offered: &[String],
    within: &[Option<RegionCode>],
    value: impl Fn(&RegionCode) -> String,
) -> PlaceBox {
    let mut out = PlaceBox {
        query: search.place_q.trim().to_string(),
        searched: search.searching(),
        chosen: chosen
            .iter()
            .map(|c| choice(index, c, value(c), true))
            .collect(),
        hits: Vec::new(),
    };
    if !out.searched || out.query.is_empty() {
        return out;
    }
    let in_scope = |c: &RegionCode| {
        within
            .iter()
            .any(|w| w.as_ref().is_none_or(|w| w.contains(c)))
    };
    // Ask the index for more than we show: matches outside the territory are dropped after.
    for hit in index.search(&out.query, 400) {
        let code = &hit.region.code;
        let v = value(code);
        if !matches!(code.level(), Level::District | Level::Village)
            || !in_scope(code)
            || chosen.contains(code)
            || offered.contains(&v)
        {
            continue;
        }
        out.hits.push(choice(index, code, v, false));
        if out.hits.len() == MAX_HITS {
            break;
        }
    }
    out
}

/// The kecamatan and villages among a form's region codes.
pub fn below_regency(codes: impl IntoIterator<Item = RegionCode>) -> Vec<RegionCode> {
    let mut out: Vec<RegionCode> = codes
        .into_iter()
        .filter(|c| matches!(c.level(), Level::District | Level::Village))
        .collect();
    out.dedup();
    out
}
