//! HTML rendering of evaluated guides and the vendor dashboard via Tera.
//!
//! Templates receive the evaluated [`Guide`] as data; they never compute
//! values. Tera escapes every interpolation; rich text arrives pre-escaped.

use super::theme::Theme;
use crate::error::{Error, Result};
use crate::eval::guide::Guide;
use serde::Serialize;

/// A renderer holding compiled templates and the inlined stylesheet.
pub struct HtmlRenderer {
    tera: tera::Tera,
    css: String,
}

/// One row of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct DashboardRow {
    /// Output key (folder).
    pub key: String,
    /// Clinic name.
    pub name: String,
    /// Institution code as printed.
    pub code: String,
    /// Prefecture.
    pub prefecture: String,
    /// Installation date, if known.
    pub installation: String,
    /// Number of errors (rules and data).
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Headlines of the findings.
    pub headlines: Vec<String>,
    /// A guide was written.
    pub ok: bool,
    /// Why not, when it failed.
    pub failure: String,
    /// The PDF was written too.
    pub has_pdf: bool,
}

impl HtmlRenderer {
    /// Compiles the theme's templates.
    pub fn new(theme: &Theme) -> Result<Self> {
        Ok(Self {
            tera: theme.tera()?,
            css: theme.file("static/style.css")?,
        })
    }

    fn render<T: Serialize>(
        &self,
        template: &str,
        key: &'static str,
        value: &T,
        extra: &[(&'static str, &str)],
    ) -> Result<String> {
        let mut ctx = tera::Context::new();
        ctx.insert(key, value);
        ctx.insert("css", &self.css);
        for (k, v) in extra {
            ctx.insert(*k, v);
        }
        self.tera
            .render(template, &ctx)
            .map_err(|e| Error::Template {
                name: template.to_string(),
                message: super::theme::tera_message(&e),
            })
    }

    /// Renders one clinic's guide; `illustrations` holds inline SVG per
    /// `manual/step` key. Its wording comes from the guide's strings.
    pub fn guide(
        &self,
        guide: &Guide,
        illustrations: &std::collections::BTreeMap<String, String>,
    ) -> Result<String> {
        let mut ctx = tera::Context::new();
        ctx.insert("g", guide);
        ctx.insert("t", &*guide.strings);
        ctx.insert("css", &self.css);
        ctx.insert("pics", illustrations);
        self.tera
            .render("guide.html", &ctx)
            .map_err(|e| Error::Template {
                name: "guide.html".into(),
                message: super::theme::tera_message(&e),
            })
    }

    /// Renders the vendor's dashboard of all clinics.
    pub fn dashboard(&self, rows: &[DashboardRow], generated: &str) -> Result<String> {
        self.render("dashboard.html", "rows", &rows, &[("generated", generated)])
    }
}

/// Date filters for templates: `{{ "2026-11-24" | wareki }}` → 令和8年11月24日（火）,
/// `| western` → 2026年11月24日（火）. Text that is not an ISO date passes unchanged.
pub fn register_date_filters(tera: &mut tera::Tera) {
    use crate::eval::dates;
    tera.register_filter("wareki", |v: &str, _: tera::Kwargs, _: &tera::State| {
        dates::parse_iso(v)
            .map(dates::wareki)
            .unwrap_or_else(|| v.to_string())
    });
    tera.register_filter("western", |v: &str, _: tera::Kwargs, _: &tera::State| {
        dates::parse_iso(v)
            .map(dates::western)
            .unwrap_or_else(|| v.to_string())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_filters() {
        let mut t = tera::Tera::new();
        register_date_filters(&mut t);
        t.add_raw_template(
            "x",
            "{{ d | wareki }} / {{ d | western }} / {{ e | wareki }}",
        )
        .unwrap();
        let mut c = tera::Context::new();
        c.insert("d", "2026-11-24");
        c.insert("e", "未定");
        assert_eq!(
            t.render("x", &c).unwrap(),
            "令和8年11月24日（火） / 2026年11月24日（火） / 未定"
        );
    }
}
