"""Archives (issue 18): `borderscan scan bundle.tar.gz` scans every member,
nested, streamed, with member paths written `outer!member` in findings,
accounting, baselines and fingerprints. A scan of an archive finds what a
scan of its extracted tree finds; limits stop with a named, counted entry;
bad archives and bad members fail where they break, and the rest is read.

Fixtures are built here with tarfile, zipfile, gzip and lzma (and the lz4
command when it is there)."""

from __future__ import annotations

import gzip
import io
import lzma
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import assert_balanced, run_cli


def _log(n: int, tag: str) -> bytes:
    out = []
    for i in range(n):
        k = i % 4
        if k == 0:
            out.append(orjson.dumps({"site": "DE-MUC-01", "email": f"anna.{tag}{i}@example.de",
                                     "dest": "https://collector.example.jp/in"}))
        elif k == 1:
            out.append(orjson.dumps({"msg": f"operator li.wei{i}@example.cn logged in",
                                     "site": "CN-SZ-02"}))
        elif k == 2:
            out.append(b"")
        else:
            out.append(b'{"broken": ')
    return b"\n".join(out) + b"\n"


def _tar(members: list[tuple[str, bytes]], mode: str = "w") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def _extract(root: Path, members: list[tuple[str, bytes]]) -> None:
    for name, data in members:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


def _scan(*args: str, out: Path) -> tuple[int, dict[str, Any]]:
    done = run_cli("scan", *args, "--format", "json", "--out", str(out), "-q")
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return done.returncode, orjson.loads(out.read_bytes())


@pytest.fixture(scope="module")
def nested(tmp_path_factory) -> tuple[Path, Path]:
    """Two archives and their extracted tree, each archive extracted into
    a directory of its name (so `a!b` is `a/b` there): a tar.gz holding a
    zip holding a jsonl.gz, and a zip holding a tar.xz holding a
    jsonl.gz. Members are in name order, as a directory walk reads them."""
    root = tmp_path_factory.mktemp("nested")
    arch, tree = root / "archives", root / "tree"
    arch.mkdir()
    inner_zip = [("a/b.jsonl.gz", gzip.compress(_log(800, "zip"))), ("c.log", _log(100, "p"))]
    bundle = [("logs/d.jsonl", _log(60, "tar")), ("logs/inner.zip", _zip(inner_zip))]
    inner_tar = [("x/y.jsonl.gz", gzip.compress(_log(700, "txz")))]
    other = [("inner.tar.xz", lzma.compress(_tar(inner_tar))), ("z.csv", b"email,site\n"
             b"li.wei@example.cn,CN-SZ-02\n")]
    (arch / "bundle.tar.gz").write_bytes(gzip.compress(_tar(bundle)))
    (arch / "other.zip").write_bytes(_zip(other))
    _extract(tree / "bundle.tar.gz", bundle[:1])
    _extract(tree / "bundle.tar.gz" / "logs" / "inner.zip", inner_zip)
    _extract(tree / "other.zip" / "inner.tar.xz", inner_tar)
    _extract(tree / "other.zip", other[1:])
    return arch, tree


def _as_tree(value: Any, arch: str, tree: str) -> Any:
    """Paths of an archive scan written as in the tree scan."""
    if isinstance(value, str):
        return value.replace(arch, tree, 1).replace("!", "/") if value.startswith(arch) else value
    if isinstance(value, list):
        return [_as_tree(v, arch, tree) for v in value]
    if isinstance(value, dict):
        return {k: _as_tree(v, arch, tree) for k, v in value.items()}
    return value


def test_nested_archives_find_what_the_extracted_tree_finds(nested, tmp_path):
    arch, tree = nested
    code_t, t = _scan(str(tree), "--threads", "2", out=tmp_path / "t.json")
    code_a, a = _scan(str(arch), "--threads", "2", out=tmp_path / "a.json")
    assert code_t == code_a == 0
    for doc in (t, a):
        assert_balanced(doc["accounting"])

    def rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
        return [{k: v for k, v in f.items() if k != "fingerprint"} for f in doc["findings"]]

    assert len(t["findings"]) > 500
    assert _as_tree(rows(a), str(arch), str(tree)) == rows(t)
    paths = {f["path"] for f in a["findings"]}
    assert f"{arch}/bundle.tar.gz!logs/inner.zip!a/b.jsonl.gz" in paths
    assert f"{arch}/other.zip!inner.tar.xz!x/y.jsonl.gz" in paths
    # Per file: the members are the tree's files, counter for counter.
    acc_a, acc_t = a["accounting"], t["accounting"]
    leaves = [f for f in acc_a["per_file"] if not f["archive"]]
    for f in leaves:
        assert f["member_of"] and f["path"].startswith(f["member_of"] + "!")
        f["member_of"] = None
    assert _as_tree(leaves, str(arch), str(tree)) == acc_t["per_file"]
    archives = [f for f in acc_a["per_file"] if f["archive"]]
    assert [(f["path"][len(str(arch)) + 1:], f["archive"], f["members"]) for f in archives] == [
        ("bundle.tar.gz", "tar", 2), ("bundle.tar.gz!logs/inner.zip", "zip", 2),
        ("other.zip", "zip", 2), ("other.zip!inner.tar.xz", "tar", 1)]
    # Totals: everything read is what the tree has; stored bytes are the
    # two files on disk, each read whole.
    for k in ("records", "parsed", "unparseable", "lines", "blank_lines", "header_lines",
              "decompressed_bytes", "truncated_lines", "records_by_flow", "dest_found",
              "origin_found", "unparseable_reasons", "no_destination"):
        assert _as_tree(acc_a[k], str(arch), str(tree)) == acc_t[k], k
    stored = sum(p.stat().st_size for p in arch.iterdir())
    assert acc_a["bytes"] == acc_a["bytes_read"] == stored
    assert (acc_a["archives"], acc_a["archive_members"]) == (4, 7)
    assert acc_a["files"] == acc_t["files"] + 4
    # Summaries count the same findings (the profile's file patterns are
    # made of the paths, so it is left out).
    for k in ("summary", "detectors", "residency"):
        assert _as_tree(a[k], str(arch), str(tree)) == t[k], k


