"""Identifiers for the fixtures of set (c): valid ones and look-alikes with bad check digits.

Every function takes a `random.Random` and `valid`; with `valid=False` the value has the
shape of the real thing but its check digit (or check characters) is wrong, so that it is
not a valid identifier of that kind. `is_valid_*` are the checks themselves, used by
make.py to assert that what it writes is what it says it is.
"""

from __future__ import annotations

import random
import string

DIGITS = string.digits


def _digits(r: random.Random, n: int, first_nonzero: bool = False) -> str:
    s = "".join(r.choice(DIGITS) for _ in range(n))
    if first_nonzero and s[0] == "0":
        s = r.choice("123456789") + s[1:]
    return s


# ---------------------------------------------------------------------------- Luhn


def luhn_digit(payload: str) -> str:
    """The check digit to append to `payload`."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    digits = [c for c in number if c.isdigit()]
    return luhn_digit("".join(digits[:-1])) == digits[-1]


def _spoil(r: random.Random, digit: str) -> str:
    return r.choice([d for d in DIGITS if d != digit])


CARD_PREFIXES = [("4", 16), ("51", 16), ("53", 16), ("55", 16), ("2221", 16), ("62", 16),
                 ("4", 16), ("35", 16)]


def card(r: random.Random, valid: bool = True) -> str:
    prefix, n = r.choice(CARD_PREFIXES)
    body = prefix + _digits(r, n - len(prefix) - 1)
    check = luhn_digit(body)
    return body + (check if valid else _spoil(r, check))


def imei(r: random.Random, valid: bool = True) -> str:
    tac = r.choice(["35693803", "35328410", "86753104", "35404906", "86891403", "35290611"])
    body = tac + _digits(r, 6)
    check = luhn_digit(body)
    return body + (check if valid else _spoil(r, check))


def iccid(r: random.Random) -> str:
    body = r.choice(["8949", "8986", "8981", "8984"]) + _digits(r, 14)
    return body + luhn_digit(body)


# ---------------------------------------------------------------------------- IBAN

IBAN_BBAN = {  # country: BBAN layout (d digit, A upper letter)
    "DE": "dddddddddddddddddd",
    "AT": "dddddddddddddddd",
    "NL": "AAAAdddddddddd",
    "FR": "ddddddddddddddddddddddd",
    "GB": "AAAAdddddddddddddd",
}


def _iban_number(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s))


def iban(r: random.Random, valid: bool = True, country: str | None = None) -> str:
    country = country or r.choice(["DE", "DE", "DE", "AT", "NL", "FR", "GB"])
    bban = "".join(r.choice(DIGITS) if c == "d" else r.choice(string.ascii_uppercase)
                   for c in IBAN_BBAN[country])
    cd = 98 - _iban_number(bban + country + "00") % 97
    if not valid:
        cd = r.choice([x for x in range(2, 99) if x != cd])
    return f"{country}{cd:02d}{bban}"


def iban_ok(value: str) -> bool:
    s = value.replace(" ", "")
    return _iban_number(s[4:] + s[:4]) % 97 == 1


def group4(s: str) -> str:
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


# ---------------------------------------------------------------------------- national ids

CN_REGIONS = ["110105", "440305", "320506", "310115", "440106", "330106", "500103", "441900"]
CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_check(body17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, CN_WEIGHTS, strict=True)) % 11]


def cn_resident_id(r: random.Random, valid: bool = True) -> str:
    y = r.randint(1965, 2003)
    body = (r.choice(CN_REGIONS) + f"{y}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"
            + _digits(r, 3))
    check = cn_check(body)
    if not valid:
        check = r.choice([c for c in "0123456789X" if c != check])
    return body + check


def de_tax_check(body10: str) -> str:
    product = 10
    for c in body10:
        s = (int(c) + product) % 10
        if s == 0:
            s = 10
        product = (s * 2) % 11
    check = 11 - product
    return "0" if check == 10 else str(check)


def de_tax_id(r: random.Random, valid: bool = True) -> str:
    """Steuerliche Identifikationsnummer: 10 digits in which exactly one digit appears
    twice (the others once), the first not 0, then an ISO 7064 MOD 11,10 check digit.
    Look-alikes keep the structure and spoil the check digit; they never start with 1,
    so that they cannot be read as a Chinese mobile number either."""
    while True:
        pool = list(DIGITS)
        r.shuffle(pool)
        used = pool[:9]
        body = [*used, r.choice(used)]
        r.shuffle(body)
        if body[0] not in "01":
            break
    b = "".join(body)
    check = de_tax_check(b)
    return b + (check if valid else _spoil(r, check))


def jp_my_number_check(body11: str) -> str:
    total = 0
    for n, c in enumerate(reversed(body11), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += int(c) * q
    rem = total % 11
    return "0" if rem <= 1 else str(11 - rem)


def jp_my_number(r: random.Random, valid: bool = True) -> str:
    body = _digits(r, 11, first_nonzero=True)
    check = jp_my_number_check(body)
    return body + (check if valid else _spoil(r, check))


VN_PROVINCES = ["001", "079", "048", "074", "075", "031", "036", "092"]


def vn_citizen_id(r: random.Random) -> str:
    """CCCD: province code, century/sex digit, two-digit birth year, six digits (no
    check digit)."""
    return (r.choice(VN_PROVINCES) + r.choice("0123") + f"{r.randint(60, 99) % 100:02d}"
            + _digits(r, 6))


# ---------------------------------------------------------------------------- devices

VIN_VALUES = {**{str(i): i for i in range(10)},
              **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
              **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
              **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def vin(r: random.Random) -> str:
    wmi = r.choice(["WDB", "LSV", "JTD", "WVW", "LFV", "WF0", "RLH"])
    s = (wmi + "".join(r.choice(VIN_CHARS) for _ in range(5)) + "0"
         + r.choice("LMNPRS") + r.choice(VIN_CHARS) + _digits(r, 6))
    total = sum(VIN_VALUES[c] * w for c, w in zip(s, VIN_WEIGHTS, strict=True))
    check = "X" if total % 11 == 10 else str(total % 11)
    return s[:8] + check + s[9:]


OUIS = ["00:1b:1b", "00:0e:8c", "28:63:36", "00:e0:e4", "00:00:bc", "00:30:53", "00:d0:24",
        "b8:27:eb", "44:19:b6", "ac:1f:6b", "00:80:f4", "dc:a6:32"]


def mac(r: random.Random) -> str:
    raw = r.choice(OUIS).replace(":", "") + "".join(r.choice("0123456789abcdef")
                                                     for _ in range(6))
    style = r.randrange(5)
    if style == 0:
        return ":".join(raw[i:i + 2] for i in range(0, 12, 2))
    if style == 1:
        return "-".join(raw[i:i + 2] for i in range(0, 12, 2)).upper()
    if style == 2:
        return ".".join(raw[i:i + 4] for i in range(0, 12, 4))
    if style == 3:
        return ":".join(raw[i:i + 2] for i in range(0, 12, 2)).upper()
    return raw.upper()


def serial(r: random.Random) -> str:
    U = string.ascii_uppercase
    style = r.randrange(8)
    if style == 0:
        return f"{r.randint(10, 29)}{r.choice(U)}{r.randint(1, 9)}-{_digits(r, 4)}-{_digits(r, 4)}"
    if style == 1:
        return f"{r.choice(U)}{_digits(r, 2)}{r.choice(U)}{_digits(r, 5)}"
    if style == 2:
        return _digits(r, 8, first_nonzero=True)
    if style == 3:
        return f"{r.randint(1, 9)}{r.choice(U)}{_digits(r, 4)}{r.choice(U)}{r.choice(U)}" \
               f"{_digits(r, 4)}"
    if style == 4:
        return f"SN{r.randint(20, 24)}{r.randint(1, 12):02d}-{_digits(r, 6)}"
    if style == 5:
        return "".join(r.choice(U + DIGITS) for _ in range(12))
    if style == 6:
        return f"ST-{r.choice(U)}{r.choice(U)}{_digits(r, 7)}"
    return f"{r.choice(U)}{r.choice(U)}{_digits(r, 2)}{r.choice(U)}{_digits(r, 6)}"


# ---------------------------------------------------------------------------- network


def ipv4(r: random.Random, public: bool | None = None) -> str:
    if public is None:
        public = r.random() < 0.25
    if public:
        a = r.choice([203, 198, 81, 89, 175, 114, 61, 217, 93, 118])
        return f"{a}.{r.randint(1, 254)}.{r.randint(0, 254)}.{r.randint(1, 254)}"
    kind = r.randrange(3)
    if kind == 0:
        return f"192.168.{r.randint(0, 40)}.{r.randint(2, 250)}"
    if kind == 1:
        return f"10.{r.randint(0, 60)}.{r.randint(0, 30)}.{r.randint(2, 250)}"
    return f"172.{r.randint(16, 31)}.{r.randint(0, 30)}.{r.randint(2, 250)}"


def ipv6(r: random.Random) -> str:
    h = [f"{r.randint(0, 0xffff):x}" for _ in range(4)]
    if r.random() < 0.4:
        return f"fe80::{h[0]}:{h[1]}:{h[2]}:{h[3]}"
    return f"2001:db8:{r.randint(0, 0xfff):x}:{r.randint(1, 0xff):x}::{h[0]}"


# ---------------------------------------------------------------------------- secrets

B62 = string.ascii_letters + DIGITS


def token(r: random.Random, n: int, alphabet: str = B62) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


def aws_key_id(r: random.Random) -> str:
    return "AKIA" + token(r, 16, string.ascii_uppercase + "234567")


def jwt(r: random.Random) -> str:
    import base64
    import json

    def b64(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()) \
            .decode().rstrip("=")

    head = b64({"alg": "RS256", "typ": "JWT", "kid": token(r, 8)})
    body = b64({"sub": token(r, 10), "iat": 1714700000 + r.randint(0, 99999),
                "scope": r.choice(["ingest", "read:telemetry", "mes.write"])})
    return f"{head}.{body}.{token(r, 43, B62 + '-_')}"
