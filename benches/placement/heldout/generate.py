#!/usr/bin/env python3
# ruff: noqa: RUF001  (full-width punctuation in CJK log text is intended)
"""A second, held-out labelled set for record placement (destination, origin).

Written blind: without reading the implementation, its vocabulary, the first
fixture set (../generate.py) or its results. The records imitate what real
tools write (MQTT brokers and bridges, Kafka producers, Fluent Bit, Vector,
Telegraf, the OpenTelemetry Collector, AWS IoT / Greengrass, Azure IoT Edge,
Alibaba and Huawei IoT SDKs, Node-RED and OPC UA clients, SAP/MES export jobs,
curl/wget/sftp/scp/lftp/robocopy uploads, nginx, Windows logs, CI builds, PLC
gateways writing in ten languages), in JSON Lines, logfmt, CSV (`,` `;` tab
`|`), syslog-like and plain text.

    python benches/placement/heldout/generate.py --out /tmp/heldout

Stdlib only, deterministic (fixed seed). Writes the fixture files and
truth.jsonl (one line per record, the format of ../run.py) into --out. Each
truth line also has a `note` (the template's kind: `send`, `failed-send`,
`decoy:<kind>`, ...) that run.py ignores; see README.md for the conventions.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

SEED = 20261117

# ---------------------------------------------------------------------------
# Places


class Dest(NamedTuple):
    host: str
    cc: str


CCTLD = [("de", "DE"), ("fr", "FR"), ("co.jp", "JP"), ("jp", "JP"), ("cn", "CN"),
         ("com.cn", "CN"), ("com.vn", "VN"), ("vn", "VN"), ("co.kr", "KR"), ("kr", "KR"),
         ("es", "ES"), ("it", "IT"), ("pl", "PL"), ("com.pl", "PL"), ("pt", "PT"),
         ("com.br", "BR"), ("com.mx", "MX"), ("mx", "MX"), ("cz", "CZ"), ("hu", "HU"),
         ("at", "AT"), ("ch", "CH"), ("nl", "NL"), ("se", "SE"), ("co.uk", "GB"),
         ("co.in", "IN"), ("co.th", "TH"), ("com.tw", "TW"), ("com.sg", "SG"), ("be", "BE"),
         ("dk", "DK"), ("fi", "FI"), ("ie", "IE"), ("ro", "RO"), ("sk", "SK"),
         ("com.tr", "TR"), ("ca", "CA"), ("com.au", "AU"), ("us", "US")]
TLD_OF: dict[str, list[str]] = defaultdict(list)
for _t, _c in CCTLD:
    TLD_OF[_c].append(_t)

AWS = {"eu-central-1": "DE", "eu-central-2": "CH", "eu-west-1": "IE", "eu-west-2": "GB",
       "eu-west-3": "FR", "eu-south-1": "IT", "eu-south-2": "ES", "eu-north-1": "SE",
       "us-east-1": "US", "us-west-2": "US", "ca-central-1": "CA", "sa-east-1": "BR",
       "ap-northeast-1": "JP", "ap-northeast-2": "KR", "ap-northeast-3": "JP",
       "ap-southeast-1": "SG", "ap-southeast-2": "AU", "ap-south-1": "IN", "ap-east-1": "HK"}
AWS_CN = {"cn-north-1": "CN", "cn-northwest-1": "CN"}
ALI = {"cn-hangzhou": "CN", "cn-shanghai": "CN", "cn-beijing": "CN", "cn-shenzhen": "CN",
       "cn-qingdao": "CN", "ap-southeast-1": "SG", "eu-central-1": "DE",
       "ap-northeast-1": "JP", "us-west-1": "US"}
TENCENT = {"ap-guangzhou": "CN", "ap-shanghai": "CN", "ap-beijing": "CN", "ap-chengdu": "CN",
           "ap-singapore": "SG", "ap-tokyo": "JP", "ap-seoul": "KR", "eu-frankfurt": "DE",
           "ap-bangkok": "TH", "na-siliconvalley": "US", "ap-mumbai": "IN"}
GCP = {"europe-west3": "DE", "europe-west1": "BE", "europe-west4": "NL", "europe-west9": "FR",
       "europe-west8": "IT", "europe-southwest1": "ES", "europe-central2": "PL",
       "europe-north1": "FI", "europe-west2": "GB", "europe-west6": "CH",
       "asia-northeast1": "JP", "asia-northeast3": "KR", "asia-southeast1": "SG",
       "asia-south1": "IN", "us-central1": "US", "southamerica-east1": "BR",
       "asia-east1": "TW", "northamerica-northeast1": "CA"}
HUAWEI = {"cn-north-4": "CN", "cn-east-3": "CN", "cn-south-1": "CN"}
ORACLE = {"eu-frankfurt-1": "DE", "eu-amsterdam-1": "NL", "uk-london-1": "GB",
          "ap-tokyo-1": "JP", "ap-osaka-1": "JP", "ap-seoul-1": "KR", "sa-saopaulo-1": "BR",
          "us-ashburn-1": "US", "eu-paris-1": "FR", "eu-milan-1": "IT", "eu-madrid-1": "ES",
          "ap-singapore-1": "SG", "mx-queretaro-1": "MX"}

SITES = {
    "DE": ["DE-STR-01", "DE-MUC-02", "DE-HAM-01", "DE-LEJ-03"],
    "FR": ["FR-LYO-02", "FR-TLS-01", "FR-LIL-01"],
    "ES": ["ES-BCN-01", "ES-VLC-02", "ES-ZAZ-01"],
    "IT": ["IT-MIL-01", "IT-TRN-03", "IT-BLQ-02"],
    "PL": ["PL-WRO-01", "PL-POZ-02", "PL-KTW-01"],
    "PT": ["PT-PRT-01", "PT-LIS-02"],
    "BR": ["BR-SAO-01", "BR-CWB-02"],
    "CN": ["CN-SZ-02", "CN-SHA-01", "CN-TSN-03", "CN-CKG-01"],
    "JP": ["JP-NGO-02", "JP-OSA-01", "JP-HIJ-01"],
    "KR": ["KR-ICN-01", "KR-PUS-02", "KR-USN-01"],
    "VN": ["VN-HAN-02", "VN-SGN-01", "VN-DAD-01"],
    "MX": ["MX-QRO-01", "MX-MTY-02"],
    "CZ": ["CZ-PLS-01"], "HU": ["HU-GYR-01"], "US": ["US-DET-01", "US-SPA-02"],
    "IN": ["IN-PNQ-01"], "TH": ["TH-BKK-01"], "TR": ["TR-BUR-01"], "AT": ["AT-LNZ-01"],
    "SE": ["SE-GOT-01"], "GB": ["GB-BHM-01"],
}
SITE_CITY = {
    "DE-STR-01": "Stuttgart", "DE-MUC-02": "München", "DE-HAM-01": "Hamburg",
    "DE-LEJ-03": "Leipzig", "FR-LYO-02": "Lyon", "FR-TLS-01": "Toulouse", "FR-LIL-01": "Lille",
    "ES-BCN-01": "Barcelona", "ES-VLC-02": "Valencia", "ES-ZAZ-01": "Zaragoza",
    "IT-MIL-01": "Milano", "IT-TRN-03": "Torino", "IT-BLQ-02": "Bologna",
    "PL-WRO-01": "Wrocław", "PL-POZ-02": "Poznań", "PL-KTW-01": "Katowice",
    "PT-PRT-01": "Porto", "PT-LIS-02": "Lisboa", "BR-SAO-01": "São Paulo",
    "BR-CWB-02": "Curitiba", "CN-SZ-02": "深圳", "CN-SHA-01": "上海", "CN-TSN-03": "天津",
    "CN-CKG-01": "重庆", "JP-NGO-02": "名古屋", "JP-OSA-01": "大阪", "JP-HIJ-01": "広島",
    "KR-ICN-01": "인천", "KR-PUS-02": "부산", "KR-USN-01": "울산", "VN-HAN-02": "Hà Nội",
    "VN-SGN-01": "Sài Gòn", "VN-DAD-01": "Đà Nẵng", "MX-QRO-01": "Querétaro",
    "MX-MTY-02": "Monterrey", "AT-LNZ-01": "Linz",
}
LANG_CC = {"de": ["DE", "AT"], "fr": ["FR"], "es": ["ES", "MX"], "it": ["IT"], "pl": ["PL"],
           "pt": ["PT", "BR"], "zh": ["CN"], "ja": ["JP"], "vi": ["VN"], "ko": ["KR"],
           "en": list(SITES)}
NAMES = {
    "de": ["j.weber", "anna.schmidt", "k.mueller", "t.becker", "s.hoffmann"],
    "fr": ["c.martin", "l.bernard", "m.dubois", "n.lefevre"],
    "es": ["j.garcia", "m.lopez", "a.fernandez", "l.martinez"],
    "it": ["m.rossi", "g.bianchi", "f.romano", "l.ricci"],
    "pl": ["p.nowak", "a.kowalska", "m.wisniewski", "k.wojcik"],
    "pt": ["j.silva", "a.santos", "r.oliveira", "m.costa"],
    "zh": ["li.wei", "wang.fang", "zhang.min", "chen.jie"],
    "ja": ["t.suzuki", "h.tanaka", "y.sato", "k.watanabe"],
    "vi": ["nguyen.van.an", "tran.thi.hoa", "le.minh", "pham.duc"],
    "ko": ["kim.minjun", "lee.seoyeon", "park.jihoon", "choi.yuna"],
    "en": ["ops", "plant.it", "j.smith", "noc", "m.brown", "integration"],
}
MAIL_TLD = {"de": ["de", "at"], "fr": ["fr"], "es": ["es", "com.mx"], "it": ["it"],
            "pl": ["pl"], "pt": ["pt", "com.br"], "zh": ["cn", "com.cn"],
            "ja": ["co.jp", "jp"], "vi": ["com.vn", "vn"], "ko": ["co.kr", "kr"],
            "en": ["co.uk", "us", "de", "nl", "se", "ch", "ie", "com.au"]}

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@example\.[a-z.]+")


def lower_site(site: str) -> str:
    return site.lower()


# ---------------------------------------------------------------------------
# The generator


class Gen:
    def __init__(self, seed: int = SEED) -> None:
        self.r = random.Random(seed)
        self.files: dict[str, list[str]] = {}
        self.truth: list[dict[str, Any]] = []
        self.t = datetime(2026, 11, 2, 6, 0, 0)

    # -- randomness helpers -------------------------------------------------
    def c(self, seq: Any) -> Any:
        return self.r.choice(list(seq))

    def p(self, prob: float) -> bool:
        return self.r.random() < prob

    def n(self, a: int, b: int) -> int:
        return self.r.randint(a, b)

    def tick(self) -> datetime:
        self.t += timedelta(seconds=self.n(1, 97), milliseconds=self.n(0, 999))
        return self.t

    def hexid(self, k: int) -> str:
        return "".join(self.c("0123456789abcdef") for _ in range(k))

    def alnum(self, k: int) -> str:
        return "".join(self.c("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(k))

    # -- places --------------------------------------------------------------
    def cc_host(self, cc: str | None = None, prefix: str | None = None,
                avoid: str | None = None) -> Dest:
        while True:
            tld, c = self.c(CCTLD) if cc is None else (self.c(TLD_OF[cc]), cc)
            if c != avoid:
                break
        pre = prefix or self.c(["ingest", "upload", "data", "telemetry", "collector", "api",
                                "edge-in", "mes-in", "lake", "hub", "recv", "import",
                                "iiot", "push", "gw-in", "sink"])
        return Dest(f"{pre}.example.{tld}", c)

    def cloud(self, kind: str | None = None, avoid: str | None = None) -> Dest:
        while True:
            d = self._cloud(kind)
            if d.cc != avoid:
                return d

    def _cloud(self, kind: str | None) -> Dest:
        kind = kind or self.c(["aws", "aws", "ali", "tencent", "gcp", "huawei", "oracle",
                               "awscn"])
        bucket = self.c(["plantdata", "mes-archive", "telemetry-raw", "qa-images",
                         "edge-export", "line-metrics"])
        if kind == "aws":
            reg = self.c(AWS)
            h = self.c([f"{bucket}.s3.{reg}.amazonaws.com", f"s3.{reg}.amazonaws.com",
                        f"s3.dualstack.{reg}.amazonaws.com", f"kinesis.{reg}.amazonaws.com",
                        f"firehose.{reg}.amazonaws.com", f"sqs.{reg}.amazonaws.com",
                        f"{self.alnum(10)}.execute-api.{reg}.amazonaws.com",
                        f"ingest-cell1.timestream.{reg}.amazonaws.com"])
            return Dest(h, AWS[reg])
        if kind == "awsiot":
            reg = self.c(AWS)
            return Dest(f"{self.alnum(14)}-ats.iot.{reg}.amazonaws.com", AWS[reg])
        if kind == "msk":
            reg = self.c(AWS)
            return Dest(f"b-1.plantstream.{self.alnum(6)}.c2.kafka.{reg}.amazonaws.com",
                        AWS[reg])
        if kind == "awscn":
            reg = self.c(AWS_CN)
            h = self.c([f"s3.{reg}.amazonaws.com.cn", f"{bucket}.s3.{reg}.amazonaws.com.cn",
                        f"kinesis.{reg}.amazonaws.com.cn"])
            return Dest(h, "CN")
        if kind == "ali":
            reg = self.c(ALI)
            h = self.c([f"oss-{reg}.aliyuncs.com", f"{bucket}.oss-{reg}.aliyuncs.com",
                        f"{reg}.log.aliyuncs.com"])
            return Dest(h, ALI[reg])
        if kind == "aliiot":
            reg = self.c([k for k in ALI if k.startswith("cn-")] + ["ap-southeast-1"])
            return Dest(f"a1{self.alnum(9)}.iot-as-mqtt.{reg}.aliyuncs.com", ALI[reg])
        if kind == "tencent":
            reg = self.c(TENCENT)
            h = self.c([f"{bucket}-125{self.n(1000000, 9999999)}.cos.{reg}.myqcloud.com",
                        f"cos.{reg}.myqcloud.com"])
            return Dest(h, TENCENT[reg])
        if kind == "gcp":
            reg = self.c(GCP)
            svc = self.c(["pubsub", "aiplatform", "logging"])
            return Dest(f"{reg}-{svc}.googleapis.com", GCP[reg])
        if kind == "huawei":
            reg = self.c(HUAWEI)
            h = self.c([f"obs.{reg}.myhuaweicloud.com", f"{bucket}.obs.{reg}.myhuaweicloud.com",
                        f"iot-mqtts.{reg}.myhuaweicloud.com", f"dis.{reg}.myhuaweicloud.com"])
            return Dest(h, "CN")
        if kind == "huaweiiot":
            return Dest(f"iot-mqtts.{self.c(HUAWEI)}.myhuaweicloud.com", "CN")
        if kind == "storage":
            k = self.c(["aws", "ali", "tencent", "huawei", "oracle"])
            if k == "aws":
                reg = self.c(AWS)
                return Dest(self.c([f"s3.{reg}.amazonaws.com", f"{bucket}.s3.{reg}.amazonaws.com"]),
                            AWS[reg])
            if k == "ali":
                reg = self.c(ALI)
                return Dest(f"oss-{reg}.aliyuncs.com", ALI[reg])
            if k == "tencent":
                reg = self.c(TENCENT)
                return Dest(f"cos.{reg}.myqcloud.com", TENCENT[reg])
            if k == "huawei":
                return Dest(f"obs.{self.c(HUAWEI)}.myhuaweicloud.com", "CN")
            reg = self.c(ORACLE)
            return Dest(f"objectstorage.{reg}.oraclecloud.com", ORACLE[reg])
        if kind == "oracle":
            reg = self.c(ORACLE)
            h = self.c([f"objectstorage.{reg}.oraclecloud.com",
                        f"cell-1.streaming.{reg}.oci.oraclecloud.com"])
            return Dest(h, ORACLE[reg])
        if kind == "azurecn":
            n = self.c(["planthub", "mes-iot", "edgehub-cn"])
            h = self.c([f"{n}.azure-devices.cn", f"{n}.servicebus.chinacloudapi.cn"])
            return Dest(h, "CN")
        raise ValueError(kind)

    def broker(self, prefix: str = "broker", avoid: str | None = None) -> Dest:
        """An MQTT broker: a ccTLD host or a cloud IoT endpoint that names its region."""
        if self.p(0.35):
            return self.cloud(self.c(["awsiot", "aliiot", "huaweiiot", "azurecn"]), avoid=avoid)
        return self.cc_host(prefix=prefix, avoid=avoid)

    def dest(self, cloud_share: float = 0.35, prefix: str | None = None,
             avoid: str | None = None, cc: str | None = None) -> Dest:
        if cc is None and self.p(cloud_share):
            return self.cloud(avoid=avoid)
        return self.cc_host(cc=cc, prefix=prefix, avoid=avoid)

    def site(self, lang: str = "en") -> str:
        return self.c(SITES[self.c(LANG_CC[lang])])

    def mail(self, lang: str = "en") -> str:
        return f"{self.c(NAMES[lang])}@example.{self.c(MAIL_TLD[lang])}"

    def decoy_host(self, prefix: str, avoid: str | None = None) -> str:
        return self.cc_host(prefix=prefix, avoid=avoid).host

    def public_ip(self) -> str:
        return self.c(["203.0.113.", "198.51.100.", "192.0.2."]) + str(self.n(2, 250))

    def self_host(self, site: str | None, fqdn: bool = False) -> str:
        """The sender's own host name, with the site code in it when there is one."""
        if site is None:
            base = self.c(["edge-gw-07", "gw-line3", "plc-gw-12", "ipc-0457", "hmi-2",
                           "collector-01"])
        else:
            s = lower_site(site)
            base = self.c([f"gw-{s}", f"plc-{s}", f"edge-{s}-{self.n(1, 9)}", f"{s}-ipc01",
                           f"mes-{s}"])
        if fqdn:
            tld = self.c(TLD_OF[site[:2]]) if site else self.c(CCTLD)[0]
            return f"{base}.example.{tld}"
        return base + self.c(["", "", ".corp", ".local", ".lan"])

    def url(self, d: Dest, scheme: str = "https", port: int | None = None,
            path: str | None = None) -> str:
        p = f":{port}" if port else ""
        if path is None:
            path = self.c(["/v1/ingest", "/api/v2/import", "/upload", "/in", "/api/telemetry",
                           "/mes/import", "", "/v1/batches", "/data/push"])
        return f"{scheme}://{d.host}{p}{path}"

    def any_url(self, d: Dest) -> str:
        """A destination written as a URL, host:port or a bare host."""
        k = self.r.random()
        if k < 0.6:
            return self.url(d, self.c(["https", "https", "http", "mqtts", "amqps", "wss"]))
        if k < 0.85:
            return f"{d.host}:{self.c([443, 8883, 9092, 5671, 8443, 4318])}"
        return d.host

    # -- recording -----------------------------------------------------------
    def header(self, file: str, text: str) -> None:
        self.files.setdefault(file, []).append(text)

    def add(self, file: str, text: str, shape: str, lang: str, dest: Dest | None = None,
            origin: str | None = None, decoy: str | None = None, note: str = "") -> None:
        assert "\n" not in text, text
        low = text.lower()
        assert EMAIL_RE.search(text), f"no e-mail: {text}"
        if dest is not None:
            assert dest.host.lower() in low, f"{dest.host} not in {text}"
        if origin is not None:
            assert origin.lower() in low, f"{origin} not in {text}"
        if decoy is not None:
            assert decoy.lower() in low, f"{decoy} not in {text}"
            assert dest is None or decoy.lower() != dest.host.lower()
        lines = self.files.setdefault(file, [])
        lines.append(text)
        if not note:
            note = "decoy" if decoy else ("send" if dest else "no-dest")
        self.truth.append({
            "file": file, "line": len(lines), "shape": shape, "lang": lang,
            "dest_country": dest.cc if dest else None,
            "dest_host": dest.host.lower() if dest else None,
            "origin_country": origin[:2] if origin else None,
            "decoy": decoy is not None,
            "decoy_host": decoy.lower() if decoy else None,
            "note": note,
        })

    def maybe_site(self, lang: str = "en", prob: float = 0.85) -> str | None:
        return self.site(lang) if self.p(prob) else None

    def run(self, n: int, templates: list[tuple[float, Callable[[], None]]]) -> None:
        weights = [w for w, _ in templates]
        fns = [f for _, f in templates]
        for _ in range(n):
            self.r.choices(fns, weights)[0]()


