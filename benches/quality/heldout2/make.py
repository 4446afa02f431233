# ruff: noqa: RUF001
"""Write set (e) of the quality harness: fixtures and labels.json, deterministically.

    python3 benches/quality/heldout2/make.py            # (re)write the files
    python3 benches/quality/heldout2/make.py --check    # compare with the files on disk
    python3 benches/quality/heldout2/make.py --summary  # the composition tables (README)

Standard library only. See README.md next to this file for what the set is and how its
records are labelled (the rules are ../own/README.md's).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import ids  # noqa: E402
import values as V  # noqa: E402
from templates import FRAGMENTS, LOOK_REFS, TEMPLATES, T  # noqa: E402

SEED = 20260306
CATEGORIES = ["personal", "device_id", "network_id", "geolocation", "secret", "calibration",
              "sensor", "diagnostic", "operational", "quality", "model"]
CONTENT = {"sensor", "diagnostic", "calibration", "operational", "quality", "model"}
SLOTS_PER_CATEGORY = 9  # per category and format
NONE_SLOTS = 50  # per format
FRAGMENT_RATE = 0.22
LOOK_RATE = 0.11
NOISE_RATE = 0.35
HOST_IP_RATE = 0.05
WARN = {"warn", "error", "crit"}
NONE_WEIGHTS = {"none.lookalike_ref": 1.5, "none.lookalike_doc": 1.5}


# ---------------------------------------------------------------------------- files


@dataclass
class File:
    path: str
    format: str
    dialect: str
    langs: dict[str, float]
    room: float = 1.0
    bias: dict[str, float] = field(default_factory=dict)
    writes_level: bool = True
    writes_host: bool = True
    header: list[str] | None = None
    delimiter: str = ","


FILES = [
    File("jsonl/otel_logs.jsonl", "jsonl", "otel_json",
         {"en": 1, "pl": 2, "nl": 2, "sv": 2}),
    File("jsonl/splunk_hec.jsonl", "jsonl", "splunk_hec",
         {"en": 1, "tr": 2, "de": 1.5, "ar": 2}),
    File("jsonl/lambda_cloudwatch.jsonl", "jsonl", "cloudwatch_lambda",
         {"en": 1, "ja": 2, "id": 2, "zh": 1.5}, writes_host=False,
         bias={"geolocation": 2, "device_id": 1.5}),
    File("jsonl/docker_containers.jsonl", "jsonl", "docker_json_file",
         {"en": 1, "ru": 2, "cs": 2, "zh": 1.5}, writes_host=False),
    File("jsonl/azure_apptraces.jsonl", "jsonl", "azure_apptraces",
         {"en": 1, "hi": 2, "th": 2, "nl": 1}),
    File("jsonl/sparkplug_ddata.jsonl", "jsonl", "sparkplug_b_json",
         {"en": 1, "de": 1.5, "pl": 1.5, "th": 1.5, "ja": 1.5}, room=0.8,
         writes_level=False, writes_host=False,
         bias={"sensor": 3, "geolocation": 2, "secret": 0.3, "model": 0.5, "personal": 0.4}),
    File("csv/haccp_kontrola.csv", "csv", "csv_pl",
         {"pl": 3, "en": 1}, header=["Data", "Godzina", "Poziom", "Stanowisko", "Zakład",
                                      "Komunikat"], delimiter=";",
         bias={"quality": 2, "sensor": 1.5}),
    File("csv/part11_audit_trail.csv", "csv", "csv_part11",
         {"en": 1.5, "hi": 2, "ar": 2},
         header=["Date/Time (UTC)", "Severity", "Workstation", "Site", "Module",
                 "Description"], bias={"personal": 1.5, "operational": 1.5}),
    File("csv/jitai_rizhi.csv", "csv", "csv_zh_tw",
         {"zh": 2.5, "ja": 1.5, "en": 1},
         header=["時間", "等級", "機台", "廠區", "模組", "訊息"]),
    File("csv/olay_gunlugu.csv", "csv", "csv_tr",
         {"tr": 3, "en": 1}, header=["Tarih", "Saat", "Seviye", "Cihaz", "Tesis", "Kaynak",
                                     "Mesaj"]),
    File("csv/storingslog.csv", "csv", "csv_nl",
         {"nl": 3, "en": 1}, header=["Tijdstip", "Niveau", "Installatie", "Locatie", "Bron",
                                     "Melding"], delimiter=";"),
    File("csv/zhurnal_sobytiy.csv", "csv", "csv_ru",
         {"ru": 3, "en": 1}, header=["Время", "Уровень", "Узел", "Объект", "Источник",
                                     "Сообщение"]),
    File("logfmt/gokit_collector.logfmt", "logfmt", "logfmt_gokit",
         {"en": 1, "sv": 2, "pl": 2, "ru": 1.5}),
    File("logfmt/slog_edge.log", "logfmt", "logfmt_slog",
         {"en": 1, "cs": 2, "id": 2, "th": 2, "tr": 1.5}),
    File("logfmt/structlog_workers.log", "logfmt", "logfmt_structlog",
         {"en": 1, "nl": 2, "hi": 2, "ar": 2, "de": 1}),
    File("syslog/scada_rtu.rfc3164.log", "syslog-3164", "rfc3164_pid",
         {"en": 1, "ru": 2, "ar": 2, "tr": 1.5}),
    File("syslog/rsyslog_sites.log", "syslog-3164", "rfc3164_nopid",
         {"en": 1, "sv": 2, "th": 2, "id": 2, "hi": 2}),
    File("syslog/bms_controllers.rfc3164.log", "syslog-3164", "rfc3164_paren",
         {"en": 1, "de": 1.5, "nl": 1.5, "pl": 1.5, "zh": 1.5, "ja": 1.5, "cs": 1.5}),
    File("syslog/syslogng_plants.rfc5424.log", "syslog-5424", "rfc5424_sd",
         {"en": 1, "de": 1.5, "pl": 2, "nl": 2, "cs": 2}),
    File("syslog/windpark.rfc5424.log", "syslog-5424", "rfc5424_kv",
         {"en": 1, "sv": 2, "zh": 2, "ja": 2, "ar": 1.5, "hi": 1.5},
         bias={"sensor": 1.5, "geolocation": 1.5}),
    File("syslog/rail_depot.syslog", "syslog-5424", "rfc5424_mixed",
         {"en": 1, "ru": 2, "cs": 1.5, "pl": 1.5, "tr": 1.5, "th": 1.5, "id": 1.5}),
    File("text/windows_nxlog.txt", "text", "nxlog_text",
         {"en": 1, "de": 1.5, "pl": 1.5, "tr": 1.5, "ru": 1.5},
         bias={"personal": 1.5, "diagnostic": 1.5}),
    File("text/gitlab_ci_job.log", "text", "gitlab_ci", {"en": 3, "ja": 1, "zh": 1},
         room=0.8, writes_level=False, writes_host=False,
         bias={"model": 2, "secret": 2, "diagnostic": 2, "none": 1.5, "geolocation": 0.4,
               "personal": 0.5}),
    File("text/airflow_spark.log", "text", "airflow_spark", {"en": 1, "hi": 2, "id": 2, "nl": 1},
         writes_host=False, bias={"model": 2, "diagnostic": 1.5}),
    File("text/field_service.log", "text", "field_service",
         {"en": 0.5, "ar": 2, "th": 2, "hi": 1.5, "tr": 1, "ru": 1, "ja": 1.5, "zh": 1,
          "cs": 1, "sv": 1, "id": 1}, room=1.3),
]

APPS = {
    "otel_json": ["haccp-svc", "lims-bridge", "wtg-collector", "bms-api"],
    "splunk_hec": ["pasteur_ctl", "cold_chain", "ot_gateway", "press_mes"],
    "cloudwatch_lambda": ["coldchain-ingest", "eta-scorer", "tracker-webhook", "fleet-sync"],
    "docker_json_file": ["haccp-svc", "scada-bridge", "cycler-agent", "lims-sync"],
    "azure_apptraces": ["ebr-api", "lyo-monitor", "solar-portal", "line-mes"],
    "logfmt_gokit": ["flowcomp", "wtg-exporter", "mqtt-bridge", "ingester"],
    "logfmt_slog": ["edge-agent", "cycler-ctl", "bms-edge", "pack-line"],
    "logfmt_structlog": ["worker.tasks", "lab.sync", "ebr.export", "vm.pipeline"],
    "rfc3164_pid": ["rtu-agent", "dnp3d", "iec104d", "flowcomp", "scadad"],
    "rfc3164_nopid": ["wtgctl", "invmon", "pasteur", "coldstore", "kernel"],
    "rfc3164_paren": ["bacnetd", "ddc-ctl", "ahu-ctl", "kernel", "meterd"],
    "rfc5424_sd": ["ebr", "lyo-ctl", "filler", "lims", "autoclave"],
    "rfc5424_kv": ["scada", "wtg", "inverter", "ppc", "metmast"],
    "rfc5424_mixed": ["etcs-dmi", "habd", "depot-mx", "wayside", "pis"],
    "nxlog_text": ["Service Control Manager", "Microsoft-Windows-Security-Auditing",
                   "Historian", "Application Error", "MSSQLSERVER"],
    "field_service": ["svc-tool", "pump-fw", "acars", "xray-svc", "tracker"],
    "csv_pl": ["Pasteryzator", "Rozlewnia", "Laboratorium", "Magazyn"],
    "csv_part11": ["EBR", "LIMS", "DMS", "Autoclave", "Lyo-02", "Access"],
    "csv_zh_tw": ["FDC", "EAP", "RMS", "MES", "SPC"],
    "csv_tr": ["Dokuma", "Boyahane", "Enerji", "Bakım", "Sevkiyat"],
    "csv_nl": ["Zuivering", "Gemaal", "Laboratorium", "Telemetrie", "Kantoor-IT"],
    "csv_ru": ["АСУ ТП", "Телемеханика", "Учёт нефти", "Связь", "Сервер"],
}
EDGE_NODES = ["Line3-Filler", "WTG-A12", "INV-B07", "Cycler-Bank5", "Reefer-TRL-0417"]

TZ = {"pl": 1, "nl": 1, "de": 1, "sv": 1, "cs": 1, "tr": 3, "ru": 5, "ar": 3, "th": 7, "id": 7,
      "hi": 5.5, "zh": 8, "ja": 9, "en": 0}


# ---------------------------------------------------------------------------- placeholders


class Filler:
    """Fills a template's placeholders for one record; remembers named values and the
    look-alike identifiers it wrote."""

    def __init__(self, rng: random.Random, lang: str):
        self.rng = rng
        self.lang = lang
        self.cache: dict[str, str] = {}
        self.points: dict[str, tuple[float, float]] = {}
        self.look: list[tuple[str, str]] = []

    def fill(self, text: str) -> str:
        text = re.sub(r"\{([nic]):([^{}]*)\}", self._inline, text)
        return re.sub(r"\{([a-z_0-9]+)\}", lambda m: self.named(m.group(1)), text)

    def _inline(self, m: re.Match) -> str:
        kind, spec = m.group(1), m.group(2)
        r = self.rng
        if kind == "c":
            return r.choice(spec.split("|"))
        lo, _, rest = spec.partition("~")
        if kind == "i":
            return str(r.randint(int(lo), int(rest)))
        hi, _, dec = rest.partition(":")
        return f"{r.uniform(float(lo), float(hi)):.{int(dec or 0)}f}"

    def point(self, suffix: str) -> tuple[float, float]:
        if suffix not in self.points:
            self.points[suffix] = V.latlon(self.rng, self.lang)
        return self.points[suffix]

    def named(self, token: str) -> str:
        if token in self.cache:
            return self.cache[token]
        base = token if token in GENERATORS or token in POINT_FIELDS else token.rstrip("0123456789")
        suffix = token[len(base):]
        if base in POINT_FIELDS:
            out = POINT_FIELDS[base](self.point(suffix), self)
        elif base in GENERATORS:
            out = GENERATORS[base](self)
        else:
            raise KeyError(f"unknown placeholder {{{token}}}")
        self.cache[token] = out
        return out


def _look(f: Filler, kind: str | None = None) -> str:
    kind = kind or f.rng.choice(ids.LOOK_KINDS)
    v = ids.lookalike(f.rng, kind)
    f.look.append((kind, v))
    return v


IBAN_COUNTRY = {"pl": "PL", "nl": "NL", "tr": "TR", "sv": "SE", "cs": "CZ", "de": "DE",
                "ar": "SA", "en": "GB"}


def _serial(f: Filler) -> str:
    r = f.rng
    d = lambda n: "".join(r.choice("0123456789") for _ in range(n))  # noqa: E731
    u = lambda n: "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))  # noqa: E731
    return r.choice([f"{d(2)}{u(1)}{d(1)}-{d(7)}", f"{u(1)}{d(1)}{u(1)}{d(7)}", f"SN{d(4)}-{d(6)}",
                     f"{u(3)}{d(8)}", f"{d(4)}-{u(2)}-{d(5)}"])


def _date(f: Filler) -> str:
    y, m, d = 2024, f.rng.randint(1, 2), f.rng.randint(1, 28)
    if f.lang in ("de", "pl", "cs", "ru", "tr"):
        return f"{d:02d}.{m:02d}.{y}"
    if f.lang == "nl":
        return f"{d:02d}-{m:02d}-{y}"
    return f"{y}-{m:02d}-{d:02d}"


def _nmea_gga(pt: tuple[float, float], f: Filler) -> str:
    r = f.rng
    body = (f"GPGGA,{r.randint(0, 23):02d}{r.randint(0, 59):02d}{r.randint(0, 59):02d}.00,"
            f"{V.nmea_lat(pt[0])},{V.nmea_lon(pt[1])},1,{r.randint(6, 12):02d},"
            f"{r.uniform(0.6, 1.8):.1f},{r.uniform(2, 400):.1f},M,{r.uniform(-30, 50):.1f},M,,")
    cs = 0
    for ch in body:
        cs ^= ord(ch)
    return f"${body}*{cs:02X}"


POINT_FIELDS = {
    "lat": lambda p, f: f"{p[0]:.6f}",
    "lon": lambda p, f: f"{p[1]:.6f}",
    "latdms": lambda p, f: V.dms(p[0], "N", "S"),
    "londms": lambda p, f: V.dms(p[1], "E", "W"),
    "nmea_gga": _nmea_gga,
}

GENERATORS = {
    "name": lambda f: V.name(f.rng, f.lang),
    "login": lambda f: V.login(f.rng, f.lang),
    "email": lambda f: V.email(f.rng, f.lang),
    "phone": lambda f: V.phone(f.rng, f.lang),
    "address": lambda f: V.address(f.rng, f.lang),
    "card": lambda f: ids.card(f.rng),
    "iban": lambda f: ids.iban(f.rng, IBAN_COUNTRY.get(f.lang)),
    "aadhaar": lambda f: ids.aadhaar(f.rng),
    "pesel": lambda f: ids.pesel(f.rng),
    "bsn": lambda f: ids.bsn(f.rng),
    "tckn": lambda f: ids.tckn(f.rng),
    "sepnr": lambda f: ids.se_pnr(f.rng),
    "czrc": lambda f: ids.cz_rc(f.rng),
    "snils": lambda f: ids.snils(f.rng),
    "eid": lambda f: ids.emirates_id(f.rng),
    "thaiid": lambda f: ids.thai_id(f.rng),
    "detax": lambda f: ids.de_taxid(f.rng),
    "cnid": lambda f: ids.cn_id(f.rng),
    "mynum": lambda f: ids.mynumber(f.rng),
    "serial": _serial,
    "serialhex": lambda f: "".join(f.rng.choice("0123456789ABCDEF") for _ in range(
        f.rng.choice([12, 16, 20]))),
    "mac": lambda f: ids.mac(f.rng),
    "imei": lambda f: ids.imei(f.rng),
    "iccid": lambda f: ids.iccid(f.rng),
    "vin": lambda f: ids.vin(f.rng),
    "ip": lambda f: V.ipv4(f.rng),
    "ip6": lambda f: V.ipv6(f.rng),
    "s_pw": lambda f: V.secret(f.rng, "pw"),
    "s_aws": lambda f: V.secret(f.rng, "aws_secret"),
    "s_akid": lambda f: V.secret(f.rng, "aws_akid"),
    "s_glpat": lambda f: V.secret(f.rng, "glpat"),
    "s_sas": lambda f: V.secret(f.rng, "sas"),
    "s_jwt": lambda f: V.secret(f.rng, "jwt"),
    "s_hec": lambda f: V.secret(f.rng, "hec"),
    "s_sk": lambda f: V.secret(f.rng, "sk"),
    "s_gapi": lambda f: V.secret(f.rng, "gapi"),
    "s_pem": lambda f: V.secret(f.rng, "pem"),
    "look": _look,
    "date": _date,
    "lot": lambda f: V.noise_value(f.rng, "lot"),
    "blk": lambda f: V.noise_value(f.rng, "block"),
    "hex12": lambda f: "".join(f.rng.choice("0123456789abcdef") for _ in range(12)),
    "ver": lambda f: f"{f.rng.randint(1, 9)}.{f.rng.randint(0, 20)}.{f.rng.randint(0, 30)}",
    "ver3": lambda f: f"{f.rng.randint(1, 5)}.{f.rng.randint(0, 12)}.{f.rng.randint(0, 9)}",
    "ver4": lambda f: (f"{f.rng.randint(1, 12)}.{f.rng.randint(0, 40)}.{f.rng.randint(0, 250)}."
                       f"{f.rng.randint(1, 250)}"),
}


# ---------------------------------------------------------------------------- records


@dataclass
class Rec:
    file: File
    lang: str
    template: T
    level: str
    text: str
    fields: list[tuple[str, str]]
    cats: set[str]
    look: list[tuple[str, str]]
    host: str = ""
    host_is_ip: bool = False
    app: str = ""
    site: str = ""
    ts: dt.datetime | None = None
    pid: int = 0
    line: str = ""


def draw_level(rng: random.Random, t: T) -> str:
    if isinstance(t.level, list):
        return rng.choice(t.level)
    if t.level == "info" and rng.random() < 0.15:
        return rng.choice(["debug", "notice"])
    return t.level


def make_record(rng: random.Random, f: File, cat: str) -> Rec:
    # the language first (the file's weights), then a template that has it
    lang = rng.choices(list(f.langs), list(f.langs.values()))[0]
    ok = [t for t in TEMPLATES if (t.primary == cat or (cat == "none" and not t.cats))
          and (not t.where or f.dialect in t.where)]
    pool = [t for t in ok if lang in t.texts]
    if not pool:  # no phrasing of this category in that language: any the file speaks
        pool = [t for t in ok if set(t.texts) & set(f.langs)]
    # a line its own program writes (a template limited to this dialect) comes up more often
    weights = [NONE_WEIGHTS.get(t.id, 1.0) * (1.0 if not t.where else 3.0 if len(t.where) > 1
                                               else 8.0) for t in pool]
    t = rng.choices(pool, weights)[0]
    if lang not in t.texts:
        langs = [x for x in f.langs if x in t.texts]
        lang = rng.choices(langs, [f.langs[x] for x in langs])[0]
    filler = Filler(rng, lang)
    text = filler.fill(t.texts[lang])
    fields = []
    for key, value in t.fields:
        k = key.get(lang, key["en"]) if isinstance(key, dict) else key
        fields.append((k, filler.fill(value)))
    cats = set(t.cats)
    level = draw_level(rng, t)
    # an extra fragment on content records
    if cats & CONTENT and rng.random() < FRAGMENT_RATE:
        fcat = rng.choice(["personal", "personal", "device_id", "network_id", "geolocation"])
        frag = filler.fill(rng.choice(FRAGMENTS[fcat][lang]))
        text = f"{text} {frag}"
        cats.add(fcat)
    # a look-alike reference on records without personal or device-id data
    if not cats & {"personal", "device_id"} and not filler.look and rng.random() < LOOK_RATE:
        if rng.random() < 0.5:
            text = f"{text} {filler.fill(LOOK_REFS[lang])}"
        else:
            key = rng.choice(["doc_ref", "tracking_no", "barcode", "ticket"])
            fields.append((key, filler.fill("{look}")))
    if rng.random() < NOISE_RATE:
        fields.append(V.noise(rng))
    if f.writes_level and level in WARN:
        cats.add("diagnostic")
    return Rec(f, lang, t, level, text, fields, cats, list(filler.look))


def deal(rng: random.Random) -> dict[str, list[Rec]]:
    by_format: dict[str, list[File]] = defaultdict(list)
    for f in FILES:
        by_format[f.format].append(f)
    out: dict[str, list[Rec]] = {f.path: [] for f in FILES}
    for files in by_format.values():
        slots = [c for c in CATEGORIES for _ in range(SLOTS_PER_CATEGORY)] + ["none"] * NONE_SLOTS
        for cat in slots:
            w = [f.room * f.bias.get(cat, 1.0) for f in files]
            f = rng.choices(files, w)[0]
            out[f.path].append(make_record(rng, f, cat))
    for recs in out.values():
        rng.shuffle(recs)
    return out


# ---------------------------------------------------------------------------- envelopes


LEVEL_WORDS = {
    "csv_pl": {"debug": "DEBUG", "info": "INFO", "notice": "POWIADOMIENIE", "warn": "OSTRZEŻENIE",
               "error": "BŁĄD", "crit": "KRYTYCZNY"},
    "csv_part11": {"debug": "Debug", "info": "Information", "notice": "Notice",
                   "warn": "Warning", "error": "Error", "crit": "Critical"},
    "csv_zh_tw": {"debug": "除錯", "info": "資訊", "notice": "通知", "warn": "警告",
                  "error": "錯誤",
                  "crit": "嚴重"},
    "csv_tr": {"debug": "HATA AYIKLAMA", "info": "BİLGİ", "notice": "BİLDİRİM", "warn": "UYARI",
               "error": "HATA", "crit": "KRİTİK"},
    "csv_nl": {"debug": "DEBUG", "info": "INFO", "notice": "MELDING", "warn": "WAARSCHUWING",
               "error": "FOUT", "crit": "KRITIEK"},
    "csv_ru": {"debug": "ОТЛАДКА", "info": "ИНФО", "notice": "УВЕДОМЛЕНИЕ",
               "warn": "ПРЕДУПРЕЖДЕНИЕ", "error": "ОШИБКА", "crit": "АВАРИЯ"},
    "field_service": {
        "en": {"debug": "DBG", "info": "INF", "notice": "NTC", "warn": "WRN", "error": "ERR",
               "crit": "CRT"},
        "ar": {"debug": "تصحيح", "info": "معلومات", "notice": "إشعار", "warn": "تحذير",
               "error": "خطأ", "crit": "حرج"},
        "th": {"debug": "ดีบัก", "info": "ข้อมูล", "notice": "แจ้งให้ทราบ", "warn": "คำเตือน",
               "error": "ข้อผิดพลาด", "crit": "วิกฤต"},
        "hi": {"debug": "डीबग", "info": "सूचना", "notice": "नोटिस", "warn": "चेतावनी",
               "error": "त्रुटि", "crit": "गंभीर"},
        "tr": {"debug": "AYIKLAMA", "info": "BİLGİ", "notice": "BİLDİRİM", "warn": "UYARI",
               "error": "HATA", "crit": "KRİTİK"},
        "ru": {"debug": "ОТЛАДКА", "info": "ИНФО", "notice": "УВЕДОМЛ", "warn": "ПРЕДУПР",
               "error": "ОШИБКА", "crit": "КРИТИЧ"},
        "ja": {"debug": "デバッグ", "info": "情報", "notice": "通知", "warn": "警告",
               "error": "エラー", "crit": "重大"},
        "zh": {"debug": "调试", "info": "信息", "notice": "通知", "warn": "警告", "error": "错误",
               "crit": "严重"},
        "cs": {"debug": "LADĚNÍ", "info": "INFO", "notice": "OZNÁMENÍ", "warn": "VAROVÁNÍ",
               "error": "CHYBA", "crit": "KRITICKÉ"},
        "sv": {"debug": "FELSÖK", "info": "INFO", "notice": "NOTERING", "warn": "VARNING",
               "error": "FEL", "crit": "KRITISK"},
        "id": {"debug": "DEBUG", "info": "INFO", "notice": "PEMBERITAHUAN", "warn": "PERINGATAN",
               "error": "GALAT", "crit": "KRITIS"},
    },
}
SYSLOG_SEV = {"debug": 7, "info": 6, "notice": 5, "warn": 4, "error": 3, "crit": 2}
OTEL_SEV = {"debug": (5, "DEBUG"), "info": (9, "INFO"), "notice": (10, "INFO2"),
            "warn": (13, "WARN"), "error": (17, "ERROR"), "crit": (21, "FATAL")}
AZURE_SEV = {"debug": 0, "info": 1, "notice": 1, "warn": 2, "error": 3, "crit": 4}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _num(v: str):
    """A field value as a JSON number when it is one (no leading zero, not a version)."""
    if re.fullmatch(r"-?(0|[1-9]\d*)(\.\d+)?", v):
        return float(v) if "." in v else int(v)
    return v


def _kv(fields, quote_all=False) -> str:
    out = []
    for k, v in fields:
        if quote_all or re.search(r'[\s"=]', v) or v == "":
            v = '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out.append(f"{k}={v}")
    return " ".join(out)


def _with_fields(text: str, fields, style: str = "kv") -> str:
    if not fields:
        return text
    if style == "paren":
        return f"{text} (" + ", ".join(f"{k}: {v}" for k, v in fields) + ")"
    return f"{text} {_kv(fields)}"


def _sd_escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _local(ts: dt.datetime, f: File) -> dt.datetime:
    """The file's local time: the zone of the language it speaks most."""
    lang = max(f.langs, key=lambda x: (f.langs[x], x))
    return ts.astimezone(dt.timezone(dt.timedelta(hours=TZ[lang])))


