//! The help site's pages: which pages exist, their URLs, the navigation
//! around them (sidebar, breadcrumbs, previous/next), and rendering each
//! with the theme's `site_*.html` templates.
//!
//! Links are relative (`../`) when `base_url` is empty, so the site opens
//! from `file://`; otherwise every link starts with `base_url` ("/help/").

use super::view::{ManualView, RULES_PAGE, SiteView};
use crate::config::SiteConfig;
use crate::error::{Error, Result};
use serde::Serialize;

/// A rendered page: site-relative path and HTML.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path under the site folder (`online-shikaku/usage.html`).
    pub path: String,
    /// The HTML.
    pub html: String,
}

/// A link with a label.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Text.
    pub label: String,
    /// Site-relative URL (templates prefix `root`).
    pub url: String,
}

/// A manual in the sidebar.
#[derive(Debug, Clone, Serialize)]
struct NavManual {
    title: String,
    url: String,
    current: bool,
    open: bool,
    parts: Vec<NavPart>,
}

#[derive(Debug, Clone, Serialize)]
struct NavPart {
    label: String,
    url: String,
    current: bool,
    steps: Vec<Link>,
}

/// What kind of page is rendered (selects the template and the sidebar state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Home,
    Search,
    Rules,
    Manual(usize),
    Part(usize, usize),
    Print(usize),
}

/// The `root` prefix of a page `depth` folders below the site root.
pub fn root_prefix(site: &SiteConfig, depth: usize) -> String {
    let base = site.base_url.trim();
    if base.is_empty() {
        "../".repeat(depth)
    } else if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    }
}