def test_archive_scan_is_the_same_for_any_thread_count(nested, tmp_path):
    arch, _ = nested
    docs = [_scan(str(arch), "--threads", str(n), out=tmp_path / f"{n}.json")[1]
            for n in (1, 2, 4)]
    for d in docs[1:]:
        for k in ("findings", "accounting", "summary", "detectors", "profile", "residency"):
            assert d[k] == docs[0][k], k


def test_an_archive_bomb_stops_at_its_limit_named_and_counted(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.log", b"\n" * (4 << 20))
        zf.writestr("more.log", b"\n" * (4 << 20))
    code, doc = _scan(str(bomb), "--max-archive-bytes", "1000000", out=tmp_path / "b.json")
    assert code == 3
    acc = doc["accounting"]
    assert_balanced(acc)
    assert acc["failed_files"] >= 1
    errors = {f["path"]: f["error"] for f in acc["failures"]}
    assert any("--max-archive-bytes 1000000" in e for e in errors.values()), errors
    assert f"{bomb}!zeros.log" in errors and str(bomb) in errors
    # --keep-going: still named and counted, exit 0.
    done = run_cli("scan", str(bomb), "--max-archive-bytes", "1000000", "--keep-going")
    assert done.returncode == 0, done.stderr.decode()
    assert "--max-archive-bytes" in done.stdout.decode() + done.stderr.decode()


def test_depth_past_the_limit_is_a_named_failed_entry(tmp_path):
    leaf = _log(40, "d")
    outer = tmp_path / "outer.tar.gz"
    outer.write_bytes(gzip.compress(_tar([("in.zip", _zip([("l.jsonl", leaf)])),
                                          ("top.jsonl", leaf)])))
    code, doc = _scan(str(outer), "--max-archive-depth", "1", out=tmp_path / "d.json")
    assert code == 3
    acc = doc["accounting"]
    assert_balanced(acc)
    [fail] = acc["failures"]
    assert fail["path"] == f"{outer}!in.zip" and "--max-archive-depth 1" in fail["error"]
    # The rest of the archive was read.
    top = next(f for f in acc["per_file"] if f["path"].endswith("!top.jsonl"))
    assert top["records"] == 30 and not top["error"]
    assert _scan(str(outer), out=tmp_path / "ok.json")[0] == 0


def test_member_count_limit_stops_the_input_named(tmp_path):
    many = tmp_path / "many.tar"
    many.write_bytes(_tar([(f"{i}.log", b"li.wei@example.cn\n") for i in range(5)]))
    other = tmp_path / "other.jsonl"
    other.write_bytes(_log(8, "o"))
    code, doc = _scan(str(many), str(other), "--max-archive-members", "3",
                      out=tmp_path / "m.json")
    assert code == 3
    acc = doc["accounting"]
    assert_balanced(acc)
    [fail] = acc["failures"]
    assert fail["path"] == str(many)
    assert "--max-archive-members 3" in fail["error"] and "many.tar!3.log" in fail["error"]
    assert acc["archive_members"] == 3
    # The next input is scanned as usual.
    assert acc["per_file"][-1]["path"] == str(other) and acc["per_file"][-1]["records"] == 6


def test_corrupt_and_truncated_archives_are_named_counted_and_the_rest_read(tmp_path):
    leaf = _log(400, "c")
    d = tmp_path / "in"
    d.mkdir()
    whole = gzip.compress(_tar([("a.jsonl", leaf), ("b.jsonl", leaf)]))
    (d / "cut.tar.gz").write_bytes(whole[: len(whole) * 3 // 4])
    z = _zip([("a.jsonl", leaf)])
    (d / "cut.zip").write_bytes(z[:-30])
    (d / "garbage.tar").write_bytes(_tar([("a.jsonl", leaf)])[:700] + b"\xff" * 2000)
    (d / "zz.jsonl").write_bytes(leaf)
    code, doc = _scan(str(d), out=tmp_path / "c.out")
    assert code == 3
    acc = doc["accounting"]
    assert_balanced(acc)
    errors = {Path(f["path"]).name: f["error"] for f in acc["failures"]}
    assert "gzip" in errors["cut.tar.gz"], errors
    assert "zip" in errors["cut.zip"], errors
    assert "garbage.tar" in errors or "garbage.tar!a.jsonl" in errors, errors
    by_name = {Path(f["path"]).name: f for f in acc["per_file"]}
    # What came before the break was scanned, the member it broke in
    # failed with it; the next file was read as usual.
    assert by_name["cut.tar.gz!a.jsonl"]["records"] > 0
    assert by_name["zz.jsonl"]["records"] == 300 and not by_name["zz.jsonl"]["error"]
    done = run_cli("scan", str(d / "cut.zip"), "--keep-going", "-q")
    assert done.returncode == 0


def test_binary_and_invalid_utf8_members(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes((i * 7919) % 251 for i in range(5000))
    bad = b"not utf8 \xff\xfd \xc3\x28 operator li.wei@example.cn\n"
    t = tmp_path / "mixed.tar"
    t.write_bytes(_tar([("p.png", png), ("weird.log", bad), ("ok.jsonl", _log(8, "k"))]))
    code, doc = _scan(str(t), out=tmp_path / "x.json")
    assert code == 0
    acc = doc["accounting"]
    assert_balanced(acc)
    by = {f["path"]: f for f in acc["per_file"]}
    png_f = by[f"{t}!p.png"]
    assert (png_f["binary_skipped"], png_f["binary_bytes_skipped"]) == (1, len(png))
    assert by[f"{t}!weird.log"]["records"] == 1
    assert any(f["path"] == f"{t}!weird.log" for f in doc["findings"])
    # Binary members are counted, their stored bytes are inside the tar's.
    assert acc["binary_skipped"] == 1 and acc["binary_bytes_skipped"] == 0
    assert acc["bytes"] == t.stat().st_size
    # The summary names the binary member.
    done = run_cli("scan", str(t))
    assert f"{t.name}!p.png" in done.stdout.decode()


def test_xz_lz4_files_and_7z_still_a_named_failure(tmp_path):
    leaf = _log(40, "x")
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl.xz").write_bytes(lzma.compress(leaf))
    if shutil.which("lz4"):
        (tmp_path / "b.jsonl").write_bytes(leaf)
        subprocess.run(["lz4", "-q", str(tmp_path / "b.jsonl"), str(d / "b.jsonl.lz4")],
                       check=True)
    (d / "c.7z").write_bytes(b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 40)
    code, doc = _scan(str(d), out=tmp_path / "o.json")
    assert code == 3
    acc = doc["accounting"]
    by = {Path(f["path"]).name: f for f in acc["per_file"]}
    assert by["a.jsonl.xz"]["compression"] == "xz" and by["a.jsonl.xz"]["records"] == 30
    if shutil.which("lz4"):
        assert by["b.jsonl.lz4"]["compression"] == "lz4" and by["b.jsonl.lz4"]["records"] == 30
    assert "a 7z archive" in by["c.7z"]["error"] and "is not read yet" in by["c.7z"]["error"]


def test_baseline_fingerprints_and_explain_use_member_paths(nested, tmp_path):
    arch, _ = nested
    bundle = arch / "bundle.tar.gz"
    base = tmp_path / "base.json"
    done = run_cli("baseline", "create", str(bundle), "--out", str(base))
    assert done.returncode == 0, done.stderr.decode()
    entries = orjson.loads(base.read_bytes())["findings"]
    assert entries and all(e["path"].startswith(f"{bundle}!") for e in entries)
    # The same archive again: every finding is in the baseline.
    code, doc = _scan(str(bundle), "--baseline", str(base), out=tmp_path / "b.json")
    assert code == 0 and doc["findings"] == []
    # explain a record of a nested member, by OUTER!MEMBER:LINE and by fingerprint.
    _, full = _scan(str(bundle), out=tmp_path / "f.json")
    f = next(x for x in full["findings"] if x["path"].endswith("inner.zip!a/b.jsonl.gz"))
    done = run_cli("explain", f"{f['path']}:{f['line']}")
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert f"{f['path']}:{f['line']}:" in out and f["fingerprint"] in out
    done = run_cli("explain", f["fingerprint"], str(bundle))
    assert done.returncode == 0, done.stderr.decode()
    assert f"fingerprint: {f['fingerprint']}" in done.stdout.decode()


def test_journal_replays_an_archive_with_its_members(nested, tmp_path):
    arch, _ = nested
    j = tmp_path / "journal"
    first = _scan(str(arch), "--journal", str(j), out=tmp_path / "1.json")[1]
    second = _scan(str(arch), "--journal", str(j), out=tmp_path / "2.json")[1]
    assert second["accounting"]["resumed_files"] == 2
    assert second["findings"] == first["findings"]
    a, b = dict(first["accounting"]), dict(second["accounting"])
    a.pop("resumed_files"), b.pop("resumed_files")
    assert a == b
    assert_balanced(second["accounting"])
