//! Server-side SVG bar charts for dashboards: no JavaScript, no dependencies, readable on a
//! 360 px phone over a weak connection (a chart is a few kilobytes of markup, gzipped with the
//! page).
//!
//! Every piece of caller text is XML-escaped here, so a template may embed the returned string
//! unescaped (askama `|safe`). The SVG carries a `viewBox` plus `width`/`height` in pixels, so
//! with `svg{max-width:100%;height:auto}` in the stylesheet it shows at natural size on wide
//! screens and shrinks, keeping its proportions, on a 360 px phone. Text is 12 units, so a
//! `width` near 360–480 keeps it legible when shrunk. No `style` attributes are used, only SVG
//! presentation attributes, so the strict CSP (`style-src 'self'`) holds.

use std::fmt::Write;

/// Separator between thousands in numbers drawn on charts (Indonesian style: 83.762).
const GROUP_SEP: char = '.';
/// Shown when there is nothing to draw; the charts take no locale, so both languages.
const NO_DATA: &str = "Tidak ada data · No data";

const FONT_FAMILY: &str = "system-ui, sans-serif";
const FONT_SIZE: f64 = 12.0;
const TITLE_SIZE: f64 = 14.0;
/// Average glyph width of the sans-serif font, used to size the label and total columns.
const CHAR_W: f64 = 0.6 * FONT_SIZE;
const PAD: f64 = 8.0;
const ROW_H: f64 = 22.0;
const BAR_H: f64 = 14.0;
const LEGEND_H: f64 = 18.0;
const SWATCH: f64 = 10.0;
/// Narrower than this and labels and bars no longer fit side by side.
const MIN_WIDTH: u32 = 240;

const TEXT: &str = "#1b1b1b";
const MUTED: &str = "#555";
const PRIMARY: &str = "#0b5d75";
const TRACK: &str = "#e6f1f4";
/// Colours for series that `series_colors` does not name (contrast ≥ 3:1 on white).
const FALLBACK_COLORS: [&str; 6] = [
    "#0b5d75", "#b35c00", "#5b7f2a", "#7a4e9c", "#777777", "#a8323e",
];

/// One row of a stacked bar chart: a label and its parts, e.g. a province and its KIMs by status.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// `(series name, value)`; negative and non-finite values count as zero.
    pub segments: Vec<(String, f64)>,
}

