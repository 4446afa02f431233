//! `ScanConfig` for Python: the engine's one scan configuration, built from
//! keyword arguments named as in [`core::OPTIONS`]. Options are converted
//! here and validated by the engine; defaults live only in the engine.

use std::path::PathBuf;
use std::sync::Arc;

use borderscan_core::{self as core, Format};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::distributed::TaskResults;
use crate::errors::{json, option_error, to_py};

/// Every option of a scan, checked: `ScanConfig(threads=2, preset="eu-gdpr")`.
/// An option left out or given as None takes the engine's default.
#[pyclass(frozen, module = "borderscan._core", name = "ScanConfig")]
pub struct PyScanConfig {
    pub inner: core::ScanConfig,
    /// Workers' results of a distributed scan, merged instead of reading
    /// their files (`with_results`); not an option.
    pub results: Option<Arc<core::Precomputed>>,
}

fn arg<'py, T: pyo3::conversion::FromPyObjectOwned<'py>>(
    name: &str,
    v: &Bound<'py, PyAny>,
) -> PyResult<T> {
    v.extract::<T>().map_err(|e| {
        let e: PyErr = e.into();
        PyTypeError::new_err(format!("{name}: {}", e.value(v.py())))
    })
}

/// A whole-number option: one below `min` or too large is a `ConfigError`
/// naming it, as its other checks are (not an `OverflowError`).
fn count<T: TryFrom<i128>>(name: &'static str, v: &Bound<'_, PyAny>, min: u8) -> PyResult<T> {
    let n: i128 = arg(name, v)?;
    T::try_from(n).map_err(|_| match (n < 0, min) {
        (true, 0) => option_error(name, "must be 0 or more"),
        (true, min) => option_error(name, format!("must be at least {min}")),
        (false, _) => option_error(name, format!("{n} is too large")),
    })
}

/// Set one option on `c`. The one place a Python value becomes an option.
fn set(c: &mut core::ScanConfig, name: &str, v: &Bound<'_, PyAny>) -> PyResult<()> {
    if v.is_none() {
        // None means "the default" for every option, so callers can pass
        // through what their own users left out.
        return Ok(());
    }
    match name {
        "threads" => c.threads = count("threads", v, 0)?,
        "include" => c.include = arg(name, v)?,
        "exclude" => c.exclude = arg(name, v)?,
        "input_format" => {
            let f: String = arg(name, v)?;
            let f = f
                .parse::<Format>()
                .map_err(|e| option_error("input_format", e))?;
            c.input_format = Some(f);
        }
        "csv_delimiter" => {
            let d: String = arg(name, v)?;
            // `tab` and `\t` as well as the character itself: a tab is hard
            // to type on a command line.
            let d = match d.as_str() {
                "tab" | "\\t" => '\t',
                _ if d.chars().count() == 1 => d.chars().next().expect("one char"),
                _ => {
                    return Err(option_error(
                        "csv_delimiter",
                        format!("{d:?} is not one character (`,` `;` `|` or tab)"),
                    ));
                }
            };
            c.csv_delimiter = Some(d);
        }
        "max_line" => c.max_line = count("max_line", v, 1)?,
        "max_otlp_line" => c.max_otlp_line = count("max_otlp_line", v, 1)?,
        "max_expansion" => c.max_expansion = count("max_expansion", v, 0)?,
        "max_archive_depth" => c.max_archive_depth = count("max_archive_depth", v, 0)?,
        "max_archive_members" => c.max_archive_members = count("max_archive_members", v, 1)?,
        "max_archive_bytes" => c.max_archive_bytes = count("max_archive_bytes", v, 1)?,
        "max_archive_buffer" => c.max_archive_buffer = count("max_archive_buffer", v, 1)?,
        "split_size" => c.split_size = count("split_size", v, 0)?,
        "dest_fields" => c.dest_fields = arg(name, v)?,
        "origin_fields" => c.origin_fields = arg(name, v)?,
        "show_values" => c.show_values = arg(name, v)?,
        "min_confidence" => {
            let m: String = arg(name, v)?;
            c.min_confidence = m.parse().map_err(|e| option_error("min_confidence", e))?;
        }
        // Paths, not strings: a file name that is not UTF-8 arrives with
        // surrogate escapes and must reach the OS unchanged.
        "rules" => c.rules = arg::<Vec<PathBuf>>(name, v)?,
        "builtin_rules" => c.builtin_rules = arg(name, v)?,
        "policy" => c.policy = Some(arg(name, v)?),
        "preset" => c.preset = Some(arg(name, v)?),
        "geoip" => c.geoip = Some(arg(name, v)?),
        "destination" => c.destination = Some(arg(name, v)?),
        "origin" => c.origin = Some(arg(name, v)?),
        // A list of fingerprints, or a baseline file's path (read by the
        // engine as a stream: a baseline may hold millions of entries).
        "baseline" => {
            c.baseline = Some(match v.extract::<Vec<String>>() {
                Ok(fps) => core::config::BaselineSource::Fingerprints(fps),
                Err(_) => core::config::BaselineSource::File(arg::<PathBuf>(name, v)?),
            })
        }
        "today" => c.today = Some(arg(name, v)?),
        "journal" => c.journal = Some(arg(name, v)?),
        "records" => c.records = Some(arg::<PathBuf>(name, v)?),
        "endpoint_url" => c.endpoint_url = Some(arg(name, v)?),
        "findings" => {
            let f: String = arg(name, v)?;
            c.findings = f.parse().map_err(|e| option_error("findings", e))?;
        }
        _ => {
            let names: Vec<&str> = core::OPTIONS.iter().map(|o| o.name).collect();
            return Err(PyTypeError::new_err(format!(
                "ScanConfig: unknown option '{name}' (options: {})",
                names.join(", ")
            )));
        }
    }
    Ok(())
}

