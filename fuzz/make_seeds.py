"""Write the initial seed corpora for the fuzz targets from sample_data/.

Small slices only (a few lines each): libFuzzer mutates small inputs far
faster, and the kept corpus must stay small. Run from the repository root:
    python3 fuzz/make_seeds.py fuzz/seeds
then fuzz with fuzz/seeds/<target> as an extra corpus directory.
"""

import bz2
import gzip
import hashlib
import re
import sys
from pathlib import Path

SAMPLE = Path("sample_data")


def lines(name, n=None):
    data = (SAMPLE / name).read_bytes().split(b"\n")
    return data[:n] if n else data


def write(out, target, blobs):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    for b in blobs:
        (d / hashlib.sha1(b).hexdigest()).write_bytes(b)


def every(seq, k):
    return seq[::k]


def main(out):
    out = Path(out)
    json_lines = lines("telemetry.jsonl")
    logfmt = lines("diagnostics.logfmt")
    csv = lines("process.csv")
    tsv = lines("process.tsv")
    s5424 = lines("gateway.syslog")
    s3164 = lines("legacy.syslog")
    text = lines("operator.log")
    write(out, "parse_json", every(json_lines, 12)[:20])
    write(out, "parse_logfmt", [b"\n".join(logfmt[i : i + 3]) for i in range(0, 300, 20)])
    write(
        out,
        "parse_csv",
        [b"\x00" + b"\n".join([csv[0], *csv[i:i + 3]]) for i in range(1, 200, 20)]
        + [b"\x01" + b"\n".join([tsv[0], *tsv[i:i + 3]]) for i in range(1, 200, 20)],
    )
    write(out, "parse_syslog", every(s5424, 25)[:10] + every(s3164, 25)[:10])
    write(out, "parse_text", every(text, 30)[:10])
    write(out, "parse_otlp", otlp_seeds())
    heads = [
        (SAMPLE / n).read_bytes()[:1500]
        for n in [
            "telemetry.jsonl",
            "process.csv",
            "process.tsv",
            "diagnostics.logfmt",
            "gateway.syslog",
            "legacy.syslog",
            "operator.log",
        ]
    ]
    write(out, "detect_format", [bytes([i]) + h for i, h in enumerate(heads)])
    plain = b"\n".join(json_lines[:3])
    write(
        out,
        "decompress",
        [
            b"\x00" + gzip.compress(plain),
            b"\x00" + bz2.compress(plain),
            b"\x00" + (SAMPLE / "diagnostics-old.logfmt.zst").read_bytes()[:1200],
            b"\x00" + gzip.compress(plain[:200]) + gzip.compress(plain[200:]),
            b"\x03\x00\x41" + plain[:300],
            b"\x03\x01\x41" + plain[:300],
            b"\x03\x02\x41" + plain[:300],
            b"\x04\x00\x80" + plain[:300],
            b"\x04\x01\x81" + plain[:300],
            b"\x04\x02\x80" + plain[:300],
            b"\x2d\x01" + plain[:300],
        ],
    )
    write(
        out,
        "line_reader",
        [
            bytes([c]) + b"\n".join(text[i : i + 4]).replace(b"\n", sep)
            for c, i, sep in [
                (0x0F, 0, b"\n"),
                (0x3F, 10, b"\r\n"),
                (0xFF, 20, b"\n"),
                (0x07, 30, b"\r\n"),
                (0x00, 40, b"\n\n"),
            ]
        ],
    )
    det = (
        [b"\x01" + line for line in every(json_lines, 15)[:12]]
        + [b"\x02" + line for line in every(logfmt, 40)[:8]]
        + [b"\x04" + line for line in every(s5424, 40)[:6]]
        + [b"\x00" + line for line in every(text, 40)[:8]]
    )
    write(out, "detectors", det)
    blob = b"\n".join(json_lines + logfmt + text + csv)
    tokens = set()
    for pat in [
        rb"[\w.+-]+@[\w-]+\.[\w.]+",
        rb"\+?\d[\d -]{8,20}\d",
        rb"[A-Z]{2}\d{2}[A-Z0-9]{10,30}",
        rb"(?:[0-9A-F]{2}[:-]){5}[0-9A-F]{2}",
        rb"\d{1,3}(?:\.\d{1,3}){3}",
        rb"[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}",
        rb"eyJ[\w-]+\.[\w-]+\.[\w-]+",
        rb"AKIA[0-9A-Z]{16}",
        rb"-?\d{1,3}\.\d{4,8}, ?-?\d{1,3}\.\d{4,8}",
        rb"\d{17}[\dX]",
    ]:
        found = sorted(set(re.findall(pat, blob)))
        tokens.update(found[:4])
    write(out, "validators", sorted(tokens))
    write(out, "mask", [*sorted(tokens)[:12], "Li Wei 李伟".encode(), b"a" * 130])
    urls = sorted(set(re.findall(rb"(?:https?|mqtts?)://[^\s\"',]+", blob)))[:12]
    dsts = sorted(set(re.findall(rb"dst=([^\s\"]+)", blob)))[:6]
    write(
        out,
        "resolve",
        urls
        + dsts
        + [
            b"https://u:p@API.Vendor.example:8443/x?y=1#f",
            b"[2001:db8::1]:443",
            b"https\xffuser\xffapi.example.de\xffv1/up\xfftoken123\xffkey=v",
            b"\xffuser\xffbroker.example.jp\xff\xffk12\xffab",
        ],
    )
    eng = [
        (0x01, b"\n".join(json_lines[:6])),
        (0x02, b"\n".join(csv[:6])),
        (0x05, b"\n".join(tsv[:6])),
        (0x03, b"\n".join(logfmt[:6])),
        (0x04, b"\n".join(s5424[:4] + s3164[:4])),
        (0x00, b"\n".join(text[:6])),
        (0x80, b"\r\n".join(text[:6])),
        (0x01, gzip.compress(b"\n".join(json_lines[:4]))),
        (0x00, b"\n".join(otlp_lines())),
    ]
    write(out, "engine", [bytes([c]) + b for c, b in eng])


def otlp_lines():
    """The OTLP/JSON export of the tests (one request per line)."""
    return Path("tests/data/otlp/collector-export.json").read_bytes().split(b"\n")[:2]


def otlp_seeds():
    """OTLP lines, each alone and cut short, and the shapes the parser is
    lenient or strict about."""
    lines = otlp_lines()
    return [
        *lines,
        lines[0][:700],
        b"\n".join(lines),
        b'{"resourceLogs":[]}',
        b'{"resourceLogs":[{"resource":{"attributes":[{"key":"a","value":{"stringValue":"b"}}]}}]}',
        b'{"resource_logs":[{"scope_logs":[{"log_records":[{"time_unix_nano":1,'
        b'"body":{"kvlistValue":[{"value":{"intValue":"1"},"key":"k"}]}}]}]}]}',
        b'{"resourceLogs":[{"scopeLogs":[{"logRecords":"no"}]}]}',
        b'{"a":1}',
    ]


if __name__ == "__main__":
    main(sys.argv[1])
