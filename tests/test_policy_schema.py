"""The policy JSON Schema, the built-in policy presets and each other.

Editors (Taplo, VS Code) validate policy files against
python/borderscan/schemas/policy.schema.json; the Rust parser is the final
judge. These tests keep the schema itself valid, every preset valid against it
(including the commented-out example exceptions, which users uncomment), and
make sure the schema rejects clearly broken policies.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "python" / "borderscan" / "schemas" / "policy.schema.json"
POLICY_DIR = ROOT / "rust" / "borderscan-core" / "policies"
COUNTRIES_TSV = ROOT / "rust" / "borderscan-core" / "data" / "countries.tsv"
GROUPS_TOML = ROOT / "rust" / "borderscan-core" / "data" / "groups.toml"
PRESETS = sorted(POLICY_DIR.glob("*.toml"))

SCHEMA_ID = "https://borderscan.dev/schemas/policy.schema.json"
TAPLO_DIRECTIVE = f"#:schema {SCHEMA_ID}"
BUILTIN_GROUPS = {"EU", "EEA", "EU_ADEQUACY", "ASEAN", "JP_APPI_EQUIVALENT"}
EXPECTED_PRESETS = {"default", "cn-industrial-export", "eu-gdpr", "jp-appi", "vn-pdp"}


def as_json(value: Any) -> Any:
    """A parsed TOML document as JSON data: TOML dates become ISO 8601 strings.

    That is what TOML editors do before they apply a JSON Schema (Taplo maps a
    local date to a string with format "date").
    """
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date | dt.time):  # dt.datetime is a dt.date
        return value.isoformat()
    return value


def load_toml(text: str) -> Any:
    return as_json(tomllib.loads(text))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    cls = jsonschema.Draft202012Validator
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def error_report(validator: Any, doc: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, err.absolute_path)) or '<root>'}: {err.message}"
        for err in validator.iter_errors(doc)
    ]


# ---------------------------------------------------------------------------
# The schema itself
# ---------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    jsonschema.Draft202012Validator.check_schema(schema)


def _property_schemas(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every schema that describes a named property, anywhere in the schema."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{path}/properties/{name}", sub
        for key, sub in node.items():
            yield from _property_schemas(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _property_schemas(sub, f"{path}/{i}")


def test_every_property_has_a_title_and_description(schema: dict[str, Any]) -> None:
    # Editors show these on hover and in completion; a $ref alone would show
    # the generic text of the definition, so each property carries its own.
    missing = [
        path
        for path, sub in _property_schemas(schema, "#")
        if not (sub.get("description") and (sub.get("title") or "$ref" in sub))
    ]
    assert not missing, missing
    for name, sub in schema["$defs"].items():
        assert sub.get("title") and sub.get("description"), f"$defs/{name}"


def test_schema_reserves_the_builtin_group_names(schema: dict[str, Any]) -> None:
    reserved = schema["properties"]["groups"]["propertyNames"]["not"]["enum"]
    assert set(reserved) == BUILTIN_GROUPS
    if GROUPS_TOML.exists():  # the engine's table of built-in groups
        assert (
            set(tomllib.loads(GROUPS_TOML.read_text(encoding="utf-8"))["group"]) == BUILTIN_GROUPS
        )


# ---------------------------------------------------------------------------
# The presets
# ---------------------------------------------------------------------------


def test_all_presets_are_present() -> None:
    assert {p.stem for p in PRESETS} >= EXPECTED_PRESETS


@pytest.fixture(params=PRESETS, ids=[p.stem for p in PRESETS])
def preset(request: pytest.FixtureRequest) -> tuple[Path, str, Any]:
    path: Path = request.param
    text = path.read_text(encoding="utf-8")
    return path, text, load_toml(text)


def test_preset_is_valid(validator: Any, preset: tuple[Path, str, Any]) -> None:
    _, _, doc = preset
    assert error_report(validator, doc) == []


def test_preset_starts_with_the_taplo_schema_directive(preset: tuple[Path, str, Any]) -> None:
    _, text, _ = preset
    assert text.splitlines()[0] == TAPLO_DIRECTIVE


def test_preset_is_named_after_its_file(preset: tuple[Path, str, Any]) -> None:
    path, _, doc = preset
    assert doc["name"] == path.stem


def test_preset_cites_official_texts(preset: tuple[Path, str, Any]) -> None:
    _, _, doc = preset
    urls = [m for s in doc["sources"] for m in re.findall(r"https://\S+", s)]
    assert urls, "every preset cites at least one text by its address"
    for url in urls:
        assert not url.endswith((",", ".", ")")), url


def test_preset_rule_ids_are_unique(preset: tuple[Path, str, Any]) -> None:
    _, _, doc = preset
    ids = [rule["id"] for rule in doc["rule"]]
    assert len(ids) == len(set(ids)), ids


def _members(doc: dict[str, Any]) -> Iterator[str]:
    for members in doc.get("groups", {}).values():
        yield from members
    for rule in doc["rule"]:
        for key in ("origins", "allow", "deny"):
            yield from rule.get(key, [])
    for exc in doc.get("exception", []):
        for key in ("origins", "destinations"):
            yield from exc.get(key, [])


def test_preset_groups_and_countries_exist(preset: tuple[Path, str, Any]) -> None:
    _, _, doc = preset
    groups = BUILTIN_GROUPS | set(doc.get("groups", {}))
    assigned = None
    if COUNTRIES_TSV.exists():
        lines = COUNTRIES_TSV.read_text(encoding="utf-8").splitlines()
        assigned = {ln.split("\t")[0] for ln in lines if ln and not ln.startswith("#")}
    for member in _members(doc):
        if member in ("@origin", "@any"):
            continue
        if member.startswith("@"):
            assert member[1:] in groups, member
        elif assigned is not None:
            assert member in assigned, member


def _commented_exceptions(text: str) -> list[str]:
    """The commented-out [[exception]] examples of a preset, uncommented."""
    blocks: list[str] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.strip() == "# [[exception]]":
            current = []
            blocks.append("")
        if current is not None:
            if line.startswith("# ") or line == "#":
                current.append(line[2:])
                blocks[-1] = "\n".join(current) + "\n"
            else:
                current = None
    return blocks


def test_preset_example_exceptions_are_valid(validator: Any, preset: tuple[Path, str, Any]) -> None:
    path, text, _ = preset
    examples = _commented_exceptions(text)
    if path.stem == "default":
        assert not examples
        return
    assert examples, "presets show how to record an approved transfer"
    for example in examples:
        doc = load_toml(text + "\n" + example)
        assert error_report(validator, doc) == []
        rule_ids = {rule["id"] for rule in doc["rule"]}
        for exc in doc["exception"]:
            assert exc["rule"] in rule_ids


def test_default_preset_is_data_stays_in_origin_country() -> None:
    doc = load_toml((POLICY_DIR / "default.toml").read_text(encoding="utf-8"))
    rules = {rule["id"]: rule for rule in doc["rule"]}
    assert list(rules) == [
        "secrets-never-sent",
        "personal-in-country",
        "identifiers-in-country",
        "industrial-in-country",
    ]
    secrets = rules["secrets-never-sent"]
    assert secrets["categories"] == ["secret"]
    assert secrets["deny"] == ["@any"]
    assert secrets["severity"] == "critical"
    assert secrets["unknown_destination"] == "violation"
    expected = {
        "personal-in-country": ({"personal"}, "high"),
        "identifiers-in-country": ({"device_id", "network_id", "geolocation"}, "medium"),
        "industrial-in-country": (
            {"calibration", "sensor", "diagnostic", "operational", "quality", "model"},
            "low",
        ),
    }
    for rule_id, (categories, severity) in expected.items():
        rule = rules[rule_id]
        assert set(rule["categories"]) == categories
        assert rule["allow"] == ["@origin"]
        assert rule["severity"] == severity
        assert "origins" not in rule


def test_complete_examples_in_the_docs_are_valid(validator: Any) -> None:
    text = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)
    complete = [b for b in blocks if b.startswith(TAPLO_DIRECTIVE) and "[[rule]]" in b]
    assert complete, "docs/policy.md shows a complete policy"
    for block in complete:
        assert error_report(validator, load_toml(block)) == []


# ---------------------------------------------------------------------------
# Broken policies are rejected
# ---------------------------------------------------------------------------

MINIMAL = """\
name = "acme-plants"
version = "1"
description = "Personal data from the plants stays in the plant country"
sources = ["GDPR Art. 44-49: https://eur-lex.europa.eu/eli/reg/2016/679/oj"]
unknown_destination = "unknown"

