//! The engine's one error type mapped to Python exceptions, once: each
//! variant its own exception under `BorderscanError`, I/O errors by kind.

use borderscan_core as core;
use pyo3::create_exception;
use pyo3::exceptions::{
    PyBrokenPipeError, PyException, PyFileNotFoundError, PyOSError, PyPermissionError,
};
use pyo3::prelude::*;

create_exception!(
    _core,
    BorderscanError,
    PyException,
    "Base of every borderscan error."
);
create_exception!(
    _core,
    ConfigError,
    BorderscanError,
    "An invalid option, rule pack or policy; the message names the place."
);
create_exception!(
    _core,
    ScanCancelled,
    BorderscanError,
    "The scan was interrupted (Ctrl-C) before it finished."
);

/// Map the engine's one error type to Python exceptions.
pub fn to_py(e: core::Error) -> PyErr {
    match e {
        core::Error::Config { .. } => ConfigError::new_err(e.to_string()),
        core::Error::Io { ref source, .. } => match source.kind() {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(e.to_string()),
            std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(e.to_string()),
            // The reader of stdout went away (`| head`): the CLI stops quietly.
            std::io::ErrorKind::BrokenPipe => PyBrokenPipeError::new_err(e.to_string()),
            _ => PyOSError::new_err(e.to_string()),
        },
        core::Error::Cancelled => ScanCancelled::new_err("scan cancelled"),
    }
}

/// A value as JSON text (the engine's summaries and accounting cross into
/// Python as JSON, parsed once there).
pub fn json<T: serde::Serialize>(v: &T) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| BorderscanError::new_err(e.to_string()))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("BorderscanError", m.py().get_type::<BorderscanError>())?;
    m.add("ConfigError", m.py().get_type::<ConfigError>())?;
    m.add("ScanCancelled", m.py().get_type::<ScanCancelled>())?;
    Ok(())
}
