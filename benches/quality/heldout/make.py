"""Write set (d), the held-out fixtures, and their labels (seeded: the same bytes every run).

    python3 benches/quality/heldout/make.py          # write the fixtures and labels.json
    python3 benches/quality/heldout/make.py --check  # compare with the files on disk

See README.md next to this file for what the set is and how a record is labelled.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import ids  # noqa: E402
import templates as TP  # noqa: E402
import values as V  # noqa: E402

SEED = 20261206
LEVELS = ["debug", "info", "notice", "warning", "error", "critical"]
WARN_OR_WORSE = {"warning", "error", "critical"}
CATEGORIES = [
    "personal",
    "device_id",
    "network_id",
    "geolocation",
    "secret",
    "calibration",
    "sensor",
    "diagnostic",
    "operational",
    "quality",
    "model",
]
CONTENT = {"sensor", "diagnostic", "calibration", "operational", "quality", "model"}
FORMATS = ["jsonl", "csv", "logfmt", "syslog-5424", "syslog-3164", "text"]
PER_CATEGORY = 9  # slots per category and format (the template's first category)
NONE_SLOTS = 45  # slots of `none` per format
P_FRAGMENT = 0.22  # content records that get an extra fragment
P_NOISE = 0.35  # records that get a noise field
P_HOST_IP = 0.05  # hosts that are IP addresses
P_LOOK = 0.09  # records without personal/device_id data that get a look-alike reference

# ---------------------------------------------------------------- fragments

OPERATOR = {
    "en": "operator",
    "de": "Bediener",
    "zh": "操作员",
    "ja": "作業者",
    "vi": "người vận hành",
    "ko": "작업자",
    "fr": "opérateur",
    "es": "operario",
    "pt": "operador",
    "it": "operatore",
}
EMPNO = {
    "en": "employee no.",
    "de": "Personalnr.",
    "zh": "工号",
    "ja": "社員番号",
    "vi": "mã nhân viên",
    "ko": "사번",
    "fr": "matricule",
    "es": "n.º de empleado",
    "pt": "n.º de funcionário",
    "it": "n. dipendente",
}
FROM = {
    "en": "from",
    "de": "von",
    "zh": "来源",
    "ja": "送信元",
    "vi": "từ",
    "ko": "출처",
    "fr": "depuis",
    "es": "desde",
    "pt": "de",
    "it": "da",
}
POS = {
    "en": "position",
    "de": "Position",
    "zh": "位置",
    "ja": "位置",
    "vi": "vị trí",
    "ko": "위치",
    "fr": "position",
    "es": "posición",
    "pt": "posição",
    "it": "posizione",
}


def fragment(r: random.Random, lang: str) -> tuple[str, str | None, tuple[str, object] | None]:
    """(category, text to append or None, field or None)."""
    cat = r.choice(["personal", "personal", "device_id", "device_id", "network_id", "geolocation"])
    as_field = r.random() < 0.45
    if cat == "personal":
        if r.random() < 0.6:
            n = V.name(r, lang)
            return (
                cat,
                (None if as_field else f"({OPERATOR[lang]}: {n})"),
                (("operator", n) if as_field else None),
            )
        e = f"{r.choice(['P', 'E', ''])}{r.randint(10000, 999999):06d}"
        return (
            cat,
            (None if as_field else f"[{EMPNO[lang]} {e}]"),
            (("employee_no", e) if as_field else None),
        )
    if cat == "device_id":
        if r.random() < 0.5:
            s = TP.serial(r)
            return (
                cat,
                (None if as_field else f"({TP.SERIAL_WORDS[lang]} {s})"),
                (("serial_no", s) if as_field else None),
            )
        m = ids.mac(r)
        return cat, (None if as_field else f"(MAC {m})"), (("mac", m) if as_field else None)
    if cat == "network_id":
        a = V.ipv4(r)
        return (
            cat,
            (None if as_field else f"({FROM[lang]} {a})"),
            (("src_ip", a) if as_field else None),
        )
    la, lo = V.latlon(r)
    return (
        cat,
        (None if as_field else f"({POS[lang]} {la}, {lo})"),
        (("gps", f"{la},{lo}") if as_field else None),
    )


REF = {
    "en": "ref.",
    "de": "Beleg-Nr.",
    "zh": "单号",
    "ja": "伝票番号",
    "vi": "số chứng từ",
    "ko": "참조번호",
    "fr": "réf.",
    "es": "ref.",
    "pt": "ref.",
    "it": "rif.",
}
LOOK_KINDS = {
    "card": lambda r: ids.card(r, valid=False),
    "iban": lambda r: ids.iban(r, valid=False),
    "cn_resident_id": lambda r: ids.cn_resident_id(r, valid=False),
    "de_tax_id": lambda r: ids.de_tax_id(r, valid=False),
    "imei": lambda r: ids.imei(r, valid=False),
    "jp_my_number": lambda r: ids.my_number(r, valid=False),
}


def lookalike(
    r: random.Random, lang: str
) -> tuple[tuple[str, str], str | None, tuple[str, object] | None]:
    """A look-alike identifier in a neutral place: a document reference, as text or field."""
    kind = r.choice(sorted(LOOK_KINDS))
    v = LOOK_KINDS[kind](r)
    if r.random() < 0.5:
        return (kind, v), f"({REF[lang]} {v})", None
    key = r.choice(["doc_ref", "msg_ref", "barcode", "ticket"])
    val: object = int(v) if v.isdigit() and r.random() < 0.4 else v
    return (kind, v), None, (key, val)


# ---------------------------------------------------------------- rendering helpers


def kv(k: str, v: object) -> str:
    s = json.dumps(v) if isinstance(v, bool) else str(v)
    if s == "" or any(c in s for c in ' "=\t'):
        s = '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{k}={s}"


def with_fields(msg: str, fields: list, style: str = "kv") -> str:
    if not fields:
        return msg
    if style == "colon":
        return msg + " (" + ", ".join(f"{k}: {v}" for k, v in fields) + ")"
    return msg + " " + " ".join(kv(k, v) for k, v in fields)


def jsonv(v: object) -> object:
    return v


def csv_line(cells: list[str], delim: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\n").writerow(cells)
    return buf.getvalue().rstrip("\n")


def sd_escape(v: object) -> str:
    return str(v).replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


SEV = {"debug": 7, "info": 6, "notice": 5, "warning": 4, "error": 3, "critical": 2}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def iso(ts: dt.datetime, frac: int = 3, tz: str = "Z") -> str:
    s = ts.strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        s += "." + f"{ts.microsecond:06d}"[:frac]
    return s + tz


# ---------------------------------------------------------------- dialects
# A dialect renders one record (dict: ts, level, host, app, pid, site, msg, fields, lang,
# r) to a line. Every dialect writes the level.


def d_fluentbit(x: dict) -> str:
    lvl = {
        "debug": "DEBUG",
        "info": "INFO",
        "notice": "INFO",
        "warning": "WARN",
        "error": "ERROR",
        "critical": "FATAL",
    }[x["level"]]
    r = x["r"]
    log = f"{iso(x['ts'])} {lvl} [{x['app']}] " + with_fields(x["msg"], x["fields"])
    pod = f"{x['app']}-{V.hexs(r, 9)}-{V.hexs(r, 5)}"
    return json.dumps(
        {
            "date": round(x["ts"].timestamp() + x["ts"].microsecond / 1e6, 6),
            "log": log,
            "stream": "stderr" if r.random() < 0.5 else "stdout",
            "kubernetes": {
                "pod_name": pod,
                "namespace_name": r.choice(["mes", "edge", "ml"]),
                "container_name": x["app"],
                "host": x["host"],
            },
        },
        ensure_ascii=False,
    )


def d_ecs(x: dict) -> str:
    lvl = {
        "debug": "debug",
        "info": "info",
        "notice": "notice",
        "warning": "warn",
        "error": "error",
        "critical": "critical",
    }[x["level"]]
    doc: dict = {
        "@timestamp": iso(x["ts"]),
        "log.level": lvl,
        "message": x["msg"],
        "service.name": x["app"],
        "host.name": x["host"],
        "event.dataset": f"{x['app']}.log",
    }
    if x["fields"]:
        if x["r"].random() < 0.5:
            doc["labels"] = dict(x["fields"])
        else:
            for k, v in x["fields"]:
                doc[f"{x['app']}.{k}"] = v
    doc["ecs.version"] = "8.11.0"
    return json.dumps(doc, ensure_ascii=False)


def d_pyjson(x: dict) -> str:
    lvl = {
        "debug": "DEBUG",
        "info": "INFO",
        "notice": "INFO",
        "warning": "WARNING",
        "error": "ERROR",
        "critical": "CRITICAL",
    }[x["level"]]
    doc: dict = {
        "asctime": x["ts"].strftime("%Y-%m-%d %H:%M:%S,") + f"{x['ts'].microsecond // 1000:03d}",
        "levelname": lvl,
        "name": x["app"],
        "process": x["pid"],
        "message": x["msg"],
    }
    doc.update(dict(x["fields"]))
    return json.dumps(doc, ensure_ascii=False)


def d_iot(x: dict) -> str:
    lvl = {
        "debug": "debug",
        "info": "info",
        "notice": "info",
        "warning": "warning",
        "error": "error",
        "critical": "critical",
    }[x["level"]]
    r = x["r"]
    payload: dict = {"text": x["msg"]}
    payload.update(dict(x["fields"]))
    return json.dumps(
        {
            "ts": int(x["ts"].timestamp() * 1000),
            "clientid": x["host"],
            "topic": f"{x['site'].split()[0]}/line{r.randint(1, 6)}/{x['app']}/evt",
            "qos": r.choice([0, 1]),
            "sev": lvl,
            "payload": payload,
        },
        ensure_ascii=False,
    )


def csv_dialect(
    delim: str,
    header: list[str],
    levels: dict[str, str],
    tsfmt: Callable,
    layout: str,
    style: str = "kv",
) -> tuple[Callable, str]:
    def render(x: dict) -> str:
        cells = {
            "ts": tsfmt(x["ts"]),
            "date": x["ts"].strftime("%d.%m.%Y"),
            "time": x["ts"].strftime("%H:%M:%S,") + f"{x['ts'].microsecond // 1000:03d}",
            "lvl": levels[x["level"]],
            "host": x["host"],
            "site": x["site"],
            "app": x["app"],
            "msg": with_fields(x["msg"], x["fields"], style),
        }
        return csv_line([cells[c] for c in layout.split()], delim)

    return render, csv_line(header, delim)


LV_EN = {
    "debug": "Verbose",
    "info": "Information",
    "notice": "Information",
    "warning": "Warning",
    "error": "Error",
    "critical": "Critical",
}
LV_DE = {
    "debug": "Debug",
    "info": "Info",
    "notice": "Hinweis",
    "warning": "Warnung",
    "error": "Fehler",
    "critical": "Kritisch",
}
LV_ZH = {
    "debug": "调试",
    "info": "信息",
    "notice": "通知",
    "warning": "警告",
    "error": "错误",
    "critical": "严重",
}
LV_JA = {
    "debug": "デバッグ",
    "info": "情報",
    "notice": "通知",
    "warning": "警告",
    "error": "エラー",
    "critical": "重大",
}
LV_VI = {
    "debug": "GỠ LỖI",
    "info": "THÔNG TIN",
    "notice": "THÔNG BÁO",
    "warning": "CẢNH BÁO",
    "error": "LỖI",
    "critical": "NGHIÊM TRỌNG",
}
LV_FR = {
    "debug": "DÉBOGAGE",
    "info": "INFO",
    "notice": "AVIS",
    "warning": "AVERTISSEMENT",
    "error": "ERREUR",
    "critical": "CRITIQUE",
}


def d_grafana(x: dict) -> str:
    lvl = {
        "debug": "dbug",
        "info": "info",
        "notice": "info",
        "warning": "warn",
        "error": "eror",
        "critical": "crit",
    }[x["level"]]
    ts = x["ts"].strftime("%Y-%m-%dT%H:%M:%S.") + f"{x['ts'].microsecond // 1000:03d}+0100"
    parts = [
        f"t={ts}",
        f"lvl={lvl}",
        kv("msg", x["msg"]),
        f"logger={x['app']}",
        f"host={x['host']}",
    ]
    parts += [kv(k, v) for k, v in x["fields"]]
    return " ".join(parts)


def d_influxd(x: dict) -> str:
    lvl = {
        "debug": "debug",
        "info": "info",
        "notice": "info",
        "warning": "warn",
        "error": "error",
        "critical": "error",
    }[x["level"]]
    if x["level"] == "critical":
        lvl = "fatal"
    parts = [
        f"ts={iso(x['ts'], 6)}",
        f"lvl={lvl}",
        kv("msg", x["msg"]),
        f"log_id={V.rnd(x['r'], V.ALNUM, 11)}",
        f"service={x['app']}",
        f"node={x['host']}",
    ]
    parts += [kv(k, v) for k, v in x["fields"]]
    return " ".join(parts)


def d_logrus(x: dict) -> str:
    lvl = {
        "debug": "debug",
        "info": "info",
        "notice": "info",
        "warning": "warning",
        "error": "error",
        "critical": "fatal",
    }[x["level"]]
    parts = [
        f'time="{iso(x["ts"], 0, "+09:00")}"',
        f"level={lvl}",
        kv("msg", x["msg"]),
        f"hostname={x['host']}",
        kv("plant", x["site"]),
    ]
    parts += [kv(k, v) for k, v in x["fields"]]
    return " ".join(parts)


def d_5424(sdid: str, fields_in_sd: float) -> Callable:
    def render(x: dict) -> str:
        r = x["r"]
        pri = 8 * r.choice([16, 17, 3]) + SEV[x["level"]]
        msgid = r.choice(["-", "EVT", "ALM", "TLM", "AUD", "SYS"])
        sd = []
        if x["host_is_ip"] and r.random() < 0.5:
            sd.append(f'[origin ip="{x["host"]}" software="{x["app"]}"]')
        fields = x["fields"]
        msg = x["msg"]
        if fields and r.random() < fields_in_sd:
            sd.append(f"[{sdid} " + " ".join(f'{k}="{sd_escape(v)}"' for k, v in fields) + "]")
        else:
            msg = with_fields(msg, fields)
        if r.random() < 0.3:
            sd.append('[timeQuality tzKnown="1" isSynced="1"]')
        sds = "".join(sd) or "-"
        return (
            f"<{pri}>1 {iso(x['ts'], 6, '+01:00')} {x['host']} {x['app']} {x['pid']} {msgid} "
            f"{sds} {msg}"
        )

    return render


def d_3164(with_pid: bool, style: str) -> Callable:
    def render(x: dict) -> str:
        r = x["r"]
        pri = 8 * r.choice([16, 23, 3, 1]) + SEV[x["level"]]
        ts = f"{MONTHS[x['ts'].month - 1]} {x['ts'].day:2d} {x['ts'].strftime('%H:%M:%S')}"
        tag = f"{x['app']}[{x['pid']}]" if with_pid or r.random() < 0.3 else x["app"]
        return f"<{pri}>{ts} {x['host']} {tag}: " + with_fields(x["msg"], x["fields"], style)

    return render


def d_infra_text(x: dict) -> str:
    """klog, PostgreSQL or nginx error-log layout."""
    r, ts, lv = x["r"], x["ts"], x["level"]
    body = with_fields(x["msg"], x["fields"])
    k = r.randrange(3)
    if k == 0:
        letter = {
            "debug": "I",
            "info": "I",
            "notice": "I",
            "warning": "W",
            "error": "E",
            "critical": "F",
        }[lv]
        return (
            f"{letter}{ts.strftime('%m%d %H:%M:%S.')}{ts.microsecond:06d}    {x['pid']} "
            f"{r.choice(['server.go', 'reflector.go', 'controller.go', 'main.go'])}:"
            f"{r.randint(20, 900)}] {body}"
        )
    if k == 1:
        word = {
            "debug": "DEBUG1",
            "info": "LOG",
            "notice": "NOTICE",
            "warning": "WARNING",
            "error": "ERROR",
            "critical": "FATAL",
        }[lv]
        ms = f"{ts.microsecond // 1000:03d}"
        return f"{ts.strftime('%Y-%m-%d %H:%M:%S.')}{ms} CET [{x['pid']}] {word}:  {body}"
    word = {
        "debug": "debug",
        "info": "info",
        "notice": "notice",
        "warning": "warn",
        "error": "error",
        "critical": "crit",
    }[lv]
    conn = r.randint(1, 9999)
    return f"{ts.strftime('%Y/%m/%d %H:%M:%S')} [{word}] {x['pid']}#{x['pid']}: *{conn} {body}"


TF_SOURCES = [
    "tensorflow/core/common_runtime/gpu/gpu_device.cc",
    "tensorflow/compiler/xla/service/service.cc",
]


def d_ml_text(x: dict) -> str:
    """Hydra/Lightning, TensorFlow C++ and Triton console layouts."""
    r, ts, lv = x["r"], x["ts"], x["level"]
    body = with_fields(x["msg"], x["fields"])
    k = r.randrange(3)
    if k == 0:
        word = {
            "debug": "DEBUG",
            "info": "INFO",
            "notice": "INFO",
            "warning": "WARNING",
            "error": "ERROR",
            "critical": "CRITICAL",
        }[lv]
        ms = f"{ts.microsecond // 1000:03d}"
        return f"[{ts.strftime('%Y-%m-%d %H:%M:%S,')}{ms}][{x['app']}][{word}] - {body}"
    letter = {
        "debug": "I",
        "info": "I",
        "notice": "I",
        "warning": "W",
        "error": "E",
        "critical": "F",
    }[lv]
    if k == 1:
        return (
            f"{ts.strftime('%Y-%m-%d %H:%M:%S.')}{ts.microsecond:06d}: {letter} "
            f"{r.choice(TF_SOURCES)}"
            f":{r.randint(100, 2000)}] {body}"
        )
    src = r.choice(["model_lifecycle.cc", "server.cc", "backend_model.cc"])
    return (f"{letter}{ts.strftime('%m%d %H:%M:%S.')}{ts.microsecond:06d} {x['pid']} "
            f"{src}:{r.randint(100, 900)}] {body}")


PANEL_LV = {
    "en": {
        "debug": "DEBUG",
        "info": "INFO",
        "notice": "NOTICE",
        "warning": "WARNING",
        "error": "ERROR",
        "critical": "CRITICAL",
    },
    "de": LV_DE,
    "zh": LV_ZH,
    "ja": LV_JA,
    "vi": LV_VI,
    "ko": {
        "debug": "디버그",
        "info": "정보",
        "notice": "알림",
        "warning": "경고",
        "error": "오류",
        "critical": "치명",
    },
    "fr": LV_FR,
    "es": {
        "debug": "DEPURACIÓN",
        "info": "INFO",
        "notice": "AVISO",
        "warning": "ADVERTENCIA",
        "error": "ERROR",
        "critical": "CRÍTICO",
    },
    "pt": {
        "debug": "DEPURAÇÃO",
        "info": "INFO",
        "notice": "AVISO",
        "warning": "ADVERTÊNCIA",
        "error": "ERRO",
        "critical": "CRÍTICO",
    },
    "it": {
        "debug": "DEBUG",
        "info": "INFO",
        "notice": "AVVISO",
        "warning": "AVVERTENZA",
        "error": "ERRORE",
        "critical": "CRITICO",
    },
}


def d_panel(x: dict) -> str:
    """HMI panel text, level word in the record's language."""
    ts, lang = x["ts"], x["lang"]
    w = PANEL_LV[lang][x["level"]]
    body = with_fields(x["msg"], x["fields"], "colon")
    if lang == "de":
        return f"{ts.strftime('%d.%m.%Y %H:%M:%S')}  {w:<8} {x['host']}  {body}"
    if lang == "zh":
        return f"{ts.strftime('%Y-%m-%d %H:%M:%S')} | {w} | {x['host']} | {body}"
    if lang == "ja":
        return f"{ts.strftime('%Y/%m/%d %H:%M:%S')} 【{w}】 {x['host']} {body}"
    if lang == "vi":
        return f"[{ts.strftime('%d/%m/%Y %H:%M:%S')}] {w}: {x['host']} - {body}"
    if lang == "ko":
        return f"{ts.strftime('%Y.%m.%d %H:%M:%S')} [{w}] {x['host']} {body}"
    if lang in ("fr", "es", "pt", "it"):
        return f"{ts.strftime('%d/%m/%Y %H:%M:%S')} {w} {x['host']} : {body}"
    return f"{ts.strftime('%Y-%m-%d %H:%M:%S')} {w:<8} {x['host']} {body}"


