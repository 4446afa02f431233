//! Scans from Python: every long call releases the interpreter, watches for
//! Ctrl-C and honours a cancel flag; findings cross as Arrow batches,
//! summaries and accounting as JSON.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use arrow_array::RecordBatch;
use borderscan_core::document::{DocFormat, DocumentWriter, summary_json};
use borderscan_core::output_file::Pending;
use borderscan_core::summary::{Rendered, Summary, Want};
use borderscan_core::{self as core, Detectors, Input, ScanOptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::arrow::ArrowTable;
use crate::config::PyScanConfig;
use crate::errors::{BorderscanError, json, to_py};

/// Run `f` with the interpreter released, on a helper thread, while this
/// thread watches for signals: Ctrl-C sets `cancel` (the engine stops at its
/// next check) and the KeyboardInterrupt is raised once it has.
pub(crate) fn detached<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    f: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    let (value, interrupt) = py.detach(|| {
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel();
            s.spawn(move || {
                let _ = tx.send(f());
            });
            let mut interrupt = None;
            loop {
                match rx.recv_timeout(Duration::from_millis(50)) {
                    Ok(v) => return (Some(v), interrupt),
                    Err(mpsc::RecvTimeoutError::Disconnected) => return (None, interrupt),
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if interrupt.is_none()
                            && let Err(e) = Python::attach(|py| py.check_signals())
                        {
                            cancel.store(true, Ordering::Relaxed);
                            interrupt = Some(e);
                        }
                    }
                }
            }
        })
    });
    if let Some(e) = interrupt {
        return Err(e);
    }
    value.ok_or_else(|| BorderscanError::new_err("scan thread panicked"))
}

/// A configured scan, ready to run.
struct Prepared {
    det: Detectors,
    opts: ScanOptions,
    inputs: Vec<Input>,
    cancel: Arc<AtomicBool>,
}

fn prepare(
    paths: Vec<PathBuf>,
    config: &PyScanConfig,
    progress: Option<&ProgressCounter>,
) -> PyResult<Prepared> {
    let p = config.inner.prepare(&paths).map_err(to_py)?;
    let mut opts = p.options;
    let cancel = Arc::new(AtomicBool::new(false));
    opts.cancel = Some(cancel.clone());
    opts.progress = progress.map(|c| c.inner.clone());
    opts.precomputed.clone_from(&config.results);
    Ok(Prepared {
        det: p.detectors,
        opts,
        inputs: p.inputs,
        cancel,
    })
}

/// Scan inputs into memory. Returns (findings table, accounting JSON,
/// summary JSON, rule-pack ids).
#[pyfunction]
#[pyo3(signature = (paths, config, progress=None))]
pub fn scan(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    config: &PyScanConfig,
    progress: Option<&ProgressCounter>,
) -> PyResult<(ArrowTable, String, String, Vec<String>)> {
    let Prepared {
        det,
        opts,
        inputs,
        cancel,
    } = prepare(paths, config, progress)?;
    let selection = opts.config.findings;
    let (batches, accounting, summary) = detached(py, &cancel, || {
        // Each worker counts its findings and builds rows for those the
        // selection keeps; this thread only merges.
        let map = |b, s| Rendered::counted(b, s, Want::Batch);
        let mut batches = Vec::new();
        let mut summary = Summary::default();
        let (_, accounting) =
            core::scan_stream_counted(&inputs, &det, &opts, Some(selection), &map, |r, base| {
                summary.merge(r.summary);
                if let Some(b) = r.batch.filter(|b| b.num_rows() > 0) {
                    batches.push(core::shift_lines(b, base));
                }
                Ok(())
            })?;
        Ok::<_, core::Error>((batches, accounting, summary))
    })?
    .map_err(to_py)?;
    let table = ArrowTable {
        schema: core::findings_schema(),
        batches,
    };
    Ok((
        table,
        json(&accounting)?,
        json(&summary_json(&summary, &opts.residency, &accounting))?,
        det.packs.clone(),
    ))
}

