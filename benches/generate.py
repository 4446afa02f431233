#!/usr/bin/env python3
"""Deterministic generator of synthetic industrial telemetry for borderscan.

Standard library only, so it runs on a fresh machine before anything is installed.

    python benches/generate.py --out DIR [--size 40KB] [--format all] [--seed 42]
                                   [--truth FILE] [--truth-scope all|sensitive]

One file per format is written into DIR, each of about --size bytes (generation stops at
the first record that reaches the size). Sizes use binary units (1KB = 1024 bytes).
Every format has its own random stream derived from (seed, format), so a file is
byte-identical whether it is generated alone or with --format all. Nothing depends on
the clock, the machine, PYTHONHASHSEED or global randomness.

--truth FILE writes JSON Lines ground truth, one line per record that carries a data
category (or, with --truth-scope sensitive, only records with planted values or decoys):

    {"file": "telemetry.jsonl", "line": 17, "kind": "telemetry",
     "categories": ["device_id", "personal", "sensor"],
     "destination": "https://...", "dest_country": "DE", "origin": "DE-MUC-01",
     "values": {"personal.email": ["anna.schmidt@example.de"]},
     "decoys": {"personal.iban": ["DE12 3704 ..."]}}

"values" lists every planted value of the value detectors, exactly as written in the
record. "decoys" lists near-miss look-alikes (same shape, wrong check digit, invalid
octet, base32-violating key...) that a correct scanner must NOT report; they are never in
"values". "dest_country" is the country a resolver should reach without an IP database
(cloud-region table or ccTLD), or null (private/documentation IPs, Azure blob hosts).
All values are synthetic: documentation IP ranges, example domains, random names.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as _dt
import json
import os
import random
import re
import sys
import time
from urllib.parse import urlsplit

FILES = {
    "jsonl": "telemetry.jsonl",
    "csv": "process.csv",
    "tsv": "process.tsv",
    "logfmt": "diagnostics.logfmt",
    "syslog5424": "gateway.syslog",
    "syslog3164": "legacy.syslog",
    "text": "operator.log",
}

SITES = {
    "CN-SZ-02": "CN",
    "CN-SH-01": "CN",
    "DE-MUC-01": "DE",
    "DE-STR-02": "DE",
    "JP-OSA-03": "JP",
    "JP-NGO-01": "JP",
    "VN-HCM-01": "VN",
    "VN-HAN-02": "VN",
}
SITE_LIST = list(SITES)

# (url, country a resolver should reach without an mmdb, or None)
DESTS = [
    ("https://s3.eu-central-1.amazonaws.com/tlm-eu-archive/cnc/", "DE"),
    ("https://plant-telemetry.s3.ap-northeast-1.amazonaws.com/ingest/v2", "JP"),
    ("https://s3.us-east-1.amazonaws.com/vendor-maint-logs/raw/", "US"),
    ("https://iot-ingest.s3.ap-southeast-1.amazonaws.com/sea/", "SG"),
    ("https://oss-cn-hangzhou.aliyuncs.com/cnc-telemetry/", "CN"),
    ("https://cnc-logs.oss-cn-shenzhen.aliyuncs.com/upload", "CN"),
    ("https://oss-eu-central-1.aliyuncs.com/eu-mirror/", "DE"),
    ("https://factory-1250000000.cos.ap-guangzhou.myqcloud.com/telemetry/", "CN"),
    ("https://maint-1250000000.cos.ap-tokyo.myqcloud.com/logs/", "JP"),
    ("https://obs.cn-north-4.myhuaweicloud.com/iiot-archive/", "CN"),
    ("https://plantlogs.blob.core.windows.net/telemetry/", None),
    ("https://storage.googleapis.com/ar-calib-europe-west3/cnc/", "DE"),
    ("https://storage.europe-west3.rep.googleapis.com/tlm-eu/", "DE"),
    ("https://objectstorage.eu-frankfurt-1.oraclecloud.com/n/plantns/b/tlm/o/", "DE"),
    ("https://objectstorage.ap-tokyo-1.oraclecloud.com/n/plantns/b/tlm/o/", "JP"),
    ("https://maint.example.de/api/v1/upload", "DE"),
    ("https://telemetry.vendor.co.jp/ingest", "JP"),
    ("https://iot.example.vn/collect", "VN"),
    ("https://upload.example.cn/tlm", "CN"),
    ("https://service.example.kr/logs", "KR"),
    ("https://10.2.3.4:8443/ingest", None),
    ("https://203.0.113.7/upload", None),
    ("https://198.51.100.23:443/tlm", None),
    ("https://192.0.2.45/push", None),
]
CALIB_DESTS = [
    ("https://storage.googleapis.com/ar-calib-europe-west3/rigs/", "DE"),
    ("https://storage.googleapis.com/ar-calib-europe-west3/rigs/", "DE"),
    ("https://storage.europe-west3.rep.googleapis.com/ar-calib/", "DE"),
    ("https://ar-calib.oss-cn-shanghai.aliyuncs.com/rigs/", "CN"),
    ("https://arcalibjp.blob.core.windows.net/calib/", None),
    ("https://calib.example.de/upload", "DE"),
]
IPV4_RE = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")


def _ips(text):
    out = []
    for m in IPV4_RE.findall(text):
        if all(int(p) <= 255 for p in m.split(".")):
            out.append(m)
    return out


def _host(url):
    return urlsplit(url).hostname


PEOPLE = {
    "CN": [
        ("Wang Wei", "王伟", "wang.wei"),
        ("Li Na", "李娜", "li.na"),
        ("Zhang Min", "张敏", "zhang.min"),
        ("Liu Yang", "刘洋", "liu.yang"),
        ("Chen Jing", "陈静", "chen.jing"),
        ("Zhao Lei", "赵磊", "zhao.lei"),
    ],
    "DE": [
        ("Anna Schmidt", "Anna Schmidt", "anna.schmidt"),
        ("Lukas Müller", "Lukas Müller", "lukas.mueller"),
        ("Jonas Weber", "Jonas Weber", "jonas.weber"),
        ("Lea Fischer", "Lea Fischer", "lea.fischer"),
        ("Jürgen Hoffmann", "Jürgen Hoffmann", "juergen.hoffmann"),
        ("Sophie Becker", "Sophie Becker", "sophie.becker"),
    ],
    "JP": [
        ("Haruto Sato", "佐藤 陽翔", "haruto.sato"),
        ("Yui Suzuki", "鈴木 結衣", "yui.suzuki"),
        ("Ren Takahashi", "高橋 蓮", "ren.takahashi"),
        ("Aoi Tanaka", "田中 葵", "aoi.tanaka"),
    ],
    "VN": [
        ("Nguyễn Văn An", "Nguyễn Văn An", "an.nguyen"),
        ("Trần Thị Mai", "Trần Thị Mai", "mai.tran"),
        ("Lê Minh Tuấn", "Lê Minh Tuấn", "tuan.le"),
        ("Phạm Thu Hà", "Phạm Thu Hà", "ha.pham"),
    ],
}
MAIL_DOMAIN = {"CN": "example.cn", "DE": "example.de", "JP": "example.co.jp", "VN": "example.vn"}
VENDOR_TECHS = [("Markus Braun", "m.braun"), ("Kenji Mori", "k.mori"), ("Emily Clark", "e.clark")]

MODELS = [
    ("DMG", "DMG MORI DMU 50"),
    ("MZK", "Mazak VARIAXIS i-700"),
    ("OKM", "Okuma MU-5000V"),
    ("FNC", "FANUC ROBODRILL D21MiB5"),
    ("HAS", "Haas VF-2"),
    ("MKN", "Makino a51nx"),
    ("BRO", "Brother SPEEDIO S700X1"),
    ("HRM", "Hermle C 42 U"),
]
RECIPES = ["R-AL6061-F2", "R-S45C-R1", "R-TI64-F1", "R-SUS304-F3", "R-C45-R2", "R-POM-F1"]
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
B64U = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


# ---------------------------------------------------------------------------------------
# check-digit algorithms
def luhn_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return luhn_digit(number[:-1]) == number[-1]


CN_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id_char(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, CN_W, strict=True)) % 11]


def my_number_digit(first11: str) -> str:
    s = 0
    for n in range(1, 12):
        p = int(first11[11 - n])
        q = n + 1 if n <= 6 else n - 5
        s += p * q
    r = s % 11
    return "0" if r <= 1 else str(11 - r)


def de_tax_digit(first10: str) -> str:
    product = 10
    for ch in first10:
        s = (int(ch) + product) % 10
        if s == 0:
            s = 10
        product = (s * 2) % 11
    c = 11 - product
    return "0" if c == 10 else str(c)


def de_tax_ok(num: str) -> bool:
    if len(num) != 11 or not num.isdigit() or num[0] == "0":
        return False
    counts = sorted((num[:10].count(d) for d in set(num[:10])), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] != 1):
        return False
    return de_tax_digit(num[:10]) == num[10]


def iban_check(country: str, bban: str) -> str:
    s = bban + country + "00"
    n = int("".join(str(int(c, 36)) for c in s))
    return f"{98 - n % 97:02d}"


def iban_ok(iban: str) -> bool:
    s = iban.replace(" ", "")
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


DIGIT_RUN_RE = re.compile(r"\d+")


def _collides(text: str) -> bool:
    """True if a digit run in text would validate as another detector's identifier."""
    for run in DIGIT_RUN_RE.findall(text):
        n = len(run)
        if n == 11 and de_tax_ok(run):
            return True
        if n == 12 and my_number_digit(run[:11]) == run[11]:
            return True
        if n in (15, 16) and luhn_ok(run):
            return True
    return False