fn nav(view: &SiteView, kind: Kind) -> Vec<NavManual> {
    let (cur_m, cur_p) = match kind {
        Kind::Manual(m) | Kind::Print(m) => (Some(m), None),
        Kind::Part(m, p) => (Some(m), Some(p)),
        _ => (None, None),
    };
    view.manuals
        .iter()
        .enumerate()
        .map(|(mi, m)| NavManual {
            title: m.title.clone(),
            url: m.url.clone(),
            current: kind == Kind::Manual(mi),
            open: cur_m == Some(mi) || view.manuals.len() == 1,
            parts: m
                .parts
                .iter()
                .enumerate()
                .map(|(pi, p)| NavPart {
                    label: format!("{} {}", p.number, p.title),
                    url: p.url.clone(),
                    current: cur_m == Some(mi) && cur_p == Some(pi),
                    steps: p
                        .steps
                        .iter()
                        .map(|s| Link {
                            label: format!("{} {}", s.number, s.title),
                            url: s.url.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

fn home(view: &SiteView) -> Link {
    Link {
        label: view.strings.get("site_home").into(),
        url: "index.html".into(),
    }
}

/// Previous and next page inside a manual: overview, part 1, part 2, ….
fn neighbours(view: &SiteView, m: &ManualView, pos: usize) -> (Option<Link>, Option<Link>) {
    let mut seq = vec![Link {
        label: view.strings.fill("site_overview", &[("title", &m.title)]),
        url: m.url.clone(),
    }];
    seq.extend(m.parts.iter().map(|p| Link {
        label: format!("{} {}", p.number, p.title),
        url: p.url.clone(),
    }));
    let prev = pos.checked_sub(1).and_then(|i| seq.get(i).cloned());
    let next = seq.get(pos + 1).cloned();
    (prev, next)
}

struct Renderer<'a> {
    tera: &'a tera::Tera,
    site: &'a SiteConfig,
    view: &'a SiteView,
}

impl Renderer<'_> {
    /// The site's title: the config's, else the theme's.
    fn title(&self) -> &str {
        match self.site.title.trim() {
            "" => self.view.strings.get("site_title"),
            t => t,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        path: String,
        template: &str,
        kind: Kind,
        title: &str,
        crumbs: Vec<Link>,
        prev_next: (Option<Link>, Option<Link>),
        extra: &dyn Fn(&mut tera::Context),
    ) -> Result<Page> {
        let depth = path.matches('/').count();
        let mut ctx = tera::Context::new();
        ctx.insert(
            "site",
            &serde_json::json!({
                "title": self.title(),
                // Unset: the theme's language, as the guides say.
                "lang": if self.site.lang.trim().is_empty() {
                    self.view.strings.get("lang")
                } else {
                    self.site.lang.trim()
                },
                "base_url": self.site.base_url,
            }),
        );
        ctx.insert("root", &root_prefix(self.site, depth));
        ctx.insert("path", &path);
        ctx.insert("title", title);
        ctx.insert(
            "page_kind",
            match kind {
                Kind::Home => "home",
                Kind::Search => "search",
                Kind::Rules => "rules",
                Kind::Manual(_) => "manual",
                Kind::Part(..) => "part",
                Kind::Print(_) => "print",
            },
        );
        ctx.insert("nav", &nav(self.view, kind));
        ctx.insert("crumbs", &crumbs);
        ctx.insert("prev", &prev_next.0);
        ctx.insert("next", &prev_next.1);
        ctx.insert("rules_page", RULES_PAGE);
        ctx.insert("search_examples", &self.view.search_examples);
        ctx.insert("site_audience", &self.view.site_audience);
        ctx.insert("generic_value", self.view.strings.get("generic_clinic"));
        // The theme's words, for the site's own pages (navigation, search).
        ctx.insert("ui", &*self.view.strings);
        extra(&mut ctx);
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(|e| Error::Template {
                name: template.to_string(),
                message: format!("{e:?}"),
            })?;
        Ok(Page { path, html })
    }
}

/// Renders every page of the site.
pub fn render_all(view: &SiteView, site: &SiteConfig, tera: &tera::Tera) -> Result<Vec<Page>> {
    let r = Renderer { tera, site, view };
    let mut pages = Vec::new();
    pages.push(r.page(
        "index.html".into(),
        "site_home.html",
        Kind::Home,
        r.title(),
        Vec::new(),
        (None, None),
        &|ctx| ctx.insert("manuals", &view.manuals),
    )?);
    pages.push(r.page(
        "search.html".into(),
        "site_search.html",
        Kind::Search,
        view.strings.get("site_search"),
        vec![home(view)],
        (None, None),
        &|_| {},
    )?);
    pages.push(r.page(
        RULES_PAGE.into(),
        "site_rules.html",
        Kind::Rules,
        view.strings.get("site_rules"),
        vec![home(view)],
        (None, None),
        &|ctx| {
            ctx.insert("general_rules", &view.general_rules);
            ctx.insert("step_rules", &view.step_rules);
        },
    )?);
    for (mi, m) in view.manuals.iter().enumerate() {
        let manual_link = Link {
            label: m.title.clone(),
            url: m.url.clone(),
        };
        pages.push(r.page(
            m.url.clone(),
            "site_manual.html",
            Kind::Manual(mi),
            &m.title,
            vec![home(view)],
            neighbours(view, m, 0),
            &|ctx| ctx.insert("manual", m),
        )?);
        for (pi, p) in m.parts.iter().enumerate() {
            pages.push(r.page(
                p.url.clone(),
                "site_part.html",
                Kind::Part(mi, pi),
                &format!("{} {}", p.number, p.title),
                vec![home(view), manual_link.clone()],
                neighbours(view, m, pi + 1),
                &|ctx| {
                    ctx.insert("manual", m);
                    ctx.insert("part", p);
                },
            )?);
        }
        pages.push(
            r.page(
                m.print_url.clone(),
                "site_print.html",
                Kind::Print(mi),
                &view
                    .strings
                    .fill("site_print_title", &[("title", &m.title)]),
                vec![home(view), manual_link.clone()],
                (None, None),
                &|ctx| ctx.insert("manual", m),
            )?,
        );
    }
    Ok(pages)
}
