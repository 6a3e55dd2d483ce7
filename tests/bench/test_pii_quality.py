"""bench/pii_quality.py: the labelled sets are big enough, fictional HKIDs are valid, the scoring counts right."""

from __future__ import annotations

import re

import pytest

from bench.pii_quality import SETS, load, score
from workbench.text.pii import hkid_check_digit


def test_the_labelled_set_has_100_positive_and_100_negative_strings_in_both_languages():
    _names, rows = load("labelled")
    positive = [r for r in rows if r["expect"]]
    assert len(positive) >= 100 and len(rows) - len(positive) >= 100
    assert {r["lang"] for r in positive} == {r["lang"] for r in rows if not r["expect"]} == {"en", "zh"}
    assert len({r["id"] for r in rows}) == len(rows)


@pytest.mark.parametrize("name", list(SETS))
def test_every_expected_value_is_in_its_text_and_every_hkid_has_its_check_digit(name):
    _names, rows = load(name)
    for row in rows:
        for kind, value in row["expect"]:
            assert value in row["text"], row["id"]
            if kind == "hkid":
                m = re.fullmatch(r"([A-Za-z]{1,2})\s?(\d{6})\s?[(（]?([0-9Aa])[)）]?", value)
                assert m and hkid_check_digit(m.group(1), m.group(2)) == m.group(3).upper(), row["id"]


def test_scoring_counts_found_missed_and_extra_items():
    rows = [{"id": "a", "lang": "en", "text": "Call 9123 4567 or mail a@b.com", "expect": [["phone", "9123 4567"]]},
            {"id": "b", "lang": "zh", "text": "佢個身份證號碼冇講", "expect": [["hkid", "身份證"]]}]
    figures = score({}, rows)
    assert figures["phone"] == {"expected": 1, "tp": 1, "fp": 0, "fn": 0, "exact": 1, "precision": 1.0, "recall": 1.0}
    assert figures["email"]["fp"] == 1 and figures["email"]["precision"] == 0.0
    assert figures["hkid"]["fn"] == 1 and figures["hkid"]["recall"] == 0.0
    assert figures["all"] == {"expected": 2, "tp": 1, "fp": 1, "precision": 0.5, "recall": 0.5}
