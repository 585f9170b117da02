//! Themes: the default theme is compiled into the binary; a theme folder on
//! disk overrides any template or asset file by file.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Files of the default theme, embedded so the binary works anywhere.
const DEFAULT_FILES: &[(&str, &str)] = &[
    (
        "templates/base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "templates/guide.html",
        include_str!("../../themes/default/templates/guide.html"),
    ),
    (
        "templates/step.html",
        include_str!("../../themes/default/templates/step.html"),
    ),
    (
        "templates/dashboard.html",
        include_str!("../../themes/default/templates/dashboard.html"),
    ),
    (
        "templates/dashboard_rows.html",
        include_str!("../../themes/default/templates/dashboard_rows.html"),
    ),
    (
        "templates/vendor.html",
        include_str!("../../themes/default/templates/vendor.html"),
    ),
    (
        "templates/sheet.html",
        include_str!("../../themes/default/templates/sheet.html"),
    ),
    (
        "static/style.css",
        include_str!("../../themes/default/static/style.css"),
    ),
    (
        "static/guide.js",
        include_str!("../../themes/default/static/guide.js"),
    ),
    (
        "static/dashboard.js",
        include_str!("../../themes/default/static/dashboard.js"),
    ),
    (
        "templates/site_base.html",
        include_str!("../../themes/default/templates/site_base.html"),
    ),
    (
        "templates/site_home.html",
        include_str!("../../themes/default/templates/site_home.html"),
    ),
    (
        "templates/site_manual.html",
        include_str!("../../themes/default/templates/site_manual.html"),
    ),
    (
        "templates/site_overview.html",
        include_str!("../../themes/default/templates/site_overview.html"),
    ),
    (
        "templates/site_part.html",
        include_str!("../../themes/default/templates/site_part.html"),
    ),
    (
        "templates/site_print.html",
        include_str!("../../themes/default/templates/site_print.html"),
    ),
    (
        "templates/site_step.html",
        include_str!("../../themes/default/templates/site_step.html"),
    ),
    (
        "templates/site_rule.html",
        include_str!("../../themes/default/templates/site_rule.html"),
    ),
    (
        "templates/site_rules.html",
        include_str!("../../themes/default/templates/site_rules.html"),
    ),
    (
        "templates/site_search.html",
        include_str!("../../themes/default/templates/site_search.html"),
    ),
    (
        "static/site.css",
        include_str!("../../themes/default/static/site.css"),
    ),
    (
        "static/search.js",
        include_str!("../../themes/default/static/search.js"),
    ),
];

/// Fonts of the default theme (BIZ UDGothic, SIL OFL 1.1: see themes/default/fonts/OFL.txt).
const DEFAULT_FONTS: &[(&str, &[u8])] = &[
    (
        "fonts/BIZUDGothic-Regular.ttf",
        include_bytes!("../../themes/default/fonts/BIZUDGothic-Regular.ttf"),
    ),
    (
        "fonts/BIZUDGothic-Bold.ttf",
        include_bytes!("../../themes/default/fonts/BIZUDGothic-Bold.ttf"),
    ),
];

/// A theme: an optional folder whose files take precedence over the defaults.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    dir: Option<PathBuf>,
}

impl Theme {
    /// Uses `dir` (if it exists) over the built-in default theme.
    pub fn new(dir: Option<&Path>) -> Self {
        Self {
            dir: dir.filter(|d| d.is_dir()).map(Path::to_path_buf),
        }
    }