def csv_line(cells: list[str], delim: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="").writerow(cells)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Shapes


def mqtt(g: Gen) -> None:
    shape, lang = "mqtt", "en"
    f1, f2 = "mosquitto.log", "emqx.log"

    def journal(site: str | None) -> str:
        ts = g.tick()
        return f"{ts:%b %d %H:%M:%S} {g.self_host(site)} mosquitto[{g.n(300, 2000)}]: " \
               f"{int(ts.timestamp())}:"

    def bridge_connect() -> None:
        site, d, e = g.maybe_site(), g.broker(g.c(["broker", "mqtt", "hivemq"])), \
            g.mail()
        name = g.c(["cloud", "to-cloud", "bridge-eu", "uplink", "hq"])
        g.add(f1, f"{journal(site)} Connecting bridge {name} ({d.host}:8883), "
              f"remote_username '{e}'", shape, lang, d, site)

    def bridge_config() -> None:
        site, d, e = g.maybe_site(), g.broker(), g.mail()
        g.add(f1, f"{journal(site)} Config: bridge uplink address {d.host}:{g.c([8883, 1883])} "
              f"topic telemetry/# out 1 \"\" plant/ bridge_protocol_version mqttv311 "
              f"remote_username {e} try_private true", shape, lang, d, site)

    def bridge_failed() -> None:
        site, d, e = g.maybe_site(), g.broker(), g.mail()
        err = g.c(["Connection refused", "Connection Refused: not authorised.",
                   "TLS handshake failed", "Host not found"])
        g.add(f1, f"{journal(site)} Error creating bridge uplink to {d.host}:8883: {err} "
              f"(remote_username '{e}')", shape, lang, d, site, note="failed-send")

    def client_connected() -> None:
        site = g.site()
        ip = g.public_ip()
        g.add(f1, f"{journal(None)} New client connected from {ip}:{g.n(30000, 60000)} as "
              f"PLC-{site}-{g.n(1, 9):02d} (p2, c1, k60, u'{g.mail()}').", shape, lang,
              None, site, decoy=ip, note="decoy:client-ip")

    def failover() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.cc_host(prefix="broker2")
        old = g.cc_host(prefix="broker1", avoid=d.cc).host
        g.add(f1, f"{journal(site)} Bridge uplink: address {old}:8883 unreachable, "
              f"switching to next address {d.host}:8883 (round_robin false, remote_username "
              f"'{e}')", shape, lang, d, site, decoy=old, note="decoy:failover-previous")

    def listener() -> None:
        site = g.maybe_site(prob=0.5)
        g.add(f1, f"{journal(site)} Opening ipv4 listen socket on port 8883; admin {g.mail()}",
              shape, lang, None, site)

    def emqx_connected() -> None:
        site, d, e = g.maybe_site(), g.broker("mqtt"), g.mail()
        ts = g.tick().isoformat(timespec="microseconds") + "+01:00"
        rec: dict[str, Any] = {"time": ts, "level": "info", "msg": "bridge_connected",
                               "connector": f"mqtt:{g.c(['cloud_eu', 'to_hq', 'uplink'])}",
                               "server": f"{d.host}:8883", "username": e,
                               "node": "emqx@127.0.0.1"}
        if site:
            rec["clientid"] = f"emqx_bridge_{site}"
        g.add(f2, json.dumps(rec, ensure_ascii=False), shape, lang, d, site)

    def emqx_failed() -> None:
        site, d, e = g.maybe_site(), g.broker("mqtt"), g.mail()
        rec = {"time": g.tick().isoformat(), "level": "error", "msg": "failed_to_connect",
               "connector": "mqtt:uplink", "server": f"{d.host}:8883",
               "reason": g.c(["econnrefused", "nxdomain", "timeout"]), "username": e}
        if site:
            rec["site"] = site
        g.add(f2, json.dumps(rec), shape, lang, d, site, note="failed-send")

    def emqx_docs() -> None:
        site, e = g.maybe_site(), g.mail()
        doc = g.decoy_host("docs")
        rec = {"time": g.tick().isoformat(), "level": "warning",
               "msg": "license_connection_quota_near_limit", "max": 10000,
               "see": f"https://{doc}/emqx/license#quota", "admin": e}
        if site:
            rec["node_site"] = site
        g.add(f2, json.dumps(rec), shape, lang, None, site, decoy=doc, note="decoy:docs-url")

    def emqx_client_with_dest() -> None:
        site, d, e = g.site(), g.broker("mqtt"), g.mail()
        ip = g.public_ip()
        rec = {"time": g.tick().isoformat(), "level": "info",
               "msg": "forward_message_to_remote",
               "from_clientid": f"PLC-{site}-07", "peername": f"{ip}:51234",
               "remote": f"mqtts://{d.host}:8883", "topic": "plant/line3/temp", "owner": e}
        g.add(f2, json.dumps(rec), shape, lang, d, site, decoy=ip, note="decoy:client-ip")

    g.run(70, [(4, bridge_connect), (2, bridge_config), (2, bridge_failed),
               (2, client_connected), (1, failover), (1, listener)])
    g.run(50, [(3, emqx_connected), (2, emqx_failed), (1.5, emqx_docs),
               (1.5, emqx_client_with_dest)])


