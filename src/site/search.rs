//! Full-text search for the help site: a Japanese-aware index built here at
//! build time and a scorer that `static/search.js` implements identically in
//! the browser (no server, no network).
//!
//! **Text folding** (both sides, one character to one character, so offsets
//! in folded text are offsets in the shown text): full-width ASCII →
//! ASCII, ideographic space → space, upper → lower case, hiragana →
//! katakana, half-width katakana → full-width, small kana → large (ョ → ヨ),
//! old and variant kanji → the manuals' ([`VARIANTS`]: 證 → 証). The query is folded the same
//! way and may additionally join a half-width voiced mark (ｶﾞ → ガ). The
//! folding is defined here only: the index carries it to the browser as two
//! tables ([`fold_table`], [`join_table`]).
//!
//! **Tokens**: runs of letters and digits; an ASCII run is one word
//! (`v6`, `id`); any other run gives its characters (unigrams) and every
//! pair of neighbours (bigrams). A query uses bigrams (a unigram when it is
//! one character) and its words.
//!
//! **Key parts**: each query word (split on spaces) is cut where the script
//! changes (kanji, katakana, hiragana, other); hiragana pieces after
//! another script (particles, okurigana: の, を, できない) are dropped. 「電子証明書の発行料」 → 電子証明書 + 発行料,
//! 「ログインできない」 → ログイン, 「支払い方法」 → 支払 + 方法. A question
//! word in hiragana that starts a query word ([`QUESTION_WORDS`]: いつ, どこで,
//! どうすれば) is dropped too, unless it is all the query has: 「通知書 いつ届く」 →
//! 通知書 + 届 (a section that happened to say 「いつまでに」 outranked the
//! answer).
//!
//! **Other words** (`content/search.yaml`): before anything else, a query's
//! readings in kana and other names are replaced by the word the manuals
//! write (ひみつのばんごう → 秘密の番号, お客様ID → お客さまID), so the
//! question ranks exactly as the word would. Matching is on folded
//! characters, leftmost first and longest first at one place; an other word
//! that the site's text uses itself is not replaced (the reader may mean it).
//!
//! **Ranking**, a tuple compared in order (see [`Searcher::search`]):
//! 1. *found*: how many key parts occur in the section at all (a section
//!    that has every part of the question beats one that has some);
//! 2. *tier*: every key part occurs in the title (3), in a heading-like
//!    text — screen rows, rule and note titles — (2), or in the body (1);
//!    0 when some part is nowhere;
//! 3. *whole*: the same for each query word's phrase ([`query_phrase`]: the
//!    word without what the key parts leave out at its ends; the exact
//!    phrase beats its parts apart);
//! 4. for title matches, the share of the title the query covers (the
//!    section *about* the phrase beats one that mentions it in passing);
//! 5. key-part occurrences weighted title 3, headings 2, body 1, each
//!    field's count capped at [`PHRASE_CAP`];
//! 6. BM25 over the key parts' tokens with the same field weights (catches
//!    typos), with a mild length normalisation (`B`) so that short sections
//!    do not win on length alone;
//! 7. document order.
//!
//! A section is a hit when it has a key part verbatim or at least half of
//! the key parts' tokens.
//!
//! Floating-point parts are rounded to integers (×10⁶) before comparing, and
//! `idf` is computed here and shipped, so the JavaScript scorer ranks exactly
//! as [`Searcher`] does.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// BM25 term-frequency saturation.
pub const K1: f64 = 1.2;
/// BM25 length normalisation (mild: long steps are the ones with the answers).
pub const B: f64 = 0.3;
/// Field weights: title, headings, body.
pub const WEIGHTS: [u32; 3] = [3, 2, 1];
/// At most this many hits are returned.
pub const MAX_HITS: usize = 50;
/// A key part's occurrences in one field count up to this many (ranking
/// step 5): beyond a few, more say the section is long, not that it is more
/// about the question (the general rules name the notice in a dozen
/// warnings and outranked 2-5, which says when it comes).
pub const PHRASE_CAP: u32 = 5;

/// One searchable section of the site (a step, a part, a manual's overview).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    /// Title shown as the hit's link text.
    pub t: String,
    /// Site-relative URL (`online-shikaku/usage.html#step-1-3`).
    pub u: String,
    /// Where it is: "manual › part".
    pub c: String,
    /// Heading-like texts (screen title, row labels, rule and note titles), one per line.
    pub h: String,
    /// Body text.
    pub b: String,
}

/// A term's inverse document frequency and postings `[doc, weighted tf, …]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Term(pub f64, pub Vec<u32>);