def _iso(ts: dt.datetime, digits: int = 3) -> str:
    s = ts.strftime("%Y-%m-%dT%H:%M:%S")
    frac = f"{ts.microsecond:06d}"[:digits]
    off = ts.strftime("%z")
    off = "Z" if off == "+0000" else f"{off[:3]}:{off[3:]}"
    return f"{s}.{frac}{off}" if digits else f"{s}{off}"


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def render(rec: Rec, rng: random.Random, seq: int) -> str:
    d = rec.file.dialect
    ts, lang, lvl = rec.ts, rec.lang, rec.level
    text, fields = rec.text, rec.fields
    if d == "otel_json":
        num, word = OTEL_SEV[lvl]
        nanos = int(ts.timestamp()) * 10 ** 9 + ts.microsecond * 1000 + rng.randint(0, 999)
        attrs = [{"key": k, "value": ({"doubleValue": _num(v)} if isinstance(_num(v), float) else
                                      {"intValue": str(_num(v))} if isinstance(_num(v), int) else
                                      {"stringValue": v})} for k, v in fields]
        obj = {"resource": {"attributes": [
            {"key": "service.name", "value": {"stringValue": rec.app}},
            {"key": "host.name", "value": {"stringValue": rec.host}},
            {"key": "site", "value": {"stringValue": rec.site}}]},
            "timeUnixNano": str(nanos),
            "observedTimeUnixNano": str(nanos + rng.randint(10 ** 5, 10 ** 8)),
            "severityNumber": num, "severityText": word, "body": {"stringValue": text},
            "attributes": attrs}
        if rng.random() < 0.4:
            obj["traceId"] = "".join(rng.choice("0123456789abcdef") for _ in range(32))
            obj["spanId"] = "".join(rng.choice("0123456789abcdef") for _ in range(16))
        return _dumps(obj)
    if d == "splunk_hec":
        ev = {"severity": {"warn": "warning", "crit": "critical"}.get(lvl, lvl),
              "message": text, "site": rec.site}
        ev.update({k: _num(v) for k, v in fields})
        return _dumps({"time": round(ts.timestamp(), 3), "host": rec.host,
                       "source": f"{rec.app}:{rec.pid}", "sourcetype": f"ot:{rec.app}",
                       "index": "ot_events", "event": ev})
    if d == "cloudwatch_lambda":
        req = V.noise_value(rng, "request_id")
        word = {"debug": "DEBUG", "info": "INFO", "notice": "INFO", "warn": "WARN",
                "error": "ERROR", "crit": "FATAL"}[lvl]
        msg = f"{_iso(ts.astimezone(dt.UTC))}\t{req}\t{word}\t{_with_fields(text, fields)}\n"
        return _dumps({"id": str(rng.randint(10 ** 55, 10 ** 56 - 1)),
                       "timestamp": int(ts.timestamp() * 1000), "message": msg,
                       "logGroup": f"/aws/lambda/{rec.app}",
                       "logStream": f"{ts:%Y/%m/%d}/[$LATEST]{V.noise_value(rng, 'hex32')}"})
    if d == "docker_json_file":
        word = {"debug": "DEBUG", "info": "INFO ", "notice": "INFO ", "warn": "WARN ",
                "error": "ERROR", "crit": "FATAL"}[lvl]
        loc = _local(ts, rec.file)
        inner = (f"{loc:%Y-%m-%d %H:%M:%S}.{loc.microsecond // 1000:03d} {word} [{rec.app}] "
                 f"{_with_fields(text, fields)}\n")
        return _dumps({"log": inner, "stream": "stderr" if lvl in WARN else "stdout",
                       "time": ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.")
                       + f"{ts.microsecond:06d}{rng.randint(100, 999)}Z"})
    if d == "azure_apptraces":
        props = {"site": rec.site, **{k: v for k, v in fields}}
        return _dumps({"TimeGenerated": ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.")
                       + f"{ts.microsecond:06d}0Z", "Message": text,
                       "SeverityLevel": AZURE_SEV[lvl], "AppRoleName": rec.app,
                       "AppRoleInstance": rec.host, "Properties": props,
                       "OperationId": V.noise_value(rng, "hex32"), "Type": "AppTraces"})
    if d == "sparkplug_b_json":
        ms = int(ts.timestamp() * 1000)
        metrics = [{"name": {"de": "Ereignis/Text", "pl": "Zdarzenie/Tekst", "th": "เหตุการณ์/ข้อความ",
                             "ja": "イベント/テキスト"}.get(lang, "Event/Text"),
                    "timestamp": ms, "dataType": "String", "value": text}]
        for k, v in fields:
            n = _num(v)
            metrics.append({"name": k, "timestamp": ms,
                            "dataType": "Double" if isinstance(n, float) else
                            "Int64" if isinstance(n, int) else "String", "value": n})
        return _dumps({"topic": f"spBv1.0/{rec.site.replace(' ', '_')}/DDATA/{rec.host}/{rec.app}",
                       "payload": {"timestamp": ms, "metrics": metrics, "seq": seq % 256}})
    if d.startswith("csv_"):
        words = LEVEL_WORDS[d]
        loc = _local(ts, rec.file)
        msg = _with_fields(text, fields, "paren" if d in ("csv_nl", "csv_ru") else "kv")
        if d == "csv_pl":
            row = [f"{loc:%d.%m.%Y}", f"{loc:%H:%M:%S}", words[lvl], rec.host, rec.site, msg]
        elif d == "csv_part11":
            row = [f"{ts.astimezone(dt.UTC):%d-%b-%Y %H:%M:%S}", words[lvl], rec.host, rec.site,
                   rec.app, msg]
        elif d == "csv_zh_tw":
            row = [f"{loc:%Y/%m/%d %H:%M:%S}", words[lvl], rec.host, rec.site, rec.app, msg]
        elif d == "csv_tr":
            row = [f"{loc:%d.%m.%Y}", f"{loc:%H:%M:%S}", words[lvl], rec.host, rec.site, rec.app,
                   msg]
        elif d == "csv_nl":
            row = [f"{loc:%d-%m-%Y %H:%M:%S}", words[lvl], rec.host, rec.site, rec.app, msg]
        else:  # csv_ru
            row = [f"{loc:%d.%m.%Y %H:%M:%S}", words[lvl], rec.host, rec.site, rec.app, msg]
        return csv_line(row, rec.file.delimiter)
    if d == "logfmt_gokit":
        word = {"notice": "info", "crit": "error"}.get(lvl, lvl)
        head = [("level", word), ("ts", _iso(ts.astimezone(dt.UTC), 6)),
                ("caller", f"{rng.choice(['collector', 'poller', 'session', 'main'])}.go:"
                           f"{rng.randint(40, 400)}"),
                ("component", rec.app), ("host", rec.host), ("msg", text)]
        return _kv(head + fields)
    if d == "logfmt_slog":
        word = {"debug": "DEBUG", "info": "INFO", "notice": "INFO", "warn": "WARN",
                "error": "ERROR",
                "crit": "ERROR+4"}[lvl]
        head = [("time", _iso(_local(ts, rec.file), 3)), ("level", word),
                ("source", f"/app/internal/{rec.app.replace('-', '')}/run.go:"
                           f"{rng.randint(20, 300)}"),
                ("msg", text), ("host", rec.host), ("site", rec.site)]
        return _kv(head + fields)
    if d == "logfmt_structlog":
        word = {"notice": "info", "crit": "critical", "warn": "warning"}.get(lvl, lvl)
        parts = [("event", text), ("level", word), ("logger", rec.app), ("host", rec.host),
                 *fields, ("timestamp", _iso(ts.astimezone(dt.UTC), 6))]
        return " ".join(f"{k}={_pyrepr(v)}" for k, v in parts)
    if d.startswith("rfc3164"):
        pri = 8 * rng.choice([1, 3, 16, 17, 20, 23]) + SYSLOG_SEV[lvl]
        loc = _local(ts, rec.file)
        stamp = f"{MONTHS[loc.month - 1]} {loc.day:2d} {loc:%H:%M:%S}"
        if d == "rfc3164_pid":
            return f"<{pri}>{stamp} {rec.host} {rec.app}[{rec.pid}]: {_with_fields(text, fields)}"
        if d == "rfc3164_nopid":
            return f"<{pri}>{stamp} {rec.host} {rec.app}: {_with_fields(text, fields)}"
        return f"<{pri}>{stamp} {rec.host} {rec.app}: {_with_fields(text, fields, 'paren')}"
    if d.startswith("rfc5424"):
        pri = 8 * rng.choice([1, 16, 17, 18, 19]) + SYSLOG_SEV[lvl]
        stamp = _iso(_local(ts, rec.file), 6 if d == "rfc5424_sd" else 3)
        msgid = rng.choice(["EVT", "ALM", "TLM", "AUD", "-"]) if d != "rfc5424_sd" else "-"
        if d == "rfc5424_sd":
            sd = f'[meta sequenceId="{seq}"][site@18060 name="{_sd_escape(rec.site)}"]'
            if rec.host_is_ip:
                sd += f'[origin ip="{rec.host}" software="syslog-ng"]'
            if fields:
                sd += "[fields@18060 " + " ".join(f'{k}="{_sd_escape(v)}"' for k, v in fields) + "]"
            return f"<{pri}>1 {stamp} {rec.host} {rec.app} {rec.pid} {msgid} {sd} {text}"
        if d == "rfc5424_kv":
            return (f"<{pri}>1 {stamp} {rec.host} {rec.app} - {msgid} - "
                    f"{_with_fields(text, [('site', rec.site), *fields])}")
        if fields and rng.random() < 0.5:
            sd = "[x@32473 " + " ".join(f'{k}="{_sd_escape(v)}"' for k, v in fields) + "]"
            return f"<{pri}>1 {stamp} {rec.host} {rec.app} {rec.pid} {msgid} {sd} {text}"
        return (f"<{pri}>1 {stamp} {rec.host} {rec.app} {rec.pid} {msgid} - "
                f"{_with_fields(text, fields)}")
    if d == "nxlog_text":
        word = {"debug": "VERBOSE", "info": "INFO", "notice": "INFO", "warn": "WARNING",
                "error": "ERROR", "crit": "CRITICAL"}[lvl]
        loc = _local(ts, rec.file)
        event_id = rng.choice([7036, 7031, 4624, 1000, 17137, 0])
        return (f"{loc:%Y-%m-%d %H:%M:%S} {rec.host} {word} {event_id} "
                f"{rec.app}: {_with_fields(text, fields)}")
    if d == "gitlab_ci":
        stream = "00E" if rng.random() < 0.3 else "00O"
        return f"{_iso(ts.astimezone(dt.UTC), 6)} {stream} {_with_fields(text, fields)}"
    if d == "airflow_spark":
        if rng.random() < 0.6:
            word = {"notice": "INFO", "warn": "WARNING", "crit": "CRITICAL"}.get(lvl, lvl.upper())
            src = rng.choice(["taskinstance.py:1138", "logging_mixin.py:188",
                              "standard_task_runner.py:60",
                              "python.py:201"])
            utc = ts.astimezone(dt.UTC)
            return (f"[{utc:%Y-%m-%dT%H:%M:%S}.{ts.microsecond // 1000:03d}+0000] "
                    f"{{{src}}} {word} - {_with_fields(text, fields)}")
        word = {"notice": "INFO", "crit": "ERROR"}.get(lvl, lvl.upper())
        cls = rng.choice(["TaskSetManager", "DAGScheduler", "BlockManagerInfo", "Executor",
                          "SparkContext"])
        utc = ts.astimezone(dt.UTC)
        return f"{utc:%y/%m/%d %H:%M:%S} {word} {cls}: {_with_fields(text, fields)}"
    if d == "field_service":
        words = LEVEL_WORDS["field_service"].get(lang, LEVEL_WORDS["field_service"]["en"])
        loc = _local(ts, rec.file)
        return (f"{loc:%Y-%m-%d %H:%M:%S}.{loc.microsecond // 1000:03d} | {words[lvl]} | "
                f"{rec.host} | "
                f"{rec.app} | {_with_fields(text, fields)}")
    raise ValueError(d)