def kafka(g: Gen) -> None:
    shape, lang = "kafka", "en"
    f1, f2 = "producer.log", "rdkafka.log"

    def ts() -> str:
        return f"{g.tick():%Y-%m-%d %H:%M:%S},{g.n(0, 999):03d}"

    def brokers(cc_or_msk: str) -> tuple[Dest, list[str]]:
        if cc_or_msk == "msk":
            reg = g.c(AWS)
            cid = g.alnum(6)
            hosts = [f"b-{i}.plantstream.{cid}.c2.kafka.{reg}.amazonaws.com" for i in (1, 2, 3)]
            return Dest(hosts[0], AWS[reg]), hosts
        tld, cc = g.c(CCTLD)
        hosts = [f"kafka-{i}.example.{tld}" for i in (1, 2, 3)]
        return Dest(hosts[0], cc), hosts

    def producer_config() -> None:
        site, e = g.maybe_site(), g.mail()
        d, hs = brokers(g.c(["msk", "cc"]))
        port = 9098 if "amazonaws" in d.host else 9093
        cid = f"producer-{site}" if site else "mes-producer-1"
        g.add(f1, f"{ts()} INFO  [main] o.a.k.c.p.ProducerConfig - ProducerConfig values: "
              f"acks = all, bootstrap.servers = [{', '.join(h + ':' + str(port) for h in hs)}],"
              f" client.id = {cid}, compression.type = lz4, security.protocol = SASL_SSL "
              f"[owner={e}]", shape, lang, d, site, note="multi-same-country")

    def node_unreachable() -> None:
        site, e = g.maybe_site(), g.mail()
        d, _ = brokers("cc")
        g.add(f1, f"{ts()} WARN  [kafka-producer-network-thread | producer-1] "
              f"o.a.k.c.NetworkClient - [Producer clientId=producer-1] Connection to node -1 "
              f"({d.host}/{g.public_ip()}:9092) could not be established. Broker may not be "
              f"available. [site={site or '-'} owner={e}]", shape, lang, d, site,
              note="failed-send")

    def sending_batch() -> None:
        site, e = g.maybe_site(), g.mail()
        d, _ = brokers(g.c(["msk", "cc", "cc"]))
        g.add(f1, f"{ts()} DEBUG [kafka-producer-network-thread | producer-1] "
              f"o.a.k.c.p.i.Sender - Sending batch of {g.n(5, 900)} records to topic "
              f"{g.c(['telemetry', 'mes.orders', 'quality-events'])} partition {g.n(0, 5)} on "
              f"broker {d.host}:9092 (site {site or 'n/a'}, contact {e})", shape, lang, d, site)

    def cluster_id() -> None:
        site = g.maybe_site(prob=0.6)
        g.add(f1, f"{ts()} INFO  [kafka-producer-network-thread | producer-1] "
              f"org.apache.kafka.clients.Metadata - [Producer clientId=producer-"
              f"{site or '1'}] Cluster ID: {g.alnum(22)} (owner {g.mail()})", shape, lang,
              None, site)

    def token_endpoint() -> None:
        site, e = g.maybe_site(), g.mail()
        d, hs = brokers(g.c(["msk", "cc"]))
        login = g.decoy_host("login", avoid=d.cc)
        g.add(f1, f"{ts()} INFO  [main] o.a.k.c.p.ProducerConfig - ProducerConfig values: "
              f"sasl.oauthbearer.token.endpoint.url = https://{login}/oauth2/v2.0/token, "
              f"bootstrap.servers = [{hs[0]}:9093, {hs[1]}:9093], client.id = "
              f"{'prod-' + site if site else 'prod'} [owner={e}]", shape, lang, d, site,
              decoy=login, note="decoy:auth-endpoint")

    def docs_only() -> None:
        site, e = g.maybe_site(), g.mail()
        doc = g.decoy_host("docs")
        g.add(f1, f"{ts()} WARN  [main] o.a.k.c.p.KafkaProducer - linger.ms=0 disables "
              f"batching, see https://{doc}/kafka/tuning#linger (reported to {e}"
              f"{', site ' + site if site else ''})", shape, lang, None, site, decoy=doc,
              note="decoy:docs-url")

    def stack_trace() -> None:
        site, e = g.maybe_site(), g.mail()
        d, _ = brokers("cc")
        g.add(f1, f"{ts()} ERROR [mes-export] c.a.m.KafkaExporter - send to {d.host}:9092 "
              f"failed: org.apache.kafka.common.errors.TimeoutException: Expiring 12 record(s) "
              f"at c.a.m.KafkaExporter.flush(KafkaExporter.java:214) at "
              f"c.a.m.Main.run(Main.java:88) [user={e}{' site=' + site if site else ''}]",
              shape, lang, d, site, note="failed-send")

    def rd_connect() -> None:
        site, e = g.maybe_site(), g.mail()
        d, _ = brokers(g.c(["msk", "cc"]))
        pre = f"{g.tick():%Y-%m-%dT%H:%M:%S} {g.self_host(site)} user={e} |"
        g.add(f2, f"{pre} %7|{g.tick().timestamp():.3f}|CONNECT|rdkafka#producer-1| "
              f"[thrd:sasl_ssl://{d.host}:9093/bootstrap]: sasl_ssl://{d.host}:9093/bootstrap:"
              f" Connected to ipv4#{g.public_ip()}:9093", shape, lang, d, site)

    def rd_fail() -> None:
        site, e = g.maybe_site(), g.mail()
        d, _ = brokers("cc")
        pre = f"{g.tick():%Y-%m-%dT%H:%M:%S} {g.self_host(site)} user={e} |"
        g.add(f2, f"{pre} %3|{g.tick().timestamp():.3f}|FAIL|rdkafka#producer-1| "
              f"[thrd:{d.host}:9092/bootstrap]: {d.host}:9092/bootstrap: Connect to "
              f"ipv4#{g.public_ip()}:9092 failed: Connection refused (after 0ms in state "
              f"CONNECT)", shape, lang, d, site, note="failed-send")

    def rd_stats() -> None:
        site, e = g.maybe_site(), g.mail()
        pre = f"{g.tick():%Y-%m-%dT%H:%M:%S} {g.self_host(site)} user={e} |"
        g.add(f2, f"{pre} %6|{g.tick().timestamp():.3f}|INIT|rdkafka#producer-1| "
              f"[thrd:app]: librdkafka v2.6.0 (0x20600ff) rdkafka#producer-1 initialized",
              shape, lang, None, site)

    g.run(65, [(3, producer_config), (2, node_unreachable), (3, sending_batch),
               (1, cluster_id), (2, token_endpoint), (1.5, docs_only), (1, stack_trace)])
    g.run(35, [(3, rd_connect), (2, rd_fail), (1, rd_stats)])


def collector(g: Gen) -> None:
    shape, lang = "collector", "en"
    fb, vec, tel, otel = "fluent-bit.log", "vector.log", "telegraf.log", "otelcol.log"

    def fbts() -> str:
        return f"[{g.tick():%Y/%m/%d %H:%M:%S}]"

    def fb_ok() -> None:
        site, d, e = g.maybe_site(), g.dest(0.3), g.mail()
        tag = f"plc.{site}" if site else "plc.line3"
        g.add(fb, f"{fbts()} [ info] [output:http:http.0] {d.host}:443, HTTP status=200 "
              f"(tag={tag}, http_user={e})", shape, lang, d, site)

    def fb_no_upstream() -> None:
        site, d, e = g.maybe_site(), g.cc_host(prefix="fluentd"), g.mail()
        g.add(fb, f"{fbts()} [error] [output:forward:forward.0] no upstream connections "
              f"available to {d.host}:24224 (owner {e}{', site ' + site if site else ''})",
              shape, lang, d, site, note="failed-send")

    def fb_proxy() -> None:
        site, d, e = g.maybe_site(), g.dest(0.3), g.mail()
        proxy = g.decoy_host("proxy", avoid=d.cc)
        g.add(fb, f"{fbts()} [ info] [output:http:http.1] proxy http://{proxy}:3128 -> "
              f"{d.host}:443, HTTP status=202 (tag=mes.{site or 'export'}, http_user={e})",
              shape, lang, d, site, decoy=proxy, note="decoy:proxy")

    def fb_chunk() -> None:
        site = g.maybe_site(prob=0.5)
        g.add(fb, f"{fbts()} [ warn] [engine] failed to flush chunk "
              f"'1-{int(g.t.timestamp())}.{g.n(100, 999)}.flb', retry in 9 seconds: task_id=3,"
              f" input=tail.0 > output=http.0 (out_id=0) (tag=plc.{site or 'x'}, "
              f"http_user={g.mail()})", shape, lang, None, site)

    def fb_dns_fail() -> None:
        site, d, e = g.maybe_site(), g.cc_host(prefix="logs"), g.mail()
        g.add(fb, f"{fbts()} [ warn] [output:http:http.0] getaddrinfo(host='{d.host}', "
              f"err=4): Domain name not found (http_user={e}{', tag=plc.' + site if site else ''})",
              shape, lang, d, site, note="failed-send")

    def vec_req() -> None:
        site, d, e = g.maybe_site(), g.dest(0.4), g.mail()
        rec = {"timestamp": g.tick().isoformat() + "Z", "level": "DEBUG",
               "message": "Sending HTTP request.", "uri": g.url(d),
               "target": "vector::sinks::util::http",
               "span": {"component_id": "to_cloud", "component_kind": "sink",
                        "component_type": "http"},
               "fields": {"owner": e}}
        if site:
            rec["fields"]["site"] = site
        g.add(vec, json.dumps(rec), shape, lang, d, site)

    def vec_fail() -> None:
        site, d, e = g.maybe_site(), g.cc_host(), g.mail()
        rec = {"timestamp": g.tick().isoformat() + "Z", "level": "ERROR",
               "message": "Service call failed. No retries or retries exhausted.",
               "error": f"Request failed: error trying to connect: dns error: failed to lookup "
                        f"address information: Name or service not known ({d.host})",
               "target": "vector::sinks::util::retries",
               "span": {"component_id": "to_hq", "component_kind": "sink"},
               "owner": e}
        if site:
            rec["host"] = g.self_host(site)
        g.add(vec, json.dumps(rec), shape, lang, d, site if site else None, note="failed-send")

    def vec_started() -> None:
        site, e = g.maybe_site(), g.mail()
        doc = g.decoy_host("handbuch")
        rec: dict[str, Any] = {"timestamp": g.tick().isoformat() + "Z", "level": "INFO",
                               "message": "Vector has started.", "version": "0.41.1",
                               "arch": "x86_64", "help": f"https://{doc}/vector/start",
                               "maintainer": e}
        if site:
            rec["site"] = site
        g.add(vec, json.dumps(rec), shape, lang, None, site, decoy=doc, note="decoy:docs-url")

    def tel_write_fail() -> None:
        site, d, e = g.maybe_site(), g.cc_host(prefix="influx"), g.mail()
        g.add(tel, f"{g.tick():%Y-%m-%dT%H:%M:%SZ} E! [outputs.influxdb_v2] When writing to "
              f"[https://{d.host}:8086]: Post \"https://{d.host}:8086/api/v2/write?bucket=plant&"
              f"org=ops\": dial tcp: lookup {d.host} on 127.0.0.53:53: no such host "
              f"(agent {g.self_host(site)}, owner {e})", shape, lang, d, site,
              note="failed-send")

    def tel_mqtt() -> None:
        site, d, e = g.maybe_site(), g.broker("mqtt"), g.mail()
        g.add(tel, f"{g.tick():%Y-%m-%dT%H:%M:%SZ} D! [outputs.mqtt] Wrote batch of "
              f"{g.n(10, 999)} metrics in {g.n(1, 40)}.{g.n(0, 9)}ms to ssl://{d.host}:8883 "
              f"(agent {g.self_host(site)}, owner {e})", shape, lang, d, site)

    def tel_agent() -> None:
        site = g.site()
        me = g.self_host(site, fqdn=True)
        g.add(tel, f"{g.tick():%Y-%m-%dT%H:%M:%SZ} I! [agent] Config: Interval:10s, "
              f"Quiet:false, Hostname:\"{me}\", Flush Interval:10s (owner {g.mail()})",
              shape, lang, None, site, decoy=me, note="decoy:self-host")

    def zap(level: str, caller: str, msg: str, fields: dict[str, Any]) -> str:
        return (f"{g.tick().isoformat(timespec='milliseconds')}Z\t{level}\t{caller}\t{msg}\t"
                + json.dumps(fields))

    def otel_export_fail() -> None:
        site, d, e = g.maybe_site(), g.dest(0.3, prefix="otlp"), g.mail()
        f: dict[str, Any] = {
            "kind": "exporter", "data_type": "metrics", "name": "otlphttp",
            "error": f"failed to make an HTTP request: Post \"https://{d.host}:4318/v1/metrics\""
                     f": context deadline exceeded", "interval": "5.2s", "owner": e}
        if site:
            f["resource"] = {"site.code": site}
        g.add(otel, zap("info", "internal/retry_sender.go:118",
                        "Exporting failed. Will retry the request after interval.", f),
              shape, lang, d, site, note="failed-send")

    def otel_prepare() -> None:
        site, d, e = g.maybe_site(), g.dest(0.4, prefix="otlp"), g.mail()
        f = {"kind": "exporter", "data_type": "logs", "name": "otlphttp/hq",
             "url": f"https://{d.host}:4318/v1/logs", "owner": e}
        if site:
            f["site"] = site
        g.add(otel, zap("debug", "otlphttpexporter@v0.112.0/otlp.go:112",
                        "Preparing to make HTTP request", f), shape, lang, d, site)

    def otel_receiver() -> None:
        site = g.site()
        me = g.self_host(site, fqdn=True)
        g.add(otel, zap("info", "otlpreceiver@v0.112.0/otlp.go:153", "Starting GRPC server",
                        {"kind": "receiver", "name": "otlp", "data_type": "traces",
                         "endpoint": f"{me}:4317", "owner": g.mail()}),
              shape, lang, None, site, decoy=me, note="decoy:self-host")

    def otel_receiver_and_exporter() -> None:
        site, d, e = g.site(), g.dest(0.4, prefix="otlp"), g.mail()
        me = g.self_host(site, fqdn=True)
        if me.rsplit(".", 1)[-1] == d.host.rsplit(".", 1)[-1]:
            d = g.cloud(avoid=site[:2])
        g.add(otel, zap("info", "service@v0.112.0/service.go:211", "Pipeline started",
                        {"pipeline": "logs", "receiver": f"otlp@{me}:4317",
                         "exporter": f"otlphttp -> https://{d.host}:4318", "owner": e}),
              shape, lang, d, site, decoy=me, note="decoy:self-host")

    def otel_stack() -> None:
        site, e = g.maybe_site(), g.mail()
        g.add(otel, zap("error", "graph/graph.go:432", "Failed to start component",
                        {"error": "cannot load plugin", "stacktrace":
                         "main.run\n\t/src/plugins/upload.sh:12\n\t/usr/lib/libpaho.so:0",
                         "owner": e, **({"site": site} if site else {})}),
              shape, lang, None, site, decoy="upload.sh", note="decoy:stack-trace")

    g.run(40, [(3, fb_ok), (2, fb_no_upstream), (2, fb_proxy), (1, fb_chunk), (1.5, fb_dns_fail)])
    g.run(30, [(3, vec_req), (2, vec_fail), (1.5, vec_started)])
    g.run(30, [(2, tel_write_fail), (3, tel_mqtt), (1.5, tel_agent)])
    g.run(45, [(2, otel_export_fail), (3, otel_prepare), (1.5, otel_receiver),
               (1.5, otel_receiver_and_exporter), (1, otel_stack)])


