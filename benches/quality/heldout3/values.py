# ruff: noqa: RUF001, E501
"""Vocabulary of set (f): people, phones, e-mail addresses, postal addresses, positions,
sites, secrets, noise, fragments and look-alike references, per language, and `Gen`, the
generator a template draws its values from.

Everything is invented; shapes follow each country's real notation. `Gen` records the
kinds of sensitive value it hands out (`person`, `ip`, `serial`...), so that `make.py`
can check each record's labels against what was really put in it.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid

import ids

PILOT = ["en", "de", "zh", "ja", "vi"]
NEW = ["it", "uk", "hu", "ro", "fi", "da", "nb", "el", "he", "fa", "ms", "bn", "sk", "hr",
       "sw"]
LANGS = PILOT + NEW
COUNTRY = {"en": "US", "de": "DE", "zh": "CN", "ja": "JP", "vi": "VN", "it": "IT", "uk": "UA",
           "hu": "HU", "ro": "RO", "fi": "FI", "da": "DK", "nb": "NO", "el": "GR", "he": "IL",
           "fa": "IR", "ms": "MY", "bn": "BD", "sk": "SK", "hr": "HR", "sw": "KE"}
COMMA_LANGS = {"de", "it", "hu", "uk", "ro", "fi", "da", "nb", "el", "sk", "hr", "vi"}

# kind of value handed out -> the category it gives a record
KIND_CAT = {"person": "personal", "login": "personal", "empno": "personal",
            "badge": "personal", "phone": "personal", "email": "personal",
            "natid": "personal", "iban": "personal", "card": "personal",
            "serial": "device_id", "mac": "device_id", "imei": "device_id",
            "iccid": "device_id", "imsi": "device_id", "vin": "device_id",
            "ip": "network_id", "pos": "geolocation", "address": "geolocation",
            "secret": "secret"}

_STATE = {"comma": False}


def set_decimal_comma(on: bool) -> None:
    _STATE["comma"] = on


class Num:
    """A number with its decimals, written with the record's decimal separator."""

    def __init__(self, value: float, dp: int):
        self.value = round(value, dp)
        self.dp = dp

    def __format__(self, spec: str) -> str:
        s = f"{self.value:.{self.dp}f}"
        if spec == "+" and self.value >= 0:
            s = "+" + s
        return s.replace(".", ",") if _STATE["comma"] else s

    def __str__(self) -> str:
        return format(self, "")

    def json(self) -> float | int:
        return self.value if self.dp else int(self.value)


# ---------------------------------------------------------------- people

PEOPLE = {  # (as written, login)
    "en": [("Olivia Bennett", "obennett"), ("Marcus Reid", "marcus.reid"),
           ("Hannah Brooks", "hbrooks"), ("Daniel Hughes", "d.hughes"),
           ("Grace Turner", "gturner"), ("Ryan Foster", "ryan.foster")],
    "de": [("Jonas Becker", "j.becker"), ("Katrin Vogel", "kvogel"),
           ("Matthias Krüger", "m.krueger"), ("Lea Hartmann", "lea.hartmann"),
           ("Florian Seidel", "fseidel"), ("Sabine Lorenz", "s.lorenz")],
    "zh": [("王建国", "wang.jianguo"), ("李秀英", "li.xiuying"), ("张伟", "zhangwei"),
           ("刘洋", "liu.yang"), ("陈静", "chenjing"), ("赵磊", "zhao.lei")],
    "ja": [("佐藤 健太", "k.sato"), ("鈴木 美咲", "m.suzuki"), ("高橋 翔", "takahashi.sho"),
           ("田中 由美", "y.tanaka"), ("伊藤 大輔", "d.ito"), ("渡辺 彩", "aya.watanabe")],
    "vi": [("Nguyễn Văn Hùng", "hungnv"), ("Trần Thị Mai", "maitt"),
           ("Lê Minh Tuấn", "tuanlm"), ("Phạm Thu Hà", "hapt"),
           ("Hoàng Đức Anh", "anhhd"), ("Võ Thị Lan", "lanvt")],
    "it": [("Giulia Romano", "g.romano"), ("Marco Esposito", "marco.esposito"),
           ("Francesca Ricci", "fricci"), ("Luca Colombo", "l.colombo"),
           ("Chiara Marino", "chiara.marino"), ("Alessandro Greco", "agreco")],
    "uk": [("Олександр Коваленко", "o.kovalenko"), ("Наталія Шевченко", "n.shevchenko"),
           ("Андрій Бондаренко", "a.bondarenko"), ("Оксана Мельник", "o.melnyk"),
           ("Дмитро Ткаченко", "d.tkachenko"), ("Ірина Кравченко", "i.kravchenko")],
    "hu": [("Nagy Gábor", "nagy.gabor"), ("Kovács Eszter", "kovacse"),
           ("Tóth Zoltán", "toth.zoltan"), ("Szabó Anna", "szaboa"),
           ("Horváth Péter", "horvath.peter"), ("Varga Katalin", "vargak")],
    "ro": [("Andrei Popescu", "andrei.popescu"), ("Ioana Ionescu", "iionescu"),
           ("Mihai Dumitrescu", "m.dumitrescu"), ("Elena Stan", "elena.stan"),
           ("Cristian Munteanu", "cmunteanu"), ("Alexandra Marin", "a.marin")],
    "fi": [("Mikko Virtanen", "mvirtanen"), ("Anna Korhonen", "anna.korhonen"),
           ("Juha Mäkinen", "j.makinen"), ("Laura Nieminen", "lnieminen"),
           ("Timo Heikkinen", "timo.heikkinen"), ("Sanna Laine", "slaine")],
    "da": [("Mads Nielsen", "madsn"), ("Sofie Jensen", "sofie.jensen"),
           ("Rasmus Hansen", "rhansen"), ("Camilla Pedersen", "c.pedersen"),
           ("Frederik Andersen", "fran"), ("Mette Christensen", "mette.c")],
    "nb": [("Ole Johansen", "ole.johansen"), ("Ingrid Olsen", "iolsen"),
           ("Lars Berg", "lars.berg"), ("Kari Haugen", "khaugen"),
           ("Eirik Larsen", "eirik.larsen"), ("Silje Bakken", "sbakken")],
    "el": [("Γιώργος Παπαδόπουλος", "g.papadopoulos"), ("Μαρία Νικολάου", "m.nikolaou"),
           ("Δημήτρης Γεωργίου", "dgeorgiou"), ("Ελένη Καραγιάννη", "e.karagianni"),
           ("Νίκος Οικονόμου", "n.oikonomou"), ("Κατερίνα Βασιλείου", "kvasileiou")],
    "he": [("יוסי כהן", "yossi.cohen"), ("מיכל לוי", "michal.levi"),
           ("אבי מזרחי", "amizrahi"), ("נועה פרץ", "noa.peretz"),
           ("דניאל ביטון", "dbiton"), ("שירה אברהם", "shira.avraham")],
    "fa": [("علی رضایی", "a.rezaei"), ("مریم احمدی", "maryam.ahmadi"),
           ("حسین محمدی", "h.mohammadi"), ("زهرا حسینی", "z.hosseini"),
           ("رضا کریمی", "reza.karimi"), ("فاطمه موسوی", "f.mousavi")],
    "ms": [("Ahmad Faizal bin Ismail", "faizal.ismail"), ("Nurul Aina binti Rahman", "nurulaina"),
           ("Muhammad Hafiz Zulkifli", "hafiz.z"), ("Siti Aisyah Omar", "aisyah.omar"),
           ("Tan Wei Ming", "tan.weiming"), ("Kavitha a/p Subramaniam", "kavitha.s")],
    "bn": [("মোঃ রফিকুল ইসলাম", "rafiqul.islam"), ("সুমাইয়া আক্তার", "sumaiya.akter"),
           ("তানভীর হাসান", "tanvir.hasan"), ("নুসরাত জাহান", "nusrat.j"),
           ("আরিফ হোসেন", "arif.hossain"), ("ফারজানা রহমান", "farzana.r")],
    "sk": [("Martin Horváth", "mhorvath"), ("Zuzana Kováčová", "zuzana.kovacova"),
           ("Peter Varga", "p.varga"), ("Jana Tóthová", "jtothova"),
           ("Michal Baláž", "michal.balaz"), ("Lucia Nagyová", "l.nagyova")],
    "hr": [("Ivan Horvat", "ihorvat"), ("Ana Kovačević", "ana.kovacevic"),
           ("Marko Babić", "m.babic"), ("Petra Marić", "pmaric"),
           ("Luka Jurić", "luka.juric"), ("Maja Novak", "mnovak")],
    "sw": [("Juma Otieno", "jotieno"), ("Wanjiru Kamau", "wanjiru.kamau"),
           ("Brian Mwangi", "b.mwangi"), ("Achieng Odhiambo", "aodhiambo"),
           ("Kevin Kiprop", "kevin.kiprop"), ("Faith Njeri", "f.njeri")],
}

