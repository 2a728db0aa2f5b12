//! Generated portal posts (issue 15's portal at scale): published news, village potential,
//! success stories and event reports from the KIMs, over a period, in Bahasa Indonesia drawn
//! from [`super::words`]. Each post's rendered body, summary and search-index rows come from
//! the same functions a written post goes through ([`simpul_app::portal::content`]), so search
//! finds generated posts exactly as it finds real ones. 5,000 posts per transaction.

use super::words::{
    fill, pick, CATEGORIES, HAPPENINGS, POST_KINDS, POTENTIALS, SENTENCES, TITLES, TOPIC_TAGS,
};
use anyhow::{bail, Result};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simpul_app::portal::content;
use simpul_core::audit::AuditContext;
use simpul_store::portal::NewPost;
use simpul_store::seed::{SeedKim, SeedPost};
use simpul_store::Store;
use std::collections::HashMap;

const POSTS_PER_BATCH: usize = 5_000;

/// A post as the write form would store it (published, no photos): body rendered, summary and
/// search terms computed as [`simpul_app::portal::create_post`] does.
pub fn compose(
    kim: &SeedKim,
    kind: &str,
    category: &str,
    title: String,
    body: String,
    topics: String,
    place_name: String,
) -> NewPost {
    let potential = kind == "potential";
    NewPost {
        kim_id: kim.id,
        author_id: None,
        kind: kind.into(),
        category: category.into(),
        body_html: content::render(&body),
        summary: content::plain_text(&body, 220),
        terms: content::index_terms(
            &title,
            &place_name,
            &content::plain_text(&body, 20_000),
            &topics,
        ),
        title,
        body_md: body,
        topics,
        price_range: if potential {
            "Rp10.000 - Rp75.000".into()
        } else {
            String::new()
        },
        opening_hours: if potential {
            "08.00 - 16.00".into()
        } else {
            String::new()
        },
        contact: if potential {
            "0812 3456 7890".into()
        } else {
            String::new()
        },
        place_name: if potential { place_name } else { String::new() },
        lat: if potential { kim.lat } else { None },
        lon: if potential { kim.lon } else { None },
        publish: true,
        photos: Vec::new(),
    }
}

/// One random post of `kim` (in village `village`), published at `at`.
pub fn random_post(rng: &mut StdRng, kim: &SeedKim, village: &str, at: DateTime<Utc>) -> SeedPost {
    let mut roll = rng.gen_range(0..1000);
    let kind = POST_KINDS
        .iter()
        .find(|(_, share)| {
            if roll < *share {
                true
            } else {
                roll -= share;
                false
            }
        })
        .map_or("news", |k| k.0);
    let subject = if matches!(kind, "potential" | "success") {
        pick(rng, &POTENTIALS)
    } else {
        pick(rng, &HAPPENINGS)
    };
    let title = fill(pick(rng, &TITLES), subject, village);
    let mut body = String::new();
    for paragraph in 0..rng.gen_range(1..=2) {
        if paragraph > 0 {
            body.push_str("\n\n");
        }
        for s in 0..rng.gen_range(2..=4) {
            if s > 0 {
                body.push(' ');
            }
            body.push_str(&fill(
                pick(rng, &SENTENCES),
                &subject.to_lowercase(),
                village,
            ));
        }
    }
    let category = if kind == "potential" {
        CATEGORIES[1 + rng.gen_range(0..CATEGORIES.len() - 1)]
    } else {
        pick(rng, &CATEGORIES)
    };
    let topics = pick(rng, &TOPIC_TAGS).to_string();
    // Only village potential names a place (a news form sends none).
    let place_name = if kind == "potential" {
        format!("{subject} {village}")
    } else {
        String::new()
    };
    SeedPost {
        post: compose(kim, kind, category, title, body, topics, place_name),
        kim: kim.clone(),
        published_at: at,
    }
}

/// A moment on one of the days `first..=last`, in daytime in western Indonesia.
pub fn moment(rng: &mut StdRng, first: NaiveDate, last: NaiveDate) -> DateTime<Utc> {
    let days = (last - first).num_days().max(0);
    let day = first + Duration::days(rng.gen_range(0..=days));
    let t = day
        .and_hms_opt(
            rng.gen_range(0..12),
            rng.gen_range(0..60),
            rng.gen_range(0..60),
        )
        .expect("valid");
    Utc.from_utc_datetime(&t)
}

/// Generate `count` published posts spread over `kims` (villages named by `villages`) and the
/// days `first..=last`, deterministic for `seed`.
pub async fn generate(
    store: &Store,
    kims: &[SeedKim],
    villages: &HashMap<String, String>,
    count: usize,
    (first, last): (NaiveDate, NaiveDate),
    seed: u64,
    mut progress: impl FnMut(usize, usize),
) -> Result<usize> {
    if kims.is_empty() && count > 0 {
        bail!("no registered KIMs: generate KIMs first");
    }
    let mut rng = StdRng::seed_from_u64(seed ^ 0x9027a1);
    let ctx = AuditContext::system("generate");
    let mut written = 0;
    while written < count {
        let batch = (count - written).min(POSTS_PER_BATCH);
        let mut rows = Vec::with_capacity(batch);
        for _ in 0..batch {
            let kim = &kims[rng.gen_range(0..kims.len())];
            let village = villages
                .get(&kim.village_code)
                .map_or("Sukamaju", String::as_str);
            let at = moment(&mut rng, first, last);
            rows.push(random_post(&mut rng, kim, village, at));
        }
        store.seed_portal_posts(&ctx, &rows).await?;
        written += batch;
        progress(written, count);
    }
    // Written by this build's normaliser: the server need not re-index them at start.
    simpul_app::portal::mark_terms_current(store).await?;
    Ok(written)
}
