# ruff: noqa: RUF001, E501
"""Random values for the templates: numbers, people, devices, places, noise."""

from __future__ import annotations

import random

import ids

NAMES = {
    "en": ["John Smith", "Emily Carter", "Michael Brown", "Sarah Johnson", "David Miller",
           "Laura Wilson", "Priya Patel", "Robert Garcia", "Karen Lee", "Daniel Turner"],
    "de": ["Jürgen Müller", "Anna Schneider", "Thomas Weber", "Katrin Fischer", "Stefan Wagner",
           "Sabine Becker", "Lukas Hoffmann", "Monika Schäfer", "Markus Koch",
           "Petra Zimmermann"],
    "zh": ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄晓明", "周杰", "吴婷"],
    "ja": ["佐藤 健", "鈴木 花子", "高橋 翔", "田中 美咲", "渡辺 大輔", "伊藤 直樹", "山本 彩",
           "中村 拓也"],
    "vi": ["Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Tuấn", "Phạm Thu Hà", "Hoàng Đức Long",
           "Vũ Thị Lan", "Đặng Quốc Huy", "Bùi Thanh Tâm"],
}
ROMAN = {
    "Jürgen Müller": "juergen.mueller", "Anna Schneider": "anna.schneider",
    "Thomas Weber": "t.weber", "Katrin Fischer": "katrin.fischer",
    "Stefan Wagner": "s.wagner", "Sabine Becker": "sabine.becker",
    "Lukas Hoffmann": "lukas.hoffmann", "Monika Schäfer": "m.schaefer",
    "Markus Koch": "markus.koch", "Petra Zimmermann": "p.zimmermann",
    "张伟": "zhang.wei", "王芳": "wangfang", "李娜": "li.na", "刘洋": "liuyang88",
    "陈静": "chenjing", "杨磊": "yang.lei", "赵敏": "zhaomin", "黄晓明": "huang.xm",
    "周杰": "zhoujie", "吴婷": "wu.ting",
    "佐藤 健": "k-sato", "鈴木 花子": "hanako.suzuki", "高橋 翔": "sho.takahashi",
    "田中 美咲": "misaki_tanaka", "渡辺 大輔": "d.watanabe", "伊藤 直樹": "naoki.ito",
    "山本 彩": "aya-yamamoto", "中村 拓也": "t.nakamura",
    "Nguyễn Văn An": "an.nguyenvan", "Trần Thị Bích": "bich.tran", "Lê Minh Tuấn": "tuanlm",
    "Phạm Thu Hà": "ha.pham", "Hoàng Đức Long": "longhd", "Vũ Thị Lan": "lan.vu",
    "Đặng Quốc Huy": "huydq", "Bùi Thanh Tâm": "tam.bui",
}
DOMAINS = {
    "en": ["northfield-mfg.com", "acme-automation.com", "gmail.com", "brightline-robotics.com",
           "outlook.com"],
    "de": ["kraus-maschinenbau.de", "weber-antriebe.de", "web.de", "t-online.de",
           "gmx.net"],
    "zh": ["sz-precision.com.cn", "163.com", "huadong-auto.cn", "126.com"],
    "ja": ["tokai-seiki.co.jp", "yahoo.co.jp", "chubu-denki.jp", "nagoya-press.co.jp"],
    "vi": ["vinaparts.com.vn", "gmail.com", "dongnai-mech.vn", "saigonplast.com.vn"],
}

PLACES = {  # (lat, lon) around plants and logistics hubs
    "zh": [(22.5431, 114.0579), (31.2989, 120.5853), (31.2304, 121.4737), (23.1291, 113.2644),
           (29.5630, 106.5516)],
    "de": [(49.0134, 12.1016), (48.7758, 9.1829), (48.1351, 11.5820), (52.4227, 10.7865),
           (51.0504, 13.7373)],
    "ja": [(35.1815, 136.9066), (34.9551, 137.1467), (35.6762, 139.6503), (34.6937, 135.5023)],
    "vi": [(10.7769, 106.7009), (21.0278, 105.8342), (10.9804, 106.6519), (16.0544, 108.2022)],
    "en": [(42.3314, -83.0458), (41.8781, -87.6298), (52.4862, -1.8904), (35.2271, -80.8431)],
}

