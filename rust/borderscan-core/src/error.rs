//! The engine's one error type. The bindings map each variant to its own
//! Python exception, so variants are about what the caller can do, not about
//! which library failed.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule pack, option or policy is invalid; `place` names the file and
    /// position (or option) so the user can fix it.
    #[error("{place}: {message}")]
    Config { place: String, message: String },

    /// An input that could not be opened or read at all. Per-file read
    /// failures during a scan are *not* errors: they are counted in the
    /// accounting and the scan goes on.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The caller asked the scan to stop (Ctrl-C, cancel flag).
    #[error("scan cancelled")]
    Cancelled,

    /// A scan spread over machines could not be put together: a worker
    /// sees an input other than the client planned (not at the same path,
    /// changed since), runs another engine version, or results are missing.
    #[error("distributed scan: {0}")]
    Distributed(String),
}

impl Error {
    pub fn config(place: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Config {
            place: place.into(),
            message: message.into(),
        }
    }
}
