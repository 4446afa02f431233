//! Scans spread over machines (`borderscan.dask`): the client's plan, a
//! worker's run of some tasks, and the workers' results, which a scan
//! configuration then carries (`ScanConfig.with_results`) so the client's
//! ordinary scan merges them instead of reading the files.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use borderscan_core::{self as core, Precomputed, RemoteTask};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyBytes;

use crate::config::PyScanConfig;
use crate::errors::{BorderscanError, json, to_py};

/// Workers' results of a distributed scan, awaited for the tasks of its
/// plan (`plan_distributed`'s JSON) and added as they come, in any order.
/// The client's scan (`ScanConfig.with_results`) runs meanwhile: each
/// task's results are held only until the merger reaches the task.
#[pyclass(frozen, module = "borderscan._core")]
pub struct TaskResults {
    pub inner: Arc<Precomputed>,
}

#[pymethods]
impl TaskResults {
    #[new]
    fn new(tasks: &str) -> PyResult<Self> {
        let tasks: Vec<RemoteTask> = serde_json::from_str(tasks)
            .map_err(|e| BorderscanError::new_err(format!("tasks: {e}")))?;
        Ok(TaskResults {
            inner: Arc::new(Precomputed::expect(&tasks).map_err(to_py)?),
        })
    }

    /// Add one worker's results (what `scan_tasks` returned).
    fn add(&self, py: Python<'_>, results: PyBackedBytes) -> PyResult<()> {
        py.detach(|| self.inner.add(&results)).map_err(to_py)
    }

    /// The rest will not come: the scan using these results fails with
    /// `message`.
    fn fail(&self, message: String) {
        self.inner.fail(message);
    }

    /// Wait up to `timeout` seconds until fewer than `nbytes` of added
    /// results wait for their turn in the scan (or it failed); whether
    /// they do.
    fn wait_held_below(&self, py: Python<'_>, nbytes: usize, timeout: f64) -> bool {
        let t = Duration::from_secs_f64(timeout.max(0.0));
        py.detach(|| self.inner.wait_held_below(nbytes, t))
    }

    /// Bytes of added results waiting for their turn in the scan.
    #[getter]
    fn held(&self) -> usize {
        self.inner.held()
    }

    /// Files the results are for.
    #[getter]
    fn files(&self) -> usize {
        self.inner.counts().0
    }

    /// Tasks (whole files and ranges) the results are for.
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
