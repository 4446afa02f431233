"""Hostile state can neither hide findings nor lie (issue 17), through the
real command line: a journal whose findings files were swapped or point
outside it is not replayed (the file is scanned again, and the output says
so); a GeoIP database that holds no country records is refused (exit 2),
and lookups that fail mid-scan are counted, named and gate like unreadable
input (exit 3), never a quiet `unknown`.

The mmdb files are written here by a small writer of the MaxMind DB format
(IPv4 tree, 32-bit records), so wrong-shape databases need no download."""

from __future__ import annotations

import ipaddress
import struct
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import assert_balanced, run_cli, write_jsonl

EMAIL = "anna.schmidt@example.de"
US = "https://s3.us-east-1.amazonaws.com/plant/"
DE = "https://s3.eu-central-1.amazonaws.com/plant/"


# ---- a minimal MaxMind DB writer ----------------------------------------

def _ctrl(kind: int, size: int) -> bytes:
    """Control byte(s) of a value of `kind` (1-15) and `size`."""
    if size < 29:
        head, ext = size, b""
    elif size < 285:
        head, ext = 29, bytes([size - 29])
    elif size < 65821:
        head, ext = 30, (size - 285).to_bytes(2, "big")
    else:
        head, ext = 31, (size - 65821).to_bytes(3, "big")
    if kind <= 7:
        return bytes([(kind << 5) | head]) + ext
    return bytes([head, kind - 7]) + ext


