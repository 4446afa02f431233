# ruff: noqa: E501, RUF001
"""Vocabulary of set (e): people, phones, e-mail, places, sites, hosts, secrets, noise.

Everything is invented; shapes follow the real ones (national numbering plans, postal
address layouts, token prefixes). Functions take a `random.Random` and, where it matters,
the record's language.
"""

from __future__ import annotations

import base64
import random
import string
import uuid

LANGS = ["en", "de", "zh", "ja", "pl", "nl", "tr", "sv", "cs", "ru", "ar", "th", "id", "hi"]

NAMES = {
    "en": ["Megan O'Connell", "Darnell Price", "Priya Raman", "Luke Hargreaves", "Hannah Whitfield",
           "Carlos Mendoza", "Aisha Bello", "Tom Kowalczyk-Reid"],
    "de": ["Jürgen Hoffmeister", "Svenja Albrecht", "Mehmet Özdemir", "Katrin Vogelsang",
           "Lukas Brandstätter", "Anja Weißgerber"],
    "zh": ["王建国", "李秀英", "陈志强", "刘芳", "张伟", "赵静怡"],
    "ja": ["佐々木 健太", "高橋 美咲", "中村 翔", "小林 由美子", "山口 大輔"],
    "pl": ["Krzysztof Wójcik", "Agnieszka Kamińska", "Paweł Zieliński", "Magdalena Lewandowska",
           "Tomasz Szymański", "Joanna Dąbrowska"],
    "nl": ["Sanne de Vries", "Bram van den Berg", "Eline Jansen", "Joost Bakker", "Fleur Visser",
           "Thijs van Dijk"],
    "tr": ["Emre Yılmaz", "Ayşe Kaya", "Mehmet Demir", "Zeynep Çelik", "Burak Şahin", "Elif Aydın"],
    "sv": ["Annika Lindqvist", "Johan Bergström", "Elin Sjöberg", "Mikael Åkesson",
           "Sara Holmgren"],
    "cs": ["Tomáš Dvořák", "Petra Nováková", "Jiří Procházka", "Lucie Černá", "Martin Kučera"],
    "ru": ["Сергей Кузнецов", "Ольга Смирнова", "Дмитрий Волков", "Анна Морозова",
           "Алексей Попов"],
    "ar": ["محمد العتيبي", "فاطمة الزهراني", "عبدالله القحطاني", "نورة الشمري", "خالد المنصوري"],
    "th": ["สมชาย ศรีสุข", "วิไลวรรณ ใจดี", "ธนพล วงศ์สวัสดิ์", "กมลชนก แก้วมณี"],
    "id": ["Budi Santoso", "Siti Nurhaliza", "Agus Pratama", "Dewi Lestari", "Rizky Ramadhan"],
    "hi": ["राजेश कुमार", "प्रिया शर्मा", "अमित वर्मा", "सुनीता यादव", "Vikram Nair",
           "Ananya Iyer"],
}

LOGINS = {  # a person's login (personal)
    "en": ["m.oconnell", "dprice", "priya.raman", "lhargreaves"],
    "de": ["j.hoffmeister", "salbrecht", "kvogelsang"],
    "zh": ["wangjg", "li.xiuying", "chenzq"], "ja": ["k.sasaki", "m-takahashi", "s.nakamura"],
    "pl": ["k.wojcik", "akaminska", "p.zielinski"], "nl": ["s.devries", "bvandenberg", "e.jansen"],
    "tr": ["emre.yilmaz", "akaya", "zcelik"], "sv": ["annlin", "jobe01", "e.sjoberg"],
    "cs": ["t.dvorak", "pnovakova", "jprochazka"], "ru": ["s.kuznetsov", "o.smirnova", "dvolkov"],
    "ar": ["m.alotaibi", "f.alzahrani", "a.alqahtani"], "th": ["somchai.s", "wilaiwan.j"],
    "id": ["budi.santoso", "siti.n", "agus.p"], "hi": ["rajesh.kumar", "priya.s", "vnair"],
}

SERVICE_ACCOUNTS = ["SYSTEM", "svc_batch", "svc-scada", "historian", "operator", "admin",
                    "ci-bot", "airflow", "NT AUTHORITY\\SYSTEM", "root", "mqtt-bridge", "ope02"]

