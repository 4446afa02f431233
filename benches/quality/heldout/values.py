"""Vocabulary of set (d): people, phones, places, hosts, secrets and noise (fake, all of it)."""

from __future__ import annotations

import random
import string
import uuid

LANGS_CORE = ["en", "de", "zh", "ja", "vi"]
LANGS_EXTRA = ["ko", "fr", "es", "pt", "it"]

# (display name, e-mail local part / login)
NAMES: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("Michael Turner", "m.turner"),
        ("Sarah O'Connell", "soconnell"),
        ("David Kowalski", "dkowalski"),
        ("Jennifer Morales", "jennifer.morales"),
        ("Brian Whitaker", "bwhitaker"),
        ("Emily Hargreaves", "e.hargreaves"),
        ("Marcus Bell", "marcus.bell"),
        ("Hannah Fitzgerald", "hfitzgerald"),
    ],
    "de": [
        ("Jürgen Weißmann", "j.weissmann"),
        ("Katrin Böhm", "katrin.boehm"),
        ("Stefan Hofmeister", "s.hofmeister"),
        ("Anja Krüger", "anja.krueger"),
        ("Matthias Vogel", "m.vogel"),
        ("Sabine Lehmann", "sabine.lehmann"),
        ("Tobias Schäfer", "t.schaefer"),
        ("Dr. Ulrike Brandstätter", "u.brandstaetter"),
    ],
    "zh": [
        ("张伟", "zhang.wei"),
        ("王秀英", "wang.xiuying"),
        ("李静", "li.jing"),
        ("刘洋", "liu.yang"),
        ("陈晓明", "chen.xiaoming"),
        ("杨帆", "yang.fan"),
        ("赵丽娟", "zhao.lijuan"),
        ("黄志强", "huang.zhiqiang"),
    ],
    "ja": [
        ("佐藤 健太", "k.sato"),
        ("鈴木 美咲", "misaki.suzuki"),
        ("高橋 翔", "sho.takahashi"),
        ("田中 裕子", "y.tanaka"),
        ("渡辺 大輔", "daisuke.watanabe"),
        ("伊藤 さくら", "s.ito"),
        ("山本 拓也", "takuya.yamamoto"),
        ("中村 恵", "m.nakamura"),
    ],
    "vi": [
        ("Nguyễn Văn Hùng", "hung.nv"),
        ("Trần Thị Mai", "mai.tt"),
        ("Lê Minh Tuấn", "tuan.lm"),
        ("Phạm Thu Trang", "trang.pt"),
        ("Hoàng Đức Anh", "anh.hd"),
        ("Võ Thị Lan", "lan.vt"),
        ("Đặng Quốc Bảo", "bao.dq"),
        ("Bùi Thanh Hà", "ha.bt"),
    ],
    "ko": [
        ("김민준", "minjun.kim"),
        ("이서연", "seoyeon.lee"),
        ("박지훈", "jihoon.park"),
        ("최유진", "yujin.choi"),
        ("정하은", "haeun.jung"),
    ],
    "fr": [
        ("Camille Lefèvre", "camille.lefevre"),
        ("Julien Moreau", "j.moreau"),
        ("Élodie Garnier", "elodie.garnier"),
        ("Nicolas Dubois", "n.dubois"),
    ],
    "es": [
        ("Lucía Fernández", "lucia.fernandez"),
        ("Javier Ortega", "j.ortega"),
        ("Carmen Ruiz Soler", "carmen.ruiz"),
    ],
    "pt": [
        ("João Pereira", "joao.pereira"),
        ("Mariana Costa", "m.costa"),
        ("Rafael Almeida", "rafael.almeida"),
    ],
    "it": [
        ("Giulia Romano", "giulia.romano"),
        ("Marco Bianchi", "m.bianchi"),
        ("Francesca Greco", "f.greco"),
    ],
}

MAIL_DOMAINS = {
    "en": ["northfield-mfg.com", "apexcasting.us", "brightline-automation.com"],
    "de": ["werkzeugbau-hofer.de", "kunststofftechnik-rhein.de", "praezisionsteile-sued.de"],
    "zh": ["hx-precision.com.cn", "163.com", "qq.com", "szjingmi.cn"],
    "ja": ["tokai-seimitsu.co.jp", "kansai-denki.jp", "docomo.ne.jp"],
    "vi": ["vietpresstech.vn", "gmail.com", "thaco-parts.com.vn"],
    "ko": ["hanbit-motors.co.kr", "naver.com"],
    "fr": ["mecanique-rhone.fr", "orange.fr"],
    "es": ["estampaciones-norte.es"],
    "pt": ["moldes-leiria.pt"],
    "it": ["stampi-brescia.it"],
}


