"""Identifiers with check digits for set (f), implemented from the published algorithms.

Valid values (their check digits right) go into `personal` and `device_id` records; the
look-alikes (same shape, check digits deliberately wrong) into neutral places, flagged in
`labels.json` as `look`. `selftest()` checks every algorithm against published examples
and `make.py` runs it before writing anything.

Algorithms: Luhn (ISO/IEC 7812-1: payment cards, IMEI, ICCID, GR AMKA), ISO 13616 IBAN
(ISO 7064 MOD 97-10) with the Italian CIN and the Norwegian account MOD 11, GB 11643-1999
(CN resident id), ISO 7064 MOD 11,10 (DE Steuer-ID, HR OIB), the JP My Number check digit,
the IT codice fiscale check character (and the name, date and place parts), the FI
henkilötunnus (MOD 31), the DK CPR modulus 11, the NO fødselsnummer (two MOD 11 digits),
the IL Teudat Zehut check digit, the IR national code (MOD 11), the RO CNP (key
279146358279), the HU adóazonosító jel and TAJ szám, the SK rodné číslo (divisible by
11), the UA RNOKPP, ISO 3779 VIN check digit (position 9), ISO 6346 container numbers, and
ITU-R M.1371 AIS position reports armoured in NMEA 0183 `!AIVDM` sentences with their XOR
checksum.
"""

from __future__ import annotations

import datetime as dt
import random
import string

# ---------------------------------------------------------------- Luhn


