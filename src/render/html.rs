//! HTML rendering of evaluated guides and the vendor dashboard via Tera.
//!
//! Templates receive the evaluated [`Guide`] as data; they never compute
//! values. Tera escapes every interpolation; rich text arrives pre-escaped.

use super::theme::Theme;
use crate::branding::Branding;
use crate::error::{Error, Result};
use crate::eval::guide::Guide;
use serde::Serialize;
use std::sync::Arc;

/// A renderer holding compiled templates and the inlined stylesheet.
pub struct HtmlRenderer {
    tera: tera::Tera,
    /// The stylesheet and scripts as template values, converted once (a
    /// value's text is shared, so each page's context costs no copy).
    css: tera::Value,
    guide_js: tera::Value,
    dashboard_js: tera::Value,
    /// The last guide wording seen and its template value: every guide of
    /// a build carries the same (the content's), converted once.
    guide_strings: LastValue<crate::model::strings::Strings>,
    /// The same for the guides' branding (its logo as a `data:` URI).
    guide_brand: LastValue<Branding>,
    /// The theme's wording, for the dashboard (a guide carries its own).
    strings: Arc<crate::model::strings::Strings>,
    branding: Arc<Branding>,
    /// Which of the dashboard's optional columns content's schema has.
    columns: DashboardColumns,
    /// The largest guide rendered so far (bytes): the next one's buffer
    /// starts that large instead of growing by doubling (and copying).
    guide_len: std::sync::atomic::AtomicUsize,
}

/// The dashboard's columns that depend on content's schema (all shown
/// unless [`HtmlRenderer::with_dashboard_columns`] says otherwise).
#[derive(Debug, Clone, Copy, Serialize)]
struct DashboardColumns {
    /// Days to, and the date of, the field marked `dashboard:`.
    date: bool,
    /// The prefecture.
    prefecture: bool,
}

impl Default for DashboardColumns {
    fn default() -> Self {
        Self {
            date: true,
            prefecture: true,
        }
    }
}

/// The template value of the shared value converted last: every guide of a
/// build carries the same wording and branding (one `Arc`), so each is
/// converted once, not once per clinic.
struct LastValue<T>(std::sync::Mutex<Option<(Arc<T>, tera::Value)>>);

impl<T> Default for LastValue<T> {
    fn default() -> Self {
        Self(std::sync::Mutex::default())
    }
}

impl<T> LastValue<T> {
    /// The value of `of`: the one converted last when `of` is the same
    /// shared value, else `convert(of)` (kept for the next call).
    fn get(&self, of: &Arc<T>, convert: impl FnOnce(&T) -> tera::Value) -> tera::Value {
        let mut last = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*last {
            Some((s, v)) if Arc::ptr_eq(s, of) => v.clone(),
            _ => {
                let v = convert(of);
                *last = Some((of.clone(), v.clone()));
                v
            }
        }
    }
}

/// The vendor's line as templates see it (`brand`): nothing when no
/// branding is set.
#[derive(Serialize)]
struct Brand<'a> {
    name: Option<&'a str>,
    phone: Option<&'a str>,
    /// `data:` URI of the logo (an `<img>` runs no script).
    logo: Option<String>,
}

impl<'a> Brand<'a> {
    fn of(b: &'a Branding) -> Option<Self> {
        (!b.is_empty()).then(|| Brand {
            name: b.name.as_deref(),
            phone: b.phone.as_deref(),
            logo: b.logo.as_ref().map(|l| l.data_uri()),
        })
    }
}