def name(rng: random.Random, lang: str) -> str:
    return rng.choice(NAMES[lang])[0]


def person(rng: random.Random, lang: str) -> tuple[str, str]:
    return rng.choice(NAMES[lang])


def email(rng: random.Random, lang: str) -> str:
    _, local = rng.choice(NAMES[lang])
    return f"{local}@{rng.choice(MAIL_DOMAINS[lang])}"


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def phone(rng: random.Random, country: str) -> str:
    """A phone number of the country, national or international notation."""
    intl = rng.random() < 0.5
    if country == "CN":
        p = rng.choice(["138", "139", "186", "152", "177", "159"])
        a, b = _d(rng, 4), _d(rng, 4)
        return f"+86 {p} {a} {b}" if intl else rng.choice([f"{p}{a}{b}", f"{p}-{a}-{b}"])
    if country == "DE":
        if rng.random() < 0.6:
            p = rng.choice(["151", "160", "171", "176", "152"])
            n = _d(rng, 7) if p != "176" else _d(rng, 8)
            return f"+49 {p} {n}" if intl else f"0{p} {n}"
        area = rng.choice(["89", "711", "40", "221", "9131"])
        n = _d(rng, 7 if len(area) < 4 else 6)
        return f"+49 {area} {n}" if intl else f"0{area}/{n}"
    if country == "JP":
        if rng.random() < 0.6:
            p = rng.choice(["90", "80", "70"])
            a, b = _d(rng, 4), _d(rng, 4)
            return f"+81 {p}-{a}-{b}" if intl else f"0{p}-{a}-{b}"
        area = rng.choice(["3", "6", "52"])
        a = _d(rng, 4 if len(area) == 1 else 3)
        return f"+81 {area}-{a}-{_d(rng, 4)}" if intl else f"0{area}-{a}-{_d(rng, 4)}"
    if country == "VN":
        p = rng.choice(["912", "903", "987", "868", "339", "706"])
        a, b = _d(rng, 3), _d(rng, 3)
        return f"+84 {p} {a} {b}" if intl else f"0{p} {a} {b}"
    if country == "KR":
        a, b = _d(rng, 4), _d(rng, 4)
        return f"+82 10-{a}-{b}" if intl else f"010-{a}-{b}"
    if country == "US":
        area = rng.choice(["312", "248", "513", "864", "650", "919"])
        ex = str(rng.randint(2, 9)) + _d(rng, 2)
        n = _d(rng, 4)
        return f"+1 {area}-{ex}-{n}" if intl else f"({area}) {ex}-{n}"
    if country == "FR":
        g = " ".join(_d(rng, 2) for _ in range(4))
        p = rng.choice(["6", "7"])
        return f"+33 {p} {g}" if intl else f"0{p} {g}"
    if country == "ES":
        return (
            f"+34 6{_d(rng, 2)} {_d(rng, 3)} {_d(rng, 3)}"
            if intl
            else f"6{_d(rng, 2)} {_d(rng, 3)} {_d(rng, 3)}"
        )
    if country == "PT":
        return f"+351 9{rng.choice('1236')}{_d(rng, 1)} {_d(rng, 3)} {_d(rng, 3)}"
    if country == "IT":
        return (
            f"+39 3{_d(rng, 2)} {_d(rng, 3)} {_d(rng, 4)}"
            if intl
            else f"3{_d(rng, 2)} {_d(rng, 7)}"
        )
    raise ValueError(country)


LANG_COUNTRY = {
    "en": "US",
    "de": "DE",
    "zh": "CN",
    "ja": "JP",
    "vi": "VN",
    "ko": "KR",
    "fr": "FR",
    "es": "ES",
    "pt": "PT",
    "it": "IT",
}


def phone_for(rng: random.Random, lang: str) -> str:
    return phone(rng, LANG_COUNTRY[lang])


# ---------------------------------------------------------------- places