/// The index shipped to the browser as `assets/search-index.js`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchIndex {
    /// Format version.
    pub v: u32,
    /// The sections.
    pub docs: Vec<Doc>,
    /// Weighted token count of each doc.
    pub dl: Vec<u32>,
    /// Average of `dl`.
    pub avgdl: f64,
    /// Term → idf and postings.
    pub terms: BTreeMap<String, Term>,
    /// Other words, folded, each with the word that replaces it in a query,
    /// longest first ([`other_words`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub a: Vec<(String, String)>,
    /// The folding for the browser's search ([`fold_table`]): every character
    /// [`fold_char`] changes, each followed by what it becomes.
    #[serde(default)]
    pub f: String,
    /// The voiced and semi-voiced marks a query joins ([`join_table`]):
    /// kana, mark, joined kana, three characters each.
    #[serde(default)]
    pub j: String,
    /// [`QUESTION_WORDS`], folded, for the browser's key parts.
    #[serde(default)]
    pub q: Vec<String>,
}

/// Question words a reader types before what they ask (「いつ届く」,
/// 「どこで入力」, 「どうすれば再発行」), in hiragana as typed. They say what kind
/// of answer is wanted, not where it is: no section answers to them, so
/// [`key_parts`] drops them.
pub const QUESTION_WORDS: [&str; 23] = [
    "いつ",
    "いつまで",
    "いつまでに",
    "いつごろ",
    "どこ",
    "どこで",
    "どこに",
    "どこへ",
    "どこから",
    "どう",
    "どうやって",
    "どうすれば",
    "どうしたら",
    "どうする",
    "なに",
    "なにを",
    "なぜ",
    "どれ",
    "どの",
    "どんな",
    "だれ",
    "どちら",
    "どれくらい",
];

/// [`QUESTION_WORDS`] folded as a query is (folded once per process).
pub fn question_words() -> &'static [String] {
    static FOLDED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    FOLDED.get_or_init(|| {
        QUESTION_WORDS
            .iter()
            .map(|w| compact(&fold_query(w)))
            .collect()
    })
}

/// The replacements a query gets from `content/search.yaml`: each other word
/// folded, with its word, longest first (then by text), leaving out an other
/// word that some doc's text uses itself.
pub fn other_words(
    words: &[crate::model::manual::SearchWord],
    docs: &[Doc],
) -> Vec<(String, String)> {
    let texts: Vec<String> = docs
        .iter()
        .map(|d| compact(&fold(&format!("{}\n{}\n{}", d.t, d.h, d.b))))
        .collect();
    let mut out: Vec<(String, String)> = Vec::new();
    for w in words {
        for a in &w.also {
            let folded = fold(a.trim());
            let key = compact(&folded);
            if key.is_empty() || texts.iter().any(|t| t.contains(key.as_str())) {
                continue;
            }
            if !out.iter().any(|(f, _)| *f == folded) {
                out.push((folded, w.word.clone()));
            }
        }
    }
    out.sort_by(|x, y| {
        y.0.chars()
            .count()
            .cmp(&x.0.chars().count())
            .then_with(|| x.0.cmp(&y.0))
    });
    out
}

/// `query` with its other words replaced by their words (see the module
/// documentation); `other` as [`other_words`] gives it. A query word of kana
/// that is no other word but one kana away from one (a reading with a slip,
/// でんしじょうめいしょ, or a small kana typed large, でんししよめいしょ) is
/// that other word's word.
pub fn expand_other_words(query: &str, other: &[(String, String)]) -> String {
    if other.is_empty() {
        return query.to_string();
    }
    let keys: Vec<Vec<char>> = other.iter().map(|(a, _)| a.chars().collect()).collect();
    // Whole words one kana away first: a part of the word that is an other
    // word (ひみつ in ひみつのばんこう) must not win over the word it means.
    let typed: Vec<char> = query.chars().collect();
    let typed_folded: Vec<char> = typed.iter().map(|&c| fold_char(c)).collect();
    let mut near = String::with_capacity(query.len());
    let mut i = 0;
    while i < typed.len() {
        let start = i;
        while i < typed.len() && !is_space(typed_folded[i]) {
            i += 1;
        }
        let word = &typed_folded[start..i];
        match near_other_word(word, &keys, other) {
            Some(w) => near.push_str(w),
            None => near.extend(&typed[start..i]),
        }
        while i < typed.len() && is_space(typed_folded[i]) {
            near.push(typed[i]);
            i += 1;
        }
    }
    let chars: Vec<char> = near.chars().collect();
    let folded: Vec<char> = chars.iter().map(|&c| fold_char(c)).collect();
    let mut out = String::with_capacity(near.len());
    let mut i = 0;
    'at: while i < chars.len() {
        for (k, (_, word)) in keys.iter().zip(other) {
            if !k.is_empty() && folded[i..].starts_with(k) {
                out.push_str(word);
                i += k.len();
                continue 'at;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// A space between query words, once folded.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// A kana once folded (katakana or the long mark).
fn is_kana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

/// The word of the first other word of kana (in `other`'s order, `keys`
/// its characters) that `word` (folded, 5 kana or more, itself no other
/// word) reaches by changing, adding or dropping one kana.
fn near_other_word<'a>(
    word: &[char],
    keys: &[Vec<char>],
    other: &'a [(String, String)],
) -> Option<&'a str> {
    if word.len() < 5 || !word.iter().all(|&c| is_kana(c)) || keys.iter().any(|k| k == word) {
        return None;
    }
    keys.iter()
        .zip(other)
        .find(|(k, _)| k.iter().all(|&c| is_kana(c)) && one_edit(word, k))
        .map(|(_, (_, w))| w.as_str())
}

/// Whether `a` and `b` differ by exactly one changed, added or dropped
/// character.
fn one_edit(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let head = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        0 => head < short.len() && short[head + 1..] == long[head + 1..],
        1 => short[head..] == long[head + 1..],
        _ => false,
    }
}