# ---------------------------------------------------------------------------------------
class Planter:
    """Makes planted values (valid) and decoys (near misses) from one random stream."""

    def __init__(self, rng: random.Random):
        self.r = rng
        self.jwts = [self._jwt() for _ in range(48)]

    def digits(self, n):
        return "".join(self.r.choice("0123456789") for _ in range(n))

    def person(self, cc):
        return self.r.choice(PEOPLE[cc])

    def email(self, cc, local):
        r = self.r.random()
        if r < 0.7:
            return f"{local}@{MAIL_DOMAIN[cc]}"
        if r < 0.85:
            return f"{local.replace('.', '_')}{self.r.randint(1, 99)}@example.com"
        return f"{local}@plant-{cc.lower()}.example.com"

    def phone(self, cc):
        while True:
            p = self._phone(cc)
            if not _collides(p):
                return p

    def _phone(self, cc):
        r = self.r
        if cc == "CN":
            num = r.choice(["135", "138", "139", "150", "158", "186", "188", "177"])
            num += self.digits(8)
            f = r.random()
            if f < 0.5:
                return f"+86 {num[:3]} {num[3:7]} {num[7:]}"
            if f < 0.75:
                return f"+86-{num}"
            return num
        if cc == "DE":
            f = r.random()
            if f < 0.4:
                return f"+49 {r.choice(['151', '152', '160', '170', '176'])} {self.digits(8)}"
            if f < 0.7:
                return f"+49 {r.choice(['89', '711', '30'])} {self.digits(7)}"
            return f"0{r.choice(['151', '171', '176'])} {self.digits(8)}"
        if cc == "JP":
            # Subscriber numbers do not start with 0 (libphonenumber's JP
            # metadata rejects 090-0xxx-xxxx): the first digit is lifted
            # to 1 without drawing again, so the rest of the corpus stays.
            def sub():
                d = self.digits(4)
                return "1" + d[1:] if d[0] == "0" else d

            f = r.random()
            if f < 0.4:
                return f"+81 {r.choice(['90', '80', '70'])}-{sub()}-{self.digits(4)}"
            if f < 0.8:
                return f"0{r.choice(['90', '80', '70'])}-{sub()}-{self.digits(4)}"
            return f"0{r.choice(['3', '6'])}-{sub()}-{self.digits(4)}"
        # VN
        p = r.choice(["90", "91", "93", "96", "97", "98", "32", "35", "70", "77", "86"])
        rest = self.digits(7)
        f = r.random()
        if f < 0.35:
            return f"+84 {p}{rest[0]} {rest[1:4]} {rest[4:]}"
        if f < 0.7:
            return f"0{p}{rest[0]} {rest[1:4]} {rest[4:]}"
        if f < 0.85:
            return f"+84{p}{rest}"
        return f"0{p}{rest}"

    def cn_id(self, decoy=False):
        r = self.r
        area = r.choice(["440305", "440306", "310115", "110105", "320506", "330106"])
        birth = _dt.date(1965, 1, 1) + _dt.timedelta(days=r.randrange(13500))
        first17 = f"{area}{birth:%Y%m%d}{self.digits(3)}"
        c = cn_id_char(first17)
        if decoy:
            c = r.choice([x for x in "0123456789X" if x != c])
        return first17 + c

    def my_number(self, decoy=False):
        first = self.digits(11)
        c = my_number_digit(first)
        if decoy:
            c = self.r.choice([x for x in "0123456789" if x != c])
        return first + c

    def de_tax(self, decoy=False):
        r = self.r
        while True:
            ds = r.sample("0123456789", 9)
            ds.append(r.choice(ds))
            r.shuffle(ds)
            if ds[0] not in "01":  # not 0 (invalid), not 1 (reads as a CN mobile)
                break
        first = "".join(ds)
        c = de_tax_digit(first)
        if decoy:
            c = r.choice([x for x in "0123456789" if x != c])
        return first + c

    def iban(self, decoy=False):
        r = self.r
        cc = r.choice(["DE", "DE", "FR", "NL"])
        if cc == "DE":
            bban = self.digits(8) + self.digits(10)
        elif cc == "FR":
            bank, branch, acct = self.digits(5), self.digits(5), self.digits(11)
            key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
            bban = f"{bank}{branch}{acct}{key:02d}"
        else:
            bban = r.choice(["ABNA", "INGB", "RABO"]) + self.digits(10)
        kk = iban_check(cc, bban)
        if decoy:
            kk = f"{(int(kk) + r.randint(1, 90) - 2) % 97 + 2:02d}"
            if kk == iban_check(cc, bban):
                kk = f"{(int(kk) - 2 + 1) % 97 + 2:02d}"
        s = cc + kk + bban
        if r.random() < 0.6:
            groups = [s[i : i + 4] for i in range(0, len(s), 4)]
            # grouped IBANs must not contain a Luhn-valid "dddd dddd dddd dddd" run that a
            # card detector could legitimately report
            runs = ["".join(groups[i : i + 4]) for i in range(len(groups) - 3)]
            if not any(len(x) == 16 and x.isdigit() and luhn_ok(x) for x in runs):
                s = " ".join(groups)
        return s

    def card(self, decoy=False):
        r = self.r
        payload = (
            "4" + self.digits(14) if r.random() < 0.6 else "5" + r.choice("12345") + self.digits(13)
        )
        c = luhn_digit(payload)
        if decoy:
            c = r.choice([x for x in "0123456789" if x != c])
        num = payload + c
        if r.random() < 0.5:
            num = " ".join(num[i : i + 4] for i in range(0, 16, 4))
        return num

    def imei(self, decoy=False):
        r = self.r
        payload = r.choice(["35332509", "35209900", "86753903", "01326300", "35891207"])
        payload += self.digits(6)
        c = luhn_digit(payload)
        if decoy:
            c = r.choice([x for x in "0123456789" if x != c])
        return payload + c

    def mac(self):
        r = self.r
        oui = r.choice(["00:0E:8C", "00:80:F4", "00:1D:9C", "00:30:DE", "AC:64:17", "28:63:36"])
        tail = ":".join(f"{r.randrange(256):02X}" for _ in range(3))
        m = f"{oui}:{tail}"
        f = r.random()
        if f < 0.3:
            return m.lower()
        if f < 0.45:
            return m.replace(":", "-")
        return m

    def aws_key(self, decoy=False):
        r = self.r
        body = [r.choice(B32) for _ in range(16)]
        if decoy:  # same shape but with characters outside base32 (0, 1, 8, 9)
            for _ in range(r.randint(1, 3)):
                body[r.randrange(16)] = r.choice("0189")
        return "AKIA" + "".join(body)

    def _jwt(self):
        r = self.r

        def b64(obj):
            raw = json.dumps(obj, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        iat = 1793577600 + r.randrange(86400 * 30)
        payload = {
            "sub": r.choice(["svc-uploader", "maint-bot", "gw-shipper", "ar-calib"]),
            "site": r.choice(SITE_LIST),
            "iat": iat,
            "exp": iat + 3600,
        }
        sig = "".join(r.choice(B64U) for _ in range(43))
        return f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(payload)}.{sig}"

    def jwt(self):
        return self.r.choice(self.jwts)

    def bad_ip(self):
        r = self.r
        parts = [str(r.randint(1, 223)), str(r.randint(0, 255)), str(r.randint(0, 255)), "1"]
        parts[r.randrange(4)] = str(r.randint(256, 999))
        return ".".join(parts)


