//! Bulk import of KIM lists from CSV/XLSX: a dry run that reports every row, then an
//! all-or-nothing commit. Regions match by code or by name (tolerant of "Kab."/"Kota"/case/
//! spacing, with the parent names to disambiguate); importing the same file twice adds nothing.

use crate::error::{AppError, AppResult, FieldError};
use crate::registry::{validate, KimInput};
use crate::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::regions::{fold, normalize_name, parse_query, Region};
use simpul_core::registry::import::{self as office, Field, Recognised};
use simpul_core::registry::{is_possible_duplicate, normalize_kim_name, KimNumber, KimStatus};
use simpul_core::sheet::{self, header_key, Limits, Table};
use simpul_core::{Level, RegionCode};
use simpul_store::registry::{ImportKim, ImportLeader, KimProfile};
use std::collections::HashMap;

/// The template's columns, in order. Only `nama_kim` and a village (code or names) are required.
pub const COLUMNS: [&str; 19] = [
    "nama_kim",
    "kode_desa",
    "desa",
    "kecamatan",
    "kabupaten_kota",
    "provinsi",
    "alamat",
    "lat",
    "lon",
    "tanggal_berdiri",
    "no_sk",
    "tanggal_sk",
    "penerbit_sk",
    "telepon",
    "email",
    "topik",
    "status",
    "instagram",
    "website",
];

/// Characters of a KIM name echoed in a report: enough to find the row, never a whole cell.
const NAME_IN_REPORT: usize = 80;
/// Reports list every row when the file is this small, otherwise only the rows not "ok".
const FULL_REPORT_ROWS: usize = 200;
/// Rows a report lists at most, so that its size does not grow with the file's; the counts
/// still cover every row.
pub const MAX_REPORT_ROWS: usize = 1_000;

/// One row's outcome in the report.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RowReport {
    pub line: usize,
    pub name: String,
    /// ok, exists (already registered: skipped) or error.
    pub outcome: String,
    pub village: Option<String>,
    /// Message-catalogue keys with the field they concern.
    pub errors: Vec<RowError>,
    /// What deserves a look but does not stop the row: a similar KIM already in the village,
    /// a similar row earlier in the file, a leader not recorded as a member.
    #[serde(default)]
    pub warnings: Vec<RowError>,
    /// The KIM this row created (after the commit), or the one it matched ("exists").
    #[serde(default)]
    pub kim_id: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RowError {
    pub field: String,
    pub code: String,
    /// What the message names: an earlier line's number, an existing KIM's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// A validated row ready to write.
pub struct ReadyRow {
    pub profile: KimProfile,
    pub status: KimStatus,
    pub import_key: String,
    /// The leader as the KIM's first member, when the sheet records their consent.
    pub leader: Option<ImportLeader>,
    /// Its row in [`Plan::rows`].
    pub row: usize,
}

/// One column of the sheet and the field it is read as.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ColumnChoice {
    pub header: String,
    /// A field key ([`Field::key`]), or "" when the column is not imported.
    pub field: String,
    /// The first row's cell, to help choose.
    pub sample: String,
    /// Whether the header was recognised (or chosen) rather than unknown.
    pub known: bool,
}

pub struct Plan {
    pub rows: Vec<RowReport>,
    pub ready: Vec<ReadyRow>,
    /// How each column was read.
    pub columns: Vec<ColumnChoice>,
    /// Some columns are unknown (or no column holds the KIM's name): the person chooses what
    /// they hold before any row is checked.
    pub needs_mapping: bool,
}

impl Plan {
    pub fn errors(&self) -> usize {
        self.rows.iter().filter(|r| r.outcome == "error").count()
    }
}

/// Finds regions by code or by names, caching each parent's children.
struct Matcher<'a> {
    state: &'a AppCtx,
    children: HashMap<Option<RegionCode>, Vec<Region>>,
}

fn same_name(official: &Region, typed: &str) -> bool {
    let q = parse_query(typed);
    if q.term.is_empty() {
        return false;
    }
    let wanted_city = q.city_hint;
    let is_city = official.level() == Level::Regency && official.name.starts_with("Kota ");
    normalize_name(&official.name, official.level()) == q.term
        && (wanted_city.is_none() || wanted_city == Some(is_city))
        || fold(&official.name) == fold(typed)
}

impl<'a> Matcher<'a> {
    async fn kids(
        &mut self,
        parent: Option<&RegionCode>,
    ) -> Result<&[Region], crate::error::AppError> {
        let key = parent.cloned();
        if !self.children.contains_key(&key) {
            let list = self.state.store.region_children(parent).await?;
            self.children.insert(key.clone(), list);
        }
        Ok(self
            .children
            .get(&key)
            .map(Vec::as_slice)
            .unwrap_or_default())
    }

