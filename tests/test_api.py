"""The Python API: DataFrames from Arrow, accounting, determinism."""

from __future__ import annotations

import borderscan
import polars as pl
import pytest
from borderscan import _core


def test_scan_returns_polars_frames(sample_dir):
    res = borderscan.scan([sample_dir])
    assert isinstance(res.findings, pl.DataFrame)
    assert res.findings.schema["line"] == pl.UInt64
    assert res.findings.schema["byte_offset"] == pl.UInt64
    assert res.findings.schema["path"] == pl.String
    assert isinstance(res.summary, pl.DataFrame)
    assert res.summary.columns == ["category", "records", "hits", "detectors"]
    # Records per category never exceed hits (but for `none`, records in
    # which nothing was found), and hits add up to the table.
    found = res.summary.filter(pl.col("category") != "none")
    assert (found["records"] <= found["hits"]).all()
    assert res.summary["hits"].sum() == res.findings.height
    # Every record is somewhere: records with a finding, and `none`.
    none = res.summary.filter(pl.col("category") == "none")
    assert none["hits"].to_list() == [0]
    classified = res.accounting["records"] - none["records"][0]
    assert classified == res.findings.select(pl.struct("path", "byte_offset").n_unique()).item()
    assert res.accounting["records"] > 0
    assert res.rule_packs and res.rule_packs[0].startswith("default@")


def test_findings_cross_as_an_arrow_stream(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"email": "li.wei@example.cn"}\n' * 10)
    table, _accounting, _summary, _packs = _core.scan([str(p)], _core.ScanConfig())
    # The engine's table is an Arrow C stream producer, not a list of rows.
    capsule = table.__arrow_c_stream__()
    assert type(capsule).__name__ == "PyCapsule"
    assert len(table) == 10
    df = pl.DataFrame(table)
    assert df.height == 10 and df["evidence"][0] == "l***@e***.cn"
    # A stream can be taken more than once.
    assert pl.DataFrame(table).equals(df)


def test_accounting_per_file(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"a": 1}\n\n{"b": \n')
    (tmp_path / "b.csv").write_text("x,y\n1,2\n")
    acc = borderscan.scan([tmp_path]).accounting
    per = {f["path"].rsplit("/", 1)[-1]: f for f in acc["per_file"]}
    assert per["a.jsonl"]["records"] == 2
    assert per["a.jsonl"]["blank_lines"] == 1
    assert per["a.jsonl"]["unparseable"] == 1
    assert per["b.csv"]["header_lines"] == 1 and per["b.csv"]["records"] == 1
    assert acc["records"] == 3
    assert (acc["lines"] + acc["extra_records"]
            == acc["records"] + acc["blank_lines"] + acc["header_lines"])
    assert acc["unparseable_reasons"]["truncated_json"]["first"][0]["line"] == 3


def test_config_errors_raise(tmp_path):
    with pytest.raises(borderscan.ConfigError, match="input_format"):
        borderscan.scan([tmp_path], input_format="yaml")
    with pytest.raises(borderscan.ConfigError, match="include"):
        borderscan.scan([tmp_path], include=["a{"])


def test_deterministic_across_threads_and_ranges(tmp_path):
    lines = []
    for i in range(60_000):
        lines.append(
            f'{{"site":"CN-SZ-0{i % 3}","type":"calibration","calib":{{"fx":{i}}},'
            f'"operator":{{"email":"op{i}@example.cn"}},"endpoint":"https://h{i % 7}.example.jp"}}'
        )
    p = tmp_path / "big.jsonl"
    p.write_text("\n".join(lines) + "\n")
    assert p.stat().st_size > 5_000_000
    ref = borderscan.scan([p], threads=1, split_size=1 << 40)
    for threads, split in ((2, 1 << 20), (4, 300_000), (3, 4096)):
        res = borderscan.scan([p], threads=threads, split_size=split)
        assert res.findings.equals(ref.findings), (threads, split)
        assert res.summary.equals(ref.summary)
        assert res.accounting["records"] == ref.accounting["records"]


def test_scan_iter_streams_the_same_findings(sample_dir):
    whole = borderscan.scan([sample_dir])
    stream = borderscan.scan_iter([sample_dir], threads=2)
    assert stream.accounting is None
    frames = list(stream)
    assert len(frames) >= 1
    assert pl.concat(frames).equals(whole.findings)
    assert stream.accounting == whole.accounting


def test_abandoned_stream_stops_cleanly(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"email": "li.wei@example.cn"}\n' * 200_000)
    stream = borderscan.scan_iter([p])
    first = next(iter(stream))
    assert first.height > 0
    del stream  # the scan thread stops instead of scanning on


def test_cancelled_stream_raises(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"email": "li.wei@example.cn"}\n' * 300_000)
    stream = borderscan.scan_iter([p], threads=1)
    it = iter(stream)
    next(it)
    stream.cancel()
    with pytest.raises(borderscan.ScanCancelled):
        for _ in it:
            pass


def test_interpreter_is_released_while_scanning(tmp_path):
    import threading

    p = tmp_path / "big.jsonl"
    p.write_text('{"site":"CN-SZ-02","email":"li.wei@example.cn","n":12345}\n' * 400_000)
    done = threading.Event()

    def work():
        borderscan.scan([p], threads=1)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    ticks = 0
    while not done.is_set():
        ticks += 1  # runs only if the scan does not hold the GIL
    t.join()
    assert ticks > 1000


def test_concurrent_scans_from_threads_agree(sample_dir):
    from concurrent.futures import ThreadPoolExecutor

    ref = borderscan.scan([sample_dir])
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda n: borderscan.scan([sample_dir], threads=n), [1, 2, 3, 4]))
    for r in results:
        assert r.findings.equals(ref.findings)
        assert r.accounting == ref.accounting