DOMAINS = {
    "en": ["northfield-foods.com", "aeromx-services.co.uk", "gridline-energy.com"],
    "de": ["kessler-pharma.de", "rheintal-getraenke.de"], "zh": ["hengtai-semi.cn", "jinhe-food.com.cn"],
    "ja": ["kumamoto-denshi.co.jp", "tohoku-kikai.jp"], "pl": ["mleczarnia-podlasie.pl", "orlen-serwis.com.pl"],
    "nl": ["waterbedrijf-oost.nl", "vandermolen-verpakking.nl"], "tr": ["anadolu-tekstil.com.tr", "ege-gida.com.tr"],
    "sv": ["norrvind-kraft.se", "malardalens-bryggeri.se"], "cs": ["moravske-strojirny.cz", "vodarny-brno.cz"],
    "ru": ["neftegaz-servis.ru", "uralvagon-diag.ru"], "ar": ["gulf-petrochem.com.sa", "emirates-cold.ae"],
    "th": ["siam-pack.co.th", "eastern-solar.co.th"], "id": ["nusantara-farma.co.id", "logistik-jaya.id"],
    "hi": ["deccan-pharma.in", "pune-ev-labs.in"],
}

_TRANSLIT = {"ł": "l", "ó": "o", "ś": "s", "ż": "z", "ź": "z", "ą": "a", "ę": "e", "ć": "c",
             "ń": "n", "ı": "i", "ş": "s", "ç": "c", "ğ": "g", "ö": "o", "ü": "u", "ä": "a",
             "å": "a", "é": "e", "á": "a", "í": "i", "ř": "r", "č": "c", "ě": "e", "ý": "y",
             "ů": "u", "ž": "z", "š": "s", "ß": "ss", "'": ""}
_LATIN = {
    "zh": ["wang.jianguo", "li.xiuying", "chen.zhiqiang", "liu.fang"],
    "ja": ["kenta.sasaki", "misaki.takahashi", "sho.nakamura"],
    "ru": ["s.kuznetsov", "olga.smirnova", "d.volkov"], "ar": ["m.alotaibi", "fatima.alzahrani"],
    "th": ["somchai.s", "wilaiwan.j"], "hi": ["rajesh.kumar", "priya.sharma", "amit.verma"],
}


def name(rng: random.Random, lang: str) -> str:
    return rng.choice(NAMES[lang])


def login(rng: random.Random, lang: str) -> str:
    return rng.choice(LOGINS[lang])


def email(rng: random.Random, lang: str) -> str:
    if lang in _LATIN:
        local = rng.choice(_LATIN[lang])
    else:
        n = rng.choice(NAMES[lang]).lower()
        local = "".join(_TRANSLIT.get(c, c) for c in n).replace(" ", rng.choice([".", "_", ""]))
        local = local.replace("-", "")
    return f"{local}@{rng.choice(DOMAINS[lang])}"


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _phone_pl(rng, intl):
    p = rng.choice(["501", "512", "535", "576", "601", "662", "691", "723", "787", "881"])
    x = f"{p} {_d(rng, 3)} {_d(rng, 3)}"
    return f"+48 {x}" if intl else x


def _phone_nl(rng, intl):
    x = _d(rng, 8)
    return f"+31 6 {x}" if intl else f"06-{x}"


def _phone_tr(rng, intl):
    p = rng.choice(["532", "542", "555", "505", "536"])
    x = f"{p} {_d(rng, 3)} {_d(rng, 2)} {_d(rng, 2)}"
    return f"+90 {x}" if intl else f"0{x}"


def _phone_se(rng, intl):
    p = rng.choice(["70", "72", "73", "76"])
    x = f"{_d(rng, 3)} {_d(rng, 2)} {_d(rng, 2)}"
    return f"+46 {p} {x}" if intl else f"0{p}-{x}"


def _phone_cz(rng, intl):
    x = f"{rng.choice(['602', '603', '724', '731', '777'])} {_d(rng, 3)} {_d(rng, 3)}"
    return f"+420 {x}" if intl else x


def _phone_ru(rng, intl):
    p = rng.choice(["916", "903", "926", "985", "912"])
    return (f"+7 {p} {_d(rng, 3)}-{_d(rng, 2)}-{_d(rng, 2)}" if intl
            else f"8 ({p}) {_d(rng, 3)}-{_d(rng, 2)}-{_d(rng, 2)}")


def _phone_sa(rng, intl):
    p = rng.choice(["50", "53", "55", "56"])
    return f"+966 {p} {_d(rng, 3)} {_d(rng, 4)}" if intl else f"0{p} {_d(rng, 3)} {_d(rng, 4)}"


def _phone_ae(rng, intl):
    p = rng.choice(["50", "52", "55"])
    return f"+971 {p} {_d(rng, 3)} {_d(rng, 4)}" if intl else f"0{p} {_d(rng, 3)} {_d(rng, 4)}"