def iot_sdk(g: Gen) -> None:
    shape, lang = "iot-sdk", "en"

    def aws_c() -> None:
        site, d, e = g.maybe_site(), g.cloud("awsiot"), g.mail()
        thing = f"gw-{site}" if site else f"thing-{g.n(100, 999)}"
        g.add("aws-iot-device.log", f"[INFO] [{g.tick():%Y-%m-%dT%H:%M:%SZ}] "
              f"[{g.hexid(16)}] [mqtt-client] - id=0x{g.hexid(12)}: Connecting to endpoint "
              f"{d.host}:8883 (thing {thing}, owner {e})", shape, lang, d, site)

    def greengrass() -> None:
        site, d, e = g.maybe_site(), g.cloud("awsiot"), g.mail()
        cid = f"GG-{site}" if site else "gg-core-7"
        g.add("greengrass.log", f"{g.tick().isoformat(timespec='milliseconds')}Z [INFO] "
              f"(pool-2-thread-14) com.aws.greengrass.mqttclient.AwsIotMqttClient: Connecting "
              f"to AWS IoT Core. {{clientId={cid}, endpoint={d.host}, contact={e}}}",
              shape, lang, d, site)

    def greengrass_logupload() -> None:
        site, d, e = g.maybe_site(), g.cloud("storage"), g.mail()
        g.add("greengrass.log", f"{g.tick().isoformat(timespec='milliseconds')}Z [INFO] "
              f"(pool-1-thread-3) com.aws.greengrass.logmanager.LogManagerService: "
              f"log-uploader-upload-success. {{endpoint=https://{d.host}, files=4, "
              f"core={'GG-' + site if site else 'gg-core-7'}, contact={e}}}", shape, lang, d, site)

    def greengrass_deploy_fetch() -> None:
        site, e = g.maybe_site(), g.mail()
        src = g.cloud("aws").host
        g.add("greengrass.log", f"{g.tick().isoformat(timespec='milliseconds')}Z [INFO] "
              f"(pool-2-thread-9) com.aws.greengrass.componentmanager.ComponentStore: "
              f"Downloading artifact from https://{src}/components/mes-agent-2.4.0.zip "
              f"{{core={'GG-' + site if site else 'gg-core-7'}, contact={e}}}", shape, lang,
              None, site, decoy=src, note="decoy:download-source")

    def rootca() -> None:
        site, d, e = g.maybe_site(), g.cloud("awsiot"), g.mail()
        g.add("aws-iot-device.log", f"[WARN] [{g.tick():%Y-%m-%dT%H:%M:%SZ}] [{g.hexid(16)}]"
              f" [tls-handler] - root CA /certs/AmazonRootCA1.pem is older than 90 days, get a "
              f"new one from https://www.amazontrust.com/repository/AmazonRootCA1.pem before "
              f"connecting to {d.host} (thing {'gw-' + site if site else 'thing-3'}, owner {e})",
              shape, lang, d, site, decoy="www.amazontrust.com", note="decoy:docs-url")

    def azure_edge() -> None:
        site, d, e = g.maybe_site(), g.cloud("azurecn"), g.mail()
        if "servicebus" in d.host:
            d = Dest(d.host.split(".")[0] + ".azure-devices.cn", "CN")
        dev = f"PLC-{site}" if site else "edge-07"
        g.add("iotedge.log", f"<6> {g.tick():%Y-%m-%d %H:%M:%S}.{g.n(100, 999)} +08:00 [INF] - "
              f"Edge hub is connected to IoT hub {d.host} (device {dev}, contact {e})",
              shape, lang, d, site)

    def azure_connstr() -> None:
        site, e = g.maybe_site(), g.mail()
        hub = g.c(["planthub", "mes-iot", "edgehub-cn"])
        d = Dest(f"{hub}.azure-devices.cn", "CN")
        dev = f"PLC-{site}" if site else "edge-07"
        g.add("iotedge.log", f"<6> {g.tick():%Y-%m-%d %H:%M:%S}.{g.n(100, 999)} +08:00 [INF] - "
              f"Using connection string HostName={d.host};DeviceId={dev};"
              f"SharedAccessKey=*** (provisioned by {e})", shape, lang, d, site)

    def azure_ntp() -> None:
        site, e = g.maybe_site(), g.mail()
        ntp = g.decoy_host("ntp")
        g.add("iotedge.log", f"<4> {g.tick():%Y-%m-%d %H:%M:%S}.{g.n(100, 999)} +08:00 [WRN] - "
              f"Clock skew of 312 s detected, time source {ntp} not reachable; SAS tokens may "
              f"be rejected (device {'PLC-' + site if site else 'edge-07'}, contact {e})",
              shape, lang, None, site, decoy=ntp, note="decoy:ntp")

    def linkkit() -> None:
        site, d, e = g.maybe_site(), g.cloud("aliiot"), g.mail()
        g.add("linkkit.log", f"[{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(100, 999)}][inf] "
              f"iotx_mc_connect({g.n(100, 400)}): mqtt connect host: {d.host}, port: 1883, "
              f"device: {'dev_' + site if site else 'dev_07'}, operator: {e}", shape, lang, d, site)

    def linkkit_oss() -> None:
        reg = g.c(ALI)
        site, d, e = g.maybe_site(), Dest(f"oss-{reg}.aliyuncs.com", ALI[reg]), g.mail()
        g.add("linkkit.log", f"[{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(100, 999)}][inf] "
              f"file_upload({g.n(100, 400)}): PUT https://{d.host}/firmware-logs/"
              f"{g.alnum(8)}.tar.gz -> 200, operator: {e}"
              f"{', site: ' + site if site else ''}", shape, lang, d, site)

    def linkkit_dns() -> None:
        site, d, e = g.maybe_site(), g.cloud("aliiot"), g.mail()
        dns = g.decoy_host("dns", avoid=d.cc)
        g.add("linkkit.log", f"[{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(100, 999)}][err] "
              f"HAL_TCP_Establish({g.n(50, 99)}): resolver {dns} timed out for {d.host}, "
              f"retry 3/5, operator: {e}{', site: ' + site if site else ''}", shape, lang, d,
              site, decoy=dns, note="decoy:dns")

    def huawei() -> None:
        site, e = g.maybe_site(), g.mail()
        reg = g.c(HUAWEI)
        d = Dest(f"iot-mqtts.{reg}.myhuaweicloud.com", "CN")
        g.add("iotda.log", f"{g.tick():%Y-%m-%d %H:%M:%S} INFO [iota] Connecting to "
              f"{d.host}:8883, device_id=6543a1_{site or 'edge07'}, operator={e}", shape, lang,
              d, site)

    def huawei_help() -> None:
        site, e = g.maybe_site(), g.mail()
        doc = g.decoy_host("support")
        g.add("iotda.log", f"{g.tick():%Y-%m-%d %H:%M:%S} ERROR [iota] auth failed, result "
              f"code 4 (bad password); see https://{doc}/iotda/faq?code=4, device_id=6543a1_"
              f"{site or 'edge07'}, operator={e}", shape, lang, None, site, decoy=doc,
              note="decoy:docs-url")

    g.run(115, [(3, aws_c), (3, greengrass), (2, greengrass_logupload),
                (1.5, greengrass_deploy_fetch), (1, rootca), (2, azure_edge), (1, azure_connstr),
                (1.5, azure_ntp), (2, linkkit), (1.5, linkkit_oss), (1.5, linkkit_dns),
                (2, huawei), (1, huawei_help)])


def opcua_nodered(g: Gen) -> None:
    shape, lang = "opcua-nodered", "en"
    nr, ua = "node-red.log", "opcua-client.log"

    def nrts() -> str:
        t = g.tick()
        return f"{t.day} {t:%b %H:%M:%S}"

    def nr_broker() -> None:
        site, d, e = g.maybe_site(), g.broker("mqtt"), g.mail()
        cid = f"nodered_{site}" if site else f"nodered_{g.hexid(8)}"
        g.add(nr, f"{nrts()} - [info] [mqtt-broker:cloud] Connected to broker: "
              f"{cid}@mqtts://{d.host}:8883 (flow owner {e})", shape, lang, d, site)

    def nr_http() -> None:
        site, d, e = g.maybe_site(), g.dest(0.4), g.mail()
        g.add(nr, f"{nrts()} - [info] [http request:post-batch] POST {g.url(d)} -> 201 "
              f"(operator {e}{', site ' + site if site else ''})", shape, lang, d, site)

    def nr_enotfound() -> None:
        site, d, e = g.maybe_site(), g.cc_host(), g.mail()
        g.add(nr, f"{nrts()} - [warn] [http request:post-batch] Error: getaddrinfo ENOTFOUND "
              f"{d.host} (operator {e}{', site ' + site if site else ''})", shape, lang, d,
              site, note="failed-send")

    def nr_opc_forward() -> None:
        site, d, e = g.site(), g.broker("mqtt"), g.mail()
        plc = f"plc-{lower_site(site)}.example.{g.c(TLD_OF[site[:2]])}"
        if plc.rsplit(".", 1)[-1] == d.host.rsplit(".", 1)[-1]:
            d = g.cloud(avoid=site[:2])
        g.add(nr, f"{nrts()} - [info] [opcua-client:Line3] read 24 nodes from "
              f"opc.tcp://{plc}:4840, forwarded to mqtts://{d.host}:8883 (operator {e})",
              shape, lang, d, site, decoy=plc, note="decoy:source-endpoint")

    def nr_contrib_docs() -> None:
        site, e = g.maybe_site(), g.mail()
        doc = g.decoy_host("flows")
        g.add(nr, f"{nrts()} - [warn] [node-red-contrib-s7] deprecated option 'cycletime', "
              f"see https://{doc}/node/s7#options (operator {e}"
              f"{', site ' + site if site else ''})", shape, lang, None, site, decoy=doc,
              note="decoy:docs-url")

    def ua_connected() -> None:
        site, e = g.site(), g.mail()
        plc = f"plc-{lower_site(site)}.example.{g.c(TLD_OF[site[:2]])}"
        g.add(ua, f"[{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(100, 999)} (UTC+0100)] info/client\t"
              f"Session activated; subscribing to 12 monitored items on server "
              f"opc.tcp://{plc}:4840 (SecurityPolicy Basic256Sha256, user {e})", shape, lang,
              None, site, decoy=plc, note="decoy:source-endpoint")

    def ua_read_only() -> None:
        site, e = g.maybe_site(), g.mail()
        srv = g.decoy_host("opcua")
        g.add(ua, f"[{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(100, 999)} (UTC+0100)] info/client\t"
              f"Read ns=3;s=\"DB10\".\"Temp\" from opc.tcp://{srv}:4840 = 61.2 (user {e}"
              f"{', site ' + site if site else ''})", shape, lang, None, site, decoy=srv,
              note="decoy:source-endpoint")

    def ua_write() -> None:
        site, d, e = g.maybe_site(), g.cc_host(prefix="mes"), g.mail()
        g.add(ua, f"[{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(100, 999)} (UTC+0100)] info/client\t"
              f"Write ns=2;s=Orders.Result to opc.tcp://{d.host}:4840 -> Good (user {e}"
              f"{', site ' + site if site else ''})", shape, lang, d, site)

    g.run(55, [(3, nr_broker), (3, nr_http), (1.5, nr_enotfound), (2, nr_opc_forward),
               (1, nr_contrib_docs)])
    g.run(35, [(2, ua_connected), (1.5, ua_read_only), (2, ua_write)])


