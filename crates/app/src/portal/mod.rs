//! Village voices (issue 15), the application side: KIM officers and members write posts
//! ([`create_post`]); the kabupaten/kota office reviews them unless it trusts the KIM
//! ([`review`], [`set_trusted`]); readers report posts and the office hides or restores them
//! ([`report`], [`set_hidden`]); KIMs re-share other regions' posts ([`reshare`]); the public
//! searches in Bahasa Indonesia ([`search`]). Citizens' aspirations are in [`aspirations`].

pub mod aspirations;
pub mod content;
pub mod photos;

use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use simpul_core::alerts::text_field;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor};
use simpul_core::portal::{Category, PostKind, ReportReason};
use simpul_core::registry::KimStatus;
use simpul_core::RegionCode;
use simpul_core::Scope;
use simpul_store::portal::{NewPhoto, NewPost, PhotoRecord, PhotoSlot, PostFilter, PostRecord};

/// Photos per post.
pub const MAX_PHOTOS: usize = 6;

/// A post as the phone's form (or an API client) sends it: all text.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PostInput {
    pub kim: String,
    pub kind: String,
    pub category: String,
    pub title: String,
    /// Limited Markdown: paragraphs, **bold**, *italic*, lists, links, headings.
    pub body: String,
    /// Comma-separated topics.
    pub topics: String,
    /// Village potential: the product or place.
    pub place_name: String,
    pub price_range: String,
    pub opening_hours: String,
    pub contact: String,
    pub lat: String,
    pub lon: String,
}

/// An uploaded photo with its caption and required alt text.
#[derive(Debug, Clone, Default)]
pub struct PhotoInput {
    pub bytes: Vec<u8>,
    pub caption: String,
    pub alt: String,
}

/// The KIMs this person writes for (officer or member grants on a KIM).
pub fn writing_kims(who: &Actor) -> Vec<i64> {
    let mut out: Vec<i64> = who
        .grants
        .iter()
        .filter_map(|g| match g.scope {
            Scope::Kim(k) if who.can(Action::WritePost { kim_id: k }) => Some(k),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn point(lat: &str, lon: &str) -> Result<Option<(f64, f64)>, ()> {
    match (lat.trim(), lon.trim()) {
        ("", "") => Ok(None),
        (a, b) => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(a), Ok(b)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&b) => {
                Ok(Some((a, b)))
            }
            _ => Err(()),
        },
    }
}

/// Check one photo (alt text required, lengths) and resize it; the error is the field's.
fn photo(p: &PhotoInput) -> Result<NewPhoto, FieldError> {
    let alt = p.alt.trim();
    if alt.is_empty() {
        return Err(FieldError::new("alt", "portal.error_alt"));
    }
    if alt.chars().count() > 300 || p.caption.chars().count() > 300 {
        return Err(FieldError::new("alt", "alerts.error_too_long"));
    }
    let r = photos::resize(&p.bytes).map_err(|key| FieldError::new("photos", key))?;
    Ok(NewPhoto {
        small: r.small,
        large: r.large,
        width: i64::from(r.width),
        height: i64::from(r.height),
        caption: p.caption.trim().to_owned(),
        alt: alt.to_owned(),
    })
}

/// Check the text of a post field by field (pushing every problem onto `errors`) and render it:
/// the post without its photos, pending review.
fn check_text(input: &PostInput, kim_id: i64, errors: &mut Vec<FieldError>) -> NewPost {
    let kind = PostKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", "portal.error_kind"));
    }
    let category = Category::parse(input.category.trim());
    if category.is_none() {
        errors.push(FieldError::new("category", "portal.error_category"));
    }
    let mut text = |field: &'static str, value: &str, max: usize, required: bool| {
        if !required && value.trim().is_empty() {
            return String::new();
        }
        text_field(value, max).unwrap_or_else(|key| {
            errors.push(FieldError::new(field, key));
            String::new()
        })
    };
    let title = text("title", &input.title, 150, true);
    let body = text("body", &input.body, 10_000, true);
    let topics = text("topics", &input.topics, 200, false);
    let potential = kind == Some(PostKind::Potential);
    let place_name = text("place_name", &input.place_name, 150, potential);
    let price_range = text("price_range", &input.price_range, 100, false);
    let opening_hours = text("opening_hours", &input.opening_hours, 100, false);
    let contact = text("contact", &input.contact, 100, false);
    let location = point(&input.lat, &input.lon).unwrap_or_else(|_| {
        errors.push(FieldError::new("lat", "portal.error_point"));
        None
    });
    let only_potential = |v: String| if potential { v } else { String::new() };
    NewPost {
        kim_id,
        kind: kind.unwrap_or(PostKind::News).as_str().into(),
        category: category.unwrap_or(Category::Public).as_str().into(),
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
        place_name: only_potential(place_name),
        price_range: only_potential(price_range),
        opening_hours: only_potential(opening_hours),
        contact: only_potential(contact),
        lat: location.map(|l| l.0),
        lon: location.map(|l| l.1),
        ..NewPost::default()
    }
}