def _phone_th(rng, intl):
    p = rng.choice(["81", "86", "89", "92", "95"])
    return f"+66 {p} {_d(rng, 3)} {_d(rng, 4)}" if intl else f"0{p}-{_d(rng, 3)}-{_d(rng, 4)}"


def _phone_id(rng, intl):
    p = rng.choice(["812", "813", "821", "857", "878"])
    return f"+62 {p}-{_d(rng, 4)}-{_d(rng, 4)}" if intl else f"0{p}-{_d(rng, 4)}-{_d(rng, 4)}"


def _phone_in(rng, intl):
    x = f"{rng.choice('6789')}{_d(rng, 4)} {_d(rng, 5)}"
    return f"+91 {x}" if intl else f"0{x}"


def _phone_de(rng, intl):
    p = rng.choice(["151", "160", "171", "176"])
    return f"+49 {p} {_d(rng, 8)}" if intl else f"0{p} {_d(rng, 8)}"


def _phone_cn(rng, intl):
    p = rng.choice(["138", "139", "186", "135", "158"])
    x = f"{p} {_d(rng, 4)} {_d(rng, 4)}"
    return f"+86 {x}" if intl else x


def _phone_jp(rng, intl):
    p = rng.choice(["90", "80", "70"])
    return f"+81 {p}-{_d(rng, 4)}-{_d(rng, 4)}" if intl else f"0{p}-{_d(rng, 4)}-{_d(rng, 4)}"


def _phone_us(rng, intl):
    a = rng.choice(["512", "312", "206", "617", "713"])
    x = f"{rng.randint(2, 9)}{_d(rng, 2)}-{_d(rng, 4)}"
    return f"+1 {a}-{x}" if intl else f"({a}) {x}"


def _phone_gb(rng, intl):
    x = f"7{rng.choice(['700', '911', '825', '447'])} {_d(rng, 6)}"
    return f"+44 {x}" if intl else f"0{x}"


PHONES = {"pl": [_phone_pl], "nl": [_phone_nl], "tr": [_phone_tr], "sv": [_phone_se],
          "cs": [_phone_cz], "ru": [_phone_ru], "ar": [_phone_sa, _phone_ae], "th": [_phone_th],
          "id": [_phone_id], "hi": [_phone_in], "de": [_phone_de], "zh": [_phone_cn],
          "ja": [_phone_jp], "en": [_phone_us, _phone_gb, _phone_in]}


def phone(rng: random.Random, lang: str) -> str:
    return rng.choice(PHONES[lang])(rng, rng.random() < 0.5)


ADDRESSES = {
    "en": ["1420 Commerce Park Dr, Suite 300, Austin, TX 78744", "Unit 7, Riverside Way, Leeds LS10 1DJ"],
    "de": ["Industriestraße 17, 85055 Ingolstadt", "Am Seegraben 4a, 01099 Dresden"],
    "zh": ["上海市浦东新区张江路88号3号楼", "广东省深圳市南山区科苑南路2666号"],
    "ja": ["〒860-0806 熊本市中央区花畑町4-1", "〒460-0008 名古屋市中区栄3丁目5-12"],
    "pl": ["ul. Marszałkowska 84/92, 00-514 Warszawa", "ul. Fabryczna 12, 44-100 Gliwice"],
    "nl": ["Stationsplein 12, 3511 ED Utrecht", "Hoofdweg 231, 9681 AJ Midwolda"],
    "tr": ["Atatürk Cad. No:45 D:3, 35220 Konak/İzmir", "Organize Sanayi Bölgesi 4. Cad. No:12, 16140 Nilüfer/Bursa"],
    "sv": ["Drottninggatan 53, 111 21 Stockholm", "Industrivägen 8, 811 34 Sandviken"],
    "cs": ["Vodičkova 36, 110 00 Praha 1", "tř. Václava Klementa 869, 293 01 Mladá Boleslav"],
    "ru": ["ул. Ленина, д. 25, кв. 4, Екатеринбург, 620014", "628400, ХМАО, г. Сургут, ул. Энтузиастов, 52"],
    "ar": ["طريق الملك فهد، حي العليا، الرياض 12214", "شارع الشيخ زايد، مبنى 14، دبي"],
    "th": ["99/1 ถนนสุขุมวิท แขวงคลองเตย เขตคลองเตย กรุงเทพฯ 10110", "7/212 นิคมอุตสาหกรรมอมตะซิตี้ ระยอง 21140"],
    "id": ["Jl. Jend. Sudirman Kav. 52-53, Jakarta Selatan 12190", "Jl. Raya Cikarang Cibarusah No. 8, Bekasi 17530"],
    "hi": ["फ्लैट 12, एमजी रोड, पुणे 411001", "Plot 44, MIDC Chakan, Pune 410501"],
}