# company-like e-mail domains per country (invented)
DOMAINS = {
    "US": ["lakeshore-mfg.com", "northgate-eng.com"], "DE": ["kessler-werke.de", "hanse-glas.de"],
    "CN": ["huanan-zhizao.cn", "jinyu-pack.com.cn"], "JP": ["tokai-seiki.co.jp", "mizuho-hoso.co.jp"],
    "VN": ["sontra-khi.com.vn", "dongnai-pack.vn"], "IT": ["cartiera-serchio.it", "meccanica-berica.it"],
    "UA": ["kryvbas-stal.com.ua", "dnipro-cement.ua"], "HU": ["alfoldi-uveg.hu", "bakonygep.hu"],
    "RO": ["otelgalati-ind.ro", "transilvania-am.ro"], "FI": ["kymipaperi.fi", "pohjolan-lasi.fi"],
    "DK": ["fynmejeri-tek.dk", "vestlade.dk"], "NO": ["oslofjord-terminal.no", "nordlading.no"],
    "GR": ["aigaion-lab.gr", "thermaikos-lifts.gr"], "IL": ["galil-composites.co.il", "karmel-net.co.il"],
    "IR": ["sepahan-industrial.ir", "alborzmobile.ir"], "MY": ["klangport-ops.com.my", "selangor-air.my"],
    "BD": ["chattogram-ict.com.bd", "dhaka-wasa-ami.bd"], "SK": ["tatra-dopravniky.sk", "zilina-eol.sk"],
    "HR": ["istra-cement.hr", "jadran-brusilice.hr"], "KE": ["rift-dairy.co.ke", "maji-smart.co.ke"],
}

EMPNO = {  # formats of employee / personnel / badge numbers per language
    "en": ["E{5}", "EMP-{6}"], "de": ["{6}", "P{5}"], "zh": ["SZ{7}", "G{6}"],
    "ja": ["{6}", "T-{5}"], "vi": ["NV{5}", "{6}"], "it": ["M{5}", "{6}"],
    "uk": ["{5}", "ТН-{4}"], "hu": ["{5}", "T{6}"], "ro": ["{4}", "M-{5}"],
    "fi": ["{5}", "HN{5}"], "da": ["{5}", "MA{4}"], "nb": ["{6}", "A{5}"],
    "el": ["{5}", "ΑΜ{5}"], "he": ["{7}", "{5}"], "fa": ["{6}", "P-{5}"],
    "ms": ["PK{5}", "{6}"], "bn": ["{6}", "EMP{5}"], "sk": ["{5}", "OC{5}"],
    "hr": ["{5}", "MB{5}"], "sw": ["{5}", "KE{5}"],
}


