//! Recognising field names whose values must never be carried in data files
//! (passwords, the portal's 秘密の番号, PINs), so that the loader can reject
//! such fields without ever printing their values. No I/O happens here.

use super::normalize::to_half_width;

/// Japanese fragments that mark a secret field (matched anywhere in the key).
const JAPANESE: [&str; 8] = [
    "パスワード",
    "ﾊﾟｽﾜｰﾄﾞ",
    "パスコード",
    "秘密",
    "暗証",
    "ひみつのばんごう",
    "あんしょう",
    "合言葉",
];

/// Latin fragments matched anywhere in the key once separators are removed
/// and letters lower-cased (so `pass_word`, `PassWord` and `userPassword`
/// all match).
const LATIN_ANYWHERE: [&str; 4] = ["password", "passwd", "passphrase", "passcode"];

/// Latin words matched only as a whole word of the key (`pin_code`,
/// `simPin`, `PIN`), because they occur inside harmless words (`shipping`,
/// `bypass`).
const LATIN_WORDS: [&str; 10] = [
    "pin", "pins", "pincode", "pinno", "pw", "pwd", "pass", "himitsu", "ansho", "anshou",
];

/// Whether a field name denotes a secret that must never be stored in data
/// files: password, パスワード, secret, 秘密の番号, PIN, 暗証番号, in any case,
/// width or separator style (`Password`, `user_password`, `PIN_CODE`,
/// `clientSecret`, `ＰＡＳＳＷＯＲＤ`). Words that merely contain these
/// letters (`shipping`, `secretary`, `compass`) are not secrets.
pub fn looks_like_secret_key(key: &str) -> bool {
    let (key, _) = to_half_width(key);
    if JAPANESE.iter().any(|j| key.contains(j)) {
        return true;
    }

    let joined: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
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

    words(&key)
        .iter()
        .any(|w| LATIN_WORDS.contains(&w.as_str()))
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
