"""The scanner makes no network connection: logs are full of urls, host
names and IPs, and resolving them must never mean looking them up (DNS) or
calling them. A real scan (the command line, with a GeoIP database and urls
in the data) runs in a process without network (a new network namespace:
`unshare`) and under `strace`, which must see no connect or send to a
non-local address.

Skipped only when neither tool can run here; CI sets
BORDERSCAN_REQUIRE_NETWORK_TESTS=1 (.ci/run) so a skip fails there."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
GEOIP = DATA / "maxmind" / "GeoIP2-Country-Test.mmdb"
REQUIRED = os.environ.get("BORDERSCAN_REQUIRE_NETWORK_TESTS") == "1"
UNSHARE = shutil.which("unshare")
STRACE = shutil.which("strace")


def _usable(cmd: list[str]) -> bool:
    try:
        return subprocess.run([*cmd, "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _unshare_cmd() -> list[str] | None:
    """`unshare --net` as root, else with a user namespace (`-rn`)."""
    if UNSHARE is None:
        return None
    for cmd in ([UNSHARE, "--net"], [UNSHARE, "-rn"]):
        if _usable(cmd):
            return cmd
    return None


def _unavailable(what: str) -> None:
    msg = (f"{what} cannot run here (needs util-linux unshare with network namespaces, "
           "or strace with ptrace allowed)")
    if REQUIRED:
        pytest.fail(f"{msg}; BORDERSCAN_REQUIRE_NETWORK_TESTS=1 requires it")
    pytest.skip(msg)


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    """Telemetry that names destinations every way: urls, hosts, IPs."""
    d = tmp_path_factory.mktemp("net")
    recs = [
        {"site": "CN-SZ-02", "email": "li.wei@example.cn",
         "endpoint": "https://u:pw@collector.example.de/v1/up?token=q8W2e4R6t8Y0u2I4o6P8"},
        {"site": "CN-SZ-02", "phone": "+86 138 0013 8000", "dst_ip": "89.160.20.128"},
        {"site": "DE-MUC-01", "email": "k.tanaka@example.jp", "url": "http://[2001:218::1]:443/x"},
        {"site": "JP-OSA-01", "email": "a.b@example.com", "dest": "mqtt.example.cn:8883"},
        {"site": "JP-OSA-01", "email": "c.d@example.com",
         "url": "https://s3.eu-central-1.amazonaws.com/bucket/key"},
    ]
    (d / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    (d / "free.log").write_text(
        "upload by ops@example.de to https://files.example.vn/drop via 203.0.113.9\n")
    # An archive and an OpenTelemetry export name destinations too.
    member = json.dumps({"site": "CN-SZ-02", "email": "z@example.cn",
                         "endpoint": "https://archive.example.kr/in"}).encode() + b"\n"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("inner/t.jsonl")
        info.size = len(member)
        tf.addfile(info, io.BytesIO(member))
    (d / "bundle.tar.gz").write_bytes(buf.getvalue())
    attr = lambda k, v: {"key": k, "value": {"stringValue": v}}  # noqa: E731
    (d / "otel.json").write_text(json.dumps({"resourceLogs": [{"scopeLogs": [{"logRecords": [
        {"attributes": [attr("user.email", "o@example.de"),
                        attr("server.address", "otel.example.br")]}]}]}]}) + "\n")
    return d


def _scan_cmd(logs: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "borderscan", "scan", str(logs), "--geoip", str(GEOIP),
            "--format", "json", "--out", str(out), "--no-audit-log"]


def _check_scan(out: Path) -> None:
    doc = json.loads(out.read_bytes())
    by_dest = {f["dest_host"]: (f["dest_country"], f["dest_source"]) for f in doc["findings"]}
    # The database placed the IPs; the host names were placed without DNS.
    assert by_dest["89.160.20.128"] == ("SE", "geoip"), by_dest
    assert by_dest["2001:218::1"] == ("JP", "geoip"), by_dest
    assert by_dest["s3.eu-central-1.amazonaws.com"] == ("DE", "cloud"), by_dest
    assert by_dest["collector.example.de"] == ("DE", "tld"), by_dest
    assert by_dest["archive.example.kr"] == ("KR", "tld"), by_dest
    assert by_dest["otel.example.br"] == ("BR", "tld"), by_dest


def test_scan_in_a_process_without_network(logs: Path, tmp_path: Path) -> None:
    cmd = _unshare_cmd()
    if cmd is None:
        _unavailable("unshare")
    # The namespace really has no way out: a connect fails at once.
    probe = subprocess.run(
        [*cmd, sys.executable, "-c",
         "import socket\n"
         "try:\n"
         "    socket.create_connection(('192.0.2.1', 443), timeout=5)\n"
         "except OSError as e:\n"
         "    print('blocked', e.errno)\n"],
        capture_output=True, text=True, timeout=60)
    assert probe.stdout.startswith("blocked"), (probe.stdout, probe.stderr)
    out = tmp_path / "f.json"
    r = subprocess.run([*cmd, *_scan_cmd(logs, out)], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    _check_scan(out)


_NET_CALL = re.compile(r"\b(connect|sendto|sendmsg|sendmmsg)\((.*)")
_ADDR = re.compile(r'sa_family=(AF_INET6?)\b.*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, '
                   r'"([^"]+)")')


def outside_calls(trace: str) -> list[str]:
    """strace lines connecting or sending to an IPv4/IPv6 address other than
    loopback (Unix sockets and loopback stay on the machine)."""
    bad = []
    for line in trace.splitlines():
        m = _NET_CALL.search(line)
        if not m:
            continue
        a = _ADDR.search(m.group(2))
        if a is None:
            # AF_UNIX, AF_NETLINK, or a send on an already connected socket
            # (whose connect would have been caught).
            if "AF_INET" in m.group(2):
                bad.append(line)
            continue
        ip = a.group(2) or a.group(3)
        if not (ip.startswith("127.") or ip == "::1"):
            bad.append(line)
    return bad


def _strace(args: list[str], log: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([STRACE, "-f", "-qq", "-e", "trace=network", "-o", str(log), *args],
                          capture_output=True, timeout=300)


def test_scan_under_strace_connects_nowhere(logs: Path, tmp_path: Path) -> None:
    if STRACE is None or not _usable([STRACE, "-qq", "-e", "trace=network"]):
        _unavailable("strace")
    # The check sees a connect when there is one (a UDP connect sends
    # nothing, so this probe needs no network).
    control = tmp_path / "control.trace"
    _strace([sys.executable, "-c",
             "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
             ".connect(('192.0.2.1', 9))"], control)
    assert outside_calls(control.read_text()), control.read_text()
    log, out = tmp_path / "scan.trace", tmp_path / "f.json"
    r = _strace(_scan_cmd(logs, out), log)
    assert r.returncode == 0, r.stderr.decode()
    _check_scan(out)
    assert outside_calls(log.read_text()) == []


def test_s3_scan_under_strace_connects_only_to_its_endpoint(logs: Path, tmp_path: Path) -> None:
    """An `s3://` input is read from the configured endpoint (a local S3
    server on loopback) and from nowhere else: no instance-metadata
    service, no DNS, no AWS host."""
    if STRACE is None or not _usable([STRACE, "-qq", "-e", "trace=network"]):
        _unavailable("strace")
    pytest.importorskip("moto.server", reason="moto[server] is in the [test] extra")
    from s3server import aws_env, client, moto_server, upload_tree

    with aws_env(), moto_server() as endpoint:
        upload_tree(client(endpoint), "net", logs, "in/")
        log, out = tmp_path / "s3.trace", tmp_path / "f.json"
        cmd = _scan_cmd(logs, out)
        cmd[cmd.index(str(logs))] = "s3://net/in/"
        r = _strace([*cmd, "--endpoint-url", endpoint], log)
    assert r.returncode == 0, r.stderr.decode()
    _check_scan(out)
    trace = log.read_text()
    assert outside_calls(trace) == []
    # It did connect, and only to the endpoint's port on loopback.
    port = endpoint.rsplit(":", 1)[1]
    connects = [ln for ln in trace.splitlines() if "connect(" in ln and "AF_INET" in ln]
    assert connects, trace[-2000:]
    assert all(f"htons({port})" in ln for ln in connects), connects
