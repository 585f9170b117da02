//! Diagnostics: located messages gathered across a run and printed with the
//! offending source line, so users see *where* as well as *what*.

use crate::model::{Severity, SourcePos};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// One located message.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// Severity.
    pub severity: Severity,
    /// Where (file, line, column; or file and a spreadsheet cell in `cell`).
    #[serde(serialize_with = "ser_pos")]
    pub pos: SourcePos,
    /// Spreadsheet location ("sheet Sheet1, row 4, column F") when not a text file.
    pub cell: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The source line holds a secret: print it masked from the column on.
    #[serde(skip)]
    pub redact: bool,
}

fn ser_pos<S: serde::Serializer>(pos: &SourcePos, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("pos", 3)?;
    st.serialize_field("file", &pos.file.display().to_string())?;
    st.serialize_field("line", &pos.line)?;
    st.serialize_field("column", &pos.column)?;
    st.end()
}

impl Diagnostic {
    /// An error at `pos`.
    pub fn error(pos: SourcePos, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            pos,
            cell: None,
            message: message.into(),
            help: None,
            redact: false,
        }
    }

    /// A warning at `pos`.
    pub fn warning(pos: SourcePos, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(pos, message)
        }
    }

    /// Adds advice on how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Marks the source line as secret: it is shown masked.
    pub fn redacted(mut self) -> Self {
        self.redact = true;
        self
    }

    /// The location as text: `file:line:column` or `file (cell)`.
    pub fn location(&self) -> String {
        match &self.cell {
            Some(cell) => format!("{} ({cell})", self.pos.file.display()),
            None => self.pos.to_string(),
        }
    }

    /// Renders the diagnostic with the source line (masked: see
    /// [`register_source`]; long lines clipped) and a caret.
    pub fn render(&self, color: bool) -> String {
        let (red, yellow, blue, bold, reset) = if color {
            ("\x1b[31m", "\x1b[33m", "\x1b[34m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "", "", "")
        };
        let sev_color = match self.severity {
            Severity::Error => red,
            Severity::Warning => yellow,
            Severity::Info => blue,
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{bold}{sev_color}{}{reset}{bold}: {}{reset}",
            self.severity.as_str(),
            self.message
        );
        let _ = writeln!(out, "  {blue}-->{reset} {}", self.location());
        if self.cell.is_none()
            && self.pos.sheet.is_none()
            && self.pos.line > 0
            && let Some(mut line) = source_line(&self.pos)
        {
            if self.redact {
                let keep = self.pos.column.saturating_sub(1) as usize;
                line = line.chars().take(keep).collect::<String>() + "****";
            }
            // Invisible characters (bidi overrides …) would rearrange the terminal line.
            let line: String = line
                .chars()
                .map(|c| {
                    if crate::validate::normalize::is_invisible(c) || c == '\t' {
                        if c == '\t' { ' ' } else { '\u{FFFD}' }
                    } else {
                        c
                    }
                })
                .collect();
            let (line, column) = clip(&line, self.pos.column as usize);
            let num = self.pos.line.to_string();
            let pad = " ".repeat(num.len());
            let _ = writeln!(out, "  {pad} {blue}|{reset}");
            let _ = writeln!(out, "  {blue}{num} |{reset} {line}");
            if column > 0 {
                let before: String = line.chars().take(column.saturating_sub(1)).collect();
                let _ = writeln!(
                    out,
                    "  {pad} {blue}|{reset} {}{sev_color}^{reset}",
                    " ".repeat(display_width(&before))
                );
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  {blue}= help:{reset} {help}");
        }
        out
    }
}

/// Longest source line echoed whole; longer ones are shown as a window
/// around the column.
pub const MAX_ECHO_CHARS: usize = 160;
/// Files larger than this are never read again just to echo a line.
const MAX_ECHO_FILE: u64 = 16 * 1024 * 1024;

/// Lines of a source file as they may be shown in messages.
struct Shown {
    lines: Arc<Vec<String>>,
    /// `None` when a loader registered the lines (already masked by what it
    /// knows of the file); else the file's size and modification time when
    /// it was read and masked by the secret-key detector.
    stamp: Option<(u64, Option<std::time::SystemTime>)>,
}

fn shown_sources() -> &'static Mutex<HashMap<PathBuf, Shown>> {
    static SOURCES: OnceLock<Mutex<HashMap<PathBuf, Shown>>> = OnceLock::new();
    SOURCES.get_or_init(Default::default)
}

/// Registers the lines of `path` as they may be shown in messages: the
/// loader of clinic data masks every value that is not an allowlisted field
/// before any message about the file can be rendered. Registered lines
/// replace what the file says.
pub fn register_source(path: &Path, lines: Vec<String>) {
    if let Ok(mut m) = shown_sources().lock() {
        m.insert(
            path.to_path_buf(),
            Shown {
                lines: Arc::new(lines),
                stamp: None,
            },
        );
    }
}

/// The line at `pos` as it may be shown: the registered (masked) lines, or
/// the file read once, with the values of secret-looking keys masked.
fn source_line(pos: &SourcePos) -> Option<String> {
    let path = pos.file.as_path();
    let index = pos.line.checked_sub(1)? as usize;
    let mut sources = shown_sources().lock().ok()?;
    let meta = std::fs::metadata(path).ok();
    let stamp = meta.as_ref().map(|m| (m.len(), m.modified().ok()));
    let fresh = match sources.get(path) {
        Some(s) => s.stamp.is_none() || s.stamp == stamp,
        None => false,
    };
    if !fresh {
        if meta
            .as_ref()
            .is_none_or(|m| !m.is_file() || m.len() > MAX_ECHO_FILE)
        {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let text = String::from_utf8_lossy(&bytes);
        sources.insert(
            path.to_path_buf(),
            Shown {
                lines: Arc::new(crate::validate::secret::mask_text(&text)),
                stamp,
            },
        );
    }
    sources.get(path)?.lines.get(index).cloned()
}

/// A window of at most about [`MAX_ECHO_CHARS`] characters of `line` around
/// the 1-based `column`, with `…` where it was cut; returns the window and
/// the column within it.
fn clip(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_ECHO_CHARS {
        return (line.to_string(), column);
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(MAX_ECHO_CHARS / 2);
    let end = (start + MAX_ECHO_CHARS).min(chars.len());
    let mut out = String::new();
    let mut col = column.saturating_sub(start);
    if start > 0 {
        out.push('…');
        col += 1;
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    (out, col)
}

/// Terminal columns taken by `s` (East Asian wide characters take two).
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// A list of diagnostics gathered during a stage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// True when any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Appends all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
}