def address(rng: random.Random, lang: str) -> str:
    return rng.choice(ADDRESSES[lang])


REGIONS = {  # (lat lo, lat hi, lon lo, lon hi)
    "en": (30.0, 47.0, -122.0, -75.0), "de": (47.5, 54.5, 6.0, 14.5), "zh": (22.5, 40.0, 104.0, 121.5),
    "ja": (31.5, 43.0, 130.0, 141.5), "pl": (49.5, 54.5, 14.5, 23.5), "nl": (51.0, 53.4, 3.5, 7.0),
    "tr": (36.5, 41.5, 27.0, 40.0), "sv": (55.5, 66.0, 12.0, 21.0), "cs": (48.8, 50.9, 12.5, 18.5),
    "ru": (54.0, 62.0, 37.0, 75.0), "ar": (21.0, 27.0, 39.0, 55.5), "th": (12.5, 18.5, 99.0, 102.5),
    "id": (-7.8, -6.0, 106.0, 112.0), "hi": (12.0, 28.5, 73.0, 80.0),
}


def latlon(rng: random.Random, lang: str) -> tuple[float, float]:
    a, b, c, d = REGIONS[lang]
    return rng.uniform(a, b), rng.uniform(c, d)


def dms(v: float, pos: str, neg: str) -> str:
    h = pos if v >= 0 else neg
    v = abs(v)
    d = int(v)
    m = int((v - d) * 60)
    s = (v - d - m / 60) * 3600
    return f"{d}°{m:02d}'{s:04.1f}\"{h}"


def nmea_lat(v: float) -> str:
    d = int(abs(v))
    return f"{d:02d}{(abs(v) - d) * 60:07.4f},{'N' if v >= 0 else 'S'}"


def nmea_lon(v: float) -> str:
    d = int(abs(v))
    return f"{d:03d}{(abs(v) - d) * 60:07.4f},{'E' if v >= 0 else 'W'}"


SITES = {
    "en": ["Plant Ridgeway", "DC-Memphis-2", "Fab 9 Chandler", "Heathrow Line MX"],
    "de": ["Werk Ingolstadt", "DE-MUC-04", "Standort Bitterfeld"],
    "zh": ["苏州工厂", "CN-WX-FAB2", "天津配送中心"], "ja": ["熊本工場", "JP-KMM-F3", "千歳事業所"],
    "pl": ["Zakład Gliwice", "PL-WRO-01", "Mleczarnia Łomża"], "nl": ["Fabriek Zwolle", "NL-EHV-Fab", "Zuivering Kralingen"],
    "tr": ["İzmir OSB Tesisi", "TR-BRS-02", "Bursa Dokuma"], "sv": ["Bruk Sandviken", "SE-LLA-Vind", "Vindpark Markbygden"],
    "cs": ["Závod Mladá Boleslav", "CZ-BRQ-03", "ÚV Želivka"], "ru": ["Месторождение Самотлор", "RU-SGT-KP17", "Депо Свердловск"],
    "ar": ["مصنع الجبيل", "SA-JUB-01", "مستودع جبل علي"], "th": ["โรงงานระยอง", "TH-RYG-02", "ฟาร์มโซลาร์ลพบุรี"],
    "id": ["Pabrik Cikarang", "ID-BKS-01", "Gudang Surabaya"], "hi": ["संयंत्र पुणे", "IN-PNQ-CHK", "Chakan Test Lab"],
}


def site(rng: random.Random, lang: str) -> str:
    if rng.random() < 0.2:
        lang = rng.choice(LANGS)
    return rng.choice(SITES[lang])


HOSTS = ["pasteur-hmi-02", "fdc-srv-01", "rtu-kp17", "wtg-a12-scada", "inv-b07-gw", "bacnet-gw-3",
         "ci-runner-04", "airflow-worker-2", "cc-tracker-gw", "cycler-ch-bank5", "lyo-02-pc",
         "ems-ctl-01", "filler-l3", "checkweigher-07", "litho-ovl-srv", "flowcomp-fc12",
         "acars-gw-dxb", "etcs-rbc-sim", "loom-ctrl-44", "press-kba-2", "xray-svc-lt",
         "water-scada-hmi", "spark-exec-17", "ecs-ingest-1"]


