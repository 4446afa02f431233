"""Identifiers with check digits for set (e), valid or deliberately not.

Every generator takes a `random.Random` and returns a string; `valid=False` returns a
value of the same shape whose check digit(s) are wrong (the `ok_*` predicates say which).
Implemented from the published algorithms (Luhn, ISO 7064 MOD 97-10 and MOD 11,10,
GB 11643-1999, the My Number rule, PESEL, the Dutch 11-proef, the Turkish TC Kimlik No,
Verhoeff for Aadhaar, the Thai id, SNILS, ISO 3779 for VINs); `selftest()` checks them
against published examples.
"""

from __future__ import annotations

import random
import string

# ------------------------------------------------------------------ primitives


def luhn_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def ok_luhn(number: str) -> bool:
    digits = "".join(c for c in number if c.isdigit())
    return len(digits) > 1 and luhn_digit(digits[:-1]) == digits[-1]


def _wrong(right: str, rng: random.Random, alphabet: str = string.digits) -> str:
    return rng.choice([c for c in alphabet if c != right])


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


# ------------------------------------------------------------------ payment cards

CARD_PREFIXES = [  # (prefix, length): Visa, Mastercard (51-55, 2221-2720), Amex, Discover,
    ("4", 16), ("4", 16), ("51", 16), ("53", 16), ("55", 16), ("2221", 16), ("2720", 16),
    ("34", 15), ("37", 15), ("6011", 16), ("3528", 16), ("3589", 16), ("62", 16),  # JCB, UPI
    ("2200", 16), ("2202", 16), ("9792", 16),  # Mir, Troy
]


def card(rng: random.Random, valid: bool = True, grouped: bool | None = None) -> str:
    prefix, n = rng.choice(CARD_PREFIXES)
    body = prefix + _digits(rng, n - len(prefix) - 1)
    check = luhn_digit(body)
    number = body + (check if valid else _wrong(check, rng))
    if grouped is None:
        grouped = rng.random() < 0.5
    if not grouped:
        return number
    if n == 15:
        return f"{number[:4]} {number[4:10]} {number[10:]}"
    sep = rng.choice([" ", " ", "-"])
    return sep.join(number[i:i + 4] for i in range(0, 16, 4))


# ------------------------------------------------------------------ IBAN

IBAN_BBAN = {  # country: (length of the BBAN, its shape: 9 digit, A letter)
    "PL": "9" * 24, "NL": "AAAA" + "9" * 10, "TR": "9" * 5 + "0" + "9" * 16,
    "SE": "9" * 20, "CZ": "9" * 20, "DE": "9" * 18, "SA": "99" + "9" * 18,
    "AE": "9" * 19, "GB": "AAAA" + "9" * 14, "BE": "9" * 12,
}


def _iban_check(country: str, bban: str) -> str:
    s = bban + country + "00"
    num = "".join(str(int(c, 36)) for c in s)
    return f"{98 - int(num) % 97:02d}"


def ok_iban(iban: str) -> bool:
    s = iban.replace(" ", "")
    num = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return int(num) % 97 == 1


def iban(rng: random.Random, country: str | None = None, valid: bool = True,
         grouped: bool | None = None) -> str:
    country = country or rng.choice(sorted(IBAN_BBAN))
    shape = IBAN_BBAN[country]
    banks = {"NL": ["INGB", "RABO", "ABNA", "TRIO"], "GB": ["NWBK", "BARC", "LOYD", "HBUK"]}
    bban = ""
    if shape.startswith("AAAA"):
        bban = rng.choice(banks[country])
        shape = shape[4:]
    bban += "".join("0" if c == "0" else rng.choice(string.digits) for c in shape)
    check = _iban_check(country, bban)
    if not valid:
        check = f"{(int(check) + rng.randint(1, 90)) % 97 + 2:02d}"
        if check == _iban_check(country, bban):
            check = f"{(int(check) + 1) % 97 + 2:02d}"
    out = country + check + bban
    if grouped is None:
        grouped = rng.random() < 0.6
    return " ".join(out[i:i + 4] for i in range(0, len(out), 4)) if grouped else out