/// One row of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct DashboardRow {
    /// Output key (folder).
    pub key: String,
    /// Clinic name.
    pub name: String,
    /// Institution code as printed (as read, for a code the check refused).
    pub code: String,
    /// A refused institution code as typed, when that differs from `code`.
    pub code_typed: String,
    /// Prefecture.
    pub prefecture: String,
    /// The documents of its guide, when clinics get different manuals.
    pub documents: String,
    /// Installation date as printed, if known.
    pub installation: String,
    /// Installation date `YYYY-MM-DD`, if known.
    pub installation_date: String,
    /// An installation date that could not be read, as typed.
    pub installation_typed: String,
    /// Days from the build's date to installation (negative when past).
    pub days: Option<i64>,
    /// Worst state: `failed`, `error`, `warning` (asks for something),
    /// `tidied` (values only tidied, read right) or `ok`.
    pub state: &'static str,
    /// Urgency of the state, 0 (failed) to 4 (ok), for sorting.
    pub rank: u8,
    /// Number of errors (rules and data).
    pub errors: usize,
    /// Number of warnings that ask for something (not the tidied values).
    pub warnings: usize,
    /// Findings that need action (errors and warnings), worst first.
    pub headlines: Vec<Headline>,
    /// Routine notes (findings of severity info, e.g. the certificate fee).
    pub routine: Vec<String>,
    /// Data notes that only say how a value was tidied (full-width digits
    /// made half-width, separators removed): read right, nothing to do.
    pub tidied: Vec<String>,
    /// A guide was written.
    pub ok: bool,
    /// Why not, when it failed.
    pub failure: String,
    /// The PDF handout was written too.
    pub has_pdf: bool,
    /// The one-page sheet was written too.
    pub has_sheet: bool,
    /// What changed since the last build into the same folder.
    pub since: SinceRow,
    /// `since` says something.
    pub changed: bool,
}

/// What changed for one clinic since the last build, as the dashboard
/// says it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SinceRow {
    /// The last build had no record of it.
    pub first: bool,
    /// It has a guide now and had none.
    pub now_built: bool,
    /// It has no guide now and had one.
    pub now_failed: bool,
    /// Its files were written again with other bytes.
    pub updated: bool,
    /// Errors and warnings gone.
    pub resolved: Vec<Headline>,
    /// Errors and warnings new.
    pub new: Vec<Headline>,
}

impl SinceRow {
    /// The row's words for `s`.
    pub fn of(s: &crate::manifest::Since) -> SinceRow {
        let heads = |v: &[crate::manifest::Finding]| {
            v.iter()
                .map(|f| Headline {
                    severity: f.severity,
                    title: f.title.clone(),
                })
                .collect()
        };
        SinceRow {
            first: s.first,
            now_built: s.was_built == Some(false),
            now_failed: s.was_built == Some(true),
            updated: s.updated,
            resolved: heads(&s.resolved),
            new: heads(&s.new),
        }
    }
}

/// A value of the printed sheet.
#[derive(Serialize)]
struct SheetRow<'a> {
    /// The title of the manual whose values start here, when the sheet
    /// lists values of several manuals.
    manual: Option<&'a str>,
    step: &'a str,
    label: &'a str,
    display: &'a str,
    is_value: bool,
    corrected: bool,
    missing: bool,
    check: bool,
    /// Whose value it is, when a repeated row holds several (「受付: 」).
    for_item: Option<String>,
    /// The row's `sheet_note:` (after the check mark, as in sheet.pdf).
    note: Option<&'a str>,
}

/// A QR code of the printed sheet.
#[derive(Serialize)]
struct SheetQr {
    svg: String,
    caption: String,
}

/// A finding as one line of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    /// `error` or `warning`.
    pub severity: crate::model::Severity,
    /// The finding's title.
    pub title: String,
}

/// How many clinics are in each state.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DashboardCounts {
    /// All clinics.
    pub total: usize,
    /// No guide written.
    pub failed: usize,
    /// With an error.
    pub error: usize,
    /// With a warning that asks for something, no error.
    pub warning: usize,
    /// Only values tidied as they were read: nothing to do.
    pub tidied: usize,
    /// Nothing to act on.
    pub ok: usize,
    /// Changed since the last build into the same folder.
    pub changed: usize,
    /// Clinics of the last build that are not in this one (their guides
    /// deleted), at most [`DashboardCounts::GONE_SHOWN`] of them.
    pub gone: Vec<GoneClinic>,
    /// How many clinics are gone in all.
    pub gone_total: usize,
}

/// A clinic of the last build that this build no longer has.
#[derive(Debug, Clone, Serialize)]
pub struct GoneClinic {
    /// Its name.
    pub name: String,
    /// Institution code as printed.
    pub code: String,
}