    /// The text of `name` (e.g. `templates/guide.html`), from disk if overridden.
    pub fn file(&self, name: &str) -> Result<String> {
        if let Some(dir) = &self.dir {
            let p = dir.join(name);
            if p.is_file() {
                return std::fs::read_to_string(&p)
                    .map_err(|e| Error::io("cannot read theme file", p, e));
            }
        }
        DEFAULT_FILES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| Error::Template {
                name: name.to_string(),
                message: "no such theme file".into(),
            })
    }

    /// The bytes of a binary theme file (fonts), from disk if overridden.
    pub fn bytes(&self, name: &str) -> Result<std::borrow::Cow<'static, [u8]>> {
        if let Some(dir) = &self.dir {
            let p = dir.join(name);
            if p.is_file() {
                return std::fs::read(&p)
                    .map(std::borrow::Cow::Owned)
                    .map_err(|e| Error::io("cannot read theme file", p, e));
            }
        }
        DEFAULT_FONTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| std::borrow::Cow::Borrowed(*b))
            .ok_or_else(|| Error::Template {
                name: name.to_string(),
                message: "no such theme file".into(),
            })
    }

    /// The theme's wording: the default `strings.yaml` with the theme
    /// folder's `strings.yaml` (if any) on top. A key the default does not
    /// know is an error naming the file and the line.
    pub fn strings(&self) -> Result<crate::model::strings::Strings> {
        use crate::diag::{Diagnostic, Diagnostics};
        use crate::model::strings::Strings;
        let Some(p) = self.dir.as_ref().map(|d| d.join("strings.yaml")) else {
            return Ok(Strings::default());
        };
        if !p.is_file() {
            return Ok(Strings::default());
        }
        let text =
            std::fs::read_to_string(&p).map_err(|e| Error::io("cannot read theme file", &p, e))?;
        let file = std::sync::Arc::new(p);
        let invalid = |d: Diagnostic| {
            let mut ds = Diagnostics::default();
            ds.push(d);
            Error::Invalid(ds)
        };
        let map: std::collections::BTreeMap<String, String> =
            crate::load::yaml::from_str(&text, &file).map_err(invalid)?;
        Strings::with_overrides(map).map_err(|unknown| {
            self.strings_error(
                &unknown[0],
                format!("unknown string key `{}`", unknown.join("`, `")),
                "the keys are those of themes/default/strings.yaml; check the spelling",
            )
        })
    }

    /// Parses the theme's regular and bold fonts for the PDF (once per run):
    /// the files its `font_regular` and `font_bold` name.
    pub fn pdf_fonts(&self) -> Result<super::pdf::Fonts> {
        let strings = self.strings()?;
        let regular = self.font_file(&strings, "font_regular")?;
        let bold = self.font_file(&strings, "font_bold")?;
        super::pdf::Fonts::from_bytes(&regular, &bold).map_err(|e| {
            self.strings_error(
                "font_regular",
                format!(
                    "the theme's fonts (`font_regular: {}`, `font_bold: {}`) cannot be used: {e}",
                    strings.get("font_regular"),
                    strings.get("font_bold")
                ),
                "name TrueType or OpenType files (.ttf, .otf) with a Unicode character map",
            )
        })
    }

    /// The family of the theme's regular face (`font_regular`), as a
    /// browser knows it (「BIZ UDGothic」).
    pub fn font_family(&self) -> Result<String> {
        let strings = self.strings()?;
        Ok(super::pdf::fonts::family_of(
            &self.font_file(&strings, "font_regular")?,
        ))
    }

    /// The font file the strings key `key` names: a path inside the theme
    /// folder, else the bundled file of that name.
    fn font_file(
        &self,
        strings: &crate::model::strings::Strings,
        key: &str,
    ) -> Result<std::borrow::Cow<'static, [u8]>> {
        use std::path::Component;
        let name = strings.get(key);
        let inside = !name.trim().is_empty()
            && Path::new(name)
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if !inside {
            return Err(self.strings_error(
                key,
                format!("`{key}: {name}` is not a file inside the theme folder"),
                "write a path relative to the theme folder, without `..`, such as fonts/MyFont-Regular.ttf",
            ));
        }
        self.bytes(name).map_err(|e| match e {
            Error::Template { .. } => self.strings_error(
                key,
                format!(
                    "`{key}: {name}`: no such file in the theme folder{}",
                    self.dir
                        .as_ref()
                        .map(|d| format!(" ({})", d.display()))
                        .unwrap_or_default()
                ),
                "put the font file there, or name one of the bundled fonts (fonts/BIZUDGothic-Regular.ttf, fonts/BIZUDGothic-Bold.ttf)",
            ),
            other => other,
        })
    }

    /// An error located at `key`'s line of the theme's `strings.yaml` (its
    /// first line when the key is not there).
    fn strings_error(&self, key: &str, message: String, help: &str) -> Error {
        use crate::diag::{Diagnostic, Diagnostics};
        let file = self
            .dir
            .as_ref()
            .map_or_else(|| PathBuf::from("strings.yaml"), |d| d.join("strings.yaml"));
        let line = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| {
                text.lines()
                    .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            })
            .map_or(1, |i| i as u32 + 1);
        let mut ds = Diagnostics::default();
        ds.push(
            Diagnostic::error(
                crate::model::SourcePos::new(std::sync::Arc::new(file), line, 1),
                message,
            )
            .with_help(help),
        );
        Error::Invalid(ds)
    }

    /// Names of every template (default and overridden).
    pub fn template_names(&self) -> Vec<String> {
        let mut names: Vec<String> = DEFAULT_FILES
            .iter()
            .filter(|(n, _)| n.starts_with("templates/"))
            .map(|(n, _)| n.trim_start_matches("templates/").to_string())
            .collect();
        if let Some(dir) = &self.dir
            && let Ok(rd) = std::fs::read_dir(dir.join("templates"))
        {
            for e in rd.flatten() {
                if let Some(n) = e.file_name().to_str()
                    && n.ends_with(".html")
                    && !names.iter().any(|x| x == n)
                {
                    names.push(n.to_string());
                }
            }
        }
        names
    }

    /// Builds a Tera instance with every template of the theme.
    pub fn tera(&self) -> Result<tera::Tera> {
        let mut t = tera::Tera::new();
        t.autoescape_on(vec![".html"]);
        // Filters must exist before templates are compiled (Tera checks them).
        let words = crate::eval::dates::DateWords::of(&self.strings()?);
        super::html::register_date_filters(&mut t, words);
        super::html::register_words_filter(&mut t);
        let mut all = Vec::new();
        for name in self.template_names() {
            all.push((name.clone(), self.file(&format!("templates/{name}"))?));
        }
        t.add_raw_templates(all.iter().map(|(n, c)| (n.as_str(), c.as_str())))
            .map_err(|e| Error::Template {
                name: "theme".into(),
                message: tera_message(&e),
            })?;
        Ok(t)
    }
}

/// Tera's message including its source chain (the location excerpt lives there).
pub fn tera_message(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push('\n');
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}