def _fill(pattern: str, rng: random.Random) -> str:
    out, i = "", 0
    while i < len(pattern):
        if pattern[i] == "{":
            j = pattern.index("}", i)
            out += "".join(rng.choice(string.digits) for _ in range(int(pattern[i + 1:j])))
            i = j + 1
        else:
            out += pattern[i]
            i += 1
    return out


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def phone(rng: random.Random, country: str, intl: bool) -> str:
    """A mobile (sometimes a landline) number in the country's notation."""
    d = _d
    if country == "IT":
        a = rng.choice(["347", "333", "320", "389"])
        return f"+39 {a} {d(rng, 3)} {d(rng, 4)}" if intl else f"{a} {d(rng, 7)}"
    if country == "UA":
        a = rng.choice(["67", "50", "63", "97"])
        return f"+380 {a} {d(rng, 3)} {d(rng, 2)} {d(rng, 2)}" if intl else f"0{a} {d(rng, 3)} {d(rng, 2)} {d(rng, 2)}"
    if country == "HU":
        a = rng.choice(["20", "30", "70"])
        return f"+36 {a} {d(rng, 3)} {d(rng, 4)}" if intl else f"06 {a} {d(rng, 3)} {d(rng, 4)}"
    if country == "RO":
        a = rng.choice(["722", "745", "760", "733"])
        return f"+40 {a} {d(rng, 3)} {d(rng, 3)}" if intl else f"0{a} {d(rng, 3)} {d(rng, 3)}"
    if country == "FI":
        a = rng.choice(["40", "50", "44"])
        return f"+358 {a} {d(rng, 3)} {d(rng, 4)}" if intl else f"0{a} {d(rng, 3)} {d(rng, 4)}"
    if country == "DK":
        s = f"{rng.choice(['2', '3', '4', '5'])}{d(rng, 1)} {d(rng, 2)} {d(rng, 2)} {d(rng, 2)}"
        return f"+45 {s}" if intl else s
    if country == "NO":
        s = f"{rng.choice(['9', '4'])}{d(rng, 2)} {d(rng, 2)} {d(rng, 3)}"
        return f"+47 {s}" if intl else s
    if country == "GR":
        s = f"69{rng.choice('3456789')} {d(rng, 3)} {d(rng, 4)}"
        return f"+30 {s}" if intl else s
    if country == "IL":
        a = rng.choice(["50", "52", "54", "58"])
        return f"+972 {a}-{d(rng, 3)}-{d(rng, 4)}" if intl else f"0{a}-{d(rng, 3)}-{d(rng, 4)}"
    if country == "IR":
        a = rng.choice(["912", "935", "919", "901"])
        return f"+98 {a} {d(rng, 3)} {d(rng, 4)}" if intl else f"0{a} {d(rng, 3)} {d(rng, 4)}"
    if country == "MY":
        a = rng.choice(["12", "16", "17", "19"])
        return f"+60 {a}-{d(rng, 3)} {d(rng, 4)}" if intl else f"0{a}-{d(rng, 3)} {d(rng, 4)}"
    if country == "BD":
        a = rng.choice(["17", "18", "19", "15"])
        return f"+880 1{a[1]}{d(rng, 2)}-{d(rng, 6)}" if intl else f"01{a[1]}{d(rng, 2)}-{d(rng, 6)}"
    if country == "SK":
        a = rng.choice(["903", "905", "911", "944"])
        return f"+421 {a} {d(rng, 3)} {d(rng, 3)}" if intl else f"0{a} {d(rng, 3)} {d(rng, 3)}"
    if country == "HR":
        a = rng.choice(["91", "98", "95", "99"])
        return f"+385 {a} {d(rng, 3)} {d(rng, 4)}" if intl else f"0{a} {d(rng, 3)} {d(rng, 4)}"
    if country == "KE":
        a = rng.choice(["712", "722", "733", "798"])
        return f"+254 {a} {d(rng, 6)}" if intl else f"0{a} {d(rng, 6)}"
    if country == "CN":
        a = rng.choice(["138", "139", "186", "150"])
        return f"+86 {a} {d(rng, 4)} {d(rng, 4)}" if intl else f"{a}{d(rng, 8)}"
    if country == "DE":
        a = rng.choice(["151", "160", "171", "176"])
        return f"+49 {a} {d(rng, 7)}" if intl else f"0{a} {d(rng, 7)}"
    if country == "JP":
        a = rng.choice(["90", "80", "70"])
        return f"+81 {a}-{d(rng, 4)}-{d(rng, 4)}" if intl else f"0{a}-{d(rng, 4)}-{d(rng, 4)}"
    if country == "VN":
        a = rng.choice(["912", "988", "903", "868"])
        return f"+84 {a} {d(rng, 3)} {d(rng, 3)}" if intl else f"0{a} {d(rng, 3)} {d(rng, 3)}"
    # US: 555-01xx numbers are reserved for fiction
    a = rng.choice(["312", "414", "608", "313"])
    return f"+1 {a}-555-01{d(rng, 2)}" if intl else f"({a}) 555-01{d(rng, 2)}"