# ------------------------------------------------------------------ national ids

CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CN_AREAS = ["110105", "310115", "440305", "320583", "510107", "330106", "420111", "210202"]


def cn_check(first17: str) -> str:
    return "10X98765432"[sum(int(a) * b for a, b in zip(first17, CN_WEIGHTS, strict=False)) % 11]


def ok_cn(v: str) -> bool:
    return len(v) == 18 and cn_check(v[:17]) == v[17]


def _date(rng: random.Random, lo: int = 1962, hi: int = 2003) -> tuple[int, int, int]:
    return rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28)


def cn_id(rng: random.Random, valid: bool = True) -> str:
    y, m, d = _date(rng)
    body = f"{rng.choice(CN_AREAS)}{y}{m:02d}{d:02d}{rng.randint(10, 999):03d}"
    check = cn_check(body)
    return body + (check if valid else _wrong(check, rng, "0123456789X"))


def mod11_10(digits: str) -> str:
    product = 10
    for ch in digits:
        s = (int(ch) + product) % 10 or 10
        product = (s * 2) % 11
    check = 11 - product
    return "0" if check == 10 else str(check)


def de_taxid(rng: random.Random, valid: bool = True) -> str:
    """German Steuer-ID: 10 digits, no leading 0, one digit twice, then MOD 11,10.
    Look-alikes never start with 1 (an 11-digit number from 1 reads as a CN mobile)."""
    while True:
        pool = rng.sample(string.digits, 9)
        dup = rng.choice(pool)
        ten = [*pool, dup]
        rng.shuffle(ten)
        body = "".join(ten)
        if body[0] != "0" and (valid or body[0] != "1"):
            break
    check = mod11_10(body)
    return body + (check if valid else _wrong(check, rng))