ADDRESSES = {
    "de": ["Industriestraße 12, 93055 Regensburg", "Siemensallee 4, 76187 Karlsruhe",
           "Am Werkhof 7, 38440 Wolfsburg", "Robert-Bosch-Str. 21, 70839 Gerlingen"],
    "zh": ["广东省深圳市南山区科技园南区高新南七道18号", "江苏省苏州市吴中区吴中大道1588号",
           "上海市浦东新区金桥路1399号"],
    "ja": ["愛知県豊田市元町1番地", "愛知県名古屋市港区潮見町37-1", "大阪府堺市西区築港新町2-6"],
    "vi": ["Lô B2, KCN Sóng Thần 2, Dĩ An, Bình Dương", "Số 18 Đường số 3, KCX Tân Thuận, Quận 7, TP.HCM",
           "KCN Thăng Long, Đông Anh, Hà Nội"],
    "en": ["1200 Industrial Pkwy, Dearborn, MI 48120", "Unit 4, Tyseley Park, Birmingham B11 2AA",
           "455 Commerce Dr, Charlotte, NC 28206"],
}

HOSTS = ["edge-gw-03", "plc-gw-l3", "mes-app01", "hist01.corp.local", "cam-04", "agv-ctrl",
         "qs-srv-02", "vision-ipc-7", "robot-cell-5", "scada-hmi-2", "ml-train-01",
         "tcu-fleet", "cnc-dmg-12", "sz-mes-02", "ngo-line4-pc", "bd-gw-01"]
SITES = {"zh": ["CN-SZ-02", "CN-SUZ-01", "苏州工厂", "深圳二厂"],
         "de": ["DE-RGB-01", "DE-STR-03", "Werk Regensburg", "Werk 2 Sindelfingen"],
         "ja": ["JP-NGO", "名古屋工場", "JP-TYT-01"],
         "vi": ["VN-HCM-1", "Nhà máy Bình Dương", "PLANT-7A"],
         "en": ["US-DET-2", "PLANT-7A", "UK-BHM-1", "US-CLT"]}
DESTS = ["https://mes.corp.example/api/v2/events", "mqtts://broker.eu-central.example:8883",
         "s3://plant-telemetry-archive/raw/", "https://ingest.vendorx.example/v1/push",
         "kafka://kafka-01.corp.example:9093/telemetry", "https://iot.cn-north.example/ingest",
         "opc.tcp://ua-agg.corp.example:4840", "sftp://files.supplier.example/in",
         "https://analytics.jp-east.example/collect", "amqps://bus.vn.example:5671/q.events"]


