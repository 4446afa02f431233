# ruff: noqa: RUF001, E501
"""Write set (f): every fixture of benches/quality/heldout3/ and its labels.json.

    python3 benches/quality/heldout3/make.py            # write
    python3 benches/quality/heldout3/make.py --check    # compare with the files on disk
    python3 benches/quality/heldout3/make.py --summary  # composition tables

Standard library only, seeded: the same bytes on every run. How a record is made and
labelled: README.md next to this file; the labelling rules: ../own/README.md.
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
from templates import TEMPLATES, T  # noqa: E402

SEED = 20241117
CATEGORIES = ["personal", "device_id", "network_id", "geolocation", "secret", "calibration",
              "sensor", "diagnostic", "operational", "quality", "model"]
CONTENT = {"sensor", "diagnostic", "calibration", "operational", "quality", "model"}
IDCATS = {"personal", "device_id", "network_id", "geolocation", "secret"}
FORMATS = ["jsonl", "csv", "logfmt", "syslog-5424", "syslog-3164", "text"]
SLOTS_PER_CATEGORY = 9
NONE_PER_FORMAT = 50
P_FRAGMENT = 0.22
P_LOOK = 0.2
P_NOISE = 0.35
P_IP_HOST = 0.05
LOOK_KINDS = ["card", "iban", "cn_id", "de_taxid", "imei", "mynumber", "ro_cnp", "il_id"]


@dataclass
class File:
    path: str
    format: str
    dialect: str
    langs: dict[str, int]
    inds: tuple[str, ...]
    hosts: list[str]
    apps: list[str]
    tz: int  # minutes east of UTC
    room: float = 1.0
    bias: dict[str, float] = field(default_factory=dict)
    comma: bool = False  # decimal comma in the text of comma languages
    writes_level: bool = True
    writes_host: bool = True
    sites: list[str] = field(default_factory=list)  # the sites the dialect writes


def F(path, fmt, dialect, langs, inds, hosts, apps, tz, **kw) -> File:
    return File(path, fmt, dialect, langs, tuple(inds.split()), hosts, apps, tz, **kw)


FILES = [
    # ---------------------------------------------------------------- jsonl
    F("jsonl/gelf_pulp_glass.jsonl", "jsonl", "gelf", {"fi": 4, "de": 2, "en": 2},
      "paper glass", ["pm3-qcs-gw", "pk4-dcs-01", "float2-hmi", "lasi-edge-03"],
      ["pm3.qcs", "pm3.dcs", "float.furnace", "coldend.inspect", "mill.it"], 120, room=1.0, sites=['Kuusankosken tehdas', 'PK4 konesali', 'FI-KV-01', 'Werk Herzberg', 'Jyväskylän yksikkö']),
    F("jsonl/serilog_lifts_hvac.jsonl", "jsonl", "serilog", {"hu": 3, "de": 2, "he": 2, "en": 2},
      "bldg", ["bms-app-01", "lift-gw-b2", "acs-srv", "hvac-edge-4"],
      ["Lift.Gateway.Doors", "Hvac.Chillers.Plant", "Access.Control.Events", "Bms.Core.Scheduler"], 60, room=1.0, sites=['Irodaház B', 'HU-BUD-03', 'Standort Glashütte Süd', 'מגדל משרדים חיפה', 'Bürogebäude Nord']),
    F("jsonl/csms_ocpp.jsonl", "jsonl", "ocpp", {"da": 3, "nb": 3, "vi": 1, "en": 2},
      "ev", ["csms-1", "csms-2", "ocpp-gw-a"],
      ["dk.nordlys.csms.ocpp.WsHandler", "dk.nordlys.csms.smart.Balancer", "dk.nordlys.csms.billing.Sessions"], 60, room=1.0, bias={"personal": 1.3}, sites=['Ladeanlæg Vejle', 'Ladepark Gardermoen', 'DK-OD-01', 'NO-OSL-02', 'Ladestasjon Kai 7']),
    F("jsonl/log4j2_mill_kiln.jsonl", "jsonl", "log4j2", {"uk": 4, "ro": 3, "zh": 2, "en": 2},
      "steel cement", ["hsm-l2-app1", "kiln-opc-02", "mes-ua-03"],
      ["ua.kryvbas.hsm.l2.Stands", "ro.ciment.kiln.Opc", "com.plant.mes.Orders", "com.plant.io.Poller"], 120, room=1.1, sites=['Комбінат Кривий Ріг', 'Цех гарячої прокатки 2', 'UA-KR-01', 'Fabrica de ciment Sud', 'RO-GL-02']),
    F("jsonl/k8s_events_ran.jsonl", "jsonl", "k8s", {"ms": 3, "ja": 3, "fa": 2, "en": 1},
      "telco", ["edge-node-1", "edge-node-2", "edge-node-3"],
      ["gnb-du-0", "gnb-cu-cp-0", "upf-0", "ran-optimizer-5d9c7", "kpi-exporter-7fb6d"], 480, room=1.0),
    F("jsonl/zap_dairy_farm.jsonl", "jsonl", "zap", {"da": 3, "sw": 3, "ja": 2, "en": 2},
      "agri", ["vms-box-ctrl", "farm-edge-01", "gh-climate-02"],
      ["milking.box", "herd.sync", "greenhouse.climate", "isobus.tc"], 180, room=0.9, sites=['Fyns Mejeri Nord', 'Stald 2', 'Shamba la Njoro', 'KE-NKR-01', '帯広事業所']),
    # ---------------------------------------------------------------- csv
    F("csv/uveggyar_naplo.csv", "csv", "csv_hu", {"hu": 5, "en": 1, "de": 1},
      "glass", ["KEM-HMI-01", "HIDEGVEG-PC", "KEVERO-PLC", "IT-SRV-03"],
      ["Kemence", "Hidegvég", "Keverék", "Rendszer"], 60, room=1.0, comma=True, sites=['Orosházi üveggyár', 'HU-OH-02', 'B csarnok', 'Float 2']),
    F("csv/cartiera_eventi.csv", "csv", "csv_it", {"it": 5, "en": 1},
      "paper", ["PM3-DCS", "QCS-PM3", "BOBINATRICE-2", "SRV-MES"],
      ["Macchina continua", "QCS", "Seccheria", "Sistema"], 60, room=1.0, comma=True, sites=['Cartiera di Porcari', 'Reparto PM3', 'Sito IT-LU-01', 'Magazzino bobine']),
    F("csv/tvornica_cementa.csv", "csv", "csv_hr", {"hr": 4, "sk": 2, "en": 1},
      "cement mine", ["PEC-OPC-1", "DROBILICA-HMI", "LAB-PC2", "SRV-SCADA"],
      ["Peć", "Drobilica", "Laboratorij", "Sustav"], 60, room=1.0, comma=True, sites=['Tvornica Koromačno', 'Pogon Pula', 'Kamenolom Sv. Juraj', 'Baňa Handlová']),
    F("csv/lims_ergastirio.csv", "csv", "csv_el", {"el": 5, "en": 1, "de": 1},
      "lab", ["LIMS-APP1", "HPLC-07", "ZYGOS-03", "CDS-SRV"],
      ["LIMS", "CDS", "Ζυγοί", "Σύστημα"], 120, room=1.0, comma=True, sites=['Εργαστήριο Θεσσαλονίκης', 'GR-SKG-01', 'Κτίριο Β', 'QC Lab 2']),
    F("csv/hoso_line_kiroku.csv", "csv", "csv_ja", {"ja": 3, "zh": 2, "vi": 2},
      "pack", ["PKG-L1-HMI", "PKG-L2-HMI", "CW-03", "SCADA-SV"],
      ["包装機", "計量", "ケーサー", "システム"], 540, room=1.0, sites=['浜松工場', '中部第二センター', '佛山南海工厂', 'Xưởng Tân Uyên 2']),
    # ---------------------------------------------------------------- logfmt
    F("logfmt/ami_headend.logfmt", "logfmt", "heroku", {"sw": 3, "ms": 2, "bn": 2, "en": 1},
      "water", ["web.1", "web.2", "worker.1", "worker.3"], ["app", "heroku"], 180, room=1.0, writes_host=False, sites=['DMA-03', 'DMA-07', 'DMA-12', 'Nakuru Zone B', 'Zon Klang Utara']),
    F("logfmt/dc_monitoring.logfmt", "logfmt", "prometheus", {"fi": 3, "da": 2, "de": 2, "en": 2, "zh": 1},
      "dc bldg", ["prom-01", "am-01", "ups-bridge-2", "bms-exporter"],
      ["alertmanager", "prometheus", "ups_bridge", "chiller_exporter"], 120, room=1.0),
    F("logfmt/printfarm.log", "logfmt", "elixir", {"ro": 3, "it": 2, "ja": 2, "vi": 2, "en": 2},
      "am robot", ["am-srv-1", "am-srv-2", "cell-ctrl-4"],
      ["PrintFarm.Job", "PrintFarm.Chamber", "RobotCell.Program", "PrintFarm.Quality"], 120, room=1.0, sites=['Fabrica Cluj Sud', 'Sito IT-LU-01', '浜松工場', 'Xưởng Tân Uyên 2', 'AM Hall 1']),
    # ---------------------------------------------------------------- syslog-5424
    F("syslog/junos_private5g.rfc5424.log", "syslog-5424", "junos", {"en": 2, "he": 2, "fa": 2, "ja": 2},
      "telco", ["mx204-core-01", "qfx-leaf-02", "core5g-amf-1", "ran-mgmt-01"],
      ["rpd", "mib2d", "mgd", "open5gs-amfd", "ran-manager", "kpi-collector"], 60, room=1.0, sites=['Core POP-1', 'IL-HFA-02', 'IR-IFN-01', 'JP-NGY-02', 'Private5G Campus']),
    F("syslog/lift_controllers.rfc5424.log", "syslog-5424", "multisd", {"el": 2, "fi": 2, "hu": 2, "zh": 2, "de": 2},
      "bldg", ["lcs-a1", "lcs-b2", "esc-ctrl-3", "acs-door-gw"],
      ["liftctl", "escalator", "acsd", "hvacd"], 120, room=1.0, sites=['Irodaház B', 'Κτίριο Β Πειραιά', 'FI-KV-01', '苏州二厂', 'Bürogebäude Nord']),
    F("syslog/mine_conveyors.syslog", "syslog-5424", "msgid", {"sk": 3, "uk": 2, "ro": 2, "vi": 2, "en": 2},
      "mine steel", ["dopravnik-plc1", "conv-gw-02", "vyh-hmi-3", "crusher-ipc"],
      ["convd", "beltscale", "crusherctl", "l2-mill"], 60, room=1.0),
    # ---------------------------------------------------------------- syslog-3164
    F("syslog/port_terminal.log", "syslog-3164", "port3164", {"nb": 3, "el": 2, "ms": 2, "zh": 2, "en": 1},
      "port", ["fw-ot-01", "reefer-gw-2", "sts07-plc", "ais-rx-1", "tos-app-3"],
      ["reeferd", "craneplc", "aisd", "tos", "gatectl"], 60, room=1.0),
    F("syslog/farm_controllers.rfc3164.log", "syslog-3164", "farm3164", {"da": 3, "fi": 2, "sw": 2, "de": 2, "ja": 2},
      "agri", ["stald2-ctrl", "gh-comp3", "tractor-tc", "kiwanda-gw"],
      ["vms", "climate", "isobus", "herd"], 60, room=1.0),
    F("syslog/autoclave_grinding.log", "syslog-3164", "ev3164", {"fa": 2, "he": 2, "bn": 2, "hr": 2, "de": 2, "en": 2},
      "aero grind nuclear", ["ac2-ctrl", "grind-07", "ni-rack-3", "ndt-pc"],
      ["curectl", "cncd", "nimsd", "recorder"], 210, room=1.0),
    # ---------------------------------------------------------------- text
    F("text/logcat_handhelds.txt", "text", "logcat", {"vi": 3, "ms": 2, "bn": 2, "en": 2},
      "port water", [], ["ScanSvc", "MeterRead", "ReeferApp", "GpsTracker", "SyncWorker"], 420, room=1.0, writes_host=False),
    F("text/eol_transcript.txt", "text", "pstranscript", {"de": 3, "hu": 3, "en": 1},
      "eol", [], ["Start-Pruefung.ps1"], 60, room=0.8, writes_host=False),
    F("text/grinder_journal.log", "text", "journalctl", {"zh": 3, "ja": 3, "ro": 2, "uk": 2, "en": 1},
      "grind robot", ["grind-ipc-07", "cell4-ipc", "grind-ipc-02"],
      ["nc-agent", "cellctl", "gauge-reader", "systemd"], 480, room=1.0, writes_level=False),
    F("text/nlog_bench.log", "text", "nlog", {"de": 2, "sk": 3, "it": 2, "en": 2, "zh": 2},
      "eol lab", [], ["Eol.Bench.Steps", "Eol.Bench.Io", "Lab.Cds.Bridge", "Eol.Bench.Results"], 60, room=1.0, writes_host=False),
    F("text/edge_runtimes.log", "text", "runtimes", {"fa": 2, "sw": 2, "hr": 2, "da": 2, "nb": 2, "en": 2},
      "dc water telco", [], ["ups-agent", "meter-bridge", "pdu-exporter", "edge-api"], 180, room=1.0, writes_host=False),
]

# level words per dialect: syslog severity 0-7 -> word
SEV = {
    "serilog": {7: "Debug", 6: "Information", 5: "Information", 4: "Warning", 3: "Error", 2: "Fatal"},
    "ocpp": {7: "DEBUG", 6: "INFO", 5: "INFO", 4: "WARN", 3: "ERROR", 2: "ERROR"},
    "log4j2": {7: "DEBUG", 6: "INFO", 5: "INFO", 4: "WARN", 3: "ERROR", 2: "FATAL"},
    "zap": {7: "debug", 6: "info", 5: "info", 4: "warn", 3: "error", 2: "fatal"},
    "csv_hu": {7: "HIBAKERESÉS", 6: "INFORMÁCIÓ", 5: "ÉRTESÍTÉS", 4: "FIGYELMEZTETÉS", 3: "HIBA", 2: "KRITIKUS"},
    "csv_it": {7: "DEBUG", 6: "INFO", 5: "NOTIFICA", 4: "AVVISO", 3: "ERRORE", 2: "CRITICO"},
    "csv_hr": {7: "OTKLANJANJE POGREŠAKA", 6: "INFORMACIJA", 5: "OBAVIJEST", 4: "UPOZORENJE", 3: "GREŠKA", 2: "KRITIČNO"},
    "csv_el": {7: "ΑΠΟΣΦΑΛΜΑΤΩΣΗ", 6: "ΠΛΗΡΟΦΟΡΙΑ", 5: "ΕΙΔΟΠΟΙΗΣΗ", 4: "ΠΡΟΕΙΔΟΠΟΙΗΣΗ", 3: "ΣΦΑΛΜΑ", 2: "ΚΡΙΣΙΜΟ"},
    "csv_ja": {7: "情報", 6: "情報", 5: "情報", 4: "警告", 3: "軽故障", 2: "重故障"},
    "heroku": {7: "debug", 6: "info", 5: "info", 4: "warn", 3: "error", 2: "error"},
    "prometheus": {7: "debug", 6: "info", 5: "info", 4: "warn", 3: "error", 2: "error"},
    "elixir": {7: "debug", 6: "info", 5: "notice", 4: "warning", 3: "error", 2: "critical"},
    "logcat": {7: "D", 6: "I", 5: "I", 4: "W", 3: "E", 2: "F"},
    "nlog": {7: "DEBUG", 6: "INFO", 5: "INFO", 4: "WARN", 3: "ERROR", 2: "FATAL"},
}

CSV_HEADERS = {
    "csv_hu": (";", ["Időbélyeg", "Szint", "Berendezés", "Üzem", "Modul", "Üzenet"]),
    "csv_it": ("\t", ["Data", "Ora", "Livello", "Macchina", "Stabilimento", "Reparto", "Messaggio"]),
    "csv_hr": (",", ["Vrijeme", "Razina", "Uređaj", "Pogon", "Izvor", "Poruka"]),
    "csv_el": (";", ["Ημερομηνία/Ώρα", "Επίπεδο", "Σταθμός εργασίας", "Εργαστήριο", "Ενότητα", "Μήνυμα"]),
    "csv_ja": (",", ["日付", "時刻", "重要度", "装置", "工場", "区分", "内容"]),
}
JA_KUBUN = {"sensor": "計測", "diagnostic": "保全", "calibration": "校正", "operational": "生産",
            "quality": "品質", "model": "解析", "personal": "システム", "device_id": "機器",
            "network_id": "通信", "geolocation": "システム", "secret": "システム", "none": "システム"}


@dataclass
class Rec:
    file: File
    lang: str
    slot: str
    t: T
    sev: int
    ts: dt.datetime
    text: str
    fields: dict
    v: dict
    kinds: set
    cats: set
    look: list = field(default_factory=list)
    host: str = ""
    host_is_ip: bool = False
    app: str = ""
    pid: int = 0
    site: str = ""
    extra_text: list = field(default_factory=list)
    stack: str | None = None


# ---------------------------------------------------------------- eligibility


def eligible(t: T, f: File, cat: str) -> bool:
    if t.cat != cat:
        return False
    if t.only and f.dialect not in t.only:
        return False
    if not any(i in ("any", "it") or i in f.inds for i in t.ind):
        return False
    return not (cat == "diagnostic" and "diagnostic" not in t.cats and not f.writes_level)


def langs_for(t: T, f: File) -> list[str]:
    if t.only:
        return ["en"] if "en" in t.text else []
    return [lang for lang in f.langs if lang in t.text]


# ---------------------------------------------------------------- dealing


def deal(rng: random.Random) -> dict[str, list[str]]:
    """Per file, the list of slot categories: per format 9 per category and the none
    slots, shared over the format's files by room x bias (largest remainder)."""
    out: dict[str, list[str]] = defaultdict(list)
    for fmt in FORMATS:
        files = [f for f in FILES if f.format == fmt]
        for cat in [*CATEGORIES, "none"]:
            n = SLOTS_PER_CATEGORY if cat != "none" else NONE_PER_FORMAT
            if fmt == "text" and cat == "none":
                n -= len([x for x in PS_HEADER + PS_FOOTER if not x[1]])
            ws = []
            for f in files:
                ok = any(eligible(t, f, cat) and langs_for(t, f) for t in TEMPLATES)
                ws.append(f.room * f.bias.get(cat, 1.0) if ok else 0.0)
            total = sum(ws)
            quotas = [n * w / total for w in ws]
            base = [int(q) for q in quotas]
            rest = n - sum(base)
            order = sorted(range(len(files)), key=lambda i: (-(quotas[i] - base[i]), rng.random()))
            for i in order[:rest]:
                base[i] += 1
            for f, k in zip(files, base, strict=True):
                out[f.path] += [cat] * k
    for f in FILES:
        rng.shuffle(out[f.path])
    return out


