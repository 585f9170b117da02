//! Personalisation audit: every sentence of a guide must be right for its
//! clinic. A matrix of generated clinics is evaluated and rendered through
//! the library (no process per clinic), and named promises are checked on
//! the evaluated guide, on its HTML and on the `pdftotext` of its PDF.
//!
//! What the matrix covers:
//! - full matrix (cheap promises, evaluated guide + HTML): every carrier
//!   (ntt-east, ntt-west, hikari-collabo, other, unknown) × line type 1/2/3 ×
//!   1–3 terminals × customer ID absent/CAF/COP × v6 option
//!   contracted/planned/none/absent × installation near (5 days)/far (60
//!   days)/past (3 days ago) = 1,620 clinics; department, test month,
//!   application kind and a past start month vary with the clinic's index.
//! - PDF promises: a covering subset in which every pair of values of the
//!   factors above (plus department, test month, application kind and start
//!   month past/future) occurs in at least one clinic (all pairs, built
//!   greedily), each rendered to PDF and read back with `pdftotext -layout`.
//!
//! A failure names the clinic (its factors) and the promise it broke.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use tebiki::diag::Diagnostics;
use tebiki::eval::guide::{Guide, GuideRow, Shown};
use tebiki::load::{clinics, yaml};
use tebiki::model::Severity;
use tebiki::model::manual::{Content, NoteKind};

const CARRIERS: &[&str] = &["ntt-east", "ntt-west", "hikari-collabo", "other", "unknown"];
const TYPES: &[&str] = &["1", "2", "3"];
const TERMINALS: &[usize] = &[1, 2, 3];
const IDS: &[&str] = &["absent", "CAF", "COP"];
const V6: &[&str] = &["contracted", "planned", "none", "absent"];
const INSTALL: &[&str] = &["near", "far", "past"];
/// Extra factors, fixed per clinic in the full matrix, paired in the PDF subset.
const FLAGS: &[&str] = &["off", "on"];

const TERMINAL_NAMES: &[&str] = &["受付端末アルファ", "診察室端末ベータ", "請求端末ガンマ"];

/// One generated clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Case {
    carrier: usize,
    line_type: usize,
    terminals: usize,
    id: usize,
    v6: usize,
    install: usize,
    department: usize,
    test_month: usize,
    app_kind: usize,
    start_past: usize,
}

