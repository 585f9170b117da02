//! Vendor branding from `tebiki.yaml` (`vendor:`): the IT vendor's name,
//! support phone, logo (PNG or SVG) and the public address its guides are
//! served from. Printed on the handout and the one-page sheet, shown in the
//! HTML guide and dashboard.
//!
//! It is the vendor's own data but still untrusted input: every value is
//! checked when the config is read (length, characters, a phone number of
//! digits, an `https://` address, a logo that decodes and is not huge), and a
//! bad value is a located error naming the key and how to fix it. The logo is
//! kept as its original bytes (for HTML, as a `data:` URI in an `<img>`,
//! where an SVG cannot run scripts) and as a PNG for print (an SVG is
//! rasterised once, at load time, with `resvg`).

use crate::diag::Diagnostic;
use crate::model::SourcePos;
use base64::Engine as _;
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;

/// Largest logo file accepted.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;
/// Largest logo side in pixels (PNG) or user units (SVG).
pub const MAX_LOGO_SIDE: u32 = 4096;
/// Longest vendor name, in characters.
pub const MAX_NAME_CHARS: usize = 60;

/// `vendor:` as written in `tebiki.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VendorConfig {
    /// The vendor's name as printed ("株式会社さくらシステム").
    pub name: Option<String>,
    /// Support phone number ("03-1234-5678").
    pub phone: Option<String>,
    /// Logo file, PNG or SVG, relative to `tebiki.yaml`.
    pub logo: Option<String>,
    /// Public base address the output folder is served from
    /// (`https://guides.example.jp/2026/`): the sheet gets a QR code to the
    /// clinic's guide at `<public_url>clinics/<key>/index.html`.
    pub public_url: Option<String>,
}

/// Checked branding, shared by every renderer.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Branding {
    /// Vendor name.
    pub name: Option<String>,
    /// Support phone number.
    pub phone: Option<String>,
    /// Logo.
    #[serde(skip)]
    pub logo: Option<Logo>,
    /// Public base address of the output folder, ending in `/`.
    pub public_url: Option<String>,
}

/// Kind of logo file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoFormat {
    /// A PNG image.
    Png,
    /// An SVG drawing.
    Svg,
}

/// A checked logo.
#[derive(Debug, Clone)]
pub struct Logo {
    /// The file's format.
    pub format: LogoFormat,
    /// The file's bytes, as the vendor gave them.
    pub bytes: Arc<Vec<u8>>,
    /// PNG for print (the file itself, or the SVG rasterised).
    pub png: Arc<Vec<u8>>,
    /// Pixel width of `png`.
    pub width: u32,
    /// Pixel height of `png`.
    pub height: u32,
}

impl Logo {
    /// The MIME type of the original file.
    pub fn mime(&self) -> &'static str {
        match self.format {
            LogoFormat::Png => "image/png",
            LogoFormat::Svg => "image/svg+xml",
        }
    }

    /// `data:` URI of the original file, for an HTML `<img src>` (an SVG in
    /// an `<img>` runs no script and loads nothing).
    pub fn data_uri(&self) -> String {
        format!(
            "data:{};base64,{}",
            self.mime(),
            base64::engine::general_purpose::STANDARD.encode(&*self.bytes)
        )
    }

    /// Height over width.
    pub fn aspect(&self) -> f32 {
        self.height as f32 / self.width.max(1) as f32
    }
}

