"""Property tests through the Python API (Hypothesis, derandomized):

- a scan with any thread count, split into ranges of any size, equals the
  whole scan on one thread (findings table, summaries, accounting);
- the accounting adds up for every file;
- no masked evidence contains the value it masks;
- flows and violations do not depend on the order of records.

Few examples each (CI time): every example scans a few files several times.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import borderscan
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values the built-in detectors find, sites and destinations the policy knows.
SECRETS = [
    "li.wei@example.cn",
    "k.tanaka@plant-osaka.example.jp",
    "11010519491231002X",
    "AKIAZ7XQ3M5N2P4R6T2V",
    "192.168.1.20",
    "GB82WEST12345698765432",
    "LTAI5tFAKE8kQm2ZpX9wR",
]
SITES = ["CN-SZ-02", "DE-MUC-01", "JP-OSA-03", "VN-HCM-01"]
ENDPOINTS = [
    "https://oss-cn-hangzhou.aliyuncs.com/b",
    "https://s3.eu-central-1.amazonaws.com/c",
    "https://collector.example.de/in",
    "https://api.vendor.example.jp/up",
]
PRESET = "cn-industrial-export"
TODAY = "2026-12-01"

secret = st.sampled_from(SECRETS)
site = st.sampled_from(SITES)
endpoint = st.sampled_from(ENDPOINTS)

json_record = st.builds(
    lambda s, x, d, t, n: (
        f'{{"ts":"2026-11-02T10:{n % 60:02d}:00Z","site":"{x}","user":"{s}",'
        f'"endpoint":"{d}","type":"{t}","n":{n}}}'
    ),
    secret, site, endpoint, st.sampled_from(["telemetry", "calibration", "alarm", "log"]),
    st.integers(0, 10_000),
)
# Secrets inside fields whose values are shown (calibration and sensor key
# rules do not mask): what masking rules found must stay masked there too.
nested_record = st.builds(
    lambda s, s2, x, d: (
        f'{{"site":"{x}","calib":{{"operator":"{s}","board":"charuco"}},'
        f'"sensor":{{"note":"by {s2}"}},"endpoint":"{d}"}}'
    ),
    secret, secret, site, endpoint,
)
logfmt_record = st.builds(
    lambda s, x, d, n: f'ts=2026-11-02T10:00:00Z site={x} user={s} dst={d} msg="upload {n}"',
    secret, site, endpoint, st.integers(0, 10_000),
)
text_record = st.builds(
    lambda s, x, d, pad: f"operator {s} at {x} uploaded to {d} " + "x" * pad,
    secret, site, endpoint, st.integers(0, 300),
)
odd_line = st.sampled_from(["", "   ", '{"broken": ', "plain words only", "a,b,c"])
line = st.one_of(json_record, nested_record, logfmt_record, text_record, odd_line)


@st.composite
def log_file(draw):
    """(name, bytes) of a log: JSON lines, logfmt, CSV with a header, text
    or a mix; LF or CRLF; lines around max_line long."""
    kind = draw(st.sampled_from(["jsonl", "logfmt", "csv", "log"]))
    if kind == "csv":
        extra = draw(st.integers(0, 30))
        header = "ts,site,user,endpoint" + "".join(f",extra_column_{i}" for i in range(extra))
        rows = draw(st.lists(
            st.builds(lambda x, s, d: f"2026-11-02,{x},{s},{d}" + ",0" * extra,
                      site, secret, endpoint) | odd_line,
            min_size=1, max_size=120))
        lines = [header, *rows]
    else:
        rec = {
            "jsonl": json_record | nested_record,
            "logfmt": logfmt_record,
            "log": text_record,
        }[kind]
        lines = draw(st.lists(st.one_of(rec, line), min_size=1, max_size=120))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    final = draw(st.booleans())
    text = eol.join(lines) + (eol if final else "")
    return kind, text.encode()


def write(tmp: Path, files: list[tuple[str, bytes]], compress: bool = False) -> list[Path]:
    paths = []
    for i, (kind, data) in enumerate(files):
        p = tmp / f"f{i}.{kind}"
        if compress:
            p = p.with_name(p.name + ".gz")
            data = gzip.compress(data, compresslevel=1)
        p.write_bytes(data)
        paths.append(p)
    return paths


def comparable(accounting: dict) -> dict:
    """The accounting without the ranges count (split scans differ there by
    design)."""
    a = dict(accounting)
    a["per_file"] = [{k: v for k, v in f.items() if k != "ranges"} for f in a["per_file"]]
    return a


def assert_balanced(accounting: dict) -> None:
    for f in accounting["per_file"]:
        assert f["bytes"] == f["bytes_read"] + f["bytes_skipped"], f
        assert f["records"] == f["parsed"] + f["unparseable"], f
        assert (f["lines"] + f["extra_records"]
                == f["records"] + f["blank_lines"] + f["header_lines"]), f
    assert accounting["failed_files"] == 0, accounting["failures"]


def sort_frame(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort(df.columns)


@SETTINGS
@given(
    files=st.lists(log_file(), min_size=1, max_size=3),
    max_line=st.integers(24, 400),
    threads=st.integers(1, 4),
    split_size=st.integers(0, 12_000),
    compress=st.booleans(),
)
def test_any_threads_and_ranges_equal_the_whole_scan(
    files, max_line, threads, split_size, compress
):
    with tempfile.TemporaryDirectory() as d:
        paths = write(Path(d), files, compress)
        opts = {"max_line": max_line, "preset": PRESET, "today": TODAY}
        whole = borderscan.scan(paths, threads=1, split_size=1 << 40, **opts)
        other = borderscan.scan(paths, threads=threads, split_size=split_size, **opts)
    assert_balanced(whole.accounting)
    assert_balanced(other.accounting)
    assert other.findings.equals(whole.findings)
    assert other.summary.equals(whole.summary)
    assert other.flows.equals(whole.flows)
    assert other.violations.equals(whole.violations)
    assert comparable(other.accounting) == comparable(whole.accounting)
    for f, (_, data) in zip(whole.accounting["per_file"], files, strict=True):
        assert f["decompressed_bytes"] == len(data)


@SETTINGS
@given(file=log_file(), max_line=st.just(1 << 20) | st.integers(40, 400))
def test_evidence_never_holds_the_value_it_masks(file, max_line):
    masks = {r["id"]: r["mask"] for r in borderscan.rules()}
    with tempfile.TemporaryDirectory() as d:
        paths = write(Path(d), [file])
        masked = borderscan.scan(paths, max_line=max_line).findings
        shown = borderscan.scan(paths, max_line=max_line, show_values=True).findings
    assert masked.height == shown.height
    # What masking rules found, per line: no evidence of that line, of any
    # rule (calibration values are shown as is), may show it.
    found: dict[int, list[str]] = {}
    for s in shown.iter_rows(named=True):
        if masks[s["detector"]] != "none" and not ({"*", "…"} & set(s["evidence"])):
            found.setdefault(s["line"], []).append(s["evidence"])
    for m in masked.iter_rows(named=True):
        for raw in found.get(m["line"], []):
            assert raw not in m["evidence"], (m["detector"], raw, m["evidence"])
    rows = zip(masked.iter_rows(named=True), shown.iter_rows(named=True), strict=True)
    for m, s in rows:
        assert m["detector"] == s["detector"]
        if masks[m["detector"]] == "none":
            continue
        raw = s["evidence"]
        assert "*" in raw or raw not in m["evidence"], (m["detector"], raw, m["evidence"])
        assert not any(x in m["evidence"] for x in SECRETS), m


@SETTINGS
@given(
    data=st.data(),
    records=st.lists(json_record | nested_record | logfmt_record, min_size=2, max_size=60),
)
def test_flows_and_violations_do_not_depend_on_record_order(data, records):
    shuffled = data.draw(st.permutations(records))

    def scan(p: Path, lines: list[str]) -> borderscan.ScanResult:
        # The same path for both (fingerprints hash it).
        p.write_text("\n".join(lines) + "\n")
        # The format pinned: detection from the first lines may
        # legitimately differ once they are shuffled.
        return borderscan.scan([p], preset=PRESET, today=TODAY, input_format="jsonl")

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "site.log"
        a, b = scan(p, records), scan(p, shuffled)
    assert sort_frame(a.flows).equals(sort_frame(b.flows))
    assert sort_frame(a.violations).equals(sort_frame(b.violations))
    assert sort_frame(a.summary).equals(sort_frame(b.summary))
    assert a.residency["verdicts"] == b.residency["verdicts"]
    where = ["line", "column", "byte_offset"]
    assert sort_frame(a.findings.drop(where)).equals(sort_frame(b.findings.drop(where)))


def test_generated_logs_have_violations_and_cut_lines():
    """The strategies above reach what the properties are about."""
    lines = [f'{{"site":"CN-SZ-02","user":"{s}","endpoint":"{ENDPOINTS[2]}"}}' for s in SECRETS]
    lines.append("operator li.wei@example.cn " + "x" * 500)
    with tempfile.TemporaryDirectory() as d:
        paths = write(Path(d), [("jsonl", ("\r\n".join(lines) + "\r\n").encode())])
        res = borderscan.scan(paths, max_line=200, preset=PRESET, today=TODAY)
    assert res.violations.height > 0
    assert res.accounting["truncated_lines"] == 1
    assert "violation" in res.findings["verdict"].to_list()