def plain_truth(kind, cats, dest, dest_cc, origin, ips):
    """Truth of a record whose only value is its destination's IP, if any:
    the fast path most records take."""
    return {
        "kind": kind,
        "categories": [*cats, "network_id"] if ips else cats,
        "destination": dest,
        "dest_country": dest_cc,
        "origin": origin,
        "values": {"network_id.ipv4": ips} if ips else {},
        "decoys": {},
    }


class Rec:
    """Ground truth being assembled for one record."""

    __slots__ = ("cats", "decoys", "dest", "dest_cc", "kind", "origin", "values")

    def __init__(self, kind, cats, origin=None, dest=None, dest_cc=None):
        self.kind = kind
        self.cats = set(cats)
        self.origin = origin
        self.dest = dest
        self.dest_cc = dest_cc
        self.values = {}
        self.decoys = {}

    def v(self, det, value):
        self.values.setdefault(det, []).append(value)
        self.cats.add(det.split(".")[0])
        return value

    def d(self, det, value):
        self.decoys.setdefault(det, []).append(value)
        return value

    def finish(self, line):
        ips = _ips(line)
        if ips:
            self.values["network_id.ipv4"] = ips
            self.cats.add("network_id")
        return {
            "kind": self.kind,
            "categories": sorted(self.cats),
            "destination": self.dest,
            "dest_country": self.dest_cc,
            "origin": self.origin,
            "values": self.values,
            "decoys": self.decoys,
        }


# ---------------------------------------------------------------------------------------
# time
BASE = _dt.datetime(2026, 11, 2, tzinfo=_dt.UTC)
HMS = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
_DAY_CACHE: dict[int, tuple[str, str]] = {}
MONTHS = [
    "",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]  # not locale-dependent


def day_strings(d):
    v = _DAY_CACHE.get(d)
    if v is None:
        day = BASE + _dt.timedelta(days=d)
        v = (f"{day.year:04d}-{day.month:02d}-{day.day:02d}", f"{MONTHS[day.month]} {day.day:>2}")
        _DAY_CACHE[d] = v
    return v


class Clock:
    def __init__(self):
        self.ms = 0

    def tick(self, step):
        self.ms += step
        sec, ms = divmod(self.ms, 1000)
        d, tod = divmod(sec, 86400)
        return d, tod, ms

    def iso(self, step):
        d, tod, ms = self.tick(step)
        return f"{day_strings(d)[0]}T{HMS[tod]}.{ms:03d}Z"


# ---------------------------------------------------------------------------------------
def site_pools(dests):
    """Per-site destination lists: local destinations weighted x4, all others once."""
    out = {}
    for site, cc in SITES.items():
        lst = []
        for url, dcc in dests:
            lst.extend([(url, dcc)] * (4 if dcc == cc else 1))
        out[site] = lst
    return out


def machines(rng):
    out = {}
    for site in SITE_LIST:
        ms = []
        for i in range(6):
            code, model = MODELS[rng.randrange(len(MODELS))]
            letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
            serial = f"{code}-{letters}{rng.randrange(10000, 99999)}"
            ms.append((serial, model, f"{site[:2]}L{i + 1}"))
        out[site] = ms
    return out


def pick(r, seq):
    return seq[r.randrange(len(seq))]