P_ONLY = 0.5  # a slot goes to the dialect's own records (OCPP frames, ASA, router lines) this often


def pick_template(rng: random.Random, f: File, cat: str, uses: Counter) -> tuple[T, str]:
    cands = [t for t in TEMPLATES if eligible(t, f, cat) and langs_for(t, f)]
    own = [t for t in cands if t.only]
    if own and (len(own) == len(cands) or rng.random() < P_ONLY):
        t = rng.choices(own, [1.0 / (1 + uses[x.id]) for x in own])[0]
        uses[t.id] += 1
        return t, "en"
    cands = [t for t in cands if not t.only]
    langs = sorted({lang for t in cands for lang in langs_for(t, f)})
    weights = [f.langs.get(lang, 1) for lang in langs]
    lang = rng.choices(langs, weights)[0]
    pool = [t for t in cands if lang in langs_for(t, f)]
    w = []
    for t in pool:
        x = 1.0 / (1 + uses[t.id])
        if any(i in f.inds for i in t.ind):
            x *= 2.5
        w.append(x)
    t = rng.choices(pool, w)[0]
    uses[t.id] += 1
    return t, lang


# ---------------------------------------------------------------- the parts of a record


def fmt_text(t: T, lang: str, v: dict) -> str:
    vv = dict(v)
    if "p" in v and isinstance(v["p"], tuple):
        vv["la"], vv["lo"] = v["p"]
    return t.text[lang].format(**vv)