def luhn_digit(body: str) -> str:
    """The Luhn check digit to append to `body` (digits)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # every second digit from the right, starting next to the check
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(s: str) -> bool:
    s = "".join(c for c in s if c.isdigit())
    return len(s) > 1 and luhn_digit(s[:-1]) == s[-1]


def _bad_digit(good: str, rng: random.Random) -> str:
    return rng.choice([d for d in "0123456789" if d != good])


# ---------------------------------------------------------------- payment cards

CARD_PREFIXES = {  # issuer identification (prefix, length)
    "visa": ("4", 16), "mastercard": ("5", 16), "mastercard2": ("22", 16),
    "amex": ("37", 15), "jcb": ("35", 16), "unionpay": ("62", 16), "discover": ("6011", 16),
    "maestro": ("6759", 16),
}


def card(rng: random.Random, brand: str | None = None, valid: bool = True) -> str:
    brand = brand or rng.choice(["visa", "mastercard", "mastercard2", "jcb", "unionpay",
                                 "visa", "mastercard"])
    prefix, length = CARD_PREFIXES[brand]
    if brand == "mastercard":
        prefix += str(rng.randint(1, 5))
    if brand == "mastercard2":
        prefix = str(rng.randint(2221, 2720))
    if brand == "jcb":
        prefix = str(rng.randint(3528, 3589))
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - 1 - len(prefix)))
    d = luhn_digit(body)
    return body + (d if valid else _bad_digit(d, rng))


def group4(s: str, sep: str = " ") -> str:
    return sep.join(s[i:i + 4] for i in range(0, len(s), 4))


# ---------------------------------------------------------------- IBAN


def _iban_num(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s))


def iban_ok(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    return len(s) > 4 and _iban_num(s[4:] + s[:4]) % 97 == 1


def iban_make(country: str, bban: str) -> str:
    check = 98 - _iban_num(bban + country + "00") % 97
    return f"{country}{check:02d}{bban}"


# Italian CIN (and codice fiscale) conversion tables: odd and even positions
_ODD = dict(zip(string.digits + string.ascii_uppercase,
                [1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
                 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16,
                 10, 22, 25, 24, 23], strict=True))
_EVEN = {**{d: int(d) for d in string.digits},
         **{c: i for i, c in enumerate(string.ascii_uppercase)}}


def _odd_even_char(s: str) -> str:
    """The check letter of the IT codice fiscale and bank CIN: odd (1-based) positions by
    the odd table, even ones by the even table, sum mod 26."""
    total = sum((_ODD if i % 2 == 0 else _EVEN)[c] for i, c in enumerate(s.upper()))
    return string.ascii_uppercase[total % 26]


def _no_account_digit(body10: str) -> str | None:
    w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    r = 11 - sum(int(a) * b for a, b in zip(body10, w, strict=True)) % 11
    if r == 11:
        return "0"
    return None if r == 10 else str(r)


BBAN_DIGITS = {"DE": 18, "HU": 24, "FI": 14, "DK": 14, "GR": 23, "IL": 19, "SK": 20,
               "HR": 17, "UA": 25}


def iban(rng: random.Random, country: str, valid: bool = True) -> str:
    def digits(n: int) -> str:
        return "".join(rng.choice(string.digits) for _ in range(n))

    if country == "IT":
        rest = digits(5) + digits(5) + digits(12)
        bban = _odd_even_char(rest) + rest
    elif country == "NO":
        while True:
            body = digits(10)
            d = _no_account_digit(body)
            if d is not None:
                bban = body + d
                break
    elif country == "RO":
        bban = rng.choice(["BTRL", "RNCB", "BRDE", "INGB"]) + digits(16)
    else:
        bban = digits(BBAN_DIGITS[country])
    out = iban_make(country, bban)
    if not valid:
        good = out[2:4]
        while out[2:4] == good:
            out = out[:2] + f"{rng.randint(2, 98):02d}" + out[4:]
        assert not iban_ok(out)
    return out


def iban_grouped(s: str) -> str:
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


# ---------------------------------------------------------------- CN resident id (GB 11643)

_CN_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_check(body17: str) -> str:
    return "10X98765432"[sum(int(a) * b for a, b in zip(body17, _CN_W, strict=True)) % 11]


def cn_id(rng: random.Random, valid: bool = True) -> str:
    area = rng.choice(["440605", "440304", "320506", "310115", "330106", "510107", "420106"])
    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randint(0, 13000))
    body = area + born.strftime("%Y%m%d") + f"{rng.randint(0, 999):03d}"
    c = cn_check(body)
    if not valid:
        c = rng.choice([x for x in "0123456789X" if x != c])
    return body + c


# ---------------------------------------------------------------- ISO 7064 MOD 11,10


def mod11_10_digit(body: str) -> str:
    product = 10
    for ch in body:
        s = (int(ch) + product) % 10 or 10
        product = (2 * s) % 11
    return str((11 - product) % 10)


def de_taxid(rng: random.Random, valid: bool = True) -> str:
    """Steuer-ID: 11 digits, first not 0, among the first ten exactly one digit repeated
    (twice or three times), check digit ISO 7064 MOD 11,10. Look-alikes never start
    with 1 (no Chinese mobile number)."""
    while True:
        first = rng.choice("23456789" if not valid else "123456789")
        rest = [first, *[rng.choice(string.digits) for _ in range(9)]]
        counts = sorted((rest.count(d) for d in set(rest)), reverse=True)
        if counts[0] in (2, 3) and counts[1] == 1:
            break
    body = "".join(rest)
    d = mod11_10_digit(body)
    return body + (d if valid else _bad_digit(d, rng))


def hr_oib(rng: random.Random, valid: bool = True) -> str:
    body = rng.choice("123456789") + "".join(rng.choice(string.digits) for _ in range(9))
    if not valid:
        body = rng.choice("23456789") + body[1:]
    d = mod11_10_digit(body)
    return body + (d if valid else _bad_digit(d, rng))


# ---------------------------------------------------------------- JP My Number


def mynumber_digit(body11: str) -> str:
    total = 0
    for n, ch in enumerate(reversed(body11), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += int(ch) * q
    r = total % 11
    return "0" if r <= 1 else str(11 - r)


def mynumber(rng: random.Random, valid: bool = True) -> str:
    body = rng.choice("123456789") + "".join(rng.choice(string.digits) for _ in range(10))
    d = mynumber_digit(body)
    return body + (d if valid else _bad_digit(d, rng))


# ---------------------------------------------------------------- IMEI, ICCID, IMSI, MAC

TACS = ["35332811", "86475203", "35920611", "86769104", "35407115", "86073604", "35875309"]


def imei(rng: random.Random, valid: bool = True) -> str:
    body = rng.choice(TACS) + "".join(rng.choice(string.digits) for _ in range(6))
    d = luhn_digit(body)
    return body + (d if valid else _bad_digit(d, rng))


def iccid(rng: random.Random, cc: str = "45") -> str:
    body = "89" + cc + "".join(rng.choice(string.digits) for _ in range(17 - len(cc)))
    return body + luhn_digit(body)


def imsi(rng: random.Random, plmn: str = "99970") -> str:
    return plmn + "".join(rng.choice(string.digits) for _ in range(15 - len(plmn)))


OUIS = ["00:1B:1B", "28:63:36", "00:30:DE", "00:60:65", "B8:27:EB", "DC:A6:32", "00:0E:8C",
        "AC:64:17", "70:B3:D5", "00:80:F4", "E4:5F:01", "3C:71:BF", "24:0A:C4", "00:1D:9C"]


def mac(rng: random.Random, notation: str = "colon") -> str:
    raw = rng.choice(OUIS).replace(":", "") + "".join(rng.choice("0123456789ABCDEF")
                                                     for _ in range(6))
    if notation == "colon":
        return ":".join(raw[i:i + 2] for i in range(0, 12, 2))
    if notation == "lower":
        return ":".join(raw[i:i + 2] for i in range(0, 12, 2)).lower()
    if notation == "dash":
        return "-".join(raw[i:i + 2] for i in range(0, 12, 2))
    if notation == "cisco":
        r = raw.lower()
        return ".".join(r[i:i + 4] for i in range(0, 12, 4))
    return raw  # bare


# ---------------------------------------------------------------- VIN (ISO 3779)

_VIN_VAL = {**{str(d): d for d in range(10)},
            **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
            **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
            **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def vin_digit(vin: str) -> str:
    r = sum(_VIN_VAL[c] * w for c, w in zip(vin, _VIN_W, strict=True)) % 11
    return "X" if r == 10 else str(r)


def vin(rng: random.Random) -> str:
    wmi = rng.choice(["WVW", "WBA", "VF1", "ZFA", "TMB", "YV1", "JTD", "LSV", "1FT", "KMH"])
    vds = "".join(rng.choice(VIN_CHARS) for _ in range(5))
    vis = rng.choice("RSTVWXY123456789") + rng.choice(VIN_CHARS) + "".join(
        rng.choice(string.digits) for _ in range(6))
    v = wmi + vds + "0" + vis
    return v[:8] + vin_digit(v) + v[9:]


# ---------------------------------------------------------------- ISO 6346 container numbers


def _iso6346_values() -> dict[str, int]:
    out, n = {}, 10
    for c in string.ascii_uppercase:
        if n % 11 == 0:
            n += 1
        out[c] = n
        n += 1
    return {**out, **{d: int(d) for d in string.digits}}


_ISO6346 = _iso6346_values()


def iso6346_digit(body10: str) -> str:
    total = sum(_ISO6346[c] * 2 ** i for i, c in enumerate(body10))
    return str(total % 11 % 10)


def container(rng: random.Random) -> str:
    """An ISO 6346 container number (owner code, U, serial, check digit), as `MSKU 734112 5`
    is usually written without spaces but for the check digit."""
    owner = rng.choice(["MSK", "TRI", "CAI", "SEG", "MNB", "TGH", "CMA"])
    body = owner + "U" + "".join(rng.choice(string.digits) for _ in range(6))
    return f"{body[:4]} {body[4:]} {iso6346_digit(body)}"


# ---------------------------------------------------------------- national ids


def _born(rng: random.Random, lo: int = 1962, hi: int = 2003) -> dt.date:
    start = dt.date(lo, 1, 1)
    return start + dt.timedelta(days=rng.randint(0, (dt.date(hi, 12, 31) - start).days))


HETU_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def fi_hetu_char(ddmmyy: str, nnn: str) -> str:
    return HETU_CHARS[int(ddmmyy + nnn) % 31]


def fi_hetu(rng: random.Random) -> str:
    b = _born(rng)
    ddmmyy = b.strftime("%d%m%y")
    sep = "-" if b.year < 2000 else "A"
    nnn = f"{rng.randint(2, 899):03d}"
    return f"{ddmmyy}{sep}{nnn}{fi_hetu_char(ddmmyy, nnn)}"


_CPR_W = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]


def dk_cpr_ok(s: str) -> bool:
    d = s.replace("-", "")
    return sum(int(a) * b for a, b in zip(d, _CPR_W, strict=True)) % 11 == 0


def dk_cpr(rng: random.Random) -> str:
    while True:
        b = _born(rng)
        s = b.strftime("%d%m%y") + f"{rng.randint(0, 3999):04d}"
        if dk_cpr_ok(s):
            return s[:6] + "-" + s[6:]


def no_fnr_digits(body9: str) -> str | None:
    d = [int(c) for c in body9]
    w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
    k1 = 11 - sum(a * b for a, b in zip(d, w1, strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10:
        return None
    w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    k2 = 11 - sum(a * b for a, b in zip([*d, k1], w2, strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    if k2 == 10:
        return None
    return f"{k1}{k2}"


def no_fnr(rng: random.Random) -> str:
    while True:
        b = _born(rng, 1962, 1999)
        body = b.strftime("%d%m%y") + f"{rng.randint(0, 499):03d}"
        k = no_fnr_digits(body)
        if k:
            return body + k


def gr_amka(rng: random.Random) -> str:
    body = _born(rng).strftime("%d%m%y") + f"{rng.randint(0, 9999):04d}"
    return body + luhn_digit(body)


def il_id_digit(body8: str) -> str:
    total = 0
    for i, ch in enumerate(body8):
        d = int(ch) * (1 if i % 2 == 0 else 2)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def il_id(rng: random.Random, valid: bool = True) -> str:
    body = rng.choice("23") + "".join(rng.choice(string.digits) for _ in range(7))
    d = il_id_digit(body)
    return body + (d if valid else _bad_digit(d, rng))


def ir_code_digit(body9: str) -> str:
    s = sum(int(c) * (10 - i) for i, c in enumerate(body9))
    r = s % 11
    return str(r if r < 2 else 11 - r)


def ir_code(rng: random.Random) -> str:
    body = rng.choice(["001", "002", "127", "128", "446", "063"]) + "".join(
        rng.choice(string.digits) for _ in range(6))
    return body + ir_code_digit(body)


_CNP_KEY = "279146358279"


def ro_cnp_digit(body12: str) -> str:
    r = sum(int(a) * int(b) for a, b in zip(body12, _CNP_KEY, strict=True)) % 11
    return "1" if r == 10 else str(r)


def ro_cnp(rng: random.Random, valid: bool = True) -> str:
    b = _born(rng)
    s = (1 if b.year < 2000 else 5) + rng.randint(0, 1)
    body = f"{s}{b.strftime('%y%m%d')}{rng.randint(1, 46):02d}{rng.randint(1, 999):03d}"
    d = ro_cnp_digit(body)
    return body + (d if valid else _bad_digit(d, rng))


def hu_taxid_digit(body9: str) -> str | None:
    r = sum(int(c) * i for i, c in enumerate(body9, start=1)) % 11
    return None if r == 10 else str(r)


def hu_taxid(rng: random.Random) -> str:
    while True:
        days = (_born(rng) - dt.date(1867, 1, 1)).days
        body = f"8{days:05d}{rng.randint(0, 999):03d}"
        d = hu_taxid_digit(body)
        if d is not None:
            return body + d


def hu_taj_digit(body8: str) -> str:
    return str(sum(int(c) * (3 if i % 2 == 0 else 7) for i, c in enumerate(body8)) % 10)


def hu_taj(rng: random.Random) -> str:
    body = "".join(rng.choice(string.digits) for _ in range(8))
    s = body + hu_taj_digit(body)
    return f"{s[:3]} {s[3:6]} {s[6:]}"


def sk_rc(rng: random.Random) -> str:
    while True:
        b = _born(rng, 1962, 2003)
        month = b.month + (50 if rng.random() < 0.5 else 0)
        head = f"{b.year % 100:02d}{month:02d}{b.day:02d}"
        tail = f"{rng.randint(0, 999):03d}"
        for last in range(10):
            n = int(head + tail + str(last))
            if n % 11 == 0:
                return f"{head}/{tail}{last}"


_UA_W = [-1, 5, 7, 9, 4, 6, 10, 5, 7]


def ua_rnokpp_digit(body9: str) -> str:
    return str(sum(int(a) * b for a, b in zip(body9, _UA_W, strict=True)) % 11 % 10)


def ua_rnokpp(rng: random.Random) -> str:
    days = (_born(rng) - dt.date(1899, 12, 31)).days
    body = f"{days:05d}{rng.randint(0, 9999):04d}"
    return body + ua_rnokpp_digit(body)


# IT codice fiscale

_MONTHS = "ABCDEHLMPRST"


def _cf_consonants(s: str) -> tuple[str, str]:
    s = "".join(c for c in s.upper() if c.isalpha())
    return ("".join(c for c in s if c not in "AEIOU"), "".join(c for c in s if c in "AEIOU"))


def cf_surname(s: str) -> str:
    c, v = _cf_consonants(s)
    return (c + v + "XXX")[:3]


def cf_name(s: str) -> str:
    c, v = _cf_consonants(s)
    if len(c) >= 4:
        c = c[0] + c[2] + c[3]
    return (c + v + "XXX")[:3]


def cf_check(body15: str) -> str:
    return _odd_even_char(body15)


COMUNI = ["F205", "H501", "L219", "L840", "E715", "F839", "A794", "D969", "G224"]


def it_cf(rng: random.Random, first: str, last: str, female: bool = False) -> str:
    b = _born(rng)
    day = b.day + (40 if female else 0)
    body = (cf_surname(last) + cf_name(first) + f"{b.year % 100:02d}" + _MONTHS[b.month - 1]
            + f"{day:02d}" + rng.choice(COMUNI))
    return body + cf_check(body)


def vn_cccd(rng: random.Random) -> str:
    b = _born(rng)
    g = (0 if b.year < 2000 else 2) + rng.randint(0, 1)
    return (rng.choice(["001", "079", "048", "031", "074", "075"]) + str(g)
            + f"{b.year % 100:02d}" + "".join(rng.choice(string.digits) for _ in range(6)))


def my_mykad(rng: random.Random) -> str:
    b = _born(rng)
    return f"{b.strftime('%y%m%d')}-{rng.choice(['14', '10', '07', '08', '01'])}-" \
           f"{rng.randint(1000, 9999)}"


def bd_nid(rng: random.Random) -> str:
    return rng.choice("123456789") + "".join(rng.choice(string.digits) for _ in range(9))


def ke_id(rng: random.Random) -> str:
    return str(rng.randint(21000000, 39999999))


# ---------------------------------------------------------------- AIS (ITU-R M.1371)

_ARMOUR = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"


def nmea_checksum(body: str) -> str:
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"{x:02X}"


def _bits(value: int, n: int) -> str:
    return format(value & ((1 << n) - 1), f"0{n}b")


def ais_type1(mmsi: int, lat: float, lon: float, sog_kn: float, cog: float, hdg: int,
              second: int, channel: str = "A") -> str:
    """A position report (message type 1) as an `!AIVDM` sentence."""
    bits = (_bits(1, 6) + _bits(0, 2) + _bits(mmsi, 30) + _bits(0, 4) + _bits(-128, 8)
            + _bits(round(sog_kn * 10), 10) + _bits(0, 1)
            + _bits(round(lon * 600000), 28) + _bits(round(lat * 600000), 27)
            + _bits(round(cog * 10), 12) + _bits(hdg, 9) + _bits(second, 6) + _bits(0, 2)
            + _bits(0, 3) + _bits(0, 1) + _bits(0, 19))
    assert len(bits) == 168
    payload = "".join(_ARMOUR[int(bits[i:i + 6], 2)] for i in range(0, 168, 6))
    body = f"AIVDM,1,1,,{channel},{payload},0"
    return f"!{body}*{nmea_checksum(body)}"


def ais_decode(sentence: str) -> dict:
    body, cs = sentence[1:].split("*")
    assert nmea_checksum(body) == cs, sentence
    payload = body.split(",")[5]
    bits = "".join(format(_ARMOUR.index(c), "06b") for c in payload)

    def u(a: int, n: int) -> int:
        return int(bits[a:a + n], 2)

    def s(a: int, n: int) -> int:
        v = u(a, n)
        return v - (1 << n) if v >= 1 << (n - 1) else v

    return {"type": u(0, 6), "mmsi": u(8, 30), "lon": s(61, 28) / 600000,
            "lat": s(89, 27) / 600000, "sog": u(50, 10) / 10}


def nmea_gll(lat: float, lon: float, hhmmss: str, talker: str = "GN") -> str:
    la = f"{int(abs(lat)):02d}{(abs(lat) % 1) * 60:08.5f}"
    lo = f"{int(abs(lon)):03d}{(abs(lon) % 1) * 60:08.5f}"
    body = (f"{talker}GLL,{la},{'N' if lat >= 0 else 'S'},{lo},{'E' if lon >= 0 else 'W'},"
            f"{hhmmss}.00,A,A")
    return f"${body}*{nmea_checksum(body)}"


# ---------------------------------------------------------------- selftest

PUBLISHED = {
    "luhn": ["79927398713", "490154203237518"],  # ISO 7812 example, IMEI (Wikipedia)
    "iban": ["GB82WEST12345698765432", "DE89370400440532013000",
             "IT60X0542811101000000123456", "NO9386011117947", "FI2112345600000785",
             "DK5000400440116243", "HU42117730161111101800000000",
             "RO49AAAA1B31007593840000", "GR1601101250000000012300695",
             "SK3112000000198742637541", "HR1210010051863000160",
             "IL620108000000099999999", "UA213223130000026007233566001"],
    "cn": ["11010519491231002X"],
    "de_taxid": ["86095742719"],
    "mynumber": ["123456789018"],
    "fi_hetu": ["131052-308T"],
    "it_cf": ["RSSMRA85T10A562S"],
    "il_id": ["000000018", "123456782"],
    "ro_cnp": ["1800101221144"],
    "dk_cpr": ["070761-4285"],
    "hu_taj": ["111111110"],
    "no_fnr": ["15076500565"],  # a test number NAV and Skatteetaten documents use
    "hr_oib": ["69435151530"],  # the Croatian tax administration's worked example
    "ir_code": ["0499370899"],
    "vin": ["1M8GDM9AXKP042788"],
    "iso6346": ["CSQU3054383"],  # the standard's worked example
    "ais": ["!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0*5C"],
}


def selftest() -> None:
    for s in PUBLISHED["luhn"]:
        assert luhn_ok(s), s
    for s in PUBLISHED["iban"]:
        assert iban_ok(s), s
    assert _odd_even_char("0542811101000000123456") == "X"  # the CIN of the IT example
    assert _no_account_digit("8601111794") == "7"  # NO9386011117947: account 8601 11 17947
    for s in PUBLISHED["cn"]:
        assert cn_check(s[:17]) == s[17], s
    for s in PUBLISHED["de_taxid"]:
        assert mod11_10_digit(s[:10]) == s[10], s
    for s in PUBLISHED["mynumber"]:
        assert mynumber_digit(s[:11]) == s[11], s
    for s in PUBLISHED["fi_hetu"]:
        assert fi_hetu_char(s[:6], s[7:10]) == s[10], s
    for s in PUBLISHED["it_cf"]:
        assert cf_check(s[:15]) == s[15], s
        assert cf_surname("Rossi") == "RSS" and cf_name("Mario") == "MRA"
    for s in PUBLISHED["il_id"]:
        assert il_id_digit(s[:8]) == s[8], s
    for s in PUBLISHED["ro_cnp"]:
        assert ro_cnp_digit(s[:12]) == s[12], s
    for s in PUBLISHED["dk_cpr"]:
        assert dk_cpr_ok(s), s
    for s in PUBLISHED["hu_taj"]:
        assert hu_taj_digit(s[:8]) == s[8], s
    for s in PUBLISHED["no_fnr"]:
        assert no_fnr_digits(s[:9]) == s[9:], s
    for s in PUBLISHED["hr_oib"]:
        assert mod11_10_digit(s[:10]) == s[10], s
    for s in PUBLISHED["ir_code"]:
        assert ir_code_digit(s[:9]) == s[9], s
    for s in PUBLISHED["vin"]:
        assert vin_digit(s) == s[8], s
    for s in PUBLISHED["iso6346"]:
        assert iso6346_digit(s[:10]) == s[10], s
    for s in PUBLISHED["ais"]:
        d = ais_decode(s)
        assert d["type"] == 1 and d["mmsi"] == 477553000, d
    # round trips of what this module makes
    rng = random.Random(7)
    for _ in range(200):
        assert luhn_ok(card(rng)) and not luhn_ok(card(rng, valid=False))
        assert luhn_ok(imei(rng)) and not luhn_ok(imei(rng, valid=False))
        for cc in ("IT", "NO", "RO", "DE", "HU", "FI", "DK", "GR", "IL", "SK", "HR", "UA"):
            assert iban_ok(iban(rng, cc)) and not iban_ok(iban(rng, cc, valid=False))
        c = cn_id(rng)
        assert cn_check(c[:17]) == c[17]
        c = cn_id(rng, valid=False)
        assert cn_check(c[:17]) != c[17]
        t = de_taxid(rng, valid=False)
        assert mod11_10_digit(t[:10]) != t[10] and t[0] != "1"
        m = mynumber(rng, valid=False)
        assert mynumber_digit(m[:11]) != m[11] and m[0] != "0"
        v = vin(rng)
        assert vin_digit(v) == v[8]
        lat, lon = rng.uniform(-60, 70), rng.uniform(-170, 170)
        d = ais_decode(ais_type1(257000000 + rng.randint(0, 99999), lat, lon, 12.3, 45.0,
                                 44, 30))
        assert abs(d["lat"] - lat) < 1e-5 and abs(d["lon"] - lon) < 1e-5
        f = no_fnr(rng)
        assert no_fnr_digits(f[:9]) == f[9:]
        r = ro_cnp(rng, valid=False)
        assert ro_cnp_digit(r[:12]) != r[12]
        i = il_id(rng, valid=False)
        assert il_id_digit(i[:8]) != i[8]
        assert int(sk_rc(rng).replace("/", "")) % 11 == 0
        h = hu_taxid(rng)
        assert hu_taxid_digit(h[:9]) == h[9]
        u = ua_rnokpp(rng)
        assert ua_rnokpp_digit(u[:9]) == u[9]
        ir = ir_code(rng)
        assert ir_code_digit(ir[:9]) == ir[9]
        o = hr_oib(rng)
        assert mod11_10_digit(o[:10]) == o[10]
        g = gr_amka(rng)
        assert luhn_ok(g)
        assert luhn_ok(iccid(rng))


if __name__ == "__main__":
    selftest()
    print("ids selftest ok")
