"""What a scan writes: `--findings` selects the rows of every format and of
the Python API (summaries always count everything), and Parquet is written
by the engine as the scan streams, with the content the findings table has."""

from __future__ import annotations

import json

import borderscan
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
    # The API names its parameter, the command line its flag.
    with pytest.raises(borderscan.ConfigError, match=r"^findings: "):
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
    props = run["properties"]["counts"]
    assert props == {v: counted.get(v, 0) for v in props}
    occurrences = sum(r["occurrenceCount"] for r in run["results"])
    assert occurrences == sum(counted[v] for v in SELECTIONS[selection or "review"] if v in counted)


def _records(path) -> pl.DataFrame:
    return pl.read_parquet(path)


def test_records_file_has_one_row_per_record(sample_dir, tmp_path, everything):
    """One row per record the accounting counts; its findings, detectors,
    categories and worst verdict agree with the findings table."""
    table, residency = everything
    rec = tmp_path / "records.parquet"
    r = api.scan([sample_dir], records=rec)
    records = _records(rec)
    assert records.height == r.accounting["records"]
    assert records.select("path", "byte_offset").is_unique().all()
    assert int(records["findings"].sum()) == table.height
    per_record = (
        table.group_by("path", "byte_offset", maintain_order=True)
        .agg(pl.len().alias("n"),
             pl.col("detector").unique().sort().alias("detectors"),
             pl.col("category").unique().sort().alias("categories"))
    )
    joined = per_record.join(records, on=["path", "byte_offset"], how="left",
                             suffix="_rec")
    assert joined["findings"].to_list() == joined["n"].to_list()
    assert joined["detectors"].to_list() == joined["detectors_rec"].to_list()
    assert joined["categories"].to_list() == joined["categories_rec"].to_list()
    # Records without findings have empty lists and no verdict.
    quiet = records.filter(pl.col("findings") == 0)
    assert quiet["verdict"].null_count() == quiet.height
    assert quiet["detectors"].list.len().sum() == 0
    # A record's verdict is the worst of its findings', so the records with a
    # violation are those the summary counts.
    worst = records.group_by("verdict").len()
    violating = worst.filter(pl.col("verdict") == "violation")["len"].item()
    assert violating == residency["verdicts"]["violation"]["records"]
    # Where the record goes is where its findings go.
    dests = table.select("path", "byte_offset", "dest_country", "origin_country").unique()
    both = dests.join(records, on=["path", "byte_offset"], suffix="_rec")
    assert (both["dest_country"] == both["dest_country_rec"]).all()
    assert (both["origin_country"] == both["origin_country_rec"]).all()
    # The records by destination and origin are the summary's records table.
    flows = (records.group_by("origin_country", "dest_country").len()
             .sort("origin_country", "dest_country"))
    summary = sorted((f["origin_country"], f["dest_country"], f["records"])
                     for f in residency["records"])
    assert [tuple(row) for row in flows.iter_rows()] == summary


def test_records_file_does_not_depend_on_threads_splits_or_compression(tmp_path):
    import gzip

    lines = []
    for i in range(12_000):
        row = {"site": "SH01", "msg": "ok", "temp_c": 20 + i % 9}
        if i % 5 == 0:
            row["operator"] = {"email": f"op{i}@example.cn"}
            row["url"] = "https://s3.eu-central-1.amazonaws.com/b"
        lines.append(json.dumps(row))
    plain = tmp_path / "t.jsonl"
    plain.write_text("\n".join(lines) + "\n")
    packed = tmp_path / "gz" / "t.jsonl.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    outs = []
    for n, (src, threads, split) in enumerate([(plain, 1, 1 << 40), (plain, 2, 150_000),
                                               (packed, 2, 1 << 40), (packed, 1, 1 << 40)]):
        out = tmp_path / f"r{n}.parquet"
        api.scan([src], records=out, threads=threads, split_size=split,
                 preset="cn-industrial-export", origin="CN")
        outs.append(_records(out).drop("path"))
        if src is plain:
            assert outs[-1].height == 12_000
    assert all(o.equals(outs[0]) for o in outs[1:])
    assert (tmp_path / "r0.parquet").read_bytes() == (tmp_path / "r1.parquet").read_bytes()
    assert outs[0]["line"].to_list() == list(range(1, 12_001))


