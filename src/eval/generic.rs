//! The generic fact source: evaluating content for no clinic at all (the
//! help site). Every fact is unknown, so a value is named by its label
//! (〈医療機関コード（10桁）〉) and a condition cannot be decided: the
//! evaluator keeps every alternative and labels it with its condition in
//! words, worded from the theme's strings and content's labels (field labels,
//! option labels, rule titles).

use crate::model::facts::{FactRef, FactType};
use crate::model::manual::{Cased, Content};
use crate::model::rich::{Block, Inline, Rich};
use crate::model::rule::{Condition, Op, Severity};
use crate::model::strings::Strings;

/// What the generic evaluation knows: the name of every fact and the words
/// for conditions. Holds no clinic data (there is none to hold).
#[derive(Debug, Clone)]
pub struct Generic<'c> {
    content: &'c Content,
    /// Inside a repetition (`for_each`): the label of its list, which names
    /// `each.item` (〈端末名称〉, 〈立ち会う人〉) instead of the theme's
    /// `fact_each_item`.
    each: Option<&'c str>,
}

impl<'c> Generic<'c> {
    /// Names facts through [`Content::fact_label`] (fields, declared derived
    /// facts, built-ins, dates).
    pub fn new(content: &'c Content) -> Self {
        Self {
            content,
            each: None,
        }
    }

    /// The same inside a repetition over `list`: `each.item` is named by
    /// the list's label.
    pub fn repeating(&self, list: &str) -> Self {
        Self {
            content: self.content,
            each: self.content.fact_label(list).or(self.each),
        }
    }

    fn t(&self) -> &Strings {
        &self.content.strings
    }

    /// The human name of `path` (the path itself when content names it
    /// nowhere); `path | unit` names the same fact. Inside a repetition its
    /// count is named by the list too (〈端末名称の数〉, not the theme's bare
    /// 〈件数〉).
    pub fn label<'a>(&'a self, path: &'a str) -> std::borrow::Cow<'a, str> {
        let path = FactRef::parse(path).path;
        match self.each {
            Some(list) if path == "each.item" => list.into(),
            Some(list) if path == "each.count" => self
                .t()
                .fill("fact_each_count_of", &[("list", list)])
                .into(),
            _ => self.content.fact_label(path).unwrap_or(path).into(),
        }
    }

    /// A fact as shown in generic text: 〈label〉, with its unit after it
    /// when `path` is `fact | unit` (〈電子証明書の枚数〉枚).
    pub fn named(&self, path: &str) -> String {
        let mut s = self
            .t()
            .fill("generic_value", &[("label", &self.label(path))]);
        s.push_str(&super::unit_of(path, self.content).unwrap_or_default());
        s
    }

    /// Every placeholder of `r` as a named blank (`Inline::Missing`), named
    /// by the theme's `generic_value` (〈label〉).
    pub fn resolve(&self, r: &Rich) -> Rich {
        r.map_inlines(&mut |i| match i {
            Inline::Placeholder { path } | Inline::Value { path, .. } => Some(Inline::Missing {
                path: FactRef::parse(path).path.to_string(),
                label: self
                    .t()
                    .fill("generic_value", &[("label", &self.label(path))]),
                unit: super::unit_of(path, self.content),
            }),
            _ => None,
        })
    }

