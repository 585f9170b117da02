//! Diagnostics: located messages gathered across a run and printed with the
//! offending source line, so users see *where* as well as *what*.

use crate::model::{Severity, SourcePos};
use serde::Serialize;
use std::fmt::Write as _;

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

    /// Renders the diagnostic with the source line and a caret, reading the
    /// file again (diagnostics are rare; the file is small).
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
            {
                if self.redact {
                    let keep = self.pos.column.saturating_sub(1) as usize;
                    line = line.chars().take(keep).collect::<String>() + "****";
                }
                let num = self.pos.line.to_string();
                let pad = " ".repeat(num.len());
                let _ = writeln!(out, "  {pad} {blue}|{reset}");
                let _ = writeln!(out, "  {blue}{num} |{reset} {line}");
                if self.pos.column > 0 {
                    let before: String = line
                        .chars()
                        .take(self.pos.column.saturating_sub(1) as usize)
                        .collect();
                    let _ = writeln!(
                        out,
                        "  {pad} {blue}|{reset} {}{sev_color}^{reset}",
                        " ".repeat(display_width(&before))
                    );
                }
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  {blue}= help:{reset} {help}");
        }
        out
    }
}

fn source_line(pos: &SourcePos) -> Option<String> {
    let text = std::fs::read_to_string(pos.file.as_path()).ok()?;
    text.lines()
        .nth(pos.line.saturating_sub(1) as usize)
        .map(|l| l.to_string())
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
