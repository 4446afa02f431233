# ruff: noqa: RUF001
"""Write the fixtures of set (c) and their labels (deterministic: seeded).

    python3 benches/quality/own/make.py            # (re)write the files and labels.json
    python3 benches/quality/own/make.py --check    # exit 1 if the committed files differ

Each file is one format (JSONL, CSV, logfmt, syslog, text) in one dialect (bunyan,
journald, Sparkplug, `;`-CSV with German headers, RFC 5424 with structured data...).
Records come from templates.py (content and its categories), get at times an extra
fragment (an operator, a serial number, a source address: more categories), and an
envelope (time, level, type code, host, site, destination) rendered the way the dialect
does it. The labels are the union of what each part says it carries, plus `diagnostic`
for a level of warning or worse (see README.md). Two files are written by hand
(HAND below) and labelled line by line.
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
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import ids
import templates as T
from values import DESTS, HOSTS, SITES, V

HERE = Path(__file__).resolve().parent
SEED = 20240503
WARN_PLUS = {"warning", "error", "critical", "alert", "emergency"}

# ---------------------------------------------------------------------------- levels

SYSLOG_SEV = {"emergency": 0, "alert": 1, "critical": 2, "error": 3, "warning": 4,
              "notice": 5, "info": 6, "debug": 7}
BUNYAN = {"debug": 20, "info": 30, "notice": 30, "warning": 40, "error": 50, "critical": 60,
          "alert": 60, "emergency": 60}
WORDS = {
    "en": {"debug": "DEBUG", "info": "INFO", "notice": "NOTICE", "warning": "WARN",
           "error": "ERROR", "critical": "FATAL"},
    "de": {"debug": "DEBUG", "info": "INFO", "notice": "HINWEIS", "warning": "WARNUNG",
           "error": "FEHLER", "critical": "KRITISCH"},
    "zh": {"debug": "调试", "info": "信息", "notice": "通知", "warning": "警告",
           "error": "错误", "critical": "严重"},
    "ja": {"debug": "デバッグ", "info": "情報", "notice": "通知", "warning": "警告",
           "error": "エラー", "critical": "重大"},
    "vi": {"debug": "GỠ LỖI", "info": "THÔNG TIN", "notice": "CHÚ Ý", "warning": "CẢNH BÁO",
           "error": "LỖI", "critical": "NGHIÊM TRỌNG"},
}
SHORT = {"debug": "D", "info": "I", "notice": "N", "warning": "W", "error": "E", "critical": "F"}
GO = {"debug": "debug", "info": "info", "notice": "info", "warning": "warn", "error": "error",
      "critical": "fatal"}

KEY_LOCAL = {
    "@temp": {"en": "temp_c", "de": "Temperatur", "zh": "温度", "ja": "温度", "vi": "nhiet_do"},
    "@humidity": {"en": "rh_pct", "de": "Luftfeuchte", "zh": "湿度", "ja": "湿度",
                  "vi": "do_am"},
    "@result": {"en": "result", "de": "Ergebnis", "zh": "结果", "ja": "判定", "vi": "ket_qua"},
    "@operator": {"en": "operator", "de": "Bediener", "zh": "操作员", "ja": "作業者",
                  "vi": "nguoi_van_hanh"},
    "@serial": {"en": "serial_no", "de": "Seriennummer", "zh": "序列号", "ja": "製造番号",
                "vi": "so_seri"},
    "@emp": {"en": "employee_id", "de": "Personalnummer", "zh": "工号", "ja": "社員番号",
             "vi": "ma_nv"},
    "@pos": {"en": "gps", "de": "Position", "zh": "位置", "ja": "位置", "vi": "vi_tri"},
}
ASCII_KEY = {"@temp": "temp", "@humidity": "humidity", "@result": "result",
             "@operator": "operator", "@serial": "serial", "@emp": "emp_id", "@pos": "gps"}


def key(k: str, lang: str, ascii_only: bool) -> str:
    if not k.startswith("@"):
        return k
    local = KEY_LOCAL[k][lang]
    if ascii_only and not local.isascii():
        return ASCII_KEY[k]
    return local


# ---------------------------------------------------------------------------- extras

def _extra_operator(lang: str, v: V):
    n = v.name(lang)
    text = T.L(lang, en=f"(operator: {n})", de=f"(Bediener: {n})", zh=f"（操作员：{n}）",
               ja=f"(担当: {n})", vi=f"(người vận hành: {n})")
    return {"personal"}, ("@operator", n), text


def _extra_emp(lang: str, v: V):
    e = v.emp(lang)
    return {"personal"}, ("@emp", e.split()[-1] if " " in e else e), e


def _extra_serial(lang: str, v: V):
    s = v.serial()
    text = T.L(lang, en=f"S/N {s}", de=f"SN {s}", zh=f"序列号 {s}", ja=f"製造番号 {s}",
               vi=f"số sê-ri {s}")
    return {"device_id"}, ("@serial", s), text


def _extra_mac(lang: str, v: V):
    m = v.mac()
    return {"device_id"}, ("mac", m), f"MAC {m}"


def _extra_ip(lang: str, v: V):
    ip = v.ip()
    text = T.L(lang, en=f"from {ip}", de=f"von {ip}", zh=f"来自 {ip}", ja=f"送信元 {ip}",
               vi=f"từ {ip}")
    return {"network_id"}, ("src_ip", ip), text


def _extra_gps(lang: str, v: V):
    lat, lon = v.latlon(lang)
    text = T.L(lang, en=f"pos {lat},{lon}", de=f"Pos. {lat},{lon}", zh=f"位置 {lat},{lon}",
               ja=f"位置 {lat},{lon}", vi=f"vị trí {lat},{lon}")
    return {"geolocation"}, ("@pos", f"{lat},{lon}"), text


EXTRAS = [(_extra_operator, 3), (_extra_emp, 1), (_extra_serial, 3), (_extra_mac, 1),
          (_extra_ip, 2), (_extra_gps, 1)]
# Where an extra fits: not on records whose point is identifiers of the same kind.
EXTRA_FOR = {"sensor", "diagnostic", "calibration", "operational", "quality", "model"}


def _noise(lang: str, v: V) -> tuple[str, object]:
    """A field that carries nothing: ids, durations, counters."""
    return v.c([("req_id", v.hx(16)), ("trace_id", v.hx(32)), ("duration_ms", v.i(1, 9000)),
                ("seq", v.i(1, 10 ** 7)), ("thread", f"pool-{v.i(1, 8)}-thread-{v.i(1, 40)}"),
                ("build", v.ver()), ("corr_id", f"{v.hx(8)}-{v.hx(4)}-{v.hx(4)}-{v.hx(4)}-"
                                                f"{v.hx(12)}")])


# ---------------------------------------------------------------------------- records

@dataclass
class Rec:
    lang: str
    tpl: str
    cat: str
    cats: set[str]
    level: str
    kind: str
    msg: str
    kv: list[tuple[str, object]]
    text_extra: list[str] = field(default_factory=list)
    look: list[tuple[str, str]] = field(default_factory=list)
    env_ips: list[str] = field(default_factory=list)
    ts: dt.datetime = dt.datetime(2024, 5, 3, tzinfo=dt.UTC)
    host: str = ""
    site: str = ""
    dest: str = ""
    app: str = ""
    pid: int = 0


@dataclass
class Spec:
    path: str
    dialect: str
    n: int
    langs: dict[str, float]
    cats: dict[str, float] = field(default_factory=dict)
    ip_envelope: float = 0.04
    extras: float = 0.22


DEFAULT_CATS = {"none": 0.31, "sensor": 0.10, "diagnostic": 0.13, "calibration": 0.08,
                "operational": 0.09, "quality": 0.08, "model": 0.06, "personal": 0.06,
                "device_id": 0.05, "network_id": 0.04, "geolocation": 0.04, "secret": 0.04}

APPS = {"sensor": ["telemetry-agent", "historian", "opcua-bridge", "iot-edge"],
        "diagnostic": ["plc-gw", "cnc-monitor", "fw-diag", "alarm-svc", "tcu"],
        "calibration": ["calib-svc", "vision-cal", "metrology", "cam-cal"],
        "operational": ["mes-agent", "recipe-mgr", "mes", "nc-dnc"],
        "quality": ["qs-srv", "spc-engine", "aoi", "vision-insp"],
        "model": ["ml-train", "model-server", "triton", "mlflow"],
        "personal": ["hr-sync", "access-ctl", "notify", "pos-kiosk"],
        "device_id": ["asset-mgr", "discovery", "provisioning"],
        "network_id": ["netmon", "kernel", "edge-net"],
        "geolocation": ["fleet", "gpsd", "tcu"],
        "secret": ["deploy", "config-sync", "ci-runner"],
        "none": ["systemd", "edge-agent", "backup", "scheduler", "api-gw"]}


def build(spec: Spec, r: random.Random, start: dt.datetime) -> list[Rec]:
    v = V(r)
    out = []
    ts = start
    langs, lw = zip(*spec.langs.items(), strict=True)
    cat_w = {**DEFAULT_CATS, **spec.cats}
    cats, cw = zip(*cat_w.items(), strict=True)
    for _ in range(spec.n):
        lang = r.choices(langs, lw)[0]
        cat = r.choices(cats, cw)[0]
        pool = [t for t in T.TEMPLATES[cat] if lang in t.langs]
        t = r.choices(pool, [t.weight for t in pool])[0]
        res = t.fn(lang, v)
        level = res.level
        if cat == "none" and level == "info":
            level = r.choices(["info", "debug", "notice"], [8, 1, 1])[0]
        rec = Rec(lang=lang, tpl=f"{t.cat}.{t.name}", cat=cat, cats=set(res.cats), level=level,
                  kind=res.kind or r.choice(T.KINDS[cat]), msg=res.msg, kv=list(res.kv),
                  look=list(res.look))
        if cat in EXTRA_FOR and r.random() < spec.extras:
            chosen: list = []
            for _ in range(r.choice([1, 1, 1, 2])):
                fn = r.choices([e for e, _ in EXTRAS], [w for _, w in EXTRAS])[0]
                if fn in chosen:
                    continue
                chosen.append(fn)
                ecats, kv, text = fn(lang, v)
                rec.cats |= ecats
                if r.random() < 0.5:
                    rec.kv.append(kv)
                else:
                    rec.text_extra.append(text)
        if r.random() < 0.3:
            rec.kv.append(_noise(lang, v))
        ts = ts + dt.timedelta(seconds=r.randint(1, 900), microseconds=r.randint(0, 999999))
        rec.ts = ts
        rec.host = r.choice(HOSTS)
        rec.site = r.choice(SITES[lang])
        rec.dest = r.choice(DESTS)
        rec.app = r.choice(APPS[cat])
        rec.pid = r.randint(200, 40000)
        # An address in the envelope is labelled once rendered, if the dialect shows it.
        if r.random() < spec.ip_envelope:
            rec.host = v.ip(False)
            rec.env_ips.append(rec.host)
        elif r.random() < spec.ip_envelope:
            ip = v.ip()
            rec.dest = r.choice([f"opc.tcp://{ip}:4840", f"{ip}:1883", f"https://{ip}/ingest"])
            rec.env_ips.append(ip)
        if level in WARN_PLUS:
            rec.cats.add("diagnostic")
        out.append(rec)
    return out


# ---------------------------------------------------------------------------- rendering

TZ = {"en": dt.UTC, "de": dt.timezone(dt.timedelta(hours=2)),
      "zh": dt.timezone(dt.timedelta(hours=8)), "ja": dt.timezone(dt.timedelta(hours=9)),
      "vi": dt.timezone(dt.timedelta(hours=7))}
_DEC = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d.])")


def iso(rec: Rec, ms: bool = True) -> str:
    t = rec.ts.astimezone(TZ[rec.lang])
    s = t.isoformat(timespec="milliseconds" if ms else "seconds")
    return s.replace("+00:00", "Z")


def epoch_ms(rec: Rec) -> int:
    return int(rec.ts.timestamp() * 1000)


def fmt_value(x: object) -> str:
    if isinstance(x, (dict, list)):
        return json.dumps(x, ensure_ascii=False, separators=(",", ":"))
    return str(x)


def flat(kv: list[tuple[str, object]], lang: str, ascii_only: bool) -> list[tuple[str, str]]:
    """Pairs for formats without nesting: dicts become dotted keys, Sparkplug-style
    metric lists name=value."""
    out = []
    for k, x in kv:
        k = key(k, lang, ascii_only)
        if isinstance(x, list) and x and isinstance(x[0], dict) and "name" in x[0]:
            out += [(m["name"], str(m["value"])) for m in x]
        elif isinstance(x, dict):
            out += [(f"{k}.{k2}", fmt_value(x2)) for k2, x2 in x.items()]
        else:
            out.append((k, fmt_value(x)))
    return out


def nested(kv: list[tuple[str, object]], lang: str, localise: bool) -> dict:
    return {key(k, lang, not localise): x for k, x in kv}


def inline(rec: Rec, style: str = "kv", ascii_only: bool = False) -> str:
    """The record's free text with its fields written into it."""
    parts = [rec.msg] if rec.msg else []
    pairs = flat(rec.kv, rec.lang, ascii_only)
    if pairs:
        if style == "colon":
            sep = "，" if rec.lang in ("zh", "ja") else ", "
            colon = "：" if rec.lang == "zh" else ": "
            parts.append(sep.join(f"{k}{colon}{x}" for k, x in pairs))
        else:
            parts.append(" ".join(f"{k}={x}" for k, x in pairs))
    parts += rec.text_extra
    return " ".join(parts)