    /// The one child of `parent` with this name; `None` if none, or several (ambiguous).
    async fn child(
        &mut self,
        parent: Option<&RegionCode>,
        typed: &str,
    ) -> Result<Option<RegionCode>, crate::error::AppError> {
        let found: Vec<RegionCode> = self
            .kids(parent)
            .await?
            .iter()
            .filter(|r| same_name(r, typed))
            .map(|r| r.code.clone())
            .collect();
        Ok(if found.len() == 1 {
            found.into_iter().next()
        } else {
            None
        })
    }

    /// Village from `kode_desa`, or from desa/kecamatan/kabupaten_kota/provinsi names.
    async fn village(
        &mut self,
        cells: &HashMap<&str, String>,
        default_province: Option<&RegionCode>,
    ) -> Result<Result<RegionCode, &'static str>, crate::error::AppError> {
        let code = cells.get("kode_desa").map(|s| s.trim()).unwrap_or("");
        if !code.is_empty() {
            return Ok(match RegionCode::parse(code) {
                Ok(c)
                    if c.level() == Level::Village && self.state.store.region(&c).await.is_ok() =>
                {
                    Ok(c)
                }
                _ => Err("error.import_village_code"),
            });
        }
        let get = |k: &str| {
            cells
                .get(k)
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        let (desa, kec, kab, prov) = (
            get("desa"),
            get("kecamatan"),
            get("kabupaten_kota"),
            get("provinsi"),
        );
        if desa.is_empty() || kec.is_empty() || kab.is_empty() {
            return Ok(Err("error.import_village_missing"));
        }
        let province = if prov.is_empty() {
            default_province.cloned()
        } else {
            match self.child(None, &prov).await? {
                Some(p) => Some(p),
                None => return Ok(Err("error.import_province")),
            }
        };
        // Without a province, find the kabupaten/kota among all provinces (names are unique
        // enough at that level once "Kab."/"Kota" is taken into account).
        let regency = match &province {
            Some(p) => self.child(Some(p), &kab).await?,
            None => {
                let mut found = Vec::new();
                let provinces: Vec<RegionCode> = self
                    .kids(None)
                    .await?
                    .iter()
                    .map(|r| r.code.clone())
                    .collect();
                for p in provinces {
                    if let Some(r) = self.child(Some(&p), &kab).await? {
                        found.push(r);
                    }
                }
                if found.len() == 1 {
                    found.pop()
                } else {
                    None
                }
            }
        };
        let Some(regency) = regency else {
            return Ok(Err("error.import_regency"));
        };
        let Some(district) = self.child(Some(&regency), &kec).await? else {
            return Ok(Err("error.import_district"));
        };
        Ok(self
            .child(Some(&district), &desa)
            .await?
            .ok_or("error.import_desa"))
    }
}

fn row_error(field: &str, key: &str) -> RowError {
    RowError {
        field: field.to_owned(),
        code: key.to_owned(),
        detail: String::new(),
    }
}

/// The registry form's field names as the sheet's columns, so a report names the column.
fn sheet_field(form_field: &str) -> &str {
    match form_field {
        "name" => "nama_kim",
        "village" => "kode_desa",
        "address" => "alamat",
        "founded_on" => "tanggal_berdiri",
        "sk_number" => "no_sk",
        "sk_date" => "tanggal_sk",
        "sk_issuer" => "penerbit_sk",
        "phone" => "telepon",
        "topics" => "topik",
        other => other,
    }
}

/// The field key a header is read as: its field, "" when it is not imported, or its own
/// normalised text when unknown (reported by [`check_headers`]).
pub fn key_of(header: &str) -> String {
    match office::recognise(header) {
        Recognised::Field(f) => f.key().to_owned(),
        Recognised::Ignore => String::new(),
        Recognised::Unknown => header_key(header),
    }
}

/// How each column would be read, with the first row's cell as a sample.
pub fn guess_columns(table: &Table) -> Vec<ColumnChoice> {
    table
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let recognised = office::recognise(h);
            ColumnChoice {
                header: sheet::excerpt(h, 60).into_owned(),
                field: match recognised {
                    Recognised::Field(f) => f.key().to_owned(),
                    _ => String::new(),
                },
                sample: table
                    .rows
                    .first()
                    .and_then(|r| r.cells.get(i))
                    .map(|c| sheet::excerpt(c, 40).into_owned())
                    .unwrap_or_default(),
                known: recognised != Recognised::Unknown,
            }
        })
        .collect()
}