# -- CSV exports -------------------------------------------------------------

CSV_FILES = [
    # file, lang, delimiter, header, how the site is written, how the e-mail column is titled
    ("SAP_Export_Werk.csv", "de", ";",
     ["Zeitpunkt", "Werk", "Auftrag", "Zielsystem", "Empfangs-URL", "Status",
      "Sachbearbeiter", "Hilfe"], "Werk {city} ({site})"),
    ("export_usine.csv", "fr", ";",
     ["Horodatage", "Usine", "Lot", "Serveur de destination", "Résultat", "Responsable",
      "Aide"], "Usine de {city} - {site}"),
    ("exportacion.csv", "es", ",",
     ["fecha", "planta", "lote", "servidor_destino", "resultado", "responsable", "proxy"],
     "{site}"),
    ("esportazione.csv", "it", "|",
     ["data", "stabilimento", "lotto", "indirizzo di destinazione", "esito", "referente",
      "documentazione"], "Stabilimento {city} {site}"),
    ("eksport.csv", "pl", "\t",
     ["data", "zakład", "partia", "adres docelowy", "status", "operator", "źródło"],
     "{site}"),
    ("exportacao.csv", "pt", ";",
     ["data", "unidade", "lote", "endereço de destino", "situação", "responsável", "ajuda"],
     "Unidade {city} ({site})"),
    ("推送记录.csv", "zh", ",",
     ["时间", "厂区", "批次", "推送地址", "结果", "联系人", "源服务器"], "{city}工厂 {site}"),
    ("転送履歴.csv", "ja", "\t",
     ["日時", "拠点", "ロット", "転送先ホスト", "結果", "担当者", "参考"], "{city}工場（{site}）"),
    ("송신이력.csv", "ko", ";",
     ["일시", "사업장", "로트", "수신 서버", "결과", "담당자", "참고"], "{city} 공장 {site}"),
    ("lich-su-day.csv", "vi", "|",
     ["Thời điểm", "Nhà máy", "Lô", "Máy chủ nhận", "Kết quả", "Người phụ trách", "Nguồn"],
     "Nhà máy {city} {site}"),
]
RESULT = {"de": ["OK", "übertragen", "Fehler: Zeitüberschreitung"],
          "fr": ["OK", "envoyé", "échec: délai dépassé"], "es": ["OK", "enviado", "error"],
          "it": ["OK", "inviato", "errore"], "pl": ["OK", "wysłano", "błąd"],
          "pt": ["OK", "enviado", "falha"], "zh": ["成功", "已推送", "失败"],
          "ja": ["成功", "送信済", "失敗"], "ko": ["성공", "전송됨", "실패"],
          "vi": ["Thành công", "Đã gửi", "Lỗi"]}
# what the last column holds as a decoy: docs url, proxy, source server
DECOY_COL = {"Hilfe": "docs", "Aide": "docs", "proxy": "proxy", "documentazione": "docs",
             "źródło": "source", "ajuda": "docs", "源服务器": "source", "参考": "docs",
             "참고": "docs", "Nguồn": "source"}


def csv_export(g: Gen) -> None:
    shape = "csv-export"
    for file, lang, delim, header, site_fmt in CSV_FILES:
        g.header(file, csv_line(header, delim))
        kind = DECOY_COL[header[-1]]
        for _ in range(g.n(18, 21)):
            site = g.maybe_site(lang, 0.88)
            site_cell = site_fmt.format(city=SITE_CITY.get(site, site), site=site) if site else ""
            e = g.mail(lang)
            d: Dest | None = g.dest(0.35)
            dest_cell = g.any_url(d) if d else ""
            if g.p(0.06):
                d, dest_cell = None, ""
            decoy = None
            extra = ""
            if g.p(0.35):
                if kind == "docs":
                    decoy = g.decoy_host(g.c(["hilfe", "docs", "wiki", "support"]),
                                         avoid=d.cc if d else None)
                    extra = f"https://{decoy}/mes/export#{g.n(10, 99)}"
                elif kind == "proxy":
                    decoy = g.decoy_host("proxy", avoid=d.cc if d else None)
                    extra = f"http://{decoy}:3128"
                else:
                    decoy = g.decoy_host(g.c(["sql01", "mesdb", "historian"]),
                                         avoid=d.cc if d else None)
                    extra = f"{decoy}:1433"
            row = [f"{g.tick():%Y-%m-%d %H:%M:%S}" if lang not in ("de", "pl") else
                   f"{g.t:%d.%m.%Y %H:%M}", site_cell, f"L{g.n(1000, 9999)}",
                   dest_cell, g.c(RESULT[lang]), e, extra]
            if file.startswith("SAP"):
                row = [row[0], row[1], f"{g.n(4000000, 4999999)}",
                       g.c(["ZMES_OUT", "RFC_MES", "HTTP_TELE"]), dest_cell, row[4], e, extra]
            note = f"decoy:{kind}" if decoy else ("send" if d else "empty-cell")
            g.add(file, csv_line(row, delim), shape, lang, d, site, decoy=decoy, note=note)
    # SAP technical names: host and port in separate columns
    file, delim = "WERKS_RFCDEST.csv", ";"
    g.header(file, csv_line(["MANDT", "WERKS", "RFCDEST", "ZIEL_HOST", "ZIEL_PORT", "ERNAM",
                             "SMTP_ADDR"], delim))
    for _ in range(24):
        site = g.maybe_site("de" if g.p(0.5) else "en", 0.9)
        d = g.dest(0.3)
        g.add(file, csv_line(["100", site or "", g.c(["MES_EXPORT", "Z_TELEMETRY"]), d.host,
                              str(g.c([443, 8443, 3300])), g.c(["WEBERJ", "SCHMIDTA"]),
                              g.mail("de")], delim), shape, "de", d, site)


# -- transfers -----------------------------------------------------------------

def transfer(g: Gen) -> None:
    shape, lang = "transfer", "en"
    fx, fs = "export-job.sh.log", "sftp-upload.log"

    def fname() -> str:
        return g.c(["messwerte", "batch", "quality", "orders", "spc"]) + \
            f"_{g.t:%Y%m%d}_{g.n(1, 99):02d}.csv"

    def curl_put() -> None:
        site, e = g.maybe_site(), g.mail()
        scheme = g.c(["ftp", "ftps", "sftp", "https"])
        d = g.cc_host(prefix=g.c(["ftp", "files", "sftp", "upload"]))
        tail = f" # site {site}" if site else ""
        g.add(fx, f"+ curl -sS --fail -u {e}:**** -T /data/out/{fname()} "
              f"{scheme}://{d.host}/incoming/{tail}", shape, lang, d, site)

    def curl_proxy() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.dest(0.4)
        proxy = g.decoy_host("proxy", avoid=d.cc)
        g.add(fx, f"+ curl -sS -x http://{proxy}:3128 -H 'Content-Type: text/csv' "
              f"--data-binary @/data/out/{fname()} 'https://{d.host}/api/v2/import?"
              f"notify={e}{'&site=' + site if site else ''}'", shape, lang, d, site,
              decoy=proxy, note="decoy:proxy")

    def curl_no_proxy() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.cc_host(prefix="upload")
        proxy = g.decoy_host("proxy", avoid=d.cc)
        g.add(fx, f"curl: (5) Could not resolve proxy: {proxy}; upload of {fname()} to "
              f"https://{d.host}/in aborted (owner {e}{', site ' + site if site else ''})",
              shape, lang, d, site, decoy=proxy, note="decoy:proxy-error")

    def curl_no_host() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.cc_host(prefix="upload")
        g.add(fx, f"curl: (6) Could not resolve host: {d.host} (job mes-export"
              f"{'-' + site if site else ''}, owner {e})", shape, lang, d, site,
              note="failed-send")

    def wget_post() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.dest(0.4)
        g.add(fx, f"+ wget -q --post-file=/data/out/{fname()} --header='X-Operator: {e}' "
              f"https://{d.host}/api/import{'/' + site if site else ''}", shape, lang, d, site,
              note="send" if not site else "site-in-url")

    def wget_download() -> None:
        site, e = g.maybe_site(), g.mail()
        src = g.decoy_host(g.c(["mirror", "firmware", "downloads"]))
        g.add(fx, f"--{g.tick():%Y-%m-%d %H:%M:%S}--  https://{src}/fw/gw-fw-4.2.1.bin "
              f"(requested by {e}{', site ' + site if site else ''})", shape, lang, None, site,
              decoy=src, note="decoy:download-source")

    def sftp_line() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.cc_host(prefix=g.c(["sftp", "files", "edi"]))
        g.add(fs, f"{g.tick():%Y-%m-%d %H:%M:%S} [sftp-upload] {fname()} -> mesupload@{d.host}:"
              f"/incoming/ OK ({g.n(10, 900)} kB, notify {e}){' [' + site + ']' if site else ''}",
              shape, lang, d, site)

    def scp_jump() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.cc_host(prefix="sftp")
        jump = g.decoy_host("jump", avoid=d.cc)
        g.add(fs, f"+ scp -J ops@{jump} /data/out/{fname()} mesupload@{d.host}:/in/ "
              f"# notify {e}{' site ' + site if site else ''}", shape, lang, d, site,
              decoy=jump, note="decoy:proxy")

    def known_hosts() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.cc_host(prefix="sftp")
        g.add(fs, f"{g.tick():%Y-%m-%d %H:%M:%S} [sftp-upload] Warning: Permanently added "
              f"'{d.host}' (ED25519) to the list of known hosts. Uploading {fname()} "
              f"(notify {e}{', ' + site if site else ''})", shape, lang, d, site)

    def lftp_mirror() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.cc_host(prefix="ftp")
        g.add(fs, f"+ lftp -u {e},*** -e 'mirror -R /data/out/{site or 'all'} /incoming; "
              f"quit' ftps://{d.host}", shape, lang, d, site)

    def rsync_line() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.cc_host(prefix="backup")
        g.add(fs, f"+ rsync -az --delete /data/out/ mesupload@{d.host}::export/"
              f"{site or 'shared'}/ # by {e}", shape, lang, d, site)

    def s3_cp() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.cloud("storage")
        g.add(fx, f"+ aws s3 cp /data/out/{fname()} s3://plantdata/{site or 'misc'}/ "
              f"--endpoint-url https://{d.host} # owner {e}", shape, lang, d, site)

    g.run(60, [(2, curl_put), (2, curl_proxy), (1.5, curl_no_proxy), (1.5, curl_no_host),
               (1.5, wget_post), (1.5, wget_download), (1.5, s3_cp)])
    g.run(50, [(3, sftp_line), (1.5, scp_jump), (1.5, known_hosts), (1, lftp_mirror),
               (1, rsync_line)])


def nginx(g: Gen) -> None:
    shape, lang = "nginx", "en"
    acc, err = "access.log", "error.log"

    def access_proxy() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.dest(0.3)
        ip = g.public_ip()
        ref = g.decoy_host("hmi", avoid=d.cc) if g.p(0.5) else None
        path = f"/api/v1/telemetry{'/' + site if site else ''}"
        g.add(acc, f"{ip} - {e} [{g.tick():%d/%b/%Y:%H:%M:%S} +0100] \"POST {path} HTTP/1.1\" "
              f"200 {g.n(100, 900)} \"{'https://' + ref + '/dashboard' if ref else '-'}\" "
              f"\"Node-RED/4.0\" upstream={d.host}:443 upstream_status=200 rt=0.{g.n(10, 999)}",
              shape, lang, d, site, decoy=ref or ip,
              note="decoy:referer" if ref else "decoy:client-ip")

    def access_local() -> None:
        site, e = g.maybe_site(prob=0.4), g.mail()
        ref = g.decoy_host("hmi")
        g.add(acc, f"{g.public_ip()} - {e} [{g.tick():%d/%b/%Y:%H:%M:%S} +0100] \"GET "
              f"/dashboard{'/' + site if site else ''} HTTP/1.1\" 200 {g.n(1000, 9000)} "
              f"\"https://{ref}/\" \"Mozilla/5.0\" upstream=- rt=0.00{g.n(1, 9)}", shape, lang,
              None, site, decoy=ref, note="decoy:referer")

    def error_timeout() -> None:
        site, e = g.site(), g.mail()
        me = g.self_host(site, fqdn=True)
        d = g.dest(0.3, avoid=site[:2])
        g.add(err, f"{g.tick():%Y/%m/%d %H:%M:%S} [error] 812#812: *{g.n(100, 9999)} upstream "
              f"timed out (110: Connection timed out) while reading response header from "
              f"upstream, client: {g.public_ip()}, server: {me}, request: \"POST /v1/push?"
              f"notify={e} HTTP/1.1\", upstream: \"https://{d.host}:443/v1/push\", host: "
              f"\"{me}\"", shape, lang, d, site, decoy=me, note="decoy:self-host")

    def error_buffered() -> None:
        site, e = g.site(), g.mail()
        me = g.self_host(site, fqdn=True)
        g.add(err, f"{g.tick():%Y/%m/%d %H:%M:%S} [warn] 812#812: *{g.n(100, 9999)} a client "
              f"request body is buffered to a temporary file /var/cache/nginx/client_temp/"
              f"0000000{g.n(10, 99)}, client: {g.public_ip()}, server: {me}, request: "
              f"\"POST /upload?by={e} HTTP/1.1\", host: \"{me}\"", shape, lang, None, site,
              decoy=me, note="decoy:self-host")

    g.run(50, [(3, access_proxy), (1.5, access_local)])
    g.run(40, [(2, error_timeout), (1, error_buffered)])


