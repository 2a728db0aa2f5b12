//! Certificates: a participant who attended at least the organiser's share of the agenda gets a
//! PDF (A4 landscape, Bahasa Indonesia) with their name, the event, its dates, the hours
//! attended and a verification code with its QR, checked by anyone on the public page
//! `/sertifikat/<code>`.
//!
//! Written with printpdf (a real PDF writer, pure Rust): the bundled DejaVu Sans (regular and
//! bold) is embedded as a subset, so names in any Latin script render and a certificate stays
//! a few dozen kilobytes; the QR is drawn as vector squares (sharp at any print size). Text is
//! centred by measuring it with the same font's advances (ab_glyph).

use crate::error::{AppError, AppResult};
use crate::AppCtx;
use ab_glyph::{Font, FontRef};
use chrono::Utc;
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;
use simpul_core::calendar::Zone;
use simpul_core::events::{certificate_code, earned_certificate};
use simpul_core::RegionCode;
use simpul_store::events::{EventRecord, RegistrationRecord};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// What a certificate says.
#[derive(Debug, Clone)]
pub struct CertificateText {
    pub name: String,
    pub event_title: String,
    pub kind_label: String,
    /// What the certificate is for, when not taking part in an event (an award's place).
    pub reason: Option<String>,
    pub dates: String,
    pub hours: String,
    pub organiser: String,
    pub code: String,
    pub verify_url: String,
}

/// Whether a registration earned a certificate: confirmed, the event over, and enough of the
/// agenda attended. Returns the minutes attended.
pub async fn eligible(
    ctx: &AppCtx,
    e: &EventRecord,
    r: &RegistrationRecord,
) -> AppResult<Option<i64>> {
    if r.status != "confirmed" || Utc::now() < e.ends_at {
        return Ok(None);
    }
    let sessions = ctx.store.event_sessions(e.id).await?;
    let attended = ctx.store.checked_sessions(r.id).await?;
    let (mine, total) = super::report::attended_minutes(&sessions, &attended);
    Ok(earned_certificate(mine, total, e.min_attendance).then_some(mine))
}

/// "12–13 Maret 2026" / "12 Maret 2026".
pub fn date_range(e: &EventRecord) -> String {
    let zone = Zone::of(RegionCode::parse(&e.region_code).ok().as_ref());
    let s = e.starts_at.with_timezone(&zone.offset()).date_naive();
    let end = e.ends_at.with_timezone(&zone.offset()).date_naive();
    let long = |d| simpul_core::calendar::long_date(d, "id");
    if s == end {
        long(s)
    } else {
        format!("{} – {}", long(s), long(end))
    }
}

/// Issue (first time) and render the signed-in participant's certificate.
pub async fn for_participant(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    event_id: i64,
) -> AppResult<(String, Vec<u8>)> {
    let e = ctx.store.event(event_id).await?;
    let Some(r) = ctx.store.registration_of(event_id, who.user_id).await? else {
        return Err(AppError::NotFound);
    };
    let Some(minutes) = eligible(ctx, &e, &r).await? else {
        return Err(AppError::invalid("", "events.error_no_certificate"));
    };
    let code = match &r.certificate_code {
        Some(c) => c.clone(),
        None => {
            let fresh = certificate_code(&ctx.config.secret.0, r.id, &r.ticket_nonce);
            ctx.store.issue_certificate(audit, r.id, &fresh).await?
        }
    };
    let text = text_of(ctx, &e, &r, minutes, &code).await?;
    let pdf = tokio::task::spawn_blocking(move || render(&text))
        .await
        .map_err(AppError::internal)??;
    Ok((code, pdf))
}

pub async fn text_of(
    ctx: &AppCtx,
    e: &EventRecord,
    r: &RegistrationRecord,
    minutes: i64,
    code: &str,
) -> AppResult<CertificateText> {
    let t = ctx.catalog.messages(crate::Locale::Id);
    let organiser = match RegionCode::parse(&e.region_code) {
        Ok(c) => {
            let index = ctx.regions.index(&ctx.store).await?;
            let name = index.get(&c).map(|x| x.name.clone()).unwrap_or_default();
            t.fmt("events.cert_organiser", &[("region", &name)])
        }
        Err(_) => String::new(),
    };
    let hours = format!("{:.1}", minutes as f64 / 60.0).replace('.', ",");
    Ok(CertificateText {
        name: r.name.clone(),
        event_title: e.title.clone(),
        kind_label: t.get(&format!("events.kind_{}", e.kind)).to_string(),
        reason: None,
        dates: date_range(e),
        hours: t.fmt(
            "events.cert_hours",
            &[("hours", hours.trim_end_matches(",0"))],
        ),
        organiser,
        code: code.to_string(),
        verify_url: format!(
            "{}/sertifikat/{code}",
            ctx.config.base_url.trim_end_matches('/')
        ),
    })
}

/// Width of `text` at `size` points, in millimetres.
fn width_mm(font: &FontRef<'_>, text: &str, size: f32) -> f32 {
    let units = font.units_per_em().unwrap_or(2048.0);
    let w: f32 = text
        .chars()
        .map(|c| font.h_advance_unscaled(font.glyph_id(c)))
        .sum();
    w / units * size * 25.4 / 72.0
}