/// Read the columns as the person chose (`columns[i]` a field key or "" for "not imported"):
/// the headers become the chosen keys. Unknown keys are not imported either.
pub fn apply_columns(table: &mut Table, columns: &[String]) {
    for (i, header) in table.headers.iter_mut().enumerate() {
        let chosen = columns.get(i).map(String::as_str).unwrap_or("");
        *header = Field::from_key(chosen)
            .map(|f| f.key().to_owned())
            .unwrap_or_default();
    }
}

/// Check a whole table against the template and the registry without writing anything.
/// `territory`: where the importer may register KIMs; `may_verify`: whether rows may arrive
/// verified (otherwise they arrive submitted).
pub async fn plan(
    state: &AppCtx,
    table: &Table,
    territory: &ScopeRegions,
    may_verify: bool,
    mut progress: impl FnMut(usize, usize),
) -> Result<Plan, crate::error::AppError> {
    let keys: Vec<String> = table.headers.iter().map(|h| key_of(h)).collect();
    let today = chrono::Utc::now().date_naive();
    let mut similar_rows = office::SimilarRows::new();
    let default_province = match territory {
        ScopeRegions::Regions(r) if r.len() == 1 => Some(r[0].province()),
        _ => None,
    };
    let mut matcher = Matcher {
        state,
        children: HashMap::new(),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut plan = Plan {
        rows: Vec::new(),
        ready: Vec::new(),
        columns: guess_columns(table),
        needs_mapping: false,
    };
    let total = table.rows.len();
    for (i, row) in table.rows.iter().enumerate() {
        let cells: HashMap<&str, String> = keys
            .iter()
            .map(String::as_str)
            .zip(row.cells.iter().cloned())
            .collect();
        let get = |k: &str| cells.get(k).cloned().unwrap_or_default();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        if office::is_template_example(&get("nama_kim"), &get("email")) {
            errors.push(row_error("nama_kim", "error.import_example_row"));
        }
        let village = match matcher.village(&cells, default_province.as_ref()).await? {
            Ok(v) if territory.contains_region(&v) => Some(v),
            Ok(_) => {
                errors.push(row_error("kode_desa", "error.import_outside_scope"));
                None
            }
            Err(key) => {
                errors.push(row_error("desa", key));
                None
            }
        };
        // An empty status waits for the office's verification: never verified by default.
        let status = match get("status").trim() {
            "" => Some(KimStatus::Submitted),
            s => match office::parse_status_word(s) {
                Some(st @ (KimStatus::Draft | KimStatus::Submitted)) => Some(st),
                // An office's own records, as its export wrote them: any status it may decide.
                Some(st) if may_verify => Some(st),
                _ => {
                    errors.push(row_error("status", "error.import_status"));
                    None
                }
            },
        };
        let topics = office::split_topics(&get("topik"));
        // The leader's phone is the KIM's contact when the KIM has no number of its own.
        let phone = match (get("telepon"), get("telepon_ketua")) {
            (own, leader) if own.trim().is_empty() => leader,
            (own, _) => own,
        };
        let leader_name = get("ketua").trim().to_owned();
        let consent = office::parse_consent(&get("persetujuan_ketua"), today);
        let input = KimInput {
            name: get("nama_kim"),
            village: village.as_ref().map(|v| v.to_string()).unwrap_or_default(),
            address: get("alamat"),
            lat: get("lat"),
            lon: get("lon"),
            founded_on: office::normalize_date(&get("tanggal_berdiri")),
            sk_number: get("no_sk"),
            sk_date: office::normalize_date(&get("tanggal_sk")),
            sk_issuer: get("penerbit_sk"),
            phone,
            email: get("email"),
            instagram: get("instagram"),
            website: get("website"),
            topics,
            ..Default::default()
        };
        let mut profile = None;
        match validate(state, &input).await {
            Ok(p) => profile = Some(p),
            Err(crate::error::AppError::Invalid(fields)) => {
                errors.extend(
                    fields
                        .into_iter()
                        .filter(|f: &FieldError| !(f.field == "village" && village.is_none()))
                        .map(|f| row_error(sheet_field(f.field), f.key)),
                );
            }
            Err(e) => return Err(e),
        }
        let leader = leader_member(&leader_name, &get("telepon_ketua"), consent, &mut warnings);
        let mut outcome = if errors.is_empty() { "ok" } else { "error" };
        let mut kim_id = None;
        if let (Some(p), Some(v), Some(status), true) =
            (profile, &village, status, errors.is_empty())
        {
            let import_key = format!("{v}|{}", normalize_kim_name(&p.name));
            let in_village = state.store.kims_in_village(v).await?;
            let existing = match state.store.kim_id_by_import_key(&import_key).await? {
                Some(id) => Some(id),
                None => in_village
                    .iter()
                    .find(|(_, n)| normalize_kim_name(n) == p.name_norm)
                    .map(|(id, _)| *id),
            };
            if let Some(id) = existing {
                outcome = "exists";
                kim_id = Some(id);
            } else if let Some(first) = seen.get(&import_key) {
                errors.push(RowError {
                    detail: first.to_string(),
                    ..row_error("nama_kim", "error.import_repeated")
                });
                outcome = "error";
            } else {
                if let Some((_, similar)) = in_village
                    .iter()
                    .find(|(_, n)| is_possible_duplicate(n, &p.name))
                {
                    warnings.push(RowError {
                        detail: sheet::excerpt(similar, NAME_IN_REPORT).into_owned(),
                        ..row_error("nama_kim", "import.warn_similar_kim")
                    });
                }
                if let Some(earlier) = similar_rows.add(v.as_str(), &p.name, row.line) {
                    warnings.push(RowError {
                        detail: earlier.to_string(),
                        ..row_error("nama_kim", "import.warn_similar_row")
                    });
                }
                seen.insert(import_key.clone(), row.line);
                plan.ready.push(ReadyRow {
                    profile: p,
                    status,
                    import_key,
                    leader,
                    row: plan.rows.len(),
                });
            }
        }
        plan.rows.push(RowReport {
            line: row.line,
            name: sheet::excerpt(&get("nama_kim"), NAME_IN_REPORT).into_owned(),
            outcome: outcome.to_owned(),
            village: village.map(|v| v.to_string()),
            errors,
            warnings,
            kim_id,
        });
        progress(i + 1, total);
    }
    Ok(plan)
}

/// The rows worth showing: all of a small file's, otherwise those not "ok", at most
/// [`MAX_REPORT_ROWS`].
pub fn report_rows(rows: &[RowReport]) -> Vec<RowReport> {
    rows.iter()
        .filter(|r| r.outcome != "ok" || rows.len() <= FULL_REPORT_ROWS)
        .take(MAX_REPORT_ROWS)
        .cloned()
        .collect()
}

/// The leader as the KIM's first member when their consent is recorded; otherwise a note that
/// they were not recorded (their phone may still be the KIM's contact).
fn leader_member(
    name: &str,
    phone: &str,
    consent: Option<chrono::NaiveDate>,
    warnings: &mut Vec<RowError>,
) -> Option<ImportLeader> {
    if name.is_empty() {
        return None;
    }
    let Some(consent_on) = consent else {
        warnings.push(row_error("ketua", "import.warn_leader_no_consent"));
        return None;
    };
    let phone = match phone.trim() {
        "" => None,
        p => match simpul_core::registry::PhoneE164::parse(p) {
            Ok(p) => Some(p.as_str().to_owned()),
            Err(_) => {
                warnings.push(row_error("telepon_ketua", "import.warn_leader_phone"));
                None
            }
        },
    };
    Some(ImportLeader {
        name: sheet::excerpt(name, 200).into_owned(),
        phone,
        consent_on,
    })
}

/// Check the header row: the name column must be there, and unknown columns are reported.
pub fn check_headers(table: &Table) -> Result<(), Vec<String>> {
    let keys: Vec<String> = table.headers.iter().map(|h| key_of(h)).collect();
    let mut problems: Vec<String> = keys
        .iter()
        .filter(|k| !k.is_empty() && Field::from_key(k).is_none())
        .cloned()
        .collect();
    if !keys.iter().any(|k| k == "nama_kim") {
        problems.insert(0, "nama_kim".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Where this user may import: the territory of their account-managing grants.
pub fn import_territory(who: &Actor) -> AppResult<ScopeRegions> {
    let territory = ScopeRegions::union(
        who.grants
            .iter()
            .filter(|g| {
                matches!(
                    g.role,
                    simpul_core::Role::NationalAdmin
                        | simpul_core::Role::ProvincialAdmin
                        | simpul_core::Role::RegencyAdmin
                )
            })
            .map(|g| g.territory.clone()),
    );
    if territory.is_empty()
        || !who.can(Action::ManageRegistry {
            territory: &territory,
        })
    {
        return Err(AppError::Forbidden);
    }
    Ok(territory)
}

/// The registration number for the `seq`-th KIM verified in `village`.
pub fn number_for(village: &str, seq: i64) -> String {
    RegionCode::parse(village)
        .ok()
        .and_then(|v| KimNumber::new(&v, u32::try_from(seq).ok()?).ok())
        .map(|n| n.to_string())
        .unwrap_or_else(|| format!("KIM-{village}-{seq:03}"))
}

/// Read an uploaded spreadsheet and check every row against the registry and `who`'s
/// territory. `progress(done, total)` follows the rows.
pub async fn plan_upload(
    state: &AppCtx,
    who: &Actor,
    filename: &str,
    bytes: &[u8],
    progress: impl FnMut(usize, usize),
) -> AppResult<Plan> {
    let plan = plan_upload_columns(state, who, filename, bytes, None, progress).await?;
    if plan.needs_mapping {
        return Err(AppError::invalid("file", "error.import_headers"));
    }
    Ok(plan)
}

/// [`plan_upload`] with the columns read as `columns` says (see [`apply_columns`]); without
/// it, a sheet with unknown columns is not checked but answered with `needs_mapping`.
pub async fn plan_upload_columns(
    state: &AppCtx,
    who: &Actor,
    filename: &str,
    bytes: &[u8],
    columns: Option<&[String]>,
    progress: impl FnMut(usize, usize),
) -> AppResult<Plan> {
    let territory = import_territory(who)?;
    let format = sheet::detect_format(filename, bytes)
        .map_err(|e| AppError::invalid("file", e.message_key()))?;
    let mut table = sheet::read_table(bytes, format, &Limits::default())
        .map_err(|e| AppError::invalid("file", e.message_key()))?;
    let guessed = guess_columns(&table);
    if let Some(columns) = columns {
        apply_columns(&mut table, columns);
    }
    if check_headers(&table).is_err() {
        let mut guessed = guessed;
        if let Some(columns) = columns {
            for (g, c) in guessed.iter_mut().zip(columns) {
                g.field = c.clone();
            }
        }
        return Ok(Plan {
            rows: Vec::new(),
            ready: Vec::new(),
            columns: guessed,
            needs_mapping: true,
        });
    }
    let may_verify = true;
    let mut plan = plan(state, &table, &territory, may_verify, progress).await?;
    // The report names the file's own headers, with the fields they were read as.
    let mut guessed = guessed;
    if let Some(columns) = columns {
        for (g, c) in guessed.iter_mut().zip(columns) {
            g.field = c.clone();
            g.known = true;
        }
    }
    plan.columns = guessed;
    Ok(plan)
}

/// Write every row the check accepted: all of them or, on any failure or crash, none. The rows
/// are staged under `batch` in short transactions and become visible at once (see
/// `Store::import_kims`); a rerun under the same `batch` clears what a crashed run staged.
/// `progress(done)` follows the rows written.
pub async fn commit(
    state: &AppCtx,
    audit: &AuditContext,
    batch: &str,
    plan: &Plan,
    progress: impl FnMut(usize),
) -> AppResult<usize> {
    Ok(write(state, audit, batch, plan, progress).await?.len())
}

/// [`commit`], then link every row to its KIM (`RowReport::kim_id`).
pub async fn commit_and_link(
    state: &AppCtx,
    audit: &AuditContext,
    batch: &str,
    plan: &mut Plan,
    progress: impl FnMut(usize),
) -> AppResult<usize> {
    let ids = write(state, audit, batch, plan, progress).await?;
    for (ready, id) in plan.ready.iter().zip(&ids) {
        if let Some(row) = plan.rows.get_mut(ready.row) {
            row.kim_id = Some(*id);
        }
    }
    Ok(ids.len())
}

async fn write(
    state: &AppCtx,
    audit: &AuditContext,
    batch: &str,
    plan: &Plan,
    progress: impl FnMut(usize),
) -> AppResult<Vec<i64>> {
    if plan.errors() > 0 {
        return Err(AppError::invalid("file", "error.import_has_errors"));
    }
    let rows: Vec<ImportKim<'_>> = plan
        .ready
        .iter()
        .map(|r| ImportKim {
            profile: &r.profile,
            status: r.status.as_str(),
            import_key: &r.import_key,
            leader: r.leader.as_ref(),
        })
        .collect();
    let ids = state
        .store
        .import_kims(audit, batch, &rows, &number_for, progress)
        .await?;
    state.store.analyze().await?;
    Ok(ids)
}

/// A staging batch of its own, for a commit that no job reruns (a request, the command line):
/// what a crash leaves staged under it is cleared a day later.
pub fn one_off_batch() -> String {
    format!("once-{}", hex::encode(rand::random::<[u8; 12]>()))
}
