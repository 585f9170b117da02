//! The SVG exporter of the display list: a [`Frame`] as a standalone inline
//! `<svg>` element for the HTML guide and the help site.
//!
//! The element scales to the width of its container (`width="100%"`, the
//! height following from the `viewBox`), is announced as an image with the
//! given alt text (`role="img"`, `aria-label` and `<title>`), and names the
//! theme's regular face first (BIZ UDGothic by default: [`font_stack`]) so
//! the browser sets text with the metrics the layout was computed with. Text runs are placed where the layout put them (each line
//! at its own measured start, the breaks those of the PDF). Every text and
//! attribute value is XML-escaped: clinic data is untrusted.

use super::frame::{Frame, Item, Rgb, Stroke};
use super::pdf::Weight;
use std::fmt::Write as _;

/// The font stack of the default theme's pictures.
const FONT_FAMILY: &str = "\"BIZ UDGothic\",\"BIZ UDゴシック\",\"Noto Sans CJK JP\",sans-serif";

/// The font stack of pictures laid out with a face of `family` (the
/// theme's regular font, [`super::pdf::Fonts::family`]): that family first,
/// then the default theme's. A character that could end the quoted name or
/// the attribute (`"` `'` `\` `<` `>` `&`, controls) is left out of it.
pub fn font_stack(family: &str) -> String {
    match other_family(family) {
        Some(family) => format!("\"{family}\",{FONT_FAMILY}"),
        None => FONT_FAMILY.to_string(),
    }
}

/// The rule that names `family` (the theme's regular face) first in the
/// text of the HTML pages: `--font-first`, which the default theme's
/// `style.css` and `site.css` put before their own fonts. Empty for the
/// default theme's face, which they name first anyway.
pub fn css_font_rule(family: &str) -> String {
    match other_family(family) {
        Some(family) => format!(":root{{--font-first:\"{family}\"}}\n"),
        None => String::new(),
    }
}

/// `family` as a quoted CSS name can hold it in an attribute or a style
/// element (without `"` `'` `\\` `<` `>` `&` and controls), unless empty or
/// the default theme's face.
fn other_family(family: &str) -> Option<String> {
    let family: String = family
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | '\\' | '<' | '>' | '&'))
        .collect();
    let family = family.trim();
    (!family.is_empty() && !FONT_FAMILY.starts_with(&format!("\"{family}\",")))
        .then(|| family.to_string())
}

/// Escapes `s` for XML text and attribute values (the one escaper of HTML output).
pub use crate::render::rich_html::escape;

/// A number with at most two decimals and no trailing zeros.
///
/// The same digits as `format!("{v:.2}")` trimmed, without the float
/// formatter (a tenth of the time; pictures print thousands): an `f32` times
/// 100 is exact in `f64`, and the formatter rounds exact ties to even.
fn n(v: f32) -> Num {
    let v = if v.is_finite() { v } else { 0.0 };
    let hundredths = (f64::from(v) * 100.0).round_ties_even();
    // Beyond i64 (not a coordinate any picture has): the formatter.
    if hundredths.abs() >= 9.0e15 {
        let s = format!("{:.2}", v);
        return Num::Long(s.trim_end_matches('0').trim_end_matches('.').to_string());
    }
    let t = hundredths as i64;
    // Written from the right: the last decimals, the point, the integer
    // part, the sign.
    let mut buf = [0u8; 24];
    let mut at = buf.len();
    let mut put = |b: u8| {
        at -= 1;
        buf[at] = b;
    };
    let a = t.unsigned_abs();
    let (mut int, frac) = (a / 100, a % 100);
    match frac {
        0 => {}
        f if f % 10 == 0 => {
            put(b'0' + (f / 10) as u8);
            put(b'.');
        }
        f => {
            put(b'0' + (f % 10) as u8);
            put(b'0' + (f / 10) as u8);
            put(b'.');
        }
    }
    loop {
        put(b'0' + (int % 10) as u8);
        int /= 10;
        if int == 0 {
            break;
        }
    }
    if t < 0 {
        put(b'-');
    }
    Num::Short(buf, at as u8)
}

