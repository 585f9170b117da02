//! Source positions: every loaded value can say which file and line it came from.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A position in a content or data file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourcePos {
    /// The file the value was read from.
    pub file: Arc<PathBuf>,
    /// 1-based line; 0 when unknown.
    pub line: u32,
    /// 1-based column; 0 when unknown.
    pub column: u32,
    /// Worksheet name when the value came from a spreadsheet (line = row).
    pub sheet: Option<Arc<str>>,
}

impl SourcePos {
    /// A position at `line:column` of `file`.
    pub fn new(file: Arc<PathBuf>, line: u32, column: u32) -> Self {
        Self {
            file,
            line,
            column,
            sheet: None,
        }
    }

    /// A cell of worksheet `sheet` (1-based row and column).
    pub fn cell(file: Arc<PathBuf>, sheet: &str, row: u32, column: u32) -> Self {
        Self {
            file,
            line: row,
            column,
            sheet: Some(Arc::from(sheet)),
        }
    }
}

impl fmt::Display for SourcePos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(sheet) = &self.sheet {
            return write!(
                f,
                " [sheet {sheet}, row {}, column {}]",
                self.line,
                column_letter(self.column)
            );
        }
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        Ok(())
    }
}

/// A value together with where it was defined.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Located<T> {
    /// The value itself.
    pub value: T,
    /// Where it was written.
    #[serde(skip)]
    pub pos: SourcePos,
}

impl<T> Located<T> {
    /// Wraps `value` defined at `pos`.
    pub fn new(value: T, pos: SourcePos) -> Self {
        Self { value, pos }
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Spreadsheet column letters: 1 → A, 27 → AA (0 → "?").
pub fn column_letter(column: u32) -> String {
    if column == 0 {
        return "?".into();
    }
    let mut n = column;
    let mut s = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        s.push((b'A' + r) as char);
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}