/// The JavaScript statement that carries the index (a script, not JSON, so
/// it loads from `file://` too).
pub const JS_PREFIX: &str = "window.TEBIKI_SEARCH_INDEX=";

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl SearchIndex {
    /// Builds the index of `docs`, with the other words of `words`
    /// (`content/search.yaml`).
    pub fn build_with(docs: Vec<Doc>, words: &[crate::model::manual::SearchWord]) -> Self {
        let a = other_words(words, &docs);
        SearchIndex {
            a,
            ..Self::build(docs)
        }
    }

    /// Builds the index of `docs`.
    pub fn build(docs: Vec<Doc>) -> Self {
        let n = docs.len();
        let mut postings: BTreeMap<String, BTreeMap<u32, u32>> = BTreeMap::new();
        let mut dl = Vec::with_capacity(n);
        for (i, d) in docs.iter().enumerate() {
            let mut len = 0u32;
            for (text, w) in [(&d.t, WEIGHTS[0]), (&d.h, WEIGHTS[1]), (&d.b, WEIGHTS[2])] {
                for tok in index_tokens(text) {
                    len += w;
                    *postings
                        .entry(tok)
                        .or_default()
                        .entry(i as u32)
                        .or_default() += w;
                }
            }
            dl.push(len);
        }
        let avgdl = if n == 0 {
            1.0
        } else {
            round4(dl.iter().map(|&x| x as f64).sum::<f64>() / n as f64).max(1.0)
        };
        let terms = postings
            .into_iter()
            .map(|(tok, p)| {
                let df = p.len() as f64;
                let idf = round4((1.0 + (n as f64 - df + 0.5) / (df + 0.5)).ln());
                let flat = p.into_iter().flat_map(|(d, tf)| [d, tf]).collect();
                (tok, Term(idf, flat))
            })
            .collect();
        SearchIndex {
            v: 1,
            docs,
            dl,
            avgdl,
            terms,
            a: Vec::new(),
            f: fold_table(),
            j: join_table(),
            q: question_words().to_vec(),
        }
    }

    /// The index as the script written to `assets/search-index.js`.
    pub fn to_js(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| "null".into());
        format!("{JS_PREFIX}{json};\n")
    }

    /// Reads an index back from the script (tests, tools).
    pub fn from_js(js: &str) -> Option<Self> {
        let json = js.trim().strip_prefix(JS_PREFIX)?.trim_end_matches(';');
        serde_json::from_str(json).ok()
    }
}

/// Folds one character (never changes the number of characters).
pub fn fold_char(c: char) -> char {
    const HALF_KANA: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    let u = c as u32;
    let c = match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        0x3041..=0x3096 => char::from_u32(u + 0x60).unwrap_or(c),
        0xFF61 => '。',
        0xFF62 => '「',
        0xFF63 => '」',
        0xFF64 => '、',
        0xFF65 => '・',
        0xFF66..=0xFF9D => HALF_KANA.chars().nth((u - 0xFF66) as usize).unwrap_or(c),
        0xFF9E => '゛',
        0xFF9F => '゜',
        _ => c,
    };
    let c = match c {
        // Small kana as their large ones: a reader types ショウメイ as
        // しよめい (the small ょ missed) or シヨウ.
        'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ' | 'ヮ' => {
            char::from_u32(c as u32 + 1).unwrap_or(c)
        }
        'ヵ' => 'カ',
        'ヶ' => 'ケ',
        _ => VARIANTS
            .iter()
            .find(|(old, _)| *old == c)
            .map_or(c, |&(_, new)| new),
    };
    c.to_ascii_lowercase()
}