def windows(g: Gen) -> None:
    shape, lang = "windows", "en"
    ev, nl, task, iis = "Application-MESExport.csv", "MesUploader.log", "Tasks.log", \
        "u_ex261102.log"
    g.header(ev, "Level,Date and Time,Source,Event ID,Task Category")

    def evts() -> str:
        t = g.tick()
        return f"{t.month}/{t.day}/{t.year} {t:%I:%M:%S %p}"

    def ev_upload() -> None:
        site, d, e = g.maybe_site(), g.dest(0.4), g.mail()
        msg = (f"The export job uploaded {g.n(100, 5000):,} rows to {g.url(d)}"
               f"{' for plant ' + site if site else ''}. Contact: {e}")
        g.add(ev, csv_line(["Information", evts(), "MESExport", "1001", "None", msg], ","),
              shape, lang, d, site)

    def ev_w32time() -> None:
        site, e = g.maybe_site(prob=0.5), g.mail()
        ntp = g.decoy_host("time")
        msg = (f"NtpClient was unable to set a manual peer to use as a time source because of "
               f"DNS resolution error on '{ntp},0x9'. NtpClient will try again in 15 minutes. "
               f"Contact: {e}{' (' + site + ')' if site else ''}")
        g.add(ev, csv_line(["Warning", evts(), "Time-Service", "134", "None", msg], ","),
              shape, lang, None, site, decoy=ntp, note="decoy:ntp")

    def nlog_ok() -> None:
        site, d, e = g.maybe_site(), g.dest(0.4), g.mail()
        g.add(nl, f"{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(1000, 9999)}|INFO|MesUploader.Worker|"
              f"Batch {g.n(1000, 9999)} ({g.n(10, 900)} rows) posted to {g.url(d)}"
              f"{' for ' + site if site else ''}; notified {e}", shape, lang, d, site)

    def nlog_nohost() -> None:
        site, d, e = g.maybe_site(), g.cc_host(), g.mail()
        g.add(nl, f"{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(1000, 9999)}|ERROR|MesUploader.Worker|"
              f"System.Net.Http.HttpRequestException: No such host is known. ({d.host}:443) "
              f"---> System.Net.Sockets.SocketException (11001): No such host is known.    at "
              f"System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 "
              f"port) user={e}{' site=' + site if site else ''}", shape, lang, d, site,
              note="failed-send")

    def nlog_license() -> None:
        site, e = g.maybe_site(), g.mail()
        lic = g.decoy_host("license")
        g.add(nl, f"{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(1000, 9999)}|WARN|MesUploader.License|"
              f"License check against https://{lic}/api/v1/validate failed, running in grace "
              f"mode (owner {e}{', site ' + site if site else ''})", shape, lang, None, site,
              decoy=lic, note="decoy:license-server")

    def nlog_license_and_send() -> None:
        site, d, e = g.maybe_site(), g.dest(0.4), g.mail()
        lic = g.decoy_host("license", avoid=d.cc)
        g.add(nl, f"{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(1000, 9999)}|INFO|MesUploader.Worker|"
              f"License OK (https://{lic}/api/v1/validate); exporting to {g.url(d)} as {e}"
              f"{' for ' + site if site else ''}", shape, lang, d, site, decoy=lic,
              note="decoy:license-server")

    def task_robocopy() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.cc_host(prefix=g.c(["fs01", "fileserver", "nas"]))
        g.add(task, f"{g.tick():%Y-%m-%d %H:%M:%S} Task \"MES Export\" (run as CORP\\svc-mes, "
              f"notify {e}): robocopy D:\\Export\\{site or 'Alle'} \\\\{d.host}\\mes$\\in "
              f"*.csv /MOV /R:3 -> {g.n(1, 30)} files copied", shape, lang, d, site)

    def task_local() -> None:
        site, e = g.maybe_site(), g.mail()
        g.add(task, f"{g.tick():%Y-%m-%d %H:%M:%S} Task \"Cleanup\" (run as CORP\\svc-mes, "
              f"notify {e}): deleted {g.n(1, 90)} files older than 30 days from D:\\Export\\"
              f"{site or 'Alle'}", shape, lang, None, site)

    g.run(30, [(3, ev_upload), (1.5, ev_w32time)])
    g.run(40, [(3, nlog_ok), (1.5, nlog_nohost), (1, nlog_license), (1, nlog_license_and_send)])
    g.run(20, [(3, task_robocopy), (1, task_local)])
    g.header(iis, "#Software: Microsoft Internet Information Services 10.0")
    g.header(iis, "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
                  "cs-username c-ip cs(User-Agent) cs(Referer) sc-status")
    for _ in range(15):
        site, e = g.maybe_site(prob=0.4), g.mail()
        ref = g.decoy_host("portal")
        g.add(iis, f"{g.tick():%Y-%m-%d %H:%M:%S} 10.20.1.5 POST /mes/api/import "
              f"{'site=' + site if site else '-'} 443 {e} {g.public_ip()} MesClient/2.1 "
              f"https://{ref}/mes 200", shape, lang, None, site, decoy=ref,
              note="decoy:referer")


# -- PLC gateways in ten languages ------------------------------------------------

I18N: dict[str, dict[str, list[str]]] = {
    "de": {
        "send": ["Messwerte ({n} Datensätze) an {url} übermittelt",
                 "Upload nach {url} abgeschlossen", "Sende Charge {lot} an {url}",
                 "Daten erfolgreich an {url} übertragen", "Weiterleitung an {url} aktiv"],
        "fail": ["Übertragung an {url} fehlgeschlagen (Zeitüberschreitung), neuer Versuch in 30 s"],
        "docs": ["Hinweise zur Konfiguration siehe {doc}",
                 "Fehlercode E-{n}, Beschreibung unter {doc}"],
        "ntp": ["Zeitsynchronisation mit {ntp} nicht möglich"],
        "both": ["Sende Charge {lot} über Proxy {proxy} an {url}",
                 "Zeitserver {ntp} nicht erreichbar; Messwerte trotzdem an {url} gesendet"],
        "local": ["Spindeltemperatur 61,2 °C, Grenzwert nicht überschritten"],
        "mail": ["Bediener: {e}", "Ansprechpartner {e}"], "site": ["Werk {site}:", "[{site}]"],
    },
    "fr": {
        "send": ["{n} mesures envoyées vers {url}", "Téléversement du lot {lot} vers {url} terminé",
                 "Données transmises à {url}", "Publication sur {url} réussie"],
        "fail": ["Échec de l'envoi vers {url} (délai dépassé), nouvelle tentative dans 30 s"],
        "docs": ["voir la documentation : {doc}", "Code erreur E-{n}, détails sur {doc}"],
        "ntp": ["Synchronisation horaire impossible avec le serveur NTP {ntp}"],
        "both": ["Lot {lot} envoyé vers {url} via le proxy {proxy}",
                 "Serveur NTP {ntp} injoignable ; mesures envoyées vers {url} malgré tout"],
        "local": ["Température broche 61,2 °C, seuil non atteint"],
        "mail": ["opérateur : {e}", "contact {e}"], "site": ["Usine {site} :", "[{site}]"],
    },
    "es": {
        "send": ["Enviados {n} registros a {url}", "Lote {lot} subido a {url}",
                 "Datos reenviados a {url}", "Publicado en {url}"],
        "fail": ["Error al enviar a {url}: tiempo de espera agotado, reintentando en 30 s"],
        "docs": ["consulte la ayuda en {doc}", "Código de error E-{n}, ver {doc}"],
        "ntp": ["No se pudo sincronizar la hora con {ntp}"],
        "both": ["Lote {lot} enviado a {url} usando el proxy {proxy}",
                 "Servidor de hora {ntp} no disponible; datos enviados a {url}"],
        "local": ["Temperatura del husillo 61,2 °C"],
        "mail": ["operador: {e}", "responsable {e}"], "site": ["Planta {site}:", "[{site}]"],
    },
    "it": {
        "send": ["Inviati {n} record a {url}", "Lotto {lot} caricato su {url}",
                 "Dati trasmessi a {url}", "Invio verso {url} completato"],
        "fail": ["Invio a {url} non riuscito (timeout), nuovo tentativo tra 30 s"],
        "docs": ["vedere la documentazione {doc}", "Codice errore E-{n}, dettagli su {doc}"],
        "ntp": ["Impossibile sincronizzare l'ora con {ntp}"],
        "both": ["Lotto {lot} inviato a {url} tramite proxy {proxy}",
                 "Server NTP {ntp} non raggiungibile; dati comunque inviati a {url}"],
        "local": ["Temperatura mandrino 61,2 °C"],
        "mail": ["operatore: {e}", "referente {e}"], "site": ["Stabilimento {site}:", "[{site}]"],
    },
    "pl": {
        "send": ["Wysłano {n} rekordów do {url}", "Partia {lot} przesłana na {url}",
                 "Dane przekazane do {url}", "Publikacja do {url} zakończona"],
        "fail": ["Nie udało się wysłać do {url} (przekroczono czas), ponowna próba za 30 s"],
        "docs": ["zobacz dokumentację: {doc}", "Kod błędu E-{n}, opis: {doc}"],
        "ntp": ["Brak synchronizacji czasu z serwerem {ntp}"],
        "both": ["Partia {lot} wysłana do {url} przez proxy {proxy}",
                 "Serwer czasu {ntp} niedostępny; dane mimo to wysłano do {url}"],
        "local": ["Temperatura wrzeciona 61,2 °C"],
        "mail": ["operator: {e}", "kontakt {e}"], "site": ["Zakład {site}:", "[{site}]"],
    },
    "pt": {
        "send": ["Enviados {n} registos para {url}", "Lote {lot} carregado para {url}",
                 "Dados publicados em {url}", "Envio para {url} concluído"],
        "fail": ["Falha ao enviar para {url} (tempo esgotado), nova tentativa em 30 s"],
        "docs": ["consulte a documentação em {doc}", "Código de erro E-{n}, ver {doc}"],
        "ntp": ["Não foi possível sincronizar a hora com {ntp}"],
        "both": ["Lote {lot} enviado para {url} através do proxy {proxy}",
                 "Servidor de hora {ntp} indisponível; dados enviados para {url} mesmo assim"],
        "local": ["Temperatura do fuso 61,2 °C"],
        "mail": ["operador: {e}", "responsável {e}"], "site": ["Unidade {site}:", "[{site}]"],
    },
    "zh": {
        "send": ["已将 {n} 条数据推送至 {url}", "批次 {lot} 已同步到{url}", "数据转发到 {url} 成功",
                 "写入 {url} 完成"],
        "fail": ["发送到 {url} 失败（超时），30 秒后重试"],
        "docs": ["详见 {doc}", "错误码 E-{n}，说明见 {doc}"],
        "ntp": ["无法与 NTP 服务器 {ntp} 同步时间"],
        "both": ["批次 {lot} 通过代理 {proxy} 推送至 {url}",
                 "NTP 服务器 {ntp} 不可达；数据仍已推送至 {url}"],
        "local": ["主轴温度 61.2℃，未超限"],
        "mail": ["负责人：{e}", "联系人 {e}"], "site": ["工厂 {site}：", "【{site}】"],
    },
    "ja": {
        "send": ["{n} 件のデータを {url} へ転送しました", "ロット {lot} を{url}にアップロード完了",
                 "{url} への送信が完了しました", "送信先 {url} へパブリッシュ"],
        "fail": ["{url} への送信に失敗しました（タイムアウト）。30 秒後に再試行します"],
        "docs": ["詳細は {doc} を参照してください", "エラーコード E-{n}：{doc} を参照"],
        "ntp": ["NTP サーバー {ntp} と時刻同期できません"],
        "both": ["プロキシ {proxy} 経由でロット {lot} を {url} へ送信しました",
                 "NTP サーバー {ntp} に接続できませんが、{url} への送信は完了しました"],
        "local": ["主軸温度 61.2℃、しきい値以内"],
        "mail": ["担当: {e}", "担当者 {e}"], "site": ["拠点 {site}:", "［{site}］"],
    },
    "vi": {
        "send": ["Đã gửi {n} bản ghi tới {url}", "Lô {lot} đã tải lên {url}",
                 "Chuyển tiếp dữ liệu đến {url} thành công", "Đẩy dữ liệu lên {url} xong"],
        "fail": ["Gửi tới {url} thất bại (hết thời gian chờ), thử lại sau 30 giây"],
        "docs": ["xem hướng dẫn tại {doc}", "Mã lỗi E-{n}, chi tiết tại {doc}"],
        "ntp": ["Không đồng bộ được thời gian với {ntp}"],
        "both": ["Lô {lot} đã gửi tới {url} qua proxy {proxy}",
                 "Máy chủ NTP {ntp} không phản hồi; dữ liệu vẫn đã gửi tới {url}"],
        "local": ["Nhiệt độ trục chính 61,2 °C"],
        "mail": ["người vận hành: {e}", "liên hệ {e}"], "site": ["Nhà máy {site}:", "[{site}]"],
    },
    "ko": {
        "send": ["{n}건 데이터를 {url}(으)로 전송 완료", "로트 {lot}을(를) {url}에 업로드했습니다",
                 "{url}에 게시 완료", "수신 서버 {url} 전달 성공"],
        "fail": ["{url}(으)로 전송 실패(시간 초과), 30초 후 재시도"],
        "docs": ["자세한 내용은 {doc} 참조", "오류 코드 E-{n}: {doc} 참고"],
        "ntp": ["NTP 서버 {ntp}와(과) 시간 동기화 실패"],
        "both": ["프록시 {proxy}를 거쳐 로트 {lot}을(를) {url}(으)로 전송",
                 "NTP 서버 {ntp} 응답 없음, 데이터는 {url}(으)로 전송 완료"],
        "local": ["주축 온도 61.2℃, 정상 범위"],
        "mail": ["담당자: {e}", "담당 {e}"], "site": ["사업장 {site}:", "[{site}]"],
    },
}