def address(rng: random.Random, country: str) -> str:
    n = rng.randint(2, 148)
    r = rng.choice
    return {
        "IT": f"Via {r(['Giuseppe Garibaldi', 'Roma', 'dei Mille', 'Nazionale'])} {n}, "
              f"{r(['36100 Vicenza VI', '55100 Lucca LU', '24121 Bergamo BG'])}",
        "UA": f"вул. {r(['Шевченка', 'Соборна', 'Героїв Праці'])}, {n}, кв. {rng.randint(1, 90)}, "
              f"{r(['Кривий Ріг, 50000', 'Дніпро, 49000', 'Запоріжжя, 69000'])}",
        "HU": f"{r(['5900 Orosháza', '8200 Veszprém', '6720 Szeged'])}, "
              f"{r(['Kossuth Lajos u.', 'Petőfi Sándor utca', 'Rákóczi út'])} {n}.",
        "RO": f"Str. {r(['Mihai Eminescu', 'Republicii', 'Brăilei'])} nr. {n}, bl. "
              f"{r('ABC')}{rng.randint(1, 9)}, ap. {rng.randint(1, 60)}, "
              f"{r(['800001 Galați', '400001 Cluj-Napoca', '700001 Iași'])}",
        "FI": f"{r(['Hämeenkatu', 'Kauppakatu', 'Kirkkokatu'])} {n} {r('ABC')} "
              f"{rng.randint(1, 40)}, {r(['33100 Tampere', '45100 Kouvola', '40100 Jyväskylä'])}",
        "DK": f"{r(['Vestergade', 'Søndergade', 'Kirkevej'])} {n}, {rng.randint(1, 4)}. "
              f"{r(['th.', 'tv.'])}, {r(['8000 Aarhus C', '5000 Odense C', '6700 Esbjerg'])}",
        "NO": f"{r(['Storgata', 'Kongens gate', 'Strandveien'])} {n}, "
              f"{r(['0184 Oslo', '3015 Drammen', '5003 Bergen'])}",
        "GR": f"Οδός {r(['Εγνατίας', 'Τσιμισκή', 'Ερμού'])} {n}, "
              f"{r(['546 30 Θεσσαλονίκη', '105 63 Αθήνα', '262 21 Πάτρα'])}",
        "IL": f"רחוב {r(['הרצל', 'ויצמן', 'הנביאים'])} {n}, {r(['חיפה 3303124', 'נתניה 4250421', 'כרמיאל 2161002'])}",
        "IR": f"{r(['اصفهان', 'تهران', 'تبریز'])}، خیابان {r(['چهارباغ', 'ولیعصر', 'امام'])}، "
              f"کوچه {r(['نسترن', 'لاله', 'یاس'])}، پلاک {n}، کد پستی {_d(rng, 10)}",
        "MY": f"No. {n}, Jalan {r(['SS 2/24', 'Kebun Nenas', 'Perusahaan 3'])}, "
              f"{r(['47300 Petaling Jaya, Selangor', '42000 Pelabuhan Klang, Selangor', '81700 Pasir Gudang, Johor'])}",
        "BD": f"বাড়ি {n}, রোড {rng.randint(1, 27)}, {r(['ধানমন্ডি, ঢাকা ১২০৫', 'আগ্রাবাদ, চট্টগ্রাম ৪১০০', 'উত্তরা, ঢাকা ১২৩০'])}",
        "SK": f"{r(['Hlavná', 'Štúrova', 'Námestie SNP'])} {n}, "
              f"{r(['040 01 Košice', '010 01 Žilina', '811 01 Bratislava'])}",
        "HR": f"{r(['Ilica', 'Vukovarska', 'Riva'])} {n}, {r(['10000 Zagreb', '52100 Pula', '21000 Split'])}",
        "KE": f"{r(['Moi Avenue', 'Kenyatta Avenue', 'Oginga Odinga St'])} {n}, "
              f"P.O. Box {rng.randint(1000, 99999)}-{r(['00100 Nairobi', '20100 Nakuru', '40100 Kisumu'])}",
        "CN": f"{r(['广东省佛山市南海区桂城街道', '江苏省苏州市工业园区星湖街', '浙江省宁波市北仑区'])}{n}号",
        "DE": f"{r(['Lindenstraße', 'Hauptstraße', 'Am Mühlbach'])} {n}, "
              f"{r(['33602 Bielefeld', '09111 Chemnitz', '26122 Oldenburg'])}",
        "JP": f"〒{_d(rng, 3)}-{_d(rng, 4)} {r(['愛知県名古屋市中区栄', '静岡県浜松市中央区', '北海道帯広市西'])}"
              f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{n}",
        "VN": f"Số {n} {r(['Đường Lê Lợi', 'Đường Nguyễn Ái Quốc', 'Đường 3/2'])}, "
              f"{r(['Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh', 'Phường Tân Tiến, TP. Biên Hòa, Đồng Nai', 'Phường Hiệp Thành, TP. Thủ Dầu Một, Bình Dương'])}",
        "US": f"{rng.randint(100, 9899)} {r(['W Fulton St', 'N Halsted St', 'S Water St'])}, "
              f"{r(['Chicago, IL 60612', 'Milwaukee, WI 53204', 'Madison, WI 53703'])}",
    }[country]


BOXES = {  # lat range, lon range of land near industry in each country
    "US": (41.6, 42.1, -88.2, -87.6), "DE": (50.8, 52.4, 7.1, 10.4), "CN": (22.6, 23.3, 113.0, 114.2),
    "JP": (34.8, 35.3, 136.7, 137.2), "VN": (10.7, 11.1, 106.5, 106.9), "IT": (45.3, 45.7, 9.0, 11.5),
    "UA": (47.8, 48.6, 33.2, 35.1), "HU": (46.2, 47.6, 17.8, 21.0), "RO": (45.3, 46.8, 23.5, 28.0),
    "FI": (60.3, 62.5, 22.6, 26.5), "DK": (55.4, 56.3, 9.0, 10.5), "NO": (59.0, 60.5, 5.3, 10.8),
    "GR": (37.9, 40.7, 21.5, 23.8), "IL": (31.8, 32.9, 34.8, 35.2), "IR": (32.5, 35.8, 51.2, 51.7),
    "MY": (2.9, 3.3, 101.4, 101.8), "BD": (22.3, 23.9, 90.3, 91.9), "SK": (48.1, 49.2, 17.1, 21.3),
    "HR": (45.0, 45.9, 13.9, 16.1), "KE": (-1.4, -0.2, 36.1, 37.1),
}
SEA = {  # approaches of ports, for vessels
    "NO": (59.55, 59.85, 10.45, 10.70), "GR": (37.88, 37.94, 23.50, 23.62),
    "MY": (2.90, 3.02, 101.20, 101.35), "CN": (30.55, 30.65, 122.00, 122.20),
    "BD": (22.15, 22.25, 91.70, 91.82), "VN": (10.30, 10.45, 107.00, 107.10),
    "US": (41.85, 41.95, -87.60, -87.50), "DE": (53.55, 53.62, 9.80, 9.95),
}

