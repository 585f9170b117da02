//! SVG backend: a [`Scene`] as a standalone inline `<svg>` element for the
//! HTML guide.
//!
//! The element scales to the width of its container (`width="100%"`, the
//! height following from the `viewBox`), is announced as an image with the
//! given alt text (`role="img"`, `aria-label` and `<title>`), and names BIZ
//! UDGothic first so the browser sets text with the metrics the layout was
//! computed with. Every text and attribute value is XML-escaped: clinic data
//! is untrusted.

use super::{Anchor, Item, Scene, Style};
use std::fmt::Write as _;

/// The font stack of every picture.
const FONT_FAMILY: &str = "\"BIZ UDGothic\",\"BIZ UDゴシック\",\"Noto Sans CJK JP\",sans-serif";

/// Escapes `s` for XML text and attribute values (the one escaper of HTML output).
pub use crate::render::rich_html::escape;

/// A number with at most two decimals and no trailing zeros.
fn n(v: f32) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

fn paint(style: &Style) -> String {
    let mut s = String::new();
    match style.fill {
        Some(c) => {
            let _ = write!(s, " fill=\"{}\"", c.css());
        }
        None => s.push_str(" fill=\"none\""),
    }
    if let Some(st) = style.stroke {
        let _ = write!(
            s,
            " stroke=\"{}\" stroke-width=\"{}\"",
            st.color.css(),
            n(st.width)
        );
        if let Some((d, g)) = st.dash {
            let _ = write!(s, " stroke-dasharray=\"{} {}\"", n(d), n(g));
        }
    }
    s
}

/// Renders `scene` as an inline `<svg>` whose accessible name is `alt`.
pub fn to_svg(scene: &Scene, alt: &str) -> String {
    let alt = escape(alt);
    let mut out = String::with_capacity(scene.items.len() * 120 + 512);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tebiki-scene\" viewBox=\"0 0 {w} {h}\" \
         width=\"100%\" preserveAspectRatio=\"xMidYMin meet\" role=\"img\" aria-label=\"{alt}\" \
         style=\"display:block;width:100%;height:auto\" \
         font-family='{ff}' stroke-linecap=\"round\" stroke-linejoin=\"round\">",
        w = n(scene.width),
        h = n(scene.height),
        ff = FONT_FAMILY,
    );
    let _ = write!(out, "<title>{alt}</title>");
    let _ = write!(
        out,
        "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        n(scene.width),
        n(scene.height)
    );
    if let Some(img) = &scene.image {
        // Embedded as a data URI so the guide stays one self-contained file.
        use base64::Engine as _;
        let data = base64::engine::general_purpose::STANDARD.encode(img.png.as_slice());
        let _ = write!(
            out,
            "<image class=\"screenshot\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" \
             preserveAspectRatio=\"none\" href=\"data:image/png;base64,{data}\"/>",
            n(img.x),
            n(img.y),
            n(img.w),
            n(img.h)
        );
    }
    for item in &scene.items {
        let class = item.role().as_str();
        match item {
            Item::Rect {
                x,
                y,
                w,
                h,
                radius,
                style,
                ..
            } => {
                let _ = write!(
                    out,
                    "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
                    n(*x),
                    n(*y),
                    n(w.max(0.0)),
                    n(h.max(0.0))
                );
                if *radius > 0.0 {
                    let _ = write!(out, " rx=\"{}\"", n(*radius));
                }
                let _ = write!(out, "{}/>", paint(style));
            }
            Item::Circle {
                cx, cy, r, style, ..
            } => {
                let _ = write!(
                    out,
                    "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\"{}/>",
                    n(*cx),
                    n(*cy),
                    n(*r),
                    paint(style)
                );
            }
            Item::Path {
                points,
                closed,
                style,
                ..
            } => {
                if points.is_empty() {
                    continue;
                }
                let mut d = String::new();
                for (i, (px, py)) in points.iter().enumerate() {
                    let _ = write!(
                        d,
                        "{}{} {}",
                        if i == 0 { "M" } else { " L" },
                        n(*px),
                        n(*py)
                    );
                }
                if *closed {
                    d.push_str(" Z");
                }
                let style = if *closed {
                    *style
                } else {
                    Style {
                        fill: None,
                        ..*style
                    }
                };
                let _ = write!(out, "<path class=\"{class}\" d=\"{d}\"{}/>", paint(&style));
            }
            Item::Text(t) => {
                let anchor = match t.anchor {
                    Anchor::Start => "",
                    Anchor::Middle => " text-anchor=\"middle\"",
                    Anchor::End => " text-anchor=\"end\"",
                };
                let weight = if t.bold { " font-weight=\"700\"" } else { "" };
                let _ = write!(
                    out,
                    "<text class=\"{class}\" x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\"{anchor}{weight} xml:space=\"preserve\">{}</text>",
                    n(t.x),
                    n(t.y),
                    n(t.size),
                    t.color.css(),
                    escape(&t.text)
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::guide::Shown;
    use crate::scene::build::tests::{screen_scene, usage_form, wrong_line_form};
    use crate::scene::{SceneOptions, screen_alt};

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
        let sc = screen_scene(&s, &SceneOptions::default());
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
    fn numbers_are_compact() {
        assert_eq!(n(1.0), "1");
        assert_eq!(n(1.5), "1.5");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(2.25), "2.25");
    }
}