impl Case {
    fn ntt(&self) -> bool {
        self.carrier <= 2
    }
    fn carrier(&self) -> &'static str {
        CARRIERS[self.carrier]
    }
    fn line_type(&self) -> &'static str {
        TYPES[self.line_type]
    }
    fn n_terminals(&self) -> usize {
        TERMINALS[self.terminals]
    }
    fn names(&self) -> &'static [&'static str] {
        &TERMINAL_NAMES[..self.n_terminals()]
    }
    /// Another carrier's line, yet with what only an NTT line has (an ID or
    /// the v6 option contracted or planned): the carrier is doubted (rule
    /// carrier-contradicted) and the line rows are as on an unknown line.
    fn contradicted(&self) -> bool {
        self.carrier() == "other"
            && (IDS[self.id] != "absent" || matches!(V6[self.v6], "contracted" | "planned"))
    }
    /// The line type must be corrected to 1 (an NTT-based line with 2 or 3).
    fn corrected_type(&self) -> bool {
        self.ntt() && self.line_type() != "1"
    }

    fn describe(&self) -> String {
        format!(
            "clinic[carrier={} type={} terminals={} id={} v6={} install={} dept={} test_month={} kind={} start_past={}]",
            self.carrier(),
            self.line_type(),
            self.n_terminals(),
            IDS[self.id],
            V6[self.v6],
            INSTALL[self.install],
            FLAGS[self.department],
            FLAGS[self.test_month],
            FLAGS[self.app_kind],
            FLAGS[self.start_past],
        )
    }

    fn yaml(&self) -> String {
        let install = match INSTALL[self.install] {
            "near" => "2026-11-29",
            "far" => "2027-01-23",
            _ => "2026-11-21",
        };
        let mut line = format!(
            "line:\n  carrier: {}\n  type: {}\n",
            self.carrier(),
            self.line_type()
        );
        match IDS[self.id] {
            "CAF" => line.push_str("  customer_id: CAF1253000113\n"),
            "COP" => line.push_str("  customer_id: COP48215537\n"),
            _ => {}
        }
        if V6[self.v6] != "absent" {
            line.push_str(&format!("  v6_option: {}\n", V6[self.v6]));
        }
        let mut y = String::from(
            "institution_code: \"0123455\"\nprefecture: 14\nfee_schedule: 3\ncategory: 2\nname: 監査用みなと歯科\n",
        );
        y.push_str("contact:\n");
        if self.department == 1 {
            y.push_str("  department: 監査受付係\n");
        }
        y.push_str("  person: 監査 花子\nphone: 045-201-3344\nemail: audit@example.jp\n");
        y.push_str(&line);
        y.push_str(if self.start_past == 1 {
            "start_month: 2026-09\n"
        } else {
            "start_month: 2027-02\n"
        });
        if self.test_month == 1 {
            y.push_str("test_month: 2027-01\n");
        }
        if self.app_kind == 1 {
            y.push_str("application_kind: change\n");
        }
        y.push_str("fee_payment: 1\nterminals:\n");
        for n in self.names() {
            y.push_str(&format!("  - {n}\n"));
        }
        y.push_str(&format!("installation_date: {install}\n"));
        y
    }
}

fn full_matrix() -> Vec<Case> {
    let mut out = Vec::new();
    let mut i = 0usize;
    for carrier in 0..CARRIERS.len() {
        for line_type in 0..TYPES.len() {
            for terminals in 0..TERMINALS.len() {
                for id in 0..IDS.len() {
                    for v6 in 0..V6.len() {
                        for install in 0..INSTALL.len() {
                            i += 1;
                            out.push(Case {
                                carrier,
                                line_type,
                                terminals,
                                id,
                                v6,
                                install,
                                department: i % 2,
                                test_month: (i / 2) % 2,
                                app_kind: (i / 3) % 2,
                                start_past: usize::from(i.is_multiple_of(5)),
                            });
                        }
                    }
                }
            }
        }
    }
    out
}

/// A covering subset: every pair of factor values occurs (greedy all-pairs).
fn all_pairs() -> Vec<Case> {
    let sizes = [
        CARRIERS.len(),
        TYPES.len(),
        TERMINALS.len(),
        IDS.len(),
        V6.len(),
        INSTALL.len(),
        2,
        2,
        2,
        2,
    ];
    let to_case = |v: &[usize]| Case {
        carrier: v[0],
        line_type: v[1],
        terminals: v[2],
        id: v[3],
        v6: v[4],
        install: v[5],
        department: v[6],
        test_month: v[7],
        app_kind: v[8],
        start_past: v[9],
    };
    let mut uncovered = BTreeSet::new();
    for a in 0..sizes.len() {
        for b in a + 1..sizes.len() {
            for x in 0..sizes[a] {
                for y in 0..sizes[b] {
                    uncovered.insert((a, x, b, y));
                }
            }
        }
    }
    let mut out = Vec::new();
    while !uncovered.is_empty() {
        // Start from the first uncovered pair, then fill each other factor
        // with the value that covers the most uncovered pairs so far.
        let &(a, x, b, y) = uncovered.iter().next().unwrap();
        let mut v: Vec<Option<usize>> = vec![None; sizes.len()];
        v[a] = Some(x);
        v[b] = Some(y);
        for f in 0..sizes.len() {
            if v[f].is_some() {
                continue;
            }
            let best = (0..sizes[f])
                .max_by_key(|&val| {
                    let gain = (0..sizes.len())
                        .filter_map(|g| v[g].map(|gv| (g, gv)))
                        .filter(|&(g, gv)| {
                            let key = if g < f {
                                (g, gv, f, val)
                            } else {
                                (f, val, g, gv)
                            };
                            uncovered.contains(&key)
                        })
                        .count();
                    // Ties: the smaller value (stable).
                    (gain, usize::MAX - val)
                })
                .unwrap();
            v[f] = Some(best);
        }
        let v: Vec<usize> = v.into_iter().map(|x| x.unwrap()).collect();
        for a in 0..sizes.len() {
            for b in a + 1..sizes.len() {
                uncovered.remove(&(a, v[a], b, v[b]));
            }
        }
        out.push(to_case(&v));
    }
    out
}