/// Break `text` into lines no wider than `max_mm`.
fn wrap(font: &FontRef<'_>, text: &str, size: f32, max_mm: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && width_mm(font, &candidate, size) > max_mm {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.truncate(3);
    lines
}

/// Render the PDF (blocking: call from `spawn_blocking`).
pub fn render(c: &CertificateText) -> AppResult<Vec<u8>> {
    use printpdf::{Color, Mm, PdfDocument, Rect, Rgb};
    let (w, h) = (297.0_f32, 210.0_f32);
    let (doc, page, layer) =
        PdfDocument::new(format!("Sertifikat {}", c.code), Mm(w), Mm(h), "sertifikat");
    let regular = doc
        .add_external_font_with_subsetting(std::io::Cursor::new(REGULAR), true)
        .map_err(AppError::internal)?;
    let bold = doc
        .add_external_font_with_subsetting(std::io::Cursor::new(BOLD), true)
        .map_err(AppError::internal)?;
    let measure_regular = FontRef::try_from_slice(REGULAR).map_err(AppError::internal)?;
    let measure_bold = FontRef::try_from_slice(BOLD).map_err(AppError::internal)?;
    let l = doc.get_page(page).get_layer(layer);
    // A border in the province's blue.
    l.set_outline_color(Color::Rgb(Rgb::new(0.05, 0.27, 0.55, None)));
    l.set_outline_thickness(3.0);
    l.add_rect(
        Rect::new(Mm(10.0), Mm(10.0), Mm(w - 10.0), Mm(h - 10.0))
            .with_mode(printpdf::path::PaintMode::Stroke),
    );
    l.set_fill_color(Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)));
    let centred = |text: &str, size: f32, y: f32, is_bold: bool| {
        let (font, m) = if is_bold {
            (&bold, &measure_bold)
        } else {
            (&regular, &measure_regular)
        };
        let x = (w - width_mm(m, text, size)) / 2.0;
        l.use_text(text, size, Mm(x.max(15.0)), Mm(y), font);
    };
    centred("SERTIFIKAT", 34.0, 170.0, true);
    centred(&c.organiser, 12.0, 160.0, false);
    centred("diberikan kepada", 13.0, 145.0, false);
    let mut y = 130.0;
    for line in wrap(&measure_bold, &c.name, 26.0, 230.0) {
        centred(&line, 26.0, y, true);
        y -= 11.0;
    }
    y -= 2.0;
    let reason = match &c.reason {
        Some(r) => r.clone(),
        None => format!(
            "atas partisipasinya sebagai peserta {}",
            c.kind_label.to_lowercase()
        ),
    };
    centred(&reason, 13.0, y, false);
    y -= 10.0;
    for line in wrap(&measure_bold, &c.event_title, 17.0, 230.0) {
        centred(&line, 17.0, y, true);
        y -= 8.0;
    }
    centred(&format!("{} · {}", c.dates, c.hours), 12.0, y - 2.0, false);
    // The verification block: QR at the bottom right, the code and address beside it.
    let code =
        qrcode::QrCode::with_error_correction_level(c.verify_url.as_bytes(), qrcode::EcLevel::M)
            .map_err(AppError::internal)?;
    let n = code.width();
    let side = 32.0_f32;
    let module = side / n as f32;
    let (x0, y0) = (w - 20.0 - side, 18.0_f32);
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (cx, cy) = ((i % n) as f32, (i / n) as f32);
            let x = x0 + cx * module;
            let top = y0 + side - cy * module;
            l.add_rect(Rect::new(Mm(x), Mm(top - module), Mm(x + module), Mm(top)));
        }
    }
    l.use_text(
        format!("Kode verifikasi: {}", c.code),
        10.0,
        Mm(20.0),
        Mm(30.0),
        &bold,
    );
    l.use_text(
        "Periksa keaslian sertifikat ini di:",
        9.0,
        Mm(20.0),
        Mm(24.0),
        &regular,
    );
    l.use_text(c.verify_url.as_str(), 9.0, Mm(20.0), Mm(19.0), &regular);
    doc.save_to_bytes().map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_is_a_small_real_pdf() {
        let pdf = render(&CertificateText {
            name: "Siti Nurhaliza Rahmawati".into(),
            event_title:
                "Forum Kemitraan KIM Jawa Timur 2026: Literasi Digital dan Ketahanan Informasi Desa"
                    .into(),
            kind_label: "Forum".into(),
            reason: None,
            dates: "12 – 13 Maret 2026".into(),
            hours: "12 jam".into(),
            organiser: "Dinas Kominfo Jawa Timur".into(),
            code: "S-0123456789AB".into(),
            verify_url: "https://simpul.example/sertifikat/S-0123456789AB".into(),
        })
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // Kept for a look (pdftoppm renders it): the layout is checked by eye, not by a test.
        let _ = std::fs::write(
            std::env::temp_dir().join("simpul-certificate-sample.pdf"),
            &pdf,
        );
        assert!(
            pdf.len() < 200_000,
            "subset fonts keep it small: {}",
            pdf.len()
        );
    }
}
