"""Stored scans (`scan --store DIR`) and `borderscan diff OLD NEW`."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from borderscan import store

DE = "https://s3.eu-central-1.amazonaws.com/plant/"
US = "https://s3.us-east-1.amazonaws.com/plant/"
SG = "https://s3.ap-southeast-1.amazonaws.com/x"


def capture(path: Path, records: list[tuple[str, str]]) -> Path:
    """JSON Lines of (operator email, endpoint) sent from a German site."""
    path.write_text("".join(json.dumps({"site": "DE-MUC-01", "operator": {"email": e},
                                        "endpoint": u}) + "\n" for e, u in records))
    return path


def test_stored_scans_and_their_diff(cli, tmp_path: Path) -> None:
    root = tmp_path / "scans"
    old = capture(tmp_path / "c1.jsonl", [("a.b@example.de", DE), ("c.d@example.de", US)])
    r = cli("scan", str(old), "--store", str(root), "--preset", "eu-gdpr")
    assert r.returncode == 0, r.stderr.decode()
    assert b"scan stored in" in r.stderr
    # The same file name with other content: fingerprints compare across scans.
    capture(old, [("a.b@example.de", DE), ("e.f@example.de", US), ("g.h@example.de", SG)])
    r = cli("scan", str(old), "--store", str(root), "--preset", "eu-gdpr", "--format", "html",
            "--out", str(tmp_path / "r.html"))
    assert r.returncode == 0, r.stderr.decode()

    first, second = store.history(root)
    doc, _ = store.load(first)
    assert doc["format"] == store.FORMAT and doc["accounting"]["records"] == 2
    assert doc["audit"]["hash"] and doc["inputs"][0]["sha256"]
    # The second stored scan holds what a direct scan of the same file finds.
    _, findings = store.load(second)
    direct = cli("scan", str(tmp_path / "c1.jsonl"), "--format", "json", "--out", "-", "-q",
                 "--no-audit-log", "--preset", "eu-gdpr")
    assert findings.collect().height == len(json.loads(direct.stdout)["findings"])

    r = cli("diff", str(first), str(second), "--format", "json")
    assert r.returncode == 0, r.stderr.decode()
    d = json.loads(r.stdout)
    new = {(v["detector"], v["dest_country"]) for v in d["new_violations"]}
    assert ("personal.email", "US") in new and ("personal.email", "SG") in new
    assert [v["dest_country"] for v in d["resolved_violations"]
            if v["detector"] == "personal.email"] == ["US"]
    hosts = {x["dest_host"] for x in d["new_destinations"]}
    assert "s3.ap-southeast-1.amazonaws.com" in hosts
    assert "s3.eu-central-1.amazonaws.com" not in hosts
    assert any(f["dest_country"] == "SG" for f in d["new_flows"])
    table = cli("diff", str(first), str(second))
    assert table.returncode == 0 and b"new violations" in table.stdout


def test_store_refuses_json_output_and_diff_refuses_other_folders(cli, tmp_path: Path) -> None:
    f = capture(tmp_path / "c.jsonl", [("a.b@example.de", DE)])
    r = cli("scan", str(f), "--store", str(tmp_path / "s"), "--format", "json")
    assert r.returncode == 2 and b"--store works with" in r.stderr
    (tmp_path / "x").mkdir()
    r = cli("diff", str(tmp_path / "x"), str(tmp_path / "x"))
    assert r.returncode == 2 and b"not a stored scan" in r.stderr


def test_parts_are_read_as_one_table(tmp_path: Path) -> None:
    w = store.Writer(tmp_path)
    frames = [pl.DataFrame({"a": [1, 2]}), pl.DataFrame({"a": [3]})]
    assert [f.height for f in w.tee(iter(frames))] == [2, 1]
    d = w.finish({})
    assert pl.scan_parquet(sorted((d / "findings").glob("*.parquet"))).collect()["a"].to_list() \
        == [1, 2, 3]
