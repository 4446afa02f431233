//! Plain text: the whole line is one free-text field. It is also what
//! any record that fails to parse is scanned as, so nothing escapes
//! detection.

use super::RecordBuf;

impl RecordBuf {
    /// The whole line as one free-text field (plain text, or the fallback
    /// for a record that failed to parse).
    pub fn push_text(&mut self, line: &[u8]) {
        self.push(b"", line, true);
    }
}