    /// A one-line text with each `{{ fact }}` as 〈label〉.
    pub fn line(&self, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start + 2..].find("}}") else {
                break;
            };
            out.push_str(&rest[..start]);
            out.push_str(&self.named(rest[start + 2..start + 2 + len].trim()));
            rest = &rest[start + 4 + len..];
        }
        out.push_str(rest);
        out
    }

    /// A condition as the phrase that heads its alternative
    /// (「〈回線事業者〉が「光コラボ」の場合」).
    pub fn case(&self, c: &Condition) -> String {
        let cond = self.describe(c);
        // 「…いる場合」「…ない場合」, but 「…以外の場合」「「1」の場合」: the
        // theme says after which last characters (`condition_case_verb_after`).
        let after = self.t().get("condition_case_verb_after");
        let key = if cond.chars().last().is_some_and(|c| after.contains(c)) {
            "condition_case_verb"
        } else {
            "condition_case"
        };
        self.t().fill(key, &[("cond", &cond)])
    }

    /// The phrase heading the `otherwise` alternative.
    pub fn otherwise(&self) -> String {
        self.t().get("condition_otherwise").to_string()
    }

    /// Every alternative of `c` in one text: each headed by its condition,
    /// then the text for the other cases; placeholders named.
    pub fn all(&self, c: &Cased<Rich>) -> Rich {
        if !c.has_cases() {
            return self.resolve(&c.otherwise.clone().unwrap_or_default());
        }
        let mut out = Vec::new();
        for (when, text) in c.alternatives() {
            let head = match when {
                Some(w) => self.case(w),
                None => self.otherwise(),
            };
            out.push(Block::Paragraph {
                inlines: vec![Inline::Strong {
                    inlines: vec![Inline::Text {
                        text: self.t().fill("condition_head", &[("case", &head)]),
                    }],
                }],
            });
            let said = self.resolve(text).0;
            if said.is_empty() {
                // An alternative that says nothing (a later terminal's part
                // intro): said so, not a heading with nothing under it.
                out.push(Block::Paragraph {
                    inlines: vec![Inline::Text {
                        text: self.t().get("condition_says_nothing").to_string(),
                    }],
                });
            }
            out.extend(said);
        }
        Rich(out)
    }

    /// Every alternative of a one-line text, each with its condition
    /// ("〈…〉の場合: a ／ それ以外の場合: b").
    pub fn all_lines<T>(&self, c: &Cased<T>, text: impl Fn(&T) -> &str) -> String {
        if !c.has_cases() {
            return c
                .otherwise
                .as_ref()
                .map(|v| self.line(text(v)))
                .unwrap_or_default();
        }
        c.alternatives()
            .map(|(when, v)| {
                let head = match when {
                    Some(w) => self.case(w),
                    None => self.otherwise(),
                };
                self.t().fill(
                    "condition_line",
                    &[("case", &head), ("text", &self.line(text(v)))],
                )
            })
            .collect::<Vec<_>>()
            .join(self.t().get("condition_line_joiner"))
    }

    /// The name of a choice's value (its option label in fields.yaml).
    fn value_label(&self, fact: &str, v: &str) -> String {
        // An item of a list of choices (`each.terminals.reader`) is named by
        // the list's options (「つながっている」, not its value `ari`).
        let field = self.content.paired_list(fact).unwrap_or(fact);
        self.content
            .fields
            .get(field)
            .and_then(|f| f.options.iter().find(|o| o.value == v))
            .map(|o| o.label.clone())
            .unwrap_or_else(|| v.to_string())
    }

    /// Says a condition in words (「〈回線事業者〉が「NTT東日本 フレッツ光」
    /// 「NTT西日本 フレッツ光」のいずれか」).
    pub fn describe(&self, c: &Condition) -> String {
        let t = self.t();
        let fact = |f: &str| self.named(f);
        match c {
            Condition::Always => t.get("cond_always").to_string(),
            Condition::All { of } => self.join(of, t.get("cond_and")),
            Condition::Any { of } => self.join(of, t.get("cond_or")),
            Condition::Not { of } => self.negate(of),
            Condition::Said { says, .. } => says.clone(),
            Condition::Present { fact: f } => match self.rule_title(f) {
                Some((severity, title)) => {
                    t.fill("cond_finding", &[("severity", severity), ("title", &title)])
                }
                None => t.fill("cond_present", &[("fact", &fact(f))]),
            },
            Condition::Absent { fact: f } => t.fill("cond_absent", &[("fact", &fact(f))]),
            Condition::Invalid { fact: f } => t.fill("cond_invalid", &[("fact", &fact(f))]),
            Condition::In { fact: f, values } => {
                let list: String = values
                    .iter()
                    .map(|v| t.fill("cond_value", &[("value", &self.value_label(f, v))]))
                    .collect();
                let key = if values.len() == 1 {
                    "cond_in_one"
                } else {
                    "cond_in_many"
                };
                t.fill(key, &[("fact", &fact(f)), ("values", &list)])
            }
            Condition::Contains { fact: f, values } => {
                self.contains(f, values, ["cond_contains_one", "cond_contains_many"])
            }
            Condition::Count {
                list,
                op,
                value,
                counted,
            } => {
                let counted_of = |l: &str| t.fill("cond_count", &[("fact", &fact(l))]);
                let other = crate::model::rule::fact_ref(value);
                let v = match other {
                    Some(o) if *counted => counted_of(o),
                    Some(o) => fact(o),
                    None => value.clone(),
                };
                let key = match op {
                    Op::Eq if other.is_some() => "cond_eq_fact",
                    Op::Ne if other.is_some() => "cond_ne_fact",
                    Op::Eq => "cond_eq_number",
                    Op::Ne => "cond_ne_number",
                    Op::Lt => "cond_lt",
                    Op::Le => "cond_le",
                    Op::Gt => "cond_gt",
                    Op::Ge => "cond_ge",
                };
                t.fill(key, &[("fact", &counted_of(list)), ("value", &v)])
            }
            // A yes/no fact holds or not: 「〈…〉に当てはまる」, not 「〈…〉が「true」」.
            Condition::Compare { fact: f, op, value }
                if matches!(op, Op::Eq | Op::Ne)
                    && matches!(value.as_str(), "true" | "false")
                    && self.content.fact_type(f) == Some(FactType::YesNo) =>
            {
                let holds = (value == "true") == (*op == Op::Eq);
                let key = if holds { "cond_yes" } else { "cond_no" };
                t.fill(key, &[("fact", &fact(f))])
            }
            Condition::Compare { fact: f, op, value } => {
                let other = crate::model::rule::fact_ref(value);
                let v = match other {
                    Some(other) => fact(other),
                    None => self.value_label(f, value),
                };
                // Dates and year-months are earlier or later, not smaller
                // or larger: 「〈設置予定日〉より後」, not 「より大きい」.
                let dated = matches!(
                    self.content.fact_type(f),
                    Some(FactType::Date | FactType::YearMonth)
                );
                let key = match op {
                    Op::Eq if other.is_some() => "cond_eq_fact",
                    Op::Ne if other.is_some() => "cond_ne_fact",
                    Op::Eq => "cond_eq",
                    Op::Ne => "cond_ne",
                    Op::Lt if dated => "cond_before",
                    Op::Le if dated => "cond_on_or_before",
                    Op::Gt if dated => "cond_after",
                    Op::Ge if dated => "cond_on_or_after",
                    Op::Lt => "cond_lt",
                    Op::Le => "cond_le",
                    Op::Gt => "cond_gt",
                    Op::Ge => "cond_ge",
                };
                t.fill(key, &[("fact", &fact(f)), ("value", &v)])
            }
        }
    }

    /// Says the opposite of `c`, plainly where the opposite has its own words.
    fn negate(&self, c: &Condition) -> String {
        let t = self.t();
        match c {
            Condition::Not { of } => self.describe(of),
            // Neither / either (De Morgan), each part said plainly: 「〈回線事業者〉が
            // 「不明」、または重要「…」が出ている」, not 「次に当てはまらない（…）」.
            Condition::All { of } => self.join_negated(of, t.get("cond_or")),
            Condition::Any { of } => self.join_negated(of, t.get("cond_and")),
            Condition::Present { fact } => match self.rule_title(fact) {
                Some((severity, title)) => t.fill(
                    "cond_no_finding",
                    &[("severity", severity), ("title", &title)],
                ),
                None => self.describe(&Condition::Absent { fact: fact.clone() }),
            },
            Condition::Absent { fact } => self.describe(&Condition::Present { fact: fact.clone() }),
            Condition::In { fact, values } if values.len() > 1 => {
                let list: String = values
                    .iter()
                    .map(|v| t.fill("cond_value", &[("value", &self.value_label(fact, v))]))
                    .collect();
                t.fill(
                    "cond_in_none",
                    &[("fact", &self.named(fact)), ("values", &list)],
                )
            }
            Condition::In { fact, values } => self.describe(&Condition::Compare {
                fact: fact.clone(),
                op: Op::Ne,
                value: values.first().cloned().unwrap_or_default(),
            }),
            Condition::Compare { fact, op, value } => self.describe(&Condition::Compare {
                fact: fact.clone(),
                op: op.negated(),
                value: value.clone(),
            }),
            Condition::Count {
                list,
                op,
                value,
                counted,
            } => self.describe(&Condition::Count {
                list: list.clone(),
                op: op.negated(),
                value: value.clone(),
                counted: *counted,
            }),
            Condition::Contains { fact, values } => self.contains(
                fact,
                values,
                ["cond_contains_not_one", "cond_contains_none"],
            ),
            // A noun phrase in content's words: 「…の回線ではない」.
            Condition::Said { says, .. } if !says.ends_with(['い', 'る', 'た']) => {
                t.fill("cond_not_said", &[("says", says)])
            }
            _ => t.fill("cond_not", &[("cond", &self.describe(c))]),
        }
    }

    /// 「〈F〉に「薬局」が含まれる」: `keys` for one word and for several.
    fn contains(&self, fact: &str, values: &[String], keys: [&str; 2]) -> String {
        let t = self.t();
        let list: String = values
            .iter()
            .map(|v| t.fill("cond_value", &[("value", v)]))
            .collect();
        let key = if values.len() == 1 { keys[0] } else { keys[1] };
        t.fill(key, &[("fact", &self.named(fact)), ("values", &list)])
    }

    /// `finding.<rule id>` names a rule: its severity's name (the theme's
    /// 重要・注意・お知らせ) and its title, placeholders named.
    fn rule_title(&self, path: &str) -> Option<(&str, String)> {
        let id = path.strip_prefix("finding.")?;
        let rule = self.content.rules.iter().find(|r| r.id == id)?;
        let severity = self.t().get(match rule.severity {
            Severity::Error => "severity_error",
            Severity::Warning => "severity_warning",
            Severity::Info => "severity_info",
        });
        Some((severity, self.line(&rule.title)))
    }

    fn join(&self, of: &[Condition], sep: &str) -> String {
        self.join_with(of, sep, |c| self.describe(c))
    }

    /// The negation of each of `of`, joined by `sep`.
    fn join_negated(&self, of: &[Condition], sep: &str) -> String {
        self.join_with(of, sep, |c| self.negate(c))
    }

    /// `of` said by `say`, joined by `sep`; a group of several in brackets.
    fn join_with(&self, of: &[Condition], sep: &str, say: impl Fn(&Condition) -> String) -> String {
        of.iter()
            .map(|c| {
                let s = say(c);
                if matches!(c, Condition::All { .. } | Condition::Any { .. }) && of.len() > 1 {
                    self.t().fill("cond_group", &[("cond", &s)])
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join(sep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::markdown::parse;

    fn content() -> Content {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        crate::load::load_content(&dir).0
    }

    #[test]
    fn placeholders_become_named_blanks() {
        let c = content();
        let g = Generic::new(&c);
        let r = g.resolve(&parse("ID は {{ line.customer_id }} です"));
        assert!(r.placeholders().is_empty());
        let html = crate::render::rich_html::to_html(&r);
        assert!(html.contains("〈お客さまID〉"), "{html}");
        assert!(html.contains("class=\"placeholder\""));
        assert_eq!(
            g.line("{{ certificates }}（{{ zzz }}）"),
            "〈電子証明書の枚数〉（〈zzz〉）"
        );
    }

    /// Which ending of a condition's words takes `condition_case_verb` is the
    /// theme's (`condition_case_verb_after`): 「…いる場合」 but 「…の場合」 by
    /// default; a theme that lists no ending always says `condition_case`.
    #[test]
    fn the_themes_endings_choose_the_case_phrase() {
        let mut c = content();
        let verb = Condition::Compare {
            fact: "line.carrier".into(),
            op: crate::model::rule::Op::Ne,
            value: "other".into(),
        };
        let said = |c: &Content, cond: &Condition| Generic::new(c).case(cond);
        let base = Generic::new(&c).describe(&verb);
        let wanted = if base.ends_with(['い', 'る', 'た']) {
            format!("{base}場合")
        } else {
            format!("{base}の場合")
        };
        assert_eq!(said(&c, &verb), wanted);
        let last = base.chars().last().expect("words");
        let mut overrides = std::collections::BTreeMap::new();
        overrides.insert("condition_case".to_string(), "WHEN {cond}".to_string());
        overrides.insert("condition_case_verb".to_string(), "IF {cond}".to_string());
        overrides.insert("condition_case_verb_after".to_string(), last.to_string());
        c.strings = Strings::with_overrides(overrides.clone())
            .expect("known keys")
            .into();
        assert_eq!(said(&c, &verb), format!("IF {base}"));
        overrides.insert("condition_case_verb_after".to_string(), String::new());
        c.strings = Strings::with_overrides(overrides)
            .expect("known keys")
            .into();
        assert_eq!(said(&c, &verb), format!("WHEN {base}"));
    }

    /// `{{ fact | unit }}` on the help site: the named blank keeps the unit
    /// the clinic's guide prints after the value (「〈電子証明書の枚数〉枚」).
    #[test]
    fn a_unit_placeholder_keeps_its_unit() {
        let c = content();
        let g = Generic::new(&c);
        assert_eq!(
            g.line("{{ certificates | unit }}、{{ certificate_fee|unit }}、{{ certificates }}"),
            "〈電子証明書の枚数〉枚、〈電子証明書発行料の合計〉円、〈電子証明書の枚数〉"
        );
        let r = parse("端末 {{ certificates | unit }}で {{ terminals | unit }}");
        let html = crate::render::rich_html::to_html(&g.resolve(&r));
        assert!(html.contains("〈電子証明書の枚数〉</span>枚で"), "{html}");
        assert_eq!(
            g.resolve(&r).plain_text(),
            "端末 〈電子証明書の枚数〉枚で 〈端末名称〉"
        );
    }

    /// The generic guide has every part, step, row, note, checklist item,
    /// date and rule of content, each conditional one labelled with its
    /// condition in words, and every alternative of a cased text.
    #[test]
    fn generic_guide_keeps_every_alternative_labelled() {
        use crate::eval::guide::Shown;
        let c = content();
        let guide = crate::eval::evaluate_generic(&c);
        assert!(guide.generic);
        assert_eq!(guide.findings.len(), c.rules.len(), "every rule");
        for (f, r) in guide.findings.iter().zip(&c.rules) {
            assert_eq!(f.rule, r.id, "content order");
            let when = f.when.as_deref().unwrap_or_default();
            assert!(
                when.ends_with("場合") || when.starts_with("常に"),
                "{}: {when}",
                r.id
            );
            assert!(!f.title.contains("{{"), "{}", f.title);
        }
        assert_eq!(guide.manuals.len(), c.manuals.len());
        let (mut conditional, mut cased, mut not_applicable) = (0, 0, 0);
        for (gm, m) in guide.manuals.iter().zip(&c.manuals) {
            assert_eq!(
                gm.checklist.len(),
                m.checklist.len(),
                "every checklist item"
            );
            for ((text, when), item) in gm
                .checklist
                .iter()
                .zip(&gm.checklist_when)
                .zip(&m.checklist)
            {
                assert_eq!(when.is_some(), item.when.is_some(), "{}", item.id);
                if item.text.has_cases() {
                    cased += 1;
                    let plain = text.plain_text();
                    assert!(plain.contains("それ以外の場合"), "{plain}");
                    assert_eq!(
                        plain.matches('【').count(),
                        item.text.cases.len() + usize::from(item.text.otherwise.is_some()),
                        "{plain}"
                    );
                }
            }
            assert_eq!(gm.dates.len(), m.dates.len(), "every date");
            for (d, decl) in gm.dates.iter().zip(&m.dates) {
                assert_eq!(d.when.is_some(), decl.when.is_some(), "{}", d.label);
            }
            assert_eq!(gm.parts.len(), m.parts.len(), "a repeated part shows once");
            for (gp, p) in gm.parts.iter().zip(&m.parts) {
                assert_eq!(gp.when.is_some(), p.when.is_some());
                assert_eq!(gp.repeat.is_some(), p.for_each.is_some(), "{}", p.id);
                assert_eq!(gp.steps.len(), p.steps.len(), "every step of {}", p.id);
                for (gs, s) in gp.steps.iter().zip(&p.steps) {
                    assert_eq!(gs.id, s.id);
                    conditional += usize::from(gs.when.is_some());
                    assert_eq!(gs.when.is_some(), s.when.is_some(), "{}", s.id);
                    assert_eq!(gs.repeat.is_some(), s.for_each.is_some(), "{}", s.id);
                    assert_eq!(gs.notes.len(), s.notes.len(), "every note of {}", s.id);
                    for (gn, n) in gs.notes.iter().zip(&s.notes) {
                        assert_eq!(gn.when.is_some(), n.when.is_some());
                    }
                    let (Some(gsc), Some(sc)) = (&gs.screen, &s.screen) else {
                        continue;
                    };
                    assert_eq!(gsc.rows.len(), sc.rows.len(), "every row of {}", s.id);
                    for (gr, r) in gsc.rows.iter().zip(&sc.rows) {
                        assert_eq!(gr.when.is_some(), r.when.is_some(), "{}", r.id);
                        assert_eq!(gr.not_applicable.is_some(), r.applies.is_some());
                        not_applicable += usize::from(gr.not_applicable.is_some());
                        assert!(gr.flag.is_none() && gr.correction.is_none());
                        if let Shown::Missing { label } = &gr.shown {
                            assert!(
                                gr.display.contains(&format!("〈{label}〉")),
                                "{}",
                                gr.display
                            );
                        }
                        if r.callout.has_cases() {
                            cased += 1;
                            let text = &gr.callout.as_ref().unwrap().text;
                            assert_eq!(
                                text.matches("場合: ").count(),
                                r.callout.alternatives().count(),
                                "{text}"
                            );
                        }
                    }
                }
            }
        }
        assert!(conditional > 0 && cased > 2 && not_applicable > 2);
        // The line type row: every callout alternative, with its condition.
        let json = serde_json::to_string(&guide).unwrap();
        assert!(!json.contains("{{"), "an unresolved placeholder");
        assert!(json.contains("光コラボの回線の場合: 1を選択してください"));
        assert!(json.contains("それ以外の場合: 回線事業者に確認してから選択"));
        assert!(
            json.contains("光コラボの回線ではない場合"),
            "a not_applicable condition"
        );
    }

    /// `says:` words a condition for the help site and changes nothing else.
    #[test]
    fn content_words_a_condition_with_says() {
        let c = content();
        let g = Generic::new(&c);
        let of = Condition::In {
            fact: "line.carrier".into(),
            values: vec!["ntt-east".into(), "hikari-collabo".into()],
        };
        let said = Condition::Said {
            says: "NTTの光回線".into(),
            of: Box::new(of.clone()),
        };
        assert_eq!(g.case(&said), "NTTの光回線の場合");
        let not = Condition::Not {
            of: Box::new(said.clone()),
        };
        assert_eq!(g.case(&not), "NTTの光回線ではない場合");
        assert_eq!(said.facts(), of.facts());
        let mut facts = crate::eval::facts::Facts::default();
        for (v, expected) in [("hikari-collabo", true), ("other", false)] {
            facts.map.insert(
                "line.carrier".into(),
                crate::eval::facts::FactValue::plain(v, v),
            );
            assert_eq!(crate::eval::holds(&said, &facts), expected);
            assert_eq!(crate::eval::holds(&of, &facts), expected);
        }
        // Loaded from content: a `says:` beside any test.
        let loaded = c.manuals[0]
            .checklist
            .iter()
            .find(|i| i.id == "opening-notice")
            .and_then(|i| i.when.as_ref());
        assert!(
            matches!(loaded, Some(Condition::Said { says, .. }) if says.contains("光コラボ")),
            "{loaded:?}"
        );
    }

    /// `count:` and `contains:` are said in words on the help site, their
    /// negations plainly, and hold as documented: widths, case and kana
    /// folded; a list's items each read; a list the clinic leaves out
    /// counts 0, one refused at validation counts nothing.
    #[test]
    fn counts_and_contained_words_are_said_and_held() {
        let c = content();
        let g = Generic::new(&c);
        let count = Condition::Count {
            list: "terminals".into(),
            op: Op::Ge,
            value: "3".into(),
            counted: false,
        };
        assert_eq!(g.case(&count), "〈端末名称〉の数が3以上の場合");
        let not = Condition::Not {
            of: Box::new(count.clone()),
        };
        assert_eq!(g.case(&not), "〈端末名称〉の数が3未満の場合");
        let eq = Condition::Count {
            list: "terminals".into(),
            op: Op::Eq,
            value: "0".into(),
            counted: false,
        };
        assert_eq!(g.case(&eq), "〈端末名称〉の数が0の場合");
        let words = Condition::Contains {
            fact: "name".into(),
            values: vec!["薬局".into(), "ファーマシー".into()],
        };
        assert_eq!(
            g.case(&words),
            "〈医療機関（薬局）名称〉に「薬局」「ファーマシー」のいずれかが含まれる場合"
        );
        assert_eq!(
            g.case(&Condition::Not {
                of: Box::new(words.clone())
            }),
            "〈医療機関（薬局）名称〉に「薬局」「ファーマシー」のいずれも含まれない場合"
        );
        assert_eq!(words.facts(), vec!["name"]);

        use crate::eval::facts::{FactValue, Facts};
        let holds = crate::eval::holds;
        let mut facts = Facts::default();
        let clinic = Condition::Contains {
            fact: "name".into(),
            values: vec!["クリニック".into()],
        };
        for (name, expected) in [
            ("ﾐﾅﾄｸﾘﾆｯｸ", true),
            ("みなと くりにっく", true),
            ("みなと医院", false),
        ] {
            facts
                .map
                .insert("name".into(), FactValue::plain(name, name));
            assert_eq!(holds(&clinic, &facts), expected, "{name}");
        }
        let list = |items: &[&str]| FactValue {
            items: items.iter().map(|s| s.to_string()).collect(),
            ..FactValue::plain(items.len().to_string(), items.join("、"))
        };
        let claims = Condition::Contains {
            fact: "terminals".into(),
            values: vec!["請求".into()],
        };
        assert!(!holds(&claims, &facts), "absent: no word in it");
        assert!(!holds(&count, &facts), "absent counts 0");
        assert!(holds(&not, &facts));
        assert!(holds(&eq, &facts));
        facts
            .map
            .insert("terminals".into(), list(&["受付", "オンライン請求用"]));
        assert!(holds(&claims, &facts));
        assert!(!holds(&count, &facts));
        facts
            .map
            .insert("terminals".into(), list(&["受付", "診察室", "請求"]));
        assert!(holds(&count, &facts));
        // Against another list, by its count (absent: 0), or a number fact.
        let more = Condition::Count {
            list: "terminals".into(),
            op: Op::Gt,
            value: "{{ rooms }}".into(),
            counted: true,
        };
        assert!(holds(&more, &facts), "3 > 0 rooms");
        facts.map.insert("rooms".into(), list(&["a", "b", "c"]));
        assert!(!holds(&more, &facts), "3 > 3");
        let ports = Condition::Count {
            list: "terminals".into(),
            op: Op::Gt,
            value: "{{ ports }}".into(),
            counted: false,
        };
        assert!(!holds(&ports, &facts), "an absent number compares false");
        facts.map.insert("ports".into(), FactValue::plain("2", "2"));
        assert!(holds(&ports, &facts));
        // A list refused at validation is not an empty one.
        facts.map.remove("terminals");
        facts.invalid.push("terminals".into());
        assert!(!holds(&eq, &facts));
        assert!(!holds(&count, &facts));
    }

    #[test]
    fn conditions_in_words() {
        let c = content();
        let g = Generic::new(&c);
        let cond = Condition::All {
            of: vec![
                Condition::In {
                    fact: "line.carrier".into(),
                    values: vec!["ntt-east".into(), "ntt-west".into()],
                },
                Condition::Compare {
                    fact: "line.type".into(),
                    op: Op::Ne,
                    value: "1".into(),
                },
            ],
        };
        let s = g.describe(&cond);
        assert!(
            s.contains("〈回線事業者〉が「NTT東日本 フレッツ光」"),
            "{s}"
        );
        assert!(
            s.contains("のいずれか、かつ〈電気通信回線種別〉が「1: IP-VPN"),
            "{s}"
        );
        assert!(s.ends_with("以外"), "{s}");
        assert!(g.case(&cond).ends_with("以外の場合"), "{}", g.case(&cond));
        // Dates are earlier or later, numbers smaller or larger: it read
        // 「〈回線種別を今日訂正した場合に反映される見込み〉が〈設置予定日〉より大きい」.
        let cmp = |fact: &str, op: Op, value: &str| {
            g.describe(&Condition::Compare {
                fact: fact.into(),
                op,
                value: value.into(),
            })
        };
        let later = cmp("line_fix_date", Op::Gt, "{{ installation_date }}");
        assert!(later.ends_with("〈設置予定日〉より後"), "{later}");
        assert!(
            cmp("latest_safe_application_date", Op::Ge, "{{ today }}").ends_with("以降"),
            "{later}"
        );
        let month = cmp("test_month", Op::Lt, "{{ application_month }}");
        assert!(month.ends_with("〈申請する月〉より前"), "{month}");
        assert!(
            g.case(&Condition::Not {
                of: Box::new(Condition::Compare {
                    fact: "installation_date".into(),
                    op: Op::Gt,
                    value: "{{ today }}".into(),
                })
            })
            .contains("以前"),
            "negated"
        );
        assert!(cmp("certificates", Op::Lt, "1").ends_with("が1未満"));
        // A yes/no fact is said to hold or not; it read 「〈…〉が「true」」.
        let unknown = "certificates_applied_unknown";
        for (op, value, says) in [
            (Op::Eq, "true", "に当てはまる"),
            (Op::Ne, "false", "に当てはまる"),
            (Op::Eq, "false", "に当てはまらない"),
            (Op::Ne, "true", "に当てはまらない"),
        ] {
            let s = cmp(unknown, op, value);
            assert!(s.starts_with("〈申請済みの端末が分からない"), "{s}");
            assert!(
                s.ends_with(says) && !s.contains("true"),
                "{op:?} {value}: {s}"
            );
        }
        let case = g.case(&Condition::Compare {
            fact: unknown.into(),
            op: Op::Eq,
            value: "true".into(),
        });
        assert!(case.ends_with("〉に当てはまる場合"), "{case}");
        let not = g.case(&Condition::Not {
            of: Box::new(Condition::Compare {
                fact: unknown.into(),
                op: Op::Eq,
                value: "true".into(),
            }),
        });
        assert!(not.ends_with("〉に当てはまらない場合"), "{not}");
        // Two facts the same: 「…と等しい場合」 (it read 「…と同じの場合」).
        let same = g.case(&Condition::Compare {
            fact: "each.number".into(),
            op: Op::Eq,
            value: "{{ each.count }}".into(),
        });
        assert!(same.ends_with("〉と等しい場合"), "{same}");
        // An alternative that says nothing is said to say nothing.
        let part = c.manuals[0]
            .parts
            .iter()
            .find(|p| p.intro.has_cases())
            .expect("a part intro with cases");
        let words = g.all(&part.intro).plain_text();
        assert!(
            words.contains("【〈件数〉が1より大きい場合】\n（この場合は何も表示しません）"),
            "{words}"
        );
        // Inside its repetition the count is named by the list, as the item is.
        let list = &part.for_each.as_ref().expect("a repeated part").list;
        let words = g.repeating(list).all(&part.intro).plain_text();
        assert!(
            words.contains("【〈端末名称の数〉が1より大きい場合】\n（この場合は何も表示しません）")
                && !words.contains("〈件数〉"),
            "{words}"
        );
        // A condition on a rule having fired names the rule.
        let fired = Condition::Present {
            fact: "finding.line-type-ntt-must-be-1".into(),
        };
        let s = g.describe(&fired);
        assert!(
            s.contains("電気通信回線種別は必ず「1」を選んでください"),
            "{s}"
        );
        // Named by its severity: the rule is an error (重要), not 注意.
        assert!(s.starts_with("重要「"), "{s}");
    }

    #[test]
    fn the_negation_of_all_or_any_is_said_part_by_part() {
        // A row's `value_when` of two conditions: what its guide shows when it
        // does not hold read 「次に当てはまらない（〈回線事業者〉が「不明（回線事業者に
        // 確認中）」以外、かつ次に当てはまらない（注意「…」が出ている））の場合」.
        let c = content();
        let g = Generic::new(&c);
        let fired = || Condition::Present {
            fact: "finding.line-type-ntt-must-be-1".into(),
        };
        let known = Condition::Compare {
            fact: "line.carrier".into(),
            op: Op::Ne,
            value: "unknown".into(),
        };
        let settled = Condition::Not {
            of: Box::new(Condition::All {
                of: vec![
                    known.clone(),
                    Condition::Not {
                        of: Box::new(fired()),
                    },
                ],
            }),
        };
        let s = g.describe(&settled);
        assert!(!s.contains("次に当てはまらない"), "{s}");
        assert!(
            s.starts_with("〈回線事業者〉が「不明（回線事業者に確認中）」、または重要「"),
            "{s}"
        );
        assert!(s.ends_with("」が出ている"), "{s}");
        // Neither: each part negated, joined by かつ; a rule not fired is said so.
        let neither = Condition::Not {
            of: Box::new(Condition::Any {
                of: vec![known, fired()],
            }),
        };
        let s = g.describe(&neither);
        assert!(!s.contains("次に当てはまらない"), "{s}");
        assert!(
            s.contains("「不明（回線事業者に確認中）」、かつ重要「"),
            "{s}"
        );
        assert!(s.ends_with("」が出ていない"), "{s}");
    }
}
