"""Identifiers with check digits, valid or deliberately not (written for set (d)).

Every function takes a `random.Random` and returns a string. The `bad_*` functions
return a value of the same shape whose check digit is wrong; `make.py` asserts both
ways with the `is_valid_*` functions.
"""

from __future__ import annotations

import random
import string

# ---------------------------------------------------------------- check-digit maths


def luhn_digit(body: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # the digit left of the check digit is doubled
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def luhn_ok(number: str) -> bool:
    digits = "".join(c for c in number if c.isdigit())
    return len(digits) > 1 and luhn_digit(digits[:-1]) == int(digits[-1])


def _other_digit(rng: random.Random, right: int) -> int:
    return rng.choice([d for d in range(10) if d != right])


def _iban_remainder(iban: str) -> int:
    s = iban.replace(" ", "")
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97


def iban_ok(iban: str) -> bool:
    return _iban_remainder(iban) == 1


CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CN_CHECK = "10X98765432"


def cn_check(body17: str) -> str:
    return CN_CHECK[sum(int(c) * w for c, w in zip(body17, CN_WEIGHTS, strict=True)) % 11]


def cn_ok(rid: str) -> bool:
    return len(rid) == 18 and cn_check(rid[:17]) == rid[17]


def mod11_10(body: str) -> int:
    product = 10
    for ch in body:
        s = (int(ch) + product) % 10
        if s == 0:
            s = 10
        product = (s * 2) % 11
    check = 11 - product
    return 0 if check == 10 else check


def de_tax_ok(tid: str) -> bool:
    d = tid.replace(" ", "")
    return len(d) == 11 and d[0] != "0" and mod11_10(d[:10]) == int(d[10])


def my_number_check(body11: str) -> int:
    total = 0
    for n in range(1, 12):
        p = int(body11[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    return 0 if r <= 1 else 11 - r


def my_number_ok(num: str) -> bool:
    d = num.replace(" ", "").replace("-", "")
    return len(d) == 12 and my_number_check(d[:11]) == int(d[11])


VIN_VALUES = {
    **{str(i): i for i in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def vin_check(vin: str) -> str:
    r = sum(VIN_VALUES[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True)) % 11
    return "X" if r == 10 else str(r)


def vin_ok(vin: str) -> bool:
    return len(vin) == 17 and vin_check(vin) == vin[8]


def kr_rrn_check(body12: str) -> int:
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return (11 - sum(int(c) * x for c, x in zip(body12, w, strict=True)) % 11) % 10


# ---------------------------------------------------------------- valid values


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


CARD_PREFIXES = ["4", "4", "51", "53", "55", "2221", "62", "3528", "3566"]


def card(rng: random.Random, valid: bool = True, grouped: bool | None = None) -> str:
    prefix = rng.choice(CARD_PREFIXES)
    body = prefix + _digits(rng, 15 - len(prefix))
    check = luhn_digit(body)
    if not valid:
        check = _other_digit(rng, check)
    num = body + str(check)
    if grouped is None:
        grouped = rng.random() < 0.6
    return " ".join(num[i : i + 4] for i in range(0, 16, 4)) if grouped else num


IBAN_BBAN = {"DE": 18, "AT": 16, "NL": None, "FR": None, "IT": None, "ES": 20, "GB": None}


def _bban(rng: random.Random, country: str) -> str:
    if country == "DE":
        return _digits(rng, 18)
    if country == "AT":
        return _digits(rng, 16)
    if country == "ES":
        return _digits(rng, 20)
    if country == "NL":
        return rng.choice(["INGB", "RABO", "ABNA"]) + _digits(rng, 10)
    if country == "FR":
        return _digits(rng, 10) + _digits(rng, 11) + _digits(rng, 2)
    if country == "IT":
        return rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + _digits(rng, 10) + _digits(rng, 12)
    if country == "GB":
        return rng.choice(["NWBK", "BARC", "HBUK"]) + _digits(rng, 14)
    raise ValueError(country)


def iban(
    rng: random.Random, country: str | None = None, valid: bool = True, grouped: bool | None = None
) -> str:
    country = country or rng.choice(["DE", "DE", "AT", "NL", "FR", "IT", "ES", "GB"])
    bban = _bban(rng, country)
    rem = _iban_remainder(country + "00" + bban)
    check = 98 - rem
    if not valid:
        check = rng.choice([c for c in range(2, 99) if c != check])
    s = f"{country}{check:02d}{bban}"
    if grouped is None:
        grouped = rng.random() < 0.6
    return " ".join(s[i : i + 4] for i in range(0, len(s), 4)) if grouped else s


CN_REGIONS = ["440305", "110105", "310115", "320583", "330106", "510107", "420111", "370202"]


def cn_resident_id(rng: random.Random, valid: bool = True) -> str:
    year = rng.randint(1966, 2003)
    body = (
        rng.choice(CN_REGIONS)
        + f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + _digits(rng, 3)
    )
    check = cn_check(body)
    if not valid:
        check = rng.choice([c for c in CN_CHECK if c != check])
    return body + check


def de_tax_id(rng: random.Random, valid: bool = True) -> str:
    while True:
        # ten digits: one digit twice, one missing, the first not 0
        digits = list(range(10))
        rng.shuffle(digits)
        nine = digits[1:]  # digits[0] is the one missing
        body = [*nine, rng.choice(nine)]  # nine distinct plus one repeated = 10 digits
        rng.shuffle(body)
        if body[0] == 0 or (not valid and body[0] == 1):
            continue
        b = "".join(map(str, body))
        check = mod11_10(b)
        if not valid:
            check = _other_digit(rng, check)
        return b + str(check)


def my_number(rng: random.Random, valid: bool = True) -> str:
    body = str(rng.randint(1, 9)) + _digits(rng, 10)
    check = my_number_check(body)
    if not valid:
        check = _other_digit(rng, check)
    return body + str(check)


TACS = ["35328111", "35467010", "86769204", "35895406", "86452103", "35209911", "86011804"]


def imei(rng: random.Random, valid: bool = True) -> str:
    body = rng.choice(TACS) + _digits(rng, 6)
    check = luhn_digit(body)
    if not valid:
        check = _other_digit(rng, check)
    return body + str(check)


def iccid(rng: random.Random) -> str:
    body = "89" + rng.choice(["49", "86", "81", "84", "33"]) + _digits(rng, 2) + _digits(rng, 12)
    return body + str(luhn_digit(body))


WMIS = ["WVW", "WBA", "WDD", "JTD", "LSV", "KMH", "VF1", "ZFA", "1FT", "5YJ"]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def vin(rng: random.Random) -> str:
    s = (
        rng.choice(WMIS)
        + "".join(rng.choice(VIN_CHARS) for _ in range(5))
        + "0"
        + rng.choice("LMNPRST")
        + rng.choice(VIN_CHARS)
        + _digits(rng, 6)
    )
    return s[:8] + vin_check(s) + s[9:]


def vn_cccd(rng: random.Random) -> str:
    year = rng.randint(1968, 2004)
    century = 0 if year < 2000 else 2
    return (
        rng.choice(["001", "079", "048", "031", "036", "092"])
        + str(century + rng.randint(0, 1))
        + f"{year % 100:02d}"
        + _digits(rng, 6)
    )


def kr_rrn(rng: random.Random) -> str:
    y, m, d = rng.randint(60, 99), rng.randint(1, 12), rng.randint(1, 28)
    body = f"{y:02d}{m:02d}{d:02d}" + str(rng.choice([1, 2])) + _digits(rng, 5)
    return f"{body[:6]}-{body[6:]}{kr_rrn_check(body)}"


def fr_nir(rng: random.Random) -> str:
    body = (
        str(rng.choice([1, 2]))
        + f"{rng.randint(60, 99):02d}{rng.randint(1, 12):02d}"
        + f"{rng.randint(1, 95):02d}"
        + _digits(rng, 3)
        + _digits(rng, 3)
    )
    key = 97 - int(body) % 97
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"


def mac(rng: random.Random, style: str | None = None) -> str:
    oui = rng.choice(
        [
            "00:1B:1B",
            "00:0E:8C",
            "00:30:DE",
            "28:63:36",
            "AC:64:17",
            "B8:27:EB",
            "00:80:F4",
            "E4:5F:01",
            "00:60:65",
            "40:8D:5C",
        ]
    )
    b = oui.split(":") + [f"{rng.randint(0, 255):02X}" for _ in range(3)]
    style = style or rng.choice(["colon", "colon_lower", "dash", "cisco"])
    if style == "colon":
        return ":".join(b)
    if style == "colon_lower":
        return ":".join(b).lower()
    if style == "dash":
        return "-".join(b)
    h = "".join(b).lower()
    return f"{h[0:4]}.{h[4:8]}.{h[8:12]}"