/// Check the form field by field (every problem at once), render the text, resize the photos
/// and store the post: published at once for a trusted KIM, otherwise waiting for review.
pub async fn create_post(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    input: &PostInput,
    photos: &[PhotoInput],
) -> AppResult<(i64, bool)> {
    let mine = writing_kims(who);
    let kim_id = match input.kim.trim() {
        "" if mine.len() == 1 => mine[0],
        "" if mine.is_empty() => return Err(AppError::Forbidden),
        "" => return Err(AppError::invalid("kim", "portal.error_kim")),
        k => k
            .parse::<i64>()
            .map_err(|_| AppError::invalid("kim", "portal.error_kim"))?,
    };
    // Posting in another KIM's name: refused whatever the form says.
    if !who.can(Action::WritePost { kim_id }) {
        return Err(AppError::Forbidden);
    }
    let kim = ctx.store.kim(kim_id).await?;
    if !KimStatus::parse(&kim.status).is_some_and(|s| s.is_public()) {
        return Err(AppError::invalid("kim", "portal.error_kim_unpublished"));
    }
    let mut errors: Vec<FieldError> = Vec::new();
    let mut post = check_text(input, kim_id, &mut errors);
    let given: Vec<&PhotoInput> = photos.iter().filter(|p| !p.bytes.is_empty()).collect();
    if given.len() > MAX_PHOTOS {
        errors.push(FieldError::new("photos", "portal.error_photo_count"));
    }
    for p in given.iter().take(MAX_PHOTOS) {
        match photo(p) {
            Ok(kept) => post.photos.push(kept),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let trusted = ctx.store.portal_is_trusted(kim_id).await?;
    post.author_id = Some(who.user_id);
    post.publish = trusted;
    let id = ctx.store.portal_create_post(audit, &post).await?;
    Ok((id, trusted))
}

/// A post the office sent back, for one of its KIM's writers to correct.
pub async fn sent_back_post(ctx: &AppCtx, who: &Actor, id: i64) -> AppResult<PostRecord> {
    let post = ctx.store.portal_post(id).await?;
    if !who.can(Action::WritePost {
        kim_id: post.kim_id,
    }) {
        return Err(AppError::Forbidden);
    }
    if post.status != "sent_back" {
        return Err(AppError::Conflict(FieldError::new(
            "",
            "portal.error_not_sent_back",
        )));
    }
    Ok(post)
}

/// Correct a post the office sent back and send it to review again. Photos go by slot: a new
/// photo in a slot replaces the one there (or adds one), an empty slot keeps its photo with the
/// alt text and caption as the form now says them.
pub async fn resubmit(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    input: &PostInput,
    photos: &[PhotoInput],
) -> AppResult<()> {
    let before = sent_back_post(ctx, who, id).await?;
    let current = ctx.store.portal_photos(id).await?;
    let mut errors: Vec<FieldError> = Vec::new();
    let mut post = check_text(input, before.kim_id, &mut errors);
    let mut slots = Vec::new();
    if photos.get(MAX_PHOTOS).is_some_and(|p| !p.bytes.is_empty()) {
        errors.push(FieldError::new("photos", "portal.error_photo_count"));
    }
    for (i, p) in photos.iter().take(MAX_PHOTOS).enumerate() {
        let now = current.iter().find(|c| c.position as usize == i);
        if !p.bytes.is_empty() {
            match photo(p) {
                Ok(new) => slots.push(PhotoSlot::New(new)),
                Err(e) => errors.push(e),
            }
        } else if let Some(c) = now {
            let alt = match p.alt.trim() {
                "" => c.alt.clone(),
                a => a.to_owned(),
            };
            if alt.chars().count() > 300 || p.caption.chars().count() > 300 {
                errors.push(FieldError::new("alt", "alerts.error_too_long"));
            }
            slots.push(PhotoSlot::Keep {
                position: c.position,
                caption: p.caption.trim().to_owned(),
                alt,
            });
        }
    }
    // Slots the form did not send (an API client) keep their photos as they are.
    for c in current
        .iter()
        .filter(|c| c.position as usize >= photos.len().min(MAX_PHOTOS))
    {
        slots.push(PhotoSlot::Keep {
            position: c.position,
            caption: c.caption.clone(),
            alt: c.alt.clone(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    post.author_id = before.author_id;
    ctx.store
        .portal_resubmit(audit, id, &post, &slots)
        .await
        .map_err(|e| match e {
            simpul_store::StoreError::Conflict(_) => {
                AppError::Conflict(FieldError::new("", "portal.error_not_sent_back"))
            }
            other => other.into(),
        })
}

/// Whether this person may add a photo to the post now (checked before an upload is read).
pub async fn may_add_photo(ctx: &AppCtx, who: &Actor, id: i64) -> AppResult<()> {
    let post = ctx.store.portal_post(id).await?;
    if !who.can(Action::WritePost {
        kim_id: post.kim_id,
    }) {
        return Err(AppError::Forbidden);
    }
    if post.status == "published" {
        return Err(AppError::Conflict(FieldError::new(
            "",
            "portal.error_photo_published",
        )));
    }
    Ok(())
}

/// Add a photo (with its alt text) to a post its KIM's writers may still change: waiting for
/// review or sent back. The same limits and EXIF stripping as the phone's form.
pub async fn add_photo(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    input: &PhotoInput,
) -> AppResult<PhotoRecord> {
    may_add_photo(ctx, who, id).await?;
    if input.bytes.is_empty() {
        return Err(AppError::invalid("photo", "portal.error_photo"));
    }
    let new = photo(input).map_err(|e| AppError::Invalid(vec![e]))?;
    ctx.store
        .portal_add_photo(audit, id, &new, MAX_PHOTOS as i64, who.user_id)
        .await
        .map_err(|e| match e {
            simpul_store::StoreError::Conflict(_) => {
                AppError::invalid("photo", "portal.error_photo_count")
            }
            other => other.into(),
        })
}

/// Whether this reader may see the post: published and visible for everyone; otherwise its
/// KIM's writers and the offices that review it.
pub fn may_see(who: Option<&Actor>, p: &PostRecord) -> bool {
    if p.status == "published" && !p.hidden {
        return true;
    }
    let Some(who) = who else { return false };
    may_moderate(who, p) || who.can(Action::WritePost { kim_id: p.kim_id })
}

/// Whether this person reviews and moderates the post (its kabupaten/kota office and above).
pub fn may_moderate(who: &Actor, p: &PostRecord) -> bool {
    RegionCode::parse(&p.village_code).is_ok_and(|v| who.can(Action::ReviewPost { village: &v }))
}

/// Publish a pending post, or send it back with a note saying what to change.
pub async fn review(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    publish: bool,
    note: &str,
) -> AppResult<()> {
    let post = ctx.store.portal_post(id).await?;
    if !may_moderate(who, &post) {
        return Err(AppError::Forbidden);
    }
    let note = note.trim();
    if !publish && note.is_empty() {
        return Err(AppError::invalid("note", "portal.error_note"));
    }
    if note.chars().count() > 1000 {
        return Err(AppError::invalid("note", "alerts.error_too_long"));
    }
    if post.status != "pending" {
        return Err(AppError::Conflict(FieldError::new(
            "",
            "portal.error_not_pending",
        )));
    }
    ctx.store.portal_review(audit, id, publish, note).await?;
    Ok(())
}

/// Hide a post (the reason is required and shown to its writers) or restore it. Re-shares
/// follow: they show the original, so a hidden original disappears from every KIM page.
pub async fn set_hidden(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    hidden: bool,
    reason: &str,
) -> AppResult<()> {
    let post = ctx.store.portal_post(id).await?;
    if !may_moderate(who, &post) {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "portal.error_reason"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("reason", "alerts.error_too_long"));
    }
    ctx.store
        .portal_set_hidden(audit, id, hidden, reason)
        .await?;
    Ok(())
}

/// A reader reports a post.
pub async fn report(
    ctx: &AppCtx,
    audit: &AuditContext,
    id: i64,
    reason: &str,
    detail: &str,
) -> AppResult<()> {
    let reason = ReportReason::parse(reason.trim())
        .ok_or(AppError::invalid("reason", "portal.error_report_reason"))?;
    if detail.chars().count() > 1000 {
        return Err(AppError::invalid("detail", "alerts.error_too_long"));
    }
    ctx.store
        .portal_report(audit, id, reason.as_str(), detail.trim())
        .await?;
    Ok(())
}

/// Re-share another region's post on one's own KIM page (credited to the original KIM).
pub async fn reshare(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    post_id: i64,
    kim_id: i64,
) -> AppResult<()> {
    if !who.can(Action::SharePost { kim_id }) {
        return Err(AppError::Forbidden);
    }
    let post = ctx.store.portal_post(post_id).await?;
    if post.status != "published" || post.hidden {
        return Err(AppError::NotFound);
    }
    let kim = ctx.store.kim(kim_id).await?;
    if kim.village_code == post.village_code {
        return Err(AppError::invalid("kim", "portal.error_same_region"));
    }
    ctx.store
        .portal_reshare(audit, post_id, kim_id, Some(who.user_id))
        .await
        .map_err(|e| match e {
            simpul_store::StoreError::Conflict(_) => {
                AppError::Conflict(FieldError::new("", "portal.error_already_shared"))
            }
            other => other.into(),
        })
}

/// The office's setting: this KIM publishes without review, or not.
pub async fn set_trusted(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    kim_id: i64,
    trusted: bool,
) -> AppResult<()> {
    let kim = ctx.store.kim(kim_id).await?;
    let village = RegionCode::parse(&kim.village_code).map_err(|_| AppError::NotFound)?;
    if !who.can(Action::ReviewPost { village: &village }) {
        return Err(AppError::Forbidden);
    }
    ctx.store
        .portal_set_trusted(audit, kim_id, &village, trusted)
        .await?;
    Ok(())
}

/// A search reads at most this many postings per word (the newest), or searches a filter's
/// newest this many posts (see `Store::portal_rank`). Measured at a million posts (BENCHMARKS.md,
/// "Village voices"): at 10,000 one search cost 130 ms of CPU on SQLite.
const SEARCH_ROWS: i64 = 2_000;
/// At most this many ranked hits are counted and can be paged through.
const SEARCH_HITS: i64 = 500;

/// Search visible posts in Bahasa Indonesia: the query goes through the same normalisation and
/// stemming as the posts ("wisatawan mengunjungi" finds "wisata", "kunjungan"), hits passing the
/// filter are ranked with BM25 over the weighted index in the database, and only the posts of
/// the page asked for are read. Returns them in rank order and how many matched.
/// The setting that holds the normaliser signature the portal's search terms were written with.
const TERMS_SIGNATURE: &str = "portal_terms_signature";

/// Record that every post's search terms were just written by this build's normaliser (the demo
/// and the data generator, after writing their posts), so the start-up pass has nothing to do.
pub async fn mark_terms_current(store: &simpul_store::Store) -> simpul_store::Result<()> {
    store
        .set_setting(TERMS_SIGNATURE, &simpul_core::hoax::normalize::signature())
        .await
}

/// Bring every post's search terms to this build's normaliser
/// ([`simpul_core::hoax::normalize::signature`]): when the signature stored beside them differs
/// (or none is stored), every post is re-indexed, oldest first, 200 posts to a transaction, and
/// the signature is stored last. Run in the background at start; search keeps working meanwhile,
/// a batch at a time moving to the new terms. Two instances starting at once both re-index: the
/// result is the same. Returns how many posts were re-indexed.
pub async fn reindex_if_normaliser_changed(ctx: &AppCtx) -> AppResult<u64> {
    let signature = simpul_core::hoax::normalize::signature();
    if ctx.store.setting(TERMS_SIGNATURE).await?.as_deref() == Some(signature.as_str()) {
        return Ok(0);
    }
    let mut after = 0;
    let mut done = 0u64;
    loop {
        let batch = ctx.store.portal_posts_to_index(after, 200).await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.0;
        let terms: Vec<(i64, Vec<(String, i64)>)> = batch
            .iter()
            .map(|(id, title, place, body, topics)| {
                let text = content::plain_text(body, 20_000);
                (*id, content::index_terms(title, place, &text, topics))
            })
            .collect();
        ctx.store.portal_replace_terms(&terms).await?;
        done += terms.len() as u64;
    }
    ctx.store.set_setting(TERMS_SIGNATURE, &signature).await?;
    Ok(done)
}

pub async fn search(
    ctx: &AppCtx,
    query: &str,
    filter: &PostFilter,
    limit: usize,
    offset: usize,
) -> AppResult<(Vec<PostRecord>, usize)> {
    let mut terms = simpul_core::hoax::normalize::claim_words(query);
    terms.sort();
    terms.dedup();
    terms.truncate(12);
    let (df, n) = ctx.store.portal_term_stats(&terms, SEARCH_ROWS).await?;
    let n = n.max(1) as f64;
    let weighted: Vec<(String, f64)> = terms
        .into_iter()
        .zip(df)
        .map(|(t, d)| {
            let d = d as f64;
            (t, (1.0 + (n - d + 0.5) / (d + 0.5)).ln())
        })
        .collect();
    let ranked = ctx
        .store
        .portal_rank(&weighted, filter, SEARCH_ROWS, SEARCH_HITS)
        .await?;
    let total = ranked.len();
    let page: Vec<i64> = ranked.iter().copied().skip(offset).take(limit).collect();
    let mut posts = ctx.store.portal_posts_among(filter, &page).await?;
    posts.sort_by_key(|p| page.iter().position(|id| *id == p.id));
    Ok((posts, total))
}
