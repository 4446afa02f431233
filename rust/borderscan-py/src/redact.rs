//! `redact` from Python: the interpreter released and Ctrl-C watched as a
//! scan's; per-file reports cross as JSON. The key arrives as bytes and is
//! never returned or printed.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use borderscan_core::redact::{Action, Actions, Job, Redaction, key_id, redact_files};
use pyo3::prelude::*;

use crate::config::PyScanConfig;
use crate::errors::{json, to_py};
use crate::scan::detached;

/// Redact each (input, output) pair under `config`; `actions` are
/// `TARGET=ACTION` strings (the command line's `--action`, winning over
/// the policy's `[redact]` table). Returns (the reports JSON, a list in job
/// order; the actions in force JSON).
#[pyfunction]
#[pyo3(signature = (config, jobs, actions, key=None))]
pub fn redact(
    py: Python<'_>,
    config: &PyScanConfig,
    jobs: Vec<(PathBuf, PathBuf)>,
    actions: Vec<String>,
    key: Option<Vec<u8>>,
) -> PyResult<(String, String)> {
    let mut a = Actions::default();
    for arg in &actions {
        a.set_arg(arg).map_err(to_py)?;
    }
    let redaction = Redaction { actions: a, key };
    let jobs: Vec<Job> = jobs
        .into_iter()
        .map(|(input, output)| Job { input, output })
        .collect();
    let cancel = AtomicBool::new(false);
    let (reports, actions) = detached(py, &cancel, || {
        redact_files(&config.inner, &redaction, &jobs, Some(&cancel))
    })?
    .map_err(to_py)?;
    Ok((json(&reports)?, json(&actions)?))
}

/// The key id of a pseudonymization key (first 16 hex digits of its
/// SHA-256), for manifests.
#[pyfunction]
pub fn redact_key_id(key: Vec<u8>) -> String {
    key_id(&key)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    m.add("REDACT_ACTIONS", pyo3::types::PyTuple::new(m.py(), names)?)?;
    m.add_function(wrap_pyfunction!(redact, m)?)?;
    m.add_function(wrap_pyfunction!(redact_key_id, m)?)?;
    Ok(())
}