# ----- JSONL ---------------------------------------------------------------------------
def gen_jsonl(rng, truth):
    P = Planter(rng)
    mach = machines(rng)
    dpool = site_pools(DESTS)
    cpool = site_pools(CALIB_DESTS)
    sensors = []
    for _ in range(4096):
        sensors.append(
            f'{{"spindle_speed": {rng.randrange(800, 24000, 10)}, '
            f'"spindle_load": {rng.uniform(5, 95):.1f}, '
            f'"temperature": {rng.uniform(22, 68):.2f}, '
            f'"coolant_pressure": {rng.uniform(2, 70):.1f}, '
            f'"vibration": {{"x": {rng.uniform(0, 0.08):.4f}, "y": {rng.uniform(0, 0.08):.4f}, '
            f'"z": {rng.uniform(0, 0.05):.4f}}}}}'
        )
    calibs = []
    for _ in range(512):
        fx = rng.uniform(1350, 1550)
        calibs.append(
            f'"intrinsics": {{"fx": {fx:.3f}, "fy": {fx * rng.uniform(0.998, 1.002):.3f}, '
            f'"cx": {rng.uniform(950, 970):.3f}, "cy": {rng.uniform(530, 550):.3f}}}, '
            f'"distortion": [{rng.gauss(-0.1, 0.05):.6f}, {rng.gauss(0.05, 0.03):.6f}, '
            f"{rng.gauss(0, 0.001):.6f}, {rng.gauss(0, 0.001):.6f}, {rng.gauss(0, 0.01):.6f}], "
            f'"extrinsics": {{"rvec": [{rng.uniform(-3, 3):.5f}, {rng.uniform(-3, 3):.5f}, '
            f'{rng.uniform(-3, 3):.5f}], "tvec": [{rng.uniform(-500, 500):.2f}, '
            f"{rng.uniform(-500, 500):.2f}, {rng.uniform(200, 1500):.2f}]}}, "
            f'"reprojection_error": {rng.uniform(0.08, 0.6):.3f}'
        )
    # flattened (site, machine-json, serial, endpoint) combos for the hot path
    combos = []
    for site in SITE_LIST:
        for serial, model, _line in mach[site]:
            mj = f'{{"serial": "{serial}", "model": "{model}"}}'
            for url, cc in dpool[site]:
                combos.append((site, mj, url, cc, _ips(url)))
    nc = len(combos)
    clock = Clock()
    rb = rng.getrandbits
    iso = clock.iso
    session_no = 0
    calib_no = 0
    cats_plain = ["device_id", "sensor"]
    while True:
        x = rb(64)
        ts = iso(x & 255)
        kind = (x >> 8) & 1023
        site, mj, url, dcc, ips = combos[((x >> 18) & 0xFFFFF) % nc]
        if kind < 860:  # plain telemetry
            sensor = sensors[(x >> 40) & 4095]
            if kind < 60:
                code = f"AL-{2000 + ((x >> 52) & 127)}"
                line = (
                    f'{{"ts": "{ts}", "type": "telemetry", "site": "{site}", "machine": {mj}, '
                    f'"sensor": {sensor}, "alarm_code": "{code}", "endpoint": "{url}"}}'
                )
                cats = ["device_id", "diagnostic", "sensor"]
            else:
                line = (
                    f'{{"ts": "{ts}", "type": "telemetry", "site": "{site}", "machine": {mj}, '
                    f'"sensor": {sensor}, "endpoint": "{url}"}}'
                )
                cats = cats_plain
            if truth:
                yield line, plain_truth("telemetry", cats, url, dcc, site, ips)
            else:
                yield line, None
            continue
        cc = SITES[site]
        serial = json.loads(mj)["serial"]
        if kind < 940:  # calibration
            calib_no += 1
            curl, ccc = pick(rng, cpool[site])
            rig = f"ARC-{site[:2]}-{(x >> 40) & 255:03d}"
            upload = f"{curl}{rig}/CAL-{calib_no:06d}.json"
            line = (
                f'{{"ts": "{ts}", "type": "calibration", "site": "{site}", '
                f'"rig": {{"serial": "{rig}", "camera": "cam-{(x >> 48) & 7}"}}, '
                f'"calib": {{"calibration_id": "CAL-{site}-{calib_no:06d}", '
                f'{calibs[(x >> 52) & 511]}}}, "upload_url": "{upload}"}}'
            )
            rec = Rec("calibration", ["calibration", "device_id"], site, upload, ccc)
            yield line, (rec.finish(line) if truth else None)
            continue
        obj = {"ts": ts}
        if kind < 975:  # remote-maintenance session
            session_no += 1
            rec = Rec("remote_maintenance", ["diagnostic", "device_id", "personal"], site)
            tech, local = pick(rng, VENDOR_TECHS)
            remote = pick(rng, ["203.0.113.7", "203.0.113.61", "198.51.100.14", "192.0.2.200"])
            obj.update(
                type="remote_maintenance",
                site=site,
                machine=json.loads(mj),
                session={
                    "id": f"RM-{site}-{session_no:05d}",
                    "action": pick(rng, ["open", "file_transfer", "parameter_change", "close"]),
                    "remote_ip": remote,
                    "vendor": "Vendor Service Example GmbH",
                },
                technician={
                    "name": tech,
                    "email": rec.v("personal.email", f"{local}@service.example.com"),
                },
            )
            if rng.random() < 0.5:
                obj["technician"]["phone"] = rec.v("personal.phone_de", P.phone("DE"))
            if rng.random() < 0.3 and cc == "CN":
                obj["technician"]["id_no"] = rec.v("personal.cn_resident_id", P.cn_id())
            if rng.random() < 0.1:
                obj["auth"] = "Bearer " + rec.v("secret.jwt", P.jwt())
            obj["endpoint"] = url
        else:  # telemetry with personal data, device ids, secrets or decoys
            rec = Rec("telemetry", ["device_id", "sensor"], site)
            obj.update(type="telemetry", site=site, machine=json.loads(mj))
            obj["sensor"] = json.loads(sensors[(x >> 40) & 4095])
            k = rng.random()
            if k < 0.45:
                name, native, local = P.person(cc)
                op = {"name": native if rng.random() < 0.5 else name}
                op["email"] = rec.v("personal.email", P.email(cc, local))
                if rng.random() < 0.7:
                    op["phone"] = rec.v(f"personal.phone_{cc.lower()}", P.phone(cc))
                obj["operator"] = op
                obj["alarm_code"] = f"AL-{rng.randrange(2000, 2128)}"
                rec.cats.add("diagnostic")
            elif k < 0.7:
                modem = {}
                if rng.random() < 0.8:
                    modem["imei"] = rec.v("device_id.imei", P.imei())
                else:
                    modem["imei"] = rec.d("device_id.imei", P.imei(decoy=True))
                modem["mac"] = rec.v("device_id.mac", P.mac())
                modem["apn"] = "iot.example.net"
                obj["modem"] = modem
            elif k < 0.8:
                obj["env"] = {
                    "AWS_REGION": "eu-central-1",
                    "AWS_ACCESS_KEY_ID": rec.v("secret.aws_access_key", P.aws_key()),
                }
            elif k < 0.9:
                if cc == "CN" or rng.random() < 0.3:
                    obj["lot_no"] = rec.d("personal.cn_resident_id", P.cn_id(decoy=True))
                else:
                    obj["invoice_ref"] = rec.d("personal.payment_card", P.card(decoy=True))
            else:
                obj["build_tag"] = rec.d("secret.aws_access_key", P.aws_key(decoy=True))
                obj["gateway_ip"] = rec.d("network_id.ipv4", P.bad_ip())
            obj["endpoint"] = url
        rec.dest, rec.dest_cc = url, dcc
        line = json.dumps(obj, ensure_ascii=False)
        yield line, (rec.finish(line) if truth else None)


