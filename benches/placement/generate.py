#!/usr/bin/env python3
# ruff: noqa: RUF001
# (full-width punctuation is what zh/ja logs are written with)
"""Labelled fixtures for *record placement*: where a record is sent (destination)
and which site it comes from (origin), written the way other teams' telemetry
says it.

    python benches/placement/generate.py --out /tmp/placement

writes fixture files (JSON Lines, plain text, syslog, CSV with `;`, `|` and tab,
logfmt) and `truth.jsonl`, one line per record:

    {"file": "vocab-de.jsonl", "line": 3, "shape": "json-vocab", "lang": "de",
     "dest_country": "JP", "dest_host": "collector.example.jp",
     "origin_country": "DE", "decoy": false, "decoy_host": null}

Deterministic (fixed seed), standard library only. Written without reading the
scanner's implementation: the vocabularies are what telemetry looks like, not
what any resolver is known to read.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

SEED = 20261102

# ---------------------------------------------------------------------------
# Destinations: hosts whose country is knowable without DNS.
# (host, ISO country, schemes that make sense for it)

ANY = ("https", "https", "mqtt", "mqtts", "amqps", "amqp", "opc.tcp", "kafka", "grpc", "wss",
       "http")
WEB = ("https", "https", "https", "http")
CC_HOSTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("ingest.example.de", "DE", ANY),
    ("mqtt.werk-daten.example.de", "DE", ("mqtt", "mqtts")),
    ("broker.example.de", "DE", ANY),
    ("iot.example.cn", "CN", ANY),
    ("upload.example.com.cn", "CN", WEB),
    ("data.example.cn", "CN", ANY),
    ("collector.example.jp", "JP", ANY),
    ("broker.example.co.jp", "JP", ("mqtt", "mqtts", "amqps")),
    ("api.example.ne.jp", "JP", WEB),
    ("api.example.vn", "VN", ANY),
    ("ingest.example.com.vn", "VN", ANY),
    ("data.example.kr", "KR", ANY),
    ("hub.example.co.kr", "KR", ANY),
    ("upload.example.fr", "FR", ANY),
    ("mesures.example.fr", "FR", WEB),
    ("ingest.example.co.uk", "GB", ANY),
    ("telemetria.example.it", "IT", ANY),
    ("iot.example.pl", "PL", ANY),
    ("gw.example.nl", "NL", ANY),
    ("data.example.cz", "CZ", ANY),
    ("ingest.example.co.in", "IN", ANY),
    ("mqtt.example.com.mx", "MX", ("mqtt", "mqtts")),
    ("api.example.com.sg", "SG", WEB),
    ("iot.example.com.tw", "TW", ANY),
    ("ingest.example.us", "US", ANY),
    ("data.example.ch", "CH", ANY),
    ("edge.example.at", "AT", ANY),
]
CLOUD_HOSTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("s3.eu-central-1.amazonaws.com", "DE", ("https", "s3")),
    ("plant-archive.s3.eu-central-1.amazonaws.com", "DE", ("https",)),
    ("plantdata.s3.ap-northeast-1.amazonaws.com", "JP", ("https",)),
    ("s3.ap-northeast-2.amazonaws.com", "KR", ("https", "s3")),
    ("s3.eu-west-3.amazonaws.com", "FR", ("https", "s3")),
    ("s3.cn-north-1.amazonaws.com.cn", "CN", ("https",)),
    ("a3k7x9q2m1ws0p-ats.iot.eu-central-1.amazonaws.com", "DE", ("mqtts", "https")),
    ("kinesis.ap-northeast-1.amazonaws.com", "JP", ("https",)),
    ("sqs.eu-west-3.amazonaws.com", "FR", ("https",)),
    ("oss-cn-shanghai.aliyuncs.com", "CN", ("https",)),
    ("plant-logs.oss-cn-shenzhen.aliyuncs.com", "CN", ("https",)),
    ("iot-as-mqtt.cn-shanghai.aliyuncs.com", "CN", ("mqtt", "mqtts")),
    ("a1Bc2dE3fG4.iot-as-mqtt.cn-shanghai.aliyuncs.com", "CN", ("mqtt",)),
    ("oss-eu-central-1.aliyuncs.com", "DE", ("https",)),
    ("oss-ap-northeast-1.aliyuncs.com", "JP", ("https",)),
    ("cos.ap-tokyo.myqcloud.com", "JP", ("https",)),
    ("plant-1250000000.cos.ap-guangzhou.myqcloud.com", "CN", ("https",)),
    ("cos.ap-seoul.myqcloud.com", "KR", ("https",)),
    ("europe-west3-pubsub.googleapis.com", "DE", ("https", "grpc")),
    ("asia-northeast1-pubsub.googleapis.com", "JP", ("https", "grpc")),
    ("asia-northeast3-pubsub.googleapis.com", "KR", ("https", "grpc")),
    ("obs.cn-north-4.myhuaweicloud.com", "CN", ("https",)),
]
PORTS = {"mqtt": 1883, "mqtts": 8883, "amqp": 5672, "amqps": 5671, "opc.tcp": 4840,
         "kafka": 9092, "grpc": 443, "wss": 443, "https": 443, "http": 80}
HTTP_PATHS = ["ingest", "api/v2/telemetry", "upload/batch", "v1/data", "telemetry/cnc",
              "plant/line3/upload", "collect", "api/measurements", "mes/import"]

# ---------------------------------------------------------------------------
# Origins: site codes with the site's name in each language.

SITES: dict[str, dict[str, str]] = {
    "DE-STR-01": dict(en="Stuttgart", de="Stuttgart", zh="斯图加特", ja="シュトゥットガルト",
                      vi="Stuttgart", ko="슈투트가르트", fr="Stuttgart"),
    "DE-MUC-01": dict(en="Munich", de="München", zh="慕尼黑", ja="ミュンヘン", vi="München",
                      ko="뮌헨", fr="Munich"),
    "CN-SZ-02": dict(en="Shenzhen", de="Shenzhen", zh="深圳", ja="深圳", vi="Thâm Quyến",
                     ko="선전", fr="Shenzhen"),
    "CN-SHA-01": dict(en="Shanghai", de="Shanghai", zh="上海", ja="上海", vi="Thượng Hải",
                      ko="상하이", fr="Shanghai"),
    "JP-NGO-02": dict(en="Nagoya", de="Nagoya", zh="名古屋", ja="名古屋", vi="Nagoya",
                      ko="나고야", fr="Nagoya"),
    "JP-OSA-01": dict(en="Osaka", de="Osaka", zh="大阪", ja="大阪", vi="Osaka", ko="오사카",
                      fr="Osaka"),
    "VN-HAN-02": dict(en="Hanoi", de="Hanoi", zh="河内", ja="ハノイ", vi="Hà Nội", ko="하노이",
                      fr="Hanoï"),
    "VN-SGN-01": dict(en="Ho Chi Minh City", de="Ho-Chi-Minh-Stadt", zh="胡志明市",
                      ja="ホーチミン", vi="Hồ Chí Minh", ko="호찌민", fr="Hô Chi Minh-Ville"),
    "KR-ICN-01": dict(en="Incheon", de="Incheon", zh="仁川", ja="仁川", vi="Incheon", ko="인천",
                      fr="Incheon"),
    "KR-PUS-01": dict(en="Busan", de="Busan", zh="釜山", ja="釜山", vi="Busan", ko="부산",
                      fr="Busan"),
    "FR-LYO-01": dict(en="Lyon", de="Lyon", zh="里昂", ja="リヨン", vi="Lyon", ko="리옹",
                      fr="Lyon"),
    "PL-WRO-01": dict(en="Wroclaw", de="Breslau", zh="弗罗茨瓦夫", ja="ヴロツワフ", vi="Wrocław",
                      ko="브로츠와프", fr="Wrocław"),
    "MX-QRO-01": dict(en="Queretaro", de="Querétaro", zh="克雷塔罗", ja="ケレタロ",
                      vi="Querétaro", ko="케레타로", fr="Querétaro"),
}
# Sites each language's team most often writes about (a German team mostly
# logs German plants, and so on); any site can appear anywhere.
HOME_SITES = {
    "de": ["DE-STR-01", "DE-MUC-01", "PL-WRO-01"],
    "en": ["MX-QRO-01", "FR-LYO-01", "DE-STR-01", "KR-PUS-01"],
    "zh": ["CN-SZ-02", "CN-SHA-01"],
    "ja": ["JP-NGO-02", "JP-OSA-01"],
    "vi": ["VN-HAN-02", "VN-SGN-01"],
    "ko": ["KR-ICN-01", "KR-PUS-01"],
    "fr": ["FR-LYO-01"],
}


def site_long(code: str, lang: str, rng: random.Random) -> str:
    """The site written out the way a team of that language does."""
    city = SITES[code][lang]
    forms = {
        "de": [f"Werk {city} ({code})", f"Werk {city} / {code}", f"{code} Werk {city}"],
        "en": [f"{city} plant ({code})", f"Plant {city} / {code}", f"{code} - {city} plant"],
        "zh": [f"{city}工厂 {code}", f"{city}工厂（{code}）", f"{code} {city}工厂"],
        "ja": [f"{city}工場 {code}", f"{city}工場（{code}）", f"{code} {city}工場"],
        "vi": [f"Nhà máy {city} {code}", f"Nhà máy {city} ({code})", f"{code} - Nhà máy {city}"],
        "ko": [f"{city} 공장 {code}", f"{city}공장({code})", f"{code} {city} 공장"],
        "fr": [f"Usine de {city} ({code})", f"Usine {city} - {code}"],
    }[lang]
    return rng.choice(forms)


# ---------------------------------------------------------------------------
# People: one operator e-mail in every record, so that each record has a
# finding (the findings carry the record's placement).

OPERATORS = {
    "de": ["anna.schmidt@example.de", "jonas.weber@example.de", "lena.fischer@example.de",
           "m.huber@example.at"],
    "en": ["john.miller@example.com", "sarah.jones@example.co.uk", "r.garcia@example.com.mx",
           "emily.clark@example.com"],
    "zh": ["li.wei@example.cn", "wang.fang@example.com.cn", "zhang.min@example.cn"],
    "ja": ["tanaka.hiroshi@example.jp", "suzuki.yuki@example.co.jp", "sato.ken@example.jp"],
    "vi": ["nguyen.van.an@example.vn", "tran.thi.mai@example.com.vn", "le.minh@example.vn"],
    "ko": ["kim.minjun@example.kr", "lee.seoyeon@example.co.kr", "park.jihoon@example.kr"],
    "fr": ["marie.dubois@example.fr", "luc.martin@example.fr"],
}
OPERATOR_KEYS = {
    "de": ["bediener", "ansprechpartner", "benutzer", "verantwortlich"],
    "en": ["operator", "contact", "owner", "user"],
    "zh": ["操作员", "联系人", "负责人"],
    "ja": ["担当者", "作業者", "連絡先"],
    "vi": ["người_vận_hành", "liên_hệ", "người vận hành"],
    "ko": ["담당자", "작업자", "연락처"],
    "fr": ["opérateur", "contact", "responsable"],
}

# ---------------------------------------------------------------------------
# Field names.  kind: url (a URL with a scheme), any (URL, host:port or host),
# host (bare host), hostport (host:port), bootstrap (comma list of host:port).

DEST_KEYS: dict[str, list[tuple[str, str]]] = {
    "en": [("uplink", "url"), ("broker", "any"), ("broker_url", "url"), ("target_url", "url"),
           ("sink", "url"), ("upload.endpoint", "url"), ("connection.endpoint.url", "url"),
           ("output.host", "host"), ("mqtt.server", "any"), ("kafka.bootstrap", "bootstrap"),
           ("kafka.bootstrap_servers", "bootstrap"), ("forward_to", "url"),
           ("destination_url", "url"), ("export.target", "url"), ("publish.broker", "any"),
           ("collector_url", "url"), ("ingest_url", "url"), ("upload_url", "url"),
           ("push_url", "url"), ("remote_host", "host"), ("server_url", "url"),
           ("telemetry.exporter.endpoint", "url"), ("sink.uri", "url"),
           ("outputs.mqtt.broker", "any"), ("egress.url", "url"), ("relay", "url")],
    "de": [("ziel", "url"), ("zieladresse", "url"), ("ziel_url", "url"), ("zielserver", "any"),
           ("übertragung.ziel", "url"), ("empfänger", "url"), ("empfänger_adresse", "url"),
           ("senden_an", "url"), ("export.zieladresse", "url"), ("upload.ziel", "url"),
           ("datenziel", "url"), ("weiterleitung_an", "url"), ("ziel_host", "host")],
    "zh": [("目标", "url"), ("目标地址", "url"), ("目的地", "url"), ("发送到", "url"),
           ("上传地址", "url"), ("上报地址", "url"), ("接收端", "url"), ("服务器地址", "hostport"),
           ("数据.上传地址", "url"), ("转发.目标", "url"), ("推送地址", "url")],
    "ja": [("送信先", "url"), ("宛先", "url"), ("送信先URL", "url"), ("アップロード先", "url"),
           ("転送先", "url"), ("接続先", "hostport"), ("送信.宛先", "url"),
           ("データ.送信先", "url")],
    "vi": [("đích", "url"), ("địa_chỉ_gửi", "url"), ("đích_đến", "url"),
           ("máy_chủ_đích", "host"), ("gửi_đến", "url"), ("tải_lên.địa_chỉ", "url"),
           ("địa_chỉ_nhận", "url")],
    "ko": [("목적지", "url"), ("전송_대상", "url"), ("전송대상", "url"), ("업로드_주소", "url"),
           ("수신_서버", "hostport"), ("목적지_주소", "url"), ("전송.목적지", "url")],
    "fr": [("cible", "url"), ("adresse_cible", "url"), ("envoi.cible", "url"),
           ("serveur_cible", "host"), ("destinataire", "url")],
}
ORIGIN_KEYS: dict[str, list[str]] = {
    "en": ["plant", "site", "factory", "source.site", "device.location.plant", "origin.site",
           "location.site_code", "facility"],
    "de": ["werk", "standort", "werk_id", "quelle.werk", "anlage.standort", "werkskennung"],
    "zh": ["工厂", "厂区", "站点", "来源.工厂", "设备.位置.工厂"],
    "ja": ["工場", "拠点", "発信元.工場", "設備.所在地.工場"],
    "vi": ["nhà_máy", "nhà máy", "cơ_sở", "nguồn.nhà_máy", "thiết_bị.vị_trí.nhà_máy"],
    "ko": ["공장", "사업장", "출처.공장", "설비.위치.공장"],
    "fr": ["usine", "site_usine", "origine.usine"],
}
WRAPPERS: dict[str, list[list[str]]] = {
    "en": [["meta"], ["transport"], ["config", "output"], ["payload", "route"], ["net"]],
    "de": [["konfiguration"], ["übertragung"], ["meta"]],
    "zh": [["配置"], ["传输"], ["meta"]],
    "ja": [["設定"], ["通信"], ["meta"]],
    "vi": [["cấu_hình"], ["truyền"], ["meta"]],
    "ko": [["설정"], ["전송"], ["meta"]],
    "fr": [["configuration"], ["transport"]],
}
FILLER: dict[str, dict[str, Any]] = {
    "en": {"event": "telemetry", "machine": "{mc}", "spindle_temp_c": "{t}",
           "msg": "spindle temperature nominal"},
    "de": {"ereignis": "Messwert", "maschine": "{mc}", "spindeltemperatur": "{t}",
           "meldung": "Temperatur im Normbereich"},
    "zh": {"事件": "遥测", "设备": "{mc}", "主轴温度": "{t}", "消息": "温度正常"},
    "ja": {"イベント": "テレメトリ", "設備": "{mc}", "主軸温度": "{t}", "メッセージ": "温度正常"},
    "vi": {"sự_kiện": "đo_lường", "thiết_bị": "{mc}", "nhiệt_độ": "{t}",
           "thông_điệp": "nhiệt độ bình thường"},
    "ko": {"이벤트": "텔레메트리", "설비": "{mc}", "스핀들_온도": "{t}", "메시지": "온도 정상"},
    "fr": {"événement": "mesure", "machine": "{mc}", "température_broche": "{t}",
           "message": "température normale"},
}
LANGS = ["en", "de", "zh", "ja", "vi", "ko", "fr"]


# ---------------------------------------------------------------------------
# Helpers


class Fixtures:
    """Fixture files and the truth about each record in them."""

    def __init__(self) -> None:
        self.files: dict[str, list[str]] = {}
        self.truth: list[dict[str, Any]] = []

    def header(self, name: str, line: str) -> None:
        self.files.setdefault(name, []).append(line)

    def add(self, name: str, line: str, shape: str, lang: str, dest: Dest | None,
            origin: str | None, decoy_host: str | None = None) -> None:
        assert "\n" not in line and "\r" not in line, line
        lines = self.files.setdefault(name, [])
        lines.append(line)
        self.truth.append({
            "file": name, "line": len(lines), "shape": shape, "lang": lang,
            "dest_country": dest.country if dest else None,
            "dest_host": dest.host.lower() if dest else None,
            "origin_country": origin[:2] if origin else None,
            "decoy": decoy_host is not None, "decoy_host": decoy_host,
        })

    def write(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        for name, lines in self.files.items():
            (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
        with (out / "truth.jsonl").open("w", encoding="utf-8", newline="\n") as f:
            for t in self.truth:
                f.write(json.dumps(t, ensure_ascii=False) + "\n")


class Dest:
    """A destination host and how it is written in one record."""

    def __init__(self, host: str, country: str, schemes: tuple[str, ...]) -> None:
        self.host, self.country, self.schemes = host, country, schemes

    def url(self, rng: random.Random, scheme: str | None = None) -> str:
        s = scheme or rng.choice(self.schemes)
        h = self.host
        if s in ("https", "http"):
            port = rng.choice(["", "", "", ":8443"]) if s == "https" else ""
            return f"{s}://{h}{port}/{rng.choice(HTTP_PATHS)}"
        if s in ("mqtt", "mqtts"):
            user = "mc205@" if rng.random() < 0.05 else ""
            return f"{s}://{user}{h}:{PORTS[s]}" + rng.choice(["", "", "/plant/telemetry"])
        if s in ("amqp", "amqps"):
            return f"{s}://{h}:{PORTS[s]}/" + rng.choice(["telemetry", "plant", "%2F"])
        if s == "opc.tcp":
            return f"opc.tcp://{h}:4840" + rng.choice(["", "/UA/Server"])
        if s == "kafka":
            return f"kafka://{h}:9092"
        if s == "grpc":
            return f"grpc://{h}:443"
        if s == "wss":
            return f"wss://{h}" + rng.choice(["/ws", ":443/stream"])
        if s == "s3":
            return f"s3://{h}/plant-archive/2026/"
        raise ValueError(s)

    def hostport(self, rng: random.Random) -> str:
        s = rng.choice([x for x in self.schemes if x != "s3"])
        return f"{self.host}:{PORTS[s] if s not in ('https', 'http') else rng.choice([443, 8443])}"

    def write(self, rng: random.Random, kind: str) -> str:
        if kind == "url":
            return self.url(rng)
        if kind == "host":
            return self.host
        if kind == "hostport":
            return self.hostport(rng)
        if kind == "bootstrap":
            p = rng.choice([9092, 9093, 9094])
            if self.host.count(".") >= 2 and rng.random() < 0.5:
                return ",".join(f"b-{i}.{self.host}:{p}" for i in (1, 2, 3))
            return f"{self.host}:{p}"
        if kind == "any":
            return rng.choice([self.url(rng), self.hostport(rng), self.host])
        raise ValueError(kind)


def bootstrap_host(value: str, dest: Dest) -> str:
    return value.split(",")[0].rsplit(":", 1)[0] if "," in value else dest.host


def pick_dest(rng: random.Random, avoid: str | None = None, text_safe: bool = False,
              strict: bool = False) -> Dest:
    """A destination, mostly (`strict`: always) in another country than `avoid`."""
    while True:
        pool = CLOUD_HOSTS if rng.random() < 0.4 else CC_HOSTS
        host, cc, schemes = rng.choice(pool)
        if cc == avoid and (strict or rng.random() < 0.8):
            continue
        if text_safe:
            schemes = tuple(s for s in schemes if s != "s3") or ("https",)
        return Dest(host, cc, schemes)


def pick_site(rng: random.Random, lang: str) -> str:
    if rng.random() < 0.7:
        return rng.choice(HOME_SITES[lang])
    return rng.choice(sorted(SITES))


def strip_accents(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def style_key(path: str, style: str) -> list[str]:
    """Path segments of a dotted key name in a casing style."""
    out = []
    for seg in path.split("."):
        words = seg.replace(" ", "_").split("_")
        if style == "camel":
            seg = words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])
        elif style == "pascal":
            seg = "".join(w[:1].upper() + w[1:] for w in words)
        elif style == "kebab":
            seg = "-".join(words)
        elif style == "upper":
            seg = "_".join(w.upper() for w in words)
        elif style == "space":
            seg = " ".join(words)
        elif style == "ascii":
            seg = strip_accents("_".join(words)).replace("ä", "ae")
        elif style == "ascii_camel":
            w = [strip_accents(x) for x in words]
            seg = w[0] + "".join(x[:1].upper() + x[1:] for x in w[1:])
        elif style == "umlaut":
            seg = "_".join(words).replace("ü", "ue").replace("ä", "ae").replace("ö", "oe")
        elif style == "capital":
            seg = "_".join(words)
            seg = seg[:1].upper() + seg[1:]
        else:
            seg = "_".join(words)
        out.append(seg)
    return out


def styles_for(lang: str) -> list[str]:
    return {
        "en": ["snake", "snake", "camel", "camel", "kebab", "pascal", "upper"],
        "de": ["snake", "snake", "camel", "capital", "umlaut", "kebab", "upper"],
        "vi": ["snake", "snake", "space", "ascii", "ascii_camel"],
        "fr": ["snake", "ascii", "camel"],
    }.get(lang, ["snake"])


def set_path(obj: dict[str, Any], segs: list[str], value: Any) -> None:
    cur = obj
    for i, s in enumerate(segs[:-1]):
        nxt = cur.get(s)
        if nxt is None:
            nxt = cur[s] = {}
        if not isinstance(nxt, dict):  # taken by a value: write the rest flat
            cur[".".join(segs[i:])] = value
            return
        cur = nxt
    key, n = segs[-1], 1
    # Never overwrite a value (or an object) another item put there: its
    # truth would be lost from the record (found after the first run: 22
    # records had lost their site or destination to a key of the same name).
    while key in cur:
        n += 1
        key = f"{segs[-1]}_{n}"
    cur[key] = value


def build(items: list[tuple[list[str], Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    # Flat keys first, so a nested path meeting one of them is written flat
    # (`set_path`) instead of being replaced by it.
    for segs, value in sorted(items, key=lambda it: len(it[0])):
        set_path(obj, segs, value)
    return obj


def dumps(rng: random.Random, obj: dict[str, Any]) -> str:
    ascii_ = rng.random() < 0.15
    sep = (",", ":") if rng.random() < 0.3 else (", ", ": ")
    return json.dumps(obj, ensure_ascii=ascii_, separators=sep)


def machine(rng: random.Random) -> str:
    return f"{rng.choice(['MC', 'CNC', 'RB', 'PR', 'LAS'])}-{rng.randint(100, 999)}"


def ts_iso(i: int) -> str:
    s = 36000 + i * 7
    ms = (i * 137) % 1000
    return f"2026-11-02T{s // 3600 % 24:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{ms:03d}Z"


def ts_plain(i: int, lang: str) -> str:
    s = 36000 + i * 7
    hms = f"{s // 3600 % 24:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
    if lang == "de":
        return f"02.11.2026 {hms}"
    if lang in ("zh", "ja"):
        return f"2026/11/02 {hms}"
    return f"2026-11-02 {hms}"


def temp(rng: random.Random) -> float:
    return round(rng.uniform(20, 75), 1)


def filler(rng: random.Random, lang: str) -> list[tuple[list[str], Any]]:
    mc, t = machine(rng), temp(rng)
    out: list[tuple[list[str], Any]] = []
    for k, v in FILLER[lang].items():
        if v == "{mc}":
            v = mc
        elif v == "{t}":
            v = t
        out.append(([k], v))
    return out


def origin_items(rng: random.Random, lang: str, site: str, style: str,
                 long_share: float = 0.45) -> tuple[list[str], str]:
    key = rng.choice(ORIGIN_KEYS[lang])
    value = site_long(site, lang, rng) if rng.random() < long_share else site
    return style_key(key, style), value


# ---------------------------------------------------------------------------
# Shapes


def json_vocab(fx: Fixtures, rng: random.Random, per_lang: int = 75) -> None:
    for lang in LANGS:
        name = f"vocab-{lang}.jsonl"
        for i in range(per_lang):
            style = rng.choice(styles_for(lang))
            site = pick_site(rng, lang) if rng.random() < 0.88 else None
            dest = pick_dest(rng, avoid=site[:2] if site else None) if rng.random() < 0.97 else None
            items = filler(rng, lang)
            truth_dest = None
            if dest:
                key, kind = rng.choice(DEST_KEYS[lang])
                segs = style_key(key, style)
                if rng.random() < 0.35:
                    segs = style_key(".".join(rng.choice(WRAPPERS[lang])), style) + segs
                if len(segs) > 1 and rng.random() < 0.12:
                    segs = [".".join(segs)]  # a flat dotted key: "upload.endpoint": ...
                value = dest.write(rng, kind)
                truth_dest = Dest(bootstrap_host(value, dest), dest.country, dest.schemes)
                items.append((segs, value))
            if site:
                items.append(origin_items(rng, lang, site, style))
            opk = rng.choice(OPERATOR_KEYS[lang])
            items.append((style_key(opk, style), rng.choice(OPERATORS[lang])))
            head, rest = items[:1], items[1:]
            rng.shuffle(rest)
            obj = build([(["ts"], ts_iso(i)), *head, *rest])
            fx.add(name, dumps(rng, obj), "json-vocab", lang, truth_dest, site)


OPAQUE_KEYS = ["cfg", "x1", "param3", "info", "p", "v", "val", "data", "extra", "arg", "opt",
               "a7", "k2", "field_12", "attr1", "s", "misc", "c0", "param7", "t"]
OPAQUE_NESTED = [["meta", "x2"], ["attrs", "a7"], ["cfg", "v"], ["d", "p1"], ["ext", "0"]]
DISCOVERED_SCHEMES = ["https", "mqtt", "mqtts", "amqp", "amqps", "opc.tcp", "kafka", "s3",
                      "grpc", "wss"]


def json_discovered(fx: Fixtures, rng: random.Random, n: int = 250) -> None:
    for i in range(n):
        name = "discovered.jsonl" if i < n // 2 else "discovered-edge.jsonl"
        lang = rng.choice(["en", "en", "en", "de", "zh", "ja", "vi", "ko"])
        site = pick_site(rng, lang) if rng.random() < 0.7 else None
        dest = pick_dest(rng, avoid=site[:2] if site else None)
        form = rng.random()
        if form < 0.6:
            scheme = rng.choice(DISCOVERED_SCHEMES)
            if scheme not in dest.schemes:
                # a scheme the host does not speak: pick one it does
                scheme = rng.choice(dest.schemes)
            value: Any = dest.url(rng, scheme)
        elif form < 0.85:
            value = dest.hostport(rng)
        elif form < 0.93:
            value = rng.choice([f"HostName={dest.host};DeviceId={machine(rng)};Qos=1",
                                f"server={dest.hostport(rng)};retry=3;qos=1"])
        else:
            value = ["--verbose", dest.url(rng), "--qos", "1"]
        items: list[tuple[list[str], Any]] = [(["ts"], ts_iso(i))]
        items += filler(rng, lang)
        where = rng.random()
        items.append((rng.choice(OPAQUE_NESTED) if where < 0.25 else [rng.choice(OPAQUE_KEYS)],
                      value))
        # opaque noise that is not a destination
        items.append(([rng.choice(["fw", "ver", "rev"])],
                      f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}"))
        items.append(([rng.choice(["q", "n", "k"])], rng.randint(0, 5000)))
        if site:
            r = rng.random()
            if r < 0.55:
                items.append(origin_items(rng, lang, site, "snake", long_share=0.3))
            else:
                items.append(([rng.choice(["x3", "p2", "src", "loc_id", "f1"])], site))
        items.append(([rng.choice(OPERATOR_KEYS[lang])], rng.choice(OPERATORS[lang])))
        head, rest = items[:1], items[1:]
        rng.shuffle(rest)
        obj = build(head + rest)
        fx.add(name, dumps(rng, obj), "json-discovered", lang, dest, site)


MEASURES = {
    "en": ["spindle temp {t} C", "coolant {p} bar", "vibration {v} mm/s", "{n} parts OK"],
    "de": ["Spindeltemperatur {t} °C", "Kühlmitteldruck {p} bar", "Schwingung {v} mm/s",
           "{n} Teile i.O."],
    "zh": ["主轴温度 {t}℃", "冷却液压力 {p} bar", "振动 {v} mm/s", "合格 {n} 件"],
    "ja": ["主軸温度 {t}℃", "クーラント圧 {p} bar", "振動 {v} mm/s", "良品 {n} 個"],
    "vi": ["nhiệt độ trục chính {t} °C", "áp suất dung dịch {p} bar", "rung {v} mm/s",
           "{n} sản phẩm đạt"],
    "ko": ["스핀들 온도 {t} °C", "냉각수 압력 {p} bar", "진동 {v} mm/s", "양품 {n}개"],
    "fr": ["température broche {t} °C", "pression {p} bar"],
}
OP_TEXT = {
    "en": ["operator {op}", "({op})", "user {op}", "contact: {op}"],
    "de": ["Bediener {op}", "({op})", "Bediener: {op}"],
    "zh": ["操作员: {op}", "（{op}）", "负责人 {op}"],
    "ja": ["担当: {op}", "（{op}）", "作業者 {op}"],
    "vi": ["người vận hành {op}", "({op})", "liên hệ: {op}"],
    "ko": ["담당자 {op}", "({op})", "작업자: {op}"],
    "fr": ["opérateur {op}", "({op})"],
}


def measure(rng: random.Random, lang: str) -> str:
    return rng.choice(MEASURES[lang]).format(
        t=temp(rng), p=round(rng.uniform(1, 9), 1), v=round(rng.uniform(0.1, 4), 2),
        n=rng.randint(1, 400))


def op_text(rng: random.Random, lang: str) -> str:
    return rng.choice(OP_TEXT[lang]).format(op=rng.choice(OPERATORS[lang]))


def site_text(rng: random.Random, lang: str, site: str | None) -> str:
    if site is None:
        return ""
    return (site_long(site, lang, rng) if rng.random() < 0.7 else site) + " "


def text_dest(rng: random.Random, dest: Dest) -> str:
    return dest.url(rng) if rng.random() < 0.8 else dest.hostport(rng)


def text_arrow(fx: Fixtures, rng: random.Random, n: int = 150) -> None:
    for i in range(n):
        if i < n // 2:
            name, lang = "controller-arrow.log", rng.choice(["de", "de", "en", "fr"])
        else:
            name, lang = "controller-arrow-asia.log", rng.choice(["zh", "ja", "vi", "ko"])
        site = pick_site(rng, lang) if rng.random() < 0.9 else None
        dest = pick_dest(rng, avoid=site[:2] if site else None, text_safe=True)
        arrow = rng.choice(["->", "->", "->", "=>", "=>", "-->", "→"])
        level = rng.choice(["", "INFO ", "I ", "[info] "])
        line = (f"{ts_plain(i, lang)} {level}{site_text(rng, lang, site)}{machine(rng)} "
                f"{arrow} {text_dest(rng, dest)} : {measure(rng, lang)} {op_text(rng, lang)}")
        fx.add(name, line, "text-arrow", lang, dest, site)


VERB_TEMPLATES = {
    "en": ["{ts} INFO {site}{mc} batch {n} sent to {url} by {op}",
           "{ts} INFO {site}upload to {url} started ({n} records) operator {op}",
           "{ts} DEBUG {site}uploading to {url} chunk {n}/12 user {op}",
           "{ts} INFO {site}{mc} POST {url} 200 OK {n}ms {op}",
           "{ts} INFO {site}PUT {url} 201 Created user={op}",
           "{ts} INFO {site}publish to {url} topic plant/{mc}/telemetry qos=1 owner {op}",
           "{ts} INFO {site}{n} messages forwarded to {url} (contact {op})"],
    "de": ["{ts} INFO {site}{mc}: {n} Datensätze gesendet an {url} (Bediener {op})",
           "{ts} INFO {site}Messprotokoll {n} hochgeladen nach {url} von {op}",
           "{ts} INFO {site}Messwerte übertragen an {url}, Bediener: {op}",
           "{ts} INFO {site}Daten werden an {url} gesendet ({op})",
           "{ts} INFO {site}{mc} Upload nach {url} abgeschlossen, {n} Dateien, {op}"],
    "zh": ["{ts} 信息 {site}{mc} 数据发送到 {url} 操作员:{op}",
           "{ts} INFO {site}文件已上传至{url} 负责人 {op}",
           "{ts} INFO {site}上报到 {url} 成功，共{n}条，联系人 {op}",
           "{ts} INFO {site}日志上传至 {url}（{op}）",
           "{ts} INFO {site}{mc} 已发送到{url} {op}"],
    "ja": ["{ts} INFO {site}{mc} 測定データを {url} に送信しました 担当:{op}",
           "{ts} INFO {site}{url}へアップロード完了 ({n}件) 担当者 {op}",
           "{ts} INFO {site}送信先: {url} 件数={n} 作業者 {op}",
           "{ts} INFO {site}ログを{url}に送信 {op}",
           "{ts} INFO {site}{mc} {url} へアップロードします {op}"],
    "vi": ["{ts} INFO {site}{mc} đã gửi {n} bản ghi đến {url} (người vận hành {op})",
           "{ts} INFO {site}tải lên {url} thành công, liên hệ {op}",
           "{ts} INFO {site}dữ liệu gửi đến {url} bởi {op}",
           "{ts} INFO {site}{mc} đang tải lên {url} ({n}/12) {op}"],
    "ko": ["{ts} INFO {site}{mc} 측정 데이터를 {url}로 전송 완료 담당자 {op}",
           "{ts} INFO {site}로그 파일을 {url}에 업로드했습니다 ({op})",
           "{ts} INFO {site}{url} 로 전송 ({n}건) 작업자 {op}",
           "{ts} INFO {site}{mc} {url}에 업로드 중 {op}"],
}


def text_verbs(fx: Fixtures, rng: random.Random, per_lang: int = 40) -> None:
    for lang, templates in VERB_TEMPLATES.items():
        name = f"uploader-{lang}.log"
        for i in range(per_lang):
            site = pick_site(rng, lang) if rng.random() < 0.85 else None
            dest = pick_dest(rng, avoid=site[:2] if site else None, text_safe=True)
            tpl = templates[i % len(templates)]
            url = dest.url(rng, "https") if ("POST" in tpl or "PUT" in tpl) \
                else text_dest(rng, dest)
            line = tpl.format(ts=ts_plain(i, lang), site=site_text(rng, lang, site),
                              mc=machine(rng), n=rng.randint(1, 500), url=url,
                              op=rng.choice(OPERATORS[lang]))
            fx.add(name, line, "text-verbs", lang, dest, site)


SYSLOG_MSGS = [
    ("en", "upload to {url} ok ({n} records) user={op}"),
    ("en", "POST {url} 200 {n}ms operator={op}"),
    ("en", "PUT {url} 201 by {op}"),
    ("en", "published {n} messages to {url} (owner {op})"),
    ("en", "forwarding batch {n} to {url} contact {op}"),
    ("en", "sent {n} records to {url} operator {op}"),
    ("de", "Daten gesendet an {url} Bediener {op}"),
    ("zh", "数据发送到 {url} 操作员 {op}"),
    ("ja", "{url} に送信しました 担当 {op}"),
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def syslog_host(rng: random.Random, site: str | None) -> str:
    if site is None:
        return rng.choice(["uploader3", "edgebox", "linegw7", "collector", "mesgw"])
    h = (f"{rng.choice(['cnc', 'plc', 'gw', 'hmi', 'edge', 'robot', 'agv'])}-{site.lower()}"
         f"{rng.choice(['', '-157', '-a', '-03', '-12', '.lan', '.local'])}")
    return h.upper() if rng.random() < 0.1 else h


def syslog(fx: Fixtures, rng: random.Random, n: int = 200) -> None:
    for i in range(n):
        rfc5424 = i >= n // 2
        name = "uploader-rfc5424.log" if rfc5424 else "gateway-rfc3164.syslog"
        lang0 = rng.choice(["de", "en", "zh", "ja", "vi", "ko"])
        site = pick_site(rng, lang0) if rng.random() < 0.85 else None
        dest = pick_dest(rng, avoid=site[:2] if site else None, text_safe=True)
        lang, tpl = rng.choice(SYSLOG_MSGS)
        if "POST" in tpl or "PUT" in tpl:
            url = dest.url(rng, "https")
        else:
            url = dest.url(rng) if rng.random() < 0.85 else dest.hostport(rng)
        msg = tpl.format(url=url, n=rng.randint(1, 900), op=rng.choice(OPERATORS[lang]))
        host = syslog_host(rng, site)
        app = rng.choice(["uploader", "mqtt-bridge", "collector", "fluent-bit", "mes-agent"])
        pid = rng.randint(100, 32000)
        s = 36000 + i * 11
        hms = f"{s // 3600 % 24:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
        pri = rng.choice([134, 134, 131, 14, 165])
        if rfc5424:
            sd = rng.choice(["-", "-", "-", '[timeQuality tzKnown="1" isSynced="1"]',
                             f'[meta sequenceId="{i}"]', f'[origin software="{app}"]'])
            line = (f"<{pri}>1 2026-11-02T{hms}.{i % 1000:03d}Z {host} {app} {pid} "
                    f"{rng.choice(['UPL', 'ID47', '-'])} {sd} {msg}")
        else:
            line = f"<{pri}>{MONTHS[10]}  2 {hms} {host} {app}[{pid}]: {msg}"
        fx.add(name, line, "syslog", lang, dest, site)


CSV_FILES = [
    # name, delimiter, lang, header, rows, shape
    ("export-werk.csv", ";", "de",
     ["Zeitstempel", "Werk", "Anlage", "Ziel", "Meldung", "Bediener"], 60, "csv-semicolon"),
    ("messdaten_standort.csv", ";", "de",
     ["Datum", "Standort", "Maschine", "Zieladresse", "Status", "E-Mail"], 40, "csv-semicolon"),
    ("送信ログ.csv", ";", "ja",
     ["タイムスタンプ", "工場", "設備", "送信先", "メッセージ", "担当者"], 50, "csv-semicolon"),
    ("nhat-ky-gui.csv", ";", "vi",
     ["thời gian", "nhà máy", "thiết bị", "địa chỉ gửi", "thông báo", "người vận hành"], 40,
     "csv-semicolon"),
    ("上传记录.csv", "|", "zh",
     ["时间", "工厂", "设备", "目标地址", "备注", "负责人"], 40, "csv-pipe"),
    ("전송기록.csv", "\t", "ko",
     ["시간", "공장", "설비", "목적지", "메시지", "담당자"], 40, "csv-tab"),
]
CSV_MESSAGES = {
    "de": ["Temperatur im Normbereich", "Upload abgeschlossen", "Temperatur hoch; Kühlung prüfen",
           "Werkzeugwechsel", "Schicht 2"],
    "ja": ["正常", "送信完了", "温度上昇; 確認してください", "工具交換"],
    "vi": ["bình thường", "đã gửi xong", "nhiệt độ cao; kiểm tra làm mát", "thay dao"],
    "zh": ["正常", "上传完成", "温度偏高|请检查冷却", "换刀"],
    "ko": ["정상", "전송 완료", "온도 높음\t냉각 확인", "공구 교체"],
}


def csv_files(fx: Fixtures, rng: random.Random) -> None:
    for name, delim, lang, header, rows, shape in CSV_FILES:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=delim, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        fx.header(name, buf.getvalue().rstrip("\n"))
        for i in range(rows):
            site = pick_site(rng, lang) if rng.random() < 0.92 else None
            dest: Dest | None = pick_dest(rng, avoid=site[:2] if site else None,
                                          text_safe=True)
            if rng.random() < 0.05:
                dest = None
            if dest is None:
                target = ""
            else:
                target = rng.choice([dest.url(rng), dest.url(rng), dest.hostport(rng),
                                     dest.host])
            site_v = "" if site is None else (
                site_long(site, lang, rng) if rng.random() < 0.4 else site)
            ts = ts_plain(i, lang) if rng.random() < 0.5 else ts_iso(i)
            row = [ts, site_v, machine(rng), target, rng.choice(CSV_MESSAGES[lang]),
                   rng.choice(OPERATORS[lang])]
            buf = io.StringIO()
            csv.writer(buf, delimiter=delim, lineterminator="\n",
                       quoting=csv.QUOTE_MINIMAL).writerow(row)
            fx.add(name, buf.getvalue().rstrip("\n"), shape, lang, dest, site)


LOGFMT_FILES = [
    # name, langs, dest keys, origin keys, records
    ("diag-de.logfmt", ["de"], ["ziel", "ziel", "zieladresse", "senden_an", "ziel_url"],
     ["werk", "werk", "standort"], 60),
    ("agent.log", ["en"], ["uplink", "dst", "to", "fwd", "sink", "target", "push_to", "out",
                           "broker", "upstream"],
     ["plant", "site_code", "loc", "fab", "plant_id"], 80),
    ("gateway-asia.logfmt", ["ja", "zh", "vi", "ko"], [], [], 60),
]
LOGFMT_ASIA = {
    "ja": (["送信先", "宛先"], ["工場", "拠点"]),
    "zh": (["目标地址", "上传地址"], ["工厂", "厂区"]),
    "vi": (["đích", "dia_chi_gui"], ["nhà_máy", "nha_may"]),
    "ko": (["목적지", "전송대상"], ["공장", "사업장"]),
}
LOGFMT_MSG = {
    "de": ["Messwerte übertragen", "Upload ok", "Puffer geleert"],
    "en": ["batch flushed", "upload ok", "buffer drained"],
    "ja": ["送信完了", "バッファ送信"],
    "zh": ["上传完成", "缓存已发送"],
    "vi": ["đã gửi xong", "gửi bộ đệm"],
    "ko": ["전송 완료", "버퍼 전송"],
}


def lf(key: str, value: Any) -> str:
    v = str(value)
    if v == "" or any(c in v for c in ' "=\t') or any(ord(c) > 127 for c in v):
        v = '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{key}={v}"


def logfmt(fx: Fixtures, rng: random.Random) -> None:
    for name, langs, dkeys, okeys, n in LOGFMT_FILES:
        for i in range(n):
            lang = rng.choice(langs)
            if lang in LOGFMT_ASIA:
                dkeys, okeys = LOGFMT_ASIA[lang]
            site = pick_site(rng, lang) if rng.random() < 0.9 else None
            dest = pick_dest(rng, avoid=site[:2] if site else None, text_safe=True)
            pairs = [("ts", ts_iso(i)), ("level", rng.choice(["info", "info", "debug"]))]
            body = [(rng.choice(dkeys), rng.choice([dest.url(rng), dest.url(rng),
                                                     dest.hostport(rng)])),
                    ("msg", rng.choice(LOGFMT_MSG[lang])),
                    (rng.choice(["op", "user", "bediener" if lang == "de" else "owner"]),
                     rng.choice(OPERATORS[lang])),
                    ("n", rng.randint(1, 999))]
            if site:
                body.append((rng.choice(okeys),
                             site_long(site, lang, rng) if rng.random() < 0.3 else site))
            rng.shuffle(body)
            line = " ".join(lf(k, v) for k, v in pairs + body)
            fx.add(name, line, "logfmt", lang, dest, site)


# ---------------------------------------------------------------------------
# Decoys: hosts a record mentions that are not where it is sent.

DECOY_ERRORS = {  # (text, the decoy host in it)
    "en": [("connection to db01.corp.example.de:5432 refused", "db01.corp.example.de"),
           ("dial tcp redis-2.cache.example.jp:6379: i/o timeout", "redis-2.cache.example.jp"),
           ("ldap bind to ldap.example.fr:636 failed", "ldap.example.fr")],
    "de": [("Verbindung zu db01.corp.example.de:5432 abgelehnt", "db01.corp.example.de")],
    "zh": [("连接 db01.example.cn:3306 失败", "db01.example.cn")],
    "ja": [("db01.example.jp:5432 への接続が拒否されました", "db01.example.jp")],
    "vi": [("kết nối tới db01.example.vn:5432 bị từ chối", "db01.example.vn")],
    "ko": [("db01.example.kr:5432 연결 거부", "db01.example.kr")],
}
DECOY_DOCS = [
    ("https://docs.vendor.example.com/kb/123", "docs.vendor.example.com"),
    ("https://hilfe.example.de/kb/77", "hilfe.example.de"),
    ("https://support.example.co.jp/faq/9", "support.example.co.jp"),
    ("https://wiki.example.cn/kb/42", "wiki.example.cn"),
    ("https://kb.example.kr/123", "kb.example.kr"),
]
DECOY_STATUS = [
    ("https://status.example.com", "status.example.com"),
    ("https://status.example.jp/health", "status.example.jp"),
    ("https://health.example.fr/ping", "health.example.fr"),
]
DECOY_STACKS = [
    ("java.io.IOException: broken pipe\n\tat com.acme.Uploader.send(Uploader.java:88)\n\tat "
     "com.acme.Main.run(Main.java:31)", "uploader.java"),
    ('Traceback (most recent call last):\n  File "/opt/app/upload.py", line 45, in send\n'
     "ConnectionResetError: [Errno 104] Connection reset by peer", "upload.py"),
    ("thread 'main' panicked at src/upload.rs:42:9: called `Result::unwrap()` on an `Err`",
     "upload.rs"),
    ("Can't call method \"send\" on an undefined value at /opt/app/handler.pl line 12.",
     "handler.pl"),
]
DECOY_REFERRERS = [("https://portal.example.fr/dashboard/line3", "portal.example.fr"),
                   ("https://hmi.example.de/werk/linie2", "hmi.example.de")]
DECOY_SCHEMAS = [("https://json-schema.org/draft/2020-12/schema", "json-schema.org"),
                 ("https://schemas.example.fr/telemetry/v3.json", "schemas.example.fr")]
DECOY_MAILS = [("support@vendor.example.co.jp", "vendor.example.co.jp"),
               ("noreply@alerts.example.cn", "alerts.example.cn")]


def decoy_json(fx: Fixtures, rng: random.Random, n: int = 110) -> None:
    name = "decoys.jsonl"
    for i in range(n):
        lang = rng.choice(["en", "en", "de", "zh", "ja", "vi", "ko"])
        site = pick_site(rng, lang) if rng.random() < 0.8 else None
        kind = i % 6
        if kind == 0:
            text, dh = rng.choice(DECOY_ERRORS[lang])
            decoy: list[tuple[list[str], Any]] = [(["error"], text)]
        elif kind == 1:
            u, dh = rng.choice(DECOY_DOCS)
            decoy = [([rng.choice(["help_url", "doc", "see_also", "hilfe"])],
                      u if rng.random() < 0.5 else f"see {u}")]
        elif kind == 2:
            text, dh = rng.choice(DECOY_STACKS)
            decoy = [([rng.choice(["stack", "exception", "trace"])], text)]
        elif kind == 3:
            u, dh = rng.choice(DECOY_REFERRERS)
            decoy = [(["event"], "page_view"), ([rng.choice(["referrer", "referer"])], u)]
        elif kind == 4:
            u, dh = rng.choice(DECOY_SCHEMAS)
            decoy = [(["$schema"], u)]
        else:
            m, dh = rng.choice(DECOY_MAILS)
            decoy = [([rng.choice(["reply_to", "support_contact"])], m)]
        with_dest = rng.random() < 0.5
        dest = None
        if with_dest:
            dest = pick_dest(rng, avoid=dh.rsplit(".", 1)[-1].upper(), strict=True)
        items: list[tuple[list[str], Any]] = filler(rng, lang)
        if dest:
            key, kind_ = rng.choice(
                [("endpoint", "url"), ("url", "url"), *DEST_KEYS[lang][:4]])
            items.append((style_key(key, "snake"), dest.write(rng, "url" if kind_ == "bootstrap"
                                                                else kind_)))
        if site:
            items.append(origin_items(rng, lang, site, "snake"))
        items.append(([rng.choice(OPERATOR_KEYS[lang])], rng.choice(OPERATORS[lang])))
        # the decoy first half of the time: "the first URL" is then the wrong one
        items = decoy + items if rng.random() < 0.5 else items + decoy
        obj = build([(["ts"], ts_iso(i)), ([rng.choice(["level", "lvl"])], "error"), *items])
        fx.add(name, dumps(rng, obj), "decoys", lang, dest, site, decoy_host=dh)


DECOY_TEXT_NULL = [
    ("en", "{ts} ERROR {site}connection to db01.corp.example.de:5432 refused ({op})",
     "db01.corp.example.de"),
    ("en", "{ts} WARN {site}upload disabled, see https://docs.vendor.example.com/kb/123 "
           "(contact {op})", "docs.vendor.example.com"),
    ("en", '{ts} ERROR {site}worker crashed: File "/opt/app/upload.py", line 45, in send '
           "({op})", "upload.py"),
    ("en", "{ts} ERROR {site}at com.acme.Uploader.send(Uploader.java:88) user {op}",
     "uploader.java"),
    ("en", "{ts} INFO {site}clock synced from ntp1.example.jp ({op})", "ntp1.example.jp"),
    ("en", "{ts} INFO {site}licence questions: support@vendor.example.co.jp, shift lead {op}",
     "vendor.example.co.jp"),
    ("de", "{ts} FEHLER {site}Verbindung zu db01.corp.example.de:5432 abgelehnt, Bediener {op}",
     "db01.corp.example.de"),
    ("ja", "{ts} ERROR {site}db01.example.jp:5432 への接続が拒否されました 担当 {op}",
     "db01.example.jp"),
    ("zh", "{ts} 错误 {site}连接 db01.example.cn:3306 失败，详见 https://wiki.example.cn/kb/42 "
           "联系人 {op}", "db01.example.cn"),
    ("vi", "{ts} LỖI {site}kết nối tới db01.example.vn:5432 bị từ chối ({op})",
     "db01.example.vn"),
    ("ko", "{ts} 오류 {site}db01.example.kr:5432 연결 거부, 참고 https://kb.example.kr/123 "
           "담당자 {op}", "db01.example.kr"),
]
DECOY_TEXT_DEST = [
    ("en", "{ts} WARN {site}retrying upload to {url} after timeout from "
           "https://status.example.com ({op})", "status.example.com"),
    ("en", "{ts} WARN {site}timeout from https://status.example.jp/health; retrying upload to "
           "{url} ({op})", "status.example.jp"),
    ("en", "{ts} ERROR {site}upload to {url} failed, see https://docs.vendor.example.com/kb/123 "
           "({op})", "docs.vendor.example.com"),
    ("de", "{ts} INFO {site}siehe https://hilfe.example.de/kb/77 - Daten gesendet an {url} "
           "(Bediener {op})", "hilfe.example.de"),
    ("en", "{ts} ERROR {site}connection to db01.corp.example.de:5432 refused; buffered batch "
           "sent to {url} ({op})", "db01.corp.example.de"),
    ("en", "{ts} INFO {site}clock synced from ntp1.example.jp, uploading to {url} ({op})",
     "ntp1.example.jp"),
    ("ja", "{ts} WARN {site}db01.example.jp:5432 への接続に失敗、{url} に送信しました 担当 {op}",
     "db01.example.jp"),
    ("zh", "{ts} 警告 {site}详见 https://wiki.example.cn/kb/42，数据已发送到 {url} 联系人 {op}",
     "wiki.example.cn"),
]


def decoy_text(fx: Fixtures, rng: random.Random, n: int = 100) -> None:
    name = "decoys-app.log"
    for i in range(n):
        with_dest = i % 2 == 1
        lang, tpl, dh = rng.choice(DECOY_TEXT_DEST if with_dest else DECOY_TEXT_NULL)
        site = pick_site(rng, lang) if rng.random() < 0.8 else None
        dest = None
        if with_dest:
            dest = pick_dest(rng, avoid=dh.rsplit(".", 1)[-1].upper(), text_safe=True,
                             strict=True)
        line = tpl.format(ts=ts_plain(i, lang), site=site_text(rng, lang, site),
                          url=dest.url(rng) if dest else "", op=rng.choice(OPERATORS[lang]))
        fx.add(name, line, "decoys", lang, dest, site, decoy_host=dh)


def decoy_logfmt(fx: Fixtures, rng: random.Random, n: int = 40) -> None:
    name = "decoys.logfmt"
    for i in range(n):
        lang = "en"
        site = pick_site(rng, lang) if rng.random() < 0.85 else None
        with_dest = i % 2 == 1
        if i % 4 < 2:
            text, dh = rng.choice(DECOY_ERRORS["en"])
            decoy = ("err", text)
        else:
            u, dh = rng.choice(DECOY_DOCS)
            decoy = (rng.choice(["help", "doc", "kb"]), u)
        dest = pick_dest(rng, avoid=dh.rsplit(".", 1)[-1].upper(), text_safe=True,
                             strict=True) \
            if with_dest else None
        pairs = [("ts", ts_iso(i)), ("level", "error")]
        body = [decoy, ("op", rng.choice(OPERATORS[lang])), ("msg", "upload failed")]
        if dest:
            body.append((rng.choice(["ziel", "uplink", "dst"]), dest.url(rng)))
            body[2] = ("msg", "upload retried")
        if site:
            body.append((rng.choice(["werk", "plant", "site"]), site))
        rng.shuffle(body)
        line = " ".join(lf(k, v) for k, v in pairs + body)
        fx.add(name, line, "decoys", lang, dest, site, decoy_host=dh)


def configured(fx: Fixtures, rng: random.Random, n: int = 60) -> None:
    """The control: field names a scanner reads by default."""
    name = "configured.jsonl"
    for i in range(n):
        lang = rng.choice(["en", "de", "zh", "ja"])
        site = pick_site(rng, lang)
        dest = pick_dest(rng, avoid=site[:2])
        key = ["endpoint", "url", "dest", "dst_host"][i % 4]
        value = dest.host if key == "dst_host" else dest.url(rng)
        items = [(["ts"], ts_iso(i)), (["site"], site), *filler(rng, lang), ([key], value),
                 ([rng.choice(OPERATOR_KEYS[lang])], rng.choice(OPERATORS[lang]))]
        fx.add(name, dumps(rng, build(items)), "json-configured", lang, dest, site)


def generate(out: Path, seed: int = SEED) -> Fixtures:
    rng = random.Random(seed)
    fx = Fixtures()
    json_vocab(fx, rng)
    json_discovered(fx, rng)
    text_arrow(fx, rng)
    text_verbs(fx, rng)
    syslog(fx, rng)
    csv_files(fx, rng)
    logfmt(fx, rng)
    decoy_json(fx, rng)
    decoy_text(fx, rng)
    decoy_logfmt(fx, rng)
    configured(fx, rng)
    fx.write(Path(out))
    return fx


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path, help="directory to write into")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    fx = generate(args.out, args.seed)
    by_shape = Counter(t["shape"] for t in fx.truth)
    print(f"{len(fx.truth)} records in {len(fx.files)} files under {args.out}")
    for shape, n in sorted(by_shape.items()):
        print(f"  {shape:16} {n}")


if __name__ == "__main__":
    main()