/// A number as [`n`] prints it: on the stack (pictures print thousands of
/// them, and a `String` each was an allocation each), or, beyond `i64`
/// hundredths, the formatter's text.
enum Num {
    /// The bytes from the index on (ASCII digits, sign and point).
    Short([u8; 24], u8),
    Long(String),
}

impl Num {
    fn as_str(&self) -> &str {
        match self {
            Num::Short(buf, at) => {
                let bytes = buf.get(usize::from(*at)..).unwrap_or_default();
                std::str::from_utf8(bytes).unwrap_or_default()
            }
            Num::Long(s) => s,
        }
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// True when `text` in an SVG `<text>` shows the same with the default
/// white-space handling as with `xml:space="preserve"`: no space, tab or line
/// break at either end, none next to another, no tab or line break at all.
/// Only such a run is written without the attribute.
fn spaces_keep(text: &str) -> bool {
    let ws = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let mut last_space = true;
    for c in text.chars() {
        if matches!(c, '\t' | '\n' | '\r') || (c == ' ' && last_space) {
            return false;
        }
        last_space = c == ' ';
    }
    !text.ends_with(ws)
}

/// Appends `key` (the attribute's name with ` ` before and `="` after it),
/// the number and the closing quote: pictures print thousands of them, and
/// the formatter's machinery cost more than the digits.
fn num(out: &mut String, key: &str, v: f32) {
    out.push_str(key);
    out.push_str(n(v).as_str());
    out.push('"');
}

/// [`num`] for a colour.
fn colour(out: &mut String, key: &str, c: Rgb) {
    out.push_str(key);
    out.push_str(c.css().as_str());
    out.push('"');
}

fn paint(out: &mut String, fill: Option<Rgb>, stroke: Option<&Stroke>) {
    match fill {
        Some(c) => colour(out, " fill=\"", c),
        None => out.push_str(" fill=\"none\""),
    }
    if let Some(st) = stroke {
        colour(out, " stroke=\"", st.color);
        // 1 is the initial value, and nothing in a picture sets another to
        // inherit: the attribute would say what the renderer does anyway.
        let width = n(st.width);
        if width.as_str() != "1" {
            out.push_str(" stroke-width=\"");
            out.push_str(width.as_str());
            out.push('"');
        }
        if let Some((d, g)) = st.dash {
            out.push_str(" stroke-dasharray=\"");
            out.push_str(n(d).as_str());
            out.push(' ');
            out.push_str(n(g).as_str());
            out.push('"');
        }
    }
}

fn class(out: &mut String, class: &str) {
    if !class.is_empty() {
        out.push_str(" class=\"");
        out.push_str(class);
        out.push('"');
    }
}

/// Renders `frame` as an inline `<svg>` whose accessible name is `alt`, in
/// the default theme's fonts.
pub fn to_svg(frame: &Frame, alt: &str) -> String {
    to_svg_in(frame, alt, FONT_FAMILY)
}

/// [`to_svg`] naming the fonts of `stack` ([`font_stack`]).
pub fn to_svg_in(frame: &Frame, alt: &str, stack: &str) -> String {
    let alt = escape(alt);
    let mut out = String::with_capacity(frame.items.len() * 120 + 512);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tebiki-scene\" viewBox=\"0 0 {w} {h}\" \
         width=\"100%\" preserveAspectRatio=\"xMidYMin meet\" role=\"img\" aria-label=\"{alt}\" \
         style=\"display:block;width:100%;height:auto\" \
         font-family='{ff}' stroke-linecap=\"round\" stroke-linejoin=\"round\">",
        w = n(frame.width),
        h = n(frame.height),
        ff = stack,
    );
    let _ = write!(out, "<title>{alt}</title>");
    items(&mut out, frame);
    out.push_str("</svg>");
    out
}

/// Appends the elements of `frame`'s items.
fn items(out: &mut String, frame: &Frame) {
    for item in &frame.items {
        match item {
            Item::Rect {
                class: c,
                x,
                y,
                w,
                h,
                radius,
                fill,
                stroke,
            } => {
                out.push_str("<rect");
                class(out, c);
                num(out, " x=\"", *x);
                num(out, " y=\"", *y);
                num(out, " width=\"", w.max(0.0));
                num(out, " height=\"", h.max(0.0));
                if *radius > 0.0 {
                    num(out, " rx=\"", *radius);
                }
                paint(out, *fill, stroke.as_ref());
                out.push_str("/>");
            }
            Item::Circle {
                class: c,
                cx,
                cy,
                r,
                fill,
                stroke,
            } => {
                out.push_str("<circle");
                class(out, c);
                num(out, " cx=\"", *cx);
                num(out, " cy=\"", *cy);
                num(out, " r=\"", *r);
                paint(out, *fill, stroke.as_ref());
                out.push_str("/>");
            }
            Item::Path {
                class: c,
                rings,
                closed,
                fill,
                stroke,
            } => {
                if rings.iter().all(Vec::is_empty) {
                    continue;
                }
                out.push_str("<path");
                class(out, c);
                out.push_str(" d=\"");
                for (k, ring) in rings.iter().filter(|r| !r.is_empty()).enumerate() {
                    for (i, (px, py)) in ring.iter().enumerate() {
                        if k > 0 && i == 0 {
                            out.push(' ');
                        }
                        out.push_str(if i == 0 { "M" } else { " L" });
                        out.push_str(n(*px).as_str());
                        out.push(' ');
                        out.push_str(n(*py).as_str());
                    }
                    if *closed {
                        out.push_str(" Z");
                    }
                }
                out.push('"');
                paint(out, fill.filter(|_| *closed), stroke.as_ref());
                out.push_str("/>");
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                color,
                width,
            } => {
                out.push_str("<path d=\"M");
                out.push_str(n(*x1).as_str());
                out.push(' ');
                out.push_str(n(*y1).as_str());
                out.push_str(" L");
                out.push_str(n(*x2).as_str());
                out.push(' ');
                out.push_str(n(*y2).as_str());
                out.push('"');
                paint(out, None, Some(&Stroke::solid(*color, *width)));
                out.push_str("/>");
            }
            Item::Glyphs {
                class: c,
                y,
                size,
                weight,
                color,
                glyphs,
                ..
            } => {
                let Some(first) = glyphs.first() else {
                    continue;
                };
                out.push_str("<text");
                class(out, c);
                num(out, " x=\"", first.x);
                num(out, " y=\"", *y);
                num(out, " font-size=\"", *size);
                colour(out, " fill=\"", *color);
                if *weight == Weight::Bold {
                    out.push_str(" font-weight=\"700\"");
                }
                // The run's text, escaped straight into the page after the
                // tag (the attribute goes in only when its spaces need it).
                let tag_end = out.len();
                out.push('>');
                let mut buf = [0u8; 4];
                for g in glyphs {
                    crate::render::rich_html::escape_into(out, g.text.encode_utf8(&mut buf));
                }
                if !spaces_keep(out.get(tag_end + 1..).unwrap_or_default()) {
                    out.insert_str(tag_end, " xml:space=\"preserve\"");
                }
                out.push_str("</text>");
            }
            Item::Image { x, y, w, h, png } => {
                // Embedded as a data URI so the guide stays one
                // self-contained file.
                use base64::Engine as _;
                out.push_str("<image class=\"screenshot\"");
                num(out, " x=\"", *x);
                num(out, " y=\"", *y);
                num(out, " width=\"", *w);
                num(out, " height=\"", *h);
                out.push_str(if crate::render::pdf::is_jpeg(png) {
                    " preserveAspectRatio=\"none\" href=\"data:image/jpeg;base64,"
                } else {
                    " preserveAspectRatio=\"none\" href=\"data:image/png;base64,"
                });
                base64::engine::general_purpose::STANDARD.encode_string(png.as_slice(), out);
                out.push_str("\"/>");
            }
            Item::Group {
                x, y, scale, frame, ..
            } => {
                let _ = write!(
                    out,
                    "<g transform=\"translate({} {}) scale({})\">",
                    n(*x),
                    n(*y),
                    scale
                );
                items(out, frame);
                out.push_str("</g>");
            }
            // Page furniture that pictures do not use: callout icons and
            // link areas are PDF-only.
            Item::Icon { .. } | Item::Link { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    /// [`n`] prints what the float formatter printed (two decimals, ties to
    /// even, trailing zeros and a negative zero dropped).
    #[test]
    fn numbers_print_as_the_float_formatter_did() {
        let old = |v: f32| {
            let s = format!("{:.2}", v);
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" {
                "0".to_string()
            } else {
                s.to_string()
            }
        };
        let mut vals: Vec<f32> = vec![
            0.0,
            -0.0,
            0.004,
            -0.004,
            0.005,
            -0.005,
            0.015,
            0.025,
            0.125,
            0.375,
            1.005,
            2.675,
            10.0,
            10.5,
            -10.25,
            99.995,
            123456.78,
            -0.001,
            1e-9,
            7.0e6,
            f32::NAN,
            f32::INFINITY,
        ];
        let mut x: u32 = 12345;
        for _ in 0..200_000 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            vals.push((x as f32 / u32::MAX as f32 - 0.5) * 4000.0);
            vals.push((x % 400_000) as f32 / 400.0 - 500.0);
            vals.push(f32::from_bits(x % 0x4b00_0000));
        }
        for v in vals {
            let v2 = if v.is_finite() { v } else { 0.0 };
            assert_eq!(super::n(v).to_string(), old(v2), "{v:?}");
        }
    }

    use super::*;
    use crate::eval::guide::Shown;
    use crate::render::pdf::test_fonts;
    use crate::scene::build::tests::{usage_form, wrong_line_form};
    use crate::scene::{SceneOptions, screen_alt};

    fn screen_scene(s: &crate::eval::guide::GuideScreen, o: &SceneOptions) -> Frame {
        crate::scene::build::tests::screen_scene(s, o).to_frame(test_fonts())
    }

    #[test]
    fn svg_is_accessible_and_responsive() {
        let s = usage_form();
        let svg = to_svg(
            &screen_scene(&s, &SceneOptions::default()),
            &screen_alt(&s, &Default::default()),
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-label=\"「オンライン資格確認利用開始・変更申請」"));
        assert!(svg.contains("<title>「オンライン資格確認利用開始・変更申請」"));
        assert!(svg.contains("width=\"100%\""));
        assert!(svg.contains("viewBox=\"0 0 680 "));
        assert!(svg.contains("BIZ UDGothic"));
        assert!(svg.contains("CAF1253000113"));
        assert!(svg.contains(">2026</text>") && svg.contains(">12</text>"));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn svg_escapes_hostile_text() {
        let mut s = usage_form();
        s.rows[3].shown = Shown::Value {
            text: "<script>alert(\"x\")</script> & 'q'".into(),
        };
        s.rows[3].label = "ID<b>\"".into();
        let svg = to_svg(
            &screen_scene(&s, &SceneOptions::default()),
            "alt <img src=x onerror=alert(1)> \"'",
        );
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("<b>"));
        assert!(!svg.contains("<img"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("&amp;"));
        assert!(svg.contains("&quot;"));
        assert!(svg.contains("&#39;q&#39;") || svg.contains("&#39;"));
        // Every '<' opens one of the elements we write.
        for part in svg.split('<').skip(1) {
            assert!(
                [
                    "svg", "/svg", "title", "/title", "rect", "circle", "path", "text", "/text"
                ]
                .iter()
                .any(|t| part.starts_with(t)),
                "unexpected element: <{}",
                &part[..part.len().min(20)]
            );
        }
    }

    #[test]
    fn svg_never_prints_secret_digits() {
        let s = usage_form();
        let svg = to_svg(&screen_scene(&s, &SceneOptions::default()), "x");
        // The secret row's drawn text has no digits at all.
        let sc = crate::scene::build::tests::screen_scene(&s, &SceneOptions::default());
        for t in sc.texts().filter(|t| t.role == crate::scene::Role::Secret) {
            assert!(!t.text.chars().any(|c| c.is_ascii_digit()));
            assert!(svg.contains(&escape(&t.text)));
        }
        assert!(svg.contains("class=\"secret\""));
    }

    #[test]
    fn svg_marks_wrong_choice() {
        let s = wrong_line_form();
        let svg = to_svg(&screen_scene(&s, &SceneOptions::default()), "x");
        // The picture shows the value to enter; the wrong data is named in the finding only.
        assert_eq!(svg.matches("<path class=\"wrong\"").count(), 0);
        assert!(svg.contains("正しくは「1」"));
    }

    #[test]
    fn only_runs_whose_spaces_would_collapse_keep_xml_space() {
        for keeps in ["", "医療機関", "a b", "BIZ UD ゴシック", "　全角　"] {
            assert!(spaces_keep(keeps), "{keeps:?}");
        }
        for changes in [" a", "a ", "a  b", "a\tb", "a\nb", "a\r", " ", "\t"] {
            assert!(!spaces_keep(changes), "{changes:?}");
        }
        // In a picture: a run that would lose a space says so; the others
        // do not repeat the attribute.
        let mut s = usage_form();
        s.rows[3].shown = Shown::Value {
            text: "CAF  1253".into(),
        };
        let svg = to_svg(&screen_scene(&s, &SceneOptions::default()), "x");
        let runs: Vec<&str> = svg.split("<text").skip(1).collect();
        assert!(runs.len() > 5);
        for run in runs {
            let (tag, rest) = run.split_once('>').unwrap();
            let text = &rest[..rest.find("</text>").unwrap()];
            assert_eq!(
                tag.contains("xml:space=\"preserve\""),
                !spaces_keep(text),
                "{run}"
            );
        }
        assert!(
            svg.contains("xml:space=\"preserve\">CAF  1253</text>"),
            "{svg}"
        );
    }

    #[test]
    fn a_stroke_of_the_initial_width_is_not_written() {
        let frame = |width: f32| Frame {
            width: 10.0,
            height: 10.0,
            items: vec![Item::Line {
                x1: 0.0,
                y1: 0.0,
                x2: 5.0,
                y2: 5.0,
                color: Rgb(0.0, 0.0, 0.0),
                width,
            }],
        };
        assert!(!to_svg(&frame(1.0), "x").contains("stroke-width"));
        assert!(!to_svg(&frame(1.001), "x").contains("stroke-width"));
        assert!(to_svg(&frame(2.5), "x").contains(" stroke=\"#000000\" stroke-width=\"2.5\""));
        assert!(to_svg(&frame(0.5), "x").contains("stroke-width=\"0.5\""));
    }

    /// The pictures and the pages name the theme's regular face first; the
    /// default face leaves the stack and the CSS as they were; a family
    /// name cannot end the quoted name, the attribute or the style element.
    #[test]
    fn the_themes_face_comes_first_and_cannot_break_out() {
        use super::{FONT_FAMILY, css_font_rule, font_stack};
        let bundled = crate::render::theme::Theme::new(None)
            .font_family()
            .unwrap();
        assert_eq!(bundled, "BIZ UDGothic");
        assert_eq!(font_stack(&bundled), FONT_FAMILY);
        assert_eq!(css_font_rule(&bundled), "");
        assert_eq!(font_stack(""), FONT_FAMILY);
        assert_eq!(
            font_stack("BIZ UDPGothic"),
            format!("\"BIZ UDPGothic\",{FONT_FAMILY}")
        );
        assert_eq!(
            css_font_rule("BIZ UDPGothic"),
            ":root{--font-first:\"BIZ UDPGothic\"}\n"
        );
        let hostile = "A\"</style><script>x'&\\\n";
        for out in [
            font_stack(hostile),
            css_font_rule(hostile).trim_end().to_string(),
        ] {
            assert!(
                out.starts_with(":root{--font-first:\"A/stylescriptx\"}")
                    || out.starts_with("\"A/stylescriptx\","),
                "{out}"
            );
            for c in ['<', '>', '\'', '&', '\\', '\n'] {
                assert!(!out.contains(c), "{out}");
            }
        }
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(n(1.0).to_string(), "1");
        assert_eq!(n(1.5).to_string(), "1.5");
        assert_eq!(n(-0.001).to_string(), "0");
        assert_eq!(n(2.25).to_string(), "2.25");
    }
}
