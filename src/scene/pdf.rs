//! PDF backend: a [`Scene`] as printpdf vector operations for the A4 handout.
//!
//! The scene is scaled uniformly so its width becomes `width_mm` and placed
//! with its top-left corner at `origin_mm`, measured from the page's top-left
//! corner. One transformation (`cm`) maps scene units to the page, flipping
//! the y axis, so every coordinate, width and font size is written in scene
//! units: short numbers, and the same picture gives the same numbers wherever
//! it lands on a page. Rounded corners and circles are cubic Bézier
//! approximations; text is real text in the given fonts (selectable and
//! extractable), positioned with the same fixed-pitch measure the layout
//! used, so the handout matches the SVG.

use super::{Anchor, Color, Item, Role, Scene, Stroke, Style};
use printpdf::{
    Color as PdfColor, CurTransMat, FontId, Line, LineCapStyle, LineDashPattern, LineJoinStyle,
    LinePoint, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt, Rgb, TextItem,
    TextMatrix, WindingOrder,
};

/// The fonts a picture is set in (registered on the document by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct PdfFonts {
    /// BIZ UDGothic Regular.
    pub regular: FontId,
    /// BIZ UDGothic Bold.
    pub bold: FontId,
    /// Regular, for text that shows the clinic's data ([`Role::Value`]).
    pub regular_data: FontId,
    /// Bold, for text that shows the clinic's data.
    pub bold_data: FontId,
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

fn rgb(c: Color) -> PdfColor {
    let (r, g, b) = c.unit();
    PdfColor::Rgb(Rgb::new(r, g, b, None))
}

/// A point in scene units (the `cm` set up by [`to_pdf_ops_at`] maps them).
fn at(x: f32, y: f32) -> Point {
    Point { x: Pt(x), y: Pt(y) }
}

fn on(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: at(x, y),
        bezier: false,
    }
}

fn handle(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: at(x, y),
        bezier: true,
    }
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

    fn stroke(&mut self, s: &Stroke) {
        if self.stroke != Some(s.color) {
            self.ops.push(Op::SetOutlineColor { col: rgb(s.color) });
            self.stroke = Some(s.color);
        }
        if self.width != Some(s.width) {
            self.ops.push(Op::SetOutlineThickness { pt: Pt(s.width) });
            self.width = Some(s.width);
        }
        if self.dash != Some(s.dash) {
            let pattern = match s.dash {
                Some((d, g)) => LineDashPattern::new(0.0, &[d, g]),
                None => LineDashPattern::solid(),
            };
            self.ops.push(Op::SetLineDashPattern { dash: pattern });
            self.dash = Some(s.dash);
        }
    }

    /// Sets the colours of `style`; the painting mode, if anything is painted.
    fn paint(&mut self, style: &Style) -> Option<PaintMode> {
        match (style.fill, style.stroke) {
            (Some(c), Some(s)) => {
                self.fill(c);
                self.stroke(&s);
                Some(PaintMode::FillStroke)
            }
            (Some(c), None) => {
                self.fill(c);
                Some(PaintMode::Fill)
            }
            (None, Some(s)) => {
                self.stroke(&s);
                Some(PaintMode::Stroke)
            }
            (None, None) => None,
        }
    }

    /// Fills and/or strokes a closed outline.
    fn shape(&mut self, points: Vec<LinePoint>, style: &Style) {
        let Some(mode) = self.paint(style) else {
            return;
        };
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// Fills and/or strokes a rectangle, rounded if `r > 0`.
    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, r: f32, style: &Style) {
        let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
        if let (Some(c), None) = (style.fill, style.stroke)
            && r > 0.0
            && w - 2.0 * r >= 0.5
            && h - 2.0 * r >= 0.5
        {
            // Filled only: the core rectangle (inset by the radius), filled
            // and stroked 2r wide in the same colour; the round joins set up
            // in `to_pdf_ops_at` make exact circular corners.
            self.rect(
                x + r,
                y + r,
                w - 2.0 * r,
                h - 2.0 * r,
                0.0,
                &Style::both(c, Stroke::solid(c, 2.0 * r)),
            );
            return;
        }
        if r > 0.0 {
            // A dashed outline keeps its dashes where they always were:
            // starting at the top-left end of the top edge.
            let dashed = style.stroke.is_some_and(|s| s.dash.is_some());
            self.shape(rounded_rect(x, y, w, h, r, dashed), style);
            return;
        }
        // A closed path rather than `re`: some rasterisers snap `re`
        // rectangles to the pixel grid, which would change how thin bars
        // look on screen.
        self.shape(
            vec![on(x, y), on(x + w, y), on(x + w, y + h), on(x, y + h)],
            style,
        );
    }
}