fn build(base: core::ScanConfig, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyScanConfig> {
    let mut inner = base;
    if let Some(d) = options {
        for (k, v) in d.iter() {
            set(&mut inner, &k.extract::<String>()?, &v)?;
        }
    }
    inner.validate().map_err(to_py)?;
    Ok(PyScanConfig {
        inner,
        results: None,
    })
}

#[pymethods]
impl PyScanConfig {
    #[new]
    #[pyo3(signature = (**options))]
    fn new(options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        build(core::ScanConfig::default(), options)
    }

    /// A copy with some options changed (and checked again).
    #[pyo3(signature = (**changes))]
    fn replace(&self, changes: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut c = build(self.inner.clone(), changes)?;
        c.results.clone_from(&self.results);
        Ok(c)
    }

    /// A copy that merges these workers' results (`borderscan.dask`)
    /// instead of reading the files they scanned.
    fn with_results(&self, results: &TaskResults) -> Self {
        PyScanConfig {
            inner: self.inner.clone(),
            results: Some(results.inner.clone()),
        }
    }

    /// Every option: (name, command-line flag or None), in order.
    #[classattr]
    #[allow(non_snake_case)]
    fn OPTIONS(py: Python<'_>) -> PyResult<Py<PyTuple>> {
        let items: Vec<(&str, Option<&str>)> =
            core::OPTIONS.iter().map(|o| (o.name, o.flag)).collect();
        Ok(PyTuple::new(py, items)?.unbind())
    }

    /// Every option's value (defaults filled in) as JSON.
    fn to_json(&self) -> PyResult<String> {
        json(&self.inner)
    }

    /// The key that ties a journal to this scan of these inputs.
    fn journal_key(&self, paths: Vec<PathBuf>) -> PyResult<String> {
        let inputs: Vec<core::Input> = paths.iter().map(|p| core::config::input_of(p)).collect();
        self.inner.journal_key(&inputs).map_err(to_py)
    }

    fn __repr__(&self) -> PyResult<String> {
        let defaults = serde_json::to_value(core::ScanConfig::default()).expect("serialises");
        let v = serde_json::to_value(&self.inner).expect("serialises");
        let changed: Vec<String> = (v.as_object().expect("an object").iter())
            .filter(|(k, v)| defaults.get(k.as_str()) != Some(v))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        Ok(format!("ScanConfig({})", changed.join(", ")))
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}
