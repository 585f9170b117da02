//! PDF backend: a [`Scene`] as printpdf vector operations for the A4 handout.
//!
//! The scene is scaled uniformly so its width becomes `width_mm` and placed
//! with its top-left corner at `origin_mm`, measured from the page's top-left
//! corner; the y axis is flipped to PDF's bottom-up page space. Rounded
//! corners and circles are cubic Bézier approximations; text is real text in
//! the given fonts (selectable and extractable), positioned with the same
//! fixed-pitch measure the layout used, so the handout matches the SVG.

use super::{Anchor, Color, Item, Scene, Stroke, Style, text_width};
use printpdf::{
    Color as PdfColor, FontId, Line, LineCapStyle, LineDashPattern, LineJoinStyle, LinePoint, Op,
    PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, TextMatrix,
    WindingOrder,
};

/// The fonts a picture is set in (registered on the document by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct PdfFonts {
    /// BIZ UDGothic Regular.
    pub regular: FontId,
    /// BIZ UDGothic Bold.
    pub bold: FontId,
}

/// Points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// Bézier handle length for a quarter circle of radius 1.
const KAPPA: f32 = 0.552_284_8;

/// Height the picture takes when printed `width_mm` wide.
pub fn scene_height_mm(scene: &Scene, width_mm: f32) -> f32 {
    if scene.width <= 0.0 {
        return 0.0;
    }
    scene.height * width_mm / scene.width
}

/// Maps scene units to page points.
struct Map {
    /// Left of the picture, in pt from the page's left edge.
    left: f32,
    /// Top of the picture, in pt from the page's bottom edge.
    top: f32,
    /// Points per scene unit.
    k: f32,
}

impl Map {
    fn pt(&self, x: f32, y: f32) -> Point {
        Point {
            x: Pt(self.left + x * self.k),
            y: Pt(self.top - y * self.k),
        }
    }

    fn len(&self, v: f32) -> f32 {
        v * self.k
    }
}

fn rgb(c: Color) -> PdfColor {
    let (r, g, b) = c.unit();
    PdfColor::Rgb(Rgb::new(r, g, b, None))
}

fn on(p: Point) -> LinePoint {
    LinePoint { p, bezier: false }
}

fn handle(p: Point) -> LinePoint {
    LinePoint { p, bezier: true }
}

/// Emits state changes only when they differ from the current state.
struct Pen {
    ops: Vec<Op>,
    fill: Option<Color>,
    stroke: Option<Color>,
    width: Option<f32>,
    dash: Option<Option<(f32, f32)>>,
}

impl Pen {
    fn fill(&mut self, c: Color) {
        if self.fill != Some(c) {
            self.ops.push(Op::SetFillColor { col: rgb(c) });
            self.fill = Some(c);
        }
    }

    fn stroke(&mut self, s: &Stroke, map: &Map) {
        if self.stroke != Some(s.color) {
            self.ops.push(Op::SetOutlineColor { col: rgb(s.color) });
            self.stroke = Some(s.color);
        }
        let w = map.len(s.width);
        if self.width != Some(w) {
            self.ops.push(Op::SetOutlineThickness { pt: Pt(w) });
            self.width = Some(w);
        }
        let dash = s.dash.map(|(d, g)| (map.len(d), map.len(g)));
        if self.dash != Some(dash) {
            let pattern = match dash {
                Some((d, g)) => LineDashPattern::new(0.0, &[d, g]),
                None => LineDashPattern::solid(),
            };
            self.ops.push(Op::SetLineDashPattern { dash: pattern });
            self.dash = Some(dash);
        }
    }

