//! Real screenshots: an image file under `content/` with annotations in
//! pixel coordinates.
//!
//! The image is decoded here, every annotation is checked against its size
//! (an annotation outside the image is a located error), and redaction boxes
//! are blanked in the pixels before the image is re-encoded (as PNG, or a
//! photo given as JPEG as JPEG). Only that redacted copy travels on; the
//! original pixels and metadata are dropped at once.

use super::yaml::pos;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::SourcePos;
use crate::model::manual::{Annotation, Screenshot};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::sync::Arc;

/// The quality a photo is encoded at again after redaction: its blanked
/// areas stay blank, its words sharp at print size.
const JPEG_QUALITY: u8 = 90;

/// `screenshot:` of a step.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScreenshot {
    file: Spanned<String>,
    alt: String,
    #[serde(default)]
    annotations: Vec<Spanned<RawAnnotation>>,
    /// Shown before the step's screen (a photo to read before typing).
    #[serde(default)]
    first: bool,
}

/// One annotation; exactly one shape key per entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAnnotation {
    #[serde(default)]
    rect: Option<[f32; 4]>,
    #[serde(default)]
    redact: Option<[f32; 4]>,
    #[serde(default)]
    arrow: Option<[f32; 4]>,
    #[serde(default)]
    marker: Option<[f32; 2]>,
    #[serde(default)]
    number: Option<u32>,
    #[serde(default)]
    callout: Option<[f32; 2]>,
    #[serde(default)]
    text: Option<String>,
}

/// Loads, checks and redacts a screenshot named in `file` (a YAML file).
pub(crate) fn load(
    raw: RawScreenshot,
    yaml_file: &Arc<std::path::PathBuf>,
    diags: &mut Diagnostics,
) -> Option<Screenshot> {
    let fpos = pos(yaml_file, &raw.file.referenced);
    let (path, bytes) = match super::limits::content_file(yaml_file, &raw.file.value) {
        Ok(found) => found,
        Err(e) => {
            diags.push(
                Diagnostic::error(fpos, format!("cannot read screenshot: {e}"))
                    .with_help("the path is relative to the YAML file; use a PNG or JPEG file"),
            );
            return None;
        }
    };
    let img = match image::load_from_memory(&bytes) {
        Ok(i) => i,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    fpos,
                    format!("cannot decode screenshot {}: {e}", path.display()),
                )
                .with_help("save it as PNG or JPEG"),
            );
            return None;
        }
    };
    let mut rgb = img.to_rgb8();
    drop(img);
    let (width, height) = rgb.dimensions();
    let (wf, hf) = (width as f32, height as f32);
    let mut annotations = Vec::new();
    for a in raw.annotations {
        let apos = pos(yaml_file, &a.referenced);
        let Some(ann) = convert(a.value, &apos, diags) else {
            continue;
        };
        if let Some(msg) = outside(&ann, wf, hf) {
            diags.push(
                Diagnostic::error(
                    apos,
                    format!("annotation {msg} lies outside the {width}×{height} image"),
                )
                .with_help("coordinates are image pixels from the top-left corner"),
            );
            continue;
        }
        if let Annotation::Redact { x, y, w, h } = ann {
            blank(&mut rgb, x, y, w, h);
        }
        annotations.push(ann);
    }
    // A grey image stays grey: a third of the pixel data in every output.
    let grey = rgb.pixels().all(|p| p.0[0] == p.0[1] && p.0[1] == p.0[2]);
    let out = if grey {
        image::DynamicImage::ImageRgb8(rgb).into_luma8().into()
    } else {
        image::DynamicImage::ImageRgb8(rgb)
    };
    // A photo (a JPEG file) stays a photo: JPEG again, about a fifth of
    // its pixels losslessly compressed, and only the pixels (no metadata of
    // the original, such as a phone's location). A screen (PNG) stays
    // lossless.
    let photo = matches!(image::guess_format(&bytes), Ok(image::ImageFormat::Jpeg));
    let mut png = Vec::new();
    let encoded = if photo {
        out.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut png,
            JPEG_QUALITY,
        ))
    } else {
        out.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    };
    if let Err(e) = encoded {
        diags.push(Diagnostic::error(
            fpos,
            format!("cannot re-encode screenshot: {e}"),
        ));
        return None;
    }
    Some(Screenshot {
        file: raw.file.value,
        width,
        height,
        png: Arc::new(png),
        annotations,
        alt: raw.alt,
        first: raw.first,
    })
}