/// Start a scan whose findings arrive batch by batch (`ScanStream`).
#[pyfunction]
#[pyo3(signature = (paths, config, progress=None))]
pub fn scan_stream(
    paths: Vec<PathBuf>,
    config: &PyScanConfig,
    progress: Option<&ProgressCounter>,
) -> PyResult<ScanStream> {
    let Prepared {
        det,
        opts,
        inputs,
        cancel,
    } = prepare(paths, config, progress)?;
    let (tx, rx) = mpsc::sync_channel(2);
    let packs = det.packs.clone();
    std::thread::Builder::new()
        .name("borderscan-scan".into())
        .spawn(move || {
            let selection = opts.config.findings;
            let map = |b, s| Rendered::counted(b, s, Want::Batch);
            let mut summary = Summary::default();
            let res = core::scan_stream_counted(
                &inputs,
                &det,
                &opts,
                Some(selection),
                &map,
                |r, base| {
                    summary.merge(r.summary);
                    match r.batch.filter(|b| b.num_rows() > 0) {
                        // The Python side went away: stop scanning.
                        Some(b) => tx
                            .send(StreamMsg::Batch(core::shift_lines(b, base)))
                            .map_err(|_| core::Error::Cancelled),
                        None => Ok(()),
                    }
                },
            );
            let end = res.map(|(_, acc)| {
                let s = summary_json(&summary, &opts.residency, &acc);
                (acc, s)
            });
            let _ = tx.send(StreamMsg::End(Box::new(end)));
        })
        .map_err(|e| BorderscanError::new_err(format!("cannot start the scan thread: {e}")))?;
    Ok(ScanStream {
        rx: Mutex::new(rx),
        cancel,
        done: Mutex::new(None),
        packs,
    })
}

/// Scan and write the findings natively as `json` (one document: tool,
/// findings, summary, detectors, accounting), `jsonl` (a finding per line),
/// `parquet` (the findings table) or `none` (summaries only), to `out` or stdout, batch by batch: memory
/// stays bounded and no Python object is made per finding. Returns
/// (accounting JSON, summary JSON, rule-pack ids).
#[pyfunction]
#[pyo3(signature = (paths, config, format, out, tool_json, progress=None))]
pub fn scan_write(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    config: &PyScanConfig,
    format: &str,
    out: Option<String>,
    tool_json: String,
    progress: Option<&ProgressCounter>,
) -> PyResult<(String, String, Vec<String>)> {
    let Some(format) = DocFormat::parse(format) else {
        return Err(PyValueError::new_err(format!(
            "unknown output format {format}"
        )));
    };
    let Prepared {
        det,
        opts,
        inputs,
        cancel,
    } = prepare(paths, config, progress)?;
    // The document names the rule packs that produced it.
    let mut tool: serde_json::Value = serde_json::from_str(&tool_json)
        .map_err(|e| PyValueError::new_err(format!("tool_json: {e}")))?;
    tool["rule_packs"] = serde_json::json!(det.packs);
    let tool_json = tool.to_string();
    let result = detached(
        py,
        &cancel,
        || -> Result<(core::Accounting, Summary), core::Error> {
            let place = out.clone().unwrap_or_else(|| "<stdout>".into());
            let io_err = |e: std::io::Error| core::Error::Io {
                path: place.clone().into(),
                source: e,
            };
            // The document appears whole or not at all (`output_file`).
            let (sink, pending): (Box<dyn Write + Send>, _) = match &out {
                Some(p) => {
                    let (file, pending) = Pending::create(Path::new(p)).map_err(io_err)?;
                    (Box::new(file), Some(pending))
                }
                None => (Box::new(std::io::stdout()), None),
            };
            let w = BufWriter::with_capacity(1 << 20, sink);
            let mut doc = DocumentWriter::start(w, format, &tool_json).map_err(io_err)?;
            // Workers count every finding and build and render rows only
            // for those the document holds (none for a summary), in
            // parallel; this thread only merges counts and copies bytes, in
            // input order.
            let want = format.want();
            let selection = (!matches!(want, Want::Summary)).then_some(opts.config.findings);
            let map = |b, s| Rendered::counted(b, s, want);
            let (_, acc) =
                core::scan_stream_counted(&inputs, &det, &opts, selection, &map, |r, base| {
                    doc.add(r, base).map_err(io_err)
                })?;
            let summary = doc.finish(&acc, &opts.residency).map_err(io_err)?;
            if let Some(pending) = pending {
                pending.commit().map_err(io_err)?;
            }
            Ok((acc, summary))
        },
    )?;
    let (acc, summary) = result.map_err(to_py)?;
    Ok((
        json(&acc)?,
        json(&summary_json(&summary, &opts.residency, &acc))?,
        det.packs.clone(),
    ))
}