class V:
    """Value source for one record; all randomness goes through `self.r`."""

    def __init__(self, r: random.Random):
        self.r = r

    # numbers and choices
    def f(self, lo: float, hi: float, nd: int = 1) -> str:
        return f"{self.r.uniform(lo, hi):.{nd}f}"

    def i(self, lo: int, hi: int) -> int:
        return self.r.randint(lo, hi)

    def c(self, seq):
        return self.r.choice(seq)

    def p(self, prob: float) -> bool:
        return self.r.random() < prob

    def hx(self, n: int) -> str:
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def ver(self) -> str:
        return f"{self.i(1, 12)}.{self.i(0, 20)}.{self.i(0, 40)}"

    def ms(self) -> str:
        return f"{self.i(2, 4800)} ms"

    def date(self) -> str:
        return f"2024-{self.i(1, 12):02d}-{self.i(1, 28):02d}"

    def later_date(self) -> str:
        return f"{self.c([2025, 2026])}-{self.i(1, 12):02d}-{self.i(1, 28):02d}"

    # people
    def name(self, lang: str) -> str:
        return self.c(NAMES[lang])

    def email(self, lang: str, name: str | None = None) -> str:
        if lang == "zh" and self.p(0.3):
            return f"{self.i(10000, 999999999)}@qq.com"
        if name is None or name not in ROMAN:
            local = self.c(["emily.carter", "j.smith", "mbrown", "sarah.johnson", "dmiller",
                            "priya.patel", "r.garcia", "karen.lee", "dturner"])
        else:
            local = ROMAN[name]
        return f"{local}@{self.c(DOMAINS[lang])}"

    def phone(self, lang: str) -> str:
        d = lambda n: "".join(self.c("0123456789") for _ in range(n))  # noqa: E731
        if lang == "zh":
            n = "1" + self.c("3456789") + d(9)
            return self.c([n, f"{n[:3]} {n[3:7]} {n[7:]}", f"+86 {n[:3]}-{n[3:7]}-{n[7:]}",
                           f"+86 {n}"])
        if lang == "de":
            return self.c([f"+49 171 {d(7)}", f"0151/{d(8)}", f"+49 (0)941 {d(6)}-{d(2)}",
                           f"0711 {d(4)}-{d(3)}", f"+49 160 {d(3)} {d(4)}"])
        if lang == "ja":
            return self.c([f"090-{d(4)}-{d(4)}", f"080-{d(4)}-{d(4)}", f"052-{d(3)}-{d(4)}",
                           f"+81 90 {d(4)} {d(4)}"])
        if lang == "vi":
            return self.c([f"09{self.c('0123456789')}{d(1)} {d(3)} {d(3)}", f"098{d(7)}",
                           f"+84 9{d(2)} {d(3)} {d(3)}", f"028 {d(4)} {d(4)}"])
        return self.c([f"+1 312 555 {d(4)}", f"(313) 555-{d(4)}", f"+44 20 7946 {d(4)}",
                       f"+1-704-555-{d(4)}"])

    def emp(self, lang: str) -> str:
        d = lambda n: "".join(self.c("0123456789") for _ in range(n))  # noqa: E731
        return {
            "en": self.c([f"E{d(6)}", f"EMP-{d(5)}", f"emp #{d(5)}"]),
            "de": self.c([f"Personalnr. 00{d(4)}", f"PNR {d(5)}", f"Pers.-Nr. {d(6)}"]),
            "zh": self.c([f"工号 SZ{d(7)}", f"工号：{d(5)}", f"员工编号 HD{d(6)}"]),
            "ja": self.c([f"社員番号 A-{d(5)}", f"社員No.{d(6)}", f"従業員ID T{d(5)}"]),
            "vi": self.c([f"mã NV NV-{d(5)}", f"MSNV {d(6)}", f"mã nhân viên {d(5)}"]),
        }[lang]

    # devices, network
    def serial(self) -> str:
        return ids.serial(self.r)

    def mac(self) -> str:
        return ids.mac(self.r)

    def imei(self, valid: bool = True) -> str:
        return ids.imei(self.r, valid)

    def ip(self, public: bool | None = None) -> str:
        return ids.ipv4(self.r, public)

    def ip6(self) -> str:
        return ids.ipv6(self.r)

    def host(self) -> str:
        return self.c(HOSTS)

    # places
    def latlon(self, lang: str, nd: int = 5) -> tuple[str, str]:
        lat, lon = self.c(PLACES[lang])
        return (f"{lat + self.r.uniform(-0.05, 0.05):.{nd}f}",
                f"{lon + self.r.uniform(-0.05, 0.05):.{nd}f}")

    def address(self, lang: str) -> str:
        return self.c(ADDRESSES[lang])

    # noise
    def order(self) -> str:
        return self.c([f"WO-2024-{self.i(10000, 99999)}", f"FA{self.i(1000000, 9999999)}",
                       f"MO{self.i(20240000, 20249999)}{self.i(10, 99)}",
                       f"PO 45000{self.i(10000, 99999)}", f"SO-{self.i(100000, 999999)}"])

    def part(self) -> str:
        return self.c([f"{self.i(1000, 9999)}-{self.i(100, 999)}-{self.i(10, 99)}",
                       f"A{self.i(100, 999)} {self.i(100, 999)} {self.i(10, 99)} 00",
                       f"PN{self.i(100000, 999999)}", f"{self.i(10, 99)}.{self.i(100, 999)}"
                       f".{self.i(100, 999)}"])
