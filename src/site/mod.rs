//! The internal help site: every manual, generically (no clinic data), as
//! static pages with navigation, a print view and in-browser Japanese search.
//!
//! The site is one more renderer of the evaluated guide: content is
//! evaluated by [`crate::eval::evaluate_generic`] (the same evaluator as a
//! clinic's guide, fed by no clinic: every value a named blank 〈label〉,
//! every alternative kept with its condition in words), then, one submodule
//! per stage:
//! [`view`] (the generic guide → pages with URLs and anchors) →
//! [`pages`] (URLs, sidebar, breadcrumbs, Tera rendering) and
//! [`search`] (bigram index + the ranking `search.js` mirrors) →
//! [`links`] (every internal link must resolve) → written with
//! [`crate::write::write_atomic`]. [`serve`] is the live-reload preview
//! server behind `tebiki serve`.
//!
//! The only input is [`Content`]: clinic data cannot reach the site.

pub mod links;
pub mod pages;
pub mod search;
pub mod serve;
pub mod view;

use crate::config::SiteConfig;
use crate::error::{Error, Result};
use crate::model::manual::Content;
use crate::render::theme::Theme;
use crate::write::{Written, write_atomic};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Site-relative path of the search index script.
pub const INDEX_FILE: &str = "assets/search-index.js";

/// Theme files copied to the site's `assets/` folder.
const ASSETS: &[(&str, &str)] = &[
    ("static/site.css", "assets/site.css"),
    ("static/search.js", "assets/search.js"),
];

/// What [`build_site`] did.
#[derive(Debug, Clone, Default)]
pub struct SiteReport {
    /// The site folder.
    pub out_dir: PathBuf,
    /// HTML pages.
    pub pages: usize,
    /// Searchable sections in the index.
    pub sections: usize,
    /// Size of `assets/search-index.js` in bytes.
    pub index_bytes: usize,
    /// Internal links checked.
    pub links_checked: usize,
    /// Files written or replaced.
    pub changed: usize,
    /// Files already up to date.
    pub unchanged: usize,
    /// Files of an earlier build that no longer belong to the site, removed.
    pub removed: usize,
}

/// Builds the help site of `content` into `out_dir` (normally `OUT/site`).
///
/// Renders every page with the theme's `site_*.html` templates, builds the
/// search index, checks every internal link (a broken one fails the build
/// before anything is written, naming page and link), writes the files
/// atomically and removes pages left over from an earlier build.
pub fn build_site(
    content: &Content,
    site: &SiteConfig,
    theme: &Theme,
    out_dir: &Path,
) -> Result<SiteReport> {
    let (mut report, files) = render_site(content, site, theme)?;
    report.out_dir = out_dir.to_path_buf();
    for (rel, bytes) in &files {
        match write_atomic(&out_dir.join(rel), bytes)? {
            Written::Changed => report.changed += 1,
            Written::Unchanged => report.unchanged += 1,
        }
    }
    report.removed = remove_stale(out_dir, &files);
    Ok(report)
}

/// Renders the help site without writing it: the report (without write
/// counts) and every file by site-relative path. `tebiki build` writes
/// these through its locked output folder and records them in the manifest.
pub fn render_site(
    content: &Content,
    site: &SiteConfig,
    theme: &Theme,
) -> Result<(SiteReport, BTreeMap<String, Vec<u8>>)> {
    let guide = crate::eval::evaluate_generic(content);
    let fonts = theme.pdf_fonts()?;
    let mut view = view::SiteView::new(&guide, &fonts);
    view.search_examples = content.search_examples.clone();
    view.site_audience = content.site_audience.clone();
    let tera = theme.tera()?;
    let pages = pages::render_all(&view, site, &tera)?;
    let index = search::SearchIndex::build_with(view.search_docs(), &content.search_words);
    let index_js = index.to_js();

    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for p in &pages {
        files.insert(p.path.clone(), p.html.clone().into_bytes());
    }
    for (from, to) in ASSETS {
        let mut text = theme.file(from)?;
        if to.ends_with(".css") {
            // The theme's regular face first, as in the pictures.
            text.insert_str(0, &crate::render::svg::css_font_rule(fonts.family()));
        }
        files.insert(to.to_string(), text.into_bytes());
    }
    files.insert(INDEX_FILE.to_string(), index_js.clone().into_bytes());

    let extra: Vec<(String, String)> = index
        .docs
        .iter()
        .map(|d| (INDEX_FILE.to_string(), d.u.clone()))
        .collect();
    let (links_checked, broken) = links::check(&files, &site.base_url, &extra);
    if !broken.is_empty() {
        let list: Vec<String> = broken.iter().map(|b| format!("  {b}")).collect();
        return Err(Error::Template {
            name: "help site".into(),
            message: format!(
                "{} broken internal link(s); nothing was written:\n{}",
                broken.len(),
                list.join("\n")
            ),
        });
    }

    let report = SiteReport {
        pages: pages.len(),
        sections: index.docs.len(),
        index_bytes: index_js.len(),
        links_checked,
        ..SiteReport::default()
    };
    Ok((report, files))
}

/// Removes site files (html, css, js, json) that this build did not write,
/// then empty folders. Other files are left alone.
fn remove_stale(out_dir: &Path, keep: &BTreeMap<String, Vec<u8>>) -> usize {
    let mut removed = 0;
    let mut dirs = Vec::new();
    for e in walkdir::WalkDir::new(out_dir)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        let path = e.path();
        if e.file_type().is_dir() {
            dirs.push(path.to_path_buf());
            continue;
        }
        let Some(rel) = crate::write::rel_slash_path(out_dir, path) else {
            continue;
        };
        let ours = matches!(
            path.extension().and_then(|x| x.to_str()),
            Some("html" | "css" | "js" | "json")
        );
        if ours && !keep.contains_key(&rel) && std::fs::remove_file(path).is_ok() {
            removed += 1;
        }
    }
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        // Fails (and is meant to) when the folder is not empty.
        let _ = std::fs::remove_dir(d);
    }
    removed
}

#[cfg(test)]
mod tests;
