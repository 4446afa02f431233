//! Scans spread over machines (`borderscan.dask`): the client's plan, a
//! worker's run of some tasks, and the workers' results, which a scan
//! configuration then carries (`ScanConfig.with_results`) so the client's
//! ordinary scan merges them instead of reading the files.

use std::path::PathBuf;
use std::sync::Arc;

use borderscan_core::{self as core, Precomputed, RemoteTask};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyBytes;

use crate::config::PyScanConfig;
use crate::errors::{BorderscanError, json, to_py};

/// Workers' results of a distributed scan, decoded and checked; the order
/// they are given in does not matter.
#[pyclass(frozen, module = "borderscan._core")]
pub struct TaskResults {
    pub inner: Arc<Precomputed>,
}

#[pymethods]
impl TaskResults {
    #[new]
    fn new(py: Python<'_>, results: Vec<PyBackedBytes>) -> PyResult<Self> {
        let inner = py
            .detach(|| Precomputed::decode(results.iter().map(|b| &b[..])))
            .map_err(to_py)?;
        Ok(TaskResults {
            inner: Arc::new(inner),
        })
    }

    /// Files the results cover.
    #[getter]
    fn files(&self) -> usize {
        self.inner.counts().0
    }

    /// Tasks (whole files and ranges) the results cover.
    #[getter]
    fn tasks(&self) -> usize {
        self.inner.counts().1
    }
}

/// The tasks a distributed scan of `paths` sends to workers, as JSON: a
/// list of {path, part, parts, range, start, end, size, mtime_ns}, in task
/// order. Inputs that stay with the client are not in it.
#[pyfunction]
pub fn plan_distributed(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    config: &PyScanConfig,
) -> PyResult<String> {
    let tasks = py
        .detach(|| {
            let p = config.inner.prepare(&paths)?;
            core::plan_remote(&p.inputs, &p.options)
        })
        .map_err(to_py)?;
    json(&tasks)
}

/// Run some tasks of `plan_distributed` (its JSON, or a part of it; a
/// file's tasks in order) on this machine; what they found, encoded for
/// `TaskResults`.
#[pyfunction]
pub fn scan_tasks<'py>(
    py: Python<'py>,
    tasks: &str,
    config: &PyScanConfig,
) -> PyResult<Bound<'py, PyBytes>> {
    let tasks: Vec<RemoteTask> =
        serde_json::from_str(tasks).map_err(|e| BorderscanError::new_err(format!("tasks: {e}")))?;
    let out = py
        .detach(|| {
            let p = config.inner.prepare(&[])?;
            core::run_remote(&tasks, &p.detectors, &p.options)
        })
        .map_err(to_py)?;
    Ok(PyBytes::new(py, &out))
}