def logfmt_value(x: str) -> str:
    if x == "" or any(c in x for c in ' "=\\') or not x.isprintable():
        return '"' + x.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
            .replace("\r", "\\r").replace("\t", "\\t") + '"'
    return x


def sd_value(x: str) -> str:
    return x.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def one_line(s: str) -> str:
    return s.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")


def render_json(rec: Rec, dialect: str, r: random.Random) -> str:
    if dialect == "json_generic":
        d: dict = {"ts": iso(rec), "level": r.choice([rec.level.upper(), GO[rec.level]]),
                   "type": rec.kind, "src": rec.host, "site": rec.site}
        if r.random() < 0.5 or rec.dest[0].isdigit() or "://1" in rec.dest:
            d["dest"] = rec.dest  # always when it is an address
        if rec.msg or rec.text_extra:
            d["msg"] = " ".join([rec.msg, *rec.text_extra]).strip()
        if rec.kv:
            if r.random() < 0.6:
                d["data"] = nested(rec.kv, rec.lang, True)
            else:
                d.update(nested(rec.kv, rec.lang, True))
        return json.dumps(d, ensure_ascii=False)
    if dialect == "json_bunyan":
        d = {"name": rec.app, "hostname": rec.host, "pid": rec.pid,
             "level": BUNYAN[rec.level], "component": rec.kind,
             "msg": " ".join([rec.msg, *rec.text_extra]).strip()}
        d.update(nested(rec.kv, rec.lang, False))
        d["time"] = rec.ts.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        d["v"] = 0
        if rec.dest[0].isdigit() or "://1" in rec.dest:
            d["upstream"] = rec.dest
        return json.dumps(d, ensure_ascii=False)
    if dialect == "json_journald":
        us = int(rec.ts.timestamp() * 1_000_000)
        d = {"__REALTIME_TIMESTAMP": str(us), "_HOSTNAME": rec.host,
             "PRIORITY": str(SYSLOG_SEV[rec.level]), "SYSLOG_IDENTIFIER": rec.app,
             "_SYSTEMD_UNIT": f"{rec.app}.service", "_PID": str(rec.pid),
             "EVENT_TYPE": rec.kind, "MESSAGE": one_line(inline(rec))}
        if rec.dest[0].isdigit() or "://1" in rec.dest:
            d["UPSTREAM"] = rec.dest
        return json.dumps(d, ensure_ascii=False)
    if dialect == "json_sparkplug":
        metrics = []
        for k, x in rec.kv:
            if k == "metrics" and isinstance(x, list):
                metrics += x
            else:
                metrics.append({"name": key(k, rec.lang, False), "value": x,
                                "type": "Double" if isinstance(x, float) else
                                "Int64" if isinstance(x, int) else "String"})
        text = " ".join([rec.msg, *rec.text_extra]).strip()
        if text:
            metrics.append({"name": "Event/Text", "value": text, "type": "String"})
        metrics.append({"name": "Event/Type", "value": rec.kind, "type": "String"})
        metrics.append({"name": "Event/Severity", "value": rec.level.upper(), "type": "String"})
        d = {"timestamp": epoch_ms(rec), "metrics": metrics, "seq": r.randint(0, 255)}
        if rec.host[0].isdigit():
            d["edgeNode"] = rec.host
        if rec.dest[0].isdigit() or "://1" in rec.dest:
            d["hostApp"] = rec.dest
        return json.dumps(d, ensure_ascii=False)
    if dialect == "json_vision":
        sev = {"debug": "Verbose", "info": "Information", "notice": "Information",
               "warning": "Warning", "error": "Error", "critical": "Critical"}[rec.level]
        d = {"Timestamp": iso(rec), "Severity": sev, "Category": rec.kind,
             "Station": rec.host, "Plant": rec.site}
        if rec.msg or rec.text_extra:
            d["Message"] = " ".join([rec.msg, *rec.text_extra]).strip()
        if rec.kv:
            d["Payload"] = nested(rec.kv, rec.lang, True)
        if rec.dest[0].isdigit() or "://1" in rec.dest:
            d["Target"] = rec.dest
        return json.dumps(d, ensure_ascii=False)
    raise ValueError(dialect)