SITES = {  # organisation sites (never a geolocation by the rules)
    "en": ["Lakeshore Mill 2", "Plant Kenosha", "DC-CHI-03", "Site US-WI-04"],
    "de": ["Werk Herzberg", "Standort Glashütte Süd", "RZ Nürnberg-2", "Werk 04"],
    "zh": ["佛山南海工厂", "苏州二厂", "宁波北仑仓", "CN-FS-01"],
    "ja": ["浜松工場", "帯広事業所", "中部第二センター", "JP-NGY-02"],
    "vi": ["Nhà máy Nhơn Trạch", "Xưởng Tân Uyên 2", "Cảng Cái Mép", "VN-DN-03"],
    "it": ["Cartiera di Porcari", "Stabilimento Vicenza 2", "Sito IT-LU-01", "Reparto PM3"],
    "uk": ["Комбінат Кривий Ріг", "Цех гарячої прокатки 2", "UA-KR-01", "Завод Дніпро-Схід"],
    "hu": ["Orosházi üveggyár", "Veszprémi telephely", "HU-OH-02", "B csarnok"],
    "ro": ["Combinatul Galați", "Fabrica Cluj Sud", "RO-GL-02", "Hala 3"],
    "fi": ["Kuusankosken tehdas", "Jyväskylän yksikkö", "FI-KV-01", "PK4 konesali"],
    "da": ["Fyns Mejeri Nord", "Ladeanlæg Vejle", "DK-OD-01", "Stald 2"],
    "nb": ["Sjursøya terminal", "Ladepark Gardermoen", "NO-OSL-02", "Kai 7"],
    "el": ["Εργαστήριο Θεσσαλονίκης", "Κτίριο Β Πειραιά", "GR-SKG-01", "Εργοστάσιο Πάτρας"],
    "he": ["מפעל כרמיאל", "אתר חיפה צפון", "IL-HFA-02", "אולם 4"],
    "fa": ["کارخانه اصفهان", "سایت شرق تهران", "IR-IFN-01", "سالن ۲"],
    "ms": ["Terminal Pelabuhan Klang Barat", "Kilang Pasir Gudang", "MY-PKG-01", "Loji Shah Alam"],
    "bn": ["চট্টগ্রাম টার্মিনাল", "গাজীপুর কারখানা", "BD-CTG-01", "ঢাকা জোন ৩"],
    "sk": ["Závod Žilina", "Baňa Handlová", "SK-ZA-01", "Hala C"],
    "hr": ["Tvornica Koromačno", "Pogon Pula", "HR-PU-02", "Kamenolom Sv. Juraj"],
    "sw": ["Kiwanda cha Nakuru", "Shamba la Njoro", "KE-NKR-01", "Ghala la Athi River"],
}

# ---------------------------------------------------------------- fragments in the record's language
# (operator, employee no., serial, MAC, source IP, position)

FRAG = {
    "en": ["(operator: {p})", "(emp no {e})", "(S/N {s})", "(MAC {m})", "from {ip}", "(GPS {la}, {lo})"],
    "de": ["(Bediener: {p})", "(Pers.-Nr. {e})", "(Seriennr. {s})", "(MAC {m})", "von {ip}", "(Position {la}, {lo})"],
    "zh": ["（操作员：{p}）", "（工号 {e}）", "（序列号 {s}）", "（MAC {m}）", "来自 {ip}", "（位置 {la},{lo}）"],
    "ja": ["（作業者: {p}）", "（社員番号 {e}）", "（製造番号 {s}）", "（MAC {m}）", "送信元 {ip}", "（位置 {la},{lo}）"],
    "vi": ["(người vận hành: {p})", "(mã NV {e})", "(số sê-ri {s})", "(MAC {m})", "từ {ip}", "(vị trí {la}, {lo})"],
    "it": ["(operatore: {p})", "(matricola {e})", "(n. di serie {s})", "(MAC {m})", "da {ip}", "(posizione {la}, {lo})"],
    "uk": ["(оператор: {p})", "(таб. № {e})", "(зав. № {s})", "(MAC {m})", "з {ip}", "(координати {la}, {lo})"],
    "hu": ["(kezelő: {p})", "(törzsszám {e})", "(gyári szám {s})", "(MAC-cím {m})", "forrás: {ip}", "(pozíció {la}, {lo})"],
    "ro": ["(operator: {p})", "(marca {e})", "(nr. serie {s})", "(adresa MAC {m})", "de la {ip}", "(coordonate {la}, {lo})"],
    "fi": ["(käyttäjä: {p})", "(henkilönro {e})", "(sarjanumero {s})", "(MAC-osoite {m})", "lähde {ip}", "(sijainti {la}, {lo})"],
    "da": ["(operatør: {p})", "(medarb.nr. {e})", "(serienr. {s})", "(MAC {m})", "fra {ip}", "(position {la}, {lo})"],
    "nb": ["(operatør: {p})", "(ansattnr. {e})", "(serienr. {s})", "(MAC {m})", "fra {ip}", "(posisjon {la}, {lo})"],
    "el": ["(χειριστής: {p})", "(αρ. μητρώου {e})", "(σειριακός αρ. {s})", "(MAC {m})", "από {ip}", "(θέση {la}, {lo})"],
    "he": ["(מפעיל: {p})", "(מס' עובד {e})", "(מס' סידורי {s})", "(MAC {m})", "מ-{ip}", "(מיקום {la}, {lo})"],
    "fa": ["(اپراتور: {p})", "(شماره پرسنلی {e})", "(شماره سریال {s})", "(MAC {m})", "از {ip}", "(موقعیت {la}, {lo})"],
    "ms": ["(operator: {p})", "(no. pekerja {e})", "(no. siri {s})", "(MAC {m})", "dari {ip}", "(lokasi {la}, {lo})"],
    "bn": ["(অপারেটর: {p})", "(কর্মী নং {e})", "(সিরিয়াল নং {s})", "(MAC {m})", "{ip} থেকে", "(অবস্থান {la}, {lo})"],
    "sk": ["(obsluha: {p})", "(osobné č. {e})", "(výrobné č. {s})", "(MAC {m})", "z {ip}", "(poloha {la}, {lo})"],
    "hr": ["(operater: {p})", "(matični br. {e})", "(serijski br. {s})", "(MAC {m})", "s {ip}", "(položaj {la}, {lo})"],
    "sw": ["(mwendeshaji: {p})", "(namba ya mfanyakazi {e})", "(namba ya serial {s})", "(MAC {m})", "kutoka {ip}", "(mahali {la}, {lo})"],
}
FRAG_FIELDS = ["operator", "emp_no", "serial", "mac", "src_ip", "pos"]
FRAG_CATS = ["personal", "personal", "device_id", "device_id", "network_id", "geolocation"]