/// Old and variant kanji (旧字・異体字) as the manuals write them: 電子證明書
/// finds 電子証明書, 點數表 点数表, 髙橋 高橋. The browser gets them in the
/// index's fold table ([`fold_table`]).
pub const VARIANTS: [(char, char); 34] = [
    ('證', '証'),
    ('發', '発'),
    ('會', '会'),
    ('醫', '医'),
    ('藥', '薬'),
    ('變', '変'),
    ('關', '関'),
    ('擔', '担'),
    ('當', '当'),
    ('續', '続'),
    ('齒', '歯'),
    ('縣', '県'),
    ('區', '区'),
    ('樣', '様'),
    ('數', '数'),
    ('點', '点'),
    ('豫', '予'),
    ('號', '号'),
    ('圖', '図'),
    ('實', '実'),
    ('讀', '読'),
    ('檢', '検'),
    ('驗', '験'),
    ('價', '価'),
    ('舊', '旧'),
    ('體', '体'),
    ('國', '国'),
    ('廣', '広'),
    ('澤', '沢'),
    ('邊', '辺'),
    ('邉', '辺'),
    ('髙', '高'),
    ('﨑', '崎'),
    ('濱', '浜'),
];

/// Every character [`fold_char`] changes, each followed by what it becomes,
/// in code-point order: the help site's script folds by this table, so the
/// folding is defined once, here. Only the Basic Multilingual Plane changes
/// (`folding_changes_nothing_beyond_the_basic_plane`).
pub fn fold_table() -> String {
    (0..=0xFFFFu32)
        .filter_map(char::from_u32)
        .filter_map(|c| {
            let f = fold_char(c);
            (f != c).then_some([c, f])
        })
        .flatten()
        .collect()
}

/// The marks [`fold_query`] joins to the kana before them: for each folded
/// kana and mark that join, the kana, the mark and the joined kana (three
/// characters each), for the help site's script.
pub fn join_table() -> String {
    let mut out = String::new();
    for mark in ['゛', '゜'] {
        for p in (0x30A1..=0x30FAu32).filter_map(char::from_u32) {
            let joined = fold_query(&format!("{p}{mark}"));
            let mut chars = joined.chars();
            if let (Some(v), None) = (chars.next(), chars.next()) {
                out.extend([p, mark, v]);
            }
        }
    }
    out
}

/// Folds a text character by character.
pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Folds a query: like [`fold`], and a voiced mark joins the kana before it.
pub fn fold_query(s: &str) -> String {
    let mut out: Vec<char> = Vec::new();
    for c in s.chars().map(fold_char) {
        let joined = match (out.last(), c) {
            (Some(&'ウ'), '゛') => Some('ヴ'),
            (Some(&p), '゛') if "カキクケコサシスセソタチツテトハヒフヘホ".contains(p) => {
                char::from_u32(p as u32 + 1)
            }
            (Some(&p), '゜') if "ハヒフヘホ".contains(p) => char::from_u32(p as u32 + 2),
            _ => None,
        };
        if let Some(v) = joined {
            out.pop();
            out.push(v);
            continue;
        }
        out.push(c);
    }
    out.into_iter().collect()
}

/// A letter or digit (Unicode `Alphabetic` or a number), the characters
/// tokens are made of.
pub fn is_indexable(c: char) -> bool {
    c.is_alphanumeric()
}

/// The folded text with everything but letters, digits and line breaks
/// removed; exact-phrase matching works on this.
pub fn compact(folded: &str) -> String {
    folded
        .chars()
        .filter(|&c| is_indexable(c) || c == '\n')
        .collect()
}

/// Runs of indexable characters: (is ASCII, chars).
fn runs(folded: &str) -> Vec<(bool, Vec<char>)> {
    let mut out: Vec<(bool, Vec<char>)> = Vec::new();
    for c in folded.chars() {
        if !is_indexable(c) {
            if out.last().is_some_and(|r| !r.1.is_empty()) {
                out.push((false, Vec::new()));
            }
            continue;
        }
        let ascii = c.is_ascii();
        match out.last_mut() {
            Some(r) if r.1.is_empty() => {
                r.0 = ascii;
                r.1.push(c);
            }
            Some(r) if r.0 == ascii => r.1.push(c),
            _ => out.push((ascii, vec![c])),
        }
    }
    out.retain(|r| !r.1.is_empty());
    out
}

/// Tokens of a text for the index: ASCII words, and unigrams and bigrams of
/// other runs.
pub fn index_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (ascii, chars) in runs(&fold(text)) {
        if ascii {
            out.push(chars.iter().collect());
            continue;
        }
        for (i, c) in chars.iter().enumerate() {
            out.push(c.to_string());
            if let Some(n) = chars.get(i + 1) {
                out.push([*c, *n].iter().collect());
            }
        }
    }
    out
}