POSTAL = {
    "en": ["4120 Commerce Dr, Auburn Hills, MI 48326", "77 Industrial Pkwy, Greer, SC 29651"],
    "de": [
        "Gewerbestraße 14, 85098 Großmehring",
        "Am Hafen 3a, 47119 Duisburg",
        "Carl-Zeiss-Ring 9, 73447 Oberkochen",
    ],
    "zh": ["江苏省苏州市工业园区星湖街328号", "广东省深圳市南山区科技南十二路18号"],
    "ja": ["愛知県豊田市トヨタ町1-23", "〒530-0001 大阪府大阪市北区梅田3丁目2-4"],
    "vi": [
        "Số 12 Đường số 7, KCN Việt Nam - Singapore, Thuận An, Bình Dương",
        "Lô B4, KCN Đình Vũ, Hải An, Hải Phòng",
    ],
    "ko": ["울산광역시 북구 효자로 82", "경기도 화성시 동탄산단8길 15"],
    "fr": ["12 rue de l'Industrie, 69800 Saint-Priest"],
    "es": ["Calle de la Forja 8, 28906 Getafe"],
    "pt": ["Rua da Indústria 45, 2430-028 Marinha Grande"],
    "it": ["Via dell'Artigianato 17, 25030 Castel Mella BS"],
}

# (lat, lon) near real industrial areas
SPOTS = [
    (48.7651, 11.4232),
    (31.3178, 120.7163),
    (35.0836, 137.1563),
    (20.8449, 106.7270),
    (35.5431, 129.3562),
    (45.7294, 4.9470),
    (52.4227, 10.7865),
    (22.5411, 113.9470),
    (10.9804, 106.6519),
    (34.6937, 135.5023),
    (40.3142, -3.7327),
    (44.4949, 11.3426),
]


def latlon(rng: random.Random) -> tuple[float, float]:
    lat, lon = rng.choice(SPOTS)
    return round(lat + rng.uniform(-0.05, 0.05), 6), round(lon + rng.uniform(-0.05, 0.05), 6)


def dms(value: float, pos: str, neg: str) -> str:
    h = pos if value >= 0 else neg
    v = abs(value)
    d = int(v)
    m = int((v - d) * 60)
    s = (v - d - m / 60) * 3600
    return f"{d}°{m:02d}'{s:04.1f}\"{h}"


def nmea_rmc(rng: random.Random, lat: float, lon: float) -> str:
    def part(v: float, deg_width: int) -> str:
        d = int(abs(v))
        m = (abs(v) - d) * 60
        return f"{d:0{deg_width}d}{m:07.4f}"

    t = f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}.00"
    body = (
        f"GPRMC,{t},A,{part(lat, 2)},{'N' if lat >= 0 else 'S'},{part(lon, 3)},"
        f"{'E' if lon >= 0 else 'W'},{rng.uniform(0, 30):.1f},{rng.uniform(0, 359):.1f},"
        f"{rng.randint(1, 28):02d}0326,,,A"
    )
    cs = 0
    for ch in body:
        cs ^= ord(ch)
    return f"${body}*{cs:02X}"


# ---------------------------------------------------------------- hosts, sites, addresses

HOSTS = [
    "k8s-node-07",
    "edge-ipc-12",
    "hmi-press-03",
    "plc-gw-a2",
    "ua-srv-01",
    "mqtt-brk-2",
    "influx-01",
    "pg-mes-1",
    "triton-gpu-02",
    "cmm-calypso-01",
    "vis-cog-05",
    "kr-cell-04",
    "telematics-gw",
    "bms-ctrl-1",
    "amr-fleet-mgr",
    "nodered-03",
    "haproxy-dmz-1",
    "mlflow-srv",
    "scada-his-2",
    "ipc-line4",
]
SITES_BY_LANG = {
    "en": ["US-GRR-01", "US-GRV-02", "Greer Plant"],
    "de": ["DE-ING-01", "DE-DUI-02", "Werk Großmehring"],
    "zh": ["CN-SUZ-03", "CN-SZX-01", "苏州二厂"],
    "ja": ["JP-TYG-02", "JP-OSA-01", "豊田第2工場"],
    "vi": ["VN-HPH-01", "VN-BDG-02", "Nhà máy Hải Phòng"],
    "ko": ["KR-ULS-01", "울산 1공장"],
    "fr": ["FR-LYO-02", "Usine de Saint-Priest"],
    "es": ["ES-GTF-01", "Planta Getafe"],
    "pt": ["PT-MGR-01", "Fábrica Marinha Grande"],
    "it": ["IT-BS-01", "Stabilimento Castel Mella"],
}
SITES = [
    "DE-ING-01",
    "DE-DUI-02",
    "CN-SUZ-03",
    "CN-SZX-01",
    "JP-TYG-02",
    "JP-OSA-01",
    "VN-HPH-01",
    "VN-BDG-02",
    "KR-ULS-01",
    "FR-LYO-02",
    "US-GRR-01",
    "Werk Großmehring",
    "苏州二厂",
    "豊田第2工場",
    "Nhà máy Hải Phòng",
    "울산 1공장",
    "Usine de Saint-Priest",
]
APPS = [
    "kubelet",
    "containerd",
    "mosquitto",
    "emqx",
    "nodered",
    "telegraf",
    "influxd",
    "postgres",
    "nginx",
    "haproxy",
    "opcua-srv",
    "s7-gateway",
    "robot-ctrl",
    "vision-svc",
    "mes-connector",
    "cmm-export",
    "trainer",
    "tritonserver",
    "bms-agent",
    "canlogger",
]