impl Branding {
    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.logo.is_none()
    }

    /// The guide's public address for the clinic `key`, when a public URL is set.
    pub fn guide_url(&self, key: &str) -> Option<String> {
        let base = self.public_url.as_deref()?;
        let key: String = key
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        Some(format!("{base}clinics/{key}/index.html"))
    }

    /// Checks `raw` (read from `file`, whose folder `base` logo paths are
    /// relative to). Every problem is an error located at the config file.
    pub fn from_config(
        raw: &VendorConfig,
        text: &str,
        file: &Arc<std::path::PathBuf>,
        base: &Path,
    ) -> Result<Branding, Diagnostic> {
        let at = |key: &str| key_pos(text, file, key);
        let name = match raw.name.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(n) => {
                if n.chars().count() > MAX_NAME_CHARS {
                    return Err(Diagnostic::error(
                        at("name"),
                        format!("vendor.name is longer than {MAX_NAME_CHARS} characters"),
                    )
                    .with_help("give the name as printed on a business card"));
                }
                if n.chars().any(|c| c.is_control() || is_invisible(c)) {
                    return Err(Diagnostic::error(
                        at("name"),
                        "vendor.name contains a control or invisible character",
                    )
                    .with_help("write the name on one line without special characters"));
                }
                Some(n.to_string())
            }
        };
        let phone = match raw.phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => {
                let digits = p.chars().filter(char::is_ascii_digit).count();
                let ok = p
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '(' | ')' | ' '))
                    && (6..=15).contains(&digits)
                    && p.len() <= 24;
                if !ok {
                    return Err(Diagnostic::error(
                        at("phone"),
                        format!("vendor.phone {p:?} is not a phone number"),
                    )
                    .with_help("write digits with hyphens, e.g. 03-1234-5678 or 0120-123-456"));
                }
                Some(p.to_string())
            }
        };
        let public_url = match raw.public_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) => {
                let ok = (u.starts_with("https://") || u.starts_with("http://"))
                    && u.len() <= 200
                    && u.split("://").nth(1).is_some_and(|rest| {
                        !rest.is_empty() && !rest.starts_with('/') && !rest.starts_with('@')
                    })
                    && u.chars().all(|c| {
                        c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
                    });
                if !ok {
                    return Err(Diagnostic::error(
                        at("public_url"),
                        format!("vendor.public_url {u:?} is not a web address"),
                    )
                    .with_help(
                        "write the address the output folder is served from, e.g. https://guides.example.jp/2026/",
                    ));
                }
                let mut u = u.to_string();
                if !u.ends_with('/') {
                    u.push('/');
                }
                Some(u)
            }
        };
        let logo = match raw.logo.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(l) => Some(
                read_logo(&base.join(l))
                    .map_err(|why| Diagnostic::error(at("logo"), why.0).with_help(why.1))?,
            ),
        };
        Ok(Branding {
            name,
            phone,
            logo,
            public_url,
        })
    }

    /// A stable digest of everything set (for incremental builds).
    pub fn digest_parts(&self) -> Vec<Vec<u8>> {
        let s = |o: &Option<String>| o.clone().unwrap_or_default().into_bytes();
        vec![
            s(&self.name),
            s(&self.phone),
            s(&self.public_url),
            self.logo
                .as_ref()
                .map(|l| l.bytes.to_vec())
                .unwrap_or_default(),
        ]
    }
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Where `key:` is written under `vendor:` (line and column, 1-based), or
/// the file's start.
fn key_pos(text: &str, file: &Arc<std::path::PathBuf>, key: &str) -> SourcePos {
    let mut in_vendor = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if !line.starts_with([' ', '\t']) && !trimmed.is_empty() && !trimmed.starts_with('#') {
            in_vendor = trimmed.starts_with("vendor:");
        }
        if in_vendor && trimmed.starts_with(&format!("{key}:")) {
            let col = line.len() - trimmed.len();
            return SourcePos::new(file.clone(), i as u32 + 1, col as u32 + 1);
        }
    }
    SourcePos::new(file.clone(), 0, 0)
}

/// A reason and how to fix it.
struct Why(String, String);

fn read_logo(path: &Path) -> Result<Logo, Why> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| {
        Why(
            format!("cannot read vendor.logo {shown}: {e}"),
            "give the path of a PNG or SVG file, relative to tebiki.yaml".into(),
        )
    })?;
    if meta.len() > MAX_LOGO_BYTES as u64 {
        return Err(Why(
            format!(
                "vendor.logo {shown} is {} KB, more than {} KB",
                meta.len() / 1024,
                MAX_LOGO_BYTES / 1024
            ),
            "use a smaller logo (a few hundred pixels wide is plenty for print)".into(),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Why(
            format!("cannot read vendor.logo {shown}: {e}"),
            "give the path of a PNG or SVG file, relative to tebiki.yaml".into(),
        )
    })?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bad = |what: String| {
        Why(
            format!("vendor.logo {shown}: {what}"),
            "export the logo again as a PNG or a plain SVG file".into(),
        )
    };
    match ext.as_str() {
        "png" => {
            let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
                .map_err(|e| bad(format!("not a readable PNG ({e})")))?;
            check_side(img.width(), img.height()).map_err(bad)?;
            let bytes = Arc::new(bytes);
            Ok(Logo {
                format: LogoFormat::Png,
                png: bytes.clone(),
                bytes,
                width: img.width(),
                height: img.height(),
            })
        }
        "svg" => {
            let opt = resvg::usvg::Options::default();
            let tree = resvg::usvg::Tree::from_data(&bytes, &opt)
                .map_err(|e| bad(format!("not a readable SVG ({e})")))?;
            let size = tree.size();
            let (w, h) = (size.width(), size.height());
            if !(w.is_finite() && h.is_finite() && w >= 1.0 && h >= 1.0) {
                return Err(bad("the SVG has no size".into()));
            }
            check_side(w as u32, h as u32).map_err(bad)?;
            // Print at about 600 px across: sharp at the size a logo is printed.
            let scale = 600.0 / w.max(h);
            let (pw, ph) = (
                ((w * scale).round() as u32).max(1),
                ((h * scale).round() as u32).max(1),
            );
            let mut pixmap = resvg::tiny_skia::Pixmap::new(pw, ph)
                .ok_or_else(|| bad("the SVG has no size".into()))?;
            resvg::render(
                &tree,
                resvg::tiny_skia::Transform::from_scale(scale, scale),
                &mut pixmap.as_mut(),
            );
            let png = pixmap
                .encode_png()
                .map_err(|e| bad(format!("cannot rasterise ({e})")))?;
            Ok(Logo {
                format: LogoFormat::Svg,
                bytes: Arc::new(bytes),
                png: Arc::new(png),
                width: pw,
                height: ph,
            })
        }
        _ => Err(Why(
            format!("vendor.logo {shown} is neither .png nor .svg"),
            "give a PNG or SVG file".into(),
        )),
    }
}