impl DashboardCounts {
    /// Gone clinics named on the dashboard (the rest are counted).
    pub const GONE_SHOWN: usize = 100;

    /// Counts `rows` by state.
    pub fn of(rows: &[DashboardRow]) -> Self {
        let mut c = Self {
            total: rows.len(),
            ..Self::default()
        };
        for r in rows {
            c.changed += usize::from(r.changed);
            match r.state {
                "failed" => c.failed += 1,
                "error" => c.error += 1,
                "warning" => c.warning += 1,
                "tidied" => c.tidied += 1,
                _ => c.ok += 1,
            }
        }
        c
    }
}

impl HtmlRenderer {
    /// Compiles the theme's templates.
    pub fn new(theme: &Theme) -> Result<Self> {
        Ok(Self {
            tera: theme.tera()?,
            css: tera::Value::from_serializable(&compact_css(&format!(
                "{}{}",
                super::svg::css_font_rule(&theme.font_family()?),
                theme.file("static/style.css")?
            ))),
            guide_js: tera::Value::from_serializable(&script(theme.file("static/guide.js")?)),
            dashboard_js: tera::Value::from_serializable(&script(
                theme.file("static/dashboard.js")?,
            )),
            guide_strings: LastValue::default(),
            guide_brand: LastValue::default(),
            strings: Arc::new(theme.strings()?),
            branding: Arc::default(),
            columns: DashboardColumns::default(),
            guide_len: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// The dashboard's columns as content's schema has them: the days to
    /// and the date of the field content marks `dashboard:` (its name there,
    /// 「設置日」, fills `{date_name}` in the dashboard's words), and the
    /// prefecture when the schema has a prefecture field. A schema without
    /// them gets no such columns (nor the days filter).
    pub fn with_dashboard_columns(mut self, fields: &crate::model::clinic::FieldCatalog) -> Self {
        let date = fields.dashboard_date().map(|(_, w)| w);
        let word = date.unwrap_or(self.strings.get("date")).to_string();
        self.strings = Arc::new(self.strings.filled("dashboard_", &[("date_name", &word)]));
        self.columns = DashboardColumns {
            date: date.is_some(),
            prefecture: fields
                .fields
                .iter()
                .any(|f| f.kind == crate::model::clinic::FieldKind::Prefecture),
        };
        self
    }

    /// The vendor's branding for the dashboard (a guide shows its own).
    pub fn with_branding(mut self, branding: Arc<Branding>) -> Self {
        self.branding = branding;
        self
    }

    fn render(&self, template: &str, mut ctx: tera::Context) -> Result<String> {
        ctx.insert_value("css", self.css.clone());
        self.tera
            .render(template, &ctx)
            .map_err(|e| Error::Template {
                name: template.to_string(),
                message: super::theme::tera_message(&e),
            })
    }

    /// [`HtmlRenderer::render`] into bytes, the page as it is written to
    /// its file: Tera writes only `str` pieces, so the bytes are UTF-8
    /// without the pass over the whole page that `render` makes to turn
    /// its buffer into a `String` again. `capacity` is the buffer's start.
    fn render_bytes(
        &self,
        template: &str,
        mut ctx: tera::Context,
        capacity: usize,
    ) -> Result<Vec<u8>> {
        ctx.insert_value("css", self.css.clone());
        let mut out = Vec::with_capacity(capacity);
        self.tera
            .render_to(template, &ctx, &mut out)
            .map_err(|e| Error::Template {
                name: template.to_string(),
                message: super::theme::tera_message(&e),
            })?;
        Ok(out)
    }

    /// Renders one clinic's guide; `illustrations` holds inline SVG per
    /// `manual/step` key. Its wording comes from the guide's strings.
    pub fn guide(
        &self,
        guide: &Guide,
        illustrations: &std::collections::BTreeMap<String, String>,
    ) -> Result<String> {
        self.guide_with(guide, tera::Value::from_serializable(illustrations))
    }

    /// [`HtmlRenderer::guide`] with the guide's pictures (the SVG of those
    /// kept by a build's cache is not copied again per clinic).
    /// `sheet` is the layout `sheet.pdf` was set in
    /// ([`super::sheet::render_chosen`]): a sheet that needed more than the
    /// regular one to fit its page is printed dense here too.
    /// Returns the page's bytes (UTF-8), as a build writes them.
    pub fn guide_pictures(
        &self,
        guide: &Guide,
        pictures: &super::pictures::Pictures,
        sheet: super::sheet::Layout,
    ) -> Result<Vec<u8>> {
        use std::sync::atomic::Ordering::Relaxed;
        let mut ctx = self.guide_context(guide, pictures.svg_value());
        ctx.insert("sheet_dense", &(sheet != super::sheet::Layout::Regular));
        let page = self.render_bytes("guide.html", ctx, self.guide_len.load(Relaxed))?;
        self.guide_len.fetch_max(page.len(), Relaxed);
        Ok(page)
    }

    fn guide_with(&self, guide: &Guide, pics: tera::Value) -> Result<String> {
        self.render("guide.html", self.guide_context(guide, pics))
    }

    /// The template context of one clinic's guide.
    fn guide_context(&self, guide: &Guide, pics: tera::Value) -> tera::Context {
        let mut ctx = tera::Context::new();
        super::rich_html::with_memo(|| ctx.insert("g", guide));
        ctx.insert_value(
            "t",
            self.guide_strings
                .get(&guide.strings, tera::Value::from_serializable),
        );
        ctx.insert("findings_heading", guide.findings_heading());
        ctx.insert("sheet_findings_heading", guide.sheet_findings_heading());
        ctx.insert_value("pics", pics);
        ctx.insert_value("js", self.guide_js.clone());
        ctx.insert_value(
            "brand",
            self.guide_brand.get(&guide.branding, |b| {
                tera::Value::from_serializable(&Brand::of(b))
            }),
        );
        // The line under the title, the same words as the handout's and the
        // sheet's (one string, `subtitle`).
        ctx.insert(
            "subtitle",
            &guide.subtitle(&super::handout::date_shown(
                &guide.generated,
                &guide.strings,
            )),
        );
        // The one-page sheet, the same values and codes as sheet.pdf.
        let values = super::sheet::typed_values(guide);
        // A warning on a repeated row (its first repetition carries it)
        // marks every value of it, as the sheet marks the group: marked on
        // the first alone, one name of several read as the one to check.
        let checked: Vec<(&str, &str, &str)> = values
            .iter()
            .filter(|(_, r)| super::sheet::to_check(r))
            .map(|(s, r)| (super::sheet::manual_of(s), s.number.as_str(), r.id.as_str()))
            .collect();
        ctx.insert(
            "sheet_values_heading",
            guide.strings.get(super::sheet::values_heading(&values)),
        );
        let items = super::sheet::items_of(&values, guide);
        let mut heading = super::sheet::ManualHeading::new(guide, values.iter().map(|(s, _)| *s));
        let rows: Vec<SheetRow> = values
            .iter()
            .zip(items)
            .map(|(&(s, r), for_item)| SheetRow {
                manual: heading.before(s),
                for_item,
                step: &s.number,
                label: &r.label,
                display: &r.display,
                is_value: r.is_value,
                corrected: r.correction.is_some(),
                missing: matches!(r.shown, crate::eval::guide::Shown::Missing { .. }),
                check: checked.contains(&(
                    super::sheet::manual_of(s),
                    s.number.as_str(),
                    r.id.as_str(),
                )),
                note: r.sheet_note.as_deref(),
            })
            .collect();
        ctx.insert("sheet_rows", &rows);
        ctx.insert("sheet_dates", &super::sheet::sheet_dates(guide));
        let qrs: Vec<SheetQr> = super::sheet::qr_codes(guide)
            .iter()
            .map(|q| SheetQr {
                svg: q.svg(),
                caption: q.caption().to_string(),
            })
            .collect();
        ctx.insert("sheet_qrs", &qrs);
        // Set by a build from the layout of sheet.pdf (`guide_pictures`).
        ctx.insert("sheet_dense", &false);
        // Screens the handout puts in words (nothing to fill in): printed
        // without their picture here too.
        let in_words: Vec<&str> = guide
            .manuals
            .iter()
            .flat_map(|m| m.parts.iter())
            .flat_map(|p| p.steps.iter())
            .filter(|s| s.screen.as_ref().is_some_and(super::handout::in_words))
            .map(|s| s.key.as_str())
            .collect();
        ctx.insert("in_words", &in_words);
        // Rows a warning or an error doubts (the sheet's 「確認してから入力」):
        // the table under a picture says so in words, not by colour alone,
        // as the picture's full text alternative did.
        let doubted: Vec<String> = guide
            .manuals
            .iter()
            .flat_map(|m| m.parts.iter())
            .flat_map(|p| p.steps.iter())
            .flat_map(|s| {
                s.screen
                    .iter()
                    .flat_map(|sc| sc.rows.iter())
                    .filter(|r| super::sheet::to_check(r))
                    .map(|r| format!("{}#{}", s.key, r.id))
            })
            .collect();
        ctx.insert("doubted", &doubted);
        ctx
    }

    /// Renders the vendor's dashboard of all clinics (`rows` in the order
    /// shown without JavaScript: most urgent first).
    pub fn dashboard(&self, rows: &[DashboardRow], generated: &str) -> Result<String> {
        self.render(
            "dashboard.html",
            self.dashboard_context(rows, &DashboardCounts::of(rows), generated, ""),
        )
    }

    fn dashboard_context(
        &self,
        rows: &[DashboardRow],
        counts: &DashboardCounts,
        generated: &str,
        marker: &str,
    ) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("rows", rows);
        ctx.insert("counts", counts);
        ctx.insert("generated", generated);
        ctx.insert_value("js", self.dashboard_js.clone());
        ctx.insert("brand", &Brand::of(&self.branding));
        ctx.insert("t", &*self.strings);
        ctx.insert("rows_marker", marker);
        ctx.insert("cols", &self.columns);
        ctx
    }

    /// Writes the dashboard to `w` without holding all its rows: the page
    /// around the rows first, then the rows `next` hands out a chunk at a
    /// time (most urgent first), each drawn by `dashboard_rows.html`. A
    /// theme whose `dashboard.html` does not include that template (no
    /// `rows_marker` in its output) gets every row at once, as before.
    pub fn dashboard_to(
        &self,
        counts: &DashboardCounts,
        generated: &str,
        next: &mut dyn FnMut() -> Result<Option<Vec<DashboardRow>>>,
        w: &mut dyn std::io::Write,
    ) -> Result<()> {
        const MARKER: &str = "<!--tebiki:dashboard-rows-->";
        let io = |e: std::io::Error| Error::io("cannot write", "clinics/index.html", e);
        let page = self.render(
            "dashboard.html",
            self.dashboard_context(&[], counts, generated, MARKER),
        )?;
        let Some((head, tail)) = page.split_once(MARKER) else {
            let mut rows = Vec::new();
            while let Some(chunk) = next()? {
                rows.extend(chunk);
            }
            let page = self.render(
                "dashboard.html",
                self.dashboard_context(&rows, counts, generated, ""),
            )?;
            return w.write_all(page.as_bytes()).map_err(io);
        };
        w.write_all(head.as_bytes()).map_err(io)?;
        while let Some(chunk) = next()? {
            let part = self.render(
                "dashboard_rows.html",
                self.dashboard_context(&chunk, counts, generated, ""),
            )?;
            w.write_all(part.as_bytes()).map_err(io)?;
        }
        w.write_all(tail.as_bytes()).map_err(io)
    }
}

/// The theme's stylesheet as every page inlines it: without its comments
/// (notes for the theme's authors, about a ninth of the default one) and
/// with each run of white space one space, none next to `{`, `}` or `;`.
/// Strings are copied as they are; a comment counts as white space, so no
/// two words are joined. The rules, and so the page, are the same.
fn compact_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                space = true;
                continue;
            }
            c if c.is_ascii_whitespace() => {
                space = true;
                continue;
            }
            _ => {}
        }
        if std::mem::take(&mut space)
            && !out.is_empty()
            && !out.ends_with(['{', '}', ';'])
            && !matches!(c, '{' | '}' | ';')
        {
            out.push(' ');
        }
        out.push(c);
        if c == '"' || c == '\'' {
            // A string, as it is, to its closing quote (or the end of the
            // line, where an unclosed one ends).
            while let Some(s) = chars.next() {
                out.push(s);
                match s {
                    '\\' => {
                        if let Some(e) = chars.next() {
                            out.push(e);
                        }
                    }
                    '\n' => break,
                    s if s == c => break,
                    _ => {}
                }
            }
        }
    }
    out
}