struct World {
    content: Content,
    html: tebiki::render::html::HtmlRenderer,
    fonts: tebiki::render::pdf::Fonts,
}

fn world() -> World {
    let (content, d) = tebiki::load::load_content(&root().join("content"));
    assert!(!d.has_errors(), "{d:?}");
    let theme = tebiki::render::theme::Theme::new(Some(&root().join("themes/default")));
    World {
        content,
        html: tebiki::render::html::HtmlRenderer::new(&theme).expect("templates"),
        fonts: theme.pdf_fonts().expect("fonts"),
    }
}

fn guide_of(w: &World, c: &Case) -> Guide {
    let file = Arc::new(PathBuf::from(format!("{}.yaml", c.describe())));
    let tree = yaml::read_tree(&c.yaml(), &file).expect("yaml");
    let mut diags = Diagnostics::default();
    let clinic = clinics::from_tree(&tree, &file, &w.content.fields, &mut diags)
        .unwrap_or_else(|| panic!("{}: not read: {diags:?}", c.describe()));
    tebiki::eval::evaluate(&w.content, &clinic, TODAY.parse().unwrap())
}

/// Collects broken promises: (clinic, promise, detail).
#[derive(Default)]
struct Audit {
    broken: Vec<String>,
    checked: usize,
}

impl Audit {
    fn promise(&mut self, c: &Case, name: &str, ok: bool, detail: impl FnOnce() -> String) {
        self.checked += 1;
        if !ok && self.broken.len() < 40 {
            self.broken
                .push(format!("{} broke `{name}`: {}", c.describe(), detail()));
        }
    }

    fn finish(self, what: &str) {
        assert!(
            self.broken.is_empty(),
            "{what}: {} broken promise(s) (first {} shown):\n{}",
            self.broken.len(),
            self.broken.len(),
            self.broken.join("\n")
        );
        assert!(self.checked > 0);
    }
}

fn rows(g: &Guide) -> impl Iterator<Item = (&str, &GuideRow)> {
    g.manuals.iter().flat_map(|m| {
        m.parts.iter().flat_map(|p| {
            p.steps.iter().flat_map(|s| {
                s.screen
                    .iter()
                    .flat_map(move |sc| sc.rows.iter().map(move |r| (s.number.as_str(), r)))
            })
        })
    })
}

