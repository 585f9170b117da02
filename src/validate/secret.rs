//! The one decision of what is secret in clinic data.
//!
//! Passwords, the portal's 4-digit 秘密の番号 and PINs must never be carried
//! in data files, and whatever such a field holds must never be printed.
//! [`classify`] decides for every key or column header, on every path (YAML
//! keys at any depth, keys inside list items and flow mappings, CSV/XLSX
//! headers, `import`): a field of the schema (the allowlist) whose value may
//! be shown, a secret, or an unknown key. Only allowlisted values are ever
//! echoed; secrets and unknown keys are masked in every message.
//!
//! The detector normalises before it matches: Unicode NFKC (`ＰＡＳＳ`,
//! `ﾋﾐﾂ`), hiragana to katakana (`ぱすわーど`), lower case, camelCase humps
//! and separators (`PINno`, `security_code`) and look-alike symbols
//! (`p@ssw0rd`). No I/O happens here.

use super::normalize::fold_for_match;
use crate::model::clinic::FieldCatalog;

/// What a key of clinic data holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClass {
    /// A field of the schema (its path): the value may be shown.
    Field(String),
    /// A password, secret number or PIN: refused, never shown.
    Secret,
    /// Not in the schema: ignored with a warning, never shown.
    Unknown,
}

/// Classifies a dotted key path (`line.customer_id`, `terminals.password`)
/// of clinic data. Any segment that looks like a secret (or is listed in the
/// schema's `forbidden`) makes it a secret, even when the schema has a field
/// of that name; otherwise a schema field is a [`KeyClass::Field`].
pub fn classify(path: &str, catalog: &FieldCatalog) -> KeyClass {
    if path.split('.').any(|seg| is_forbidden(seg, catalog)) || is_forbidden(path, catalog) {
        return KeyClass::Secret;
    }
    match catalog.get(path) {
        Some(f) => KeyClass::Field(f.path.clone()),
        None => KeyClass::Unknown,
    }
}

/// Classifies a spreadsheet column header: secret by the detector, else the
/// field the header names (through `to_path`), else unknown.
pub fn classify_header(
    header: &str,
    catalog: &FieldCatalog,
    to_path: impl Fn(&str) -> Option<String>,
) -> KeyClass {
    if is_forbidden(header, catalog) {
        return KeyClass::Secret;
    }
    match to_path(header) {
        Some(p) => classify(&p, catalog),
        None => KeyClass::Unknown,
    }
}

/// Whether `key` is a secret for `catalog`. Every row of a CSV or XLSX
/// file and most YAML files ask about the same keys: the answers are kept
/// per thread for the catalog's `forbidden` list they were given for (at
/// most [`MEMO_KEYS`] keys; a different list starts afresh), so the folding
/// is done once per distinct key and not once per clinic.
fn is_forbidden(key: &str, catalog: &FieldCatalog) -> bool {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.forbidden != catalog.forbidden {
            memo.forbidden.clone_from(&catalog.forbidden);
            memo.folded = catalog
                .forbidden
                .iter()
                .map(|f| compact(&fold_for_match(f)))
                .collect();
            memo.answers.clear();
        }
        if let Some(&answer) = memo.answers.get(key) {
            return answer;
        }
        let answer = decide(key, &memo.folded);
        if memo.answers.len() >= MEMO_KEYS {
            memo.answers.clear();
        }
        memo.answers.insert(key.to_string(), answer);
        answer
    })
}

/// [`is_forbidden`] without the memo; `forbidden` folded and compacted.
fn decide(key: &str, forbidden: &[String]) -> bool {
    if looks_like_secret_key(key) {
        return true;
    }
    let k = compact(&fold_for_match(key));
    !k.is_empty() && forbidden.contains(&k)
}

/// Keys whose answer [`is_forbidden`] keeps per thread (clinic data can
/// bring any number of distinct keys; the memo does not grow past this).
const MEMO_KEYS: usize = 4096;

/// What [`is_forbidden`] keeps: the `forbidden` list, its folded form and
/// the answers given for it.
#[derive(Default)]
struct Memo {
    forbidden: Vec<String>,
    folded: Vec<String>,
    answers: std::collections::HashMap<String, bool>,
}

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::default();
}

