//! Thin PyO3 bindings over borderscan-core, one file per concern: error
//! mapping (`errors`), the Arrow hand-over (`arrow`), the scan
//! configuration (`config`), scans (`scan`), scans spread over machines
//! (`distributed`), redacted copies (`redact`) and information calls
//! (`info`). No scanning logic lives here.

// glibc's per-thread arenas give memory back and fault it in again, batch
// after batch (4.5x the page faults with two workers than with one, a
// tenth of the CPU time); mimalloc keeps freed pages for reuse.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay`, the 16th of `mi_option_e` in mimalloc.h (v2 and
/// v3 alike); libmimalloc-sys names no constant for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc v3 holds freed pages for a second before giving them back
/// (`purge_delay` 1000 ms), long enough to hold every batch of a scan: on
/// 200 MiB under cn-industrial-export that kept peak RSS at 334 MB for
/// Parquet and 265 MB with no output; purging at once gave 276 and 214 MB
/// for 0-3 % more CPU time (`benches/outputs.py`). A user who sets
/// MIMALLOC_PURGE_DELAY keeps their value.
fn purge_freed_memory_promptly() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none()
        && std::env::var_os("MIMALLOC_RESET_DELAY").is_none()
    {
        // SAFETY: sets one option's value; mimalloc reads it when it
        // next purges, from any thread.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
    }
}

mod arrow;
mod config;
mod distributed;
mod errors;
mod info;
mod redact;
mod scan;

use pyo3::prelude::*;

#[pymodule(gil_used = false)]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    purge_freed_memory_promptly();
    m.add("__version__", borderscan_core::VERSION)?;
    errors::register(m)?;
    info::register(m)?;
    redact::register(m)?;
    m.add_class::<arrow::ArrowTable>()?;
    m.add_class::<config::PyScanConfig>()?;
    m.add_class::<scan::ProgressCounter>()?;
    m.add_class::<scan::ScanStream>()?;
    m.add_class::<distributed::TaskResults>()?;
    m.add_function(wrap_pyfunction!(scan::scan, m)?)?;
    m.add_function(wrap_pyfunction!(scan::scan_stream, m)?)?;
    m.add_function(wrap_pyfunction!(scan::scan_write, m)?)?;
    m.add_function(wrap_pyfunction!(distributed::plan_distributed, m)?)?;
    m.add_function(wrap_pyfunction!(distributed::scan_tasks, m)?)?;
    Ok(())
}
