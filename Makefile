# The two commands of the README:
#   make scan   builds and installs borderscan (only what scanning needs),
#               scans sample_data/ with the built-in rules, prints a summary
#               and writes findings.json
#   make test   builds and installs borderscan with its test tools, then runs
#               every Rust and Python test
PY ?= python3
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: install install-scan scan test lint bench

# With the test tools (pytest, Playwright, mypy, ruff...).
install:
	$(PY) -m pip install -q -e ".[test]"

# Only what a scan needs.
install-scan:
	$(PY) -m pip install -q -e .

scan: install-scan
	$(PY) -m borderscan scan sample_data/ --format json --out findings.json

test: install
	cargo test --workspace --quiet
	$(PY) -m pytest -q

lint: install
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	$(PY) -m ruff check python tests benches sample_data
	$(PY) -m mypy
	$(PY) -m mypy.stubtest borderscan._core --allowlist python/stubtest-allowlist.txt

bench: install
	$(PY) benches/bench_scan.py