/// `83762` with `'.'` → `"83.762"`.
pub fn format_count(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Horizontal stacked bars, one row per [`Bar`]: label on the left, the segments in the order
/// given, the total at the end. A legend lists the series; `series_colors` maps series names
/// to fill colours, unnamed series get a fallback colour. No bars → a "no data" chart.
pub fn stacked_bar_chart(
    title: &str,
    bars: &[Bar],
    series_colors: &[(&str, &str)],
    width: u32,
) -> String {
    if bars.is_empty() {
        return no_data(title, width);
    }
    let w = f64::from(width.max(MIN_WIDTH));
    let totals: Vec<f64> = bars
        .iter()
        .map(|b| b.segments.iter().map(|(_, v)| clean(*v)).sum())
        .collect();
    let max_total = totals.iter().copied().fold(0.0, f64::max);
    let total_texts: Vec<String> = totals.iter().map(|t| count_text(*t)).collect();

    // Legend order: as configured, then unconfigured series in order of appearance.
    let mut series: Vec<(&str, &str)> = series_colors
        .iter()
        .filter(|(name, _)| {
            bars.iter()
                .any(|b| b.segments.iter().any(|(s, _)| s == name))
        })
        .copied()
        .collect();
    for (name, _) in bars.iter().flat_map(|b| &b.segments) {
        if !series.iter().any(|(s, _)| s == name) {
            let color = FALLBACK_COLORS[series.len() % FALLBACK_COLORS.len()];
            series.push((name.as_str(), color));
        }
    }
    let color_of = |name: &str| {
        series
            .iter()
            .find(|(s, _)| *s == name)
            .map_or(MUTED, |(_, c)| *c)
    };

    let cols = Columns::new(
        w,
        bars.iter().map(|b| b.label.as_str()),
        total_texts.iter().map(String::as_str),
    );
    let legend = legend_layout(&series, w);
    let legend_lines = legend.last().map_or(0.0, |item| item.line + 1.0);
    let rows_top = PAD + TITLE_SIZE + PAD + legend_lines * LEGEND_H + PAD;
    let height = rows_top + ROW_H * bars.len() as f64 + PAD;

    let desc = bars
        .iter()
        .zip(&total_texts)
        .map(|(b, total)| {
            let parts: Vec<String> = b
                .segments
                .iter()
                .map(|(s, v)| format!("{s} {}", count_text(clean(*v))))
                .collect();
            format!("{}: {total} ({})", b.label, parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = Svg::open(title, &desc, w, height);
    svg.title_text(title);
    for item in &legend {
        let y = PAD + TITLE_SIZE + PAD + item.line * LEGEND_H;
        svg.rect(item.x, y, SWATCH, SWATCH, item.color, None);
        svg.text(
            item.x + SWATCH + 4.0,
            y + SWATCH - 1.0,
            "start",
            MUTED,
            item.name,
        );
    }
    for (i, (bar, total)) in bars.iter().zip(&total_texts).enumerate() {
        let top = rows_top + ROW_H * i as f64;
        svg.open_row(&format!("{}: {total}", bar.label));
        svg.text(
            PAD,
            top + ROW_H / 2.0 + 4.0,
            "start",
            TEXT,
            &cols.fit_label(&bar.label),
        );
        let mut x = cols.bar_x;
        for (name, value) in &bar.segments {
            let seg_w = scale(clean(*value), max_total, cols.bar_w);
            if seg_w > 0.0 {
                let tip = format!("{name}: {}", count_text(clean(*value)));
                let y = top + (ROW_H - BAR_H) / 2.0;
                svg.rect(x, y, seg_w, BAR_H, color_of(name), Some(&tip));
                x += seg_w;
            }
        }
        svg.text(x + 4.0, top + ROW_H / 2.0 + 4.0, "start", TEXT, total);
        svg.close_row();
    }
    svg.finish()
}

/// Horizontal bars for shares in `0..=1` (e.g. the share of villages with a KIM): label on the
/// left, a track with the filled share, the percentage at the end. No rows → a "no data" chart.
pub fn percent_bar_chart(title: &str, rows: &[(String, f64)], width: u32) -> String {
    if rows.is_empty() {
        return no_data(title, width);
    }
    let w = f64::from(width.max(MIN_WIDTH));
    let shares: Vec<f64> = rows.iter().map(|(_, s)| clean(*s).min(1.0)).collect();
    let texts: Vec<String> = shares.iter().map(|s| percent_text(*s)).collect();
    let cols = Columns::new(
        w,
        rows.iter().map(|(l, _)| l.as_str()),
        std::iter::once("100%"),
    );
    let rows_top = PAD + TITLE_SIZE + PAD;
    let height = rows_top + ROW_H * rows.len() as f64 + PAD;
    let desc = rows
        .iter()
        .zip(&texts)
        .map(|((label, _), text)| format!("{label}: {text}"))
        .collect::<Vec<_>>()
        .join("; ");

    let mut svg = Svg::open(title, &desc, w, height);
    svg.title_text(title);
    for (i, ((label, _), (share, text))) in rows.iter().zip(shares.iter().zip(&texts)).enumerate() {
        let top = rows_top + ROW_H * i as f64;
        let y = top + (ROW_H - BAR_H) / 2.0;
        svg.open_row(&format!("{label}: {text}"));
        svg.text(
            PAD,
            top + ROW_H / 2.0 + 4.0,
            "start",
            TEXT,
            &cols.fit_label(label),
        );
        svg.rect(cols.bar_x, y, cols.bar_w, BAR_H, TRACK, None);
        let fill = scale(*share, 1.0, cols.bar_w);
        if fill > 0.0 {
            svg.rect(cols.bar_x, y, fill, BAR_H, PRIMARY, None);
        }
        let end = cols.bar_x + cols.bar_w + 4.0;
        svg.text(end, top + ROW_H / 2.0 + 4.0, "start", TEXT, text);
        svg.close_row();
    }
    svg.finish()
}

fn no_data(title: &str, width: u32) -> String {
    let w = f64::from(width.max(MIN_WIDTH));
    let height = PAD + TITLE_SIZE + PAD + ROW_H + PAD;
    let mut svg = Svg::open(title, NO_DATA, w, height);
    svg.title_text(title);
    svg.text(w / 2.0, height - PAD - 6.0, "middle", MUTED, NO_DATA);
    svg.finish()
}

/// Negative, NaN and infinite values draw as nothing rather than breaking the layout.
fn clean(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v
    } else {
        0.0
    }
}

fn scale(value: f64, max: f64, span: f64) -> f64 {
    if max > 0.0 {
        value / max * span
    } else {
        0.0
    }
}

fn count_text(v: f64) -> String {
    // Saturating cast: counts beyond u64 are not a concern, NaN was cleaned to 0 before.
    format_count(v.round() as u64, GROUP_SEP)
}

/// Whole percentages; `<1%` and `>99%` so a tiny share never reads as none (or all).
fn percent_text(share: f64) -> String {
    match share {
        s if s <= 0.0 => "0%".to_owned(),
        s if s < 0.01 => "<1%".to_owned(),
        s if s >= 1.0 => "100%".to_owned(),
        s if s > 0.99 => ">99%".to_owned(),
        s => format!("{}%", (s * 100.0).round()),
    }
}

/// Horizontal layout of a row: label column, bar span, room for the text after the bar.
struct Columns {
    label_chars: usize,
    bar_x: f64,
    bar_w: f64,
}

impl Columns {
    fn new<'a>(
        width: f64,
        labels: impl Iterator<Item = &'a str>,
        ends: impl Iterator<Item = &'a str>,
    ) -> Self {
        let longest = labels.map(|l| l.chars().count()).max().unwrap_or(0);
        let label_chars = longest.clamp(4, (((width * 0.4) / CHAR_W) as usize).max(4));
        let end_w = ends.map(|t| t.chars().count()).max().unwrap_or(0) as f64 * CHAR_W + 4.0;
        let bar_x = PAD + label_chars as f64 * CHAR_W + PAD;
        let bar_w = (width - bar_x - end_w - PAD).max(0.0);
        Columns {
            label_chars,
            bar_x,
            bar_w,
        }
    }

    /// Labels that do not fit are cut with an ellipsis; the row's tooltip has the full text.
    fn fit_label(&self, label: &str) -> String {
        if label.chars().count() <= self.label_chars {
            label.to_owned()
        } else {
            let mut cut: String = label.chars().take(self.label_chars - 1).collect();
            cut.push('…');
            cut
        }
    }
}

struct LegendItem<'a> {
    name: &'a str,
    color: &'a str,
    x: f64,
    line: f64,
}

/// Legend entries flow left to right and wrap onto new lines on narrow charts.
fn legend_layout<'a>(series: &[(&'a str, &'a str)], width: f64) -> Vec<LegendItem<'a>> {
    let (mut x, mut line) = (PAD, 0.0);
    let mut items = Vec::with_capacity(series.len());
    for (name, color) in series {
        let item_w = SWATCH + 4.0 + name.chars().count() as f64 * CHAR_W;
        if x > PAD && x + item_w > width - PAD {
            x = PAD;
            line += 1.0;
        }
        items.push(LegendItem {
            name,
            color,
            x,
            line,
        });
        x += item_w + 12.0;
    }
    items
}

/// Writes SVG markup; every text and attribute value passes through [`escape_into`].
struct Svg {
    out: String,
}

impl Svg {
    fn open(title: &str, desc: &str, width: f64, height: f64) -> Self {
        let mut out = String::with_capacity(4096);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{w}\" \
             height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"",
            w = num(width),
            h = num(height)
        );
        escape_into(&mut out, title);
        let _ = write!(
            out,
            "\" font-family=\"{FONT_FAMILY}\" font-size=\"{FONT_SIZE}\"><title>"
        );
        escape_into(&mut out, title);
        out.push_str("</title><desc>");
        escape_into(&mut out, desc);
        out.push_str("</desc>");
        Svg { out }
    }

    fn title_text(&mut self, title: &str) {
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{TITLE_SIZE}\" font-weight=\"bold\" fill=\"{TEXT}\">",
            num(PAD),
            num(PAD + TITLE_SIZE)
        );
        escape_into(&mut self.out, title);
        self.out.push_str("</text>");
    }

    fn text(&mut self, x: f64, y: f64, anchor: &str, fill: &str, content: &str) {
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"",
            num(x),
            num(y)
        );
        escape_into(&mut self.out, fill);
        self.out.push_str("\">");
        escape_into(&mut self.out, content);
        self.out.push_str("</text>");
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, tooltip: Option<&str>) {
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"",
            num(x),
            num(y),
            num(w),
            num(h)
        );
        escape_into(&mut self.out, fill);
        match tooltip {
            Some(tip) => {
                self.out.push_str("\"><title>");
                escape_into(&mut self.out, tip);
                self.out.push_str("</title></rect>");
            }
            None => self.out.push_str("\"/>"),
        }
    }

    /// A row is a group whose `<title>` is the tooltip for the whole row.
    fn open_row(&mut self, tooltip: &str) {
        self.out.push_str("<g><title>");
        escape_into(&mut self.out, tooltip);
        self.out.push_str("</title>");
    }

    fn close_row(&mut self) {
        self.out.push_str("</g>");
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// Coordinates with at most one decimal: enough on screen, fewer bytes over the wire.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Escapes for both text and double- or single-quoted attributes, and drops the control
/// characters XML 1.0 forbids so the output stays well-formed when served as a file.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if u32::from(c) < 0x20 => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Just enough of an XML check for our own output: tags balance, attribute values are
    /// quoted, and every `&` starts one of the entities we emit.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(lt) = rest.find('<') {
            assert_entities(&rest[..lt]);
            let gt = rest[lt..].find('>').expect("unclosed tag") + lt;
            let tag = &rest[lt + 1..gt];
            assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
            assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
            assert_entities(tag);
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().expect("tag name"));
            }
            rest = &rest[gt + 1..];
        }
        assert_entities(rest);
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    }

    fn assert_entities(s: &str) {
        for (i, _) in s.match_indices('&') {
            let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"];
            assert!(ok.iter().any(|e| s[i..].starts_with(e)), "bare '&' in {s}");
        }
    }

    /// Widths of the `<rect>`s filled with `fill`, in document order.
    fn rect_widths(svg: &str, fill: &str) -> Vec<f64> {
        svg.split("<rect ")
            .skip(1)
            .filter(|r| r.contains(&format!("fill=\"{fill}\"")))
            .map(|r| {
                let w = r.split("width=\"").nth(1).expect("width");
                w[..w.find('"').expect("quote")].parse().expect("number")
            })
            .collect()
    }

    fn bar(label: &str, segments: &[(&str, f64)]) -> Bar {
        Bar {
            label: label.to_owned(),
            segments: segments
                .iter()
                .map(|(s, v)| ((*s).to_owned(), *v))
                .collect(),
        }
    }

    const STATUS_COLORS: [(&str, &str); 2] = [("Aktif", "#0b5d75"), ("Tidak aktif", "#777")];

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(format_count(0, '.'), "0");
        assert_eq!(format_count(999, '.'), "999");
        assert_eq!(format_count(1_000, '.'), "1.000");
        assert_eq!(format_count(83_762, '.'), "83.762");
        assert_eq!(format_count(1_234_567, ','), "1,234,567");
        assert_eq!(format_count(100_000, '\u{202f}'), "100\u{202f}000");
        assert_eq!(format_count(u64::MAX, '.'), "18.446.744.073.709.551.615");
    }

    #[test]
    fn stacked_chart_is_accessible_well_formed_svg() {
        let bars = [
            bar(
                "Jawa Tengah",
                &[("Aktif", 83_762.0), ("Tidak aktif", 1_200.0)],
            ),
            bar("Bali", &[("Aktif", 700.0)]),
        ];
        let svg = stacked_bar_chart("KIM per provinsi", &bars, &STATUS_COLORS, 360);

        assert_well_formed(&svg);
        assert!(svg.contains("viewBox=\"0 0 360 "));
        assert!(svg.contains("role=\"img\" aria-label=\"KIM per provinsi\""));
        assert!(svg.contains("<title>KIM per provinsi</title>"));
        assert!(
            svg.contains(">84.962</text>"),
            "total with Indonesian grouping"
        );
        assert!(svg.contains(">Tidak aktif</text>"), "legend entry");
        assert!(!svg.contains("style="), "no style attributes under the CSP");
    }

    #[test]
    fn every_text_is_escaped() {
        let evil = "<script>alert('x')</script> & \"co\"";
        let bars = [bar(evil, &[(evil, 3.0)])];
        let stacked = stacked_bar_chart(evil, &bars, &[(evil, "\"><script>")], 360);
        let percent = percent_bar_chart(evil, &[(evil.to_owned(), 0.5)], 360);

        for svg in [&stacked, &percent] {
            assert_well_formed(svg);
            assert!(svg
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"));
            assert!(!svg.contains("<script"), "{svg}");
        }
    }

    #[test]
    fn control_characters_are_dropped() {
        let svg = percent_bar_chart("a\u{0}b\u{1b}c", &[], 360);
        assert_well_formed(&svg);
        assert!(svg.contains("<title>abc</title>"));
    }

    #[test]
    fn empty_input_renders_a_no_data_chart() {
        for svg in [
            stacked_bar_chart("Kosong", &[], &STATUS_COLORS, 360),
            percent_bar_chart("Kosong", &[], 360),
        ] {
            assert_well_formed(&svg);
            assert!(svg.contains(NO_DATA));
            assert!(svg.contains("role=\"img\""));
            assert!(!svg.contains("<rect"));
        }
    }

    #[test]
    fn zero_and_invalid_values_draw_no_bars_but_keep_the_rows() {
        let bars = [
            bar("Desa A", &[("Aktif", 0.0)]),
            bar("Desa B", &[("Aktif", -5.0), ("Tidak aktif", f64::NAN)]),
        ];
        let svg = stacked_bar_chart("Nol", &bars, &STATUS_COLORS, 360);

        assert_well_formed(&svg);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(
            rect_widths(&svg, "#0b5d75").len() == 1,
            "only the legend swatch"
        );
        assert_eq!(svg.matches(">0</text>").count(), 2);
    }

    #[test]
    fn stacked_segments_scale_with_their_values() {
        let bars = [
            bar("A", &[("Aktif", 40.0), ("Tidak aktif", 10.0)]),
            bar("B", &[("Aktif", 20.0)]),
        ];
        let svg = stacked_bar_chart("Skala", &bars, &STATUS_COLORS, 400);

        // The first teal rect is the legend swatch.
        let teal = rect_widths(&svg, "#0b5d75");
        let grey = rect_widths(&svg, "#777");
        let (a_active, b_active, a_inactive) = (teal[1], teal[2], grey[1]);
        assert!(
            (a_active - 2.0 * b_active).abs() < 0.2,
            "{a_active} vs {b_active}"
        );
        assert!(
            (a_active - 4.0 * a_inactive).abs() < 0.2,
            "{a_active} vs {a_inactive}"
        );
        assert!(a_active + a_inactive < 400.0);
    }

    #[test]
    fn unconfigured_series_get_a_fallback_colour_and_a_legend_entry() {
        let bars = [bar("A", &[("Aktif", 1.0), ("Baru", 1.0)])];
        let svg = stacked_bar_chart("Seri", &bars, &STATUS_COLORS, 360);

        assert!(svg.contains(">Baru</text>"));
        assert!(
            !svg.contains(">Tidak aktif</text>"),
            "absent series are not listed"
        );
        assert_eq!(rect_widths(&svg, FALLBACK_COLORS[1]).len(), 2);
    }

    #[test]
    fn long_labels_are_cut_with_the_full_text_in_the_tooltip() {
        let long = "Kabupaten Kepulauan Siau Tagulandang Biaro";
        let svg = percent_bar_chart("Cakupan", &[(long.to_owned(), 0.3)], 360);

        assert!(svg.contains(&format!("<title>{long}: 30%</title>")));
        assert!(svg.contains("…</text>"));
    }

    #[test]
    fn percent_bars_scale_and_clamp() {
        let rows = [
            ("Separuh".to_owned(), 0.5),
            ("Seperempat".to_owned(), 0.25),
            ("Lebih".to_owned(), 1.7),
            ("Sedikit".to_owned(), 0.004),
            ("Hampir".to_owned(), 0.996),
            ("Rusak".to_owned(), f64::NAN),
        ];
        let svg = percent_bar_chart("Cakupan desa", &rows, 360);

        assert_well_formed(&svg);
        let fills = rect_widths(&svg, PRIMARY);
        let track = rect_widths(&svg, TRACK)[0];
        assert!((fills[0] - 2.0 * fills[1]).abs() < 0.2);
        assert!((fills[2] - track).abs() < 0.01, "clamped to 100%");
        assert_eq!(fills.len(), 5, "no fill for NaN");
        for text in [">50%<", ">25%<", ">100%<", ">&lt;1%<", ">&gt;99%<", ">0%<"] {
            assert!(svg.contains(text), "missing {text}");
        }
    }

    #[test]
    fn tiny_widths_still_lay_out() {
        let svg = percent_bar_chart("Sempit", &[("A".to_owned(), 0.5)], 10);
        assert!(svg.contains(&format!("viewBox=\"0 0 {MIN_WIDTH} ")));
        assert!(rect_widths(&svg, PRIMARY)[0] > 0.0);
    }
}
