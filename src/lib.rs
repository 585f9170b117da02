//! tebiki (手引き): per-clinic illustrated guides and printable handouts for
//! the オンライン資格確認 applications, and an internal help site.
//!
//! Data flows one way through the stages, one module each:
//! [`load`] (files → model, with positions) → [`model`] (typed manuals,
//! rules, clinics) → [`eval`] (one clinic → one evaluated [`eval::guide::Guide`])
//! → [`render`] (HTML, PDF) → [`write`] (atomic output). [`pipeline`] wires
//! them for the CLI.

pub mod branding;
pub mod combined;
pub mod config;
pub mod diag;
pub mod error;
pub mod eval;
pub mod export;
pub mod load;
pub mod manifest;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod scene;
pub mod site;
pub mod validate;
pub mod write;

pub use error::{Error, Result};

#[cfg(test)]
mod tests {
    /// Release and bench builds are optimised as one unit (fat LTO, one
    /// codegen unit): the speed figures of docs/speed.md, "Speed, session 11" are
    /// those of such a build; a profile that drops it is slower by that.
    #[test]
    fn release_builds_are_optimised_as_one_unit() {
        let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
            .expect("Cargo.toml");
        let section = toml
            .split("\n[profile.release]\n")
            .nth(1)
            .expect("a [profile.release] section")
            .split("\n[")
            .next()
            .unwrap_or_default();
        let settings: Vec<&str> = section
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert!(settings.contains(&"lto = \"fat\""), "{settings:?}");
        assert!(settings.contains(&"codegen-units = 1"), "{settings:?}");
    }
}