# ----- CSV / TSV -----------------------------------------------------------------------
CSV_HEADER = [
    "ts",
    "site",
    "line_id",
    "machine_serial",
    "setpoint_temp",
    "feed_rate",
    "cutting_speed",
    "spindle_override",
    "recipe",
    "work_order",
    "batch_id",
    "dst_host",
    "operator_email",
    "notes",
]
PLAIN_NOTES = [
    "",
    "",
    "",
    "",
    "tool change T12",
    "coolant top-up",
    'operator said "ok, continue"',
    "first article passed, CMM report attached",
    "warm-up cycle",
    "feed override reduced due to chatter",
]


def _csvq(v, sep):
    if sep == "," and ("," in v or '"' in v or "\n" in v):
        return '"' + v.replace('"', '""') + '"'
    if sep == "\t":
        return v.replace("\t", " ")
    return v


def gen_delimited(rng, truth, sep):
    P = Planter(rng)
    mach = machines(rng)
    dpool = site_pools(DESTS)
    yield sep.join(CSV_HEADER), None
    params = []
    for _ in range(4096):
        params.append(
            sep.join(
                [
                    f"{rng.uniform(180, 260):.1f}",
                    f"{rng.uniform(0.05, 0.4):.3f}",
                    f"{rng.uniform(80, 320):.1f}",
                    str(rng.randrange(50, 121, 5)),
                    pick(rng, RECIPES),
                ]
            )
        )
    combos = []
    for site in SITE_LIST:
        for serial, _model, line_id in mach[site]:
            for url, cc in dpool[site]:
                host = _host(url)
                combos.append((site, line_id, serial, host, cc, _ips(host)))
    nc = len(combos)
    notes = [_csvq(n, sep) for n in PLAIN_NOTES]
    clock = Clock()
    rb = rng.getrandbits
    iso = clock.iso
    wo = 4000
    cats = ["device_id", "operational"]
    while True:
        x = rb(64)
        ts = iso(x & 1023)
        kind = (x >> 10) & 1023
        site, line_id, serial, host, dcc, ips = combos[((x >> 20) & 0xFFFFF) % nc]
        if (x >> 40) & 63 == 0:
            wo += 1
        if kind < 930:
            line = (
                f"{ts}{sep}{site}{sep}{line_id}{sep}{serial}{sep}{params[(x >> 46) & 4095]}{sep}"
                f"WO-2026-{wo:06d}{sep}B26-{(x >> 46) & 65535:05d}{sep}{host}{sep}{sep}"
                f"{notes[((x >> 58) & 63) % len(notes)]}"
            )
            if truth:
                yield line, plain_truth("process", cats, host, dcc, site, ips)
            else:
                yield line, None
            continue
        cc = SITES[site]
        rec = Rec("process", cats, site, host, dcc)
        batch = f"B26-{(x >> 46) & 65535:05d}"
        email = ""
        note = ""
        k = rng.random()
        if k < 0.6:
            _name, _native, local = P.person(cc)
            email = rec.v("personal.email", P.email(cc, local))
            if rng.random() < 0.3:
                _name, native, _local = P.person(cc)
                ph = rec.v(f"personal.phone_{cc.lower()}", P.phone(cc))
                note = f"call {native} at {ph}, if spindle alarm repeats"
                rec.cats.add("personal")
        elif k < 0.85:
            batch = rec.d("personal.jp_my_number", P.my_number(decoy=True))
        else:
            note = "tax ref " + rec.d("personal.de_tax_id", P.de_tax(decoy=True))
        line = sep.join(
            [
                ts,
                site,
                line_id,
                serial,
                params[x >> 46 & 4095],
                f"WO-2026-{wo:06d}",
                batch,
                host,
                email,
                _csvq(note, sep),
            ]
        )
        yield line, (rec.finish(line) if truth else None)


def gen_csv(rng, truth):
    return gen_delimited(rng, truth, ",")


def gen_tsv(rng, truth):
    return gen_delimited(rng, truth, "\t")


# ----- logfmt --------------------------------------------------------------------------
LOGFMT_PLAIN = [
    ("info", "servo", 'msg="axis X following error within tolerance"'),
    ("info", "spindle", 'msg="spindle warm-up complete" rpm=8000'),
    ("debug", "plc", 'msg="cycle complete" cycle_ms=412'),
    ("info", "uploader", 'msg="batch uploaded" bytes=65536'),
    ("warn", "coolant", 'msg="coolant pressure low" bar=3.1'),
    ("info", "fw", 'msg="self test passed" fw=4.2.17'),
    ("warn", "servo", 'msg="encoder signal degraded" axis=Z'),
    ("info", "uploader", 'msg="connection reused" pool=4'),
]
LOGFMT_ERR = [
    'msg="servo amplifier overcurrent"',
    'msg="spindle overload, feed hold"',
    'msg="upload timeout, retrying" attempt=3',
    'msg="checksum mismatch in parameter block" block=7',
]
GO_PANIC = [
    "panic: runtime error: index out of range [3] with length 3",
    "goroutine 17 [running]:",
    "main.(*Uploader).flush(0xc000120000, {0xc0001a4000, 0x3, 0x4})",
    "\t/src/gw/uploader.go:212 +0x1d4",
    "main.(*Uploader).Run(0xc000120000)",
    "\t/src/gw/uploader.go:98 +0x7a",
    "created by main.main in goroutine 1",
    "\t/src/gw/main.go:41 +0x2f5",
]