def gateway_i18n(g: Gen) -> None:
    shape = "gateway-i18n"
    for lang, t in I18N.items():
        file = f"gateway-{lang}.log"
        for _ in range(22):
            site = g.maybe_site(lang, 0.85)
            e = g.mail(lang)
            kind = g.r.choices(["send", "fail", "docs", "ntp", "both", "local", "self"],
                               [5, 1.5, 1.5, 1, 2, 0.7, 1])[0]
            d: Dest | None = None
            decoy = None
            note = kind
            if kind in ("send", "fail", "both", "self"):
                d = g.dest(0.35)
                url = g.url(d) if g.p(0.75) else f"{d.host}:{g.c([443, 8883, 5671])}"
            fmt_site = ""
            where = g.r.random()
            host_site = False
            if site and where < 0.3:
                host_site = True
            elif site:
                fmt_site = g.c(t["site"]).format(site=site) + " "
            lot, n = f"L{g.n(1000, 9999)}", g.n(10, 9000)
            if kind == "docs":
                decoy = g.decoy_host(g.c(["hilfe", "docs", "support", "aide", "ayuda",
                                          "pomoc", "help"]))
                msg = g.c(t["docs"]).format(doc=f"https://{decoy}/kb/{g.n(100, 999)}", n=n)
                note = "decoy:docs-url"
            elif kind == "ntp":
                decoy = g.decoy_host(g.c(["ntp", "time", "ntp1"]))
                msg = g.c(t["ntp"]).format(ntp=decoy)
                note = "decoy:ntp"
            elif kind == "both":
                assert d is not None
                tmpl = g.c(t["both"])
                if "{proxy}" in tmpl:
                    decoy = g.decoy_host("proxy", avoid=d.cc)
                    msg = tmpl.format(proxy=f"{decoy}:3128", url=url, lot=lot)
                    note = "decoy:proxy"
                else:
                    decoy = g.decoy_host("ntp", avoid=d.cc)
                    msg = tmpl.format(ntp=decoy, url=url)
                    note = "decoy:ntp"
            elif kind == "local":
                msg = g.c(t["local"])
                note = "no-dest"
            elif kind == "fail":
                msg = g.c(t["fail"]).format(url=url)
                note = "failed-send"
            else:
                msg = g.c(t["send"]).format(url=url, n=n, lot=lot)
                note = "send"
            mail = g.c(t["mail"]).format(e=e)
            level = {"fail": "ERROR", "ntp": "WARN", "docs": "ERROR"}.get(kind, "INFO")
            if kind == "self" or host_site:
                me = g.self_host(site, fqdn=kind == "self")
                if kind == "self":
                    assert d is not None
                    if me.rsplit(".", 1)[-1] == d.host.rsplit(".", 1)[-1]:
                        d = g.cloud(avoid=site[:2] if site else None)
                        url = g.url(d)
                    msg = g.c(t["send"]).format(url=url, n=n, lot=lot)
                    decoy, note = me, "decoy:self-host"
                line = f"{g.tick():%Y-%m-%d %H:%M:%S} {me} gatewayd[{g.n(200, 900)}]: " \
                       f"{level} {fmt_site}{msg} - {mail}"
            else:
                line = f"{g.tick():%Y-%m-%d %H:%M:%S}.{g.n(100, 999)} {level:<5} [plc-bridge] " \
                       f"{fmt_site}{msg} - {mail}"
            g.add(file, line, shape, lang, d, site, decoy=decoy, note=note)


# -- JSON configurations and events -------------------------------------------------

JSON_KEYS = {
    # lang: (wrapper, destination key, site key, mail key)
    "de": ("Übertragung", "Zielserver", "Standort", "Verantwortlich"),
    "fr": ("envoi", "adresse_destination", "usine", "contact"),
    "es": ("envio", "url_destino", "planta", "responsable"),
    "it": ("invio", "indirizzo_destinazione", "stabilimento", "referente"),
    "pl": ("wysyłka", "adres_docelowy", "zakład", "operator"),
    "pt": ("envio", "endereço_destino", "unidade", "responsável"),
    "zh": ("推送", "接收端", "厂区", "负责人"),
    "ja": ("転送設定", "転送先URL", "拠点", "担当者"),
    "ko": ("전송", "수신_서버", "사업장", "담당자"),
    "vi": ("gửi", "máy_chủ_đích", "xưởng", "người_phụ_trách"),
}


def conv(key: str, style: str) -> str:
    """snake/camel/Pascal/UPPER/kebab spellings of an ASCII snake_case key."""
    if not key.isascii() or style == "snake":
        return key
    parts = key.split("_")
    if style == "camel":
        return parts[0] + "".join(p.capitalize() for p in parts[1:])
    if style == "pascal":
        return "".join(p.capitalize() for p in parts)
    if style == "upper":
        return key.upper()
    return "-".join(parts)


def json_config(g: Gen) -> None:
    shape = "json-config"
    fi, fp = "endpoints-i18n.jsonl", "pipeline-config.jsonl"

    def i18n() -> None:
        lang = g.c(JSON_KEYS)
        wrap, dkey, skey, mkey = JSON_KEYS[lang]
        style = g.c(["snake", "camel", "pascal", "upper", "kebab"])
        site, d, e = g.maybe_site(lang), g.dest(0.35), g.mail(lang)
        rec: dict[str, Any] = {"ts": g.tick().isoformat()}
        if site:
            rec[conv(skey, style)] = (site if g.p(0.6) else
                                      {"code": site, "name": SITE_CITY.get(site, site)})
        inner: dict[str, Any] = {}
        decoy = note = None
        if lang == "de" and g.p(0.5):
            inner = {conv("Zielserver", style): d.host, "Port": 443, "Protokoll": "https"}
        else:
            inner[conv(dkey, style)] = g.any_url(d)
        if g.p(0.3):
            k = g.c(["$schema", "doku", "proxy", "ntp", "hostname"])
            if k == "hostname" and site:
                decoy = g.self_host(site, fqdn=True)
                if decoy.rsplit(".", 1)[-1] == d.host.rsplit(".", 1)[-1]:
                    decoy = None
                else:
                    rec["hostname"] = decoy
                    note = "decoy:self-host"
            elif k != "hostname":
                decoy = g.decoy_host({"$schema": "schemas", "doku": "docs", "proxy": "proxy",
                                      "ntp": "ntp"}[k], avoid=d.cc)
                val = {"$schema": f"https://{decoy}/telemetry/v2.json",
                       "doku": f"https://{decoy}/handbuch", "proxy": f"http://{decoy}:3128",
                       "ntp": [decoy]}[k]
                if k == "$schema":
                    rec = {"$schema": val, **rec}
                else:
                    inner[k] = val
                note = {"$schema": "decoy:schema-url", "doku": "decoy:docs-url",
                        "proxy": "decoy:proxy", "ntp": "decoy:ntp"}[k]
        rec[conv(wrap, style) if wrap.isascii() else wrap] = inner
        rec[conv(mkey, style)] = e
        g.add(fi, json.dumps(rec, ensure_ascii=False), shape, lang, d, site, decoy=decoy,
              note=note or "send")

    def otel_cfg() -> None:
        site, d, e = g.site(), g.dest(0.35, prefix="otlp"), g.mail()
        me = g.self_host(site, fqdn=True)
        if me.rsplit(".", 1)[-1] == d.host.rsplit(".", 1)[-1]:
            d = g.cloud(avoid=site[:2])
        rec = {"event": "config_loaded",
               "receivers": {"otlp": {"protocols": {"grpc": {"endpoint": f"{me}:4317"}}}},
               "exporters": {"otlphttp/hq": {"endpoint": f"https://{d.host}:4318",
                                             "headers": {"x-owner": e}}},
               "resource": {"site": site}}
        g.add(fp, json.dumps(rec), shape, "en", d, site, decoy=me, note="decoy:self-host")

    def outputs_array() -> None:
        site, e = g.maybe_site(), g.mail()
        tld, cc = g.c(CCTLD)
        hs = [f"collector-{i}.example.{tld}" for i in (1, 2)]
        rec = {"event": "outputs", "site_id": site, "owner": e,
               "outputs": [{"type": "http", "url": f"https://{h}/v1/logs"} for h in hs]}
        g.add(fp, json.dumps(rec), shape, "en", Dest(hs[0], cc), site,
              note="multi-same-country")

    def brokers_string() -> None:
        site, e = g.maybe_site(), g.mail()
        tld, cc = g.c(CCTLD)
        hs = [f"b-{i}.kafka.example.{tld}:9092" for i in (1, 2, 3)]
        rec = {"kafka": {"brokers": ",".join(hs), "topic": "plant.telemetry"},
               "plantCode": site, "contact": e}
        g.add(fp, json.dumps(rec), shape, "en", Dest(hs[0].split(":")[0], cc), site,
              note="multi-same-country")

    def conn_strings() -> None:
        site, e = g.maybe_site(), g.mail()
        k = g.c(["sb", "amqp", "jdbc", "blob"])
        if k == "sb":
            ns = g.c(["mes-ns", "plantbus"])
            d = Dest(f"{ns}.servicebus.chinacloudapi.cn", "CN")
            val = (f"Endpoint=sb://{d.host}/;SharedAccessKeyName=send;SharedAccessKey=***;"
                   f"EntityPath=telemetry")
        elif k == "amqp":
            d = g.cc_host(prefix="mq")
            val = f"amqps://mes:***@{d.host}:5671/plant"
        elif k == "jdbc":
            d = g.cc_host(prefix="tsdb")
            val = f"jdbc:postgresql://{d.host}:5432/telemetry?sslmode=require"
        else:
            d = Dest("plantexport.blob.core.chinacloudapi.cn", "CN")
            val = (f"DefaultEndpointsProtocol=https;AccountName=plantexport;AccountKey=***;"
                   f"EndpointSuffix=core.chinacloudapi.cn;BlobEndpoint=https://{d.host}/")
        rec = {"ConnectionStrings": {"TelemetrySink": val}, "Logging": {"Owner": e},
               "Site": {"Code": site} if site else {}}
        g.add(fp, json.dumps(rec), shape, "en", d, site)

    def job_source_target() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.dest(0.4)
        src = g.decoy_host("sql01", avoid=d.cc)
        rec = {"job": "mes-export", "source": {"conn": f"Server={src};Database=MES;"
                                                       f"Integrated Security=true"},
               "target": {"url": g.url(d)}, "site": site, "owner": e}
        g.add(fp, json.dumps(rec), shape, "en", d, site, decoy=src, note="decoy:source-endpoint")

    def auth_and_sink() -> None:
        site, e = g.maybe_site(), g.mail()
        d = g.dest(0.4)
        login = g.decoy_host("login", avoid=d.cc)
        rec = {"auth": {"token_url": f"https://{login}/oauth2/token", "client_id": "mes"},
               "sink": {"endpoint": g.url(d)}, "meta": {"werk": site, "owner": e}}
        g.add(fp, json.dumps(rec), shape, "en", d, site, decoy=login, note="decoy:auth-endpoint")

    def health_only() -> None:
        site, e = g.maybe_site(), g.mail()
        st = g.decoy_host("status")
        rec = {"event": "healthcheck", "probe": f"https://{st}/health", "result": "degraded",
               "site": site, "owner": e}
        g.add(fp, json.dumps(rec), shape, "en", None, site, decoy=st, note="decoy:health-check")

    def locale_only() -> None:
        e = g.mail()
        rec = {"event": "ui_session", "locale": g.c(["de-DE", "fr-FR", "ja-JP", "ko-KR",
                                                     "pt-BR", "es-MX"]),
               "charset": "ISO-8859-1", "user": e}
        g.add(fp, json.dumps(rec), shape, "en", None, None, note="origin-lookalike")

    def region_cloud_nosite() -> None:
        e = g.mail()
        reg = g.c(["sa-east-1", "ca-central-1", "us-east-1", "me-central-1"])
        d = Dest(f"kinesis.{reg}.amazonaws.com", {"sa-east-1": "BR", "ca-central-1": "CA",
                                                  "us-east-1": "US", "me-central-1": "AE"}[reg])
        rec = {"stream": "plant-telemetry", "region": reg, "endpoint": f"https://{d.host}",
               "owner": e}
        g.add(fp, json.dumps(rec), shape, "en", d, None, note="origin-lookalike")

    g.run(70, [(1, i18n)])
    g.run(75, [(2, otel_cfg), (1.5, outputs_array), (1.5, brokers_string), (2, conn_strings),
               (2, job_source_target), (1.5, auth_and_sink), (1.5, health_only),
               (1, locale_only), (1, region_cloud_nosite)])