CSV_DIALECTS = {
    # name: (delimiter, header, level words, time format, decimal comma)
    "csv_generic": (",", ["ts", "type", "src", "site", "dest", "level", "msg"], "en_or_num",
                    "iso", False),
    "csv_de": (";", ["Zeitstempel", "Typ", "Quelle", "Werk", "Ziel", "Stufe", "Meldung"],
               "de", "de", True),
    "csv_zh": (",", ["时间", "类型", "来源", "工厂", "目标", "级别", "内容"], "zh", "zh", False),
    "csv_ja": (",", ["日時", "種別", "発生元", "拠点", "送信先", "レベル", "メッセージ"], "ja",
               "ja", False),
    "csv_vi": (";", ["thoi_gian", "loai", "nguon", "nha_may", "dich", "muc_do", "noi_dung"],
               "vi", "vi", False),
}


def csv_time(rec: Rec, how: str) -> str:
    t = rec.ts.astimezone(TZ[rec.lang])
    if how == "de":
        return t.strftime("%d.%m.%Y %H:%M:%S")
    if how == "zh":
        return t.strftime("%Y/%m/%d %H:%M:%S")
    if how == "ja":
        return t.strftime("%Y/%m/%d %H:%M:%S")
    if how == "vi":
        return t.strftime("%d/%m/%Y %H:%M:%S")
    return iso(rec)