/// The promises on the evaluated guide.
fn check_guide(a: &mut Audit, c: &Case, g: &Guide) {
    // every-valid-clinic-gets-a-handout: a well-formed clinic never has a
    // data error (CAF and COP are accepted on every NTT-based line).
    let errors: Vec<&str> = g
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| i.message.as_str())
        .collect();
    a.promise(
        c,
        "every-valid-clinic-gets-a-handout",
        errors.is_empty(),
        || format!("{errors:?}"),
    );

    // line-type-instruction-matches-the-line: NTT/光コラボ → choose 1; another
    // line → its own type, never told to change; unknown, or another line
    // the data contradicts → ask the provider.
    for (step, r) in rows(g).filter(|(_, r)| r.id == "line_type") {
        let callout = r.callout.as_ref().map(|c| c.text.as_str()).unwrap_or("");
        let ok = match c.carrier() {
            _ if c.ntt() => {
                r.display.starts_with("1: ") && (step != "1-3" || callout == "1を選択してください")
            }
            "other" if !c.contradicted() => {
                r.display.starts_with(c.line_type())
                    && r.correction.is_none()
                    && !callout.contains("1を選択")
                    && (step != "1-3" || callout.contains(&format!("「{}", c.line_type())))
            }
            _ => step != "1-3" || callout.contains("確認"),
        };
        a.promise(c, "line-type-instruction-matches-the-line", ok, || {
            format!("step {step}: shows {:?}, callout {callout:?}", r.display)
        });
    }

    // confirmation-shows-the-value-to-enter: every row bound to a corrected
    // value shows the value to enter; the data's value is named only in the finding.
    for (step, r) in rows(g) {
        if let Some(corr) = &r.correction {
            a.promise(
                c,
                "confirmation-shows-the-value-to-enter",
                r.display.starts_with(&corr.enter) && !r.display.contains(&corr.data),
                || {
                    format!(
                        "step {step} row {} shows {:?}, to enter {:?}",
                        r.id, r.display, corr.enter
                    )
                },
            );
        }
    }
    for (path, corr) in &g.corrections {
        a.promise(
            c,
            "confirmation-shows-the-value-to-enter",
            corr.enter != corr.data,
            || format!("{path}: a correction to the same value"),
        );
    }
    if c.corrected_type() {
        let confirm: Vec<&GuideRow> = rows(g)
            .filter(|(s, r)| *s == "1-4" && r.id == "line_type")
            .map(|(_, r)| r)
            .collect();
        a.promise(
            c,
            "confirmation-shows-the-value-to-enter",
            !confirm.is_empty() && confirm.iter().all(|r| r.display.starts_with("1: ")),
            || {
                format!(
                    "1-4 line type: {:?}",
                    confirm.iter().map(|r| &r.display).collect::<Vec<_>>()
                )
            },
        );
    }

    // one-terminal-per-application: one certificate part per terminal, each
    // naming exactly its own terminal; counts and fees follow the list.
    let cert_parts: Vec<_> = g.manuals[0]
        .parts
        .iter()
        .filter(|p| p.item.is_some())
        .collect();
    a.promise(
        c,
        "one-terminal-per-application",
        cert_parts.len() == c.n_terminals(),
        || {
            format!(
                "{} certificate parts for {} terminals",
                cert_parts.len(),
                c.n_terminals()
            )
        },
    );
    for (p, name) in cert_parts.iter().zip(c.names()) {
        for s in &p.steps {
            for r in s
                .screen
                .iter()
                .flat_map(|sc| sc.rows.iter())
                .filter(|r| r.id == "terminal_name")
            {
                a.promise(
                    c,
                    "one-terminal-per-application",
                    r.display == *name,
                    || {
                        format!(
                            "{} step {}: terminal row shows {:?}, expected {name:?}",
                            p.title, s.number, r.display
                        )
                    },
                );
            }
        }
    }
    let fee = g
        .facts
        .iter()
        .find(|f| f.path == "terminals")
        .map(|f| f.text.clone());
    a.promise(c, "fees-follow-the-terminals", fee.is_some(), || {
        "no terminals fact".into()
    });

    // no-missing-mark-on-optional-or-not-applicable.
    for (step, r) in rows(g) {
        let missing = matches!(r.shown, Shown::Missing { .. });
        let allowed = c.ntt() && IDS[c.id] == "absent" && r.id.starts_with("customer_id");
        a.promise(
            c,
            "no-missing-mark-on-optional-or-not-applicable",
            !missing || allowed,
            || format!("step {step} row {} shows {:?}", r.id, r.display),
        );
        // On another carrier's line the ID and v6 rows do not concern the
        // clinic; while the carrier is unknown the line may be NTT, so they
        // stay, every word of them conditional (「NTTの回線なら…」).
        let unknown = CARRIERS[c.carrier] == "unknown" || c.contradicted();
        let conditional = |t: &str| t.is_empty() || t.contains("NTTの回線");
        if !c.ntt() && (r.id.starts_with("customer_id") || r.id == "v6_option") {
            a.promise(
                c,
                "no-missing-mark-on-optional-or-not-applicable",
                if unknown {
                    matches!(&r.shown, Shown::Blank { text } | Shown::NotApplicable { text }
                        if conditional(text))
                        && r.callout.as_ref().is_none_or(|k| conditional(&k.text))
                        && conditional(&r.help.plain_text())
                } else {
                    matches!(r.shown, Shown::NotApplicable { .. })
                        && r.callout.is_none()
                        && r.help.is_empty()
                },
                || {
                    format!(
                        "step {step} row {} on a non-NTT line shows {:?}",
                        r.id, r.display
                    )
                },
            );
        }
    }

    // uncontracted-v6-is-told-how-to-tick: on an NTT-based line whose data
    // says 未契約, the required box is drawn empty and the clinic is told
    // how it gets to tick it (callout and help); no other clinic is told
    // its option is not contracted.
    for (step, r) in rows(g).filter(|(_, r)| r.id == "v6_option") {
        let callout = r
            .callout
            .as_ref()
            .map(|k| k.text.clone())
            .unwrap_or_default();
        let help = r.help.plain_text();
        let ok = if c.ntt() && V6[c.v6] == "none" {
            callout.contains("申し込んでから") && help.contains("必須")
        } else {
            !callout.contains("未契約") && !help.contains("「未契約」")
        };
        a.promise(c, "uncontracted-v6-is-told-how-to-tick", ok, || {
            format!("step {step}: callout «{callout}», help «{help}»")
        });
    }

    // late-date-is-a-problem: a date on or after the installation day is
    // never shown as fine, and no "next" (✓) note promises it. Marked means
    // its own note, or (two events of one day with the same note, said once
    // on the day's last row) its severity and a note on that day.
    let install = g.manuals[0]
        .dates
        .iter()
        .find(|d| d.label == "設置予定日")
        .map(|d| d.iso.clone());
    if let Some(install) = &install {
        for d in &g.manuals[0].dates {
            if d.label.contains("通知書") || d.label.contains("回線種別") {
                let late = d.iso >= *install;
                a.promise(
                    c,
                    "late-date-is-a-problem",
                    !late
                        || d.problem.is_some()
                        || (d.severity.is_some()
                            && g.manuals[0]
                                .dates
                                .iter()
                                .any(|o| o.iso == d.iso && o.problem.is_some())),
                    || {
                        format!(
                            "{} on {} (installation {install}) not marked",
                            d.label, d.iso
                        )
                    },
                );
            }
        }
        let notice_late = g.manuals[0]
            .dates
            .iter()
            .any(|d| d.label.contains("通知書") && d.iso >= *install);
        let next_notes = g.manuals[0]
            .parts
            .iter()
            .flat_map(|p| p.steps.iter())
            .flat_map(|s| s.notes.iter())
            .filter(|n| n.kind == NoteKind::Next)
            .count();
        a.promise(
            c,
            "late-date-is-a-problem",
            !(notice_late && next_notes > 0),
            || "a ✓ note promises a notice that arrives on or after the installation day".into(),
        );
    }

    // the-finding-says-it-cannot-make-it: when the correction lands after the
    // installation day, the finding does not say "may not make it"; when that
    // day is already past, it says the new day goes after the correction.
    if let Some(f) = g
        .findings
        .iter()
        .find(|f| f.rule == "line-type-ntt-must-be-1")
    {
        let fix_late = g.manuals[0]
            .dates
            .iter()
            .any(|d| d.label.contains("回線種別") && install.as_ref().is_some_and(|i| d.iso > *i));
        let text = f.consequence.plain_text();
        a.promise(
            c,
            "the-finding-says-it-cannot-make-it",
            !fix_late
                || if INSTALL[c.install] == "past" {
                    text.contains("新しい設置日はそれより後") && !text.contains("ことがあります")
                } else {
                    text.contains("間に合いません")
                },
            || text.clone(),
        );
    }
}

