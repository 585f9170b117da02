//! Build-time link checker: every internal `href`, `src` and `action` of the
//! generated site, and every URL of the search index, must name a generated
//! file and, with a `#fragment`, an element id on that page.
//!
//! Works on the files in memory before anything is written, so a broken
//! site is never published.

use std::collections::{BTreeMap, BTreeSet};

/// A link that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The page (site-relative path) the link is on.
    pub page: String,
    /// The link as written.
    pub link: String,
    /// Why it is broken.
    pub reason: String,
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: \"{}\" — {}", self.page, self.link, self.reason)
    }
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// Outside the site: not checked.
    External,
    /// A site file and an optional fragment.
    Internal(String, Option<String>),
}

fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Values of `attr="…"` (or single-quoted) attributes in `html`.
fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let needle = format!("{attr}=");
    let mut from = 0;
    while let Some(i) = html[from..].find(&needle) {
        let at = from + i;
        from = at + needle.len();
        // Must be a whole attribute name: preceded by whitespace.
        if !html[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
            continue;
        }
        let rest = &html[from..];
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = rest[1..].find(q) {
            out.push(decode_entities(&rest[1..1 + end]));
        }
    }
    out
}

fn has_scheme(link: &str) -> bool {
    match link.find(':') {
        Some(i) => {
            let s = &link[..i];
            !s.is_empty()
                && s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Resolves `link` written on `page` (site-relative) for a site at `base`.
fn resolve(page: &str, link: &str, base: &str) -> Result<Target, String> {
    let link = link.trim();
    if link.is_empty() {
        return Err("empty link".into());
    }
    let rel: String = if let Some(frag) = link.strip_prefix('#') {
        return Ok(Target::Internal(
            page.to_string(),
            Some(percent_decode(frag)).filter(|f| !f.is_empty()),
        ));
    } else if has_scheme(link) {
        match (has_scheme(base), link.strip_prefix(base)) {
            (true, Some(rest)) => rest.to_string(),
            _ => return Ok(Target::External),
        }
    } else if link.starts_with("//") {
        return Ok(Target::External);
    } else if link.starts_with('/') {
        if base.starts_with('/')
            && let Some(rest) = link.strip_prefix(base)
        {
            rest.to_string()
        } else if base.is_empty() {
            return Err("absolute path in a site with relative links (base_url is empty); it breaks from file://".into());
        } else {
            return Ok(Target::External);
        }
    } else {
        let dir = page.rfind('/').map(|i| &page[..=i]).unwrap_or("");
        format!("{dir}{link}")
    };
    let (rel, frag) = match rel.split_once('#') {
        Some((p, f)) => (
            p.to_string(),
            Some(percent_decode(f)).filter(|f| !f.is_empty()),
        ),
        None => (rel, None),
    };
    let rel = rel.split('?').next().unwrap_or("").to_string();
    let mut segs: Vec<String> = Vec::new();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if segs.pop().is_none() {
                    return Err("goes above the site's root folder".into());
                }
            }
            s => segs.push(percent_decode(s)),
        }
    }
    let mut path = segs.join("/");
    if path.is_empty() || rel.ends_with('/') {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Ok(Target::Internal(path, frag))
}

/// Ids of elements in `html`.
fn ids(html: &str) -> BTreeSet<String> {
    attr_values(html, "id").into_iter().collect()
}

/// Checks every link of the HTML files in `files` (site-relative path →
/// bytes), plus `extra` links (page, URL) such as the search index's.
/// Returns the number of internal links checked and the broken ones.
pub fn check(
    files: &BTreeMap<String, Vec<u8>>,
    base_url: &str,
    extra: &[(String, String)],
) -> (usize, Vec<BrokenLink>) {
    let base = base_url.trim();
    let base = if base.is_empty() || base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    };
    let html: BTreeMap<&str, String> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p.as_str(), String::from_utf8_lossy(b).into_owned()))
        .collect();
    let page_ids: BTreeMap<&str, BTreeSet<String>> =
        html.iter().map(|(p, h)| (*p, ids(h))).collect();
    let mut links: Vec<(String, String, String)> = Vec::new();
    for (page, h) in &html {
        for attr in ["href", "src", "action"] {
            for v in attr_values(h, attr) {
                links.push((page.to_string(), page.to_string(), v));
            }
        }
    }
    for (page, url) in extra {
        // Extra URLs are site-relative: resolve them as if written at the root.
        links.push((page.clone(), String::from("index.html"), url.clone()));
    }
    let mut checked = 0;
    let mut broken = Vec::new();
    for (page, h) in &html {
        let mut seen = BTreeSet::new();
        for id in attr_values(h, "id") {
            if !seen.insert(id.clone()) {
                broken.push(BrokenLink {
                    page: page.to_string(),
                    link: format!("#{id}"),
                    reason: format!(
                        "id=\"{id}\" is used more than once; links to it are ambiguous"
                    ),
                });
            }
        }
    }
    for (shown_page, at, link) in links {
        let mut fail = |reason: String| {
            broken.push(BrokenLink {
                page: shown_page.clone(),
                link: link.clone(),
                reason,
            })
        };
        match resolve(&at, &link, &base) {
            Err(reason) => fail(reason),
            Ok(Target::External) => {}
            Ok(Target::Internal(path, frag)) => {
                checked += 1;
                if !files.contains_key(&path) {
                    fail(format!("no file {path} in the site"));
                    continue;
                }
                if let Some(f) = frag
                    && let Some(ids) = page_ids.get(path.as_str())
                    && !ids.contains(&f)
                {
                    fail(format!("{path} has no element with id=\"{f}\""));
                }
            }
        }
    }
    broken.sort_by(|a, b| (&a.page, &a.link).cmp(&(&b.page, &b.link)));
    broken.dedup();
    (checked, broken)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pages: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        pages
            .iter()
            .map(|(p, h)| (p.to_string(), h.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn relative_links_and_anchors() {
        let files = site(&[
            (
                "index.html",
                r##"<a href="m/a.html#s-1">x</a> <a href="#top">t</a><p id="top"></p>"##,
            ),
            (
                "m/a.html",
                r##"<h2 id="s-1"></h2><a href="../index.html">h</a> <link href="../assets/x.css">"##,
            ),
            ("assets/x.css", ""),
        ]);
        let (n, broken) = check(&files, "", &[]);
        assert_eq!(n, 4);
        assert!(broken.is_empty(), "{broken:?}");
    }

    #[test]
    fn broken_links_name_page_and_link() {
        let files = site(&[
            (
                "index.html",
                r##"<p id="twice"></p><p id="twice"></p><a href="m/a.html#nope">x</a> <a href="gone.html">y</a> <a href="../../up.html">z</a> <a href="https://example.jp/">ok</a> <a href="/abs.html">a</a>"##,
            ),
            ("m/a.html", ""),
        ]);
        let (_, broken) = check(
            &files,
            "",
            &[("assets/search-index.js".into(), "m/b.html".into())],
        );
        let text: Vec<String> = broken.iter().map(|b| b.to_string()).collect();
        assert_eq!(broken.len(), 6, "{text:?}");
        assert!(text.iter().any(|t| t.contains("more than once")));
        assert!(
            text.iter()
                .any(|t| t.contains("index.html: \"m/a.html#nope\"") && t.contains("id=\"nope\""))
        );
        assert!(text.iter().any(|t| t.contains("gone.html")));
        assert!(text.iter().any(|t| t.contains("above the site")));
        assert!(text.iter().any(|t| t.starts_with("assets/search-index.js")));
        assert!(text.iter().any(|t| t.contains("/abs.html")));
    }

    #[test]
    fn links_under_a_base_path() {
        let files = site(&[
            (
                "index.html",
                r##"<a href="/help/m/">x</a> <a href="/clinics/">out of site</a> <a href="/help/nope.html">y</a>"##,
            ),
            ("m/index.html", ""),
        ]);
        let (_, broken) = check(&files, "/help", &[]);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].link, "/help/nope.html");
    }
}
