//! Load stage: reads content and clinic data from disk into the typed model.
//!
//! Everything read keeps its file and line. This stage reports problems as
//! diagnostics (all of them) and never renders or writes anything.

pub mod clinics;
pub mod content;
pub mod derived;
pub mod limits;
pub mod markdown;
pub mod screenshot;
pub mod table;
pub mod yaml;

pub use content::{ParseCache, load_content, load_content_reusing};

/// The candidate nearest `key` in spelling (at most three letters added,
/// dropped or changed; of equals, the first in byte order), for a "did you
/// mean".
pub(crate) fn nearest<'a>(key: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(key, c), c))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, c)| c)
}

/// Edit distance in characters: letters added, dropped, changed, or two
/// neighbours swapped (「nmae」 is one from 「name」), each one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i − 2, i − 1 and i of the table.
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_swap_of_neighbours_is_one_edit() {
        use super::edit_distance as d;
        assert_eq!(d("nmae", "name"), 1);
        assert_eq!(d("nmae", "map"), 2);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("電話番号", "電話番後"), 1);
        assert_eq!(
            super::nearest("nmae", ["map", "name"].into_iter()),
            Some("name")
        );
        assert_eq!(super::nearest("colour", ["map", "name"].into_iter()), None);
    }
}
