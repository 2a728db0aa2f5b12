//! Village voices (issue 15): KIM posts with photos, their search index, review, moderation and
//! re-shares; citizens' aspirations with their routing rules and history.

use crate::connect::BeginWrite;
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::RegionCode;
use sqlx::QueryBuilder;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PostRecord {
    pub id: i64,
    pub kim_id: i64,
    pub kim_name: String,
    pub author_id: Option<i64>,
    pub kind: String,
    pub category: String,
    pub title: String,
    #[serde(skip)]
    pub body_md: String,
    pub body_html: String,
    pub summary: String,
    pub topics: String,
    pub place_name: String,
    pub price_range: String,
    pub opening_hours: String,
    pub contact: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub status: String,
    pub review_note: String,
    pub hidden: bool,
    pub hidden_reason: String,
    pub village_code: String,
    pub district_code: String,
    pub regency_code: String,
    pub province_code: String,
    pub reshares: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const POST_COLUMNS: &str = "p.id, p.kim_id, k.name AS kim_name, p.author_id, p.kind, p.category, p.title, \
    p.body_md, p.body_html, p.summary, p.topics, p.place_name, p.price_range, p.opening_hours, p.contact, \
    p.lat, p.lon, p.status, p.review_note, p.hidden, p.hidden_reason, p.village_code, p.district_code, \
    p.regency_code, p.province_code, p.reshares, p.published_at, p.created_at, p.updated_at";

/// A post as validated by the application layer.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    pub kim_id: i64,
    pub author_id: Option<i64>,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    pub summary: String,
    pub topics: String,
    pub place_name: String,
    pub price_range: String,
    pub opening_hours: String,
    pub contact: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Published at once (a trusted KIM) or pending review.
    pub publish: bool,
    pub photos: Vec<NewPhoto>,
    /// (stemmed term, weight) for the search index.
    pub terms: Vec<(String, i64)>,
}

/// A photo in two sizes (re-encoded JPEG), with its caption and alt text.
#[derive(Debug, Clone, Default)]
pub struct NewPhoto {
    pub small: Vec<u8>,
    pub large: Vec<u8>,
    pub width: i64,
    pub height: i64,
    pub caption: String,
    pub alt: String,
}

/// A photo slot of a corrected post: the photo at `position` kept (its texts as now given), or
/// a new one.
#[derive(Debug, Clone)]
pub enum PhotoSlot {
    Keep {
        position: i64,
        caption: String,
        alt: String,
    },
    New(NewPhoto),
}

