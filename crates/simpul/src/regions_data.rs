//! The official region list shipped with Simpul (npm `idn-area-data` 4.0.1, ODbL; see
//! `data/regions/README.md`), embedded in the binary so a fresh install needs no download.

use anyhow::{bail, Context, Result};
use flate2::read::GzDecoder;
use simpul_core::regions::{Level, Region, RegionCode};
use simpul_store::Store;
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

const FILES: [(&str, Level); 4] = [
    ("provinces", Level::Province),
    ("regencies", Level::Regency),
    ("districts", Level::District),
    ("villages", Level::Village),
];

const EMBEDDED: [&[u8]; 4] = [
    include_bytes!("../../../data/regions/provinces.csv.gz"),
    include_bytes!("../../../data/regions/regencies.csv.gz"),
    include_bytes!("../../../data/regions/districts.csv.gz"),
    include_bytes!("../../../data/regions/villages.csv.gz"),
];

/// Parse one level's CSV (`code,[parent_code,]name`), checking codes, levels and parents.
pub fn parse_level(
    csv_text: &[u8],
    level: Level,
    known_parents: &HashSet<RegionCode>,
    file: &str,
) -> Result<Vec<Region>> {
    let mut reader = csv::Reader::from_reader(csv_text);
    let headers = reader
        .headers()
        .with_context(|| format!("{file}: no header row"))?
        .clone();
    let code_col = headers
        .iter()
        .position(|h| h == "code")
        .with_context(|| format!("{file}: missing column 'code'"))?;
    let name_col = headers
        .iter()
        .position(|h| h == "name")
        .with_context(|| format!("{file}: missing column 'name'"))?;
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.with_context(|| format!("{file} line {line}: unreadable CSV"))?;
        let raw_code = record.get(code_col).unwrap_or("");
        let code = RegionCode::parse(raw_code)
            .map_err(|e| anyhow::anyhow!("{file} line {line}: code {raw_code:?}: {e}"))?;
        if code.level() != level {
            bail!(
                "{file} line {line}: {code} is not a {} code",
                level.as_str()
            );
        }
        if let Some(parent) = code.parent() {
            if !known_parents.contains(&parent) {
                bail!("{file} line {line}: parent {parent} of {code} is unknown");
            }
        }
        let name = record.get(name_col).unwrap_or("").trim();
        if name.is_empty() {
            bail!("{file} line {line}: {code} has no name");
        }
        out.push(Region {
            code,
            name: name.to_owned(),
        });
    }
    Ok(out)
}

/// The largest region file inflates to about 3 MB; a file from `--from DIR` that inflates past
/// this is refused instead of being held in memory whole.
const MAX_UNPACKED: u64 = 64 * 1024 * 1024;

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    GzDecoder::new(bytes)
        .take(MAX_UNPACKED + 1)
        .read_to_end(&mut out)?;
    if out.len() as u64 > MAX_UNPACKED {
        bail!("a region file inflates to more than {MAX_UNPACKED} bytes");
    }
    Ok(out)
}

/// Read the four levels from the embedded copy, or from `dir` (`*.csv` or `*.csv.gz`).
pub fn read_regions(dir: Option<&Path>) -> Result<Vec<Region>> {
    let mut all = Vec::with_capacity(92_000);
    let mut known = HashSet::new();
    for (i, (name, level)) in FILES.iter().enumerate() {
        let text = match dir {
            None => gunzip(EMBEDDED[i])?,
            Some(dir) => {
                let plain = dir.join(format!("{name}.csv"));
                let gz = dir.join(format!("{name}.csv.gz"));
                if plain.exists() {
                    std::fs::read(&plain).with_context(|| format!("reading {}", plain.display()))?
                } else {
                    gunzip(
                        &std::fs::read(&gz).with_context(|| format!("reading {}", gz.display()))?,
                    )?
                }
            }
        };
        let regions = parse_level(&text, *level, &known, &format!("{name}.csv"))?;
        known.extend(regions.iter().map(|r| r.code.clone()));
        all.extend(regions);
    }
    Ok(all)
}

/// Load the regions into the store unless they are there already. Returns rows written.
pub async fn ensure_loaded(store: &Store, progress: impl FnMut(usize, usize)) -> Result<usize> {
    if store.region_count().await? > 0 {
        return Ok(0);
    }
    load(store, None, progress).await
}

/// (Re)load regions, inserting new ones and updating names; idempotent.
pub async fn load(
    store: &Store,
    dir: Option<&Path>,
    mut progress: impl FnMut(usize, usize),
) -> Result<usize> {
    let regions = read_regions(dir)?;
    let total = regions.len();
    store
        .upsert_regions(&regions, |done| progress(done, total))
        .await?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gzip_bomb_is_refused_at_the_limit() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..(MAX_UNPACKED / zeros.len() as u64 + 1) {
            gz.write_all(&zeros).unwrap();
        }
        let bomb = gz.finish().unwrap();
        assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
        let err = gunzip(&bomb).unwrap_err().to_string();
        assert!(err.contains("inflates to more than"), "{err}");
        assert!(gunzip(EMBEDDED[3]).is_ok());
    }

    #[test]
    fn embedded_data_has_the_whole_country() {
        let regions = read_regions(None).unwrap();
        let count = |l: Level| regions.iter().filter(|r| r.level() == l).count();
        assert_eq!(count(Level::Province), 38);
        assert_eq!(count(Level::Regency), 514);
        assert_eq!(count(Level::District), 7_285);
        assert_eq!(count(Level::Village), 83_762);
    }

    #[test]
    fn bad_files_are_refused_with_the_line() {
        let known: HashSet<RegionCode> = [RegionCode::parse("35").unwrap()].into();
        let err = parse_level(
            b"code,province_code,name\n35.14,35,Kabupaten Pasuruan\n36.01,36,X\n",
            Level::Regency,
            &known,
            "regencies.csv",
        )
        .unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        let err =
            parse_level(b"kode,nama\n", Level::Province, &known, "provinces.csv").unwrap_err();
        assert!(err.to_string().contains("missing column 'code'"), "{err}");
        let err = parse_level(
            b"code,name\n35.14,X\n",
            Level::Province,
            &known,
            "provinces.csv",
        )
        .unwrap_err();
        assert!(err.to_string().contains("not a province"), "{err}");
    }
}