def render_csv_row(rec: Rec, dialect: str, r: random.Random) -> list[str]:
    _, _, words, how, dec = CSV_DIALECTS[dialect]
    if words == "en_or_num":
        level = r.choice([WORDS["en"][rec.level], str(SYSLOG_SEV[rec.level]),
                          SHORT[rec.level]])
    else:
        level = WORDS[words][rec.level]
    msg = one_line(inline(rec, r.choice(["kv", "colon"])))
    if dec and rec.lang == "de":
        msg = _DEC.sub(r"\1,\2", msg)
    return [csv_time(rec, how), rec.kind, rec.host, rec.site, rec.dest, level, msg]


def render_logfmt(rec: Rec, dialect: str, r: random.Random) -> str:
    pairs: list[tuple[str, str]] = []
    if dialect == "logfmt_go":
        pairs += [("time", iso(rec)), ("level", GO[rec.level]), ("component", rec.kind),
                  ("host", rec.host)]
    else:
        pairs += [("ts", iso(rec, ms=False)), ("lvl", SHORT[rec.level]), ("type", rec.kind),
                  ("src", rec.host), ("site", rec.site)]
    if rec.dest[0].isdigit() or "://1" in rec.dest or r.random() < 0.3:
        pairs.append(("dest", rec.dest))
    text = " ".join([rec.msg, *rec.text_extra]).strip()
    if text:
        pairs.append(("msg", one_line(text)))
    pairs += flat(rec.kv, rec.lang, True)
    return " ".join(f"{k}={logfmt_value(x)}" for k, x in pairs)


SD_ID = {"calibration": "cal", "quality": "qc", "sensor": "tlm", "operational": "proc",
         "diagnostic": "diag", "model": "ml", "personal": "usr", "device_id": "dev",
         "network_id": "net", "geolocation": "geo", "secret": "cfg", "none": "data"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def render_syslog(rec: Rec, dialect: str, r: random.Random) -> str:
    pri = 8 * r.choice([16, 17, 18, 19, 20, 21, 22, 23, 1, 3]) + SYSLOG_SEV[rec.level]
    if dialect == "rfc5424":
        msgid = rec.kind[:32] if r.random() < 0.8 else "-"
        if not re.fullmatch(r"[\x21-\x7e]+", msgid):  # MSGID is printable ASCII
            msgid = "-"
        sd = []
        meta = [("site", rec.site)]
        if rec.dest[0].isdigit() or "://1" in rec.dest or r.random() < 0.3:
            meta.append(("dest", rec.dest))
        if msgid == "-":
            meta.append(("type", rec.kind))
        sd.append("[meta@32473 " + " ".join(f'{k}="{sd_value(x)}"' for k, x in meta) + "]")
        pairs = flat(rec.kv, rec.lang, True)
        in_sd = pairs and r.random() < 0.7
        if in_sd:
            ok = [(k, x) for k, x in pairs if re.fullmatch(r"[\x21-\x7e]{1,32}", k)
                  and not any(c in k for c in '= ]"')]
            bad = [p for p in pairs if p not in ok]
            sd.append(f"[{SD_ID[rec.cat]}@32473 "
                      + " ".join(f'{k}="{sd_value(x)}"' for k, x in ok) + "]")
            pairs = bad
        text = " ".join([rec.msg, *rec.text_extra, *(f"{k}={x}" for k, x in pairs)]).strip()
        return (f"<{pri}>1 {iso(rec)} {rec.host} {rec.app} {rec.pid} {msgid} {''.join(sd)}"
                + (f" {one_line(text)}" if text else ""))
    t = rec.ts.astimezone(TZ[rec.lang])
    stamp = f"{MONTHS[t.month - 1]} {t.day:2d} {t:%H:%M:%S}"
    text = one_line(inline(rec))
    tag = r.choice([f"{rec.app}[{rec.pid}]", rec.app, f"{rec.app}.{rec.kind}[{rec.pid}]"]) \
        if re.fullmatch(r"[\x21-\x7e]+", rec.kind) else f"{rec.app}[{rec.pid}]"
    if not re.fullmatch(r"[\x21-\x7e]+", rec.kind) or r.random() < 0.5:
        text = f"{rec.kind}: {text}" if not tag.endswith(f"{rec.kind}[{rec.pid}]") else text
    return f"<{pri}>{stamp} {rec.host} {tag}: {text}"


def render_text(rec: Rec, dialect: str, r: random.Random) -> str:
    msg = one_line(inline(rec, r.choice(["kv", "colon"])))
    if dialect == "text_app":
        t = rec.ts.astimezone(TZ[rec.lang])
        lvl = r.choice([WORDS["en"][rec.level], WORDS[rec.lang][rec.level]])
        style = r.randrange(4)
        if style == 0:
            return f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} [{lvl}] [{rec.kind}] {msg}"
        if style == 1:
            return f"{iso(rec)} {SHORT[rec.level]} {rec.host} {rec.kind}: {msg}"
        if style == 2:
            return f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} {lvl:<5} " \
                   f"[{rec.app}] ({rec.kind}) - {msg}"
        return f"[{t:%Y-%m-%d %H:%M:%S}] {rec.site} {rec.host} {lvl} {rec.kind} {msg}"
    # text_ctrl: controller and panel-PC logs
    t = rec.ts.astimezone(TZ[rec.lang])
    lvl = WORDS[rec.lang][rec.level]
    if rec.lang == "de":
        return f"{t:%d.%m.%Y %H:%M:%S}  {lvl:<8} {rec.kind:<10} {msg}"
    if rec.lang in ("zh", "ja"):
        return f"{t:%Y/%m/%d %H:%M:%S} [{lvl}] <{rec.kind}> {msg}"
    if rec.lang == "vi":
        return f"{t:%d/%m/%Y %H:%M:%S} | {lvl} | {rec.kind} | {msg}"
    return f"{t:%m/%d/%Y %I:%M:%S %p} {lvl} {rec.kind} {msg}"