# -- logfmt --------------------------------------------------------------------------

LOGFMT_KEYS = {
    "de": ("zeit", "werk", "ziel", "bediener", "nachricht", "Charge übertragen"),
    "fr": ("heure", "usine", "destination", "operateur", "message", "lot envoyé"),
    "es": ("hora", "planta", "destino", "operador", "mensaje", "lote enviado"),
    "it": ("ora", "stabilimento", "destinazione", "operatore", "messaggio", "lotto inviato"),
    "pl": ("czas", "zaklad", "cel", "operator", "komunikat", "partia wysłana"),
    "pt": ("hora", "unidade", "destino", "operador", "mensagem", "lote enviado"),
    "zh": ("时间", "工厂", "目标", "负责人", "消息", "批次已推送"),
    "ja": ("時刻", "拠点", "送信先", "担当", "メッセージ", "ロット送信済み"),
    "ko": ("시각", "사업장", "대상", "담당자", "메시지", "로트 전송됨"),
    "vi": ("thoi_gian", "nha_may", "dich_den", "nguoi_van_hanh", "thong_diep", "đã gửi lô"),
}


def logfmt(g: Gen) -> None:
    shape = "logfmt"

    def promtail_fail() -> None:
        site, d, e = g.maybe_site(), g.cc_host(prefix="loki"), g.mail()
        g.add("promtail.log", f"level=warn ts={g.tick().isoformat()}Z caller=client.go:419 "
              f"component=client host={d.host} msg=\"error sending batch, will retry\" "
              f"status=-1 error=\"Post \\\"https://{d.host}/loki/api/v1/push\\\": dial tcp: "
              f"lookup {d.host} on 10.0.0.2:53: no such host\" user={e}"
              f"{' site=' + site if site else ''}", shape, "en", d, site, note="failed-send")

    def promtail_ok() -> None:
        site, d, e = g.maybe_site(), g.dest(0.2, prefix="loki"), g.mail()
        g.add("promtail.log", f"level=debug ts={g.tick().isoformat()}Z caller=batch.go:87 "
              f"component=client host={d.host} msg=\"batch sent\" entries={g.n(10, 900)} "
              f"user={e}{' site=' + site if site else ''}", shape, "en", d, site)

    def promtail_target() -> None:
        site, e = g.maybe_site(), g.mail()
        me = g.self_host(site, fqdn=True) if site else None
        if me is None:
            g.add("promtail.log", f"level=info ts={g.tick().isoformat()}Z caller=filetargetmanager"
                  f".go:361 msg=\"Adding target\" key=\"/var/log/plc/*.log:{{job=\\\"plc\\\"}}\" "
                  f"user={e}", shape, "en", None, None)
            return
        g.add("promtail.log", f"level=info ts={g.tick().isoformat()}Z caller=server.go:323 "
              f"msg=\"server listening on addresses\" http={me}:9080 grpc={me}:9095 user={e}",
              shape, "en", None, site, decoy=me, note="decoy:self-host")

    def localized() -> None:
        lang = g.c(LOGFMT_KEYS)
        k_t, k_s, k_d, k_m, k_msg, text = LOGFMT_KEYS[lang]
        site, d, e = g.maybe_site(lang), g.dest(0.35), g.mail(lang)
        parts = [f"{k_t}={g.tick().isoformat()}", "level=info"]
        if site:
            parts.append(f"{k_s}={site}" if g.p(0.6) else
                         f"{k_s}=\"{SITE_CITY.get(site, site)} {site}\"")
        parts.append(f"{k_d}={g.any_url(d)}")
        decoy = None
        note = "send"
        if g.p(0.35):
            k = g.c(["help_url", "proxy", "ntp_server", "referer", "docs"])
            decoy = g.decoy_host({"help_url": "hilfe", "proxy": "proxy", "ntp_server": "ntp",
                                  "referer": "hmi", "docs": "docs"}[k], avoid=d.cc)
            val = {"help_url": f"https://{decoy}/kb/42", "proxy": f"http://{decoy}:3128",
                   "ntp_server": decoy, "referer": f"https://{decoy}/", "docs":
                   f"https://{decoy}/manual"}[k]
            parts.insert(g.n(1, len(parts)), f"{k}={val}")
            note = f"decoy:{k}"
        parts += [f"{k_msg}=\"{text}\"", f"{k_m}={e}"]
        g.add("gateway-i18n.logfmt", " ".join(parts), shape, lang, d, site, decoy=decoy,
              note=note)

    def unusual_keys() -> None:
        site, d, e = g.maybe_site(), g.dest(0.35), g.mail()
        k = g.c(["egress", "relay", "remote", "forward_url", "peer", "next_hop", "uplink_uri",
                 "export.endpoint", "publish.broker"])
        sk = g.c(["plant_id", "fab", "loc_code", "werk_id", "source_site", "facility"])
        parts = [f"t={g.tick():%H:%M:%S}", "lvl=info", "msg=\"flushed\"", f"{k}={g.any_url(d)}",
                 f"owner={e}"]
        if site:
            parts.insert(2, f"{sk}={site}")
        g.add("agent.logfmt", " ".join(parts), shape, "en", d, site)

    def no_dest() -> None:
        site, e = g.maybe_site(), g.mail()
        parts = [f"t={g.tick():%H:%M:%S}", "lvl=info", "msg=\"spindle temp ok\"", "temp=61.2",
                 f"owner={e}"]
        if site:
            parts.insert(2, f"plant_id={site}")
        else:
            parts.append(f"lang={g.c(['de-DE', 'ja-JP', 'pt-BR', 'es-ES'])}")
        g.add("agent.logfmt", " ".join(parts), shape, "en", None, site,
              note="no-dest" if site else "origin-lookalike")

    def decoy_only() -> None:
        site, e = g.maybe_site(), g.mail()
        k = g.c(["help_url", "ntp_server", "referer", "hostname"])
        if k == "hostname" and site:
            decoy = g.self_host(site, fqdn=True)
            val = decoy
        else:
            k = "help_url" if k == "hostname" else k
            decoy = g.decoy_host({"help_url": "hilfe", "ntp_server": "ntp", "referer": "hmi"}[k])
            val = {"help_url": f"https://{decoy}/kb/42", "ntp_server": decoy,
                   "referer": f"https://{decoy}/"}[k]
        parts = [f"t={g.tick():%H:%M:%S}", "lvl=warn", "msg=\"clock drift 2.1s\"",
                 f"{k}={val}", f"owner={e}"]
        if site:
            parts.insert(2, f"fab={site}")
        g.add("agent.logfmt", " ".join(parts), shape, "en", None, site, decoy=decoy,
              note=f"decoy:{k}")

    g.run(40, [(2, promtail_fail), (2, promtail_ok), (1, promtail_target)])
    g.run(55, [(1, localized)])
    g.run(45, [(3, unusual_keys), (1, no_dest), (1.5, decoy_only)])


# -- CI / dependency logs ---------------------------------------------------------------

def deps(g: Gen) -> None:
    shape, lang, f = "deps", "en", "ci-build.log"

    def pre(site: str | None) -> str:
        runner = f"runner-{lower_site(site)}" if site else "runner-07"
        return f"{g.tick().isoformat()}Z {runner} [{g.mail()}] |"

    def pip_dl() -> None:
        site = g.maybe_site(prob=0.5)
        m = g.decoy_host(g.c(["pypi", "mirrors", "nexus"]))
        g.add(f, f"{pre(site)} Downloading https://{m}/simple/paho-mqtt/paho_mqtt-2.1.0-py3-none"
              f"-any.whl (67 kB)", shape, lang, None, site, decoy=m, note="decoy:registry")

    def npm_dl() -> None:
        site = g.maybe_site(prob=0.5)
        m = g.decoy_host(g.c(["npm", "registry"]))
        g.add(f, f"{pre(site)} npm http fetch GET 200 https://{m}/node-red-contrib-opcua "
              f"{g.n(20, 900)}ms (cache miss)", shape, lang, None, site, decoy=m,
              note="decoy:registry")

    def mvn_dl() -> None:
        site = g.maybe_site(prob=0.5)
        m = g.decoy_host("nexus")
        g.add(f, f"{pre(site)} [INFO] Downloading from nexus: https://{m}/repository/maven-public"
              f"/org/eclipse/paho/org.eclipse.paho.client.mqttv3/1.2.5/"
              f"org.eclipse.paho.client.mqttv3-1.2.5.pom", shape, lang, None, site, decoy=m,
              note="decoy:registry")

    def apt_get() -> None:
        site = g.maybe_site(prob=0.5)
        m = g.decoy_host(g.c(["ftp", "deb", "mirror"]))
        g.add(f, f"{pre(site)} Get:{g.n(1, 40)} http://{m}/debian bookworm/main amd64 "
              f"mosquitto-clients amd64 2.0.11-1.2 [{g.n(40, 200)} kB]", shape, lang, None, site,
              decoy=m, note="decoy:registry")

    def mvn_deploy() -> None:
        site = g.maybe_site(prob=0.5)
        d = g.cc_host(prefix="nexus")
        g.add(f, f"{pre(site)} [INFO] Uploading to releases: https://{d.host}/repository/"
              f"releases/com/acme/mes-exporter/2.4.0/mes-exporter-2.4.0.jar", shape, lang, d,
              site, note="send-artifact")

    def docker_push() -> None:
        site = g.maybe_site(prob=0.5)
        d = g.cc_host(prefix="registry")
        g.add(f, f"{pre(site)} The push refers to repository [{d.host}/mes/exporter]",
              shape, lang, d, site, note="send-artifact")

    g.run(55, [(2, pip_dl), (1.5, npm_dl), (1.5, mvn_dl), (1.5, apt_get), (1.2, mvn_deploy),
               (1, docker_push)])


SHAPES: list[Callable[[Gen], None]] = [mqtt, kafka, collector, iot_sdk, opcua_nodered,
                                       csv_export, transfer, nginx, windows, gateway_i18n,
                                       json_config, logfmt, deps]


def generate(out: Path, seed: int = SEED) -> list[dict[str, Any]]:
    """Write the fixture files and truth.jsonl into `out`; return the truth records."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    g = Gen(seed)
    for shape in SHAPES:
        shape(g)
    for name, lines in g.files.items():
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (out / "truth.jsonl").open("w", encoding="utf-8") as fh:
        for t in g.truth:
            fh.write(json.dumps(t, ensure_ascii=False) + "\n")
    return g.truth


def summary(truth: list[dict[str, Any]]) -> str:
    by_shape = Counter(t["shape"] for t in truth)
    by_lang = Counter(t["lang"] for t in truth)
    decoys = sum(t["decoy"] for t in truth)
    no_dest = sum(t["dest_country"] is None for t in truth)
    no_site = sum(t["origin_country"] is None for t in truth)
    notes = Counter(t["note"] for t in truth)
    return "\n".join([
        f"{len(truth)} records; decoys {decoys} ({100 * decoys / len(truth):.1f}%), "
        f"no destination {no_dest}, no site {no_site}",
        "shapes: " + ", ".join(f"{k} {v}" for k, v in sorted(by_shape.items())),
        "langs: " + ", ".join(f"{k} {v}" for k, v in sorted(by_lang.items())),
        "notes: " + ", ".join(f"{k} {v}" for k, v in sorted(notes.items())),
    ])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="directory to write into")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    truth = generate(args.out, args.seed)
    print(summary(truth), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