def _enc(v: Any) -> bytes:
    if isinstance(v, bool):
        return _ctrl(14, int(v))
    if isinstance(v, str):
        b = v.encode()
        return _ctrl(2, len(b)) + b
    if isinstance(v, int):
        kind = 6 if v < 2**32 else 9
        b = v.to_bytes((v.bit_length() + 7) // 8, "big")
        return _ctrl(kind, len(b)) + b
    if isinstance(v, dict):
        return _ctrl(7, len(v)) + b"".join(_enc(k) + _enc(x) for k, x in v.items())
    if isinstance(v, list):
        return _ctrl(11, len(v)) + b"".join(_enc(x) for x in v)
    raise TypeError(v)


def _uint16(n: int) -> bytes:
    return _ctrl(5, 2) + n.to_bytes(2, "big")


def write_mmdb(path: Path, networks: list[tuple[str, dict]], database_type: str) -> Path:
    """An IPv4 MaxMind DB at `path` mapping each CIDR to its record."""
    data, offsets = b"", {}
    nodes: list[list[Any]] = [[None, None]]
    for cidr, rec in networks:
        key = orjson.dumps(rec, option=orjson.OPT_SORT_KEYS)
        if key not in offsets:
            offsets[key] = len(data)
            data += _enc(rec)
        net = ipaddress.ip_network(cidr)
        addr, plen = int(net.network_address), net.prefixlen
        node = 0
        for depth in range(plen):
            bit = (addr >> (31 - depth)) & 1
            if depth == plen - 1:
                nodes[node][bit] = ("data", offsets[key])
            else:
                nxt = nodes[node][bit]
                if nxt is None:
                    nodes.append([None, None])
                    nxt = nodes[node][bit] = ("node", len(nodes) - 1)
                assert nxt[0] == "node", "overlapping networks"
                node = nxt[1]
    count = len(nodes)

    def value(r: Any) -> int:
        if r is None:
            return count
        return r[1] if r[0] == "node" else count + 16 + r[1]

    tree = b"".join(struct.pack(">II", value(left), value(right)) for left, right in nodes)
    meta = (_ctrl(7, 9) + _enc("node_count") + _enc(count)
            + _enc("record_size") + _uint16(32) + _enc("ip_version") + _uint16(4)
            + _enc("database_type") + _enc(database_type) + _enc("languages") + _enc(["en"])
            + _enc("binary_format_major_version") + _uint16(2)
            + _enc("binary_format_minor_version") + _uint16(0)
            + _enc("build_epoch") + _ctrl(9, 8) + (1_700_000_000).to_bytes(8, "big")
            + _enc("description") + _enc({"en": "borderscan test database"}))
    path.write_bytes(tree + bytes(16) + data + b"\xab\xcd\xefMaxMind.com" + meta)
    return path


def country(code: Any) -> dict:
    return {"country": {"iso_code": code}, "registered_country": {"iso_code": code}}


def good_networks(n: int = 300) -> list[tuple[str, dict]]:
    """`n` /24 networks from 5.0.0.0 up, alternating Germany and the US:
    more than the engine samples when it opens a database."""
    return [(f"5.{i // 256}.{i % 256}.0/24", country("DE" if i % 2 else "US"))
            for i in range(n)]


def rec(site: str, dest: str | None, **kw) -> dict:
    return {"site": site, **({"endpoint": dest} if dest else {}), **kw}


# ---- the journal ---------------------------------------------------------

def _inputs(root: Path) -> tuple[Path, Path]:
    """Two input folders with the same file names: a's files each hold a
    high violation (personal data from Germany to the US); b's none."""
    a, b = root / "a", root / "b"
    for d, dest in ((a, US), (b, DE)):
        d.mkdir()
        for i in range(3):
            write_jsonl(d / f"part-{i}.jsonl", [rec("DE-MUC-01", dest, contact=EMAIL),
                                                 rec("DE-MUC-01", DE, note="nothing")])
    return a, b


def _scan(target: Path, out: Path, *extra: str):
    return run_cli("scan", str(target), "--preset", "eu-gdpr", "--format", "json",
                   "--out", str(out), "--no-audit-log", "--threads", "1", "--fail-on", "high",
                   *extra)


def _comparable(doc: dict) -> tuple:
    skip = {"resumed_files", "journal_rejected"}
    acc = {k: v for k, v in doc["accounting"].items() if k not in skip}
    return doc["findings"], acc, doc.get("residency")


def _entries(journal: Path) -> list[dict]:
    return [orjson.loads(line) for line in (journal / "done.jsonl").read_bytes().splitlines()]


def _journaled(tmp_path: Path) -> tuple[Path, Path, dict]:
    """A finished journal of a's scan, and the results of an uninterrupted scan."""
    a, _ = _inputs(tmp_path)
    ref = tmp_path / "ref.json"
    r = _scan(a, ref)
    assert r.returncode == 1, r.stderr
    journal = tmp_path / "journal"
    r = _scan(a, tmp_path / "first.json", "--journal", str(journal))
    assert r.returncode == 1, r.stderr
    assert len(_entries(journal)) == 3
    return a, journal, orjson.loads(ref.read_bytes())


def test_a_swapped_journal_findings_file_is_rescanned_not_replayed(tmp_path):
    a, journal, ref = _journaled(tmp_path)
    # Another scan (same file names, nothing to find) with its own journal.
    other = tmp_path / "other-journal"
    r = _scan(tmp_path / "b", tmp_path / "b.json", "--journal", str(other))
    assert r.returncode == 0, r.stderr
    by_path = {e["path"]: e for e in _entries(journal)}
    victim = next(p for p in by_path if p.endswith("part-1.jsonl"))
    donor = next(e for e in _entries(other) if e["path"].endswith("part-1.jsonl"))
    # Its findings file (no findings) replaces the one with the violation.
    (journal / by_path[victim]["findings"]).write_bytes(
        (other / donor["findings"]).read_bytes())

    out = tmp_path / "resumed.json"
    r = _scan(a, out, "--journal", str(journal))
    err = r.stderr.decode()
    assert r.returncode == 1, err  # the violation is still there
    doc = orjson.loads(out.read_bytes())
    assert_balanced(doc["accounting"])
    assert _comparable(doc) == _comparable(ref)
    assert doc["accounting"]["resumed_files"] == 2
    [rej] = doc["accounting"]["journal_rejected"]
    assert rej["path"] == victim and rej["findings"] == by_path[victim]["findings"]
    assert "SHA-256" in rej["reason"] or "bytes" in rej["reason"]
    assert f"entry for {victim!r} rejected" in err, err
    assert "2 finished file(s) replayed, 1 scanned" in err


@pytest.mark.parametrize("where", ["parent", "absolute", "subdir"])
def test_journal_findings_outside_the_journal_are_not_followed(tmp_path, where):
    a, journal, ref = _journaled(tmp_path)
    # Another scan's findings for the same file name (no violation), put
    # outside the journal (or in a folder of it), and the entry pointed at
    # them with their true size and hash: only the name gives the lie away.
    donor = tmp_path / "donor"
    r = _scan(tmp_path / "b", tmp_path / "b.json", "--journal", str(donor))
    assert r.returncode == 0, r.stderr
    d = next(e for e in _entries(donor) if e["path"].endswith("part-0.jsonl"))
    target = journal / "sub" / "x.arrow" if where == "subdir" else tmp_path / "x.arrow"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes((donor / d["findings"]).read_bytes())
    name = {"parent": "../x.arrow", "absolute": str(target), "subdir": "sub/x.arrow"}[where]
    entries = _entries(journal)
    victim = next(e for e in entries if e["path"].endswith("part-0.jsonl"))
    victim.update({k: d[k] for k in ("findings_size", "findings_sha256") if k in d},
                  findings=name)
    (journal / "done.jsonl").write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entries))

    out = tmp_path / "resumed.json"
    r = _scan(a, out, "--journal", str(journal))
    err = r.stderr.decode()
    assert r.returncode == 1, err
    doc = orjson.loads(out.read_bytes())
    assert _comparable(doc) == _comparable(ref)
    assert doc["accounting"]["resumed_files"] == 2
    [rej] = doc["accounting"]["journal_rejected"]
    assert rej["path"] == victim["path"] and rej["findings"] == name
    assert "not a plain file name" in rej["reason"]
    assert f"entry for {victim['path']!r} rejected" in err, err


