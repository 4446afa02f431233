//! Thin PyO3 bindings over borderscan-core: argument conversion, error
//! mapping, the interpreter released during scans, and findings handed over
//! as an Arrow C stream. No scanning logic lives here.

// glibc's per-thread arenas give memory back and fault it in again, batch
// after batch (4.5x the page faults with two workers than with one, a
// tenth of the CPU time); mimalloc keeps freed pages for reuse.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::SchemaRef;
use borderscan_core::summary::{Rendered, Summary};
use borderscan_core::{self as core, Detectors, Format, Input, RulePackSpec, ScanOptions};
use pyo3::create_exception;
use pyo3::exceptions::{
    PyException, PyFileNotFoundError, PyOSError, PyPermissionError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::fs::File;
use std::io::{BufWriter, Write};

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
        // A rule pack that cannot be read (missing, not UTF-8) is a
        // configuration error (exit 2), like one that does not parse.
        let text = std::fs::read_to_string(f)
            .map_err(|e| core::Error::config(f, format!("cannot read the rule pack: {e}")))?;
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

/// Scan options as the Python layer passes them (a dict with every key).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct ScanArgs {
    threads: usize,
    include: Vec<String>,
    exclude: Vec<String>,
    input_format: Option<String>,
    max_line: Option<usize>,
    #[pyo3(default)]
    max_expansion: Option<u64>,
    split_size: Option<u64>,
    dest_fields: Option<Vec<String>>,
    origin_fields: Option<Vec<String>>,
    show_values: bool,
    rule_files: Vec<String>,
    builtin_rules: bool,
    progress: Option<Py<ProgressCounter>>,
    #[pyo3(default)]
    policy: Option<String>,
    #[pyo3(default)]
    preset: Option<String>,
    #[pyo3(default)]
    geoip: Option<String>,
    #[pyo3(default)]
    destination: Option<String>,
    #[pyo3(default)]
    origin: Option<String>,
    #[pyo3(default)]
    baseline: Option<Vec<String>>,
    #[pyo3(default)]
    today: Option<String>,
    /// `scan --journal DIR`, with the key of this scan worked out by the
    /// Python layer (inputs, options and the content of every file named).
    #[pyo3(default)]
    journal: Option<std::path::PathBuf>,
    #[pyo3(default)]
    journal_key: Option<String>,
}

/// The policy a scan runs under: a file, a preset, or the built-in one.
fn load_policy(
    policy: Option<&str>,
    preset: Option<&str>,
    today: Option<&str>,
) -> Result<core::Policy, core::Error> {
    let today = today.map_or_else(core::policy::today_utc, str::to_string);
    match (policy, preset) {
        (Some(_), Some(_)) => Err(core::Error::config(
            "--policy/--preset",
            "give a policy file or a preset, not both",
        )),
        (Some(path), None) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| core::Error::config(path, format!("cannot read the policy: {e}")))?;
            core::Policy::parse(&text, path, &today)
        }
        (None, name) => core::Policy::preset(name.unwrap_or("default"), &today),
    }
}

fn load_residency(a: &ScanArgs) -> Result<core::Residency, core::Error> {
    use core::residency::{Baseline, cli_country, parse_fingerprint};
    let policy = load_policy(a.policy.as_deref(), a.preset.as_deref(), a.today.as_deref())?;
    let geoip = a
        .geoip
        .as_deref()
        .map(|g| core::resolve::GeoIp::open(std::path::Path::new(g)))
        .transpose()?;
    let origin = a
        .origin
        .as_deref()
        .map(|c| cli_country(c, "--origin"))
        .transpose()?;
    let destination = a
        .destination
        .as_deref()
        .map(|c| cli_country(c, "--destination"))
        .transpose()?;
    let mut res = core::Residency::new(policy, geoip, origin, destination)?;
    if let Some(fps) = &a.baseline {
        let parsed = fps
            .iter()
            .map(|f| {
                parse_fingerprint(f).ok_or_else(|| {
                    core::Error::config("--baseline", format!("'{f}' is not a fingerprint"))
                })
            })
            .collect::<Result<Vec<u64>, _>>()?;
        res.baseline = Some(Baseline::new(parsed));
    }
    Ok(res)
}

struct Prepared {
    det: Detectors,
    opts: ScanOptions,
    inputs: Vec<Input>,
    cancel: Arc<AtomicBool>,
}