/// Findings batches as the engine produces them, for writers that must not
/// hold a whole scan in memory. Iterate for `ArrowTable`s of one batch each;
/// `accounting` is set once the iteration is over.
#[pyclass(frozen, module = "borderscan._core")]
pub struct ScanStream {
    rx: Mutex<mpsc::Receiver<StreamMsg>>,
    cancel: Arc<AtomicBool>,
    /// (accounting JSON, summary JSON) once the scan is over.
    done: Mutex<Option<(String, String)>>,
    packs: Vec<String>,
}

enum StreamMsg {
    Batch(RecordBatch),
    // Boxed: sent once, after many batches.
    End(Box<Result<(core::Accounting, serde_json::Value), core::Error>>),
}

#[pymethods]
impl ScanStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<ArrowTable>> {
        // Wait with the interpreter released; poll for Ctrl-C meanwhile.
        let msg = loop {
            let wait = || {
                let rx = self.rx.lock().expect("not poisoned");
                rx.recv_timeout(Duration::from_millis(50))
            };
            match py.detach(wait) {
                Ok(m) => break Some(m),
                Err(mpsc::RecvTimeoutError::Disconnected) => break None,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(e) = py.check_signals() {
                        self.cancel.store(true, Ordering::Relaxed);
                        return Err(e);
                    }
                }
            }
        };
        match msg {
            Some(StreamMsg::Batch(b)) => Ok(Some(ArrowTable {
                schema: b.schema(),
                batches: vec![b],
            })),
            Some(StreamMsg::End(end)) => {
                let (acc, summary) = (*end).map_err(to_py)?;
                let done = (json(&acc)?, json(&summary)?);
                *self.done.lock().expect("not poisoned") = Some(done);
                Ok(None)
            }
            None => {
                if self.done.lock().expect("not poisoned").is_some() {
                    Ok(None)
                } else {
                    Err(BorderscanError::new_err(
                        "scan thread stopped without a result",
                    ))
                }
            }
        }
    }

    /// Accounting JSON, once the stream is exhausted (None before).
    #[getter]
    fn accounting(&self) -> Option<String> {
        self.done
            .lock()
            .expect("not poisoned")
            .as_ref()
            .map(|d| d.0.clone())
    }

    /// Summary JSON (categories, detectors), once the stream is exhausted.
    #[getter]
    fn summary(&self) -> Option<String> {
        self.done
            .lock()
            .expect("not poisoned")
            .as_ref()
            .map(|d| d.1.clone())
    }

    #[getter]
    fn rule_packs(&self) -> Vec<String> {
        self.packs.clone()
    }

    /// Stop the scan early (the iterator then raises ScanCancelled).
    fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl Drop for ScanStream {
    fn drop(&mut self) {
        // An abandoned stream stops its scan thread instead of scanning on.
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Counters the engine bumps as it goes (input bytes as stored, and
/// records), for progress bars; reading them never blocks the scan.
#[pyclass(frozen, module = "borderscan._core")]
pub struct ProgressCounter {
    inner: Arc<core::Progress>,
}

#[pymethods]
impl ProgressCounter {
    #[new]
    fn new() -> Self {
        ProgressCounter {
            inner: Arc::new(core::Progress::default()),
        }
    }

    /// Input bytes read so far, as stored (compressed bytes of a
    /// compressed file): comparable with file sizes.
    #[getter]
    fn bytes(&self) -> u64 {
        self.inner.bytes.load(Ordering::Relaxed)
    }

    /// Records scanned so far.
    #[getter]
    fn records(&self) -> u64 {
        self.inner.records.load(Ordering::Relaxed)
    }
}