# ---------------------------------------------------------------------------- the files

ALL5 = {"en": 0.34, "de": 0.2, "zh": 0.2, "ja": 0.13, "vi": 0.13}
SPECS = [
    Spec("jsonl/edge_gateway.jsonl", "json_generic", 70, ALL5),
    Spec("jsonl/mes_bunyan.jsonl", "json_bunyan", 50, {"en": 0.4, "de": 0.3, "zh": 0.15,
                                                       "vi": 0.15},
         {"operational": 0.16, "quality": 0.12, "personal": 0.08}),
    Spec("jsonl/journald_export.jsonl", "json_journald", 55, {"en": 0.6, "de": 0.2, "zh": 0.2},
         {"diagnostic": 0.2, "network_id": 0.07, "secret": 0.06, "model": 0.03}),
    Spec("jsonl/sparkplug_opcua.jsonl", "json_sparkplug", 45, {"en": 0.5, "de": 0.25,
                                                              "zh": 0.15, "ja": 0.1},
         {"sensor": 0.2, "calibration": 0.1, "device_id": 0.08, "personal": 0.03}),
    Spec("jsonl/vision_ml.jsonl", "json_vision", 60, {"en": 0.35, "zh": 0.25, "ja": 0.25,
                                                      "de": 0.15},
         {"model": 0.14, "quality": 0.14, "calibration": 0.14, "personal": 0.04,
          "geolocation": 0.02}),
    Spec("csv/historian_events.csv", "csv_generic", 70, ALL5),
    Spec("csv/qs_pruefprotokoll.csv", "csv_de", 50, {"de": 0.8, "en": 0.2},
         {"quality": 0.16, "calibration": 0.1}),
    Spec("csv/shengchan_jilu.csv", "csv_zh", 50, {"zh": 0.85, "en": 0.15}),
    Spec("csv/kiroku.csv", "csv_ja", 40, {"ja": 0.85, "en": 0.15}),
    Spec("csv/nhat_ky_xuong.csv", "csv_vi", 40, {"vi": 0.85, "en": 0.15}),
    Spec("logfmt/edge_agent.logfmt", "logfmt_go", 60, ALL5,
         {"model": 0.1, "secret": 0.05}),
    Spec("logfmt/robot_cell.log", "logfmt_short", 50, {"en": 0.4, "ja": 0.3, "de": 0.3},
         {"calibration": 0.12, "sensor": 0.14}),
    Spec("syslog/plant_rfc5424.syslog", "rfc5424", 110, ALL5,
         {"operational": 0.1, "quality": 0.09, "model": 0.07, "secret": 0.06,
          "calibration": 0.09}),
    Spec("syslog/gateways_rfc3164.log", "rfc3164", 80, {"en": 0.45, "de": 0.2, "zh": 0.15,
                                                        "ja": 0.05, "vi": 0.15},
         {"diagnostic": 0.15, "network_id": 0.07, "secret": 0.06, "calibration": 0.08,
          "quality": 0.1, "model": 0.06, "operational": 0.09, "device_id": 0.07}),
    Spec("text/services.log", "text_app", 55, {"en": 0.5, "de": 0.2, "zh": 0.15, "ja": 0.15},
         {"diagnostic": 0.22, "secret": 0.06}),
    Spec("text/controller_panel.log", "text_ctrl", 55, ALL5,
         {"diagnostic": 0.2, "operational": 0.14, "calibration": 0.1}),
]

FORMAT_OF = {"json": "jsonl", "csv": "csv", "logfmt": "logfmt", "rfc5424": "syslog-5424",
             "rfc3164": "syslog-3164", "text": "text"}


def format_of(dialect: str) -> str:
    for prefix, f in FORMAT_OF.items():
        if dialect.startswith(prefix):
            return f
    raise ValueError(dialect)