/// Letters and digits only (any script).
fn compact(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Japanese fragments (after folding: katakana, NFKC) that mark a secret
/// anywhere in the key.
const JAPANESE: [&str; 13] = [
    "パスワード",
    "パスコード",
    "秘密",
    "ヒミツ",
    "暗証",
    "アンショウ",
    "合言葉",
    "アイコトバ",
    "シークレット",
    "セキュリティコード",
    "セキュリティーコード",
    "ピンコード",
    "ピン番号",
];

/// Latin fragments matched anywhere in the key once separators are removed
/// (so `pass_word`, `PassWord` and `userPassword` all match).
const LATIN_ANYWHERE: [&str; 8] = [
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "pincode",
    "pinnumber",
    "securitycode",
    "secretnumber",
];

/// Latin words matched as a whole word of the key, or as a run of adjacent
/// words (`PINno` splits into `pi`+`nno`, `security_code` into two), because
/// they occur inside harmless words (`shipping`, `bypass`).
const LATIN_WORDS: [&str; 19] = [
    "pin",
    "pins",
    "pinno",
    "pinnum",
    "pinnumber",
    "pincode",
    "pw",
    "pwd",
    "pass",
    "passno",
    "himitsu",
    "himitu",
    "ansho",
    "anshou",
    "anshobango",
    "securitycode",
    "seccode",
    "cvv",
    "cvc",
];

/// Whether a key or column header denotes a secret: password, パスワード,
/// secret, 秘密の番号, PIN, 暗証番号 and their usual spellings, in any case,
/// width, kana, separator style or look-alike symbols (`Password`,
/// `user_password`, `PIN_CODE`, `PINno`, `clientSecret`, `ＰＡＳＳＷＯＲＤ`,
/// `ﾋﾐﾂ`, `ぱすわーど`, `p@ssword`). Words that merely contain these letters
/// (`shipping`, `secretary`, `compass`) are not secrets.
pub fn looks_like_secret_key(key: &str) -> bool {
    let folded = fold_for_match(key);
    if JAPANESE.iter().any(|j| folded.contains(j)) || lone_pasu(&folded) {
        return true;
    }
    // Look-alike symbols: p@ssw0rd, pa$$word.
    let unleet: String = folded
        .chars()
        .map(|c| match c {
            '@' => 'a',
            '$' => 's',
            '0' => 'o',
            _ => c,
        })
        .collect();
    for candidate in [&folded, &unleet] {
        let joined: String = candidate
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        if LATIN_ANYWHERE.iter().any(|w| joined.contains(w)) {
            return true;
        }
        // "secret" anywhere except as the start of "secretary"/"secretariat".
        if joined.match_indices("secret").any(|(i, m)| {
            !joined
                .get(i + m.len()..)
                .is_some_and(|after| after.starts_with("ar"))
        }) {
            return true;
        }
    }
    // Words from the original spelling (camelCase humps need the case).
    let (half, _) = super::normalize::to_half_width(key);
    for ws in [words(&half), words(&unleet)] {
        for i in 0..ws.len() {
            let mut run = String::new();
            for w in ws.iter().skip(i).take(3) {
                run.push_str(w);
                if LATIN_WORDS.contains(&run.as_str()) {
                    return true;
                }
            }
        }
    }
    false
}

/// `パス` on its own (`パス`, `ログインパス`, `パス(ポータル)`), not the
/// start of a longer katakana word (`パスポート`).
fn lone_pasu(folded: &str) -> bool {
    folded.match_indices("パス").any(|(i, m)| {
        folded[i + m.len()..]
            .chars()
            .next()
            .is_none_or(|c| !('\u{30A1}'..='\u{30FC}').contains(&c))
    })
}

/// Splits a key into lower-case ASCII words at separators, non-ASCII
/// characters, camelCase humps (`simPin`, `PINCode`) and letter/digit
/// boundaries (`pin4`).
fn words(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if p.is_ascii_alphanumeric() => {
                (p.is_ascii_lowercase() && c.is_ascii_uppercase())
                    || (p.is_ascii_alphabetic() != c.is_ascii_alphabetic())
                    || (p.is_ascii_uppercase()
                        && c.is_ascii_uppercase()
                        && next.is_some_and(|n| n.is_ascii_lowercase()))
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Masks the values of secret-looking keys in one line of text (YAML
/// `key: value`, flow mappings `{a: 1, pin: 2}`, `key=value`): everything
/// after the separator of the first secret key is replaced by `****`. Used
/// for lines no loader has vouched for (a file that failed to parse).
pub fn mask_line(line: &str) -> Option<String> {
    let mut start = 0;
    for (i, c) in line.char_indices() {
        if matches!(c, ',' | '{' | '[' | '}' | ']') {
            start = i + c.len_utf8();
            continue;
        }
        if matches!(c, ':' | '：' | '=') {
            // `a:b` inside a plain scalar is not a key separator in YAML, but
            // over-masking is harmless.
            let key = line[start..i]
                .trim()
                .trim_start_matches(['-', '?', ' '])
                .trim()
                .trim_matches(['"', '\'']);
            if !key.is_empty() && looks_like_secret_key(key) {
                let cut = i + c.len_utf8();
                return Some(format!("{} ****", &line[..cut]));
            }
        }
    }
    None
}

/// Masks a whole text line by line with [`mask_line`]; a secret key whose
/// value continues on the following lines (`password: |`, `pin:` then an
/// indented value) masks those lines too.
pub fn mask_text(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open_indent: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(k) = open_indent {
            if line.trim().is_empty() || indent > k {
                out.push(if line.trim().is_empty() {
                    String::new()
                } else {
                    format!("{}****", &line[..indent])
                });
                continue;
            }
            open_indent = None;
        }
        match mask_line(line) {
            Some(m) => {
                // After the first separator (`：` is three bytes long).
                let rest = line
                    .char_indices()
                    .find(|(_, c)| matches!(c, ':' | '=' | '：'))
                    .map_or("", |(i, c)| &line[i + c.len_utf8()..])
                    .trim();
                if rest.is_empty() || rest.starts_with(['|', '>', '"', '\'']) {
                    open_indent = Some(indent);
                }
                out.push(m);
            }
            None => out.push(line.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept answers are those of the detector, also when the same key
    /// is asked about again under another `forbidden` list.
    #[test]
    fn kept_answers_follow_the_forbidden_list() {
        let keys = [
            "contact.person",
            "ｐａｓｓ",
            "pin",
            "line.customer_id",
            "kagi",
            "secretary",
            "terminals.password",
        ];
        let mut catalog = FieldCatalog::default();
        for forbidden in [vec![], vec!["KAGI".to_string()], vec!["PIN".into()], vec![]] {
            catalog.forbidden = forbidden;
            let folded: Vec<String> = catalog
                .forbidden
                .iter()
                .map(|f| compact(&fold_for_match(f)))
                .collect();
            for _ in 0..2 {
                for k in keys {
                    assert_eq!(is_forbidden(k, &catalog), decide(k, &folded), "{k}");
                }
            }
        }
        catalog.forbidden = vec!["kagi".into()];
        assert!(is_forbidden("kagi", &catalog));
        catalog.forbidden = vec![];
        assert!(!is_forbidden("kagi", &catalog));
        assert!(is_forbidden("ｐａｓｓ", &catalog));
    }

    #[test]
    fn a_full_width_colon_after_a_secret_key_is_masked_without_a_panic() {
        // Found by the clinic_yaml fuzzer: the value was sliced one byte
        // after the start of `：`.
        let masked = mask_text("password：1234\nsecret：\n  5678\nname: x");
        assert!(
            masked
                .iter()
                .all(|l| !l.contains("1234") && !l.contains("5678")),
            "{masked:?}"
        );
        assert_eq!(masked.last().map(String::as_str), Some("name: x"));
    }

    #[test]
    fn secret_keys() {
        for key in [
            "password",
            "Password",
            "PASSWORD",
            "pass_word",
            "user_password",
            "passwordConfirm",
            "portal-passwd",
            "passcode",
            "login_pass",
            "pwd",
            "PW",
            "secret",
            "SECRET_KEY",
            "client_secret",
            "clientSecret",
            "secret_number",
            "pin",
            "PIN",
            "pin_code",
            "PINCode",
            "pinCode",
            "simPin",
            "pin-number",
            "pin4",
            "パスワード",
            "ﾊﾟｽﾜｰﾄﾞ",
            "ポータルのパスワード",
            "秘密の番号",
            "秘密番号",
            "暗証番号",
            "PINコード",
            "ＰＡＳＳＷＯＲＤ",
            "ｐｉｎ",
            "himitsu_no_bangou",
            " password ",
            // The spellings of issue 11.
            "PINno",
            "pinnumber",
            "ヒミツ",
            "ﾋﾐﾂ",
            "ぱすわーど",
            "パス",
            "シークレット",
            "security_code",
            "p@ssword",
            "passw0rd",
            "pa$$word",
            "ひみつのばんごう",
            "あんしょうばんごう",
            "ログインパス",
            "ｼｰｸﾚｯﾄ",
            "SecurityCode",
        ] {
            assert!(looks_like_secret_key(key), "{key} should be secret");
        }
    }

    #[test]
    fn ordinary_keys() {
        for key in [
            "",
            "name",
            "clinic_name",
            "customer_id",
            "institution_code",
            "phone",
            "email",
            "shipping",
            "mapping",
            "spinner",
            "opinion",
            "pinned",
            "typing",
            "secretary",
            "secretary_name",
            "compass",
            "bypass",
            "passage",
            "電話番号",
            "担当者",
            "医療機関コード",
            "パスポート",
            "😀",
        ] {
            assert!(!looks_like_secret_key(key), "{key} should not be secret");
        }
    }

    #[test]
    fn word_splitting() {
        assert_eq!(words("PINCode"), ["pin", "code"]);
        assert_eq!(words("simPin"), ["sim", "pin"]);
        assert_eq!(words("pin4_x"), ["pin", "4", "x"]);
        assert_eq!(words("PINコード"), ["pin"]);
        assert!(words("").is_empty());
    }

    #[test]
    fn masks_lines() {
        assert_eq!(
            mask_line("password: abc").as_deref(),
            Some("password: ****")
        );
        assert_eq!(mask_line("  - ﾋﾐﾂ: 1234").as_deref(), Some("  - ﾋﾐﾂ: ****"));
        assert_eq!(
            mask_line("line: {type: 1, pin: 1234, x: 2}").as_deref(),
            Some("line: {type: 1, pin: ****")
        );
        assert_eq!(mask_line("name: 山田医院"), None);
        assert_eq!(
            mask_text("a: 1\npassword: |\n  hunter2\n  more\nb: 2\n"),
            ["a: 1", "password: ****", "  ****", "  ****", "b: 2"]
        );
    }
}
