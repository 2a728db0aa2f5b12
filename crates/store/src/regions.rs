//! Regions: the official Kemendagri reference data, loaded in bulk and read by code.

use crate::connect::BeginWrite;
use crate::{with_pool, Result, Store, StoreError};
use simpul_core::regions::{Level, Region, RegionCode};
use sqlx::{QueryBuilder, Row};

/// Rows per multi-row INSERT: 4 parameters a row stays far below both engines' limits.
const BATCH: usize = 2_000;

/// A region with its parent chain and children, as a region page shows it.
#[derive(Debug, Clone)]
pub struct RegionDetail {
    pub region: Region,
    /// Outermost first: province, regency, district.
    pub ancestors: Vec<Region>,
    pub children: Vec<Region>,
}

fn region_from(code: String, name: String) -> Result<Region> {
    let code = RegionCode::parse(&code)
        .map_err(|e| StoreError::Invalid(format!("stored region code {code:?}: {e}")))?;
    Ok(Region { code, name })
}

impl Store {
    pub async fn region_count(&self) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM regions")
            .fetch_one(p)
            .await?),
        )
    }

    /// Counts per level (province, regency, district, village).
    pub async fn region_counts(&self) -> Result<[i64; 4]> {
        let rows: Vec<(i64, i64)> = with_pool!(self, p => sqlx::query_as(
            "SELECT level, COUNT(*) FROM regions GROUP BY level")
            .fetch_all(p)
            .await?);
        let mut counts = [0; 4];
        for (level, n) in rows {
            if (1..=4).contains(&level) {
                counts[level as usize - 1] = n;
            }
        }
        Ok(counts)
    }

    /// Insert or update regions in one transaction (parents before children, as given).
    /// `progress` is called with the number of rows written so far.
    pub async fn upsert_regions(
        &self,
        regions: &[Region],
        mut progress: impl FnMut(usize),
    ) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut written = 0;
            for chunk in regions.chunks(BATCH) {
                let mut qb = QueryBuilder::new("INSERT INTO regions (code, parent_code, level, name) ");
                qb.push_values(chunk, |mut row, r| {
                    row.push_bind(r.code.to_string())
                        .push_bind(r.parent().map(|c| c.to_string()))
                        .push_bind(r.level().depth())
                        .push_bind(r.name.clone());
                });
                qb.push(" ON CONFLICT (code) DO UPDATE SET name = excluded.name, \
                          parent_code = excluded.parent_code, level = excluded.level");
                qb.build().execute(&mut *tx).await?;
                written += chunk.len();
                progress(written);
            }
            sqlx::query("INSERT INTO meta (key, value) VALUES ('regions_version', $1) \
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(chrono::Utc::now().timestamp_micros().to_string())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Changes whenever regions are (re)loaded; lets every instance refresh its search index.
    pub async fn regions_version(&self) -> Result<Option<String>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT value FROM meta WHERE key = 'regions_version'")
            .fetch_optional(p)
            .await?))
    }

    /// Every region, for the in-memory search index.
    pub async fn all_regions(&self) -> Result<Vec<Region>> {
        let rows: Vec<(String, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT code, name FROM regions ORDER BY code")
            .fetch_all(p)
            .await?);
        rows.into_iter().map(|(c, n)| region_from(c, n)).collect()
    }

    pub async fn region(&self, code: &RegionCode) -> Result<Region> {
        let row: (String, String) = with_pool!(self, p => sqlx::query_as(
            "SELECT code, name FROM regions WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(p)
            .await?)
        .ok_or(StoreError::NotFound)?;
        region_from(row.0, row.1)
    }

    /// Regions directly below `parent` (provinces when `None`), by name.
    pub async fn region_children(&self, parent: Option<&RegionCode>) -> Result<Vec<Region>> {
        let rows = with_pool!(self, p => match parent {
            Some(code) => sqlx::query("SELECT code, name FROM regions WHERE parent_code = $1 ORDER BY code")
                .bind(code.as_str())
                .fetch_all(p)
                .await?,
            None => sqlx::query("SELECT code, name FROM regions WHERE parent_code IS NULL ORDER BY code")
                .fetch_all(p)
                .await?,
        }
        .into_iter()
        .map(|row| region_from(row.get(0), row.get(1)))
        .collect::<Result<Vec<_>>>()?);
        Ok(rows)
    }

    /// A region with its ancestors and children in two round trips.
    pub async fn region_detail(&self, code: &RegionCode) -> Result<RegionDetail> {
        let mut chain: Vec<String> = code.ancestors().iter().map(|c| c.to_string()).collect();
        chain.push(code.to_string());
        let rows: Vec<(String, String)> = with_pool!(self, p => {
            let mut qb = QueryBuilder::new("SELECT code, name FROM regions WHERE code IN (");
            let mut sep = qb.separated(", ");
            for c in &chain {
                sep.push_bind(c.clone());
            }
            qb.push(") ORDER BY level");
            qb.build_query_as().fetch_all(p).await?
        });
        let mut regions = rows
            .into_iter()
            .map(|(c, n)| region_from(c, n))
            .collect::<Result<Vec<_>>>()?;
        if regions.last().map(|r| &r.code) != Some(code) {
            return Err(StoreError::NotFound);
        }
        let region = regions.pop().expect("checked above");
        let children = if region.level() == Level::Village {
            Vec::new()
        } else {
            self.region_children(Some(code)).await?
        };
        Ok(RegionDetail {
            region,
            ancestors: regions,
            children,
        })
    }
}