/// Text promises shared by the HTML and the PDF text.
fn check_text(a: &mut Audit, c: &Case, medium: &str, text: &str) {
    // no-unresolved-placeholder.
    a.promise(
        c,
        &format!("{medium}: no-unresolved-placeholder"),
        !text.contains("{{") && !text.contains("〈each."),
        || "a placeholder survived".into(),
    );
    // no-east-west-assertion: whether CAF/COP follow NTT East/West is unconfirmed.
    for bad in [
        "CAF（NTT東日本）",
        "COP（NTT西日本）",
        "CAF＋10桁（NTT東日本）",
        "のものですが、回線事業者",
        "IPsec",
    ] {
        a.promise(
            c,
            &format!("{medium}: no-unconfirmed-fact-as-fact"),
            !text.contains(bad),
            || format!("contains {bad:?}"),
        );
    }
    // line-type-instruction-matches-the-line, in words.
    let told_one = text.contains("1を選択してください");
    a.promise(
        c,
        &format!("{medium}: line-type-instruction-matches-the-line"),
        told_one == c.ntt(),
        || format!("「1を選択してください」 present: {told_one}"),
    );
    // no-missing-mark on a line that needs no customer ID.
    if !c.ntt() {
        a.promise(
            c,
            &format!("{medium}: no-missing-mark-on-optional-or-not-applicable"),
            !text.contains("未登録")
                && !text.contains("未入力")
                && !text.contains("〉を確かめて入力"),
            || "a missing mark on a non-NTT line".into(),
        );
    }
    // one-terminal-per-application: every terminal by name; numbered when several
    // (in the HTML the number and its counter are held in a span: its text).
    let words = if medium == "html" {
        common::untagged(text)
    } else {
        text.to_string()
    };
    for (i, n) in c.names().iter().enumerate() {
        a.promise(
            c,
            &format!("{medium}: one-terminal-per-application"),
            text.contains(n),
            || format!("terminal {n} missing"),
        );
        if c.n_terminals() > 1 {
            let label = format!("{}台目", i + 1);
            a.promise(
                c,
                &format!("{medium}: one-terminal-per-application"),
                words.contains(&label),
                || format!("{label} missing"),
            );
        }
    }
}