def ipv4(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:
        return f"10.{rng.randint(0, 254)}.{rng.randint(0, 254)}.{rng.randint(1, 254)}"
    if kind < 0.6:
        return f"192.168.{rng.randint(0, 254)}.{rng.randint(1, 254)}"
    if kind < 0.75:
        return f"172.{rng.randint(16, 31)}.{rng.randint(0, 254)}.{rng.randint(1, 254)}"
    return (
        f"{rng.choice([62, 81, 116, 133, 14, 211, 91, 185])}.{rng.randint(0, 254)}."
        f"{rng.randint(0, 254)}.{rng.randint(1, 254)}"
    )


def ipv6(rng: random.Random) -> str:
    pre = rng.choice(["fe80::", "2a02:8108:4c0:", "fd12:3456:789a:1::", "2001:da8:8000:"])
    tail = ":".join(f"{rng.randint(0, 0xFFFF):x}" for _ in range(2 if pre.endswith("::") else 3))
    if pre.endswith("::"):
        return pre + tail
    return pre + tail + "::" + f"{rng.randint(1, 0xFFF):x}"


def ip(rng: random.Random) -> str:
    return ipv6(rng) if rng.random() < 0.15 else ipv4(rng)


# ---------------------------------------------------------------- secrets (random, fake)

B64 = string.ascii_letters + string.digits + "+/"
URLSAFE = string.ascii_letters + string.digits + "-_"
ALNUM = string.ascii_letters + string.digits


def rnd(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def aws_key(rng: random.Random) -> tuple[str, str]:
    return ("AKIA" + rnd(rng, string.ascii_uppercase + "234567", 16), rnd(rng, B64, 40))


def github_token(rng: random.Random) -> str:
    return "ghp_" + rnd(rng, ALNUM, 36)


def slack_token(rng: random.Random) -> str:
    return f"xoxb-{_d(rng, 12)}-{_d(rng, 13)}-{rnd(rng, ALNUM, 24)}"


def jwt(rng: random.Random) -> str:
    head = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
    return f"{head}.eyJ{rnd(rng, URLSAFE, 90)}.{rnd(rng, URLSAFE, 43)}"


def password(rng: random.Random) -> str:
    words = ["Sommer", "Hafen", "Tiger", "Falke", "Kirsche", "Orbit", "Nebel", "Quarz"]
    return rng.choice(
        [
            rng.choice(words) + str(rng.randint(2019, 2026)) + rng.choice("!#$%?"),
            rnd(rng, ALNUM, 5) + rng.choice("!#%&*") + rnd(rng, ALNUM, 6),
            rng.choice(words).lower() + "_" + _d(rng, 3) + rng.choice(["Xy", "Qz", "Lm"]),
        ]
    )


def hexs(rng: random.Random, n: int) -> str:
    return rnd(rng, "0123456789abcdef", n)


def uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# ---------------------------------------------------------------- noise fields


def noise(rng: random.Random) -> tuple[str, object]:
    """A field that carries no category (ids, hashes, durations, versions, counters)."""
    k = rng.randrange(10)
    if k == 0:
        return "request_id", uid(rng)
    if k == 1:
        return "trace_id", hexs(rng, 32)
    if k == 2:
        return "span_id", hexs(rng, 16)
    if k == 3:
        return "duration_ms", rng.randint(1, 4800)
    if k == 4:
        return (
            "build",
            f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}."
            f"{rng.randint(100, 9999)}",
        )
    if k == 5:
        return "seq", rng.randint(1, 10**6)
    if k == 6:
        return "thread", rng.choice(
            [
                "worker-3",
                "pool-2-thread-7",
                "main",
                "tokio-runtime-w-1",
                "MainThread",
                "grpc-default-executor-4",
            ]
        )
    if k == 7:
        return "sha256", hexs(rng, 64)
    if k == 8:
        return "elapsed", f"{rng.uniform(0.001, 12):.3f}s"
    return "corr", f"{hexs(rng, 8)}-{hexs(rng, 4)}"
