//! A manual.yaml in a copy of the bundled content: loaded and checked.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A copy of the bundled content whose first manual the input replaces.
fn copy() -> &'static PathBuf {
    static C: OnceLock<PathBuf> = OnceLock::new();
    C.get_or_init(|| {
        let to = common::scratch().join("content");
        copy_dir(&common::content_dir(), &to);
        to
    })
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read content").flatten() {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let dir = copy();
    let manual = dir.join("manuals/online-shikaku/manual.yaml");
    if std::fs::write(&manual, data).is_err() {
        return;
    }
    let (_content, diags) = tebiki::load::load_content(dir);
    for d in &diags.0 {
        let _ = d.render(false);
    }
});
