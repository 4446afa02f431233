//! The engine's one error type mapped to Python exceptions, once: each
//! variant its own exception under `BorderscanError`, I/O errors by kind.

use borderscan_core as core;
use pyo3::create_exception;
use pyo3::exceptions::{
    PyBrokenPipeError, PyException, PyFileNotFoundError, PyOSError, PyPermissionError,
};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

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
    "An invalid option, rule pack or policy; the message names the place. \
     `option` is the parameter it is about (None: a file's content), \
     `options` every parameter it names."
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
        core::Error::Config { place, message } => config_error(&place, &message),
        core::Error::Io { ref source, .. } => match source.kind() {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(e.to_string()),
            std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(e.to_string()),
            // The reader of stdout went away (`| head`): the CLI stops quietly.
            std::io::ErrorKind::BrokenPipe => PyBrokenPipeError::new_err(e.to_string()),
            _ => PyOSError::new_err(e.to_string()),
        },
        core::Error::Cancelled => ScanCancelled::new_err("scan cancelled"),
        core::Error::Distributed(_) => BorderscanError::new_err(e.to_string()),
    }
}

/// A `ConfigError` worded for the Python API. The engine names an option by
/// its command-line flag (`--max-line-bytes`); Python callers know it by its
/// parameter (`max_line`). So the flags of [`core::OPTIONS`] are replaced:
/// at the place (`--policy/--preset`, `--include GLOB`) by the parameter
/// names, in the message by the name in backticks. The exception's `option`
/// is the place's (first) parameter, None when the place is a file, and
/// `options` every parameter named, the place's first: the CLI says their
/// flags again.
pub fn config_error(place: &str, message: &str) -> PyErr {
    let (head, rest) = place.split_once(' ').unwrap_or((place, ""));
    let at_place: Option<Vec<&'static str>> = head.split('/').map(option_of).collect();
    let mut names = at_place.unwrap_or_default();
    let option = names.first().copied();
    let place = match (names.is_empty(), rest) {
        (true, _) => place.to_string(),
        (false, "") => names.join("/"),
        (false, rest) => format!("{} {rest}", names.join("/")),
    };
    let message: Vec<String> = (message.split(' '))
        .map(|word| {
            let Some(start) = word.find("--") else {
                return word.to_string();
            };
            let tail = &word[start..];
            let flag = tail.trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '-'));
            match option_of(flag) {
                Some(name) => {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                    format!("{}`{name}`{}", &word[..start], &tail[flag.len()..])
                }
                None => word.to_string(),
            }
        })
        .collect();
    with_options(format!("{place}: {}", message.join(" ")), option, &names)
}

/// A `ConfigError` about one parameter, raised by the bindings themselves.
pub fn option_error(name: &'static str, message: impl std::fmt::Display) -> PyErr {
    with_options(format!("{name}: {message}"), Some(name), &[name])
}

/// The option named by a command-line flag.
fn option_of(flag: &str) -> Option<&'static str> {
    (core::OPTIONS.iter())
        .find(|o| o.flag == Some(flag))
        .map(|o| o.name)
}

fn with_options(text: String, option: Option<&str>, names: &[&'static str]) -> PyErr {
    let err = ConfigError::new_err(text);
    if !names.is_empty() {
        Python::attach(|py| {
            let value = err.value(py);
            // Attributes of a fresh exception object: setting them cannot fail.
            let _ = value.setattr("option", option);
            let _ = PyTuple::new(py, names).map(|t| value.setattr("options", t));
        });
    }
    err
}

/// A value as JSON text (the engine's summaries and accounting cross into
/// Python as JSON, parsed once there).
pub fn json<T: serde::Serialize>(v: &T) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| BorderscanError::new_err(e.to_string()))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("BorderscanError", m.py().get_type::<BorderscanError>())?;
    let config_error = m.py().get_type::<ConfigError>();
    // What a `ConfigError` raised from Python (or about a file) says.
    config_error.setattr("option", None::<&str>)?;
    config_error.setattr("options", PyTuple::empty(m.py()))?;
    m.add("ConfigError", config_error)?;
    m.add("ScanCancelled", m.py().get_type::<ScanCancelled>())?;
    Ok(())
}
