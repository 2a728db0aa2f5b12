//! The in-memory region search index, shared by all requests and refreshed when another process
//! (`simpul import-regions`, another instance) reloads the regions.

use simpul_core::regions::RegionIndex;
use simpul_store::{Result, Store};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

const RECHECK: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct RegionCache {
    inner: Arc<RwLock<Cached>>,
}

struct Cached {
    index: Arc<RegionIndex>,
    version: Option<String>,
    checked: Instant,
}

impl RegionCache {
    pub async fn load(store: &Store) -> Result<RegionCache> {
        let version = store.regions_version().await?;
        let index = RegionIndex::new(store.all_regions().await?);
        Ok(RegionCache {
            inner: Arc::new(RwLock::new(Cached {
                index: Arc::new(index),
                version,
                checked: Instant::now(),
            })),
        })
    }

    /// The current index; at most every 30 s, asks the database whether regions changed.
    pub async fn index(&self, store: &Store) -> Result<Arc<RegionIndex>> {
        let (index, stale) = {
            let cached = self.inner.read().expect("region cache lock");
            (cached.index.clone(), cached.checked.elapsed() > RECHECK)
        };
        if !stale {
            return Ok(index);
        }
        let version = store.regions_version().await?;
        let unchanged = self.inner.read().expect("region cache lock").version == version;
        let fresh = if unchanged {
            index
        } else {
            Arc::new(RegionIndex::new(store.all_regions().await?))
        };
        let mut cached = self.inner.write().expect("region cache lock");
        cached.index = fresh.clone();
        cached.version = version;
        cached.checked = Instant::now();
        Ok(fresh)
    }
}