fn convert(a: RawAnnotation, at: &SourcePos, diags: &mut Diagnostics) -> Option<Annotation> {
    let shapes = [
        a.rect.is_some(),
        a.redact.is_some(),
        a.arrow.is_some(),
        a.marker.is_some(),
        a.callout.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if shapes != 1 {
        diags.push(
            Diagnostic::error(
                at.clone(),
                "an annotation needs exactly one of rect, redact, arrow, marker, callout",
            )
            .with_help("e.g. `- { rect: [x, y, w, h] }` or `- { marker: [x, y], number: 1 }`"),
        );
        return None;
    }
    if let Some([x, y, w, h]) = a.rect {
        return Some(Annotation::Rect { x, y, w, h });
    }
    if let Some([x, y, w, h]) = a.redact {
        return Some(Annotation::Redact { x, y, w, h });
    }
    if let Some([x1, y1, x2, y2]) = a.arrow {
        return Some(Annotation::Arrow {
            from: (x1, y1),
            to: (x2, y2),
        });
    }
    if let Some([x, y]) = a.marker {
        return Some(Annotation::Marker {
            x,
            y,
            number: a.number.unwrap_or(1),
        });
    }
    if let Some([x, y]) = a.callout {
        let Some(text) = a.text else {
            diags.push(Diagnostic::error(at.clone(), "a callout needs `text`"));
            return None;
        };
        return Some(Annotation::Callout { x, y, text });
    }
    None
}

/// Describes the first coordinate outside `0..=w × 0..=h`, if any.
fn outside(a: &Annotation, w: f32, h: f32) -> Option<String> {
    let inside = |x: f32, y: f32| {
        x.is_finite() && y.is_finite() && (0.0..=w).contains(&x) && (0.0..=h).contains(&y)
    };
    let check = |pts: &[(f32, f32)]| {
        pts.iter()
            .find(|(x, y)| !inside(*x, *y))
            .map(|(x, y)| format!("point ({x}, {y})"))
    };
    match a {
        Annotation::Rect { x, y, w: rw, h: rh } | Annotation::Redact { x, y, w: rw, h: rh } => {
            if *rw <= 0.0 || *rh <= 0.0 {
                return Some(format!("with size {rw}×{rh}"));
            }
            check(&[(*x, *y), (x + rw, y + rh)])
        }
        Annotation::Arrow { from, to } => check(&[*from, *to]),
        Annotation::Marker { x, y, .. } | Annotation::Callout { x, y, .. } => check(&[(*x, *y)]),
    }
}

/// Blanks a rectangle in the pixels (mid grey, so it reads as "hidden").
fn blank(img: &mut image::RgbImage, x: f32, y: f32, w: f32, h: f32) {
    let (iw, ih) = img.dimensions();
    let x0 = x.floor().max(0.0) as u32;
    let y0 = y.floor().max(0.0) as u32;
    let x1 = ((x + w).ceil() as u32).min(iw);
    let y1 = ((y + h).ceil() as u32).min(ih);
    for yy in y0..y1 {
        for xx in x0..x1 {
            img.put_pixel(xx, yy, image::Rgb([96, 96, 96]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_blanks_pixels() {
        let mut img = image::RgbImage::from_pixel(10, 10, image::Rgb([255, 0, 0]));
        blank(&mut img, 2.0, 2.0, 3.0, 3.0);
        assert_eq!(img.get_pixel(3, 3), &image::Rgb([96, 96, 96]));
        assert_eq!(img.get_pixel(6, 6), &image::Rgb([255, 0, 0]));
    }

    #[test]
    fn outside_is_detected() {
        let r = Annotation::Rect {
            x: 5.0,
            y: 5.0,
            w: 10.0,
            h: 2.0,
        };
        assert!(outside(&r, 10.0, 10.0).is_some());
        assert!(outside(&r, 20.0, 20.0).is_none());
        let m = Annotation::Marker {
            x: -1.0,
            y: 0.0,
            number: 1,
        };
        assert!(outside(&m, 10.0, 10.0).is_some());
    }
}