def _pyrepr(v: str) -> str:
    n = _num(v)
    return str(n) if not isinstance(n, str) else repr(v)


def csv_line(row: list[str], delimiter: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow(row)
    return buf.getvalue().rstrip("\n")


# ---------------------------------------------------------------------------- build


def build() -> tuple[dict[str, str], dict]:
    rng = random.Random(SEED)
    dealt = deal(rng)
    out: dict[str, str] = {}
    labels = {"about": "Set (e) of the quality harness, held out and written blind: labels of "
                       "benches/quality/heldout2/. Keys: file (relative to this folder), then "
                       "line number (1-based, as the scanner counts). c = categories the record "
                       "truly contains ([] = none), lang, t = template, look = look-alike "
                       "identifiers in it (kind, value: invalid check digits, never "
                       "personal/device_id). Rules: ../own/README.md; set: README.md.",
              "seed": SEED, "files": {}}
    start = dt.datetime(2024, 3, 4, 5, 0, tzinfo=dt.UTC)
    for f in FILES:
        recs = dealt[f.path]
        ts = start + dt.timedelta(minutes=rng.randint(0, 600))
        lines = []
        entry = {"format": f.format, "dialect": f.dialect,
                 "header_lines": 1 if f.header else 0, "lines": {}}
        if f.header:
            lines.append(csv_line(f.header, f.delimiter))
        for seq, rec in enumerate(recs, start=1):
            ts += dt.timedelta(seconds=rng.randint(1, 900), microseconds=rng.randint(0, 999999))
            rec.ts = ts
            rec.pid = rng.randint(300, 65000)
            rec.site = V.site(rng, rec.lang)
            if f.dialect == "sparkplug_b_json":
                rec.host = rng.choice(EDGE_NODES)
                rec.app = rng.choice(["PLC1", "Gateway", "Tracker", "BMS"])
            else:
                rec.app = rng.choice(APPS.get(f.dialect, ["app"]))
                if f.writes_host and rng.random() < HOST_IP_RATE:
                    rec.host, rec.host_is_ip = V.ipv4(rng), True
                    rec.cats.add("network_id")
                else:
                    rec.host = rng.choice(V.HOSTS)
            line = render(rec, rng, seq)
            check(rec, line)
            lines.append(line)
            n = len(lines)
            lab = {"c": sorted(rec.cats), "lang": rec.lang, "t": rec.template.id}
            if rec.look:
                lab["look"] = [list(x) for x in rec.look]
            entry["lines"][str(n)] = lab
        out[f.path] = "\n".join(lines) + "\n"
        labels["files"][f.path] = entry
    out["labels.json"] = labels_json(labels)
    return out, labels


def labels_json(labels: dict) -> str:
    """One line per record, as set (c)'s labels.json."""
    parts = ["{", f' "about": {json.dumps(labels["about"])},', f' "seed": {labels["seed"]},',
             ' "files": {']
    files = list(labels["files"].items())
    for i, (path, e) in enumerate(files):
        parts.append(f"  {json.dumps(path)}: {{")
        parts.append(f'   "format": {json.dumps(e["format"])},')
        parts.append(f'   "dialect": {json.dumps(e["dialect"])},')
        parts.append(f'   "header_lines": {e["header_lines"]},')
        parts.append('   "lines": {')
        items = list(e["lines"].items())
        for j, (n, lab) in enumerate(items):
            comma = "," if j < len(items) - 1 else ""
            parts.append(f"    {json.dumps(n)}: {json.dumps(lab, ensure_ascii=False)}{comma}")
        parts.append("   }")
        parts.append("  }" + ("," if i < len(files) - 1 else ""))
    parts += [" }", "}"]
    return "\n".join(parts) + "\n"


def check(rec: Rec, line: str) -> None:
    """What the labels claim is in the rendered line."""
    assert "\n" not in line and "\r" not in line, rec.template.id
    for kind, v in rec.look:
        assert v in line or v.replace(" ", "") in line, (kind, v, line)
    if rec.host_is_ip:
        assert rec.host in line
    if "diagnostic" in rec.cats and "diagnostic" not in rec.template.cats:
        assert (rec.file.writes_level and rec.level in WARN) or "diagnostic" in rec.cats
    if rec.file.format == "jsonl":
        json.loads(line)
    if rec.file.format == "csv":
        row = next(csv.reader([line], delimiter=rec.file.delimiter))
        assert len(row) == len(rec.file.header), (row, rec.file.path)


# ---------------------------------------------------------------------------- summary


def summary(labels: dict) -> str:
    fmts = ["jsonl", "csv", "logfmt", "syslog-5424", "syslog-3164", "text"]
    cat_cells: Counter = Counter()
    lang_cells: Counter = Counter()
    recs: Counter = Counter()
    multi = looks = 0
    look_kinds: Counter = Counter()
    per_file = []
    for path, e in labels["files"].items():
        langs = Counter()
        for lab in e["lines"].values():
            f = e["format"]
            recs[f] += 1
            langs[lab["lang"]] += 1
            lang_cells[(lab["lang"], f)] += 1
            for c in lab["c"] or ["none"]:
                cat_cells[(c, f)] += 1
            multi += len(lab["c"]) > 1
            looks += len(lab.get("look", []))
            for k, _ in lab.get("look", []):
                look_kinds[k] += 1
        per_file.append((path, e["format"], e["dialect"], len(e["lines"]),
                         " ".join(x for x, _ in langs.most_common())))
    out = ["| file | format | dialect | records | languages (most first) |",
           "|---|---|---|---|---|"]
    out += [f"| `{p}` | {f} | {d} | {n} | {la} |" for p, f, d, n, la in per_file]
    out += ["", "| category | " + " | ".join(fmts) + " | all |", "|---|" + "---|" * (len(fmts) + 1)]
    for c in [*CATEGORIES, "none"]:
        row = [cat_cells[(c, f)] for f in fmts]
        out.append(f"| {c} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    out.append("| **records** | " + " | ".join(str(recs[f]) for f in fmts)
               + f" | {sum(recs.values())} |")
    for lang in V.LANGS:
        row = [lang_cells[(lang, f)] for f in fmts]
        out.append(f"| {lang} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    n = sum(recs.values())
    out += ["", f"{multi} records have more than one category; {looks} look-alike identifiers "
            f"({', '.join(f'{k} {v}' for k, v in sorted(look_kinds.items()))}); "
            f"none {cat_cells_sum(cat_cells, 'none')} of {n} "
            f"({100 * cat_cells_sum(cat_cells, 'none') / n:.0f} %)."]
    return "\n".join(out)


def cat_cells_sum(cells: Counter, c: str) -> int:
    return sum(v for (cc, _), v in cells.items() if cc == c)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the files on disk")
    ap.add_argument("--summary", action="store_true", help="print the composition tables")
    a = ap.parse_args(argv)
    ids.selftest()
    out, labels = build()
    if a.summary:
        print(summary(labels))
        return 0
    if a.check:
        bad = [p for p, text in out.items()
               if not (HERE / p).is_file() or (HERE / p).read_text(encoding="utf-8") != text]
        if bad:
            print("differs from make.py's output: " + ", ".join(bad), file=sys.stderr)
            return 1
        print(f"ok: {len(out)} files as make.py writes them")
        return 0
    for p, text in out.items():
        path = HERE / p
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(out)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
