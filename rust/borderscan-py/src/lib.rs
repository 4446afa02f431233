//! Thin PyO3 bindings over borderscan-core, one file per concern: error
//! mapping (`errors`), the Arrow hand-over (`arrow`), the scan
//! configuration (`config`), scans (`scan`) and information calls
//! (`info`). No scanning logic lives here.

// glibc's per-thread arenas give memory back and fault it in again, batch
// after batch (4.5x the page faults with two workers than with one, a
// tenth of the CPU time); mimalloc keeps freed pages for reuse.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod arrow;
mod config;
mod errors;
mod info;
mod scan;

use pyo3::prelude::*;

#[pymodule(gil_used = false)]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", borderscan_core::VERSION)?;
    errors::register(m)?;
    info::register(m)?;
    m.add_class::<arrow::ArrowTable>()?;
    m.add_class::<config::PyScanConfig>()?;
    m.add_class::<scan::ProgressCounter>()?;
    m.add_class::<scan::ScanStream>()?;
    m.add_function(wrap_pyfunction!(scan::scan, m)?)?;
    m.add_function(wrap_pyfunction!(scan::scan_stream, m)?)?;
    m.add_function(wrap_pyfunction!(scan::scan_write, m)?)?;
    Ok(())
}