/// The HTML: the 2-2/2-4 terminal cells never hold two names; the 1-4 table
/// never shows a corrected value's data.
fn check_html(a: &mut Audit, c: &Case, html: &str) {
    check_text(a, c, "html", html);
    for cell in html.split("<td class=\"val\">").skip(1) {
        let cell = &cell[..cell.find("</td>").unwrap_or(cell.len())];
        let names = c.names().iter().filter(|n| cell.contains(*n)).count();
        a.promise(c, "html: one-terminal-per-application", names <= 1, || {
            format!("one table cell holds {names} terminal names: {cell}")
        });
    }
    if c.corrected_type() {
        let start = html.find("id=\"step-online-shikaku-1-4\"");
        let end = html.find("id=\"step-online-shikaku-2-1\"");
        let ok = match (start, end) {
            (Some(s), Some(e)) => {
                let sec = &html[s..e];
                sec.contains("1: IP-VPN回線事業者")
                    && !sec.contains(&format!("<mark class=\"value\">{}</mark>", c.line_type()))
            }
            _ => false,
        };
        a.promise(c, "html: confirmation-shows-the-value-to-enter", ok, || {
            "step 1-4 does not show line type 1".into()
        });
    }
}

/// The PDF text (pdftotext -layout).
fn check_pdf(a: &mut Audit, c: &Case, text: &str) {
    check_text(a, c, "pdf", text);
    for line in text.lines().filter(|l| l.contains("端末名称等")) {
        let names = c.names().iter().filter(|n| line.contains(*n)).count();
        a.promise(c, "pdf: one-terminal-per-application", names <= 1, || {
            format!("one line names {names} terminals: {line}")
        });
    }
    if c.ntt() {
        // Never a line type other than 1 next to its label (pictures and tables).
        for line in text.lines().filter(|l| l.contains("電気通信回線種別")) {
            let rest = line.split("電気通信回線種別").nth(1).unwrap_or("").trim();
            a.promise(
                c,
                "pdf: confirmation-shows-the-value-to-enter",
                rest != "2" && rest != "3",
                || format!("line: {line}"),
            );
        }
    }
}