def gen_logfmt(rng, truth):
    P = Planter(rng)
    dpool = site_pools(DESTS)
    combos = []
    for site in SITE_LIST:
        for url, cc in dpool[site]:
            host = _host(url)
            for i in range(1, 5):
                combos.append((site, f"plc-{i}", host, cc, _ips(host)))
    nc = len(combos)
    plain = [f"level={lv} comp={c} {m}" for lv, c, m in LOGFMT_PLAIN]
    clock = Clock()
    rb = rng.getrandbits
    iso = clock.iso
    cats = ["diagnostic"]
    while True:
        x = rb(64)
        ts = iso(x & 511)
        kind = (x >> 9) & 1023
        site, dev, host, dcc, ips = combos[((x >> 19) & 0xFFFFF) % nc]
        if kind < 880:
            line = f"ts={ts} {plain[(x >> 40) & 7]} site={site} device={dev} dst={host}"
            if truth:
                yield line, plain_truth("diagnostic", cats, host, dcc, site, ips)
            else:
                yield line, None
            continue
        cc = SITES[site]
        rec = Rec("diagnostic", cats, site, host, dcc)
        if kind < 930:
            fc = f"E{1000 + ((x >> 40) & 4095)}"
            line = (
                f"ts={ts} level=error comp=fw site={site} device={dev} fault_code={fc} "
                f"{pick(rng, LOGFMT_ERR)} dst={host}"
            )
            if rng.random() < 0.3:
                line += (
                    ' stack="Traceback (most recent call last):\\n  File \\"/opt/fw/diag.py\\",'
                    ' line 57, in poll\\nTimeoutError: [Errno 110] Connection timed out"'
                )
            yield line, (rec.finish(line) if truth else None)
            if rng.random() < 0.15:  # raw multi-line Go panic, one record per line
                for pl in GO_PANIC:
                    t = None
                    if truth:
                        t = Rec("stacktrace", ["diagnostic"]).finish(pl)
                    yield pl, t
            continue
        k = rng.random()
        head = f"ts={ts} level=warn comp=net site={site} device={dev}"
        if k < 0.3:
            line = (
                f'{head} msg="dhcp lease renewed" mac={rec.v("device_id.mac", P.mac())} '
                f"ip=10.20.{(x >> 40) & 255}.{((x >> 48) & 253) + 1} dst={host}"
            )
            rec.cats.add("device_id")
        elif k < 0.45:
            imei = P.imei()
            line = (
                f'{head} msg="lte modem attached" imei={rec.v("device_id.imei", imei)} dst={host}'
            )
        elif k < 0.6:
            _n, _nat, local = P.person(cc)
            email = rec.v("personal.email", P.email(cc, local))
            line = f'{head} msg="license check failed" licensee={email} dst={host}'
        elif k < 0.68:
            key = rec.v("secret.aws_access_key", P.aws_key())
            line = (
                f'{head} msg="config dump" aws_region=eu-central-1 aws_access_key_id={key} '
                f"dst={host}"
            )
        elif k < 0.75:
            line = f'{head} msg="token refreshed" token={rec.v("secret.jwt", P.jwt())} dst={host}'
        elif k < 0.82:
            iban = rec.v("personal.iban", P.iban())
            line = f'{head} msg="service invoice paid" iban="{iban}" dst={host}'
        elif k < 0.9:
            line = f'{head} msg="lte modem attached" imei={rec.d("device_id.imei", P.imei(True))}'
            line += f" dst={host}"
        elif k < 0.95:
            line = (
                f'{head} msg="payout ref" iban="{rec.d("personal.iban", P.iban(True))}" dst={host}'
            )
        else:
            line = f'{head} msg="bad peer address" peer={rec.d("network_id.ipv4", P.bad_ip())}'
            line += f" dst={host}"
        yield line, (rec.finish(line) if truth else None)


# ----- syslog RFC 5424 -----------------------------------------------------------------
BOM = "\ufeff"  # RFC 5424 allows MSG to start with a UTF-8 byte-order mark


def gen_syslog5424(rng, truth):
    P = Planter(rng)
    dpool = site_pools(DESTS)
    combos = []
    for gi, site in enumerate(SITE_LIST):
        for url, cc in dpool[site]:
            host = _host(url)
            combos.append((site, f"gw-{gi + 1:02d}", host, url, cc, _ips(host)))
    nc = len(combos)
    clock = Clock()
    rb = rng.getrandbits
    iso = clock.iso
    cats = ["diagnostic"]
    seq = 0
    while True:
        x = rb(64)
        ts = iso(x & 511)
        kind = (x >> 9) & 1023
        site, gw, host, url, dcc, ips = combos[((x >> 19) & 0xFFFFF) % nc]
        pid = 4000 + ((x >> 40) & 255)
        nbytes = 512 * (1 + ((x >> 48) & 127))
        seq += 1
        if kind < 900:
            if kind < 60:
                line = (
                    f'<134>1 {ts} {gw} shipper {pid} TLM [origin@32473 site="{site}" '
                    f'dst="{host}"][meta@32473 seq="{seq}"] {BOM if kind < 12 else ""}uploaded '
                    f"{nbytes} bytes to {url}"
                )
            else:
                line = (
                    f'<134>1 {ts} {gw} shipper {pid} TLM [origin@32473 site="{site}" dst="{host}"]'
                    f" uploaded {nbytes} bytes to {url}"
                )
            if truth:
                yield line, plain_truth("gateway", cats, host, dcc, site, ips)
            else:
                yield line, None
            continue
        cc = SITES[site]
        if kind < 940:
            line = f"<131>1 {ts} {gw} shipper - ERR - upload to {url} failed: connection reset"
            rec = Rec("gateway", cats, None, url, dcc)  # no structured data: origin unknown
            yield line, (rec.finish(line) if truth else None)
            continue
        rec = Rec("gateway", cats, site, host, dcc)
        sd = f'[origin@32473 site="{site}" dst="{host}"]'
        k = rng.random()
        src = pick(rng, ["203.0.113.7", "198.51.100.14", "192.0.2.200"])
        if k < 0.35:
            _n, _nat, local = P.person(cc)
            email = rec.v("personal.email", P.email(cc, local))
            line = (
                f'<38>1 {ts} {gw} authd {pid} AUTH {sd}[auth@32473 user="{email}" src="{src}"]'
                f" login accepted for {email} from {src}"
            )
        elif k < 0.5:
            jwt = rec.v("secret.jwt", P.jwt())
            line = f"<135>1 {ts} {gw} shipper {pid} CFG {sd} token refreshed: Bearer {jwt}"
        elif k < 0.7:
            mac = rec.v("device_id.mac", P.mac())
            line = f"<134>1 {ts} {gw} dhcpd {pid} - {sd} lease 10.20.{(x >> 40) & 255}.17 to {mac}"
            rec.cats.add("device_id")
        elif k < 0.8:
            _name, native, _l = P.person(cc)
            native = native.replace('"', "")
            line = (
                f'<133>1 {ts} {gw} hmi {pid} NOTE {sd}[note@32473 text="operator \\"{native}\\"'
                f' acked \\]AL-2041\\["] alarm acknowledged'
            )
            rec.cats.add("personal")
        else:
            bad = rec.d("network_id.ipv4", P.bad_ip())
            line = f"<132>1 {ts} {gw} shipper {pid} NET {sd} ignoring malformed peer {bad}"
        yield line, (rec.finish(line) if truth else None)