# ---------------------------------------------------------------- files

C_EN = csv_dialect(
    ",",
    ["EventTime", "EventType", "Computer", "Area", "Source", "Message"],
    LV_EN,
    lambda t: t.strftime("%m/%d/%Y %I:%M:%S %p"),
    "ts lvl host site app msg",
)
C_DE = csv_dialect(
    "\t",
    ["Datum", "Uhrzeit", "Klasse", "Rechner", "Bereich", "Meldetext"],
    LV_DE,
    lambda t: "",
    "date time lvl host site msg",
    "colon",
)
C_ZH = csv_dialect(
    "\t",
    ["日期时间", "级别", "主机", "车间", "模块", "消息"],
    LV_ZH,
    lambda t: t.strftime("%Y-%m-%d %H:%M:%S"),
    "ts lvl host site app msg",
)
C_JA = csv_dialect(
    ";",
    ["発生日時", "重要度", "端末", "拠点", "機能", "メッセージ"],
    LV_JA,
    lambda t: t.strftime("%Y/%m/%d %H:%M:%S"),
    "ts lvl host site app msg",
    "colon",
)
C_VI = csv_dialect(
    ",",
    ["Ngày giờ", "Mức", "Máy chủ", "Xưởng", "Nguồn", "Nội dung"],
    LV_VI,
    lambda t: t.strftime("%d/%m/%Y %H:%M:%S"),
    "ts lvl host site app msg",
)
C_FR = csv_dialect(
    ";",
    ["Horodatage", "Niveau", "Hôte", "Site", "Source", "Message"],
    LV_FR,
    lambda t: t.strftime("%d/%m/%Y %H:%M:%S"),
    "ts lvl host site app msg",
)