LOOK_REF = {  # a look-alike as a reference in the text
    "en": "(ref. {x})", "de": "(Beleg {x})", "zh": "（单号 {x}）", "ja": "（伝票番号 {x}）",
    "vi": "(số chứng từ {x})", "it": "(rif. {x})", "uk": "(номер документа {x})",
    "hu": "(bizonylat {x})", "ro": "(nr. document {x})", "fi": "(viite {x})",
    "da": "(bilag {x})", "nb": "(referanse {x})", "el": "(αρ. παραστατικού {x})",
    "he": "(אסמכתא {x})", "fa": "(شماره مرجع {x})", "ms": "(no. rujukan {x})",
    "bn": "(রেফারেন্স {x})", "sk": "(č. dokladu {x})", "hr": "(br. dokumenta {x})",
    "sw": "(kumbukumbu {x})",
}
LOOK_FIELDS = ["doc_ref", "tracking_no", "barcode", "ticket", "awb", "ext_ref"]

# ---------------------------------------------------------------- secrets (random, shaped like real ones)

B64 = string.ascii_letters + string.digits + "+/"
B62 = string.ascii_letters + string.digits
B32 = string.ascii_uppercase + "234567"
HEX = "0123456789abcdef"


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(rng: random.Random, sub: str = "svc-gateway") -> str:
    head = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": _r(rng, HEX, 8)},
                             separators=(",", ":")).encode())
    body = b64url(json.dumps({"sub": sub, "iss": "https://idp.plant.example", "exp": 1741700000
                              + rng.randint(0, 99999), "scope": "telemetry.write"},
                             separators=(",", ":")).encode())
    return f"{head}.{body}.{b64url(bytes(rng.randrange(256) for _ in range(64)))}"


def password(rng: random.Random) -> str:
    words = ["Kivi", "Lumi", "Porto", "Tigre", "Vento", "Sokol", "Hegy", "Fjord", "Mare", "Zvezda"]
    return (rng.choice(words) + rng.choice(["#", "!", "$", "%", "_"]) + _d(rng, rng.randint(2, 4))
            + rng.choice(words).lower() + rng.choice(["", "!", "?"]))


SECRET_KINDS = ["aws", "ghp", "github_pat", "slack", "google", "hf", "openai", "npm", "vault",
                "sendgrid", "telegram", "azure_key", "twilio"]


def token(rng: random.Random, kind: str) -> str:
    if kind == "aws":
        return "AKIA" + _r(rng, B32, 16)
    if kind == "aws_secret":
        return _r(rng, B62 + "/+", 40)
    if kind == "ghp":
        return "ghp_" + _r(rng, B62, 36)
    if kind == "github_pat":
        return "github_pat_11" + _r(rng, B32, 20) + "_" + _r(rng, B62, 59)
    if kind == "slack":
        return f"xoxb-{_d(rng, 12)}-{_d(rng, 13)}-{_r(rng, B62, 24)}"
    if kind == "google":
        return "AIza" + _r(rng, B62 + "-_", 35)
    if kind == "hf":
        return "hf_" + _r(rng, string.ascii_letters, 34)
    if kind == "openai":
        return "sk-proj-" + _r(rng, B62 + "-_", 48)
    if kind == "npm":
        return "npm_" + _r(rng, B62, 36)
    if kind == "vault":
        return "hvs." + _r(rng, B62, 24)
    if kind == "sendgrid":
        return f"SG.{_r(rng, B62 + '-_', 22)}.{_r(rng, B62 + '-_', 43)}"
    if kind == "telegram":
        return f"{rng.randint(5000000000, 7999999999)}:AA{_r(rng, B62 + '-_', 33)}"
    if kind == "azure_key":
        return _r(rng, B64, 86) + "=="
    if kind == "twilio":
        return _r(rng, HEX, 32)
    if kind == "hex32":
        return _r(rng, HEX, 32).upper()
    if kind == "hex40":
        return _r(rng, HEX, 40)
    if kind == "b64_44":
        return _r(rng, B64, 43) + "="
    raise KeyError(kind)


# ---------------------------------------------------------------- noise (never a category)

THREADS = ["main", "worker-3", "pool-2-thread-7", "opc-poller-1", "scheduler", "ForkJoinPool-1-worker-5",
           "tokio-runtime-worker", "http-nio-8080-exec-4", "asyncio_0", "Timer-0"]