/// A theme script made safe to inline in `<script>`: a `</` inside it
/// (in a string, say) would end the element early.
fn script(js: String) -> String {
    js.replace("</", "<\\/")
}

/// `{{ value | words }}`: the value escaped for element content with the
/// words the handout keeps whole wrapped to stay whole in the browser too
/// ([`super::rich_html::escape_words`]); never for an attribute. A value
/// that is not text passes unchanged (and is escaped as usual).
pub fn register_words_filter(tera: &mut tera::Tera) {
    tera.register_filter(
        "words",
        |v: tera::Value, _: tera::Kwargs, _: &tera::State| match v.as_str() {
            Some(s) if !v.is_safe() => tera::Value::safe_string(&super::rich_html::escape_words(s)),
            _ => v,
        },
    );
}

/// Date filters for templates: `{{ "2026-11-24" | wareki }}` → 令和8年11月24日（火）,
/// `| western` → the date in the theme's words (`date_format`: 2026年11月24日（火）).
/// Text that is not an ISO date passes unchanged.
pub fn register_date_filters(tera: &mut tera::Tera, words: crate::eval::dates::DateWords) {
    use crate::eval::dates;
    tera.register_filter("wareki", |v: &str, _: tera::Kwargs, _: &tera::State| {
        dates::parse_iso(v)
            .map(dates::wareki)
            .unwrap_or_else(|| v.to_string())
    });
    tera.register_filter(
        "western",
        move |v: &str, _: tera::Kwargs, _: &tera::State| {
            dates::parse_iso(v)
                .map(|d| words.date(d))
                .unwrap_or_else(|| v.to_string())
        },
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_inlined_stylesheet_drops_comments_and_spare_space_only() {
        let css = "/* note */\n:root {\n  --ink: #1b1f24; --x: 1px;\n}\n\
                   a, b > c .d {  margin: 0 auto ;\tcolor:var(--ink) }\n\
                   body{font-family: \"BIZ  UDゴシック\", 'a /* b */ c', sans-serif;}\n\
                   e/* joined? */f { content: \"\\\"  }\" }\n\
                   @media (max-width: 40em) { .g { width: calc(100% - 2rem); } }\n";
        assert_eq!(
            super::compact_css(css),
            ":root{--ink: #1b1f24;--x: 1px;}\
             a, b > c .d{margin: 0 auto;color:var(--ink)}\
             body{font-family: \"BIZ  UDゴシック\", 'a /* b */ c', sans-serif;}\
             e f{content: \"\\\"  }\"}\
             @media (max-width: 40em){.g{width: calc(100% - 2rem);}}"
        );
        // The default theme's: shorter, every rule still there.
        let theme = crate::render::theme::Theme::new(None);
        let full = theme.file("static/style.css").unwrap();
        let short = super::compact_css(&full);
        assert!(
            short.len() * 10 < full.len() * 9,
            "{} of {}",
            short.len(),
            full.len()
        );
        let uncommented: String = full
            .split("/*")
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    p
                } else {
                    p.split_once("*/").unwrap().1
                }
            })
            .collect();
        for c in ['{', '}', ';', ':', ',', '"', '\''] {
            assert_eq!(
                short.matches(c).count(),
                uncommented.matches(c).count(),
                "{c}"
            );
        }
        let words = |s: &str| -> Vec<String> {
            s.split(|c: char| c.is_ascii_whitespace() || "{};".contains(c))
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect()
        };
        assert_eq!(words(&short), words(&uncommented));
        assert_eq!(super::compact_css(&short), short);
    }

    use super::*;

    #[test]
    fn date_filters() {
        let mut t = tera::Tera::new();
        register_date_filters(&mut t, crate::eval::dates::DateWords::default());
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