CORE = {"en": 3, "de": 2, "zh": 2, "ja": 2, "vi": 2}
FILES = [
    # path, format, dialect name, renderer, header, records, languages, apps, bias
    (
        "jsonl/fluentbit_k8s.jsonl",
        "jsonl",
        "json_fluentbit",
        d_fluentbit,
        None,
        44,
        {"en": 5, "de": 1, "zh": 1, "ja": 1},
        ["mes-api", "opcua-bridge", "historian-writer", "nodered"],
        {},
    ),
    (
        "jsonl/ecs_gateway.jsonl",
        "jsonl",
        "json_ecs",
        d_ecs,
        None,
        38,
        {"en": 3, "de": 3, "zh": 1, "vi": 1, "fr": 1},
        ["emqx", "s7-gateway", "mes-connector", "bms-agent"],
        {},
    ),
    (
        "jsonl/ml_pipeline.jsonl",
        "jsonl",
        "json_python",
        d_pyjson,
        None,
        29,
        {"en": 5, "zh": 2, "ja": 1, "de": 1},
        ["lightning.pytorch", "mlflow.tracking", "trainer", "inference"],
        {"model": 5, "calibration": 2},
    ),
    (
        "jsonl/iot_events.jsonl",
        "jsonl",
        "json_iot",
        d_iot,
        None,
        33,
        {"en": 2, "zh": 2, "ja": 2, "vi": 2, "ko": 1},
        ["telemetry", "canlogger", "bms", "tracker"],
        {"sensor": 3, "geolocation": 3, "device_id": 2},
    ),
    (
        "csv/alarm_history.csv",
        "csv",
        "csv_en",
        C_EN[0],
        C_EN[1],
        34,
        {"en": 1},
        ["FTView", "RSLinx", "Historian", "MES"],
        {},
    ),
    (
        "csv/meldearchiv.csv",
        "csv",
        "csv_tab_de",
        C_DE[0],
        C_DE[1],
        28,
        {"de": 4, "en": 1},
        ["WinCC", "S7", "MES"],
        {},
    ),
    (
        "csv/jiance_rizhi.csv",
        "csv",
        "csv_tab_zh",
        C_ZH[0],
        C_ZH[1],
        24,
        {"zh": 4, "en": 1},
        ["SCADA", "MES", "视觉"],
        {},
    ),
    (
        "csv/kadou_kiroku.csv",
        "csv",
        "csv_semicolon_ja",
        C_JA[0],
        C_JA[1],
        22,
        {"ja": 4, "en": 1},
        ["PLC", "MES", "検査"],
        {},
    ),
    (
        "csv/nhat_ky_van_hanh.csv",
        "csv",
        "csv_vi",
        C_VI[0],
        C_VI[1],
        18,
        {"vi": 4, "en": 1},
        ["PLC", "MES", "SCADA"],
        {},
    ),
    (
        "csv/journal_sites.csv",
        "csv",
        "csv_semicolon_fr",
        C_FR[0],
        C_FR[1],
        18,
        {"fr": 3, "es": 2, "pt": 2, "it": 2, "ko": 2, "en": 1},
        ["MES", "SCADA", "GMAO"],
        {},
    ),
    (
        "logfmt/grafana_agent.logfmt",
        "logfmt",
        "logfmt_grafana",
        d_grafana,
        None,
        55,
        CORE,
        ["prometheus.scrape", "loki.write", "plugin.mqtt", "alerting"],
        {},
    ),
    (
        "logfmt/influxd.log",
        "logfmt",
        "logfmt_influxd",
        d_influxd,
        None,
        45,
        {"en": 3, "de": 1, "zh": 1, "ja": 1},
        ["storage-engine", "telegraf", "task-executor", "http"],
        {"sensor": 2},
    ),
    (
        "logfmt/edge_logrus.logfmt",
        "logfmt",
        "logfmt_logrus",
        d_logrus,
        None,
        44,
        {**CORE, "ko": 1},
        ["edge-agent", "plc-poller", "uploader"],
        {},
    ),
    (
        "syslog/plant_nodes.rfc5424.log",
        "syslog-5424",
        "rfc5424_sd",
        d_5424("fields@47450", 0.7),
        None,
        78,
        {**CORE, "ko": 1},
        ["kubelet", "mosquitto", "opcua-srv", "robot-ctrl", "vision-svc", "postgres"],
        {},
    ),
    (
        "syslog/cell_controllers.syslog",
        "syslog-5424",
        "rfc5424_msg",
        d_5424("x@32473", 0.2),
        None,
        66,
        {"en": 2, "de": 2, "ja": 2, "zh": 1, "vi": 2},
        ["robot-ctrl", "cmm-export", "bms-agent", "canlogger"],
        {},
    ),
    (
        "syslog/gateways.rfc3164.log",
        "syslog-3164",
        "rfc3164_pid",
        d_3164(True, "kv"),
        None,
        78,
        CORE,
        ["haproxy", "nginx", "mosquitto", "telegraf", "s7-gateway"],
        {},
    ),
    (
        "syslog/panel_pcs.rfc3164.log",
        "syslog-3164",
        "rfc3164_colon",
        d_3164(False, "colon"),
        None,
        66,
        {"en": 1, "de": 2, "zh": 2, "ja": 2, "vi": 2, "it": 1},
        ["hmi", "wincc", "vision", "robot"],
        {},
    ),
    (
        "text/infra_services.log",
        "text",
        "text_klog_pg_nginx",
        d_infra_text,
        None,
        55,
        {"en": 6, "de": 1, "ja": 1},
        ["kubelet", "postgres", "nginx"],
        {"network_id": 2, "secret": 2},
    ),
    (
        "text/training_console.log",
        "text",
        "text_ml_console",
        d_ml_text,
        None,
        39,
        {"en": 5, "zh": 1, "ja": 1},
        ["lightning", "triton", "tf"],
        {"model": 5, "calibration": 2},
    ),
    (
        "text/hmi_panel.txt",
        "text",
        "text_panel",
        d_panel,
        None,
        50,
        {"en": 1, "de": 2, "zh": 2, "ja": 2, "vi": 2, "ko": 1, "fr": 1, "es": 1, "pt": 1},
        ["hmi"],
        {},
    ),
]