def render_file(spec: Spec, recs: list[Rec], r: random.Random) -> tuple[str, int]:
    """The file's text and its number of header lines."""
    if spec.dialect.startswith("csv"):
        delim, header, *_ = CSV_DIALECTS[spec.dialect]
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=delim, lineterminator="\n")
        w.writerow(header)
        for rec in recs:
            w.writerow(render_csv_row(rec, spec.dialect, r))
        return buf.getvalue(), 1
    if spec.dialect.startswith("json"):
        lines = [render_json(rec, spec.dialect, r) for rec in recs]
    elif spec.dialect.startswith("logfmt"):
        lines = [render_logfmt(rec, spec.dialect, r) for rec in recs]
    elif spec.dialect.startswith("rfc"):
        lines = [render_syslog(rec, spec.dialect, r) for rec in recs]
    else:
        lines = [render_text(rec, spec.dialect, r) for rec in recs]
    return "".join(line + "\n" for line in lines), 0


# ---------------------------------------------------------------------------- hand-written

# (line text, categories, language). Written by hand from ROS 1/ROS 2 consoles and a
# plant's Windows service and panel logs; labelled by hand.
HAND: dict[str, tuple[str, list[tuple[str, set[str], str]]]] = {
    "text/ros_console.log": ("text", [
        ("[INFO] [1714723201.118274936] [camera_calibration]: Calibrating monocular camera, "
         "board 8x6, square 0.025 m", {"calibration"}, "en"),
        ("[INFO] [1714723265.502911820] [camera_calibration]: D = [-0.168741, 0.026713, "
         "0.000412, -0.000230, 0.0]", {"calibration"}, "en"),
        ("[INFO] [1714723265.503010447] [camera_calibration]: K = [1395.178, 0.0, 640.2, 0.0, "
         "1399.694, 360.9, 0.0, 0.0, 1.0]", {"calibration"}, "en"),
        ("[INFO] [1714723265.503101923] [camera_calibration]: R = [1.0, 0.0, 0.0, 0.0, 1.0, "
         "0.0, 0.0, 0.0, 1.0]", {"calibration"}, "en"),
        ("[INFO] [1714723265.503188114] [camera_calibration]: P = [1312.44, 0.0, 641.87, 0.0, "
         "0.0, 1330.02, 358.12, 0.0, 0.0, 0.0, 1.0, 0.0]", {"calibration"}, "en"),
        ("[INFO] [1714723266.000912334] [camera_calibration]: Wrote calibration data to "
         "/tmp/calibrationdata.tar.gz", {"calibration"}, "en"),
        ("[ WARN] [1714723300.118821302]: Controller Spawner couldn't find the expected "
         "controller_manager ROS interface.", {"diagnostic"}, "en"),
        ("[ERROR] [1714723301.442170088]: Lookup would require extrapolation into the past. "
         "Requested time 1714723300.9 but the earliest data is at time 1714723301.2, when "
         "looking up transform from frame [base_link] to frame [map]", {"diagnostic"}, "en"),
        ("[INFO] [1714723302.100443921] [robot_state_publisher]: got segment base_link",
         set(), "en"),
        ("[INFO] [1714723302.883104572] [ublox_gps]: fix OK lat 49.013412 lon 12.101633 "
         "alt 338.2 m", {"geolocation"}, "en"),
        ("[INFO] [1714723303.004411230] [battery_monitor]: voltage 24.8 V current -3.1 A "
         "temperature 31.5 C", {"sensor"}, "en"),
        ("[ WARN] [1714723310.551236001]: Clearing costmap to unstuck robot (2.00m).",
         {"diagnostic"}, "en"),
        ("[INFO] [1714723311.017775611] [amcl]: Initializing likelihood field model; this can "
         "take some time on large maps...", set(), "en"),
        ("[INFO] [1714723312.600128743] [yolo_detector]: Loaded weights "
         "/models/pallet_yolov5s_v3.pt, conf_thres 0.4, nms 0.45, img 640", {"model"}, "en"),
        ("[INFO] [1714723313.250000118] [obstacle_fusion]: 3 obstacles, nearest 1.42 m at "
         "bearing -12.5 deg (lidar+sonar)", {"sensor"}, "en"),
        ("[FATAL] [1714723320.004551278] [realsense2_camera]: The requested device with serial "
         "number 845112070123 is NOT found. Will Try again.", {"diagnostic", "device_id"},
         "en"),
        ("[INFO] [1714723331.219920344] [realsense2_camera]: Device with serial number "
         "845112070123 was found.", {"device_id"}, "en"),
        ("[INFO] [1714723331.220003765] [realsense2_camera]: Device FW version: 5.13.0.50",
         set(), "en"),
        ("[INFO] [1714723335.900114501] [rosbridge_websocket]: Client connected. 2 clients "
         "total.", set(), "en"),
        ("[INFO] [1714723340.112388015] [ur_robot_driver]: Robot connected to reverse "
         "interface at 192.168.56.101:50001", {"network_id"}, "en"),
        ("[INFO] [1714723340.330179952] [ur_robot_driver]: Calibration checksum: "
         "'calib_12788084448423163542'", {"calibration"}, "en"),
        ("[ERROR] [1714723340.330301105] [ur_robot_driver]: The calibration parameters of the "
         "connected robot don't match the ones from the given kinematics config file.",
         {"calibration", "diagnostic"}, "en"),
        ("[INFO] [1714723341.700234008] [imu_filter_madgwick]: gyro bias estimate "
         "gx=0.00121 gy=-0.00043 gz=0.00090 rad/s", {"calibration"}, "en"),
        ("[INFO] [1714723342.018860223] [joint_state_broadcaster]: positions [0.0, -1.571, "
         "1.569, 0.0, 1.571, 0.002] rad", {"sensor"}, "en"),
        ("[INFO] [1714723350.414902217] [order_manager]: picking order PO-88213 assigned to "
         "AMR-04, 12 items, due 14:30", {"operational"}, "en"),
        ("[ WARN] [1714723360.998772100] [battery_monitor]: battery low 18 % (24.1 V)",
         {"diagnostic", "sensor"}, "en"),
        ("[INFO] [1714723361.000000000] [rosout]: Node startup", set(), "en"),
        ("[INFO] [1714723362.550113489] [lifecycle_manager]: Managed nodes are active",
         set(), "en"),
        ("[ERROR] [1714723370.801920034] [mqtt_bridge]: connection refused: not authorised "
         "(rc=5)", {"diagnostic"}, "en"),
        ("[INFO] [1714723371.002134987] [mqtt_bridge]: connecting to mqtt broker "
         "broker.plant.local:8883 as client amr-04", set(), "en"),
        ("[INFO] [1714723380.300011987] [nav2_bt_navigator]: Goal succeeded", set(), "en"),
        ("[INFO] [1714723381.455561222] [lidar_driver]: scan rate 10.02 Hz, 1081 points, "
         "min range 0.23 m", {"sensor"}, "en"),
    ]),
    "text/plant_services.log": ("text", [
        ("2024-05-03 08:00:01,102 INFO  [main] o.s.b.w.e.tomcat.TomcatWebServer - Tomcat "
         "started on port(s): 8080 (http) with context path ''", set(), "en"),
        ("2024-05-03 08:00:04,877 ERROR [opcua-poll-3] d.k.e.c.PollLoop - read failed "
         "java.util.concurrent.TimeoutException: ns=2;s=Press1.Force timed out after 5000 ms "
         "at de.kraus.edge.collector.PollLoop.read(PollLoop.java:122) at "
         "java.base/java.lang.Thread.run(Thread.java:833)", {"diagnostic"}, "en"),
        ("2024-05-03 08:02:10,015 INFO  [mes-sync] c.p.m.OrderSync - 14 orders synced, "
         "next in 60 s", set(), "en"),
        ("2024-05-03 08:02:11,220 INFO  [press-1] c.p.m.ProcessData - Presskraft 182,4 kN, "
         "Hub 42,7 mm, Taktzeit 6,1 s", {"sensor", "operational"}, "de"),
        ("2024-05-03 08:05:44,501 WARN  [qs] c.p.q.Spc - Merkmal D12 Mittelwert 12,011 mm "
         "über OEG 12,009 mm", {"quality", "diagnostic"}, "de"),
        ("2024-05-03 10:11:09.331 +08:00 [ERR] 压机2 液压系统压力低 42.5 bar（下限 50 bar）",
         {"diagnostic", "sensor"}, "zh"),
        ("2024-05-03 10:11:12.004 +08:00 [INF] 设备 压机2 状态：运行", set(), "zh"),
        ("2024-05-03 10:12:00.000 +08:00 [INF] 3号线 工单 MO2024050318 完工 良品 480 件 不良 3 件",
         {"operational"}, "zh"),
        ("2024-05-03 10:13:27.118 +08:00 [WRN] 视觉工位 相机标定过期，上次标定 2024-02-01",
         {"calibration", "diagnostic"}, "zh"),
        ("2024-05-03 11:20:00.512 +09:00 [INF] 検査装置 ワーク No.1187 外径 Φ25.003 判定 OK",
         {"quality"}, "ja"),
        ("2024-05-03 11:20:44.900 +09:00 [ERR] 搬送ロボット 異常停止 E-1032 グリッパ把持失敗",
         {"diagnostic"}, "ja"),
        ("2024-05-03 11:21:02.013 +09:00 [INF] バックアップ完了 所要時間 00:03:12", set(), "ja"),
        ("2024-05-03 09:30:15.221 +07:00 [INF] Máy ép 4: nhiệt độ khuôn 62.5 °C, áp suất "
         "phun 820 bar", {"sensor"}, "vi"),
        ("2024-05-03 09:31:40.007 +07:00 [ERR] Máy ép 4 lỗi E-207: quá nhiệt xi lanh vùng 3",
         {"diagnostic"}, "vi"),
        ("2024-05-03 09:32:00.000 +07:00 [INF] Dịch vụ đồng bộ MES đã dừng", set(), "vi"),
        ("Log Name: Application Source: MsiInstaller Event ID: 1033 Level: Information "
         "Description: Windows Installer installed the product. Product Name: Vision Runtime. "
         "Product Version: 9.4.2.1130. Installation success or error status: 0.", set(), "en"),
        ("Log Name: System Source: Service Control Manager Event ID: 7031 Level: Error "
         "Description: The MES Connector service terminated unexpectedly. It has done this 1 "
         "time(s). The following corrective action will be taken in 60000 milliseconds: "
         "Restart the service.", {"diagnostic"}, "en"),
        ("Log Name: Security Source: Microsoft-Windows-Security-Auditing Event ID: 4625 Level: "
         "Information Description: An account failed to log on. Account Name: k.fischer "
         "Source Network Address: 10.14.2.37", {"personal", "network_id"}, "en"),
        ("2024-05-03T08:15:00Z edge-gw-03 kernel: [ 5123.442101] usb 1-1.3: new high-speed USB "
         "device number 5 using xhci_hcd", set(), "en"),
        ("2024-05-03T08:15:00Z edge-gw-03 kernel: [ 5123.611093] usb 1-1.3: SerialNumber: "
         "FT6Z3K1A", {"device_id"}, "en"),
        ("2024-05-03T08:16:12Z edge-gw-03 kernel: [ 5195.007731] eth0: Link is Up - 1Gbps/Full "
         "- flow control rx/tx", set(), "en"),
        ("2024-05-03T08:16:20Z edge-gw-03 dhclient[812]: bound to 10.31.4.18 -- renewal in "
         "1713 seconds.", {"network_id"}, "en"),
        ("2024-05-03 08:40:00 TNC640 Werkzeugtabelle: T7 L=+132.418 R=+4.996 DL=+0.012 "
         "DR=-0.004 (Messtaster TT 160)", {"calibration"}, "de"),
        ("2024-05-03 08:41:10 TNC640 Programm 4711_FLANSCH.H gestartet, F 2400, S 8000",
         {"operational"}, "de"),
        ("2024-05-03 08:55:42 TNC640 Fehler: Schleppfehler Achse X zu groß (8B40)",
         {"diagnostic"}, "de"),
    ]),
}