def noise(rng: random.Random) -> tuple[str, object]:
    k = rng.choice(["request_id", "trace_id", "span_id", "duration_ms", "build", "seq", "thread",
                    "digest", "correlation_id", "commit", "pod", "queue_depth", "retry"])
    v: object
    if k == "request_id":
        v = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    elif k == "trace_id":
        v = _r(rng, HEX, 32)
    elif k == "span_id":
        v = _r(rng, HEX, 16)
    elif k == "duration_ms":
        v = rng.randint(1, 4800)
    elif k == "build":
        v = f"{rng.randint(1, 12)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}.{rng.randint(100, 9999)}"
    elif k == "seq":
        v = rng.randint(1000, 999999)
    elif k == "thread":
        v = rng.choice(THREADS)
    elif k == "digest":
        v = "sha256:" + _r(rng, HEX, 64)
    elif k == "correlation_id":
        v = f"{_r(rng, HEX, 8)}-{_r(rng, HEX, 4)}"
    elif k == "commit":
        v = _r(rng, HEX, 40)
    elif k == "pod":
        v = f"{rng.choice(['ingest', 'api', 'rules', 'exporter'])}-{_r(rng, HEX[:10] + 'bcdfghjklmnpqrstvwxz', 10)}-{_r(rng, 'bcdfghjklmnpqrstvwxz2456789', 5)}"
    elif k == "queue_depth":
        v = rng.randint(0, 400)
    else:
        v = rng.randint(1, 5)
    return k, v


