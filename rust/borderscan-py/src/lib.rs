//! Thin PyO3 bindings over borderscan-core: argument conversion, error
//! mapping, the interpreter released during scans, and findings handed over
//! as an Arrow C stream. No scanning logic lives here.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::SchemaRef;
use borderscan_core::{self as core, Detectors, Format, Input, RulePackSpec, ScanOptions};
use pyo3::create_exception;
use pyo3::exceptions::{
    PyException, PyFileNotFoundError, PyOSError, PyPermissionError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

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

/// Map the engine's one error type to Python exceptions, once.
fn to_py(e: core::Error) -> PyErr {
    match e {
        core::Error::Config { .. } => ConfigError::new_err(e.to_string()),
        core::Error::Io { ref source, .. } => match source.kind() {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(e.to_string()),
            std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(e.to_string()),
            _ => PyOSError::new_err(e.to_string()),
        },
        core::Error::Cancelled => ScanCancelled::new_err("scan cancelled"),
    }
}

/// An immutable table of Arrow record batches that any Arrow consumer
/// (`polars.DataFrame(obj)`, pyarrow) can import through the PyCapsule
/// interface, without one Python object per row.
#[pyclass(frozen, module = "borderscan._core")]
struct ArrowTable {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

#[pymethods]
impl ArrowTable {
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // Schema negotiation is optional in the protocol; we always export
        // our own schema, which consumers then cast if they asked otherwise.
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(
            self.batches.clone().into_iter().map(Ok),
            self.schema.clone(),
        );
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    fn __len__(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// Column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }
}

fn load_detectors(rule_files: &[String], builtin: bool) -> Result<Detectors, core::Error> {
    let mut packs = Vec::new();
    if builtin {
        packs.push(RulePackSpec::builtin());
    }
    for f in rule_files {
        let text = std::fs::read_to_string(f).map_err(|e| core::Error::Io {
            path: f.into(),
            source: e,
        })?;
        packs.push(RulePackSpec::parse(&text, f)?);
    }
    Detectors::new(&packs)
}

/// Run `f` with the interpreter released, on a helper thread, while this
/// thread watches for signals: Ctrl-C sets `cancel` (the engine stops at its
/// next check) and the KeyboardInterrupt is raised once it has.
fn detached<T: Send>(
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

/// Scan inputs. Returns (findings table, accounting JSON, rule-pack ids).
#[pyfunction]
#[pyo3(signature = (
    paths, *, threads=0, include=vec![], exclude=vec![], input_format=None,
    max_line=None, split_size=None, dest_fields=None, origin_fields=None,
    show_values=false, rule_files=vec![], builtin_rules=true, progress=None,
))]
#[allow(clippy::too_many_arguments)]
fn scan(
    py: Python<'_>,
    paths: Vec<String>,
    threads: usize,
    include: Vec<String>,
    exclude: Vec<String>,
    input_format: Option<String>,
    max_line: Option<usize>,
    split_size: Option<u64>,
    dest_fields: Option<Vec<String>>,
    origin_fields: Option<Vec<String>>,
    show_values: bool,
    rule_files: Vec<String>,
    builtin_rules: bool,
    progress: Option<Py<ProgressCounter>>,
) -> PyResult<(ArrowTable, String, Vec<String>)> {
    let det = load_detectors(&rule_files, builtin_rules).map_err(to_py)?;
    let mut opts = ScanOptions {
        threads,
        include,
        exclude,
        show_values,
        ..Default::default()
    };
    if let Some(f) = input_format {
        opts.input_format = Some(
            f.parse::<Format>()
                .map_err(|e| ConfigError::new_err(format!("--input-format: {e}")))?,
        );
    }
    if let Some(m) = max_line {
        if m == 0 {
            return Err(PyValueError::new_err("max_line must be positive"));
        }
        opts.max_line = m;
    }
    if let Some(s) = split_size {
        opts.split_size = s;
    }
    if let Some(d) = dest_fields {
        opts.dest_fields = d;
    }
    if let Some(o) = origin_fields {
        opts.origin_fields = o;
    }
    if let Some(p) = &progress {
        opts.progress = Some(p.get().bytes.clone());
    }
    let cancel = Arc::new(AtomicBool::new(false));
    opts.cancel = Some(cancel.clone());
    let inputs: Vec<Input> = paths
        .iter()
        .map(|p| {
            if p == "-" {
                Input::Stdin
            } else {
                Input::Path(p.into())
            }
        })
        .collect();
    let (out, batches) = detached(py, &cancel, || {
        let out = core::scan(&inputs, &det, &opts)?;
        let batches = core::batch::findings_batches(&out, &det);
        Ok::<_, core::Error>((out, batches))
    })?
    .map_err(to_py)?;
    let accounting = serde_json::to_string(&out.accounting)
        .map_err(|e| BorderscanError::new_err(e.to_string()))?;
    Ok((
        ArrowTable {
            schema: core::batch::findings_schema(),
            batches,
        },
        accounting,
        det.packs.clone(),
    ))
}

/// A counter the engine bumps with the bytes it has read, for progress
/// bars; reading it never blocks the scan.
#[pyclass(frozen, module = "borderscan._core")]
struct ProgressCounter {
    bytes: Arc<AtomicU64>,
}

#[pymethods]
impl ProgressCounter {
    #[new]
    fn new() -> Self {
        ProgressCounter {
            bytes: Arc::new(AtomicU64::new(0)),
        }
    }

    #[getter]
    fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// Every rule of the loaded packs, as a JSON list of rule specs.
#[pyfunction]
#[pyo3(signature = (rule_files=vec![], builtin_rules=true))]
fn rules_json(rule_files: Vec<String>, builtin_rules: bool) -> PyResult<String> {
    let det = load_detectors(&rule_files, builtin_rules).map_err(to_py)?;
    serde_json::to_string(&det.rules).map_err(|e| BorderscanError::new_err(e.to_string()))
}

/// Run every rule's examples; a JSON list of the ones that misbehaved.
#[pyfunction]
#[pyo3(signature = (rule_files=vec![], builtin_rules=true))]
fn check_rules_json(
    py: Python<'_>,
    rule_files: Vec<String>,
    builtin_rules: bool,
) -> PyResult<String> {
    let det = load_detectors(&rule_files, builtin_rules).map_err(to_py)?;
    let failures = py.detach(|| core::check_rules(&det));
    serde_json::to_string(&failures).map_err(|e| BorderscanError::new_err(e.to_string()))
}

#[pymodule(gil_used = false)]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", core::VERSION)?;
    m.add("BorderscanError", m.py().get_type::<BorderscanError>())?;
    m.add("ConfigError", m.py().get_type::<ConfigError>())?;
    m.add("ScanCancelled", m.py().get_type::<ScanCancelled>())?;
    m.add_class::<ArrowTable>()?;
    m.add_class::<ProgressCounter>()?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_function(wrap_pyfunction!(rules_json, m)?)?;
    m.add_function(wrap_pyfunction!(check_rules_json, m)?)?;
    Ok(())
}
