"""What a scan writes: `--findings` selects the rows of every format and of
the Python API (summaries always count everything), and Parquet is written
by the engine as the scan streams, with the content the findings table has."""

from __future__ import annotations

import json

import polars as pl
import pytest
from borderscan import api

SELECTIONS = {
    "all": {"allowed", "violation", "unknown", "exempted"},
    "review": {"violation", "unknown", "exempted"},
    "violations": {"violation"},
}


@pytest.fixture(scope="module")
def everything(sample_dir):
    """The whole findings table and the summary of sample_data."""
    r = api.scan([sample_dir])
    return r.findings, r.residency


def _verdicts(frame: pl.DataFrame) -> set[str]:
    return set(frame.get_column("verdict").unique().to_list())


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_api_selection_keeps_its_verdicts_and_counts_everything(sample_dir, everything,
                                                                  selection):
    table, residency = everything
    r = api.scan([sample_dir], findings=selection)
    assert _verdicts(r.findings) <= SELECTIONS[selection]
    assert r.findings.height > 0
    # Exactly the rows of the whole table with those verdicts, in the same order.
    assert r.findings.equals(table.filter(pl.col("verdict").is_in(SELECTIONS[selection])))
    # Summaries, flows and verdict counts are those of every finding.
    assert r.residency == residency
    streamed = api.scan_iter([sample_dir], findings=selection)
    frames = list(streamed)
    assert pl.concat(frames).equals(r.findings)
    assert all(f.height > 0 for f in frames)


def test_bad_selection_is_a_config_error(sample_dir, cli):
    with pytest.raises(Exception, match="--findings"):
        api.scan([sample_dir], findings="some")  # type: ignore[typeddict-item]
    r = cli("scan", str(sample_dir), "--findings", "some")
    assert r.returncode == 2
    assert b"--findings" in r.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "parquet"])
@pytest.mark.parametrize("selection", [None, "review", "violations"])
def test_cli_selection_in_each_format(sample_dir, cli, tmp_path, everything, fmt, selection):
    table, residency = everything
    out = tmp_path / f"f.{fmt}"
    args = ["scan", str(sample_dir), "--format", fmt, "--out", str(out), "--no-audit-log"]
    if selection:
        args += ["--findings", selection]
    assert cli(*args).returncode == 0
    if fmt == "parquet":
        rows = pl.read_parquet(out)
    elif fmt == "jsonl":
        rows = pl.DataFrame([json.loads(line) for line in out.read_text().splitlines()])
    else:
        doc = json.loads(out.read_text())
        rows = pl.DataFrame(doc["findings"])
        # The document's summary counts every finding whatever was selected.
        assert doc["residency"]["verdicts"] == residency["verdicts"]
    # Without --findings these formats write everything: the evidence export.
    wanted = SELECTIONS[selection or "all"]
    assert _verdicts(rows) == wanted & _verdicts(table)
    assert rows.height == table.filter(pl.col("verdict").is_in(wanted)).height


def test_parquet_has_the_findings_table(sample_dir, cli, tmp_path, everything):
    """The engine's Parquet holds exactly the findings table (same columns,
    types and rows as `borderscan.scan()`), in row groups."""
    table, _ = everything
    out = tmp_path / "f.parquet"
    assert cli("scan", str(sample_dir), "--format", "parquet", "--out", str(out),
               "--no-audit-log").returncode == 0
    assert pl.read_parquet(out).equals(table)


def test_parquet_bytes_do_not_depend_on_threads_or_splits(tmp_path):
    """A file split into ranges and scanned by several threads gives the
    same Parquet file, byte for byte."""
    log = tmp_path / "big.jsonl"
    with log.open("w") as fh:
        for i in range(30_000):
            url = f"https://s3.us-east-1.amazonaws.com/b{i % 7}"
            fh.write(json.dumps({"site": "SH01", "url": url,
                                 "operator": {"email": f"op{i}@example.cn"},
                                 "temp_c": 20 + i % 9}) + "\n")
    outs = []
    for n, (threads, split) in enumerate([(1, 1 << 40), (2, 1 << 40), (2, 200_000),
                                          (1, 97_000)]):
        out = tmp_path / f"f{n}.parquet"
        api.scan_write([log], "parquet", out, {"name": "borderscan"}, threads=threads,
                       split_size=split, preset="cn-industrial-export", origin="CN")
        outs.append(out.read_bytes())
    table = pl.read_parquet(tmp_path / "f0.parquet")
    assert table.height >= 30_000
    assert table.equals(api.scan([log], preset="cn-industrial-export", origin="CN").findings)
    assert all(o == outs[0] for o in outs[1:])


def test_parquet_with_no_findings_has_the_schema(tmp_path):
    log = tmp_path / "quiet.log"
    log.write_text("nothing to see\n")
    out = tmp_path / "f.parquet"
    api.scan_write([log], "parquet", out, {"name": "borderscan"})
    empty = pl.read_parquet(out)
    assert empty.height == 0
    assert empty.columns == api.scan([log]).findings.columns


@pytest.mark.parametrize("selection", [None, "all", "violations"])
def test_sarif_selection(sample_dir, cli, tmp_path, everything, selection):
    """SARIF writes what needs review by default; `all` adds the allowed
    findings as results of kind `pass`; `violations` only failing results.
    Its counts are the scan's whatever was selected."""
    _, residency = everything
    out = tmp_path / "f.sarif"
    args = ["scan", str(sample_dir), "--format", "sarif", "--out", str(out), "--no-audit-log",
            "--max-results", "25000"]
    if selection:
        args += ["--findings", selection]
    assert cli(*args).returncode == 0
    run = json.loads(out.read_text())["runs"][0]
    kinds = {r["kind"] for r in run["results"]}
    wanted = {None: {"fail", "review"}, "all": {"fail", "review", "pass"},
              "violations": {"fail"}}[selection]
    assert kinds == wanted
    counted = {v: c["hits"] for v, c in residency["verdicts"].items()}
    assert run["properties"]["counts"] == {v: counted.get(v, 0) for v in run["properties"]["counts"]}
    occurrences = sum(r["occurrenceCount"] for r in run["results"])
    assert occurrences == sum(counted[v] for v in SELECTIONS[selection or "review"] if v in counted)