    /// Fills and/or strokes a closed outline.
    fn shape(&mut self, points: Vec<LinePoint>, style: &Style, map: &Map) {
        let mode = match (style.fill, style.stroke) {
            (Some(c), Some(s)) => {
                self.fill(c);
                self.stroke(&s, map);
                PaintMode::FillStroke
            }
            (Some(c), None) => {
                self.fill(c);
                PaintMode::Fill
            }
            (None, Some(s)) => {
                self.stroke(&s, map);
                PaintMode::Stroke
            }
            (None, None) => return,
        };
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
}

/// Outline of a rectangle with corners of radius `r`, clockwise from the top-left.
fn rounded_rect(map: &Map, x: f32, y: f32, w: f32, h: f32, r: f32) -> Vec<LinePoint> {
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    if r <= 0.0 {
        return vec![
            on(map.pt(x, y)),
            on(map.pt(x + w, y)),
            on(map.pt(x + w, y + h)),
            on(map.pt(x, y + h)),
        ];
    }
    let c = r * (1.0 - KAPPA);
    let (x1, y1, x2, y2) = (x, y, x + w, y + h);
    vec![
        on(map.pt(x1 + r, y1)),
        on(map.pt(x2 - r, y1)),
        handle(map.pt(x2 - c, y1)),
        handle(map.pt(x2, y1 + c)),
        on(map.pt(x2, y1 + r)),
        on(map.pt(x2, y2 - r)),
        handle(map.pt(x2, y2 - c)),
        handle(map.pt(x2 - c, y2)),
        on(map.pt(x2 - r, y2)),
        on(map.pt(x1 + r, y2)),
        handle(map.pt(x1 + c, y2)),
        handle(map.pt(x1, y2 - c)),
        on(map.pt(x1, y2 - r)),
        on(map.pt(x1, y1 + r)),
        handle(map.pt(x1, y1 + c)),
        handle(map.pt(x1 + c, y1)),
        on(map.pt(x1 + r, y1)),
    ]
}

/// Outline of a circle as four Bézier quarters.
fn circle(map: &Map, cx: f32, cy: f32, r: f32) -> Vec<LinePoint> {
    let k = r * KAPPA;
    vec![
        on(map.pt(cx, cy - r)),
        handle(map.pt(cx + k, cy - r)),
        handle(map.pt(cx + r, cy - k)),
        on(map.pt(cx + r, cy)),
        handle(map.pt(cx + r, cy + k)),
        handle(map.pt(cx + k, cy + r)),
        on(map.pt(cx, cy + r)),
        handle(map.pt(cx - k, cy + r)),
        handle(map.pt(cx - r, cy + k)),
        on(map.pt(cx - r, cy)),
        handle(map.pt(cx - r, cy - k)),
        handle(map.pt(cx - k, cy - r)),
        on(map.pt(cx, cy - r)),
    ]
}

/// Draws `scene` `width_mm` wide with its top-left corner at `origin_mm`
/// (x from the page's left edge, y from the page's top edge) on a page
/// `page_height_mm` tall. The returned operations save and restore the
/// graphics state, so they can be appended to any page.
pub fn to_pdf_ops(
    scene: &Scene,
    origin_mm: (f32, f32),
    width_mm: f32,
    page_height_mm: f32,
    fonts: &PdfFonts,
) -> Vec<Op> {
    let top_left = Point {
        x: Pt(origin_mm.0 * PT_PER_MM),
        y: Pt((page_height_mm - origin_mm.1) * PT_PER_MM),
    };
    to_pdf_ops_at(scene, top_left, width_mm, fonts)
}

/// Like [`to_pdf_ops`], with the picture's top-left corner given directly in
/// PDF user space (points, origin at the page's bottom-left, y up), as a
/// layout engine that reserves an area on the page knows it.
pub fn to_pdf_ops_at(scene: &Scene, top_left: Point, width_mm: f32, fonts: &PdfFonts) -> Vec<Op> {
    let k = if scene.width > 0.0 {
        width_mm / scene.width * PT_PER_MM
    } else {
        0.0
    };
    let map = Map {
        left: top_left.x.0,
        top: top_left.y.0,
        k,
    };
    let mut pen = Pen {
        ops: vec![
            Op::SaveGraphicsState,
            Op::SetLineCapStyle {
                cap: LineCapStyle::Round,
            },
            Op::SetLineJoinStyle {
                join: LineJoinStyle::Round,
            },
        ],
        fill: None,
        stroke: None,
        width: None,
        dash: None,
    };
    // White page under the picture, like the SVG's background; a screenshot
    // picture has its image (placed by the engine before these ops) instead.
    if scene.image.is_none() {
        pen.shape(
            rounded_rect(&map, 0.0, 0.0, scene.width, scene.height, 0.0),
            &Style::fill(Color::hex(0xffffff)),
            &map,
        );
    }
    for item in &scene.items {
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
                if *w <= 0.0 || *h <= 0.0 {
                    continue;
                }
                let pts = rounded_rect(&map, *x, *y, *w, *h, *radius);
                pen.shape(pts, style, &map);
            }
            Item::Circle {
                cx, cy, r, style, ..
            } => {
                let pts = circle(&map, *cx, *cy, *r);
                pen.shape(pts, style, &map);
            }
            Item::Path {
                points,
                closed,
                style,
                ..
            } => {
                if points.len() < 2 {
                    continue;
                }
                let pts: Vec<LinePoint> = points.iter().map(|(x, y)| on(map.pt(*x, *y))).collect();
                if *closed {
                    pen.shape(pts, style, &map);
                } else if let Some(s) = style.stroke {
                    pen.stroke(&s, &map);
                    pen.ops.push(Op::DrawLine {
                        line: Line {
                            points: pts,
                            is_closed: false,
                        },
                    });
                }
            }
            Item::Text(t) => {
                let w = text_width(&t.text, t.size);
                let x = match t.anchor {
                    Anchor::Start => t.x,
                    Anchor::Middle => t.x - w / 2.0,
                    Anchor::End => t.x - w,
                };
                let p = map.pt(x, t.y);
                let font = if t.bold { &fonts.bold } else { &fonts.regular };
                pen.fill(t.color);
                pen.ops.push(Op::StartTextSection);
                pen.ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font.clone()),
                    size: Pt(map.len(t.size)),
                });
                pen.ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(p.x, p.y),
                });
                pen.ops.push(Op::ShowText {
                    items: vec![TextItem::Text(t.text.clone())],
                });
                pen.ops.push(Op::EndTextSection);
            }
        }
    }
    pen.ops.push(Op::RestoreGraphicsState);
    pen.ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::build::tests::{usage_form, wrong_line_form};
    use crate::scene::{SceneOptions, screen_scene};

    fn fonts() -> PdfFonts {
        PdfFonts {
            regular: FontId("F-regular".into()),
            bold: FontId("F-bold".into()),
        }
    }

    fn shown_text(ops: &[Op]) -> Vec<String> {
        ops.iter()
            .filter_map(|op| match op {
                Op::ShowText { items } => Some(
                    items
                        .iter()
                        .filter_map(|i| match i {
                            TextItem::Text(t) => Some(t.clone()),
                            _ => None,
                        })
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn ops_contain_the_text_and_balance_state() {
        let sc = screen_scene(&usage_form(), &SceneOptions::default());
        let ops = to_pdf_ops(&sc, (20.0, 30.0), 170.0, 297.0, &fonts());
        let texts = shown_text(&ops);
        for want in [
            "CAF1253000113",
            "2026",
            "12",
            "確認画面へ進む",
            "医療機関等向けポータルサイト",
        ] {
            assert!(texts.iter().any(|t| t == want), "missing {want}");
        }
        assert_eq!(sc.texts().count(), texts.len());
        let saves = ops
            .iter()
            .filter(|o| matches!(o, Op::SaveGraphicsState))
            .count();
        let restores = ops
            .iter()
            .filter(|o| matches!(o, Op::RestoreGraphicsState))
            .count();
        assert_eq!(saves, restores);
        let bt = ops
            .iter()
            .filter(|o| matches!(o, Op::StartTextSection))
            .count();
        let et = ops
            .iter()
            .filter(|o| matches!(o, Op::EndTextSection))
            .count();
        assert_eq!(bt, et);
        assert!(ops.iter().any(|o| matches!(
            o,
            Op::SetFont {
                font: PdfFontHandle::External(id),
                ..
            } if id.0 == "F-bold"
        )));
    }

    #[test]
    fn geometry_is_scaled_and_flipped() {
        let sc = screen_scene(&usage_form(), &SceneOptions::default());
        let ops = to_pdf_ops(&sc, (20.0, 30.0), 170.0, 297.0, &fonts());
        let h = scene_height_mm(&sc, 170.0);
        let (lo_x, hi_x) = (20.0 * PT_PER_MM - 0.5, 190.0 * PT_PER_MM + 0.5);
        let (lo_y, hi_y) = (
            (297.0 - 30.0 - h) * PT_PER_MM - 0.5,
            (297.0 - 30.0) * PT_PER_MM + 0.5,
        );
        for op in &ops {
            let pts: Vec<Point> = match op {
                Op::DrawPolygon { polygon } => polygon
                    .rings
                    .iter()
                    .flat_map(|r| r.points.iter().map(|p| p.p))
                    .collect(),
                Op::DrawLine { line } => line.points.iter().map(|p| p.p).collect(),
                _ => continue,
            };
            for p in pts {
                assert!(p.x.0 >= lo_x && p.x.0 <= hi_x, "x {} outside", p.x.0);
                assert!(p.y.0 >= lo_y && p.y.0 <= hi_y, "y {} outside", p.y.0);
            }
        }
        // The smallest text is at least 7 pt at 170 mm.
        let min = ops
            .iter()
            .filter_map(|o| match o {
                Op::SetFont { size, .. } => Some(size.0),
                _ => None,
            })
            .fold(f32::MAX, f32::min);
        assert!(min >= 7.0, "smallest text {min} pt");
    }

    #[test]
    fn wrong_choice_is_drawn_in_the_pdf() {
        let sc = screen_scene(&wrong_line_form(), &SceneOptions::default());
        let ops = to_pdf_ops(&sc, (20.0, 30.0), 170.0, 297.0, &fonts());
        assert!(shown_text(&ops).iter().any(|t| t == "正しくは「1」"));
        let red = rgb(Color::hex(0xd50000));
        assert!(
            ops.iter()
                .any(|o| matches!(o, Op::SetOutlineColor { col } if *col == red))
        );
    }

    #[test]
    fn both_placements_agree() {
        let sc = screen_scene(&usage_form(), &SceneOptions::default());
        let a = to_pdf_ops(&sc, (20.0, 30.0), 170.0, 297.0, &fonts());
        let b = to_pdf_ops_at(
            &sc,
            Point {
                x: Pt(20.0 * PT_PER_MM),
                y: Pt(267.0 * PT_PER_MM),
            },
            170.0,
            &fonts(),
        );
        assert_eq!(a, b);
    }

    #[test]
    fn height_scales_with_width() {
        let sc = screen_scene(&usage_form(), &SceneOptions::default());
        let h = scene_height_mm(&sc, 170.0);
        assert!((h - sc.height * 0.25).abs() < 0.01);
    }
}