fn pdf_text(bytes: &[u8], c: &Case) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guide.pdf");
    std::fs::write(&path, bytes).unwrap();
    let o = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is needed by the tests");
    assert!(o.status.success(), "{}: pdftotext failed", c.describe());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The full matrix, for the clinics on the carriers `carriers` (split in
/// two tests so the harness runs them on both cores).
fn full_matrix_on(carriers: &[&str]) {
    let w = world();
    let all = full_matrix();
    assert_eq!(all.len(), 5 * 3 * 3 * 3 * 4 * 3);
    let cases: Vec<&Case> = all
        .iter()
        .filter(|c| carriers.contains(&c.carrier()))
        .collect();
    let mut a = Audit::default();
    for c in cases {
        let g = guide_of(&w, c);
        check_guide(&mut a, c, &g);
        let pictures = tebiki::render::pictures::Pictures::new(&g, &w.fonts);
        let html = w.html.guide(&g, &pictures.svg()).expect("html");
        check_html(&mut a, c, &html);
    }
    a.finish("full matrix (guide + HTML)");
}

#[test]
fn matrix_ntt_lines_keep_every_promise_in_guide_and_html() {
    full_matrix_on(&["ntt-east", "ntt-west", "hikari-collabo"]);
}

#[test]
fn matrix_other_and_unknown_lines_keep_every_promise_in_guide_and_html() {
    full_matrix_on(&["other", "unknown"]);
}

#[test]
fn all_pairs_handouts_keep_every_promise_in_the_pdf_text() {
    let w = world();
    let cases = all_pairs();
    assert!(
        cases.len() < 60,
        "covering subset stays small: {}",
        cases.len()
    );
    let mut a = Audit::default();
    for c in &cases {
        let g = guide_of(&w, c);
        let pictures = tebiki::render::pictures::Pictures::new(&g, &w.fonts);
        let pdf = tebiki::render::handout::render(&g, &w.fonts, &pictures.pdf()).expect("pdf");
        let text = pdf_text(&pdf.bytes, c);
        check_pdf(&mut a, c, &text);
    }
    a.finish("all-pairs subset (PDF text)");
}

#[test]
fn the_covering_subset_covers_every_pair() {
    let cases = all_pairs();
    let get = |c: &Case| {
        [
            c.carrier,
            c.line_type,
            c.terminals,
            c.id,
            c.v6,
            c.install,
            c.department,
            c.test_month,
            c.app_kind,
            c.start_past,
        ]
    };
    let sizes = [5, 3, 3, 3, 4, 3, 2, 2, 2, 2];
    for a in 0..sizes.len() {
        for b in a + 1..sizes.len() {
            for x in 0..sizes[a] {
                for y in 0..sizes[b] {
                    assert!(
                        cases.iter().any(|c| get(c)[a] == x && get(c)[b] == y),
                        "pair ({a}={x}, {b}={y}) not covered"
                    );
                }
            }
        }
    }
}