def mynumber_check(first11: str) -> str:
    total = 0
    for n, ch in enumerate(reversed(first11), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += int(ch) * q
    r = total % 11
    return "0" if r <= 1 else str(11 - r)


def mynumber(rng: random.Random, valid: bool = True) -> str:
    body = str(rng.randint(1, 9)) + _digits(rng, 10)
    check = mynumber_check(body)
    return body + (check if valid else _wrong(check, rng))


def pesel(rng: random.Random, valid: bool = True) -> str:
    y, m, d = _date(rng, 1960, 2005)
    mm = m + (20 if y >= 2000 else 0)
    body = f"{y % 100:02d}{mm:02d}{d:02d}{_digits(rng, 4)}"
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    check = str((10 - sum(int(a) * b for a, b in zip(body, w, strict=False)) % 10) % 10)
    return body + (check if valid else _wrong(check, rng))


def ok_pesel(v: str) -> bool:
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    total = sum(int(a) * b for a, b in zip(v, w, strict=False))
    return len(v) == 11 and str((10 - total % 10) % 10) == v[10]


def bsn(rng: random.Random, valid: bool = True) -> str:
    """Dutch BSN: 9 digits passing the 11-proef (sum of d_i * (9..2) - d_9 divisible by 11)."""
    while True:
        body = str(rng.randint(1, 6)) + _digits(rng, 7)
        s = sum(int(c) * w for c, w in zip(body, range(9, 1, -1), strict=False))
        last = s % 11
        if last <= 9:
            break
    return body + (str(last) if valid else _wrong(str(last), rng))


def ok_bsn(v: str) -> bool:
    return len(v) == 9 and (sum(int(c) * w for c, w in zip(v, range(9, 1, -1), strict=False))
                            - int(v[8])) % 11 == 0


def tckn(rng: random.Random, valid: bool = True) -> str:
    d = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d11 = (sum(d) + d10) % 10
    if not valid:
        d11 = (d11 + rng.randint(1, 9)) % 10
    return "".join(map(str, d)) + str(d10) + str(d11)


def ok_tckn(v: str) -> bool:
    d = [int(c) for c in v]
    return (len(d) == 11 and d[0] != 0
            and d[9] == ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
            and d[10] == sum(d[:10]) % 10)


def se_pnr(rng: random.Random, valid: bool = True) -> str:
    """Swedish personnummer YYMMDD-NNNC, Luhn over the nine digits before C."""
    y, m, d = _date(rng)
    body = f"{y % 100:02d}{m:02d}{d:02d}{_digits(rng, 3)}"
    check = luhn_digit(body)
    check = check if valid else _wrong(check, rng)
    return f"{body[:6]}-{body[6:]}{check}"


def cz_rc(rng: random.Random) -> str:
    """Czech rodné číslo (after 1954): YYMMDD/NNNN, the 10 digits divisible by 11 (women:
    month + 50)."""
    while True:
        y, m, d = _date(rng, 1960, 1999)
        mm = m + (50 if rng.random() < 0.5 else 0)
        first9 = f"{y % 100:02d}{mm:02d}{d:02d}{_digits(rng, 3)}"
        c = int(first9) % 11
        if c != 10:
            return f"{first9[:6]}/{first9[6:]}{c}"


# Verhoeff (Aadhaar)
_VD = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
       [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
       [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
       [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
       [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_VP = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
       [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
       [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
       [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
_VINV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_digit(payload: str) -> str:
    c = 0
    for i, ch in enumerate(reversed(payload)):
        c = _VD[c][_VP[(i + 1) % 8][int(ch)]]
    return str(_VINV[c])


def ok_verhoeff(v: str) -> bool:
    c = 0
    for i, ch in enumerate(reversed(v)):
        c = _VD[c][_VP[i % 8][int(ch)]]
    return c == 0


def aadhaar(rng: random.Random, valid: bool = True) -> str:
    body = str(rng.randint(2, 9)) + _digits(rng, 10)
    check = verhoeff_digit(body)
    v = body + (check if valid else _wrong(check, rng))
    return f"{v[:4]} {v[4:8]} {v[8:]}"


def thai_id(rng: random.Random) -> str:
    body = str(rng.randint(1, 8)) + _digits(rng, 11)
    check = (11 - sum(int(c) * (13 - i) for i, c in enumerate(body)) % 11) % 10
    v = body + str(check)
    return f"{v[0]}-{v[1:5]}-{v[5:10]}-{v[10:12]}-{v[12]}"


def ok_thai(v: str) -> bool:
    s = v.replace("-", "")
    return (11 - sum(int(c) * (13 - i) for i, c in enumerate(s[:12])) % 11) % 10 == int(s[12])


def emirates_id(rng: random.Random) -> str:
    y, _, _ = _date(rng)
    body = f"784{y}{_digits(rng, 7)}"
    return f"784-{y}-{body[7:14]}-{luhn_digit(body)}"


def snils(rng: random.Random) -> str:
    while True:
        body = _digits(rng, 9)
        if int(body) > 1001998:
            break
    s = sum(int(c) * (9 - i) for i, c in enumerate(body))
    if s > 101:
        s %= 101
    check = 0 if s in (100, 101) else s
    return f"{body[:3]}-{body[3:6]}-{body[6:]} {check:02d}"


def ok_snils(v: str) -> bool:
    s = v.replace("-", "").replace(" ", "")
    t = sum(int(c) * (9 - i) for i, c in enumerate(s[:9]))
    if t > 101:
        t %= 101
    return (0 if t in (100, 101) else t) == int(s[9:])


# ------------------------------------------------------------------ device ids

TACS = ["35332510", "35875409", "86094503", "86769104", "35291011", "01325800", "35693803"]


def imei(rng: random.Random, valid: bool = True) -> str:
    body = rng.choice(TACS) + _digits(rng, 6)
    check = luhn_digit(body)
    return body + (check if valid else _wrong(check, rng))


def iccid(rng: random.Random) -> str:
    body = "89" + rng.choice(["48", "31", "90", "46", "420", "7", "91", "62"]) + _digits(rng, 14)
    body = body[:18]
    return body + luhn_digit(body)


_VIN_VAL = {**{str(i): i for i in range(10)},
            **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
            **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7,
            "R": 9, **dict(zip("STUVWXYZ", range(2, 10), strict=False))}
_VIN_W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


def vin_check(v: str) -> str:
    r = sum(_VIN_VAL[c] * w for c, w in zip(v, _VIN_W, strict=False)) % 11
    return "X" if r == 10 else str(r)


def vin(rng: random.Random) -> str:
    wmi = rng.choice(["WVW", "TMB", "SUF", "YV1", "NMT", "LRW", "JTD", "MAT", "WBA", "5YJ"])
    rest = "".join(rng.choice(VIN_CHARS) for _ in range(14))
    v = wmi + rest[:5] + "0" + rest[6:]
    return v[:8] + vin_check(v) + v[9:]


def mac(rng: random.Random, style: str | None = None) -> str:
    oui = rng.choice(["00:1B:1B", "00:0E:8C", "28:63:36", "00:80:F4", "B8:27:EB", "00:30:DE",
                      "AC:64:17", "00:1D:9C", "E4:5F:01", "00:60:35"])
    b = oui.split(":") + [f"{rng.randrange(256):02X}" for _ in range(3)]
    style = style or rng.choice(["colon", "colon", "dash", "lower", "cisco"])
    if style == "dash":
        return "-".join(b)
    if style == "lower":
        return ":".join(b).lower()
    if style == "cisco":
        s = "".join(b).lower()
        return f"{s[:4]}.{s[4:8]}.{s[8:]}"
    return ":".join(b)


# ------------------------------------------------------------------ look-alikes

LOOK_KINDS = ["card", "iban", "cn_id", "de_taxid", "imei", "mynumber"]


def lookalike(rng: random.Random, kind: str) -> str:
    if kind == "card":
        v = card(rng, valid=False)
        assert not ok_luhn(v)
    elif kind == "iban":
        v = iban(rng, valid=False)
        assert not ok_iban(v)
    elif kind == "cn_id":
        v = cn_id(rng, valid=False)
        assert not ok_cn(v)
    elif kind == "de_taxid":
        v = de_taxid(rng, valid=False)
        assert mod11_10(v[:10]) != v[10] and v[0] != "1"
    elif kind == "imei":
        v = imei(rng, valid=False)
        assert not ok_luhn(v)
    elif kind == "mynumber":
        v = mynumber(rng, valid=False)
        assert mynumber_check(v[:11]) != v[11] and v[0] != "0"
    else:
        raise ValueError(kind)
    return v


def selftest() -> None:
    assert ok_cn("11010519491231002X")
    assert mod11_10("8609574271") == "9"  # 86095742719
    assert mynumber_check("12345678901") == "8"  # 123456789018
    assert ok_iban("DE89370400440532013000") and ok_iban("GB82 WEST 1234 5698 7654 32")
    assert ok_iban("NL91ABNA0417164300") and ok_iban("PL61109010140000071219812874")
    assert ok_iban("TR330006100519786457841326") and ok_iban("SA0380000000608010167519")
    assert vin_check("1M8GDM9AXKP042788") == "X"
    assert ok_luhn("4539 1488 0343 6467") and ok_luhn("490154203237518")  # a card, an IMEI
    assert ok_pesel("44051401359")
    assert ok_bsn("111222333")
    assert ok_tckn("10000000146")
    assert verhoeff_digit("236") == "3" and ok_verhoeff("2363")
    assert ok_snils("112-233-445 95")
    assert ok_luhn("8112189876")  # Swedish personnummer 811218-9876


if __name__ == "__main__":
    selftest()
    print("ok")