def check_look(kind: str, value: str) -> None:
    digits = value.replace(" ", "")
    bad = {
        "card": lambda: not ids.luhn_ok(digits) and len(digits) == 16,
        "imei": lambda: not ids.luhn_ok(digits) and len(digits) == 15,
        "iban": lambda: not ids.iban_ok(digits),
        "cn_resident_id": lambda: not ids.cn_ok(digits),
        "de_tax_id": lambda: not ids.de_tax_ok(digits) and digits[0] != "1",
        "jp_my_number": lambda: not ids.my_number_ok(digits) and digits[0] != "0",
    }[kind]()
    assert bad, (kind, value)


def pick(r: random.Random, weights: dict[str, float]) -> str:
    keys = sorted(weights)
    return r.choices(keys, [weights[k] for k in keys])[0]


def build() -> tuple[dict[str, str], dict]:
    r = random.Random(SEED)
    by_primary: dict[str, list[dict]] = {}
    for t in TP.TEMPLATES:
        by_primary.setdefault(t["primary"], []).append(t)

    # slots per format, dealt to that format's files by remaining room x bias
    plan: dict[str, list[str]] = {}
    for fmt in FORMATS:
        files = [f for f in FILES if f[1] == fmt]
        slots = [c for c in CATEGORIES for _ in range(PER_CATEGORY)] + ["none"] * NONE_SLOTS
        room = {f[0]: f[5] for f in files}
        assert sum(room.values()) == len(slots), (fmt, sum(room.values()), len(slots))
        r.shuffle(slots)
        for f in files:
            plan[f[0]] = []
        for c in slots:
            w = {f[0]: room[f[0]] * f[8].get(c, 1) for f in files if room[f[0]]}
            name = pick(r, w)
            plan[name].append(c)
            room[name] -= 1

    out: dict[str, str] = {}
    labels: dict = {
        "about": (
            "Set (d) of the quality harness, held out: labels of benches/quality/heldout/. "
            "Keys: file (relative to this folder), then line number (1-based, as the "
            "scanner counts). c = categories the record truly contains ([] = none), lang, "
            "t = template, look = look-alike identifiers in it (kind, value: invalid "
            "check digits, never personal/device_id). Rules: "
            "benches/quality/own/README.md; this set: README.md."
        ),
        "seed": SEED,
        "files": {},
    }
    for path, fmt, dialect, render, header, _n, langs, apps, _bias in FILES:
        ts = dt.datetime(2026, 3, 2, 6, 0, 0, tzinfo=dt.UTC) + dt.timedelta(
            minutes=r.randint(0, 600)
        )
        lines: list[str] = []
        entry: dict = {
            "format": fmt,
            "dialect": dialect,
            "header_lines": 1 if header else 0,
            "lines": {},
        }
        if header:
            lines.append(header)
        for cat in plan[path]:
            cands = by_primary[cat]
            avail = {lg: w for lg, w in langs.items() if any(lg in t["langs"] for t in cands)}
            lang = pick(r, avail) if avail else "en"
            t = r.choice([t for t in cands if lang in t["langs"]])
            d = t["fn"](r)
            level = d.get("lv") or r.choice(t["lv"])
            cats = set(t["cats"]) | set(d.get("c", []))
            msg = d["m"][lang]
            fields = list(d["f"])
            look = [tuple(x) for x in d.get("look", [])]
            if cats & CONTENT and r.random() < P_FRAGMENT:
                fc, text, field = fragment(r, lang)
                cats.add(fc)
                if text:
                    msg = f"{msg} {text}"
                else:
                    fields.append(field)
            if not cats & {"personal", "device_id"} and r.random() < P_LOOK:
                lk, text, field = lookalike(r, lang)
                look.append(lk)
                if text:
                    msg = f"{msg} {text}"
                else:
                    fields.append(field)
            if r.random() < P_NOISE:
                fields.append(V.noise(r))
            ts += dt.timedelta(seconds=r.randint(1, 900), microseconds=r.randint(0, 999999))
            host_is_ip = r.random() < P_HOST_IP
            host = V.ipv4(r) if host_is_ip else r.choice(V.HOSTS)
            x = {
                "ts": ts,
                "level": level,
                "host": host,
                "host_is_ip": host_is_ip,
                "app": r.choice(apps),
                "pid": r.randint(300, 65000),
                "site": r.choice(V.SITES_BY_LANG[lang] if r.random() < 0.8 else V.SITES),
                "msg": msg,
                "fields": fields,
                "lang": lang,
                "r": r,
            }
            line = render(x)
            assert "\n" not in line and "\r" not in line, line
            if host_is_ip and host in line:
                cats.add("network_id")
            if level in WARN_OR_WORSE:
                cats.add("diagnostic")
            for kind, value in look:
                check_look(kind, value)
                assert value in line or value.replace(" ", "") in line, (value, line)
            lines.append(line)
            rec: dict = {"c": sorted(cats, key=CATEGORIES.index), "lang": lang, "t": t["name"]}
            if look:
                rec["look"] = [list(x) for x in look]
            entry["lines"][str(len(lines))] = rec
        out[path] = "\n".join(lines) + "\n"
        labels["files"][path] = entry
    out["labels.json"] = render_labels(labels)
    return out, labels


