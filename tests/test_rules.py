"""The built-in rule pack as data: ids, categories, masking policy."""

from __future__ import annotations

import borderscan

SENSITIVE = {"personal", "secret", "device_id", "network_id", "geolocation"}


def test_ids_are_stable_category_names():
    for r in borderscan.rules():
        assert r["id"].split(".", 1)[0] == r["category"], r["id"]


def test_sensitive_categories_are_always_masked():
    # Evidence of personal data, secrets and identifiers never leaves the
    # engine raw unless --show-values is given.
    for r in borderscan.rules():
        if r["category"] in SENSITIVE:
            assert r["mask"] != "none", r["id"]


def test_every_rule_has_positive_and_negative_examples():
    for r in borderscan.rules():
        assert len(r["examples"]["positive"]) >= 2, r["id"]
        assert len(r["examples"]["negative"]) >= 2, r["id"]


def test_masked_key_evidence(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"operator_name": "Li Wei", "machine": {"serial": "DMG-XJ82516-77"}}\n')
    res = borderscan.scan([p])
    ev = dict(zip(res.findings["detector"], res.findings["evidence"], strict=True))
    assert ev["personal.name"] == "L*****"
    assert "XJ82516" not in ev["device_id.serial"]
    shown = borderscan.scan([p], show_values=True)
    assert "Li Wei" in shown.findings["evidence"].to_list()
