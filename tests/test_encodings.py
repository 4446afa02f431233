"""Text that is not plain UTF-8 bytes is still scanned (issue 17): a NUL
byte in a JSON Lines file does not make it "binary", UTF-16 and UTF-32 logs
(with a byte order mark, or UTF-16 recognised by its NUL pattern) are
decoded to UTF-8 and give the findings of the UTF-8 original, while truly
binary files are still skipped and named. Each case runs the real command
line."""

from __future__ import annotations

import gzip
import random
import subprocess
import sys

import orjson
import pytest
from conftest import assert_balanced

BORDERSCAN = [sys.executable, "-m", "borderscan"]

RECORDS = [
    {"ts": "2026-11-02T08:00:00Z", "site": "DE-MUC-01", "email": "anna.schmidt@example.de",
     "dest": "https://collector.example.jp/in"},
    {"ts": "2026-11-02T08:00:01Z", "site": "JP-OSA-03", "operator": "Jürgen Müller",
     "email": "juergen.mueller@example.de"},
    {"ts": "2026-11-02T08:00:02Z", "site": "CN-SZ-02", "note": "无事", "value": 17},
    {"ts": "2026-11-02T08:00:03Z", "site": "VN-HAN-01", "email": "nguyen.van.an@example.vn",
     "dest": "https://telemetry.example.cn/up"},
]


def original(n: int = 40) -> bytes:
    """A JSON Lines log in UTF-8, an e-mail address in most records."""
    out = []
    for i in range(n):
        r = dict(RECORDS[i % len(RECORDS)])
        r["seq"] = i
        out.append(orjson.dumps(r) + b"\n")
    return b"".join(out)


def scan(tmp_path, *paths, args=()):
    out = tmp_path / "out.json"
    r = subprocess.run([*BORDERSCAN, "scan", *map(str, paths), "--format", "json", "--out",
                        str(out), "--no-audit-log", *args],
                       capture_output=True, timeout=600)
    assert out.exists(), r.stderr.decode(errors="replace")
    doc = orjson.loads(out.read_bytes())
    assert_balanced(doc["accounting"])
    return r, doc


def per_file(doc, name):
    return next(f for f in doc["accounting"]["per_file"] if f["path"].endswith(name))


def found(doc, name):
    """Findings of one file as (detector, field, line, column, evidence)."""
    return sorted((f["detector"], f["field"], f["line"], f["column"], f["evidence"])
                  for f in doc["findings"] if f["path"].endswith(name))


def test_one_nul_byte_does_not_make_a_jsonl_file_binary(tmp_path):
    data = original()
    (tmp_path / "plain.jsonl").write_bytes(data)
    # Inside the first record's first string value: it becomes a space.
    (tmp_path / "nul.jsonl").write_bytes(data[:10] + b"\0" + data[10:])
    _, doc = scan(tmp_path, tmp_path / "plain.jsonl", tmp_path / "nul.jsonl")
    f = per_file(doc, "nul.jsonl")
    assert f["binary_skipped"] == 0 and f["records"] == 40, f
    assert f["nul_bytes"] == 1 and f["parsed"] == 40, f
    assert doc["accounting"]["nul_bytes"] == 1
    want = found(doc, "plain.jsonl")
    assert [w for w in want if w[0] == "personal.email"], want
    got = found(doc, "nul.jsonl")
    # The e-mail of the altered record is found too (the NUL reads as a
    # space, so its column is one further on).
    assert [g for g in got if g[2] != 1] == [w for w in want if w[2] != 1]
    assert [g[:3] for g in got if g[2] == 1] == [w[:3] for w in want if w[2] == 1]


