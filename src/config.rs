//! Project configuration (`tebiki.yaml`), all optional, with CLI overrides.

use crate::diag::Diagnostic;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Settings read from `tebiki.yaml` at the project root.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Content folder (manuals, rules, fields).
    pub content: PathBuf,
    /// Clinic data: a folder of YAML files (or a CSV/XLSX file).
    pub clinics: PathBuf,
    /// Theme folder overriding the built-in theme.
    pub theme: PathBuf,
    /// Output folder.
    pub out: PathBuf,
    /// Help-site settings.
    pub site: SiteConfig,
    /// Extra spreadsheet column headers: header → field path (added to the
    /// `headers` of `content/fields.yaml` for this project's clinic lists).
    pub headers: std::collections::BTreeMap<String, String>,
    /// Vendor branding as written (`vendor:`): name, phone, logo, public URL.
    pub vendor: crate::branding::VendorConfig,
    /// A font for characters the theme's fonts lack (rare kanji such as 𠮷),
    /// read only when a handout needs it. Default: Debian's Noto Sans CJK
    /// (`fonts-noto-cjk`); a file that is not there leaves such characters
    /// missing (drawn as 〓 and reported as a warning).
    pub fallback_font: PathBuf,
    /// The branding, checked (filled by [`Config::load`]).
    #[serde(skip)]
    pub branding: Arc<crate::branding::Branding>,
}

/// Settings of the internal help site.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// Site title; empty = the theme's `site_title`.
    pub title: String,
    /// Path prefix when hosted under a sub-path ("/help/"); "" for relative links.
    pub base_url: String,
    /// UI language; empty = the theme's `lang` (strings.yaml).
    pub lang: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            content: "content".into(),
            clinics: "content/clinics".into(),
            theme: "themes/default".into(),
            out: "output".into(),
            site: SiteConfig::default(),
            headers: Default::default(),
            vendor: Default::default(),
            fallback_font: DEFAULT_FALLBACK_FONT.into(),
            branding: Default::default(),
        }
    }
}

/// Where Debian's `fonts-noto-cjk` puts Noto Sans CJK.
pub const DEFAULT_FALLBACK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

impl Config {
    /// Reads `path` if it exists; paths in it are relative to its folder.
    pub fn load(path: &Path) -> Result<Config, Diagnostic> {
        if !path.is_file() {
            return Ok(Config::default());
        }
        let file = Arc::new(path.to_path_buf());
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::error(
                crate::model::SourcePos::new(file.clone(), 0, 0),
                format!("cannot read config: {e}"),
            )
        })?;
        let mut cfg: Config = crate::load::yaml::from_str(&text, &file)?;
        let base = path.parent().unwrap_or(Path::new("."));
        cfg.branding = Arc::new(crate::branding::Branding::from_config(
            &cfg.vendor,
            &text,
            &file,
            base,
        )?);
        for p in [
            &mut cfg.content,
            &mut cfg.clinics,
            &mut cfg.theme,
            &mut cfg.out,
            &mut cfg.fallback_font,
        ] {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        Ok(cfg)
    }
}