# ---------------------------------------------------------------------------- main

def generate() -> tuple[dict[str, str], dict]:
    """Every file's text, and the labels document."""
    files: dict[str, str] = {}
    labels: dict = {
        "about": "Set (c) of the quality harness: labels of benches/quality/own/. Keys: file "
                 "(relative to this folder), then line number (1-based, as the scanner "
                 "counts). c = categories the record truly contains ([] = none), lang, t = "
                 "template (or 'hand'), look = look-alike identifiers in it (kind, value: "
                 "invalid check digits, never personal/device_id). Rules: README.md.",
        "seed": SEED,
        "files": {},
    }
    start = dt.datetime(2024, 5, 3, 4, 0, tzinfo=dt.UTC)
    for spec in SPECS:
        r = random.Random(SEED ^ zlib.crc32(spec.path.encode()))
        recs = build(spec, r, start)
        text, header = render_file(spec, recs, r)
        files[spec.path] = text
        lines = text.split("\n")[:-1]
        assert len(lines) == header + len(recs), spec.path
        entry = {"format": format_of(spec.dialect), "dialect": spec.dialect,
                 "header_lines": header, "lines": {}}
        for i, rec in enumerate(recs):
            n = header + i + 1
            if any(re.search(rf"(?<![\d.]){re.escape(ip)}(?!\d)", lines[n - 1])
                   for ip in rec.env_ips):
                rec.cats.add("network_id")
            for kind, value in rec.look:
                assert value in lines[n - 1] or value.replace(" ", "") in lines[n - 1], \
                    (spec.path, n, value)
                _check_lookalike(kind, value)
            entry["lines"][str(n)] = {"c": sorted(rec.cats), "lang": rec.lang, "t": rec.tpl,
                                      **({"look": [list(x) for x in rec.look]}
                                         if rec.look else {})}
        labels["files"][spec.path] = entry
    for path, (fmt, rows) in HAND.items():
        files[path] = "".join(line + "\n" for line, _, _ in rows)
        labels["files"][path] = {
            "format": fmt, "dialect": "hand", "header_lines": 0,
            "lines": {str(i + 1): {"c": sorted(c), "lang": lang, "t": "hand"}
                      for i, (_, c, lang) in enumerate(rows)}}
    labels["files"] = dict(sorted(labels["files"].items()))
    return files, labels