/// Tokens of a query: ASCII words, bigrams (a unigram for a one-character
/// run), each once, in order.
pub fn query_tokens(folded_query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |t: String| {
        if !out.contains(&t) {
            out.push(t);
        }
    };
    for (ascii, chars) in runs(folded_query) {
        if ascii || chars.len() == 1 {
            push(chars.iter().collect());
        } else {
            for w in chars.windows(2) {
                push(w.iter().collect());
            }
        }
    }
    out
}

fn count(hay: &str, needle: &str) -> u32 {
    if needle.is_empty() {
        return 0;
    }
    hay.matches(needle).count() as u32
}

fn quantize(x: f64) -> i64 {
    (x * 1_000_000.0).round() as i64
}

/// Script class of a query character, for cutting words into key parts.
fn script(c: char) -> u8 {
    match c as u32 {
        0x3041..=0x309F => 1,                                     // hiragana
        0x30A0..=0x30FF | 0xFF66..=0xFF9F => 2,                   // katakana
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => 3, // kanji
        0x3005 | 0x3006 => 3,                                     // 々 〆
        _ => 0,
    }
}

/// A query word cut where the script changes: (script, text) pieces; the
/// long-vowel mark belongs to the run it follows.
fn pieces(word: &str) -> Vec<(u8, String)> {
    let mut pieces: Vec<(u8, String)> = Vec::new();
    for c in word.chars() {
        let k = if c == 'ー' {
            pieces.last().map_or(2, |p| p.0)
        } else {
            script(c)
        };
        match pieces.last_mut() {
            Some(p) if p.0 == k => p.1.push(c),
            _ => pieces.push((k, c.to_string())),
        }
    }
    pieces
}

/// Whether a word's `i`-th piece of script `k` (folded `f`) is left out of
/// its key parts and phrase: hiragana after another script is a particle
/// or okurigana (a word that starts in hiragana, お客さま, ぱすわーど, keeps
/// it), and a question word that starts the word says what kind of answer
/// is wanted, not where it is.
fn left_out(k: u8, i: usize, all_hiragana: bool, f: &str, questions: &[String]) -> bool {
    k == 1 && ((!all_hiragana && i > 0) || (i == 0 && questions.iter().any(|q| q == f)))
}