fn check_side(w: u32, h: u32) -> Result<(), String> {
    if w == 0 || h == 0 || w > MAX_LOGO_SIDE || h > MAX_LOGO_SIDE {
        return Err(format!(
            "{w}×{h} is outside 1…{MAX_LOGO_SIDE} pixels per side"
        ));
    }
    if w > h * 20 || h > w * 5 {
        return Err(format!("{w}×{h} is too long or too tall for a logo"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml_vendor: &str, files: &[(&str, &[u8])]) -> Result<Branding, Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        for (n, b) in files {
            std::fs::write(dir.path().join(n), b).unwrap();
        }
        let text = format!("vendor:\n{yaml_vendor}");
        let raw: std::collections::BTreeMap<String, VendorConfig> =
            serde_saphyr::from_str(&text).unwrap();
        let file = Arc::new(dir.path().join("tebiki.yaml"));
        Branding::from_config(&raw["vendor"], &text, &file, dir.path())
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([10, 80, 160, 255]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn good_branding_loads_png_and_svg() {
        let b = load(
            "  name: 株式会社さくらシステム\n  phone: 03-1234-5678\n  logo: l.png\n  public_url: https://g.example.jp/2026\n",
            &[("l.png", &png(120, 40))],
        )
        .unwrap();
        assert_eq!(b.name.as_deref(), Some("株式会社さくらシステム"));
        let logo = b.logo.as_ref().unwrap();
        assert_eq!((logo.width, logo.height), (120, 40));
        assert!(logo.data_uri().starts_with("data:image/png;base64,"));
        assert_eq!(
            b.guide_url("a b").as_deref(),
            Some("https://g.example.jp/2026/clinics/a%20b/index.html")
        );
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30"><rect width="90" height="30" fill="#06c"/></svg>"##;
        let b = load("  logo: l.svg\n", &[("l.svg", svg)]).unwrap();
        let logo = b.logo.unwrap();
        assert_eq!(logo.format, LogoFormat::Svg);
        assert_eq!((logo.width, logo.height), (600, 200));
        assert!(image::load_from_memory(&logo.png).is_ok());
    }

    #[test]
    fn bad_values_are_located_errors() {
        type Files<'a> = &'a [(&'a str, &'a [u8])];
        let cases: &[(&str, Files, &str, u32)] = &[
            ("  phone: call us\n", &[], "vendor.phone", 2),
            ("  name: a\u{202E}b\n", &[], "invisible", 2),
            ("  public_url: javascript:alert(1)\n", &[], "public_url", 2),
            ("  name: x\n  logo: missing.png\n", &[], "cannot read", 3),
            (
                "  logo: l.png\n",
                &[("l.png", b"not a png")],
                "readable PNG",
                2,
            ),
            (
                "  logo: l.svg\n",
                &[("l.svg", b"<html>")],
                "readable SVG",
                2,
            ),
            ("  logo: l.gif\n", &[("l.gif", b"GIF89a")], "neither", 2),
            (
                "  logo: l.png\n",
                &[("l.png", &png(4000, 10))],
                "too long",
                2,
            ),
        ];
        for (yaml, files, want, line) in cases {
            let e = load(yaml, files).expect_err(yaml);
            assert!(e.message.contains(want), "{yaml}: {}", e.message);
            assert_eq!(e.pos.line, *line, "{yaml}");
            assert!(e.help.is_some());
        }
        let big = vec![0u8; MAX_LOGO_BYTES + 1];
        let e = load("  logo: l.png\n", &[("l.png", &big)]).unwrap_err();
        assert!(e.message.contains("KB"), "{}", e.message);
    }
}
