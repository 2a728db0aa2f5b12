//! Choosing a village by name: cascading selects (province → kabupaten/kota → kecamatan → desa)
//! that refresh by sending the form without JavaScript, and a name search with "did you mean"
//! suggestions; htmx refreshes just this part where JavaScript runs. A KIM's registration form
//! and a citizen's aspiration form carry it (each with its own fragment route).

use super::directory::{place_label, RegionSelect};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{Query, SessionUser};
use crate::i18n::Messages;
use crate::pages::{render, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use simpul_app::registry::KimInput;
use simpul_core::{Level, RegionCode};

pub struct VillageHit {
    pub code: String,
    pub label: String,
    pub context: String,
}

/// The picker's fields, as a form carrying it sends them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PickerFields {
    pub village: String,
    pub v_province: String,
    pub v_regency: String,
    pub v_district: String,
    pub village_q: String,
    pub village_pick: String,
}

impl PickerFields {
    fn of(input: &KimInput) -> PickerFields {
        PickerFields {
            village: input.village.clone(),
            v_province: input.v_province.clone(),
            v_regency: input.v_regency.clone(),
            v_district: input.v_district.clone(),
            village_q: input.village_q.clone(),
            village_pick: input.village_pick.clone(),
        }
    }

    /// Take one multipart part if it is a picker field; whether it was.
    pub fn take(&mut self, name: &str, value: String) -> bool {
        let slot = match name {
            "village" => &mut self.village,
            "v_province" => &mut self.v_province,
            "v_regency" => &mut self.v_regency,
            "v_district" => &mut self.v_district,
            "village_q" => &mut self.village_q,
            "village_pick" => &mut self.village_pick,
            _ => return false,
        };
        *slot = value;
        true
    }

    /// The most specific place chosen (after [`resolve_fields`]): the village, else the
    /// kecamatan or kabupaten/kota of the selects.
    pub fn deepest(&self) -> String {
        [&self.village, &self.v_district, &self.v_regency]
            .into_iter()
            .find(|c| !c.trim().is_empty())
            .cloned()
            .unwrap_or_default()
    }
}

pub struct VillagePicker {
    /// The fragment route that refreshes it.
    pub endpoint: &'static str,
    pub legend: String,
    pub selects: Vec<RegionSelect>,
    pub query: String,
    pub hits: Vec<VillageHit>,
    /// The hits are "did you mean" suggestions, not matches.
    pub suggested: bool,
    /// Searched, found nothing even nearly.
    pub nothing: bool,
    pub chosen: Option<String>,
    pub error: Option<String>,
}

/// The KIM form's picker fields resolved (see [`resolve_fields`]).
pub fn resolve(input: &mut KimInput) {
    let mut f = PickerFields::of(input);
    resolve_fields(&mut f);
    input.village = f.village;
    input.v_province = f.v_province;
    input.v_regency = f.v_regency;
    input.v_district = f.v_district;
    input.village_q = f.village_q;
    input.village_pick = f.village_pick;
}

/// The village the form's picker fields point at: a name-search pick wins; otherwise the most
/// specific select consistent with the ones above it (a kecamatan left over from another
/// kabupaten is dropped, not an error).
pub fn resolve_fields(input: &mut PickerFields) {
    if !input.village_pick.trim().is_empty() {
        // The selects follow the village picked from the search.
        input.village = input.village_pick.trim().to_owned();
        input.village_q.clear();
        input.v_province.clear();
        input.v_regency.clear();
        input.v_district.clear();
    }
    let mut chosen: Option<RegionCode> = None;
    for text in [
        &input.v_province,
        &input.v_regency,
        &input.v_district,
        &input.village,
    ] {
        let Ok(code) = RegionCode::parse(text.trim()) else {
            continue;
        };
        match &chosen {
            Some(outer) if !code.ancestors().contains(outer) => break,
            _ => chosen = Some(code),
        }
    }
    input.village = chosen
        .as_ref()
        .filter(|c| c.level() == Level::Village)
        .map(|c| c.to_string())
        .unwrap_or_else(|| {
            // Typed by hand (or by the API): keep it for validation to judge.
            if input.v_province.is_empty() {
                input.village.clone()
            } else {
                String::new()
            }
        });
    let chain = chosen.map(|c| {
        let mut v = c.ancestors();
        v.push(c);
        v
    });
    let at = |i: usize| {
        chain
            .as_ref()
            .and_then(|c| c.get(i))
            .map(|c| c.to_string())
            .unwrap_or_default()
    };
    input.v_province = at(0);
    input.v_regency = at(1);
    input.v_district = at(2);
}