def _ssn(rng: random.Random) -> str:
    area = rng.choice([n for n in range(1, 900) if n != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


# ---------------------------------------------------------------- the generator templates use


class Gen:
    """Values for one record, in its language; remembers the sensitive kinds it gave."""

    def __init__(self, rng: random.Random, lang: str):
        self.rng = rng
        self.lang = lang
        self.country = COUNTRY[lang]
        self.kinds: set[str] = set()

    def _k(self, kind: str, v):
        self.kinds.add(kind)
        return v

    # numbers and choices
    def n(self, lo: float, hi: float, dp: int = 1) -> Num:
        return Num(self.rng.uniform(lo, hi), dp)

    def i(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def pick(self, seq):
        return self.rng.choice(seq)

    def hexs(self, n: int) -> str:
        return _r(self.rng, HEX, n)

    def digits(self, n: int) -> str:
        return _d(self.rng, n)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def version(self) -> str:
        return f"{self.i(1, 9)}.{self.i(0, 24)}.{self.i(0, 15)}"

    def build4(self) -> str:
        return f"{self.i(1, 12)}.{self.i(0, 9)}.{self.i(0, 30)}.{self.i(100, 9999)}"

    def sha(self, n: int = 64) -> str:
        return self.hexs(n)

    # people
    def _person(self, lang: str | None = None):
        return self.rng.choice(PEOPLE[lang or self.lang])

    def person(self, lang: str | None = None) -> str:
        return self._k("person", self._person(lang)[0])

    def people(self, n: int) -> list[str]:
        self.kinds.add("person")
        return [x[0] for x in self.rng.sample(PEOPLE[self.lang], n)]

    def login(self, lang: str | None = None) -> str:
        return self._k("login", self._person(lang)[1])

    def empno(self) -> str:
        return self._k("empno", _fill(self.rng.choice(EMPNO[self.lang]), self.rng))

    def badge(self) -> str:
        return self._k("badge", str(self.i(1000000, 9999999)))

    def phone(self, intl: bool | None = None) -> str:
        intl = self.rng.random() < 0.5 if intl is None else intl
        return self._k("phone", phone(self.rng, self.country, intl))

    def email(self) -> str:
        login = self._person()[1]
        if "." not in login:
            login = self._person()[1]
        return self._k("email", f"{login}@{self.rng.choice(DOMAINS[self.country])}")

    def natid(self) -> str:
        """A national id of the record's country, check digits right where it has them."""
        c, rng = self.country, self.rng
        if c == "IT":
            first, last = self.rng.choice([("Giulia", "Romano"), ("Marco", "Esposito"),
                                           ("Luca", "Colombo"), ("Chiara", "Marino")])
            v = ids.it_cf(rng, first, last, female=first in ("Giulia", "Chiara"))
        else:
            v = {"FI": ids.fi_hetu, "DK": ids.dk_cpr, "NO": ids.no_fnr, "GR": ids.gr_amka,
                 "IL": ids.il_id, "IR": ids.ir_code, "RO": ids.ro_cnp, "HU": ids.hu_taxid,
                 "SK": ids.sk_rc, "HR": ids.hr_oib, "UA": ids.ua_rnokpp, "CN": ids.cn_id,
                 "DE": ids.de_taxid, "JP": ids.mynumber, "VN": ids.vn_cccd, "MY": ids.my_mykad,
                 "BD": ids.bd_nid, "KE": ids.ke_id, "US": _ssn}[c](rng)
        return self._k("natid", v)

    def iban(self, grouped: bool = False) -> str:
        c = self.country if self.country in ("IT", "NO", "RO", "DE", "HU", "FI", "DK", "GR", "IL",
                                             "SK", "HR", "UA") else "DE"
        v = ids.iban(self.rng, c)
        return self._k("iban", ids.iban_grouped(v) if grouped else v)

    def card(self, grouped: bool = True) -> str:
        v = ids.card(self.rng)
        return self._k("card", ids.group4(v) if grouped and len(v) == 16 else v)

    # devices
    def serial(self) -> str:
        r = self.rng
        shape = r.randint(0, 6)
        v = [lambda: f"{r.randint(20, 24)}{r.choice('ABCDEFGH')}{_d(r, 7)}",
             lambda: f"{_r(r, string.ascii_uppercase, 2)}{_d(r, 8)}",
             lambda: f"{_d(r, 4)}-{_d(r, 5)}-{_r(r, string.ascii_uppercase, 1)}{_d(r, 2)}",
             lambda: f"S{_d(r, 2)}{_r(r, string.ascii_uppercase, 3)}{_d(r, 6)}",
             lambda: f"{_r(r, 'ABCDEFGHJKLMNPRSTUVWXYZ', 3)}{_d(r, 9)}",
             lambda: f"{_d(r, 10)}",
             lambda: f"{_r(r, string.ascii_uppercase, 1)}{_d(r, 3)}-{_r(r, string.ascii_uppercase + string.digits, 6)}"][shape]()
        return self._k("serial", v)

    def mac(self, notation: str | None = None) -> str:
        notation = notation or self.rng.choice(["colon", "colon", "lower", "dash", "cisco", "bare"])
        return self._k("mac", ids.mac(self.rng, notation))

    def imei(self) -> str:
        return self._k("imei", ids.imei(self.rng))

    def iccid(self) -> str:
        cc = {"NO": "47", "DK": "45", "MY": "60", "KE": "254", "IL": "972", "IR": "98",
              "BD": "880", "VN": "84", "JP": "81", "CN": "86", "DE": "49"}.get(self.country, "44")
        return self._k("iccid", ids.iccid(self.rng, cc))

    def imsi(self, plmn: str | None = None) -> str:
        plmn = plmn or self.rng.choice(["99970", "00101", "315010", "50219", "42503", "43235", "44010"])
        return self._k("imsi", ids.imsi(self.rng, plmn))

    def vin(self) -> str:
        return self._k("vin", ids.vin(self.rng))

    # network
    def ip(self, public: bool | None = None) -> str:
        r = self.rng
        if public or (public is None and r.random() < 0.25):
            a = r.choice([41, 78, 85, 91, 102, 151, 176, 185, 193, 212])
            return self._k("ip", f"{a}.{r.randint(1, 254)}.{r.randint(0, 254)}.{r.randint(1, 254)}")
        kind = r.randint(0, 2)
        if kind == 0:
            return self._k("ip", f"10.{r.randint(0, 250)}.{r.randint(0, 250)}.{r.randint(2, 250)}")
        if kind == 1:
            return self._k("ip", f"172.{r.randint(16, 31)}.{r.randint(0, 250)}.{r.randint(2, 250)}")
        return self._k("ip", f"192.168.{r.randint(0, 250)}.{r.randint(2, 250)}")

    def ip6(self) -> str:
        r = self.rng
        pre = r.choice(["fd12:3a4b:77", "2001:db8:4c", "fe80:"])
        if pre == "fe80:":
            return self._k("ip", f"fe80::{_r(r, HEX, 4)}:{_r(r, HEX, 2)}ff:fe{_r(r, HEX, 2)}:{_r(r, HEX, 4)}")
        return self._k("ip", f"{pre}{_r(r, HEX, 2)}:{r.randint(1, 99)}::{_r(r, HEX, 3)}")

    # places
    def pos(self, sea: bool = False, dp: int = 5) -> tuple[Num, Num]:
        box = (SEA.get(self.country) or SEA["NO"]) if sea else BOXES[self.country]
        la, lo = self.rng.uniform(box[0], box[1]), self.rng.uniform(box[2], box[3])
        self.kinds.add("pos")
        return Num(la, dp), Num(lo, dp)

    def dms(self) -> str:
        la, lo = self.pos()

        def one(x: float, pos: str, neg: str) -> str:
            a = abs(x)
            d, m = int(a), (a - int(a)) * 60
            return f"{d}°{int(m):02d}'{(m - int(m)) * 60:04.1f}\"{pos if x >= 0 else neg}"
        return f"{one(la.value, 'N', 'S')} {one(lo.value, 'E', 'W')}"

    def gll(self, hhmmss: str) -> str:
        la, lo = self.pos()
        return ids.nmea_gll(la.value, lo.value, hhmmss)

    def ais(self, mmsi: int, second: int) -> str:
        la, lo = self.pos(sea=True)
        return ids.ais_type1(mmsi, la.value, lo.value, round(self.rng.uniform(0.2, 14.5), 1),
                             round(self.rng.uniform(0, 359.9), 1), self.rng.randint(0, 359),
                             second, self.rng.choice("AB"))

    def geohash(self) -> str:
        la, lo = self.pos()
        base = "0123456789bcdefghjkmnpqrstuvwxyz"
        lat_r, lon_r, bits, even, out, ch = [-90.0, 90.0], [-180.0, 180.0], 0, True, "", 0
        while len(out) < 9:
            rng_, v = (lon_r, lo.value) if even else (lat_r, la.value)
            mid = (rng_[0] + rng_[1]) / 2
            if v >= mid:
                ch = ch * 2 + 1
                rng_[0] = mid
            else:
                ch = ch * 2
                rng_[1] = mid
            even, bits = not even, bits + 1
            if bits == 5:
                out, bits, ch = out + base[ch], 0, 0
        return out

    def address(self) -> str:
        return self._k("address", address(self.rng, self.country))

    # secrets
    def secret(self, kind: str | None = None) -> str:
        return self._k("secret", token(self.rng, kind or self.rng.choice(SECRET_KINDS)))

    def password(self) -> str:
        return self._k("secret", password(self.rng))

    def jwt(self) -> str:
        return self._k("secret", jwt(self.rng))

    def basic(self, user: str) -> str:
        return self._k("secret", base64.b64encode(f"{user}:{password(self.rng)}".encode()).decode())

    # sites, ids that are not personal
    def site(self) -> str:
        return self.rng.choice(SITES[self.lang])

    def container(self) -> str:
        return ids.container(self.rng)

    def order(self) -> str:
        return f"{self.pick(['PO', 'FA', 'WO', 'JOB', 'OP'])}-{self.i(2024, 2024)}{self.digits(5)}"

    def lot(self) -> str:
        return f"{self.pick(['L', 'B', 'CH', 'LOT'])}{self.digits(2)}{self.pick('ABCDEFGHJK')}{self.digits(4)}"