/// Outline of a rectangle with corners of radius `r` (> 0). It starts where
/// the top edge ends, so the closing operator draws the top edge; or, with
/// `top_first`, where the top edge starts (the dash pattern of a dashed
/// outline starts there).
fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32, top_first: bool) -> Vec<LinePoint> {
    let c = r * (1.0 - KAPPA);
    let (x1, y1, x2, y2) = (x, y, x + w, y + h);
    let mut pts = Vec::with_capacity(17);
    if top_first {
        pts.push(on(x1 + r, y1));
    }
    pts.extend([
        on(x2 - r, y1),
        handle(x2 - c, y1),
        handle(x2, y1 + c),
        on(x2, y1 + r),
        on(x2, y2 - r),
        handle(x2, y2 - c),
        handle(x2 - c, y2),
        on(x2 - r, y2),
        on(x1 + r, y2),
        handle(x1 + c, y2),
        handle(x1, y2 - c),
        on(x1, y2 - r),
        on(x1, y1 + r),
        handle(x1, y1 + c),
        handle(x1 + c, y1),
        on(x1 + r, y1),
    ]);
    pts
}

/// Outline of a circle as four Bézier quarters.
fn circle(cx: f32, cy: f32, r: f32) -> Vec<LinePoint> {
    let k = r * KAPPA;
    vec![
        on(cx, cy - r),
        handle(cx + k, cy - r),
        handle(cx + r, cy - k),
        on(cx + r, cy),
        handle(cx + r, cy + k),
        handle(cx + k, cy + r),
        on(cx, cy + r),
        handle(cx - k, cy + r),
        handle(cx - r, cy + k),
        on(cx - r, cy),
        handle(cx - r, cy - k),
        handle(cx - k, cy - r),
        on(cx, cy - r),
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
    let mut pen = Pen {
        ops: vec![
            Op::SaveGraphicsState,
            // Scene units, y down, origin at the picture's top-left corner.
            Op::SetTransformationMatrix {
                matrix: CurTransMat::Raw([k, 0.0, 0.0, -k, top_left.x.0, top_left.y.0]),
            },
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
        pen.rect(
            0.0,
            0.0,
            scene.width,
            scene.height,
            0.0,
            &Style::fill(Color::hex(0xffffff)),
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
                pen.rect(*x, *y, *w, *h, *radius, style);
            }
            Item::Circle {
                cx, cy, r, style, ..
            } => pen.shape(circle(*cx, *cy, *r), style),
            Item::Path {
                points,
                closed,
                style,
                ..
            } => {
                if points.len() < 2 {
                    continue;
                }
                let pts: Vec<LinePoint> = points.iter().map(|(x, y)| on(*x, *y)).collect();
                if *closed {
                    pen.shape(pts, style);
                } else if let Some(s) = style.stroke {
                    pen.stroke(&s);
                    pen.ops.push(Op::DrawLine {
                        line: Line {
                            points: pts,
                            is_closed: false,
                        },
                    });
                }
            }
            Item::Text(t) => {
                let w = t.width;
                let x = match t.anchor {
                    Anchor::Start => t.x,
                    Anchor::Middle => t.x - w / 2.0,
                    Anchor::End => t.x - w,
                };
                let font = match (t.bold, t.role == Role::Value) {
                    (false, false) => &fonts.regular,
                    (true, false) => &fonts.bold,
                    (false, true) => &fonts.regular_data,
                    (true, true) => &fonts.bold_data,
                };
                pen.fill(t.color);
                pen.ops.push(Op::StartTextSection);
                pen.ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font.clone()),
                    size: Pt(t.size),
                });
                // Flip the glyphs back upright under the y-down `cm`.
                pen.ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Raw([1.0, 0.0, 0.0, -1.0, x, t.y]),
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
    use crate::scene::SceneOptions;
    use crate::scene::build::tests::{screen_scene, usage_form, wrong_line_form};

    fn fonts() -> PdfFonts {
        PdfFonts {
            regular: FontId("F-regular".into()),
            bold: FontId("F-bold".into()),
            regular_data: FontId("F-regular-data".into()),
            bold_data: FontId("F-bold-data".into()),
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

    /// The `cm` the picture is drawn under.
    fn ctm(ops: &[Op]) -> [f32; 6] {
        let all: Vec<[f32; 6]> = ops
            .iter()
            .filter_map(|o| match o {
                Op::SetTransformationMatrix { matrix } => Some(matrix.as_array()),
                _ => None,
            })
            .collect();
        assert_eq!(all.len(), 1, "one transformation");
        all[0]
    }

    #[test]
    fn geometry_is_scaled_and_flipped() {
        let sc = screen_scene(&usage_form(), &SceneOptions::default());
        let ops = to_pdf_ops(&sc, (20.0, 30.0), 170.0, 297.0, &fonts());
        let m = ctm(&ops);
        let page = |p: Point| {
            (
                m[0] * p.x.0 + m[2] * p.y.0 + m[4],
                m[1] * p.x.0 + m[3] * p.y.0 + m[5],
            )
        };
        let h = scene_height_mm(&sc, 170.0);
        let (lo_x, hi_x) = (20.0 * PT_PER_MM - 0.5, 190.0 * PT_PER_MM + 0.5);
        let (lo_y, hi_y) = (
            (297.0 - 30.0 - h) * PT_PER_MM - 0.5,
            (297.0 - 30.0) * PT_PER_MM + 0.5,
        );
        // The scene's corners land on the reserved area's corners.
        let (x0, y0) = page(at(0.0, 0.0));
        assert!((x0 - 20.0 * PT_PER_MM).abs() < 0.01 && (y0 - 267.0 * PT_PER_MM).abs() < 0.01);
        let (x1, y1) = page(at(sc.width, sc.height));
        assert!((x1 - 190.0 * PT_PER_MM).abs() < 0.01);
        assert!((y1 - (267.0 - h) * PT_PER_MM).abs() < 0.01);
        for op in &ops {
            let pts: Vec<Point> = match op {
                Op::DrawPolygon { polygon } => polygon
                    .rings
                    .iter()
                    .flat_map(|r| r.points.iter().map(|p| p.p))
                    .collect(),
                Op::DrawLine { line } => line.points.iter().map(|p| p.p).collect(),
                Op::DrawRectangle { rectangle: r } => {
                    vec![at(r.x.0, r.y.0), at(r.x.0 + r.width.0, r.y.0 + r.height.0)]
                }
                _ => continue,
            };
            for p in pts {
                let (x, y) = page(p);
                assert!(x >= lo_x && x <= hi_x, "x {x} outside");
                assert!(y >= lo_y && y <= hi_y, "y {y} outside");
            }
        }
        // The smallest text is at least 7 pt at 170 mm.
        let min = ops
            .iter()
            .filter_map(|o| match o {
                Op::SetFont { size, .. } => Some(size.0 * m[0]),
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
        // printpdf's `Point` equality is false for any zero coordinate, and
        // scene coordinates start at 0: compare the printed forms.
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn height_scales_with_width() {
        let sc = screen_scene(&usage_form(), &SceneOptions::default());
        let h = scene_height_mm(&sc, 170.0);
        assert!((h - sc.height * 0.25).abs() < 0.01);
    }
}
