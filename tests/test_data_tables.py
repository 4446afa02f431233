"""Consistency checks for the data tables the Rust engine embeds.

The files live in rust/borderscan-core/data/ and are compiled into the binary
with include_str!, so a mistake there (an unknown country code, a group cycle,
a CIDR with host bits set) would only show up as a panic at run time. These
tests read them with the standard library alone and fail early instead.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import tomllib
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "rust" / "borderscan-core" / "data"
INDETERMINATE = "indeterminate"
GROUP_NAME = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
REGION_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
HOST_GLOB = re.compile(r"^[a-z0-9*]([a-z0-9*.-]*[a-z0-9])?$")


def load_toml(name: str) -> dict:
    with (DATA / name).open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def countries() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (DATA / "countries.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, name = line.split("\t")
        assert code not in out, f"duplicate country {code}"
        out[code] = name
    return out


@pytest.fixture(scope="module")
def groups() -> dict:
    return load_toml("groups.toml")


@pytest.fixture(scope="module")
def tld() -> dict:
    return load_toml("tld.toml")


@pytest.fixture(scope="module")
def cloud() -> dict:
    return load_toml("cloud_regions.toml")


@pytest.fixture(scope="module")
def providers(cloud: dict) -> dict[str, dict]:
    return {p["id"]: p for p in cloud["provider"]}


def expand(name: str, table: dict, stack: tuple[str, ...] = ()) -> set[str]:
    """Members of group `name` with "@OTHER" includes resolved; raises on cycles."""
    if name in stack:
        raise ValueError("group cycle: " + " -> ".join((*stack, name)))
    out: set[str] = set()
    for member in table[name]["members"]:
        if member.startswith("@"):
            inner = member[1:]
            if inner not in table:
                raise KeyError(f"unknown group @{inner} in {name}")
            out |= expand(inner, table, (*stack, name))
        else:
            out.add(member)
    return out


def under_suffix(host: str, suffix: str) -> bool:
    return host == suffix or host.endswith("." + suffix)


def find_region(prefix: str, regions: dict[str, str]) -> str | None:
    """The longest region code bounded by label edges or '-' (see the file header)."""
    best = None
    for label in prefix.split("."):
        parts = label.split("-")
        for start in range(len(parts)):
            for end in range(start + 1, len(parts) + 1):
                cand = "-".join(parts[start:end])
                if cand in regions and (best is None or len(cand) > len(best)):
                    best = cand
    return best


# --- countries.tsv ----------------------------------------------------------


def test_countries_are_the_249_iso_codes(countries: dict[str, str]) -> None:
    assert len(countries) == 249
    assert list(countries) == sorted(countries)
    for code, name in countries.items():
        assert re.fullmatch(r"[A-Z]{2}", code), code
        assert name.strip() == name and name, code
    for code in ("DE", "CN", "JP", "VN", "US", "GB", "HK", "TW", "MO", "TL"):
        assert code in countries
    assert "XK" not in countries  # Kosovo: user-assigned, not ISO 3166-1
    assert "EU" not in countries  # exceptionally reserved, not a country


def test_countries_header_names_source_and_date() -> None:
    header = [
        line
        for line in (DATA / "countries.tsv").read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    ]
    text = "\n".join(header)
    assert "pycountry" in text
    assert "2026-11-23" in text
    assert "ISO 3166-1" in text


# --- groups.toml ------------------------------------------------------------


def test_groups_updated(groups: dict) -> None:
    assert isinstance(groups["updated"], dt.date)


def test_group_members_are_known(groups: dict, countries: dict[str, str]) -> None:
    table = groups["group"]
    for name, spec in table.items():
        assert GROUP_NAME.match(name), name
        assert spec["description"] and spec["source"].startswith("https://"), name
        assert spec["members"], name
        assert len(spec["members"]) == len(set(spec["members"])), f"duplicate member in {name}"
        for m in spec["members"]:
            if m.startswith("@"):
                assert m[1:] in table, f"{name}: unknown group {m}"
            else:
                assert m in countries, f"{name}: unknown country {m}"


def test_group_references_resolve_without_cycles(groups: dict) -> None:
    table = groups["group"]
    for name in table:
        expand(name, table)


def test_cycle_detection_works() -> None:
    table = {"A": {"members": ["@B"]}, "B": {"members": ["@A"]}}
    with pytest.raises(ValueError, match="cycle"):
        expand("A", table)


def test_group_sizes(groups: dict) -> None:
    table = groups["group"]
    assert len(expand("EU", table)) == 27
    eea = expand("EEA", table)
    assert len(eea) == 30
    assert {"IS", "LI", "NO", "DE"} <= eea
    asean = expand("ASEAN", table)
    assert len(asean) == 11
    assert {"VN", "TL"} <= asean
    assert expand("JP_APPI_EQUIVALENT", table) == eea | {"GB"}
    adequacy = expand("EU_ADEQUACY", table)
    assert len(adequacy) == 15
    assert {"JP", "KR", "GB", "CH", "CA", "BR"} <= adequacy
    assert "US" not in adequacy  # DPF covers certified organisations only
    assert not adequacy & expand("EU", table)


# --- tld.toml ---------------------------------------------------------------


def test_tld_table(tld: dict, countries: dict[str, str]) -> None:
    assert isinstance(tld["updated"], dt.date)
    assert tld["source"]
    generic = tld["generic"]
    assert len(generic) == len(set(generic))
    for t in generic:
        assert re.fullmatch(r"[a-z]{2}", t), t
    for t in ("io", "co", "ai", "tv", "me", "cc", "fm", "ws", "gg", "ly"):
        assert t in generic
    aliases = tld["aliases"]
    assert aliases["uk"] == "GB"
    for key, code in aliases.items():
        assert key == key.lower() and re.fullmatch(r"[a-z0-9-]+", key), key
        assert code in countries, f"alias {key}: unknown country {code}"
        # An alias must not shadow the ISO meaning of a two-letter TLD.
        assert key.upper() not in countries, key
    for key, value in tld["regional"].items():
        assert key == key.lower(), key
        assert value == INDETERMINATE, key
    assert "eu" in tld["regional"]
    assert "asia" in tld["regional"]
    keys = [set(generic), set(aliases), set(tld["regional"])]
    assert not (keys[0] & keys[1] or keys[0] & keys[2] or keys[1] & keys[2])


# --- cloud_regions.toml -----------------------------------------------------


def test_cloud_header(cloud: dict) -> None:
    assert isinstance(cloud["updated"], dt.date)
    assert len(cloud["sources"]) >= len(cloud["provider"])
    assert all(s.startswith("https://") for s in cloud["sources"])


def test_providers(providers: dict[str, dict], countries: dict[str, str]) -> None:
    assert {"aws", "azure", "gcp", "alibaba", "tencent", "huawei", "oracle"} <= set(providers)
    seen_suffixes: dict[str, str] = {}
    for pid, p in providers.items():
        assert p["name"], pid
        suffixes = p["suffixes"]
        assert suffixes, pid
        for s in suffixes:
            assert HOST.match(s), f"{pid}: bad suffix {s}"
            assert s not in seen_suffixes, f"suffix {s} in {pid} and {seen_suffixes.get(s)}"
            seen_suffixes[s] = pid
        for s, code in p.get("suffix_country", {}).items():
            assert s in suffixes, f"{pid}: suffix_country {s} not in suffixes"
            assert code in countries, f"{pid}: {s} -> {code}"
        for pattern, code in p.get("global", {}).items():
            assert HOST_GLOB.match(pattern), f"{pid}: bad global {pattern}"
            bare = pattern.removeprefix("*.")
            assert any(under_suffix(bare, s) for s in suffixes), f"{pid}: {pattern} not covered"
            assert code == INDETERMINATE or code in countries, f"{pid}: {pattern} -> {code}"
        regions = p["regions"]
        assert len(regions) >= 5, pid
        for region, code in regions.items():
            assert REGION_CODE.match(region), f"{pid}: bad region code {region}"
            assert code in countries, f"{pid}: {region} -> {code}"


def test_no_duplicate_region_codes_within_a_provider() -> None:
    # tomllib already rejects duplicate keys; this says where, should one appear.
    text = (DATA / "cloud_regions.toml").read_text(encoding="utf-8")
    section = ""
    seen: dict[str, set[str]] = {}
    provider_no = 0
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line == "[[provider]]":
            provider_no += 1
        if line.startswith("["):
            section = f"{provider_no}:{line}"
            continue
        if section.endswith("[provider.regions]") and "=" in line:
            key = line.split("=", 1)[0].strip().strip('"')
            assert key not in seen.setdefault(section, set()), f"duplicate region {key}"
            seen[section].add(key)
    assert len(seen) == provider_no


def test_region_spot_checks(providers: dict[str, dict]) -> None:
    def region(pid: str, code: str) -> str:
        return providers[pid]["regions"][code]

    assert region("aws", "eu-central-1") == "DE"
    assert region("aws", "cn-north-1") == "CN"
    assert region("aws", "cn-northwest-1") == "CN"
    assert region("aws", "us-gov-west-1") == "US"
    assert region("aws", "ap-southeast-1") == "SG"
    assert region("alibaba", "cn-hangzhou") == "CN"
    assert region("alibaba", "cn-hongkong") == "HK"
    assert region("gcp", "europe-west3") == "DE"
    assert region("gcp", "asia-northeast1") == "JP"
    assert region("azure", "germanywestcentral") == "DE"
    assert region("azure", "westeurope") == "NL"
    assert region("azure", "northeurope") == "IE"
    assert region("azure", "chinaeast2") == "CN"
    assert region("tencent", "ap-guangzhou") == "CN"
    assert region("huawei", "cn-north-4") == "CN"
    assert region("huawei", "ap-southeast-1") == "HK"  # differs from AWS on purpose
    assert region("oracle", "eu-frankfurt-1") == "DE"
    assert providers["aws"]["suffix_country"]["amazonaws.com.cn"] == "CN"
    assert providers["gcp"]["global"]["storage.googleapis.com"] == INDETERMINATE


@pytest.mark.parametrize(
    ("pid", "host", "expected"),
    [
        ("aws", "bucket.s3.eu-central-1.amazonaws.com", "eu-central-1"),
        ("aws", "bucket.s3-eu-west-1.amazonaws.com", "eu-west-1"),
        ("gcp", "europe-west10-docker.pkg.dev", "europe-west10"),
        ("gcp", "europe-west1-docker.pkg.dev", "europe-west1"),
        ("alibaba", "oss-cn-hangzhou-internal.aliyuncs.com", "cn-hangzhou"),
        ("alibaba", "ecs.cn-shanghai-finance-1.aliyuncs.com", "cn-shanghai-finance-1"),
        ("huawei", "ecs.cn-north-11.myhuaweicloud.com", "cn-north-11"),
        ("azure", "westeurope-5.in.applicationinsights.azure.com", "westeurope"),
        ("azure", "x.westus2.cloudapp.azure.com", "westus2"),
    ],
)
def test_documented_region_matching(
    providers: dict[str, dict], pid: str, host: str, expected: str
) -> None:
    """The boundary and longest-match rule described in the file header."""
    assert find_region(host, providers[pid]["regions"]) == expected


def test_indeterminate(cloud: dict, providers: dict[str, dict]) -> None:
    ind = cloud["indeterminate"]
    assert ind["description"]
    assert ind["sources"]
    hosts = ind["hosts"]
    assert len(hosts) == len(set(hosts))
    suffixes = [s for p in providers.values() for s in p["suffixes"]]
    for h in hosts:
        assert HOST_GLOB.match(h), h
        # CDN patterns are checked before providers; they must not shadow one.
        assert not any(under_suffix(h.removeprefix("*."), s) for s in suffixes), h
    for h in ("*.cloudfront.net", "*.akamaiedge.net", "*.fastly.net", "*.azureedge.net"):
        assert h in hosts
    cidrs = ind["cidrs"]
    assert len(cidrs) == len(set(cidrs))
    nets = [ipaddress.ip_network(c, strict=True) for c in cidrs]
    assert any(n.version == 6 for n in nets)
    for ip in ("1.1.1.1", "8.8.8.8", "9.9.9.9", "104.16.1.1", "2001:4860:4860::8888"):
        addr = ipaddress.ip_address(ip)
        assert any(addr in n for n in nets), ip
    for n in nets:
        assert n.is_global, f"{n} is not a public range"