[groups]
PLANTS = ["CN", "VN", "@EEA"]

[origins]
default = "DE"
sites = { "PLANT-7*" = "VN", "CN-SZ-02" = "CN" }
paths = { "captures/shenzhen/**" = "CN" }

[destinations]
hosts = { "*.corp.example" = "DE" }
cidrs = { "10.0.0.0/8" = "DE", "2001:db8::/32" = "JP" }

[[rule]]
id = "personal-in-country"
description = "Personal data stays in its origin country"
categories = ["personal", "custom_pack_category"]
detectors = ["personal.*"]
origins = ["@PLANTS"]
allow = ["@origin", "@EU_ADEQUACY"]
severity = "high"
unknown_destination = "violation"
source = "GDPR Art. 45"

[[rule]]
id = "secrets-never-sent"
description = "No credentials in telemetry"
categories = ["secret"]
deny = ["@any"]
severity = "critical"

[[exception]]
rule = "personal-in-country"
owner = "dpo@example.com"
reason = "SCCs signed with Vendor X, LEG-123"
expires = 2027-03-01
destinations = ["US"]
hosts = ["*.vendorx.example"]
categories = ["personal"]
origins = ["DE"]
detectors = ["personal.email"]
"""


def test_minimal_example_is_valid(validator: Any) -> None:
    assert error_report(validator, load_toml(MINIMAL)) == []


Doc = dict[str, Any]


def _del(*path: str | int) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        node: Any = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return apply


def _set(value: Any, *path: str | int) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        node: Any = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return apply


BROKEN: dict[str, Callable[[Doc], None]] = {
    "missing severity": _del("rule", 0, "severity"),
    "both allow and deny": _set(["US"], "rule", 0, "deny"),
    "neither allow nor deny": _del("rule", 1, "deny"),
    "unknown top-level key": _set(True, "strict"),
    "unknown rule key": _set("eu", "rule", 0, "region"),
    "unknown exception key": _set("2026-01-01", "exception", 0, "approved"),
    "unknown origins key": _set({"x": "DE"}, "origins", "fields"),
    "country name instead of code": _set(["Germany"], "rule", 0, "allow"),
    "lower-case country code": _set(["de"], "rule", 0, "allow"),
    "country name as origin default": _set("Germany", "origins", "default"),
    "bad country code in a group": _set(["CN", "Vietnam"], "groups", "PLANTS"),
    "bad severity": _set("urgent", "rule", 0, "severity"),
    "upper-case severity": _set("HIGH", "rule", 0, "severity"),
    "bad unknown_destination": _set("ignore", "unknown_destination"),
    "exception without expires": _del("exception", 0, "expires"),
    "exception without owner": _del("exception", 0, "owner"),
    "expires not a date": _set("next year", "exception", 0, "expires"),
    "expires an impossible date": _set("2027-02-30", "exception", 0, "expires"),
    "expires a date-time": _set("2027-03-01T00:00:00", "exception", 0, "expires"),
    "missing name": _del("name"),
    "bad name": _set("EU GDPR", "name"),
    "no sources": _set([], "sources"),
    "no rules": _set([], "rule"),
    "empty categories": _set([], "rule", 0, "categories"),
    "bad category": _set(["Personal Data"], "rule", 0, "categories"),
    "bad rule id": _set("Personal In Country", "rule", 0, "id"),
    "rule id starting with a dot": _set(".personal", "rule", 0, "id"),
    "lower-case group name": _set(["CN"], "groups", "plants"),
    "redefined built-in group": _set(["DE"], "groups", "EU"),
    "lower-case group reference": _set(["@eea"], "rule", 0, "allow"),
    "@any in allow": _set(["@any"], "rule", 0, "allow"),
    "@origin in deny": _set(["@origin"], "rule", 1, "deny"),
    "CIDR without prefix length": _set({"10.0.0.0": "DE"}, "destinations", "cidrs"),
    "severity as a number": _set(3, "rule", 0, "severity"),
}


@pytest.mark.parametrize("mutate", BROKEN.values(), ids=BROKEN.keys())
def test_broken_policy_is_rejected(validator: Any, mutate: Callable[[Doc], None]) -> None:
    doc = copy.deepcopy(load_toml(MINIMAL))
    mutate(doc)
    assert not validator.is_valid(doc)


def test_example_site_policy_is_valid(validator: Any) -> None:
    path = Path(__file__).parent.parent / "examples" / "site-policy.toml"
    assert error_report(validator, load_toml(path.read_text(encoding="utf-8"))) == []