def jsonable(x):
    if isinstance(x, V.Num):
        return x.json()
    if isinstance(x, dict):
        return {k: jsonable(y) for k, y in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(y) for y in x]
    return x


def strv(x) -> str:
    if isinstance(x, V.Num):
        return str(x)
    if isinstance(x, (dict, list)):
        return json.dumps(jsonable(x), ensure_ascii=False, separators=(",", ":"))
    return str(x)


def look_value(rng: random.Random, kind: str) -> tuple[str, str]:
    """(as written, as labelled) of a look-alike with wrong check digits."""
    if kind == "card":
        v = ids.card(rng, valid=False)
        assert not ids.luhn_ok(v)
        s = ids.group4(v) if rng.random() < 0.4 else v
        return s, s
    if kind == "iban":
        c = rng.choice(["DE", "IT", "HU", "FI", "DK", "NO", "GR", "SK", "HR", "RO"])
        v = ids.iban(rng, c, valid=False)
        s = ids.iban_grouped(v) if rng.random() < 0.4 else v
        return s, s
    if kind == "cn_id":
        v = ids.cn_id(rng, valid=False)
        return v, v
    if kind == "de_taxid":
        v = ids.de_taxid(rng, valid=False)
        return v, v
    if kind == "imei":
        v = ids.imei(rng, valid=False)
        return v, v
    if kind == "mynumber":
        v = ids.mynumber(rng, valid=False)
        return v, v
    if kind == "ro_cnp":
        v = ids.ro_cnp(rng, valid=False)
        return v, v
    v = ids.il_id(rng, valid=False)
    return v, v


