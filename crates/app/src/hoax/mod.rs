//! The hoax clearing house: intake from the public, KIM members, the API and messaging gateways;
//! instant answers from checked claims; the verifiers' workflow; answering every reporter and the
//! KIMs of the regions where a claim spread; trends.
//!
//! The matching index ([`simpul_core::hoax::Index`]) lives in memory on each instance. It is
//! built from the database on first use and, before every match, brought up to date from
//! `hoax_index_log` (one indexed query): a verdict published on one instance is known to every
//! other at its next match, not merely "within a second".

pub mod answer;
pub mod archive;
pub mod card;
pub mod images;
pub mod intake;
pub mod review;

use crate::error::AppResult;
use crate::AppCtx;
use simpul_core::hoax::{ClaimStatus, Fingerprint, Index, LabelSet, Match};
use std::sync::Arc;
use tokio::sync::Mutex;

/// What one instance keeps for the clearing house.
#[derive(Clone)]
pub struct HoaxState {
    index: Arc<Mutex<IndexState>>,
    /// Verdict labels offered to verifiers.
    pub labels: Arc<LabelSet>,
}

#[derive(Default)]
struct IndexState {
    index: Index,
    last_log: i64,
    loaded: bool,
}

impl HoaxState {
    pub fn new(labels: LabelSet) -> HoaxState {
        HoaxState {
            index: Arc::new(Mutex::new(IndexState::default())),
            labels: Arc::new(labels),
        }
    }
}

impl Default for HoaxState {
    fn default() -> Self {
        HoaxState::new(LabelSet::default())
    }
}

fn add_texts(index: &mut Index, t: &simpul_store::hoax::IndexTexts) {
    for (body, links, hashes) in &t.texts {
        let mut fp = Fingerprint::of_known(body, &[]);
        for l in links.lines().filter(|l| !l.is_empty()) {
            if !fp.links.iter().any(|x| x == l) {
                fp.links.push(l.to_string());
            }
        }
        fp.images = hashes.split(',').filter_map(images::parse_hash).collect();
        index.add(t.claim_id, &fp);
    }
    index.set_answerable(t.claim_id, t.status == ClaimStatus::Published);
}

/// Bring this instance's index up to date and search it.
pub async fn search(ctx: &AppCtx, fp: &Fingerprint, limit: usize) -> AppResult<Vec<Match>> {
    let mut state = ctx.hoax.index.lock().await;
    if !state.loaded {
        // The head first: a change made while the texts load is applied again next time.
        let head = ctx.store.hoax_index_head().await?;
        let mut index = Index::new();
        for t in ctx.store.hoax_index_texts(None).await? {
            add_texts(&mut index, &t);
        }
        *state = IndexState {
            index,
            last_log: head,
            loaded: true,
        };
    }
    loop {
        let (last, changed) = ctx.store.hoax_index_changes(state.last_log).await?;
        if changed.is_empty() {
            break;
        }
        for id in &changed {
            state.index.remove_claim(*id);
        }
        for t in ctx.store.hoax_index_texts(Some(&changed)).await? {
            add_texts(&mut state.index, &t);
        }
        state.last_log = last;
    }
    Ok(state.index.search(fp, limit))
}

/// Forget the in-memory index (tests of the rebuild at start).
pub async fn reset_index(ctx: &AppCtx) {
    *ctx.hoax.index.lock().await = IndexState::default();
}
