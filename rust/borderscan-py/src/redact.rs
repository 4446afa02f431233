//! `redact` from Python: the interpreter released and Ctrl-C watched as a
//! scan's; per-file reports cross as JSON. The key arrives as bytes and is
//! never returned or printed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use borderscan_core::redact::{
    Action, Actions, Filter, Filtered, Job, OnViolation, Redaction, key_id, redact_files,
};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

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
    let redaction = redaction(&actions, key)?;
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

fn redaction(actions: &[String], key: Option<Vec<u8>>) -> PyResult<Redaction> {
    let mut a = Actions::default();
    for arg in actions {
        a.set_arg(arg).map_err(to_py)?;
    }
    Ok(Redaction { actions: a, key })
}

/// A record-at-a-time gate (`borderscan filter`, `borderscan.Filter`).
#[pyclass(module = "borderscan._core", name = "Filter")]
pub struct PyFilter {
    inner: Filter,
}

#[pymethods]
impl PyFilter {
    #[new]
    #[pyo3(signature = (config, on_violation, actions, key=None))]
    fn new(
        config: &PyScanConfig,
        on_violation: &str,
        actions: Vec<String>,
        key: Option<Vec<u8>>,
    ) -> PyResult<Self> {
        let on: OnViolation = on_violation.parse().map_err(to_py)?;
        let inner = Filter::new(&config.inner, &redaction(&actions, key)?, on).map_err(to_py)?;
        Ok(PyFilter { inner })
    }

    /// One record (a line without its terminator): ("same", None),
    /// ("rewritten", the line to write) or ("dropped", None).
    fn record<'py>(
        &mut self,
        py: Python<'py>,
        line: &[u8],
    ) -> (&'static str, Option<Bound<'py, PyBytes>>) {
        match self.inner.record(line) {
            Filtered::Same => ("same", None),
            Filtered::Rewritten(b) => ("rewritten", Some(PyBytes::new(py, &b))),
            Filtered::Dropped => ("dropped", None),
        }
    }

    /// The violations of the last record given to `record`, as JSON.
    fn violations(&self) -> PyResult<String> {
        json(&self.inner.violations())
    }

    /// What the filter has done so far, as JSON.
    fn report(&self) -> PyResult<String> {
        json(self.inner.report())
    }

    /// Filter this process's standard input to its standard output until
    /// the input ends, each violation as a JSON line to `findings` (a
    /// file, created or truncated) or, with `findings_to_stderr`, to
    /// standard error. The interpreter is released meanwhile.
    #[pyo3(signature = (findings=None, findings_to_stderr=false))]
    fn run_stdio(
        &mut self,
        py: Python<'_>,
        findings: Option<PathBuf>,
        findings_to_stderr: bool,
    ) -> PyResult<()> {
        // Descriptors of their own: no line buffering of `Stdout` (a
        // write per record), no second buffer in front of ours.
        let dup = |fd: std::os::fd::BorrowedFd<'_>| fd.try_clone_to_owned().map(File::from);
        let input = dup(std::io::stdin().as_fd())?;
        let output = dup(std::io::stdout().as_fd())?;
        let mut side: Option<Box<dyn Write + Send>> = match (findings, findings_to_stderr) {
            (Some(p), _) => Some(Box::new(BufWriter::new(File::create(&p).map_err(|e| {
                pyo3::exceptions::PyOSError::new_err(format!("{}: {e}", p.display()))
            })?))),
            (None, true) => Some(Box::new(BufWriter::new(dup(std::io::stderr().as_fd())?))),
            (None, false) => None,
        };
        let cancel = AtomicBool::new(false);
        let filter = &mut self.inner;
        detached(py, &cancel, || {
            let mut out = BufWriter::with_capacity(64 * 1024, output);
            let side = side.as_mut().map(|w| w as &mut dyn Write);
            filter.run(input, &mut out, side, Some(&cancel))
        })?
        // io::Error becomes the matching OSError (BrokenPipeError...).
        .map_err(PyErr::from)
    }
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
    m.add_class::<PyFilter>()?;
    Ok(())
}
