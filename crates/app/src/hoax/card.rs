//! The shareable image card of a clarification: a 1080×1080 PNG a KIM can post in its WhatsApp
//! groups, with the verdict stamp, the claim, the short clarification, and a QR code and link to
//! the public page. Drawn on the server (no browser, no JavaScript) with the bundled DejaVu Sans
//! Bold font (Bitstream Vera licence, `assets/fonts/DejaVu-LICENSE.txt`).

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use image::{Rgb, RgbImage};
use std::io::Cursor;
use std::sync::OnceLock;

pub const SIDE: u32 = 1080;
const MARGIN: i32 = 72;

static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

fn font() -> &'static FontRef<'static> {
    static F: OnceLock<FontRef<'static>> = OnceLock::new();
    F.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).expect("bundled font parses"))
}

/// What goes on a card (already localized).
#[derive(Debug, Clone)]
pub struct CardText<'a> {
    /// The verdict as people read it: "HOAKS".
    pub label: &'a str,
    /// The label says the claim is true (green stamp instead of red).
    pub is_true: bool,
    /// "Klaim", "Faktanya" and similar headings.
    pub claim_heading: &'a str,
    pub claim: &'a str,
    pub summary_heading: &'a str,
    pub summary: &'a str,
    /// The absolute link to the public page (also in the QR code).
    pub link: &'a str,
    /// "Simpul · Cek hoaks" or the office's name.
    pub footer: &'a str,
}

fn blend(img: &mut RgbImage, x: i32, y: i32, color: [u8; 3], alpha: f32) {
    if x < 0 || y < 0 || x >= img.width() as i32 || y >= img.height() as i32 {
        return;
    }
    let p = img.get_pixel_mut(x as u32, y as u32);
    for (channel, c) in p.0.iter_mut().zip(color) {
        *channel = (f32::from(c) * alpha + f32::from(*channel) * (1.0 - alpha)).round() as u8;
    }
}

fn text_width(text: &str, size: f32) -> f32 {
    let f = font().as_scaled(PxScale::from(size));
    text.chars().map(|c| f.h_advance(f.glyph_id(c))).sum()
}

/// Draw one line with its baseline at `y`.
fn draw_line(img: &mut RgbImage, text: &str, x: i32, y: i32, size: f32, color: [u8; 3]) {
    let scaled = font().as_scaled(PxScale::from(size));
    let mut caret = x as f32;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        let glyph = id.with_scale_and_position(PxScale::from(size), point(caret, y as f32));
        caret += scaled.h_advance(id);
        if let Some(outline) = font().outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, cov| {
                blend(
                    img,
                    b.min.x as i32 + gx as i32,
                    b.min.y as i32 + gy as i32,
                    color,
                    cov.min(1.0),
                );
            });
        }
    }
}

/// Words wrapped to `width` pixels, at most `max_lines` (the last cut with "…").
fn wrap(text: &str, size: f32, width: f32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if text_width(&candidate, size) <= width || cur.is_empty() {
            cur = candidate;
        } else {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines > 0");
        while !last.is_empty() && text_width(&format!("{last}…"), size) > width {
            last.pop();
        }
        last.push('…');
    }
    // A single word longer than the line: cut it.
    for l in &mut lines {
        while text_width(l, size) > width && l.chars().count() > 1 {
            l.pop();
        }
    }
    lines
}

fn fill(img: &mut RgbImage, x0: u32, y0: u32, w: u32, h: u32, color: [u8; 3]) {
    for y in y0..(y0 + h).min(img.height()) {
        for x in x0..(x0 + w).min(img.width()) {
            img.put_pixel(x, y, Rgb(color));
        }
    }
}

fn draw_qr(img: &mut RgbImage, link: &str, x0: u32, y0: u32, side: u32) {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M)
    else {
        return;
    };
    let n = code.width() as u32;
    let quiet = 2;
    let module = side / (n + 2 * quiet);
    if module == 0 {
        return;
    }
    let total = module * (n + 2 * quiet);
    fill(img, x0, y0, total, total, [255, 255, 255]);
    let colors = code.to_colors();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i as u32 % n, i as u32 / n);
            fill(
                img,
                x0 + (mx + quiet) * module,
                y0 + (my + quiet) * module,
                module,
                module,
                [0, 0, 0],
            );
        }
    }
}

/// The card as PNG bytes.
pub fn render(card: &CardText<'_>) -> Vec<u8> {
    let mut img = RgbImage::from_pixel(SIDE, SIDE, Rgb([250, 250, 247]));
    let stamp = if card.is_true {
        [21, 128, 61]
    } else {
        [185, 28, 28]
    };
    let ink = [17, 24, 39];
    let grey = [75, 85, 99];
    fill(&mut img, 0, 0, SIDE, 200, stamp);
    let label_size = if text_width(card.label, 110.0) > (SIDE as f32 - 2.0 * MARGIN as f32) {
        72.0
    } else {
        110.0
    };
    draw_line(
        &mut img,
        card.label,
        MARGIN,
        145,
        label_size,
        [255, 255, 255],
    );

    let width = SIDE as f32 - 2.0 * MARGIN as f32;
    let mut y = 270;
    draw_line(&mut img, card.claim_heading, MARGIN, y, 30.0, grey);
    y += 56;
    for line in wrap(card.claim, 42.0, width, 4) {
        draw_line(&mut img, &line, MARGIN, y, 42.0, ink);
        y += 54;
    }
    y += 30;
    draw_line(&mut img, card.summary_heading, MARGIN, y, 30.0, grey);
    y += 52;
    for line in wrap(card.summary, 36.0, width, 6) {
        draw_line(&mut img, &line, MARGIN, y, 36.0, ink);
        y += 48;
    }
    fill(&mut img, 0, SIDE - 220, SIDE, 220, [229, 231, 235]);
    draw_qr(&mut img, card.link, SIDE - 72 - 190, SIDE - 205, 190);
    for (i, line) in wrap(card.footer, 34.0, width - 240.0, 2).iter().enumerate() {
        draw_line(
            &mut img,
            line,
            MARGIN,
            SIDE as i32 - 150 + i as i32 * 44,
            34.0,
            ink,
        );
    }
    for (i, line) in wrap(card.link, 22.0, width - 240.0, 2).iter().enumerate() {
        draw_line(
            &mut img,
            line,
            MARGIN,
            SIDE as i32 - 60 + i as i32 * 28,
            22.0,
            grey,
        );
    }
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("PNG encodes into memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_is_a_square_png_with_a_red_stamp_for_a_hoax_and_green_for_a_fact() {
        let mut card = CardText {
            label: "HOAKS",
            is_true: false,
            claim_heading: "Klaim",
            claim: &"Vaksin covid mengandung microchip untuk melacak warga ".repeat(8),
            summary_heading: "Faktanya",
            summary: "Vaksin tidak mengandung microchip. BPOM memeriksa semua bahan vaksin.",
            link: "https://simpul.example.go.id/hoax/clarifications/42",
            footer: "Simpul · Cek hoaks",
        };
        let png = render(&card);
        let img = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!((img.width(), img.height()), (SIDE, SIDE));
        assert_eq!(img.get_pixel(5, 5).0, [185, 28, 28]);
        // Text was drawn: the body area is not blank.
        let inked = (280..700)
            .flat_map(|y| (72..1000).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0[0] < 100)
            .count();
        assert!(inked > 2_000, "{inked}");
        card.is_true = true;
        card.label = "FAKTA";
        let img = image::load_from_memory(&render(&card)).unwrap().to_rgb8();
        assert_eq!(img.get_pixel(5, 5).0, [21, 128, 61]);
    }
}