def test_zero_filled_block_in_a_log_is_scanned(tmp_path):
    """A log that a crash left with a block of NUL bytes (a common sight
    after a power loss): the lines around the block are all scanned."""
    data = original()
    half = data.index(b"\n", len(data) // 2) + 1
    p = tmp_path / "crash.log"
    p.write_bytes(data[:half] + b"\0" * 4096 + data[half:])
    (tmp_path / "plain.log").write_bytes(data)
    _, doc = scan(tmp_path, p, tmp_path / "plain.log")
    f = per_file(doc, "crash.log")
    assert f["binary_skipped"] == 0 and f["nul_bytes"] == 4096, f
    # The block and the line after it are one line now; its findings stay.
    want = found(doc, "plain.log")
    got = found(doc, "crash.log")
    assert {(d, ln) for d, _, ln, _, _ in got} == {(d, ln) for d, _, ln, _, _ in want}
    assert len(got) == len(want)


ENCODED = {
    "utf16le-bom.log": ("utf-16le", lambda t: b"\xff\xfe" + t.encode("utf-16-le")),
    "utf16be-bom.log": ("utf-16be", lambda t: b"\xfe\xff" + t.encode("utf-16-be")),
    "utf16le-nobom.log": ("utf-16le", lambda t: t.encode("utf-16-le")),
    "utf32le-bom.log": ("utf-32le", lambda t: b"\xff\xfe\x00\x00" + t.encode("utf-32-le")),
    "utf32be-bom.log": ("utf-32be", lambda t: b"\x00\x00\xfe\xff" + t.encode("utf-32-be")),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_utf16_and_utf32_give_the_findings_of_the_utf8_original(tmp_path, name):
    data = original()
    encoding, encode = ENCODED[name]
    (tmp_path / "utf8.log").write_bytes(data)
    (tmp_path / name).write_bytes(encode(data.decode()))
    _, doc = scan(tmp_path, tmp_path / "utf8.log", tmp_path / name)
    f = per_file(doc, name)
    u = per_file(doc, "utf8.log")
    assert f["binary_skipped"] == 0 and f["encoding"] == encoding, f
    assert u.get("encoding") is None
    assert (f["format"], f["records"], f["parsed"], f["lines"]) == (
        u["format"], u["records"], u["parsed"], u["lines"])
    # Offsets count the decoded UTF-8 text, so they match the original's.
    assert f["decompressed_bytes"] == len(data) and f["bytes_read"] == f["bytes"]
    want = found(doc, "utf8.log")
    assert len(want) >= 30
    assert found(doc, name) == want


def test_gzip_compressed_utf16_log(tmp_path):
    data = original(400)
    p = tmp_path / "windows.log.gz"
    p.write_bytes(gzip.compress(b"\xff\xfe" + data.decode().replace("\n", "\r\n")
                                .encode("utf-16-le")))
    (tmp_path / "utf8.log").write_bytes(data)
    _, doc = scan(tmp_path, p, tmp_path / "utf8.log")
    f = per_file(doc, "windows.log.gz")
    assert (f["compression"], f["encoding"], f["binary_skipped"]) == ("gzip", "utf-16le", 0), f
    assert f["records"] == 400
    assert [g[:3] for g in found(doc, "windows.log.gz")] == [
        w[:3] for w in found(doc, "utf8.log")]


def test_binary_files_are_still_skipped_and_named(tmp_path):
    rnd = random.Random(17)
    d = tmp_path / "in"
    d.mkdir()
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rnd.randbytes(200_000)
    (d / "photo.png").write_bytes(png)
    # Random bytes named like a log are binary too.
    (d / "noise.log").write_bytes(rnd.randbytes(100_000))
    (d / "app.jsonl").write_bytes(b"\0" + original())
    (d / "win.log").write_bytes(b"\xff\xfe" + original().decode().encode("utf-16-le"))
    r, doc = scan(tmp_path, d)
    acc = doc["accounting"]
    assert acc["binary_skipped"] == 2, acc
    assert per_file(doc, "photo.png")["binary_bytes_skipped"] == len(png)
    assert per_file(doc, "app.jsonl")["records"] == 40
    assert per_file(doc, "win.log")["records"] == 40
    # The terminal summary names what was skipped, and only that.
    r = subprocess.run([*BORDERSCAN, "scan", str(d), "--no-audit-log"],
                       capture_output=True, timeout=600)
    text = (r.stdout + r.stderr).decode()
    skipped = [ln for ln in text.splitlines() if "binary, skipped" in ln]
    assert len(skipped) == 2, text
    assert any("photo.png" in ln for ln in skipped) and any("noise.log" in ln for ln in skipped)
    assert "decoded from utf-16le" in text and "win.log" in text, text


BOM = b"\xef\xbb\xbf"


def test_a_utf8_byte_order_mark_hides_nothing(tmp_path):
    """Windows tools write UTF-8 with a byte order mark: the first JSON
    record still parses (and a `.log` of JSON lines is still JSON), and a
    CSV's first column keeps its name."""
    data = original()
    (tmp_path / "utf8.log").write_bytes(data)
    (tmp_path / "bom.log").write_bytes(BOM + data)
    csv = b"email,dest\nanna.schmidt@example.de,https://collector.example.jp/in\n"
    (tmp_path / "plain.csv").write_bytes(csv)
    (tmp_path / "bom.csv").write_bytes(BOM + csv)
    _, doc = scan(tmp_path, *(tmp_path / n for n in ("utf8.log", "bom.log", "plain.csv",
                                                      "bom.csv")))
    f, u = per_file(doc, "bom.log"), per_file(doc, "utf8.log")
    assert (f["format"], f["records"], f["parsed"], f["unparseable"]) == (
        u["format"], u["records"], u["parsed"], 0), f
    assert found(doc, "bom.log") == found(doc, "utf8.log")
    assert found(doc, "bom.csv") == found(doc, "plain.csv")
    assert [g[1] for g in found(doc, "bom.csv")] == ["email"]


def test_a_byte_order_mark_reads_alike_split_or_whole(tmp_path):
    import borderscan

    p = tmp_path / "big.csv"
    rows = [b"email,dest\n"] + [f"u{i}@example.de,https://c{i % 7}.example.jp/x\n".encode()
                                for i in range(3000)]
    p.write_bytes(BOM + b"".join(rows))
    whole = borderscan.scan([p], threads=1, split_size=1 << 30)
    split = borderscan.scan([p], threads=2, split_size=4096)
    assert split.accounting["per_file"][0]["format"] == "csv"
    cols = ["line", "column", "field", "detector", "evidence"]
    assert whole.findings.select(cols).sort(cols).equals(split.findings.select(cols).sort(cols))
    assert whole.findings.height == 3000
    assert set(whole.findings["field"]) == {"email"}