def _check_lookalike(kind: str, value: str) -> None:
    v = value.replace(" ", "")
    bad = {
        "card": lambda: not ids.luhn_ok(v),
        "imei": lambda: not ids.luhn_ok(v),
        "iban": lambda: not ids.iban_ok(v),
        "cn_resident_id": lambda: ids.cn_check(v[:17]) != v[17],
        "de_tax_id": lambda: ids.de_tax_check(v[:10]) != v[10],
        "jp_my_number": lambda: ids.jp_my_number_check(v[:11]) != v[11],
    }[kind]()
    assert bad, (kind, value)


def labels_text(labels: dict) -> str:
    """One line per record, so that a diff shows which labels changed."""
    out = ["{", f' "about": {json.dumps(labels["about"], ensure_ascii=False)},',
           f' "seed": {labels["seed"]},', ' "files": {']
    files = list(labels["files"].items())
    for fi, (path, entry) in enumerate(files):
        head = {k: x for k, x in entry.items() if k != "lines"}
        out.append(f"  {json.dumps(path)}: {{")
        for k, x in head.items():
            out.append(f"   {json.dumps(k)}: {json.dumps(x)},")
        out.append('   "lines": {')
        items = list(entry["lines"].items())
        for li, (n, lab) in enumerate(items):
            comma = "," if li < len(items) - 1 else ""
            out.append(f"    {json.dumps(n)}: {json.dumps(lab, ensure_ascii=False)}{comma}")
        out.append("   }")
        out.append("  }" + ("," if fi < len(files) - 1 else ""))
    out += [" }", "}"]
    return "\n".join(out) + "\n"


def stats(labels: dict) -> str:
    by_fmt, by_lang, by_cat = Counter(), Counter(), Counter()
    look = Counter()
    n = 0
    for entry in labels["files"].values():
        for lab in entry["lines"].values():
            n += 1
            by_fmt[entry["format"]] += 1
            by_lang[lab["lang"]] += 1
            for c in lab["c"] or ["none"]:
                by_cat[c] += 1
            for k, _ in lab.get("look", []):
                look[k] += 1
    return (f"{n} records\nformats: {dict(by_fmt)}\nlanguages: {dict(by_lang)}\n"
            f"categories: {dict(by_cat.most_common())}\nlook-alikes: {dict(look)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the files on disk instead of writing them")
    ap.add_argument("--out", type=Path, default=HERE)
    a = ap.parse_args(argv)
    files, labels = generate()
    files["labels.json"] = labels_text(labels)
    json.loads(files["labels.json"])
    differ = []
    for rel, text in files.items():
        p = a.out / rel
        if a.check:
            if not p.is_file() or p.read_text(encoding="utf-8") != text:
                differ.append(rel)
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    if a.check:
        if differ:
            print("differ from make.py's output: " + ", ".join(differ), file=sys.stderr)
            return 1
        print("fixtures match make.py")
        return 0
    print(stats(labels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