# ----- syslog RFC 3164 -----------------------------------------------------------------
def gen_syslog3164(rng, truth):
    P = Planter(rng)
    clock = Clock()
    rb = rng.getrandbits
    hosts = [f"plc-{i}" for i in range(1, 13)] + ["hmi-3", "opc-gw-2"]
    plain = [
        ("modbusd", "modbus poll ok unit={u} regs=40001-40064 rtt_ms={r}", None),
        ("ntpd", "adjusting local clock by 0.0{r}s", None),
        ("opcua", "forwarded {r} samples to 198.51.100.23:4840", "198.51.100.23"),
        ("opcua", "session renewed with 10.2.3.4:4840", "10.2.3.4"),
        ("cron", "(root) CMD (/opt/plc/bin/rotate-logs)", None),
        (
            "maintd",
            "forwarding logs to collector.example.de:514 site={site}",
            "collector.example.de",
        ),
        ("maintd", "heartbeat ok site={site}", None),
    ]
    DEST_CC = {"198.51.100.23": None, "10.2.3.4": None, "collector.example.de": "DE"}
    while True:
        x = rb(64)
        d, tod, _ms = clock.tick(x & 2047)
        stamp = f"{day_strings(d)[1]} {HMS[tod]}"
        host = hosts[((x >> 11) & 0xFFFF) % len(hosts)]
        pid = 200 + ((x >> 27) & 1023)
        kind = (x >> 37) & 1023
        site = SITE_LIST[((x >> 47) & 0xFFFF) % len(SITE_LIST)]
        if kind < 900:
            tag, tmpl, dst = plain[((x >> 47) & 0xFFFF) % len(plain)]
            msg = tmpl.format(u=(x >> 20) & 15, r=(x >> 30) & 511, site=site)
            line = f"<30>{stamp} {host} {tag}[{pid}]: {msg}"
            t = None
            if truth:
                cats = ["diagnostic"]
                rec = Rec("legacy", cats, site if "site=" in msg else None, dst, DEST_CC.get(dst))
                t = rec.finish(line)
            yield line, t
            continue
        cc = SITES[site]
        src = pick(rng, ["203.0.113.7", "203.0.113.61", "198.51.100.14"])
        k = rng.random()
        if k < 0.45:
            _n, _nat, local = P.person(cc)
            rec = Rec("legacy", ["diagnostic", "personal"], site, src, None)
            email = rec.v("personal.email", P.email(cc, local))
            line = (
                f"<34>{stamp} {host} maintd[{pid}]: remote maintenance session from {src} "
                f"user={email} site={site}"
            )
        elif k < 0.65:
            rec = Rec("legacy", ["diagnostic"], None, src, None)
            line = f"<38>{stamp} {host} sshd[{pid}]: Accepted publickey for maint from {src} port "
            line += f"{50000 + (x & 8191)} ssh2"
        elif k < 0.8:
            rec = Rec("legacy", ["diagnostic", "device_id"], None, None, None)
            mac = rec.v("device_id.mac", P.mac())
            line = f"<30>{stamp} {host} dhcpd[{pid}]: DHCPACK on 10.20.1.{(x & 127) + 2} to {mac}"
        elif k < 0.9:
            rec = Rec("legacy", ["personal"], site, None, None)
            native = P.person(cc)[1]
            if cc == "CN":
                ident = "id=" + rec.v("personal.cn_resident_id", P.cn_id())
            elif cc == "JP":
                ident = "my_number=" + rec.v("personal.jp_my_number", P.my_number())
            else:
                ident = "tel=" + rec.v(f"personal.phone_{cc.lower()}", P.phone(cc))
            line = (
                f"<37>{stamp} {host} badged[{pid}]: visitor {native} {ident} granted "
                f"gate={(x & 7) + 1} site={site}"
            )
        else:
            rec = Rec("legacy", ["diagnostic"], None, None, None)
            bad = rec.d("network_id.ipv4", P.bad_ip())
            line = f"<27>{stamp} {host} modbusd[{pid}]: invalid gateway address {bad} ignored"
        yield line, (rec.finish(line) if truth else None)


# ----- operator text log ---------------------------------------------------------------
TEXT_PLAIN = [
    "line {l} started recipe {rc} for work order WO-2026-{wo:06d}",
    "tool change T{t} on {serial}",
    "shift handover completed, no open alarms",
    "quality check passed lot LOT-{wo:06d}, 0 rejects",
    "preventive maintenance window scheduled for {serial}",
    "spindle warm-up finished on {serial}",
    "production schedule updated: {t} orders queued on line {l}",
]
PY_TB = [
    "Traceback (most recent call last):",
    '  File "/opt/uploader/push.py", line 88, in send',
    "    resp = session.put(url, data=chunk, timeout=30)",
    '  File "/usr/lib/python3/dist-packages/requests/sessions.py", line 649, in put',
    '    return self.request("PUT", url, data=data, **kwargs)',
]