def ipv4(rng: random.Random) -> str:
    return rng.choice([f"10.{rng.randint(0, 254)}.{rng.randint(0, 254)}.{rng.randint(2, 254)}",
                       f"192.168.{rng.randint(0, 254)}.{rng.randint(2, 254)}",
                       f"172.{rng.randint(16, 31)}.{rng.randint(0, 254)}.{rng.randint(2, 254)}",
                       f"100.{rng.randint(64, 127)}.{rng.randint(0, 254)}.{rng.randint(2, 254)}"])


def ipv6(rng: random.Random) -> str:
    return "fd" + f"{rng.randrange(256):02x}:" + ":".join(
        f"{rng.randrange(65536):x}" for _ in range(3)) + "::" + f"{rng.randrange(65536):x}"


# ------------------------------------------------------------------ secrets (all invented)

def _rand(rng, n, alphabet=string.ascii_letters + string.digits):
    return "".join(rng.choice(alphabet) for _ in range(n))


def secret(rng: random.Random, kind: str) -> str:
    if kind == "aws_secret":
        return _rand(rng, 40, string.ascii_letters + string.digits + "/+")
    if kind == "aws_akid":
        return "AKIA" + _rand(rng, 16, string.ascii_uppercase + "234567")
    if kind == "glpat":
        return "glpat-" + _rand(rng, 20, string.ascii_letters + string.digits + "-_")
    if kind == "sas":
        sig = base64.b64encode(bytes(rng.randrange(256) for _ in range(32))).decode()
        return sig.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    if kind == "pw":
        return rng.choice(["Zupa!Ogorkowa77", "Hemlig#Vind2024", "Tr0mbon-Kuz4", "Gizli*Sifre93",
                           "Pivo&Knedlik1", "Kl@ssenraum88", "M0nsun_Rayong!", "Ka$turi2023"])
    if kind == "jwt":
        h = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT"}').decode().rstrip("=")
        p = base64.urlsafe_b64encode(
            f'{{"sub":"svc-{_rand(rng, 6).lower()}","exp":{rng.randint(1710000000, 1720000000)}}}'
            .encode()).decode().rstrip("=")
        return f"{h}.{p}.{_rand(rng, 43, string.ascii_letters + string.digits + '-_')}"
    if kind == "hec":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if kind == "sk":
        return "sk_live_" + _rand(rng, 24)
    if kind == "gapi":
        return "AIza" + _rand(rng, 35, string.ascii_letters + string.digits + "-_")
    if kind == "npm":
        return "npm_" + _rand(rng, 36)
    if kind == "pem":
        return base64.b64encode(bytes(rng.randrange(256) for _ in range(36))).decode()
    if kind == "hex32":
        return _rand(rng, 32, "0123456789abcdef")
    raise ValueError(kind)


# ------------------------------------------------------------------ noise

NOISE_KEYS = ["request_id", "trace_id", "duration_ms", "build", "seq", "thread", "digest",
              "block", "lot", "correlation", "pod", "span_id"]
_POD = "bcdfghjklmnpqrstvwxz2456789"


def noise_value(rng: random.Random, key: str) -> str:
    if key == "request_id":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if key in ("trace_id", "hex32"):
        return _rand(rng, 32, "0123456789abcdef")
    if key == "span_id":
        return _rand(rng, 16, "0123456789abcdef")
    if key == "duration_ms":
        return str(rng.randint(3, 48000))
    if key == "build":
        return (f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 400)}."
                f"{rng.randint(1000, 9999)}")
    if key == "seq":
        return str(rng.randint(1, 999999))
    if key == "thread":
        return rng.choice(["main", "pool-3-thread-7", "Worker-12", "opcua-sub-2", "asyncio_0"])
    if key == "digest":
        return "sha256:" + _rand(rng, 64, "0123456789abcdef")
    if key == "block":
        return f"blk_{rng.choice(['', '-'])}{rng.randint(10 ** 17, 10 ** 19 - 1)}"
    if key == "lot":
        return f"{rng.choice(['N7A', 'QX2', 'M5K', 'T9B'])}{rng.randint(1000, 9999)}.{rng.randint(1, 25):02d}"
    if key == "correlation":
        return f"{_rand(rng, 8, '0123456789ABCDEF')}-{_rand(rng, 4, '0123456789ABCDEF')}"
    if key == "pod":
        return (f"{rng.choice(['ingest', 'fdc-api', 'haccp-svc', 'scada-bridge'])}-"
                f"{_rand(rng, 10, _POD)}-{_rand(rng, 5, _POD)}")
    raise ValueError(key)


def noise(rng: random.Random) -> tuple[str, str]:
    """A field that carries nothing: (key, value)."""
    key = rng.choice(NOISE_KEYS)
    return key, noise_value(rng, key)