def fragment(g: V.Gen, k: int) -> tuple[str, dict]:
    """(text in the record's language, field) of the k-th fragment kind."""
    tpl = V.FRAG[g.lang][k]
    if k == 0:
        p = g.person()
        return tpl.format(p=p), {"operator": p}
    if k == 1:
        e = g.empno()
        return tpl.format(e=e), {"emp_no": e}
    if k == 2:
        s = g.serial()
        return tpl.format(s=s), {"serial": s}
    if k == 3:
        m = g.mac()
        return tpl.format(m=m), {"mac": m}
    if k == 4:
        ip = g.ip()
        return tpl.format(ip=ip), {"src_ip": ip}
    la, lo = g.pos()
    return tpl.format(la=la, lo=lo), {"lat": la, "lon": lo}


STRUCTURED = {"gelf", "serilog", "ocpp", "log4j2", "zap", "heroku", "prometheus", "elixir",
              "junos", "multisd"}


def make_record(rng: random.Random, f: File, cat: str, uses: Counter, ts: dt.datetime) -> Rec:
    t, lang = pick_template(rng, f, cat, uses)
    V.set_decimal_comma(f.comma and lang in V.COMMA_LANGS)
    g = V.Gen(rng, lang)
    v = t.v(g)
    tkinds = set(g.kinds)
    derived = {V.KIND_CAT[k] for k in tkinds}
    declared_ids = t.cats & IDCATS
    assert derived <= t.cats, (t.id, derived, t.cats)
    assert declared_ids <= derived, (t.id, declared_ids, derived)
    flds = dict(t.f(g, v))
    stack = flds.pop("stack", None)
    text = fmt_text(t, lang, v) if t.text.get(lang) is not None else ""
    sev = rng.choice(t.levels)
    rec = Rec(f, lang, cat, t, sev, ts, text, flds, v, set(), set(t.cats), stack=stack)
    if not t.only and (t.cats & CONTENT) and rng.random() < P_FRAGMENT:
        k = rng.choices(range(6), [22, 12, 18, 12, 18, 18])[0]
        ftxt, ffld = fragment(g, k)
        rec.cats.add(V.FRAG_CATS[k])
        if f.dialect in STRUCTURED and rng.random() < 0.5:
            rec.fields.update(ffld)
        else:
            rec.extra_text.append(ftxt)
    if not t.only and not (rec.cats & {"personal", "device_id"}) and rng.random() < P_LOOK:
        kind = rng.choice(LOOK_KINDS)
        shown, val = look_value(rng, kind)
        rec.look.append([kind, val])
        if f.dialect in STRUCTURED and rng.random() < 0.5:
            key = rng.choice(V.LOOK_FIELDS)
            rec.fields[key] = int(shown) if shown.isdigit() and f.format == "jsonl" and rng.random() < 0.5 else shown
        else:
            rec.extra_text.append(V.LOOK_REF[lang].format(x=shown))
    if not t.only and rng.random() < P_NOISE:
        k, nv = V.noise(rng)
        rec.fields[k] = nv
    rec.kinds = set(g.kinds)
    assert {V.KIND_CAT[k] for k in rec.kinds} <= rec.cats, (t.id, rec.kinds, rec.cats)
    # envelope
    if f.hosts:
        if f.writes_host and not t.only and rng.random() < P_IP_HOST:
            rec.host = f"10.{rng.randint(0, 200)}.{rng.randint(0, 250)}.{rng.randint(2, 250)}"
            rec.host_is_ip = True
        else:
            rec.host = rng.choice(f.hosts)
    rec.app = t.app[0] if t.app else rng.choice(f.apps)
    rec.pid = rng.randint(300, 32000)
    rec.site = rng.choice(f.sites) if f.sites else rng.choice(V.SITES[lang])
    return rec


# ---------------------------------------------------------------- rendering helpers


def full_text(rec: Rec) -> str:
    return " ".join(x for x in [rec.text, *rec.extra_text] if x)


def kv_text(fields: dict, style: str = "eq") -> str:
    if not fields:
        return ""
    parts = []
    for k, x in fields.items():
        s = strv(x)
        if style == "eq":
            parts.append(f"{k}={s}" if " " not in s else f'{k}="{s}"')
        else:
            parts.append(f"{k}: {s}")
    if style == "eq":
        return " ".join(parts)
    if style == "semi":
        return "; ".join(parts)
    return "(" + ", ".join(parts) + ")"


def msg_with_fields(rec: Rec, style: str) -> str:
    s = full_text(rec)
    kv = kv_text(rec.fields, style)
    return f"{s} {kv}".strip() if kv else s


def iso(ts: dt.datetime, tz: int, frac: int = 3, sep: str = "T", zulu: bool = False) -> str:
    if zulu:
        u = ts.astimezone(dt.UTC)
        base = u.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
        return base + (f".{u.microsecond // 10 ** (6 - frac):0{frac}d}" if frac else "") + "Z"
    base = ts.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    if frac:
        base += f".{ts.microsecond // 10 ** (6 - frac):0{frac}d}"
    off = ts.strftime("%z")
    return base + off[:3] + ":" + off[3:]