def test_records_file_errors(sample_dir, tmp_path, cli):
    r = cli("scan", str(sample_dir), "--records", str(tmp_path / "r.parquet"),
            "--journal", str(tmp_path / "j"))
    assert r.returncode == 2
    assert b"--records" in r.stderr
    # Missing directories are made (tests/test_first_hour.py); under a
    # regular file they cannot be.
    (tmp_path / "no").write_text("a file")
    missing = tmp_path / "no" / "such" / "r.parquet"
    r = cli("scan", str(sample_dir), "--records", str(missing), "--no-audit-log")
    assert r.returncode == 2, r.stderr
    assert b"cannot write" in r.stderr and str(missing).encode() in r.stderr
    assert b"Traceback" not in r.stderr
    r = cli("scan", str(sample_dir), "--format", "json", "--out", str(missing), "--no-audit-log")
    assert r.returncode == 2 and b"Traceback" not in r.stderr, r.stderr


def test_a_stopped_scan_leaves_no_records_file(tmp_path):
    """The records file appears whole once the scan is over, or not at all."""
    import borderscan

    log = tmp_path / "t.jsonl"
    log.write_text("".join(json.dumps({"email": f"a{i}@example.de"}) + "\n"
                           for i in range(50_000)))
    out = tmp_path / "r.parquet"
    stream = api.scan_iter([log], records=out)
    next(iter(stream))
    stream.cancel()
    with pytest.raises(borderscan.ScanCancelled):
        list(stream)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.jsonl"]


def _profile_by_polars(table: pl.DataFrame) -> pl.DataFrame:
    """The profile as a Polars group_by of the findings table computes it."""
    keyed = table.with_columns(
        pl.col("path").str.replace_all(r"[0-9]+", "*").alias("pattern"),
        pl.col("field").fill_null("(text)"),
    )
    per_record = keyed.select("pattern", "field", "path", "byte_offset").unique()
    records = per_record.group_by("pattern", "field").len("records")
    verdicts = keyed.pivot(on="verdict", index=["pattern", "field"], values="verdict",
                           aggregate_function="len")
    return (
        keyed.group_by("pattern", "field")
        .agg(pl.len().alias("hits"),
             pl.col("detector").unique().sort().alias("detectors"),
             pl.col("category").unique().sort().alias("categories"),
             pl.col("dest_country").unique().sort().alias("destinations"),
             pl.col("evidence").first().alias("example"))
        .join(records, on=["pattern", "field"])
        .join(verdicts, on=["pattern", "field"])
        .sort("pattern", "field")
    )


def test_profile_agrees_with_a_polars_group_by(sample_dir, everything):
    table, _ = everything
    r = api.scan([sample_dir])
    expected = _profile_by_polars(table)
    got = r.profile.sort("pattern", "field")
    assert got.height == expected.height > 10
    assert got["records"].cast(pl.UInt32).to_list() == expected["records"].to_list()
    assert got["hits"].cast(pl.UInt32).to_list() == expected["hits"].to_list()
    for col in ("detectors", "categories", "destinations"):
        assert got[col].list.sort().to_list() == expected[col].to_list(), col
    assert got["example"].to_list() == expected["example"].to_list()
    for verdict in ("violation", "unknown", "allowed"):
        want = expected[verdict].fill_null(0).to_list()
        assert got[verdict].cast(pl.UInt32).to_list() == want, verdict
    # Lists are most findings first: the first destination has the most.
    row = r.profile.row(0, named=True)
    one = table.with_columns(pl.col("path").str.replace_all(r"[0-9]+", "*").alias("p")).filter(
        (pl.col("p") == row["pattern"]) & (pl.col("field").fill_null("(text)") == row["field"]))
    top = one.group_by("dest_country").len().sort("len", "dest_country",
                                                  descending=[True, False])
    assert row["destinations"][0] == top["dest_country"][0]


def test_profile_is_in_the_json_document_and_the_stream(sample_dir, tmp_path, cli):
    out = tmp_path / "f.json"
    assert cli("scan", str(sample_dir), "--format", "json", "--out", str(out),
               "--no-audit-log", "--threads", "1").returncode == 0
    doc = json.loads(out.read_text())
    stream = api.scan_iter([sample_dir], threads=2, split_size=4096)
    for _ in stream:
        pass
    assert stream.profile is not None
    assert stream.profile.equals(api.scan([sample_dir]).profile)
    first = doc["profile"][0]
    assert set(first) == {"pattern", "field", "records", "hits", "categories", "detectors",
                          "destinations", "verdicts", "example"}
    assert sum(p["hits"] for p in doc["profile"]) == len(doc["findings"])
    # Counts behind the lists.
    assert sum(first["destinations"].values()) == first["hits"]
    assert sum(first["verdicts"].values()) == first["hits"]