/// The KIM form's picker.
pub async fn build(
    state: &AppState,
    t: Messages<'_>,
    input: &KimInput,
    error: Option<String>,
) -> AppResult<VillagePicker> {
    let legend = t.get("kim.field_village").to_owned();
    build_for(
        state,
        t,
        &PickerFields::of(input),
        error,
        "/kim/village-picker",
        legend,
    )
    .await
}

/// The picker for `input`, refreshed by `endpoint`.
pub async fn build_for(
    state: &AppState,
    t: Messages<'_>,
    input: &PickerFields,
    error: Option<String>,
    endpoint: &'static str,
    legend: String,
) -> AppResult<VillagePicker> {
    let deepest = [
        &input.village,
        &input.v_district,
        &input.v_regency,
        &input.v_province,
    ]
    .into_iter()
    .find_map(|c| RegionCode::parse(c).ok());
    let mut selects = super::directory::region_selects(state, t, deepest.as_ref()).await?;
    for (sel, name) in selects
        .iter_mut()
        .zip(["v_province", "v_regency", "v_district"])
    {
        sel.name = name;
    }
    if let Ok(district) = RegionCode::parse(&input.v_district) {
        let villages = state.store.region_children(Some(&district)).await?;
        selects.push(RegionSelect {
            name: "village",
            label: t.get("level.village").to_owned(),
            options: villages
                .iter()
                .map(|v| {
                    (
                        v.code.to_string(),
                        v.name.clone(),
                        v.code.as_str() == input.village,
                    )
                })
                .collect(),
        });
    }
    let index = state.regions.index(&state.store).await?;
    let query = input.village_q.trim().chars().take(100).collect::<String>();
    let mut suggested = false;
    let mut hits: Vec<VillageHit> = Vec::new();
    if query.chars().count() >= 3 {
        let mut found: Vec<_> = index
            .search(&query, 200)
            .into_iter()
            .filter(|h| h.region.level() == Level::Village)
            .take(8)
            .collect();
        if found.is_empty() {
            found = index.nearest(&query, Level::Village, 8);
            suggested = true;
        }
        hits = found
            .into_iter()
            .map(|h| VillageHit {
                code: h.region.code.to_string(),
                label: place_label(t, Level::Village, &h.region.name),
                context: h.context.join(", "),
            })
            .collect();
    }
    Ok(VillagePicker {
        endpoint,
        legend,
        nothing: query.chars().count() >= 3 && hits.is_empty(),
        chosen: RegionCode::parse(&input.village)
            .ok()
            .filter(|c| c.level() == Level::Village && index.get(c).is_some())
            .map(|c| index.place_name(c.as_str())),
        selects,
        query,
        hits,
        suggested,
        error,
    })
}

#[derive(Template)]
#[template(path = "kim_village_picker.html")]
struct PickerFragment<'a> {
    page: Page<'a>,
    picker: VillagePicker,
}

/// The picker alone, for htmx (the same fields as the form, sent as a query).
pub async fn fragment(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    Query(mut input): Query<KimInput>,
) -> AppResult<Response> {
    if !super::may_register(&user) {
        return Err(AppError::Forbidden);
    }
    resolve(&mut input);
    let page = Page::new(&state, &ctx, Some(&user));
    let picker = build(&state, page.t, &input, None).await?;
    render(PickerFragment { page, picker })
}