/// Store a photo's two sizes in `files` and its row at `position`, inside the caller's
/// transaction.
macro_rules! insert_photo {
    ($tx:expr, $post:expr, $position:expr, $photo:expr, $author:expr, $now:expr) => {{
        use sha2::Digest;
        let (post, position, photo): (i64, i64, &NewPhoto) = ($post, $position, $photo);
        let mut ids = [0i64; 2];
        for (slot, data) in [&photo.small, &photo.large].into_iter().enumerate() {
            ids[slot] = sqlx::query_scalar(
                "INSERT INTO files (kind, content_type, filename, size, sha256, data, created_by, created_at) \
                 VALUES ('portal_photo', 'image/jpeg', $1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(format!("foto-{post}-{position}-{slot}.jpg")).bind(data.len() as i64)
                .bind(hex::encode(sha2::Sha256::digest(data))).bind(data).bind($author).bind($now)
                .fetch_one(&mut *$tx).await?;
        }
        sqlx::query("INSERT INTO portal_post_photos (post_id, position, small_file_id, large_file_id, width, height, caption, alt) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(post).bind(position).bind(ids[0]).bind(ids[1]).bind(photo.width).bind(photo.height)
            .bind(&photo.caption).bind(&photo.alt).execute(&mut *$tx).await?;
    }};
}

/// Replace a post's search terms, inside the caller's transaction.
macro_rules! write_terms {
    ($tx:expr, $post:expr, $terms:expr) => {{
        let (post, terms): (i64, &[(String, i64)]) = ($post, $terms);
        sqlx::query("DELETE FROM portal_terms WHERE post_id = $1")
            .bind(post)
            .execute(&mut *$tx)
            .await?;
        for chunk in terms.chunks(200) {
            let mut qb = QueryBuilder::new("INSERT INTO portal_terms (post_id, term, weight) ");
            qb.push_values(chunk, |mut b, (term, weight)| {
                b.push_bind(post).push_bind(term.clone()).push_bind(*weight);
            });
            qb.build().execute(&mut *$tx).await?;
        }
    }};
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PhotoRecord {
    pub post_id: i64,
    pub position: i64,
    pub small_file_id: i64,
    pub large_file_id: i64,
    pub width: i64,
    pub height: i64,
    pub caption: String,
    pub alt: String,
}

/// What the portal lists: published, not hidden, and the filters given.
#[derive(Debug, Clone, Default)]
pub struct PostFilter {
    /// A region code at any level (province to village).
    pub region: Option<RegionCode>,
    pub kim_id: Option<i64>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only these posts (search hits).
    pub ids: Option<Vec<i64>>,
    /// Only posts with a map point.
    pub located: bool,
}

impl PostFilter {
    /// Whether the filter asks for more than "published and visible".
    pub fn narrows(&self) -> bool {
        self.region.is_some()
            || self.kim_id.is_some()
            || self.kind.is_some()
            || self.category.is_some()
            || self.from.is_some()
            || self.until.is_some()
            || self.ids.is_some()
            || self.located
    }
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ReshareRecord {
    pub post_id: i64,
    pub kim_id: i64,
    pub kim_name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRecord {
    pub id: i64,
    pub post_id: i64,
    pub title: String,
    pub reason: String,
    pub detail: String,
    pub created_at: DateTime<Utc>,
}

fn region_column(code: &RegionCode) -> &'static str {
    match code.as_str().split('.').count() {
        1 => "p.province_code",
        2 => "p.regency_code",
        3 => "p.district_code",
        _ => "p.village_code",
    }
}

/// Up to how many posts a list counts exactly.
pub const POST_COUNT_CAP: i64 = 10_000;

macro_rules! push_post_filter {
    ($qb:expr, $f:expr) => {{
        let f: &PostFilter = $f;
        $qb.push(" WHERE p.status = 'published' AND p.hidden = ")
            .push_bind(false);
        if let Some(r) = &f.region {
            $qb.push(format!(" AND {} = ", region_column(r)))
                .push_bind(r.to_string());
        }
        if let Some(k) = f.kim_id {
            $qb.push(" AND p.kim_id = ").push_bind(k);
        }
        if let Some(k) = &f.kind {
            $qb.push(" AND p.kind = ").push_bind(k.clone());
        }
        if let Some(c) = &f.category {
            $qb.push(" AND p.category = ").push_bind(c.clone());
        }
        if let Some(t) = f.from {
            $qb.push(" AND p.published_at >= ").push_bind(t);
        }
        if let Some(t) = f.until {
            $qb.push(" AND p.published_at < ").push_bind(t);
        }
        if f.located {
            $qb.push(" AND p.lat IS NOT NULL AND p.lon IS NOT NULL");
        }
        if let Some(ids) = &f.ids {
            if ids.is_empty() {
                $qb.push(" AND 1 = 0");
            } else {
                $qb.push(" AND p.id IN (");
                let mut sep = $qb.separated(", ");
                for id in ids {
                    sep.push_bind(*id);
                }
                $qb.push(")");
            }
        }
    }};
}

impl Store {
    /// A post with its photos, in one transaction; its search terms too. Audited.
    pub async fn portal_create_post(&self, ctx: &AuditContext, post: &NewPost) -> Result<i64> {
        let now = Utc::now();
        let status = if post.publish { "published" } else { "pending" };
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let kim: Option<(String, String, String, String)> = sqlx::query_as(
                "SELECT village_code, district_code, regency_code, province_code FROM kims WHERE id = $1")
                .bind(post.kim_id).fetch_optional(&mut *tx).await?;
            let (village, district, regency, province) = kim.ok_or(StoreError::NotFound)?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO portal_posts (kim_id, author_id, kind, category, title, body_md, body_html, summary, topics, \
                 place_name, price_range, opening_hours, contact, lat, lon, status, village_code, district_code, regency_code, \
                 province_code, published_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22) RETURNING id")
                .bind(post.kim_id).bind(post.author_id).bind(&post.kind).bind(&post.category).bind(&post.title)
                .bind(&post.body_md).bind(&post.body_html).bind(&post.summary).bind(&post.topics)
                .bind(&post.place_name).bind(&post.price_range).bind(&post.opening_hours).bind(&post.contact)
                .bind(post.lat).bind(post.lon).bind(status).bind(&village).bind(&district).bind(&regency).bind(&province)
                .bind(post.publish.then_some(now)).bind(now)
                .fetch_one(&mut *tx).await?;
            for (i, photo) in post.photos.iter().enumerate() {
                insert_photo!(tx, id, i as i64, photo, post.author_id, now);
            }
            write_terms!(tx, id, &post.terms);
            let region = RegionCode::parse(&village).ok();
            let event = AuditEvent::new("portal.create", "portal_post", id)
                .in_region(region)
                .with_summary(json!({"after": {"kim": post.kim_id, "kind": post.kind, "status": status, "photos": post.photos.len()}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn portal_post(&self, id: i64) -> Result<PostRecord> {
        let sql = format!("SELECT {POST_COLUMNS} FROM portal_posts p JOIN kims k ON k.id = p.kim_id WHERE p.id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    pub async fn portal_photos(&self, post_id: i64) -> Result<Vec<PhotoRecord>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT post_id, position, small_file_id, large_file_id, width, height, caption, alt \
             FROM portal_post_photos WHERE post_id = $1 ORDER BY position")
            .bind(post_id).fetch_all(p).await?))
    }

    /// The first photo of each of these posts (for lists and previews).
    pub async fn portal_cover_photos(&self, post_ids: &[i64]) -> Result<Vec<PhotoRecord>> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new("SELECT post_id, position, small_file_id, large_file_id, width, height, caption, alt \
                FROM portal_post_photos WHERE position = 0 AND post_id IN (");
            let mut sep = qb.separated(", ");
            for id in post_ids {
                sep.push_bind(*id);
            }
            qb.push(")");
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// The post a photo file belongs to.
    pub async fn portal_photo_post(&self, file_id: i64) -> Result<i64> {
        with_pool!(self, p => sqlx::query_scalar(
            "SELECT post_id FROM portal_post_photos WHERE small_file_id = $1 OR large_file_id = $1")
            .bind(file_id).fetch_optional(p).await?)
        .ok_or(StoreError::NotFound)
    }

    /// Published, visible posts matching `f`, newest first; and how many there are.
    /// The posts of a filter, newest first, and how many there are, counted up to
    /// [`POST_COUNT_CAP`] + 1 (more than the cap: "more than 10,000").
    pub async fn portal_posts(
        &self,
        f: &PostFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<PostRecord>, i64)> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("SELECT {POST_COLUMNS} FROM portal_posts p JOIN kims k ON k.id = p.kim_id"));
            push_post_filter!(qb, f);
            qb.push(" ORDER BY p.published_at DESC, p.id DESC LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
            let rows: Vec<PostRecord> = qb.build_query_as().fetch_all(p).await?;
            // Counted up to POST_COUNT_CAP + 1 only: the exact number of a million posts costs a
            // read of each, and a page says "more than 10,000" as well.
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM portal_posts p");
            push_post_filter!(qb, f);
            qb.push(" LIMIT ").push_bind(POST_COUNT_CAP + 1).push(") c");
            let total: i64 = qb.build_query_scalar().fetch_one(p).await?;
            Ok((rows, total))
        })
    }

    /// The posts among `ids` (search hits) that pass the filter, in no order: the caller
    /// ranks them. Without an ORDER BY the database reads them by id; ordered by date it
    /// could walk the date index of a million posts looking for them.
    pub async fn portal_posts_among(&self, f: &PostFilter, ids: &[i64]) -> Result<Vec<PostRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let f = PostFilter {
            ids: Some(ids.to_vec()),
            ..f.clone()
        };
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("SELECT {POST_COLUMNS} FROM portal_posts p JOIN kims k ON k.id = p.kim_id"));
            push_post_filter!(qb, &f);
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// Every published, visible post id with its last change (for the sitemap), newest first.
    pub async fn portal_sitemap(&self, limit: i64) -> Result<Vec<(i64, DateTime<Utc>)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, updated_at FROM portal_posts WHERE status = 'published' AND hidden = $1 ORDER BY id DESC LIMIT $2")
            .bind(false).bind(limit).fetch_all(p).await?))
    }

    /// Posts after `after` in id order, `limit` of them, with what their search terms are made
    /// of: (id, title, place name, body, topics). For re-indexing.
    pub async fn portal_posts_to_index(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String, String, String, String)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, title, place_name, body_md, topics FROM portal_posts WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after).bind(limit).fetch_all(p).await?))
    }

    /// Replace posts' search terms, a batch in one transaction (derived data: re-indexing changes
    /// no content, and is not audit-logged).
    pub async fn portal_replace_terms(&self, posts: &[(i64, Vec<(String, i64)>)]) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for (post_id, terms) in posts {
                write_terms!(tx, *post_id, terms);
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The search index's rows of one post: (stemmed term, weight).
    pub async fn portal_post_terms(&self, post_id: i64) -> Result<Vec<(String, i64)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT term, weight FROM portal_terms WHERE post_id = $1 ORDER BY term")
            .bind(post_id).fetch_all(p).await?))
    }

    /// For BM25's IDF: each term's document frequency and the number of posts (approximately:
    /// the highest id, read from the end of the primary key; a COUNT would read a million rows).
    /// A term in more than `cap` posts has its frequency estimated from how densely the newest
    /// `cap` of them are spread over the ids: counting a common word's postings reads them all.
    pub async fn portal_term_stats(&self, terms: &[String], cap: i64) -> Result<(Vec<i64>, i64)> {
        with_pool!(self, p => {
            let n: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM portal_posts").fetch_one(p).await?;
            let n = n.unwrap_or(0);
            let mut df = Vec::with_capacity(terms.len());
            for t in terms {
                let oldest: Option<i64> = sqlx::query_scalar(
                    "SELECT post_id FROM portal_terms WHERE term = $1 ORDER BY post_id DESC LIMIT 1 OFFSET $2")
                    .bind(t).bind(cap - 1).fetch_optional(p).await?;
                let d = match oldest {
                    Some(oldest) => (cap.saturating_mul(n) / (n - oldest + 1).max(1)).max(cap),
                    None => sqlx::query_scalar("SELECT COUNT(*) FROM portal_terms WHERE term = $1")
                        .bind(t).fetch_one(p).await?,
                };
                df.push(d);
            }
            Ok((df, n))
        })
    }

    /// Search: the ids of the `hits` best posts passing the filter for these terms, best first,
    /// scored BM25-style in the database (`idf` per term; the weight saturates with k1 = 1.2).
    /// Only ids travel: the caller reads the posts of the page it shows.
    ///
    /// A bounded number of rows is read, however many posts there are and however common the
    /// words:
    /// - with a filter (a region, a KIM, a kind, a category, dates), the filter's newest `cap`
    ///   posts are searched (all of them in a village, a kecamatan or one KIM), read from the
    ///   region index and their terms looked up by key;
    /// - without one, each term's newest `cap` postings are read from the end of the
    ///   (term, post) key and ranked without reading a post; the best `hits` are then checked
    ///   (a hidden or unpublished one drops out).
    pub async fn portal_rank(
        &self,
        terms: &[(String, f64)],
        f: &PostFilter,
        cap: i64,
        hits: i64,
    ) -> Result<Vec<i64>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        with_pool!(self, p => {
            // Each posting's share of the score: idf · w(k1 + 1) / (w + k1).
            const SHARE: &str = "CAST(t.weight AS DOUBLE PRECISION) * 2.2 / (CAST(t.weight AS DOUBLE PRECISION) + 1.2)";
            let mut qb;
            if f.narrows() {
                qb = QueryBuilder::new("SELECT t.post_id FROM (SELECT p.id FROM portal_posts p");
                push_post_filter!(qb, f);
                qb.push(" ORDER BY p.published_at DESC LIMIT ").push_bind(cap);
                // CROSS JOIN: SQLite keeps the order written (the filter's posts first, their
                // terms by key), where it might otherwise read every posting of a common word.
                qb.push(") c CROSS JOIN portal_terms t WHERE t.post_id = c.id AND t.term IN (");
                let mut sep = qb.separated(", ");
                for (term, _) in terms {
                    sep.push_bind(term.clone());
                }
                qb.push(") GROUP BY t.post_id ORDER BY SUM(CASE t.term");
                for (term, idf) in terms {
                    qb.push(" WHEN ").push_bind(term.clone()).push(" THEN ").push_bind(*idf);
                }
                qb.push(format!(" END * {SHARE}) DESC, t.post_id DESC LIMIT ")).push_bind(hits);
            } else {
                qb = QueryBuilder::new("SELECT r.post_id FROM (SELECT t.post_id, SUM(t.s) AS score FROM (");
                for (i, (term, idf)) in terms.iter().enumerate() {
                    if i > 0 {
                        qb.push(" UNION ALL ");
                    }
                    qb.push("SELECT * FROM (SELECT t.post_id, ").push_bind(*idf)
                        .push(format!(" * {SHARE} AS s FROM portal_terms t WHERE t.term = ")).push_bind(term.clone())
                        .push(" ORDER BY t.post_id DESC LIMIT ").push_bind(cap)
                        .push(format!(") t{i}"));
                }
                qb.push(") t GROUP BY t.post_id ORDER BY score DESC, t.post_id DESC LIMIT ")
                    .push_bind(hits)
                    .push(") r JOIN portal_posts p ON p.id = r.post_id");
                push_post_filter!(qb, f);
                qb.push(" ORDER BY r.score DESC, r.post_id DESC");
            }
            Ok(qb.build_query_scalar().fetch_all(p).await?)
        })
    }

    /// Posts waiting for the review of an office covering `territory`, oldest first.
    pub async fn portal_pending(
        &self,
        territory: &simpul_core::ScopeRegions,
        limit: i64,
    ) -> Result<Vec<PostRecord>> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("SELECT {POST_COLUMNS} FROM portal_posts p JOIN kims k ON k.id = p.kim_id WHERE p.status = 'pending'"));
            crate::filter::push_territory(&mut qb, "p.village_code", territory);
            qb.push(" ORDER BY p.created_at, p.id LIMIT ").push_bind(limit);
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// Every post of these KIMs, whatever its status (the writers' own list), newest first.
    pub async fn portal_kim_posts(&self, kims: &[i64], limit: i64) -> Result<Vec<PostRecord>> {
        if kims.is_empty() {
            return Ok(Vec::new());
        }
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("SELECT {POST_COLUMNS} FROM portal_posts p JOIN kims k ON k.id = p.kim_id WHERE p.kim_id IN ("));
            let mut sep = qb.separated(", ");
            for k in kims {
                sep.push_bind(*k);
            }
            qb.push(") ORDER BY p.created_at DESC, p.id DESC LIMIT ").push_bind(limit);
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// Publish a pending post or send it back with a note. Audited.
    pub async fn portal_review(
        &self,
        ctx: &AuditContext,
        id: i64,
        publish: bool,
        note: &str,
    ) -> Result<()> {
        let now = Utc::now();
        let status = if publish { "published" } else { "sent_back" };
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let (current, village): (String, String) = sqlx::query_as("SELECT status, village_code FROM portal_posts WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            if current != "pending" {
                return Err(StoreError::Conflict(format!("post {id} is {current}")));
            }
            sqlx::query("UPDATE portal_posts SET status = $1, review_note = $2, published_at = $3, updated_at = $4 WHERE id = $5")
                .bind(status).bind(note).bind(publish.then_some(now)).bind(now).bind(id).execute(&mut *tx).await?;
            let action = if publish { "portal.publish" } else { "portal.send_back" };
            let event = AuditEvent::new(action, "portal_post", id)
                .in_region(RegionCode::parse(&village).ok())
                .with_summary(json!({"before": {"status": current}, "after": {"status": status, "note": note}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// A corrected post back to review: its text, terms and photos replaced (kept photos keep
    /// their files; replaced ones are deleted), pending again. Only a post sent back. Audited.
    pub async fn portal_resubmit(
        &self,
        ctx: &AuditContext,
        id: i64,
        post: &NewPost,
        photos: &[PhotoSlot],
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let (status, village, note): (String, String, String) = sqlx::query_as(
                "SELECT status, village_code, review_note FROM portal_posts WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            if status != "sent_back" {
                return Err(StoreError::Conflict(format!("post {id} is {status}")));
            }
            sqlx::query("UPDATE portal_posts SET kind = $1, category = $2, title = $3, body_md = $4, body_html = $5, summary = $6, \
                         topics = $7, place_name = $8, price_range = $9, opening_hours = $10, contact = $11, lat = $12, lon = $13, \
                         status = 'pending', review_note = '', updated_at = $14 WHERE id = $15")
                .bind(&post.kind).bind(&post.category).bind(&post.title).bind(&post.body_md).bind(&post.body_html)
                .bind(&post.summary).bind(&post.topics).bind(&post.place_name).bind(&post.price_range)
                .bind(&post.opening_hours).bind(&post.contact).bind(post.lat).bind(post.lon).bind(now).bind(id)
                .execute(&mut *tx).await?;
            write_terms!(tx, id, &post.terms);
            let old: Vec<PhotoRecord> = sqlx::query_as(
                "SELECT post_id, position, small_file_id, large_file_id, width, height, caption, alt \
                 FROM portal_post_photos WHERE post_id = $1 ORDER BY position")
                .bind(id).fetch_all(&mut *tx).await?;
            sqlx::query("DELETE FROM portal_post_photos WHERE post_id = $1").bind(id).execute(&mut *tx).await?;
            let mut kept = Vec::new();
            for (i, slot) in photos.iter().enumerate() {
                match slot {
                    PhotoSlot::Keep { position, caption, alt } => {
                        let Some(o) = old.iter().find(|o| o.position == *position) else { continue };
                        sqlx::query("INSERT INTO portal_post_photos (post_id, position, small_file_id, large_file_id, width, height, caption, alt) \
                                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                            .bind(id).bind(i as i64).bind(o.small_file_id).bind(o.large_file_id).bind(o.width).bind(o.height)
                            .bind(caption).bind(alt).execute(&mut *tx).await?;
                        kept.push(o.position);
                    }
                    PhotoSlot::New(photo) => insert_photo!(tx, id, i as i64, photo, post.author_id, now),
                }
            }
            for o in old.iter().filter(|o| !kept.contains(&o.position)) {
                sqlx::query("DELETE FROM files WHERE id = $1 OR id = $2")
                    .bind(o.small_file_id).bind(o.large_file_id).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("portal.resubmit", "portal_post", id)
                .in_region(RegionCode::parse(&village).ok())
                .with_summary(json!({"before": {"status": status, "note": note, "photos": old.len()},
                                     "after": {"status": "pending", "photos": photos.len(), "replaced": old.len() - kept.len()}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Add a photo at the end of a post that has fewer than `max`. Audited.
    pub async fn portal_add_photo(
        &self,
        ctx: &AuditContext,
        id: i64,
        photo: &NewPhoto,
        max: i64,
        author: i64,
    ) -> Result<PhotoRecord> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let village: String = sqlx::query_scalar("SELECT village_code FROM portal_posts WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            let (count, last): (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MAX(position) FROM portal_post_photos WHERE post_id = $1")
                .bind(id).fetch_one(&mut *tx).await?;
            if count >= max {
                return Err(StoreError::Conflict(format!("post {id} has {count} photos")));
            }
            let position = last.map_or(0, |l| l + 1);
            insert_photo!(tx, id, position, photo, Some(author), now);
            sqlx::query("UPDATE portal_posts SET updated_at = $1 WHERE id = $2").bind(now).bind(id).execute(&mut *tx).await?;
            let event = AuditEvent::new("portal.photo_add", "portal_post", id)
                .in_region(RegionCode::parse(&village).ok())
                .with_summary(json!({"after": {"position": position, "photos": count + 1}}));
            audit_in_tx!(tx, ctx, &event);
            let record: PhotoRecord = sqlx::query_as(
                "SELECT post_id, position, small_file_id, large_file_id, width, height, caption, alt \
                 FROM portal_post_photos WHERE post_id = $1 AND position = $2")
                .bind(id).bind(position).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(record)
        })
    }

    /// Hide a post (with the reason) or restore it; its reports are resolved. Audited.
    pub async fn portal_set_hidden(
        &self,
        ctx: &AuditContext,
        id: i64,
        hidden: bool,
        reason: &str,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let (was, village): (bool, String) = sqlx::query_as("SELECT hidden, village_code FROM portal_posts WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            sqlx::query("UPDATE portal_posts SET hidden = $1, hidden_reason = $2, updated_at = $3 WHERE id = $4")
                .bind(hidden).bind(reason).bind(now).bind(id).execute(&mut *tx).await?;
            sqlx::query("UPDATE portal_reports SET resolved = $1 WHERE post_id = $2")
                .bind(true).bind(id).execute(&mut *tx).await?;
            let action = if hidden { "portal.hide" } else { "portal.restore" };
            let event = AuditEvent::new(action, "portal_post", id)
                .in_region(RegionCode::parse(&village).ok())
                .with_summary(json!({"before": {"hidden": was}, "after": {"hidden": hidden, "reason": reason}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// A reader's report about a published post. Audited (without who: readers are anonymous).
    pub async fn portal_report(
        &self,
        ctx: &AuditContext,
        id: i64,
        reason: &str,
        detail: &str,
    ) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let village: String = sqlx::query_scalar("SELECT village_code FROM portal_posts WHERE id = $1 AND status = 'published' AND hidden = $2")
                .bind(id).bind(false).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            let rid: i64 = sqlx::query_scalar("INSERT INTO portal_reports (post_id, reason, detail, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(id).bind(reason).bind(detail).bind(now).fetch_one(&mut *tx).await?;
            let event = AuditEvent::new("portal.report", "portal_post", id)
                .in_region(RegionCode::parse(&village).ok())
                .with_summary(json!({"after": {"reason": reason}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(rid)
        })
    }

    /// Open reports about posts inside `territory`, newest first.
    pub async fn portal_open_reports(
        &self,
        territory: &simpul_core::ScopeRegions,
        limit: i64,
    ) -> Result<Vec<ReportRecord>> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new("SELECT r.id, r.post_id, p.title, r.reason, r.detail, r.created_at FROM portal_reports r \
                JOIN portal_posts p ON p.id = r.post_id WHERE r.resolved = ");
            qb.push_bind(false);
            crate::filter::push_territory(&mut qb, "p.village_code", territory);
            qb.push(" ORDER BY r.id DESC LIMIT ").push_bind(limit);
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// Re-share a published post on a KIM's page (once per KIM). Audited.
    pub async fn portal_reshare(
        &self,
        ctx: &AuditContext,
        post_id: i64,
        kim_id: i64,
        user_id: Option<i64>,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let own: i64 = sqlx::query_scalar("SELECT kim_id FROM portal_posts WHERE id = $1 AND status = 'published' AND hidden = $2")
                .bind(post_id).bind(false).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            if own == kim_id {
                return Err(StoreError::Conflict("own post".into()));
            }
            let village: String = sqlx::query_scalar("SELECT village_code FROM kims WHERE id = $1")
                .bind(kim_id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            let done = sqlx::query("INSERT INTO portal_reshares (post_id, kim_id, user_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (post_id, kim_id) DO NOTHING")
                .bind(post_id).bind(kim_id).bind(user_id).bind(now).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("already re-shared".into()));
            }
            sqlx::query("UPDATE portal_posts SET reshares = reshares + 1 WHERE id = $1").bind(post_id).execute(&mut *tx).await?;
            let event = AuditEvent::new("portal.reshare", "portal_post", post_id)
                .in_region(RegionCode::parse(&village).ok())
                .with_summary(json!({"after": {"kim": kim_id}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Posts re-shared on a KIM's page whose original is still visible, newest first.
    pub async fn portal_reshared_by(&self, kim_id: i64, limit: i64) -> Result<Vec<PostRecord>> {
        let sql = format!("SELECT {POST_COLUMNS} FROM portal_reshares r JOIN portal_posts p ON p.id = r.post_id JOIN kims k ON k.id = p.kim_id \
            WHERE r.kim_id = $1 AND p.status = 'published' AND p.hidden = $2 ORDER BY r.created_at DESC LIMIT $3");
        Ok(
            with_pool!(self, p => sqlx::query_as(&sql).bind(kim_id).bind(false).bind(limit).fetch_all(p).await?),
        )
    }

    /// The KIMs that re-shared a post.
    pub async fn portal_resharers(&self, post_id: i64) -> Result<Vec<ReshareRecord>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT r.post_id, r.kim_id, k.name AS kim_name, r.created_at FROM portal_reshares r JOIN kims k ON k.id = r.kim_id \
             WHERE r.post_id = $1 ORDER BY r.created_at")
            .bind(post_id).fetch_all(p).await?))
    }

    /// Good practice: the most re-shared visible posts of a province since `since`.
    pub async fn portal_good_practice(
        &self,
        province: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PostRecord>> {
        let sql = format!("SELECT {POST_COLUMNS} FROM portal_posts p JOIN kims k ON k.id = p.kim_id \
            WHERE p.province_code = $1 AND p.status = 'published' AND p.hidden = $2 AND p.reshares > 0 AND p.published_at >= $3 \
            ORDER BY p.reshares DESC, p.published_at DESC LIMIT $4");
        Ok(
            with_pool!(self, p => sqlx::query_as(&sql).bind(province).bind(false).bind(since).bind(limit).fetch_all(p).await?),
        )
    }

    /// Whether a KIM publishes without review.
    pub async fn portal_is_trusted(&self, kim_id: i64) -> Result<bool> {
        let n: i64 = with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM portal_trusted_kims WHERE kim_id = $1")
            .bind(kim_id).fetch_one(p).await?);
        Ok(n > 0)
    }

    /// The office's setting for one KIM: trusted (publishes directly) or reviewed. Audited.
    pub async fn portal_set_trusted(
        &self,
        ctx: &AuditContext,
        kim_id: i64,
        region: &RegionCode,
        trusted: bool,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            if trusted {
                sqlx::query("INSERT INTO portal_trusted_kims (kim_id, set_by, created_at) VALUES ($1, $2, $3) ON CONFLICT (kim_id) DO NOTHING")
                    .bind(kim_id).bind(ctx.actor_id).bind(now).execute(&mut *tx).await?;
            } else {
                sqlx::query("DELETE FROM portal_trusted_kims WHERE kim_id = $1").bind(kim_id).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("portal.settings", "kim", kim_id)
                .in_region(Some(region.clone()))
                .with_summary(json!({"after": {"trusted": trusted}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Aspirations

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AspirationRecord {
    pub id: i64,
    pub code: String,
    pub category: String,
    pub description: String,
    pub region_code: String,
    pub regency_code: String,
    pub office_code: String,
    #[serde(skip)]
    pub contact_sealed: String,
    pub kim_id: Option<i64>,
    pub submitted_by: Option<i64>,
    pub status: String,
    pub answer: String,
    pub due_at: DateTime<Utc>,
    pub escalated: bool,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

const ASPIRATION_COLUMNS: &str =
    "id, code, category, description, region_code, regency_code, office_code, contact_sealed, \
    kim_id, submitted_by, status, answer, due_at, escalated, created_at, answered_at, updated_at";

#[derive(Debug, Clone, Default)]
pub struct NewAspiration {
    pub code: String,
    pub category: String,
    pub description: String,
    pub region_code: String,
    pub regency_code: String,
    pub office_code: String,
    pub contact_sealed: String,
    pub kim_id: Option<i64>,
    pub submitted_by: Option<i64>,
    pub due_at: DateTime<Utc>,
    /// Re-encoded JPEG photos.
    pub photos: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AspirationEvent {
    pub id: i64,
    pub aspiration_id: i64,
    pub action: String,
    pub note: String,
    pub office_code: String,
    pub created_at: DateTime<Utc>,
}

/// The job kind that tells a citizen without an account (payload `{"notice_id": …}`); its
/// handler is in the application layer.
pub const TELL_JOB: &str = "aspiration.tell";

/// The job that sends notice `id`.
pub fn tell_job(id: i64) -> crate::jobs::NewJob<'static> {
    crate::jobs::NewJob {
        kind: TELL_JOB,
        payload: json!({ "notice_id": id }),
        created_by: None,
        max_attempts: 8,
        dedupe_key: Some(format!("aspiration-notice:{id}")),
    }
}

/// One telling of a citizen: on which channel, and how it went (never the address).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AspirationNotice {
    pub id: i64,
    pub aspiration_id: i64,
    pub event_id: i64,
    /// The action told (answered, forwarded, closed).
    pub action: String,
    pub note: String,
    pub channel: String,
    pub status: String,
    pub error: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const NOTICE_COLUMNS: &str =
    "n.id, n.aspiration_id, n.event_id, e.action, e.note, n.channel, n.status, \
    n.error, n.created_at, n.sent_at";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RouteRecord {
    pub id: i64,
    pub category: String,
    pub region_code: String,
    pub office_code: String,
    pub target_days: i64,
}

/// Counts for the administrators' statistics.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AspirationStats {
    /// (status, count)
    pub by_status: Vec<(String, i64)>,
    /// (kabupaten/kota code, category, count)
    pub by_region: Vec<(String, String, i64)>,
    /// Answered ones: how many, and their mean time to the answer in hours.
    pub answered: i64,
    pub mean_hours: f64,
    pub overdue: i64,
}

impl Store {
    /// A citizen's aspiration with its photos and the first entry of its history. Audited.
    pub async fn aspiration_create(&self, ctx: &AuditContext, a: &NewAspiration) -> Result<i64> {
        use sha2::Digest;
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO aspirations (code, category, description, region_code, regency_code, office_code, contact_sealed, \
                 kim_id, submitted_by, status, due_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'received', $10, $11, $11) RETURNING id")
                .bind(&a.code).bind(&a.category).bind(&a.description).bind(&a.region_code).bind(&a.regency_code)
                .bind(&a.office_code).bind(&a.contact_sealed).bind(a.kim_id).bind(a.submitted_by).bind(a.due_at).bind(now)
                .fetch_one(&mut *tx).await?;
            for (i, data) in a.photos.iter().enumerate() {
                let file: i64 = sqlx::query_scalar(
                    "INSERT INTO files (kind, content_type, filename, size, sha256, data, created_by, created_at) \
                     VALUES ('aspiration_photo', 'image/jpeg', $1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(format!("aspirasi-{id}-{i}.jpg")).bind(data.len() as i64)
                    .bind(hex::encode(sha2::Sha256::digest(data))).bind(data).bind(a.submitted_by).bind(now)
                    .fetch_one(&mut *tx).await?;
                sqlx::query("INSERT INTO aspiration_photos (aspiration_id, position, file_id) VALUES ($1, $2, $3)")
                    .bind(id).bind(i as i64).bind(file).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO aspiration_events (aspiration_id, action, note, office_code, created_at) VALUES ($1, 'received', '', $2, $3)")
                .bind(id).bind(&a.office_code).bind(now).execute(&mut *tx).await?;
            let event = AuditEvent::new("aspiration.submit", "aspiration", id)
                .in_region(RegionCode::parse(&a.region_code).ok())
                .with_summary(json!({"after": {"category": a.category, "office": a.office_code, "photos": a.photos.len()}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn aspiration(&self, id: i64) -> Result<AspirationRecord> {
        let sql = format!("SELECT {ASPIRATION_COLUMNS} FROM aspirations WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    pub async fn aspiration_by_code(&self, code: &str) -> Result<AspirationRecord> {
        let sql = format!("SELECT {ASPIRATION_COLUMNS} FROM aspirations WHERE code = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(code).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    pub async fn aspiration_events(&self, id: i64) -> Result<Vec<AspirationEvent>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, aspiration_id, action, note, office_code, created_at FROM aspiration_events WHERE aspiration_id = $1 ORDER BY id")
            .bind(id).fetch_all(p).await?))
    }

    /// File ids of an aspiration's photos.
    pub async fn aspiration_photos(&self, id: i64) -> Result<Vec<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT file_id FROM aspiration_photos WHERE aspiration_id = $1 ORDER BY position")
            .bind(id).fetch_all(p).await?))
    }

    /// Aspirations routed to offices inside `offices`, open ones first (oldest due first).
    pub async fn aspirations_for(
        &self,
        offices: &simpul_core::ScopeRegions,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AspirationRecord>> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("SELECT {ASPIRATION_COLUMNS} FROM aspirations WHERE 1 = 1"));
            crate::filter::push_territory(&mut qb, "office_code", offices);
            if let Some(s) = status {
                qb.push(" AND status = ").push_bind(s.to_owned());
            }
            qb.push(" ORDER BY CASE WHEN status IN ('received', 'forwarded') THEN 0 ELSE 1 END, due_at, id LIMIT ").push_bind(limit);
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    /// The office answers, forwards (to `office`, with a new due date) or closes. Audited; the
    /// history entry is what the citizen's tracking page shows.
    pub async fn aspiration_act(
        &self,
        ctx: &AuditContext,
        id: i64,
        action: &str,
        note: &str,
        forward_to: Option<(&RegionCode, DateTime<Utc>)>,
        tell: Option<&str>,
    ) -> Result<AspirationRecord> {
        let now = Utc::now();
        let status = match action {
            "answer" => "answered",
            "forward" => "forwarded",
            "close" => "closed",
            other => return Err(StoreError::Invalid(format!("unknown action {other}"))),
        };
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let sql = format!("SELECT {ASPIRATION_COLUMNS} FROM aspirations WHERE id = $1");
            let before: AspirationRecord = sqlx::query_as(&sql).bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            if before.status == "closed" {
                return Err(StoreError::Conflict(format!("aspiration {id} is closed")));
            }
            let office = forward_to.map(|f| f.0.to_string()).unwrap_or_else(|| before.office_code.clone());
            let due = forward_to.map(|f| f.1).unwrap_or(before.due_at);
            let answer = if action == "answer" { note.to_owned() } else { before.answer.clone() };
            let answered_at = if action == "answer" { before.answered_at.or(Some(now)) } else { before.answered_at };
            sqlx::query("UPDATE aspirations SET status = $1, office_code = $2, due_at = $3, answer = $4, answered_at = $5, \
                         escalated = $6, updated_at = $7 WHERE id = $8")
                .bind(status).bind(&office).bind(due).bind(&answer).bind(answered_at)
                .bind(if action == "forward" { false } else { before.escalated }).bind(now).bind(id)
                .execute(&mut *tx).await?;
            let event_id: i64 = sqlx::query_scalar("INSERT INTO aspiration_events (aspiration_id, action, note, office_code, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(id).bind(status).bind(note).bind(&office).bind(now).fetch_one(&mut *tx).await?;
            if let Some(channel) = tell {
                // The citizen is told by a job (a slow gateway never holds the office up), queued
                // with the action so neither happens without the other.
                let notice: i64 = sqlx::query_scalar("INSERT INTO aspiration_notices (aspiration_id, event_id, channel, status, created_at) \
                    VALUES ($1, $2, $3, 'queued', $4) RETURNING id")
                    .bind(id).bind(event_id).bind(channel).bind(now).fetch_one(&mut *tx).await?;
                crate::jobs::enqueue_in_tx!(tx, &tell_job(notice));
            }
            let audit_action = match action {
                "answer" => "aspiration.answer",
                "forward" => "aspiration.forward",
                _ => "aspiration.close",
            };
            let event = AuditEvent::new(audit_action, "aspiration", id)
                .in_region(RegionCode::parse(&before.region_code).ok())
                .with_summary(json!({"before": {"status": before.status, "office": before.office_code}, "after": {"status": status, "office": office, "told": tell}}));
            audit_in_tx!(tx, ctx, &event);
            let after: AspirationRecord = sqlx::query_as(&sql).bind(id).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(after)
        })
    }

    /// Open aspirations past their due date, not yet escalated.
    pub async fn aspirations_overdue(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<AspirationRecord>> {
        let sql = format!("SELECT {ASPIRATION_COLUMNS} FROM aspirations WHERE status IN ('received', 'forwarded') AND due_at < $1 AND escalated = $2 ORDER BY due_at LIMIT $3");
        Ok(
            with_pool!(self, p => sqlx::query_as(&sql).bind(now).bind(false).bind(limit).fetch_all(p).await?),
        )
    }

    /// Mark an overdue aspiration escalated (once). Audited. Whether this call did it.
    pub async fn aspiration_escalate(
        &self,
        ctx: &AuditContext,
        id: i64,
        to: &RegionCode,
    ) -> Result<bool> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query("UPDATE aspirations SET escalated = $1, updated_at = $2 WHERE id = $3 AND escalated = $4 AND status IN ('received', 'forwarded')")
                .bind(true).bind(now).bind(id).bind(false).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            sqlx::query("INSERT INTO aspiration_events (aspiration_id, action, note, office_code, created_at) VALUES ($1, 'escalated', '', $2, $3)")
                .bind(id).bind(to.to_string()).bind(now).execute(&mut *tx).await?;
            let event = AuditEvent::new("aspiration.escalate", "aspiration", id)
                .in_region(Some(to.clone()))
                .with_summary(json!({"after": {"escalated_to": to.to_string()}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(true)
        })
    }

    pub async fn aspiration_routes(&self) -> Result<Vec<RouteRecord>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, category, region_code, office_code, target_days FROM aspiration_routes ORDER BY region_code, category, id")
            .fetch_all(p).await?))
    }

    /// Add a routing rule. Audited.
    pub async fn aspiration_route_add(
        &self,
        ctx: &AuditContext,
        category: &str,
        region: &RegionCode,
        office: &RegionCode,
        days: i64,
    ) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO aspiration_routes (category, region_code, office_code, target_days, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(category).bind(region.to_string()).bind(office.to_string()).bind(days).bind(now).fetch_one(&mut *tx).await?;
            let event = AuditEvent::new("aspiration.route", "aspiration_route", id)
                .in_region(Some(region.clone()))
                .with_summary(json!({"after": {"category": category, "region": region.to_string(), "office": office.to_string(), "days": days}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Remove a routing rule. Audited.
    pub async fn aspiration_route_delete(&self, ctx: &AuditContext, id: i64) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let region: String = sqlx::query_scalar("SELECT region_code FROM aspiration_routes WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            sqlx::query("DELETE FROM aspiration_routes WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let event = AuditEvent::new("aspiration.route_delete", "aspiration_route", id)
                .in_region(RegionCode::parse(&region).ok());
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Counts, response times and topics by region of aspirations routed inside `offices`.
    pub async fn aspiration_stats(
        &self,
        offices: &simpul_core::ScopeRegions,
        now: DateTime<Utc>,
    ) -> Result<AspirationStats> {
        with_pool!(self, p => {
            let mut qb = QueryBuilder::new("SELECT status, COUNT(*) FROM aspirations WHERE 1 = 1");
            crate::filter::push_territory(&mut qb, "office_code", offices);
            qb.push(" GROUP BY status ORDER BY status");
            let by_status: Vec<(String, i64)> = qb.build_query_as().fetch_all(p).await?;
            let mut qb = QueryBuilder::new("SELECT regency_code, category, COUNT(*) FROM aspirations WHERE 1 = 1");
            crate::filter::push_territory(&mut qb, "office_code", offices);
            qb.push(" GROUP BY regency_code, category ORDER BY regency_code, COUNT(*) DESC");
            let by_region: Vec<(String, String, i64)> = qb.build_query_as().fetch_all(p).await?;
            let mut qb = QueryBuilder::new("SELECT created_at, answered_at FROM aspirations WHERE answered_at IS NOT NULL");
            crate::filter::push_territory(&mut qb, "office_code", offices);
            let times: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = qb.build_query_as().fetch_all(p).await?;
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM aspirations WHERE status IN ('received', 'forwarded') AND due_at < ");
            qb.push_bind(now);
            crate::filter::push_territory(&mut qb, "office_code", offices);
            let overdue: i64 = qb.build_query_scalar().fetch_one(p).await?;
            let hours: Vec<f64> = times.iter().filter_map(|(c, a)| a.map(|a| (a - *c).num_minutes() as f64 / 60.0)).collect();
            let mean_hours = if hours.is_empty() { 0.0 } else { hours.iter().sum::<f64>() / hours.len() as f64 };
            Ok(AspirationStats { by_status, by_region, answered: hours.len() as i64, mean_hours, overdue })
        })
    }
}

impl Store {
    pub async fn aspiration_notice(&self, id: i64) -> Result<AspirationNotice> {
        let sql = format!("SELECT {NOTICE_COLUMNS} FROM aspiration_notices n JOIN aspiration_events e ON e.id = n.event_id WHERE n.id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    /// How the citizen was told, oldest first.
    pub async fn aspiration_notices(&self, aspiration_id: i64) -> Result<Vec<AspirationNotice>> {
        let sql = format!("SELECT {NOTICE_COLUMNS} FROM aspiration_notices n JOIN aspiration_events e ON e.id = n.event_id \
            WHERE n.aspiration_id = $1 ORDER BY n.id");
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(aspiration_id).fetch_all(p).await?))
    }

    /// Hand an e-mail notice to the mail outbox (with its send job) and mark it sent, in one
    /// transaction; a notice no longer queued (the job ran before a crash) is left alone.
    /// Whether this call queued the mail.
    pub async fn aspiration_notice_mail(
        &self,
        id: i64,
        mail: &crate::outbox::OutgoingMail,
    ) -> Result<bool> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let status: Option<String> = sqlx::query_scalar("SELECT status FROM aspiration_notices WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?;
            if status.as_deref() != Some("queued") {
                return Ok(false);
            }
            let mail_id = crate::outbox::queue_mail_in_tx!(tx, mail, mail.secret.as_deref(), None);
            sqlx::query("UPDATE aspiration_notices SET status = 'sent', mail_id = $1, sent_at = $2 WHERE id = $3")
                .bind(mail_id).bind(now).bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Record how a notice went (`sent` or `failed`, with the reason).
    pub async fn aspiration_notice_mark(&self, id: i64, status: &str, error: &str) -> Result<()> {
        let sent = (status == "sent").then(Utc::now);
        with_pool!(self, p => sqlx::query("UPDATE aspiration_notices SET status = $1, error = $2, sent_at = $3 WHERE id = $4")
            .bind(status).bind(error).bind(sent).bind(id).execute(p).await.map(|_| ())?);
        Ok(())
    }
}