/// The key parts of a query (see the module documentation), folded and
/// compacted, each once.
pub fn key_parts(query: &str) -> Vec<String> {
    let questions = question_words();
    let mut out: Vec<String> = Vec::new();
    let mut asked: Vec<String> = Vec::new();
    for word in query.split_whitespace() {
        let pieces = pieces(word);
        let all_hiragana = pieces.iter().all(|p| p.0 == 1);
        for (i, (k, p)) in pieces.into_iter().enumerate() {
            let f = compact(&fold_query(&p));
            if left_out(k, i, all_hiragana, &f, questions) {
                if k == 1 && i == 0 {
                    asked.push(f);
                }
                continue;
            }
            if !f.is_empty() && !out.contains(&f) {
                out.push(f);
            }
        }
    }
    if out.is_empty() {
        // Only question words: search for them after all.
        for f in asked {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// The phrase a query word asks for (the ranking's *whole*): the word
/// without what [`key_parts`] leaves out at its ends, folded and compacted
/// (「申請IDはどこ」 → 申請id, 「いつ届く」 → 届, 「電子証明書の発行料」 as it is);
/// the whole word when nothing is left.
pub fn query_phrase(word: &str) -> String {
    let questions = question_words();
    let pieces = pieces(word);
    let all_hiragana = pieces.iter().all(|p| p.0 == 1);
    let kept: Vec<bool> = pieces
        .iter()
        .enumerate()
        .map(|(i, (k, p))| !left_out(*k, i, all_hiragana, &compact(&fold_query(p)), questions))
        .collect();
    let (Some(first), Some(last)) = (kept.iter().position(|&k| k), kept.iter().rposition(|&k| k))
    else {
        return compact(&fold_query(word));
    };
    let text: String = pieces[first..=last].iter().map(|p| p.1.as_str()).collect();
    compact(&fold_query(&text))
}

/// One result, with the parts of its ranking key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the doc.
    pub doc: usize,
    /// Key parts present anywhere in the doc.
    pub found: u8,
    /// Key-part tier (3 title, 2 headings, 1 body, 0 some part missing).
    pub tier: u8,
    /// Exact-phrase tier of the whole query words.
    pub whole: u8,
    /// Share of the title covered, ×10⁶ (title tier only).
    pub coverage: i64,
    /// Weighted key-part occurrences.
    pub phrase: u32,
    /// BM25 score ×10⁶.
    pub score: i64,
}

/// The index prepared for querying (folded, compacted fields).
pub struct Searcher<'a> {
    index: &'a SearchIndex,
    compact: Vec<[String; 3]>,
}

impl<'a> Searcher<'a> {
    /// Prepares `index`.
    pub fn new(index: &'a SearchIndex) -> Self {
        let compact = index
            .docs
            .iter()
            .map(|d| {
                [
                    compact(&fold(&d.t)),
                    compact(&fold(&d.h)),
                    compact(&fold(&d.b)),
                ]
            })
            .collect();
        Self { index, compact }
    }

    /// The hits for `query`, best first (see the module documentation).
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let expanded = expand_other_words(query, &self.index.a);
        let query = expanded.as_str();
        let words: Vec<String> = query
            .split_whitespace()
            .map(query_phrase)
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Vec::new();
        }
        let parts = key_parts(query);
        let mut tokens: Vec<String> = Vec::new();
        for p in &parts {
            for t in query_tokens(p) {
                if !tokens.contains(&t) {
                    tokens.push(t);
                }
            }
        }
        let n = self.index.docs.len();
        let mut score = vec![0f64; n];
        let mut matched = vec![0u32; n];
        for t in &tokens {
            let Some(Term(idf, p)) = self.index.terms.get(t) else {
                continue;
            };
            for pair in p.chunks_exact(2) {
                let (d, tf) = (pair[0] as usize, pair[1] as f64);
                if d >= n {
                    continue;
                }
                let dl = self.index.dl.get(d).copied().unwrap_or(0) as f64;
                let norm = K1 * (1.0 - B + B * dl / self.index.avgdl);
                score[d] += idf * (tf * (K1 + 1.0)) / (tf + norm);
                matched[d] += 1;
            }
        }
        let best = |fields: &[String; 3], w: &str| -> u8 {
            if fields[0].contains(w) {
                3
            } else if fields[1].contains(w) {
                2
            } else if fields[2].contains(w) {
                1
            } else {
                0
            }
        };
        let wlen: usize = words.iter().map(|w| w.chars().count()).sum();
        let mut hits = Vec::new();
        for (d, fields) in self.compact.iter().enumerate() {
            let mut tier = 3u8;
            let mut found = 0u8;
            let mut phrase = 0u32;
            for p in &parts {
                let b = best(fields, p);
                tier = tier.min(b);
                if b > 0 {
                    found += 1;
                }
                phrase += WEIGHTS[0] * count(&fields[0], p).min(PHRASE_CAP)
                    + WEIGHTS[1] * count(&fields[1], p).min(PHRASE_CAP)
                    + WEIGHTS[2] * count(&fields[2], p).min(PHRASE_CAP);
            }
            let whole = words.iter().map(|w| best(fields, w)).min().unwrap_or(0);
            let ntok = tokens.len() as u32;
            if found == 0 && (ntok == 0 || 2 * matched[d] < ntok) {
                continue;
            }
            let coverage = if tier == 3 {
                quantize(wlen as f64 / fields[0].chars().count().max(1) as f64)
            } else {
                0
            };
            hits.push(Hit {
                doc: d,
                found,
                tier,
                whole,
                coverage,
                phrase,
                score: quantize(score[d]),
            });
        }
        hits.sort_by(|a, b| {
            (
                b.found, b.tier, b.whole, b.coverage, b.phrase, b.score, a.doc,
            )
                .cmp(&(
                    a.found, a.tier, a.whole, a.coverage, a.phrase, a.score, b.doc,
                ))
        });
        hits.truncate(MAX_HITS);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_is_one_to_one_and_normalises_widths_and_kana() {
        let s = "ＣＡＦ１２　おきゃくさまＩＤ ｶｷｸ";
        let f = fold(s);
        assert_eq!(f.chars().count(), s.chars().count());
        assert_eq!(f, "caf12 オキヤクサマid カキク");
        assert_eq!(
            fold("電子證明書 しよめい ショウメイ"),
            "電子証明書 シヨメイ シヨウメイ"
        );
        assert_eq!(fold_query("ｶﾞｲﾄﾞ ﾊﾟｿｺﾝ ｳﾞ"), "ガイド パソコン ヴ");
    }

    /// The browser folds by the tables the index carries: folding by them
    /// is `fold_char` for every character, and joining by them is
    /// `fold_query` for every character before either mark.
    #[test]
    fn the_tables_for_the_browser_fold_and_join_as_the_build_does() {
        let f: Vec<char> = fold_table().chars().collect();
        let table: std::collections::HashMap<char, char> =
            f.chunks(2).map(|p| (p[0], p[1])).collect();
        assert_eq!(table.len() * 2, f.len());
        for c in (0..=0xFFFFu32).filter_map(char::from_u32) {
            assert_eq!(table.get(&c).copied().unwrap_or(c), fold_char(c), "{c:?}");
        }
        let j: Vec<char> = join_table().chars().collect();
        let joins: std::collections::HashMap<(char, char), char> =
            j.chunks(3).map(|t| ((t[0], t[1]), t[2])).collect();
        assert_eq!(joins.get(&('カ', '゛')), Some(&'ガ'));
        assert_eq!(joins.get(&('ウ', '゛')), Some(&'ヴ'));
        assert_eq!(joins.get(&('ホ', '゜')), Some(&'ポ'));
        for p in (0..=0xFFFFu32).filter_map(char::from_u32) {
            for mark in ['゛', '゜'] {
                let by_table = match joins.get(&(fold_char(p), mark)) {
                    Some(v) => v.to_string(),
                    None => format!("{}{mark}", fold_char(p)),
                };
                assert_eq!(by_table, fold_query(&format!("{p}{mark}")), "{p:?}");
            }
        }
    }

    #[test]
    fn folding_changes_nothing_beyond_the_basic_plane() {
        for c in (0x1_0000..=0x10_FFFFu32).filter_map(char::from_u32) {
            assert_eq!(fold_char(c), c);
        }
    }

    #[test]
    fn tokens() {
        assert_eq!(
            index_tokens("お客さまID"),
            vec!["オ", "オ客", "客", "客サ", "サ", "サマ", "マ", "id"]
        );
        assert_eq!(
            query_tokens(&fold_query("電子証明書 v6")),
            vec!["電子", "子証", "証明", "明書", "v6"]
        );
        assert_eq!(query_tokens(&fold_query("印")), vec!["印"]);
    }

    fn doc(t: &str, h: &str, b: &str) -> Doc {
        Doc {
            t: t.into(),
            u: format!("{t}.html"),
            c: String::new(),
            h: h.into(),
            b: b.into(),
        }
    }

    #[test]
    fn phrase_and_title_matches_rank_first() {
        let idx = SearchIndex::build(vec![
            doc("証明の話", "", "電子と書類の証明書、電子証明書"),
            doc("電子証明書の申請", "", ""),
            doc("ほか", "電子証明書", ""),
            doc("無関係", "", "電子機器"),
        ]);
        let s = Searcher::new(&idx);
        let order: Vec<usize> = s.search("電子証明書").iter().map(|h| h.doc).collect();
        assert_eq!(order, vec![1, 2, 0]);
        // A typo still finds something through the bigrams.
        assert!(!s.search("電子証名書").is_empty());
        assert!(s.search("   ").is_empty());
        // Width and kana folding on the query side.
        assert_eq!(s.search("でんき").len(), 0);
        assert_eq!(s.search("ﾃﾞﾝｼ").len(), 0);
    }

    #[test]
    fn key_parts_drop_particles_and_okurigana() {
        assert_eq!(
            key_parts("電子証明書の発行料"),
            vec!["電子証明書", "発行料"]
        );
        assert_eq!(key_parts("ログインできない"), vec!["ログイン"]);
        assert_eq!(key_parts("支払い方法"), vec!["支払", "方法"]);
        assert_eq!(key_parts("ぱすわーど 再設定"), vec!["パスワード", "再設定"]);
        assert_eq!(key_parts("v6オプション"), vec!["v6", "オプシヨン"]);
    }

    #[test]
    fn a_question_word_is_not_searched_for_unless_it_is_all_there_is() {
        assert_eq!(
            key_parts("電子証明書発行通知書 いつ届く"),
            vec!["電子証明書発行通知書", "届"]
        );
        assert_eq!(
            key_parts("どこで入力 お客さまID"),
            vec!["入力", "オ", "客", "id"]
        );
        assert_eq!(key_parts("どうすれば 再発行"), vec!["再発行"]);
        // Alone, it is the question.
        assert_eq!(key_parts("いつ"), vec!["イツ"]);
        // Only as a word's start: 「いつも」 and 「ひみつ」 are words.
        assert_eq!(key_parts("いつも"), vec!["イツモ"]);
        // The section that answers outranks one that says 「いつまでに」.
        let idx = SearchIndex::build(vec![
            doc("概要", "", "いつまでに申請するか。通知書が届く見込みの日"),
            doc("申請完了", "通知書が届きます", "書留で通知書が届きます"),
        ]);
        let s = Searcher::new(&idx);
        assert_eq!(s.search("通知書 いつ届く").first().map(|h| h.doc), Some(1));
        // The phrase of a word leaves out the same at its ends.
        let folded = |w: &str| compact(&fold_query(w));
        assert_eq!(query_phrase("申請IDはどこ"), folded("申請ID"));
        assert_eq!(query_phrase("いつ届く"), folded("届"));
        assert_eq!(
            query_phrase("電子証明書の発行料"),
            folded("電子証明書の発行料")
        );
        assert_eq!(query_phrase("いつ"), folded("いつ"));
        // The browser gets the same list.
        assert_eq!(idx.q, question_words());
        assert!(idx.q.contains(&"イツ".to_string()));
    }

    #[test]
    fn partial_matches_are_kept_and_long_steps_are_not_penalised() {
        let idx = SearchIndex::build(vec![
            doc(
                "概要",
                "",
                "ログインの前に読んでください。ほかの話がいろいろ続きます。",
            ),
            doc(
                "ポータルサイトにログインする",
                "メールアドレス パスワード",
                "ログインします。パスワードを忘れた場合は再設定してください。長い説明が続きます。長い説明が続きます。",
            ),
        ]);
        let s = Searcher::new(&idx);
        // Only ログイン of 「ログインできない」 is in the text: still found, the step first.
        assert_eq!(s.search("ログインできない").first().map(|h| h.doc), Some(1));
    }

    #[test]
    fn a_reading_or_another_name_ranks_as_the_word_itself() {
        use crate::model::manual::SearchWord;
        let words = vec![
            SearchWord {
                word: "秘密の番号".into(),
                also: vec![
                    "ひみつのばんごう".into(),
                    "ひみつ".into(),
                    "暗証番号".into(),
                ],
            },
            SearchWord {
                word: "お客さまID".into(),
                also: vec!["お客様ID".into(), "番号".into()],
            },
        ];
        let docs = vec![
            doc("概要", "", "秘密の番号、お客さまID、秘密の番号、番号"),
            doc("1-3 入力する", "秘密の番号", "好きな数字4桁を入れます。"),
            doc("1-1 ログイン", "お客さまID", "開通のご案内にあります。"),
        ];
        // Without the other words a reading or another name finds nothing.
        let plain = SearchIndex::build(docs.clone());
        assert!(Searcher::new(&plain).search("ひみつのばんごう").is_empty());
        assert!(Searcher::new(&plain).search("暗証番号").is_empty());

        let idx = SearchIndex::build_with(docs, &words);
        // Longest first; 番号 is in the text, so it is never replaced.
        assert_eq!(
            idx.a
                .iter()
                .map(|(a, w)| (a.as_str(), w.as_str()))
                .collect::<Vec<_>>(),
            vec![
                ("ヒミツノバンゴウ", "秘密の番号"),
                ("オ客様id", "お客さまID"),
                ("暗証番号", "秘密の番号"),
                ("ヒミツ", "秘密の番号"),
            ]
        );
        assert_eq!(
            expand_other_words("ひみつのばんごうを忘れた", &idx.a),
            "秘密の番号を忘れた"
        );
        assert_eq!(expand_other_words("ﾋﾐﾂ 番号", &idx.a), "秘密の番号 番号");
        assert_eq!(expand_other_words("お客様ＩＤ", &idx.a), "お客さまID");
        // One kana away from a reading: a slip, a small kana typed large.
        assert_eq!(
            expand_other_words("ひみつのばんこう 忘れた", &idx.a),
            "秘密の番号 忘れた"
        );
        assert_eq!(expand_other_words("ひみつのはんごう", &idx.a), "秘密の番号");
        assert_eq!(expand_other_words("ひみつばんごう", &idx.a), "秘密の番号");
        // Not two kana away, not a short word, not a word with kanji.
        assert_eq!(
            expand_other_words("ひみのばんこう", &idx.a),
            "ひみのばんこう"
        );
        assert_eq!(expand_other_words("ひみ", &idx.a), "ひみ");
        assert_eq!(
            expand_other_words("ひめつの番ごう", &idx.a),
            "ひめつの番ごう"
        );
        let s = Searcher::new(&idx);
        let ranks = |q: &str| s.search(q).iter().map(|h| h.doc).collect::<Vec<_>>();
        for q in ["ひみつのばんごう", "ヒミツノバンゴウ", "暗証番号", "ひみつ"]
        {
            assert_eq!(ranks(q), ranks("秘密の番号"), "{q}");
        }
        assert_eq!(ranks("秘密の番号").first(), Some(&1));
        assert_eq!(ranks("お客様ID"), ranks("お客さまID"));
        // The other words travel in the index the browser reads.
        assert_eq!(SearchIndex::from_js(&idx.to_js()), Some(idx.clone()));
        assert!(!plain.to_js().contains("\"a\":"));
    }

    #[test]
    fn round_trips_through_js() {
        let idx = SearchIndex::build(vec![doc("a", "b", "c")]);
        assert_eq!(SearchIndex::from_js(&idx.to_js()), Some(idx));
    }
}