fn prepare(paths: Vec<std::path::PathBuf>, a: ScanArgs) -> PyResult<Prepared> {
    let det = load_detectors(&a.rule_files, a.builtin_rules).map_err(to_py)?;
    let residency = Arc::new(load_residency(&a).map_err(to_py)?);
    let mut opts = ScanOptions {
        residency,
        threads: a.threads,
        include: a.include,
        exclude: a.exclude,
        show_values: a.show_values,
        ..Default::default()
    };
    if let Some(f) = a.input_format {
        opts.input_format = Some(
            f.parse::<Format>()
                .map_err(|e| ConfigError::new_err(format!("--input-format: {e}")))?,
        );
    }
    if let Some(m) = a.max_line {
        if m == 0 {
            return Err(PyValueError::new_err("max_line must be positive"));
        }
        opts.max_line = m;
    }
    if let Some(r) = a.max_expansion {
        opts.max_expansion = r;
    }
    if let Some(s) = a.split_size {
        opts.split_size = s;
    }
    if let Some(d) = a.dest_fields {
        opts.dest_fields = d;
    }
    if let Some(o) = a.origin_fields {
        opts.origin_fields = o;
    }
    if let Some(p) = &a.progress {
        opts.progress = Some(p.get().inner.clone());
    }
    if let Some(dir) = &a.journal {
        let key = a.journal_key.as_deref().unwrap_or_default();
        opts.journal = Some(Arc::new(core::Journal::open(dir, key).map_err(to_py)?));
    }
    let cancel = Arc::new(AtomicBool::new(false));
    opts.cancel = Some(cancel.clone());
    let inputs = paths
        .into_iter()
        // Paths, not strings: a file name that is not UTF-8 arrives from
        // Python with surrogate escapes and must reach the OS unchanged.
        .map(|p| {
            if p.as_os_str() == "-" {
                Input::Stdin
            } else {
                Input::Path(p)
            }
        })
        .collect();
    Ok(Prepared {
        det,
        opts,
        inputs,
        cancel,
    })
}

fn json<T: serde::Serialize>(v: &T) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| BorderscanError::new_err(e.to_string()))
}

fn summary_json(s: &Summary, res: &core::Residency) -> serde_json::Value {
    let baseline = res.baseline.as_ref().map(|b| {
        let absent: Vec<String> = b.absent().iter().map(|f| format!("{f:016x}")).collect();
        serde_json::json!({"matched": b.matched(), "absent": absent})
    });
    serde_json::json!({
        "categories": s.categories(),
        "detectors": s.detectors(),
        "residency": s.residency(),
        "baseline": baseline,
        "policy": {"name": res.policy.name, "version": res.policy.version, "place": res.policy.place},
    })
}