def render_labels(labels: dict) -> str:
    """One line per record, like set (c)'s labels.json."""
    head = {k: v for k, v in labels.items() if k != "files"}
    parts = ["{"]
    for k, v in head.items():
        parts.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    parts.append(' "files": {')
    files = list(labels["files"].items())
    for i, (path, e) in enumerate(files):
        parts.append(f"  {json.dumps(path)}: {{")
        for k in ("format", "dialect", "header_lines"):
            parts.append(f"   {json.dumps(k)}: {json.dumps(e[k])},")
        parts.append('   "lines": {')
        items = list(e["lines"].items())
        for j, (n, rec) in enumerate(items):
            comma = "," if j < len(items) - 1 else ""
            parts.append(f"    {json.dumps(n)}: {json.dumps(rec, ensure_ascii=False)}{comma}")
        parts.append("   }")
        parts.append("  }" + ("," if i < len(files) - 1 else ""))
    parts.append(" }")
    parts.append("}")
    return "\n".join(parts) + "\n"


def summary(labels: dict) -> str:
    """The composition tables of README.md."""
    cells: Counter = Counter()
    fmts = FORMATS
    for e in labels["files"].values():
        for rec in e["lines"].values():
            for c in rec["c"] or ["none"]:
                cells[(c, e["format"])] += 1
            cells[("records", e["format"])] += 1
            cells[(rec["lang"], e["format"])] += 1
            cells[("multi", "all")] += len(rec["c"]) > 1
            cells[("look", "all")] += len(rec.get("look", []))
    rows = ["| category | " + " | ".join(fmts) + " | all |", "|---|" + "---|" * (len(fmts) + 1)]
    langs = sorted(
        {k[0] for k in cells if k[0] in V.NAMES},
        key=lambda x: (V.LANGS_CORE + V.LANGS_EXTRA).index(x),
    )
    for c in [*CATEGORIES, "none", "records", *langs]:
        vals = [cells[(c, f)] for f in fmts]
        name = f"**{c}**" if c == "records" else c
        rows.append(f"| {name} | " + " | ".join(str(v) for v in vals) + f" | {sum(vals)} |")
    rows.append("")
    rows.append(
        f"{cells[('multi', 'all')]} records have more than one category; "
        f"{cells[('look', 'all')]} look-alike identifiers."
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--check", action="store_true", help="compare with the files on disk, write nothing"
    )
    ap.add_argument("--summary", action="store_true", help="print the composition tables")
    a = ap.parse_args(argv)
    files, labels = build()
    if a.summary:
        print(summary(labels))
        return 0
    if a.check:
        bad = [
            p
            for p, text in files.items()
            if not (HERE / p).is_file() or (HERE / p).read_text(encoding="utf-8") != text
        ]
        if bad:
            print("differs from what make.py writes: " + ", ".join(bad), file=sys.stderr)
            return 1
        print(f"{len(files)} files as make.py writes them")
        return 0
    for p, text in files.items():
        (HERE / p).parent.mkdir(parents=True, exist_ok=True)
        (HERE / p).write_text(text, encoding="utf-8")
    n = sum(len(e["lines"]) for e in labels["files"].values())
    print(f"wrote {len(files) - 1} fixtures ({n} records) and labels.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