def test_profile_is_bounded(tmp_path):
    """A field per device id cannot grow the profile without bound: past
    5,000 (pattern, field) pairs, findings go to `(other fields)`; every
    finding is still counted."""
    log = tmp_path / "t.jsonl"
    log.write_text("".join(json.dumps({f"dev{i}": {"email": f"a{i}@example.de"}}) + "\n"
                           for i in range(5_200)))
    r = api.scan([log])
    assert r.profile.height == 5_001
    other = r.profile.filter(pl.col("field") == "(other fields)")
    assert other["hits"].item() == 200 and other["records"].item() == 200
    assert int(r.profile["hits"].sum()) == r.findings.height
    # The first pairs seen are the ones kept, whatever the batching.
    split = api.scan([log], threads=2, split_size=20_000)
    assert split.profile.equals(r.profile)


def test_profile_in_the_html_report_and_the_stored_scan(tmp_path, cli):
    """The report shows which feed sends which field where, masked."""
    feed = tmp_path / "feeds" / "line07-2026-11-01.jsonl"
    feed.parent.mkdir()
    feed.write_text("".join(
        json.dumps({"site": "SH01", "operator": {"phone": "+86 138 0013 8000"},
                    "url": "https://s3.eu-central-1.amazonaws.com/b"}) + "\n"
        for _ in range(3)))
    html = tmp_path / "r.html"
    store_dir = tmp_path / "store"
    assert cli("scan", str(feed.parent), "--format", "html", "--out", str(html),
               "--preset", "cn-industrial-export", "--store", str(store_dir),
               "--no-audit-log").returncode == 0
    page = html.read_text(encoding="utf-8")
    section = page[page.index("What each feed sends"):]
    section = section[:section.index("</table>")]
    assert "line*-*-*-*.jsonl" in section and "operator.phone" in section
    assert "DE" in section
    assert "138 0013 8000" not in page
    # `borderscan report` shows it again from the stored scan and from JSON.
    again = tmp_path / "again.html"
    assert cli("report", "--history", str(store_dir), "--out", str(again)).returncode == 0
    assert "operator.phone" in again.read_text(encoding="utf-8").split(
        "What each feed sends")[1]
    doc = tmp_path / "f.json"
    cli("scan", str(feed.parent), "--format", "json", "--out", str(doc), "--no-audit-log")
    third = tmp_path / "third.html"
    assert cli("report", str(doc), "--out", str(third)).returncode == 0
    assert "operator.phone" in third.read_text(encoding="utf-8").split(
        "What each feed sends")[1]


def test_terminal_summary_names_the_fields_with_violations(sample_dir, cli, everything):
    table, _ = everything
    out = cli("scan", str(sample_dir), "--no-audit-log").stdout.decode()
    section = out[out.index("Fields with violations"):]
    worst = (table.filter(pl.col("verdict") == "violation")
             .group_by(pl.col("path").str.replace_all(r"[0-9]+", "*"), "field").len()
             .sort("len", descending=True).row(0))
    assert worst[1] in section.split("\n\n")[0]
    assert f"{worst[2]:,}" in section.split("\n\n")[0]


def test_a_sarif_cut_is_said_on_the_terminal(sample_dir, cli, tmp_path):
    out = tmp_path / "f.sarif"
    r = cli("scan", str(sample_dir), "--format", "sarif", "--out", str(out), "--max-results",
            "3", "--no-audit-log")
    assert r.returncode == 0
    assert b"SARIF: Only the 3 most severe of" in r.stderr and b"left out" in r.stderr
    r = cli("scan", str(sample_dir), "--format", "sarif", "--out", str(out), "--no-audit-log",
            "--max-results", "25000")
    assert b"left out" not in r.stderr


def test_the_cli_does_not_load_polars_before_the_scan(sample_dir, tmp_path):
    """Polars loads on first use (`_polars.py`): imported before the scan it
    added ~36 MB under the scan's peak memory. Importing the package and the
    CLI must not run Polars' own code; the scan's summary then does."""
    import subprocess
    import sys

    probe = (
        "import sys, borderscan, borderscan.cli\n"
        "assert 'polars.dataframe' not in sys.modules, 'polars loaded at import'\n"
        "from borderscan.cli import main\n"
        f"sys.argv = ['borderscan', 'scan', {str(sample_dir)!r}, '--format', 'parquet',\n"
        f"            '--out', {str(tmp_path / 'f.parquet')!r}, '-q']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, 1), e.code\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert pl.read_parquet(tmp_path / "f.parquet").height > 0