def gen_text(rng, truth):
    P = Planter(rng)
    mach = machines(rng)
    dpool = site_pools(DESTS)
    clock = Clock()
    rb = rng.getrandbits
    while True:
        x = rb(64)
        d, tod, ms = clock.tick(x & 4095)
        stamp = f"{day_strings(d)[0]} {HMS[tod]},{ms:03d}"
        site = SITE_LIST[((x >> 12) & 0xFFFF) % len(SITE_LIST)]
        serial, _model, line_id = mach[site][((x >> 28) & 255) % 6]
        kind = (x >> 36) & 1023
        if kind < 860:
            msg = TEXT_PLAIN[((x >> 46) & 255) % len(TEXT_PLAIN)].format(
                l=line_id,
                rc=RECIPES[(x >> 54) & 3],
                wo=(x >> 20) & 65535,
                t=(x >> 56) & 31,
                serial=serial,
            )
            line = f"{stamp} INFO  [{site}] {msg}"
            t = None
            if truth:
                cats = ["operational", "device_id"] if serial in msg else ["operational"]
                t = Rec("operator", cats, site).finish(line)
            yield line, t
            continue
        cc = SITES[site]
        if kind < 900:  # Python traceback, one record per line
            url, dcc = pick(rng, dpool[site])
            host = _host(url)
            line = f"{stamp} ERROR [{site}] upload to {url} failed"
            yield (
                line,
                (Rec("operator", ["diagnostic"], site, url, dcc).finish(line) if truth else None),
            )
            for tl in PY_TB:
                yield tl, (Rec("stacktrace", ["diagnostic"]).finish(tl) if truth else None)
            last = (
                f"requests.exceptions.ConnectionError: HTTPSConnectionPool(host='{host}', "
                "port=443): Max retries exceeded with url: /upload"
            )
            yield (
                last,
                (
                    Rec("stacktrace", ["diagnostic"], None, host, dcc).finish(last)
                    if truth
                    else None
                ),
            )
            continue
        rec = Rec("operator", ["personal"], site)
        name, native, local = P.person(cc)
        k = rng.random()
        if k < 0.15:
            email = rec.v("personal.email", P.email(cc, local))
            line = (
                f"{stamp} INFO  [{site}] operator {native} <{email}> logged in at HMI-{(x & 7) + 1}"
            )
        elif k < 0.27:
            ph = rec.v(f"personal.phone_{cc.lower()}", P.phone(cc))
            line = f"{stamp} INFO  [{site}] on-call for {line_id} tonight: {native}, tel. {ph}"
        elif k < 0.47:
            if cc == "CN":
                idn = rec.v("personal.cn_resident_id", P.cn_id())
                ph = rec.v("personal.phone_cn", P.phone("CN"))
                line = f"{stamp} INFO  [{site}] contractor badge issued: {native} 身份证 {idn} {ph}"
            elif cc == "JP":
                mn = rec.v("personal.jp_my_number", P.my_number())
                line = f"{stamp} INFO  [{site}] HR sync: {native} マイナンバー {mn} registered"
            elif cc == "DE":
                tid = rec.v("personal.de_tax_id", P.de_tax())
                iban = rec.v("personal.iban", P.iban())
                line = (
                    f"{stamp} DEBUG [{site}] payroll export: {name}; Steuer-ID {tid}; IBAN {iban}"
                )
            else:
                ph = rec.v("personal.phone_vn", P.phone("VN"))
                email = rec.v("personal.email", P.email(cc, local))
                line = f"{stamp} INFO  [{site}] new technician {native} ({email}, {ph})"
        elif k < 0.57:
            card = rec.v("personal.payment_card", P.card())
            line = f"{stamp} INFO  [{site}] spare parts order paid by {name}, card {card}"
        elif k < 0.64:
            rec.cats.discard("personal")
            key = rec.v("secret.aws_access_key", P.aws_key())
            line = f"{stamp} DEBUG [{site}] boto3 credentials loaded: aws_access_key_id={key}"
        elif k < 0.71:
            rec.cats.discard("personal")
            jwt = rec.v("secret.jwt", P.jwt())
            line = f"{stamp} DEBUG [{site}] request headers: {{'Authorization': 'Bearer {jwt}'}}"
        elif k < 0.81:
            ip = pick(rng, ["203.0.113.7", "198.51.100.14"])
            line = f"{stamp} WARN  [{site}] remote session by {native} from {ip} ({local})"
        else:  # decoys only
            rec.cats.discard("personal")
            rec.cats.add("operational")
            f = rng.random()
            if f < 0.2:
                v = rec.d("personal.cn_resident_id", P.cn_id(decoy=True))
                line = f"{stamp} INFO  [{site}] traceability code {v} printed"
            elif f < 0.4:
                v = rec.d("personal.jp_my_number", P.my_number(decoy=True))
                line = f"{stamp} INFO  [{site}] pallet {v} shipped"
            elif f < 0.55:
                v = rec.d("personal.de_tax_id", P.de_tax(decoy=True))
                line = f"{stamp} INFO  [{site}] drawing no. {v} rev B released"
            elif f < 0.7:
                v = rec.d("personal.payment_card", P.card(decoy=True))
                line = f"{stamp} INFO  [{site}] PO {v} approved"
            elif f < 0.85:
                v = rec.d("personal.iban", P.iban(decoy=True))
                line = f"{stamp} WARN  [{site}] rejected bank ref {v}: checksum"
            else:
                v = rec.d("secret.aws_access_key", P.aws_key(decoy=True))
                line = f"{stamp} INFO  [{site}] firmware build {v} deployed"
        yield line, (rec.finish(line) if truth else None)


GENERATORS = {
    "jsonl": gen_jsonl,
    "csv": gen_csv,
    "tsv": gen_tsv,
    "logfmt": gen_logfmt,
    "syslog5424": gen_syslog5424,
    "syslog3164": gen_syslog3164,
    "text": gen_text,
}


# ---------------------------------------------------------------------------------------
def parse_size(s: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", s.upper())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {s!r} (e.g. 500KB, 200MB, 1GB)")
    mult = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[m.group(2)]
    return int(float(m.group(1)) * mult)


def write_format(fmt, out_dir, size, seed, truth_fh, scope):
    fname = FILES[fmt]
    rng = random.Random(f"borderscan-sample:{seed}:{fmt}")
    gen = GENERATORS[fmt](rng, truth_fh is not None)
    path = os.path.join(out_dir, fname)
    written = 0
    lineno = 0
    buf = []
    pending = 0
    with open(path, "wb") as fh:
        for line, t in gen:
            buf.append(line)
            lineno += 1
            n = (len(line) if line.isascii() else len(line.encode())) + 1
            written += n
            pending += n
            if t is not None:
                if scope == "all":
                    keep = bool(t["categories"])
                else:
                    keep = bool(t["decoys"]) or any(k != "network_id.ipv4" for k in t["values"])
                if keep:
                    truth_fh.write(
                        json.dumps({"file": fname, "line": lineno, **t}, ensure_ascii=False) + "\n"
                    )
            if pending >= 1 << 20:
                buf.append("")
                fh.write("\n".join(buf).encode())
                buf.clear()
                pending = 0
            if written >= size:
                break
        if buf:
            buf.append("")
            fh.write("\n".join(buf).encode())
    return path, written, lineno


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory (created if missing)")
    ap.add_argument(
        "--size",
        type=parse_size,
        default=parse_size("40KB"),
        help="approximate size of each file, e.g. 500KB, 200MB, 1GB (default 40KB)",
    )
    ap.add_argument("--format", default="all", choices=[*GENERATORS, "all"])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--truth", help="write ground truth JSON Lines to this file")
    ap.add_argument(
        "--truth-scope",
        choices=["all", "sensitive"],
        default="all",
        help="all: every record with a category; sensitive: only records with "
        "planted values (other than IPs) or decoys",
    )
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    fmts = list(GENERATORS) if a.format == "all" else [a.format]
    with contextlib.ExitStack() as stack:
        truth_fh = None
        if a.truth:
            truth_fh = stack.enter_context(open(a.truth, "w", encoding="utf-8", newline="\n"))
        for fmt in fmts:
            t0 = time.perf_counter()
            path, n, lines = write_format(fmt, a.out, a.size, a.seed, truth_fh, a.truth_scope)
            dt = time.perf_counter() - t0
            print(
                f"{path}: {n} bytes, {lines} lines, {dt:.2f}s ({n / max(dt, 1e-9) / 1e6:.0f} MB/s)",
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
