//! Information calls: rules, policies, presets, groups, countries,
//! destinations, GeoIP files, and the engine's vocabularies (severities,
//! verdicts, the findings schema) so Python never re-declares them.

use std::path::{Path, PathBuf};

use borderscan_core as core;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::arrow::ArrowTable;
use crate::errors::{BorderscanError, json, to_py};

fn detectors(rules: Vec<PathBuf>, builtin_rules: bool) -> Result<core::Detectors, core::Error> {
    core::ScanConfig {
        rules,
        builtin_rules,
        ..Default::default()
    }
    .detectors()
}

/// Every rule of the loaded packs, as a JSON list of rule specs.
#[pyfunction]
#[pyo3(signature = (rule_files=vec![], builtin_rules=true))]
fn rules_json(rule_files: Vec<PathBuf>, builtin_rules: bool) -> PyResult<String> {
    let det = detectors(rule_files, builtin_rules).map_err(to_py)?;
    serde_json::to_string(&det.rules).map_err(|e| BorderscanError::new_err(e.to_string()))
}

/// Run every rule's examples; a JSON list of the ones that misbehaved.
#[pyfunction]
#[pyo3(signature = (rule_files=vec![], builtin_rules=true))]
fn check_rules_json(
    py: Python<'_>,
    rule_files: Vec<PathBuf>,
    builtin_rules: bool,
) -> PyResult<String> {
    let det = detectors(rule_files, builtin_rules).map_err(to_py)?;
    let failures = py.detach(|| core::check_rules(&det));
    serde_json::to_string(&failures).map_err(|e| BorderscanError::new_err(e.to_string()))
}

/// The placement vocabulary's examples (`rules/placement.toml`): how many
/// there are and the ones that misbehave, as JSON.
#[pyfunction]
fn check_placement_json() -> PyResult<String> {
    let v = core::resolve::Vocabulary::builtin();
    let failures: Vec<serde_json::Value> = v
        .check()
        .into_iter()
        .map(|(section, example, expected)| {
            serde_json::json!({"section": section, "example": example, "expected": expected})
        })
        .collect();
    json(&serde_json::json!({"examples": v.examples(), "failures": failures}))
}

/// A destination as findings show it: credentials, value-like path
/// segments and query values masked.
#[pyfunction]
fn redact_destination(destination: &str) -> String {
    core::resolve::redact_destination(destination).unwrap_or_else(|| destination.to_string())
}

/// The destination and origin candidates of one record line (and which
/// were taken), as JSON: for `borderscan explain FILE:LINE`.
#[pyfunction]
#[pyo3(signature = (line, name, header=None, dest_fields=None, origin_fields=None, rule_files=vec![], show_values=false))]
fn explain_placement(
    line: &[u8],
    name: &str,
    header: Option<&[u8]>,
    dest_fields: Option<Vec<String>>,
    origin_fields: Option<Vec<String>>,
    rule_files: Vec<PathBuf>,
    show_values: bool,
) -> PyResult<String> {
    let det = detectors(rule_files, true).map_err(to_py)?;
    let d = core::ScanConfig::default();
    let c = core::resolve::explain_placement(
        &det,
        line,
        name,
        header,
        dest_fields.as_deref().unwrap_or(&d.dest_fields),
        origin_fields.as_deref().unwrap_or(&d.origin_fields),
        show_values,
    );
    json(&c)
}

/// A policy (file or preset; the built-in one when neither) checked and
/// compiled, as JSON: rules with their groups expanded, exceptions with
/// `expired` decided against `today` (default: today). Given `rule_files`
/// (a list, even empty), a policy file's categories and detectors are
/// checked against the built-in rule pack and those packs, as a scan with
/// them does; None leaves names unchecked. Every problem of the file is in
/// the `ConfigError`, one per line.
#[pyfunction]
#[pyo3(signature = (policy=None, preset=None, today=None, rule_files=None))]
fn policy_json(
    policy: Option<PathBuf>,
    preset: Option<String>,
    today: Option<String>,
    rule_files: Option<Vec<PathBuf>>,
) -> PyResult<String> {
    let today = today.unwrap_or_else(core::policy::today_utc);
    let names = rule_files
        .map(|f| detectors(f, true).map(|d| core::policy::Names::of_rules(&d.rules)))
        .transpose()
        .map_err(to_py)?;
    let p = core::config::load_policy(policy.as_deref(), preset.as_deref(), &today, names.as_ref())
        .map_err(to_py)?;
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
    policy: Option<PathBuf>,
    preset: Option<String>,
    geoip: Option<PathBuf>,
) -> PyResult<String> {
    let run = || -> Result<serde_json::Value, core::Error> {
        let today = core::policy::today_utc();
        let p = core::config::load_policy(policy.as_deref(), preset.as_deref(), &today, None)?;
        let resolver = core::resolve::Resolver {
            overrides: p.overrides()?,
            geoip: geoip
                .as_deref()
                .map(core::resolve::GeoIp::open)
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
    let g = core::resolve::GeoIp::open(Path::new(path)).map_err(to_py)?;
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

/// The entries of a baseline file with the given fingerprints, in file
/// order, at most `limit`, as a JSON list; the file is read as a stream.
/// Raises ConfigError naming every problem of the file.
#[pyfunction]
fn baseline_entries(path: PathBuf, fingerprints: Vec<String>, limit: usize) -> PyResult<String> {
    let wanted = (fingerprints.iter())
        .filter_map(|f| core::residency::parse_fingerprint(f))
        .collect();
    json(&core::baseline::entries(&path, &wanted, limit).map_err(to_py)?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The engine's vocabularies: severities from lowest to highest,
    // verdicts in the engine's order.
    let severities: Vec<&str> = (core::policy::Severity::ALL.iter())
        .map(|s| s.as_str())
        .collect();
    m.add("SEVERITIES", PyTuple::new(m.py(), severities)?)?;
    let verdicts: Vec<&str> = (core::policy::Verdict::ALL.iter())
        .map(|v| v.as_str())
        .collect();
    m.add("VERDICTS", PyTuple::new(m.py(), verdicts)?)?;
    let confidences: Vec<&str> = (core::rules::Confidence::ALL.iter())
        .map(|c| c.as_str())
        .collect();
    m.add("CONFIDENCES", PyTuple::new(m.py(), confidences)?)?;
    // The record formats `--input-format` names (the CLI's choices).
    let formats: Vec<&str> = (core::formats::Format::ALL.iter())
        .map(|f| f.as_str())
        .collect();
    m.add("INPUT_FORMATS", PyTuple::new(m.py(), formats)?)?;
    m.add_function(wrap_pyfunction!(rules_json, m)?)?;
    m.add_function(wrap_pyfunction!(check_rules_json, m)?)?;
    m.add_function(wrap_pyfunction!(check_placement_json, m)?)?;
    m.add_function(wrap_pyfunction!(explain_placement, m)?)?;
    m.add_function(wrap_pyfunction!(redact_destination, m)?)?;
    m.add_function(wrap_pyfunction!(policy_json, m)?)?;
    m.add_function(wrap_pyfunction!(presets, m)?)?;
    m.add_function(wrap_pyfunction!(groups_json, m)?)?;
    m.add_function(wrap_pyfunction!(country_name, m)?)?;
    m.add_function(wrap_pyfunction!(explain_destination, m)?)?;
    m.add_function(wrap_pyfunction!(geoip_info, m)?)?;
    m.add_function(wrap_pyfunction!(empty_findings, m)?)?;
    m.add_function(wrap_pyfunction!(baseline_entries, m)?)?;
    Ok(())
}