/// Scan inputs into memory. Returns (findings table, accounting JSON,
/// summary JSON, rule-pack ids).
#[pyfunction]
fn scan(
    py: Python<'_>,
    paths: Vec<std::path::PathBuf>,
    options: ScanArgs,
) -> PyResult<(ArrowTable, String, String, Vec<String>)> {
    let Prepared {
        det,
        opts,
        inputs,
        cancel,
    } = prepare(paths, options)?;
    let (batches, accounting, summary) = detached(py, &cancel, || {
        // Each worker counts its own batches; this thread only merges.
        let map = |b: RecordBatch| {
            let mut s = Summary::default();
            s.add(&b);
            (b, s)
        };
        let mut batches = Vec::new();
        let mut summary = Summary::default();
        let (_, accounting) =
            core::scan_stream_mapped(&inputs, &det, &opts, &map, |(b, s), base| {
                batches.push(core::shift_lines(b, base));
                summary.merge(s);
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
        json(&summary_json(&summary, &opts.residency))?,
        det.packs.clone(),
    ))
}

/// Start a scan whose findings arrive batch by batch (`ScanStream`).
#[pyfunction]
fn scan_stream(paths: Vec<std::path::PathBuf>, options: ScanArgs) -> PyResult<ScanStream> {
    let Prepared {
        det,
        opts,
        inputs,
        cancel,
    } = prepare(paths, options)?;
    let (tx, rx) = mpsc::sync_channel(2);
    let packs = det.packs.clone();
    std::thread::Builder::new()
        .name("borderscan-scan".into())
        .spawn(move || {
            let mut summary = Summary::default();
            let res = core::scan_stream(&inputs, &det, &opts, |b| {
                summary.add(&b);
                // The Python side went away: stop scanning.
                tx.send(StreamMsg::Batch(b))
                    .map_err(|_| core::Error::Cancelled)
            });
            let end = res.map(|(_, acc)| (acc, summary_json(&summary, &opts.residency)));
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
/// findings, summary, detectors, accounting), `jsonl` (a finding per line)
/// or `none` (summaries only), to `out` or stdout, batch by batch: memory
/// stays bounded and no Python object is made per finding. Returns
/// (accounting JSON, summary JSON, rule-pack ids).
#[pyfunction]
#[pyo3(signature = (paths, options, format, out, tool_json))]
fn scan_write(
    py: Python<'_>,
    paths: Vec<std::path::PathBuf>,
    options: ScanArgs,
    format: &str,
    out: Option<String>,
    tool_json: String,
) -> PyResult<(String, String, Vec<String>)> {
    if !matches!(format, "json" | "jsonl" | "none") {
        return Err(PyValueError::new_err(format!(
            "unknown output format {format}"
        )));
    }
    let Prepared {
        det,
        opts,
        inputs,
        cancel,
    } = prepare(paths, options)?;
    let format = format.to_string();
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
            let sink: Box<dyn Write> = match &out {
                Some(p) => Box::new(File::create(p).map_err(io_err)?),
                None => Box::new(std::io::stdout()),
            };
            let mut w = BufWriter::with_capacity(1 << 20, sink);
            if format == "json" {
                write!(w, "{{\"tool\":{tool_json},\"findings\":[").map_err(io_err)?;
            }
            let mut summary = Summary::default();
            let mut first = true;
            // Workers count and render their batches in parallel; this
            // thread only merges counts and copies bytes, in input order.
            let style: Option<(&[u8], &[u8])> = match format.as_str() {
                "json" => Some((b"", b",")),
                "jsonl" => Some((b"\n", b"")),
                _ => None,
            };
            let map = |b| Rendered::of(b, style);
            let (_, acc) = core::scan_stream_mapped(&inputs, &det, &opts, &map, |r, base| {
                summary.merge(r.summary);
                match r.json {
                    Some(j) => j.write(&mut w, base, &mut first).map_err(io_err),
                    None => Ok(()),
                }
            })?;
            if format == "json" {
                let s = summary_json(&summary, &opts.residency);
                writeln!(
                    w,
                    "],\"summary\":{},\"detectors\":{},\"residency\":{},\"policy\":{},\"baseline\":{},\"accounting\":{}}}",
                    s["categories"],
                    s["detectors"],
                    s["residency"],
                    s["policy"],
                    s["baseline"],
                    serde_json::to_string(&acc).expect("serialisable"),
                )
                .map_err(io_err)?;
            }
            w.flush().map_err(io_err)?;
            Ok((acc, summary))
        },
    )?;
    let (acc, summary) = result.map_err(to_py)?;
    Ok((
        json(&acc)?,
        json(&summary_json(&summary, &opts.residency))?,
        det.packs.clone(),
    ))
}

/// Findings batches as the engine produces them, for writers that must not
/// hold a whole scan in memory. Iterate for `ArrowTable`s of one batch each;
/// `accounting` is set once the iteration is over.
#[pyclass(frozen, module = "borderscan._core")]
struct ScanStream {
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
struct ProgressCounter {
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

/// A policy (file or preset; the built-in one when neither) checked and
/// compiled, as JSON: rules with their groups expanded, exceptions with
/// `expired` decided against `today` (default: today).
#[pyfunction]
#[pyo3(signature = (policy=None, preset=None, today=None))]
fn policy_json(
    policy: Option<String>,
    preset: Option<String>,
    today: Option<String>,
) -> PyResult<String> {
    let p = load_policy(policy.as_deref(), preset.as_deref(), today.as_deref()).map_err(to_py)?;
    json(&p)
}

/// The shipped presets: (name, TOML text).
#[pyfunction]
fn presets() -> Vec<(String, String)> {
    core::policy::PRESETS
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

/// The built-in jurisdiction groups as JSON: name -> description, source,
/// member country codes.
#[pyfunction]
fn groups_json() -> PyResult<String> {
    let c = core::country::countries();
    let v: serde_json::Map<String, serde_json::Value> = core::country::builtin_groups()
        .iter()
        .map(|(k, g)| {
            let members: Vec<&str> = g.members.iter().map(|id| c.code(id)).collect();
            let v = serde_json::json!({
                "description": g.description, "source": g.source, "members": members,
            });
            (k.clone(), v)
        })
        .collect();
    json(&v)
}

/// The English name of a country code (or the code itself if unknown).
#[pyfunction]
fn country_name(code: &str) -> String {
    let c = core::country::countries();
    c.lookup(code)
        .map_or_else(|| code.to_string(), |id| c.name(id).to_string())
}

/// How a destination resolves under a policy and IP database, step by
/// step, as JSON: {host, country, source, detail, steps: [...]}.
#[pyfunction]
#[pyo3(signature = (destination, policy=None, preset=None, geoip=None))]
fn explain_destination(
    destination: &str,
    policy: Option<String>,
    preset: Option<String>,
    geoip: Option<String>,
) -> PyResult<String> {
    let run = || -> Result<serde_json::Value, core::Error> {
        let p = load_policy(policy.as_deref(), preset.as_deref(), None)?;
        let resolver = core::resolve::Resolver {
            overrides: p.overrides()?,
            geoip: geoip
                .as_deref()
                .map(|g| core::resolve::GeoIp::open(std::path::Path::new(g)))
                .transpose()?,
        };
        let (r, steps) = resolver.explain(destination);
        Ok(serde_json::json!({
            "host": r.host,
            "country": core::country::countries().code(r.country),
            "source": r.source,
            "detail": r.detail,
            "steps": steps,
        }))
    };
    json(&run().map_err(to_py)?)
}

/// Facts about an mmdb file for manifests: path, database type, build time
/// (Unix seconds). Raises ConfigError for a missing or corrupt file.
#[pyfunction]
fn geoip_info(path: &str) -> PyResult<(String, String, u64)> {
    let g = core::resolve::GeoIp::open(std::path::Path::new(path)).map_err(to_py)?;
    Ok((g.path, g.database_type, g.build_epoch))
}

/// An empty findings table: the findings schema (column names and types)
/// for writers that must produce a table when a scan found nothing.
#[pyfunction]
fn empty_findings() -> ArrowTable {
    ArrowTable {
        schema: core::findings_schema(),
        batches: Vec::new(),
    }
}

#[pymodule(gil_used = false)]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", core::VERSION)?;
    m.add("BorderscanError", m.py().get_type::<BorderscanError>())?;
    m.add("ConfigError", m.py().get_type::<ConfigError>())?;
    m.add("ScanCancelled", m.py().get_type::<ScanCancelled>())?;
    // The engine's vocabularies, so that Python never re-declares them:
    // severities from lowest to highest, verdicts in the engine's order.
    let severities: Vec<&str> = core::policy::Severity::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    m.add("SEVERITIES", pyo3::types::PyTuple::new(m.py(), severities)?)?;
    let verdicts: Vec<&str> = core::policy::Verdict::ALL
        .iter()
        .map(|v| v.as_str())
        .collect();
    m.add("VERDICTS", pyo3::types::PyTuple::new(m.py(), verdicts)?)?;
    m.add_class::<ArrowTable>()?;
    m.add_class::<ProgressCounter>()?;
    m.add_class::<ScanStream>()?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_function(wrap_pyfunction!(scan_stream, m)?)?;
    m.add_function(wrap_pyfunction!(scan_write, m)?)?;
    m.add_function(wrap_pyfunction!(rules_json, m)?)?;
    m.add_function(wrap_pyfunction!(check_rules_json, m)?)?;
    m.add_function(wrap_pyfunction!(policy_json, m)?)?;
    m.add_function(wrap_pyfunction!(presets, m)?)?;
    m.add_function(wrap_pyfunction!(groups_json, m)?)?;
    m.add_function(wrap_pyfunction!(country_name, m)?)?;
    m.add_function(wrap_pyfunction!(explain_destination, m)?)?;
    m.add_function(wrap_pyfunction!(geoip_info, m)?)?;
    m.add_function(wrap_pyfunction!(empty_findings, m)?)?;
    Ok(())
}