def lf(k: str, v) -> str:
    s = strv(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    if s == "" or any(c in s for c in ' ="\\') or "\\n" in s:
        return f'{k}="{s}"'
    return f"{k}={s}"


def sd_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def pri(facility: int, sev: int) -> str:
    return f"<{facility * 8 + sev}>"


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def bsd_time(ts: dt.datetime) -> str:
    return f"{MONTHS[ts.month - 1]} {ts.day:2d} {ts.strftime('%H:%M:%S')}"


def one_line(s: str) -> str:
    return s.replace("\r", " ").replace("\n", " ")


# ---------------------------------------------------------------- OCPP frames


def ocpp_frame(rec: Rec, rng: random.Random) -> tuple[str, list]:
    v, tid = rec.v, rec.t.id
    uid = f"{rng.randint(10000000, 99999999)}"
    tsz = iso(rec.ts, rec.file.tz, zulu=True)
    if tid == "device_id.ocpp_boot":
        return "<-", [2, uid, "BootNotification", {"chargePointVendor": "Nordlys", "chargePointModel": rng.choice(["NL-22AC", "NL-150DC"]),
                                                   "chargePointSerialNumber": v["s"], "firmwareVersion": "2.4.11",
                                                   "iccid": v["ic"], "imsi": v["im"], "meterType": "EM340"}]
    if tid == "personal.ocpp_authorize":
        return "<-", [2, uid, "Authorize", {"idTag": v["tag"]}]
    if tid == "secret.ocpp_authkey":
        return "->", [2, uid, "ChangeConfiguration", {"key": "AuthorizationKey", "value": v["k"]}]
    if tid == "geolocation.ocpp_location":
        la, lo = v["p"]
        return "<-", [2, uid, "DataTransfer", {"vendorId": "dk.nordlys", "messageId": "GpsPosition",
                                               "data": json.dumps({"lat": la.json(), "lon": lo.json(), "fix": "3D"})}]
    if tid == "sensor.ocpp_meter":
        return "<-", [2, uid, "MeterValues", {"connectorId": 1, "transactionId": rng.randint(1000, 99999), "meterValue": [
            {"timestamp": tsz, "sampledValue": [
                {"value": str(v["e"]), "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
                {"value": str(v["p"].json()), "measurand": "Power.Active.Import", "unit": "kW"},
                {"value": str(v["soc"]), "measurand": "SoC", "unit": "Percent"},
                {"value": str(v["v_"].json()), "measurand": "Voltage", "unit": "V", "phase": "L1-N"}]}]}]
    if tid == "diagnostic.ocpp_fault":
        return "<-", [2, uid, "StatusNotification", {"connectorId": 1, "errorCode": v["e"], "status": "Faulted",
                                                     "timestamp": tsz, "vendorErrorCode": f"E{rng.randint(100, 999)}"}]
    if tid == "operational.ocpp_profile":
        return "->", [2, uid, "SetChargingProfile", {"connectorId": v["c"], "csChargingProfiles": {
            "chargingProfileId": rng.randint(1, 900), "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Absolute", "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": v["a"]}, {"startPeriod": 3600, "limit": v["a"] // 2}]}}}]
    if tid == "none.ocpp_heartbeat":
        if rng.random() < 0.5:
            return "<-", [2, uid, "Heartbeat", {}]
        return "->", [3, uid, {"currentTime": tsz}]
    if tid == "none.ocpp_available":
        return "<-", [2, uid, "StatusNotification", {"connectorId": rng.randint(1, 2), "errorCode": "NoError",
                                                     "status": rng.choice(["Available", "Preparing", "Finishing"]), "timestamp": tsz}]
    raise KeyError(tid)


# ---------------------------------------------------------------- dialects


def r_gelf(rec: Rec, rng: random.Random) -> str:
    d = {"version": "1.1", "host": rec.host, "short_message": full_text(rec),
         "timestamp": round(rec.ts.timestamp(), 3), "level": rec.sev,
         "_facility": rec.app, "_site": rec.site, "_event": rec.t.ev}
    if rec.stack:
        d["full_message"] = rec.stack
    for k, x in rec.fields.items():
        d["_" + k] = jsonable(x)
    return json.dumps(d, ensure_ascii=False)


def r_serilog(rec: Rec, rng: random.Random) -> str:
    d = {"@t": rec.ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{rec.ts.microsecond:06d}0Z",
         "@m": full_text(rec), "@i": f"{rng.getrandbits(32):08x}"}
    lvl = SEV["serilog"][rec.sev]
    if lvl != "Information":
        d["@l"] = lvl
    if rec.stack:
        d["@x"] = rec.stack
    d.update({k: jsonable(x) for k, x in rec.fields.items()})
    d.update({"SourceContext": rec.app, "MachineName": rec.host, "Site": rec.site,
              "EventId": {"Id": rng.randint(1000, 9999), "Name": rec.t.ev}})
    return json.dumps(d, ensure_ascii=False)


def r_ocpp(rec: Rec, rng: random.Random) -> str:
    cp = f"CP-{rng.randint(1, 180):04d}"
    if rec.t.only:
        direction, frame = ocpp_frame(rec, rng)
        msg = f"{direction} {cp} {json.dumps(frame, ensure_ascii=False, separators=(',', ':'))}"
        logger = "dk.nordlys.csms.ocpp.WsHandler"
    else:
        msg = full_text(rec)
        logger = rec.app
    d = {"@timestamp": iso(rec.ts, rec.file.tz), "@version": "1", "message": msg, "logger_name": logger,
         "thread_name": rng.choice(["ocpp-ws-2", "ocpp-ws-7", "scheduler-1", "http-nio-8443-exec-3"]),
         "level": SEV["ocpp"][rec.sev], "level_value": {7: 10000, 6: 20000, 5: 20000, 4: 30000, 3: 40000, 2: 40000}[rec.sev],
         "HOSTNAME": rec.host, "chargeBoxId": cp, "site": rec.site}
    d.update({k: jsonable(x) for k, x in rec.fields.items()})
    if rec.stack:
        d["stack_trace"] = rec.stack
    return json.dumps(d, ensure_ascii=False)


def r_log4j2(rec: Rec, rng: random.Random) -> str:
    d = {"instant": {"epochSecond": int(rec.ts.timestamp()), "nanoOfSecond": rec.ts.microsecond * 1000},
         "thread": rng.choice(["opc-poller-2", "main", "l2-setup-1", "pool-3-thread-5"]),
         "level": SEV["log4j2"][rec.sev], "loggerName": rec.app, "message": full_text(rec),
         "endOfBatch": False, "loggerFqcn": "org.apache.logging.slf4j.Log4jLogger",
         "contextMap": {"host": rec.host, "site": rec.site, **{k: strv(x) for k, x in rec.fields.items()}},
         "threadId": rng.randint(1, 120), "threadPriority": 5}
    if rec.stack:
        first, *frames = rec.stack.split("\n")
        name, _, message = first.partition(": ")
        d["thrown"] = {"commonElementCount": 0, "localizedMessage": message, "message": message, "name": name,
                       "extendedStackTrace": [{"class": fr.strip().removeprefix("at ").split("(")[0].rsplit(".", 1)[0],
                                               "method": fr.strip().removeprefix("at ").split("(")[0].rsplit(".", 1)[-1],
                                               "file": fr.split("(")[-1].split(":")[0] if "(" in fr else None,
                                               "line": int(re.sub(r"\D", "", fr.split(":")[-1]) or 0) if "(" in fr else -1}
                                              for fr in frames]}
    return json.dumps(d, ensure_ascii=False)


def r_k8s(rec: Rec, rng: random.Random) -> str:
    pod = rec.app + "-" + "".join(rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))
    kind = "InferenceService" if rec.t.id == "model.kserve_ready" else "Pod"
    name = rec.v.get("m", pod) if kind == "InferenceService" else pod
    msg = msg_with_fields(rec, "eq")
    tsz = iso(rec.ts, rec.file.tz, frac=0, zulu=True)
    d = {"apiVersion": "v1", "kind": "Event",
         "metadata": {"name": f"{name}.{rng.getrandbits(64):016x}", "namespace": "ran",
                      "uid": str(V.uuid.UUID(int=rng.getrandbits(128), version=4)),
                      "creationTimestamp": tsz},
         "involvedObject": {"kind": kind, "namespace": "ran", "name": name,
                            "apiVersion": "serving.kserve.io/v1beta1" if kind == "InferenceService" else "v1"},
         "reason": rec.t.ev, "message": msg,
         "source": {"component": rng.choice(["kubelet", "ran-operator"]) if kind == "Pod" else "kserve-controller", "host": rec.host},
         "firstTimestamp": tsz, "lastTimestamp": tsz, "count": rng.choice([1, 1, 1, 2, 4]),
         "type": "Warning" if rec.sev <= 4 else "Normal"}
    return json.dumps(d, ensure_ascii=False)


def r_zap(rec: Rec, rng: random.Random) -> str:
    d = {"level": SEV["zap"][rec.sev], "ts": round(rec.ts.timestamp(), 6),
         "logger": rec.app, "caller": f"{rec.app.split('.')[0]}/{rng.choice(['box.go', 'sync.go', 'climate.go', 'tc.go'])}:{rng.randint(20, 480)}",
         "msg": full_text(rec), "host": rec.host, "site": rec.site}
    d.update({k: jsonable(x) for k, x in rec.fields.items()})
    if rec.stack:
        d["stacktrace"] = rec.stack
    return json.dumps(d, ensure_ascii=False)


def csv_row(rec: Rec, rng: random.Random) -> list[str]:
    d = rec.file.dialect
    msg = one_line(msg_with_fields(rec, "colon" if d in ("csv_hu", "csv_el") else "eq"))
    lvl = SEV[d][rec.sev]
    ts = rec.ts
    if d == "csv_hu":
        return [ts.strftime("%Y.%m.%d. %H:%M:%S"), lvl, rec.host, rec.site, rec.app, msg]
    if d == "csv_it":
        return [ts.strftime("%d/%m/%Y"), ts.strftime("%H:%M:%S"), lvl, rec.host, rec.site, rec.app, msg]
    if d == "csv_hr":
        return [ts.strftime("%d.%m.%Y. %H:%M:%S"), lvl, rec.host, rec.site, rec.app, msg]
    if d == "csv_el":
        return [ts.strftime("%d/%m/%Y %H:%M:%S"), lvl, rec.host, rec.site, rec.app, msg]
    return [ts.strftime("%Y/%m/%d"), ts.strftime("%H:%M:%S"), lvl, rec.host, rec.site,
            JA_KUBUN[rec.slot if rec.slot in JA_KUBUN else "none"] if rec.cats else JA_KUBUN["none"], msg]


def r_heroku(rec: Rec, rng: random.Random) -> str:
    tsz = iso(rec.ts, rec.file.tz, frac=6, zulu=True)
    if rec.t.only:
        ip = rec.v["ip"]
        path = rng.choice(['"/api/v2/readings"', '"/api/v2/meters/batch"', '"/api/v2/alarms"', '"/healthz"'])
        if rec.t.id == "diagnostic.heroku_h12":
            return (f"time={tsz} source=heroku dyno=router at=error code=H12 desc=\"Request timeout\" method=POST path={path} "
                    f"host=ami-headend.herokuapp.com request_id={V.uuid.UUID(int=rng.getrandbits(128), version=4)} fwd=\"{ip}\" "
                    f"dyno=web.{rng.randint(1, 2)} connect=0ms service=30000ms status=503 bytes=0 protocol=https")
        return (f"time={tsz} source=heroku dyno=router at=info method=POST path={path} host=ami-headend.herokuapp.com "
                f"request_id={V.uuid.UUID(int=rng.getrandbits(128), version=4)} fwd=\"{ip}\" dyno=web.{rng.randint(1, 2)} "
                f"connect={rng.randint(0, 2)}ms service={rng.randint(8, 400)}ms status={rng.choice([200, 201, 204])} "
                f"bytes={rng.randint(80, 4000)} protocol=https")
    parts = [lf("time", tsz), "source=app", lf("dyno", rec.host), lf("at", SEV["heroku"][rec.sev]),
             lf("site", rec.site), lf("msg", full_text(rec))]
    parts += [lf(k, x) for k, x in rec.fields.items()]
    return " ".join(parts)


def r_prometheus(rec: Rec, rng: random.Random) -> str:
    parts = [lf("ts", iso(rec.ts, rec.file.tz, zulu=True)),
             lf("caller", rng.choice(["dispatch.go:352", "notify.go:848", "main.go:1170", "collector.go:210", "bridge.go:88"])),
             lf("level", SEV["prometheus"][rec.sev]), lf("component", rec.app), lf("host", rec.host),
             lf("msg", full_text(rec))]
    if rec.t.cat == "diagnostic" and rec.sev <= 4:
        parts.insert(5, lf("alertname", rec.t.ev))
    parts += [lf(k, x) for k, x in rec.fields.items()]
    if rec.stack:
        parts.append(lf("stack", rec.stack))
    return " ".join(parts)


def r_elixir(rec: Rec, rng: random.Random) -> str:
    parts = [lf("time", iso(rec.ts, rec.file.tz, zulu=True)), lf("level", SEV["elixir"][rec.sev]),
             lf("pid", f"<0.{rng.randint(200, 9000)}.0>"), lf("node", f"printfarm@{rec.host}"),
             lf("mfa", f"{rec.app}.handle_info/2"), lf("line", rng.randint(20, 400)), lf("event", rec.t.ev),
             lf("site", rec.site), lf("msg", full_text(rec))]
    parts += [lf(k, x) for k, x in rec.fields.items()]
    if rec.stack:
        parts.append(lf("stacktrace", rec.stack))
    return " ".join(parts)


def r_junos(rec: Rec, rng: random.Random) -> str:
    ts = iso(rec.ts, rec.file.tz)
    fac = 3 if rec.t.only else 16
    if rec.t.only:
        app = {"network_id.bgp_state": "rpd", "diagnostic.junos_linkdown": "mib2d", "none.junos_commit": "mgd"}[rec.t.id]
        v = rec.v
        if rec.t.id == "network_id.bgp_state":
            sd = f'[junos@2636.1.1.1.2.39 peer-name="{v["ip"]}" old-state="OpenConfirm" new-state="Established" event="RecvKeepAlive"]'
        elif rec.t.id == "diagnostic.junos_linkdown":
            sd = f'[junos@2636.1.1.1.2.39 snmp-interface-index="{v["x"]}" admin-status="up(1)" operational-status="down(2)" interface-name="{v["i"]}"]'
        else:
            sd = f'[junos@2636.1.1.1.2.39 username="{v["u"]}"]'
        return f"{pri(fac, rec.sev)}1 {ts} {rec.host} {app} {rec.pid} {rec.t.ev} {sd} {rec.text}"
    params = [f'site="{sd_escape(rec.site)}"'] + [f'{k}="{sd_escape(strv(x))}"' for k, x in rec.fields.items()]
    sd = "[ran@41672 " + " ".join(params) + "]"
    app = rec.app if rec.app not in ("rpd", "mib2d", "mgd") else "ran-manager"
    return f"{pri(fac, rec.sev)}1 {ts} {rec.host} {app} {rec.pid} {rec.t.ev} {sd} {full_text(rec)}"


def r_multisd(rec: Rec, rng: random.Random) -> str:
    ts = iso(rec.ts, rec.file.tz, frac=6)
    origin = f'[origin enterpriseId="52617" software="{rec.app}" swVersion="4.{rng.randint(0, 9)}.{rng.randint(0, 20)}"'
    if rec.host_is_ip:
        origin += f' ip="{rec.host}"'
    origin += "]"
    bank = f'[bldg@52617 site="{sd_escape(rec.site)}" bank="{rng.choice("ABC")}"]'
    extra = ""
    if rec.fields:
        extra = "[data@52617 " + " ".join(f'{k}="{sd_escape(strv(x))}"' for k, x in rec.fields.items()) + "]"
    return f"{pri(20, rec.sev)}1 {ts} {rec.host} {rec.app} {rec.pid} {rec.t.ev} {origin}{bank}{extra} {full_text(rec)}"


def r_msgid(rec: Rec, rng: random.Random) -> str:
    ts = iso(rec.ts, rec.file.tz)
    msg = msg_with_fields(rec, "semi")
    return f"{pri(17, rec.sev)}1 {ts} {rec.host} {rec.app} - {rec.t.ev} - {one_line(msg)}"


def r_port3164(rec: Rec, rng: random.Random) -> str:
    if rec.t.only:
        return f"{pri(20, rec.sev)}{bsd_time(rec.ts)} fw-ot-01 %ASA-{rec.sev}-{rec.t.ev}: {rec.text}"
    msg = one_line(msg_with_fields(rec, "eq"))
    return f"{pri(21, rec.sev)}{bsd_time(rec.ts)} {rec.host} {rec.app}[{rec.pid}]: {msg}"


def r_farm3164(rec: Rec, rng: random.Random) -> str:
    msg = one_line(msg_with_fields(rec, "colon"))
    return f"{pri(22, rec.sev)}{bsd_time(rec.ts)} {rec.host} {rec.app}: {msg}"


def r_ev3164(rec: Rec, rng: random.Random) -> str:
    msg = one_line(msg_with_fields(rec, "eq"))
    return f"{pri(23, rec.sev)}{bsd_time(rec.ts)} {rec.host} {rec.app}[{rec.pid}]: [{rec.t.ev}] {msg}"


def r_logcat(rec: Rec, rng: random.Random) -> str:
    msg = one_line(msg_with_fields(rec, "eq"))
    pid = rec.pid
    return (f"{rec.ts.strftime('%m-%d %H:%M:%S')}.{rec.ts.microsecond // 1000:03d} {pid:5d} {pid + rng.randint(1, 90):5d} "
            f"{SEV['logcat'][rec.sev]} {rec.app}: {msg}")


def r_journal(rec: Rec, rng: random.Random) -> str:
    msg = one_line(msg_with_fields(rec, "eq"))
    ts = rec.ts.strftime("%Y-%m-%dT%H:%M:%S%z")
    return f"{ts} {rec.host} {rec.app}[{rec.pid}]: {msg}"


def r_nlog(rec: Rec, rng: random.Random) -> str:
    msg = one_line(msg_with_fields(rec, "eq"))
    return f"{rec.ts.strftime('%Y-%m-%d %H:%M:%S')}.{rec.ts.microsecond // 100:04d}|{SEV['nlog'][rec.sev]}|{rec.app}|{msg}"


def r_runtimes(rec: Rec, rng: random.Random) -> str:
    ts = rec.ts
    if rec.t.id == "network_id.access_line":
        path = rng.choice(["/api/v1/pdu/outlets", "/metrics", "/api/v1/meters/summary", "/ups/status.json"])
        ua = rng.choice(["Prometheus/2.51.0", "Go-http-client/1.1", "okhttp/4.12.0", "curl/8.5.0"])
        return (f'{rec.v["ip"]} - - [{ts.strftime("%d/%b/%Y:%H:%M:%S %z")}] "GET {path} HTTP/1.1" '
                f'{rng.choice([200, 200, 304])} {rng.randint(120, 9000)} "-" "{ua}"')
    msg = one_line(msg_with_fields(rec, "eq"))
    style = rng.randrange(4)
    lvl = {7: "DEBUG", 6: "INFO", 5: "INFO", 4: "WARN", 3: "ERROR", 2: "ERROR"}[rec.sev]
    if style == 0:
        py = {7: "DEBUG", 6: "INFO", 5: "INFO", 4: "WARNING", 3: "ERROR", 2: "CRITICAL"}[rec.sev]
        return f"{ts.strftime('%Y-%m-%d %H:%M:%S')},{ts.microsecond // 1000:03d} - {rec.app.replace('-', '_')} - {py} - {msg}"
    if style == 1:
        return f"{ts.strftime('%Y-%m-%dT%H:%M:%S')}.{ts.microsecond // 1000:03d}{ts.strftime('%z')} [{lvl}]  {rec.app}: {msg}"
    if style == 2:
        u = ts.astimezone(dt.UTC)
        return f"[{u.strftime('%Y-%m-%dT%H:%M:%SZ')} {lvl:<5} {rec.app.replace('-', '_')}::worker] {msg}"
    pino = {7: "DEBUG", 6: "INFO", 5: "INFO", 4: "WARN", 3: "ERROR", 2: "FATAL"}[rec.sev]
    return f"[{ts.strftime('%H:%M:%S')}.{ts.microsecond // 1000:03d}] {pino} ({rec.app}/{rec.pid}): {msg}"


PS_PREFIX = {7: "DEBUGGEN: ", 5: "AUSFÜHRLICH: ", 4: "WARNUNG: "}

PS_HEADER = [  # (line, categories) - the German transcript header of Windows PowerShell 5.1
    ("**********************", []),
    ("Start der Windows PowerShell-Aufzeichnung", []),
    ("Startzeit: 20240311055902", []),
    ("Benutzername: PRUEF\\kovacse", ["personal"]),
    ("RunAs-Benutzer: PRUEF\\kovacse", ["personal"]),
    ("Konfigurationsname: ", []),
    ("Computer: EOL-BENCH-07 (Microsoft Windows NT 10.0.19045.0)", []),
    ("Hostanwendung: C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NoProfile -ExecutionPolicy Bypass -File D:\\EOL\\Start-Pruefung.ps1 -Station 7", []),
    ("Prozess-ID: 6120", []),
    ("PSVersion: 5.1.19041.4046", []),
    ("PSEdition: Desktop", []),
    ("PSCompatibleVersions: 1.0, 2.0, 3.0, 4.0, 5.0, 5.1.19041.4046", []),
    ("BuildVersion: 10.0.19041.4046", []),
    ("CLRVersion: 4.0.30319.42000", []),
    ("WSManStackVersion: 3.0", []),
    ("PSRemotingProtocolVersion: 2.3", []),
    ("SerializationVersion: 1.1.0.1", []),
    ("**********************", []),
    ("Die Aufzeichnung wurde gestartet. Die Ausgabedatei ist \"D:\\EOL\\logs\\PowerShell_transcript.EOL-BENCH-07.u2TcK1Qe.20240311055902.txt\".", []),
    ("PS D:\\EOL> .\\Start-Pruefung.ps1 -Station 7 -Verbose", []),
]
PS_FOOTER = [
    ("**********************", []),
    ("Ende der Windows PowerShell-Aufzeichnung", []),
    ("Endzeit: 20240311141733", []),
    ("**********************", []),
]


def r_pstranscript(rec: Rec, rng: random.Random) -> list[tuple[str, set]]:
    """One record, or two: an error record is followed by the line that says where."""
    msg = one_line(msg_with_fields(rec, "colon"))
    if rec.sev <= 3:
        out = [(f"D:\\EOL\\Start-Pruefung.ps1 : {msg}", set())]
        if rng.random() < 0.5:
            out.append((f"In D:\\EOL\\lib\\Pruefschritte.psm1:{rng.randint(40, 900)} Zeichen:{rng.randint(5, 30)}", {"diagnostic"}))
        return out
    if rec.sev == 6 and rng.random() < 0.5:
        return [(msg, set())]
    return [(PS_PREFIX.get(rec.sev, "AUSFÜHRLICH: ") + msg, set())]


RENDER = {"gelf": r_gelf, "serilog": r_serilog, "ocpp": r_ocpp, "log4j2": r_log4j2, "k8s": r_k8s,
          "zap": r_zap, "heroku": r_heroku, "prometheus": r_prometheus, "elixir": r_elixir,
          "junos": r_junos, "multisd": r_multisd, "msgid": r_msgid, "port3164": r_port3164,
          "farm3164": r_farm3164, "ev3164": r_ev3164, "logcat": r_logcat, "journalctl": r_journal,
          "nlog": r_nlog, "runtimes": r_runtimes}


# ---------------------------------------------------------------- labels


def labels_of(rec: Rec) -> set:
    cats = set(rec.cats)
    f = rec.file
    if f.writes_level and rec.sev <= 4:
        cats.add("diagnostic")
    if rec.host_is_ip and f.writes_host:
        cats.add("network_id")
    return cats


def check_line(rec: Rec, line: str, cats: set) -> None:
    assert "\n" not in line and "\r" not in line, line
    if rec.file.format == "jsonl":
        json.loads(line)
    for _kind, val in rec.look:
        assert val in line or val.replace(" ", "") in line, (val, line)
    if rec.host_is_ip:
        assert rec.host in line
    for k, x in rec.fields.items():  # every field is in the line (or its JSON)
        if k not in ("lat", "lon") and isinstance(x, str) and x not in line:
            assert json.dumps(x, ensure_ascii=False)[1:-1] in line or rec.file.dialect == "log4j2", (k, x, line)


# ---------------------------------------------------------------- writing


def build() -> tuple[dict[str, str], dict]:
    ids.selftest()
    rng = random.Random(SEED)
    slots = deal(rng)
    uses: Counter = Counter()
    outputs: dict[str, str] = {}
    labels: dict = {"about": "Set (f) of the quality harness: labels of benches/quality/heldout3/. "
                             "Keys: file (relative to this folder), then line number (1-based, as the scanner counts). "
                             "c = categories the record truly contains ([] = none), lang, t = template, look = look-alike "
                             "identifiers in it (kind, value: invalid check digits, never personal/device_id). "
                             "Rules: ../own/README.md; set: README.md.",
                    "seed": SEED, "files": {}}
    for f in FILES:
        tz = dt.timezone(dt.timedelta(minutes=f.tz))
        ts = dt.datetime(2024, 3, 11, 5, 40, 0, tzinfo=tz) + dt.timedelta(seconds=rng.randint(0, 3000))
        lines: list[str] = []
        lab: dict[str, dict] = {}
        header_lines = 0
        buf = io.StringIO()
        writer = None
        if f.format == "csv":
            delim, head = CSV_HEADERS[f.dialect]
            writer = csv.writer(buf, delimiter=delim, lineterminator="\n")
            writer.writerow(head)
            header_lines = 1
        if f.dialect == "pstranscript":
            for line, cats in PS_HEADER:
                lines.append(line)
                lab[str(len(lines))] = {"c": cats, "lang": "de", "t": "hand.ps_header"}
        for cat in slots[f.path]:
            ts += dt.timedelta(seconds=rng.randint(2, 240), microseconds=rng.randint(0, 999999))
            rec = make_record(rng, f, cat, uses, ts)
            cats = labels_of(rec)
            entry = {"c": sorted(cats, key=CATEGORIES.index), "lang": rec.lang, "t": rec.t.id}
            if rec.look:
                entry["look"] = rec.look
            if f.format == "csv":
                row = csv_row(rec, rng)
                assert len(row) == len(CSV_HEADERS[f.dialect][1])
                before = buf.tell()
                writer.writerow(row)
                line = buf.getvalue()[before:].rstrip("\n")
                assert "\n" not in line
                check_line(rec, line, cats)
                lab[str(header_lines + len(lines) + 1)] = entry
                lines.append(line)
                continue
            if f.dialect == "pstranscript":
                for i, (line, extra) in enumerate(r_pstranscript(rec, rng)):
                    e = dict(entry)
                    if i:
                        e = {"c": sorted(extra, key=CATEGORIES.index), "lang": "de", "t": rec.t.id + "+position"}
                    else:
                        check_line(rec, line, cats)
                    lines.append(line)
                    lab[str(len(lines))] = e
                continue
            line = RENDER[f.dialect](rec, rng)
            check_line(rec, line, cats)
            lines.append(line)
            lab[str(len(lines))] = entry
        if f.dialect == "pstranscript":
            for line, cats in PS_FOOTER:
                lines.append(line)
                lab[str(len(lines))] = {"c": cats, "lang": "de", "t": "hand.ps_footer"}
        if f.format == "csv":
            text = buf.getvalue()
            assert text.count("\n") == len(lines) + 1
        else:
            text = "\n".join(lines) + "\n"
        outputs[f.path] = text
        labels["files"][f.path] = {"format": f.format, "dialect": f.dialect, "header_lines": header_lines,
                                   "lines": lab}
    outputs["labels.json"] = render_labels(labels)
    return outputs, labels


def render_labels(labels: dict) -> str:
    """One line per record, like set (c)'s labels.json."""
    out = ["{", f' "about": {json.dumps(labels["about"], ensure_ascii=False)},', f' "seed": {labels["seed"]},', ' "files": {']
    files = list(labels["files"].items())
    for i, (rel, e) in enumerate(files):
        out.append(f"  {json.dumps(rel)}: {{")
        out.append(f'   "format": {json.dumps(e["format"])},')
        out.append(f'   "dialect": {json.dumps(e["dialect"])},')
        out.append(f'   "header_lines": {e["header_lines"]},')
        out.append('   "lines": {')
        items = list(e["lines"].items())
        for j, (n, lab) in enumerate(items):
            out.append(f"    {json.dumps(n)}: {json.dumps(lab, ensure_ascii=False)}" + ("," if j < len(items) - 1 else ""))
        out.append("   }")
        out.append("  }" + ("," if i < len(files) - 1 else ""))
    out += [" }", "}"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- summary


def summary(labels: dict) -> str:
    cells: Counter = Counter()
    langs: Counter = Counter()
    recs: Counter = Counter()
    looks: Counter = Counter()
    none = multi = 0
    per_file = []
    for rel, e in labels["files"].items():
        fl = Counter()
        for lab in e["lines"].values():
            fmt = e["format"]
            recs[fmt] += 1
            langs[(lab["lang"], fmt)] += 1
            fl[lab["lang"]] += 1
            for c in lab["c"] or ["none"]:
                cells[(c, fmt)] += 1
            none += not lab["c"]
            multi += len(lab["c"]) > 1
            for kind, _ in lab.get("look", []):
                looks[kind] += 1
        per_file.append((rel, e["format"], e["dialect"], len(e["lines"]), " ".join(x for x, _ in fl.most_common())))
    fmts = FORMATS
    out = ["| file | format | dialect | records | languages (most first) |", "|---|---|---|---|---|"]
    out += [f"| `{a}` | {b} | {c} | {d} | {x} |" for a, b, c, d, x in per_file]
    out += ["", "| category | " + " | ".join(fmts) + " | all |", "|---" * (len(fmts) + 2) + "|"]
    for c in [*CATEGORIES, "none"]:
        row = [cells[(c, f)] for f in fmts]
        out.append(f"| {c} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    out.append("| **records** | " + " | ".join(str(recs[f]) for f in fmts) + f" | {sum(recs.values())} |")
    order = [x for x in V.LANGS if any(langs[(x, f)] for f in fmts)]
    for x in order:
        row = [langs[(x, f)] for f in fmts]
        out.append(f"| {x} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    total = sum(recs.values())
    pilot = sum(langs[(x, f)] for x in V.PILOT for f in fmts)
    out += ["", f"{multi} records have more than one category; {sum(looks.values())} look-alike identifiers "
            f"({', '.join(f'{k} {v}' for k, v in sorted(looks.items()))}); {none} of {total} records "
            f"({100 * none / total:.0f} %) are `none`; pilot languages (en de zh ja vi) {pilot} "
            f"({100 * pilot / total:.0f} %)."]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the files on disk")
    ap.add_argument("--summary", action="store_true", help="print the composition tables")
    a = ap.parse_args(argv)
    outputs, labels = build()
    if a.summary:
        print(summary(labels))
        return 0
    if a.check:
        bad = [rel for rel, text in outputs.items()
               if not (HERE / rel).is_file() or (HERE / rel).read_text(encoding="utf-8") != text]
        if bad:
            print("differs from make.py's output: " + ", ".join(bad), file=sys.stderr)
            return 1
        return 0
    for rel, text in outputs.items():
        p = HERE / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    print(f"wrote {len(outputs) - 1} fixtures and labels.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