def test_an_older_journal_without_hashes_is_refused(tmp_path):
    a, journal, _ = _journaled(tmp_path)
    head = orjson.loads((journal / "journal.json").read_bytes())
    head["version"] = 2
    (journal / "journal.json").write_bytes(orjson.dumps(head))
    r = _scan(a, tmp_path / "out.json", "--journal", str(journal))
    assert r.returncode == 2, r.stderr
    assert b"SHA-256" in r.stderr and str(journal).encode() in r.stderr


# ---- GeoIP -----------------------------------------------------------------

@pytest.fixture
def capture(tmp_path) -> Path:
    """Personal data from Germany to an IP address (5.0.0.9: the US in the
    test databases): a high violation under eu-gdpr once placed."""
    return write_jsonl(tmp_path / "capture.jsonl", [
        rec("DE-MUC-01", "https://5.0.0.9/upload", contact=EMAIL),
        rec("DE-MUC-01", DE, note="nothing"),
    ])


@pytest.mark.parametrize("kind", ["asn", "country-as-string", "no-country"])
def test_a_database_without_country_records_is_refused(tmp_path, capture, kind):
    asn = {"autonomous_system_number": 13335, "autonomous_system_organization": "Example"}
    db_type, records = {
        "asn": ("GeoLite2-ASN", asn),
        "country-as-string": ("Test-Country", {"country": "US"}),
        "no-country": ("Test-Country", asn),
    }[kind]
    db = write_mmdb(tmp_path / f"{kind}.mmdb",
                    [(f"1.0.{i}.0/24", records) for i in range(4)], db_type)
    r = run_cli("scan", str(capture), "--preset", "eu-gdpr", "--geoip", str(db),
                "--fail-on", "high", "--no-audit-log")
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert str(db) in err and "not a country database" in err, err


def test_the_writer_makes_a_database_the_engine_reads(tmp_path, capture):
    db = write_mmdb(tmp_path / "ok.mmdb", good_networks(), "Test-Country")
    r = run_cli("scan", str(capture), "--preset", "eu-gdpr", "--geoip", str(db),
                "--fail-on", "high", "--no-audit-log", "--format", "json")
    assert r.returncode == 1, r.stderr
    doc = orjson.loads(r.stdout)
    assert {f["dest_country"] for f in doc["findings"] if f["dest_source"] == "geoip"} == {"US"}


def test_lookups_failing_mid_scan_are_counted_and_gate(tmp_path, capture):
    # A country database whose first records are fine (what opening it
    # samples) but whose record for 203.0.113.0/24 stores the country code
    # as a number.
    db = write_mmdb(tmp_path / "mixed.mmdb",
                    [*good_networks(), ("203.0.113.0/24", country(840))], "Test-Country")
    bad = write_jsonl(tmp_path / "bad.jsonl", [
        rec("DE-MUC-01", "https://203.0.113.7/upload", contact=EMAIL),
        rec("DE-MUC-01", "203.0.113.7", contact=EMAIL),
    ])
    base = ["scan", str(capture), str(bad), "--preset", "eu-gdpr", "--geoip", str(db),
            "--no-audit-log"]
    r = run_cli(*base, "--fail-on", "high")
    err = r.stderr.decode() + r.stdout.decode()
    assert r.returncode == 3, err
    assert "203.0.113.7" in err and str(db) in err, err
    assert "could not be looked up" in err
    # The JSON output counts it, once per address.
    out = tmp_path / "out.json"
    r = run_cli(*base, "--fail-on", "high", "--format", "json", "--out", str(out), "-q")
    assert r.returncode == 3, r.stderr
    g = orjson.loads(out.read_bytes())["accounting"]["geoip_errors"]
    assert g["count"] == 1 and g["database"] == str(db)
    assert [e["ip"] for e in g["first"]] == ["203.0.113.7"]
    # --keep-going accepts it: the violation placed by the good records gates.
    assert run_cli(*base, "--fail-on", "high", "--keep-going").returncode == 1
