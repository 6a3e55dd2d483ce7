"""workbench.services.participants: editing a participant's pseudonym, group and attributes; attribute lines."""

from __future__ import annotations

import json

import pytest

from tests.helpers import INTERVIEW, import_text
from workbench.errors import DuplicateError, InputError, NotFoundError, PermissionDenied
from workbench.services.participants import (
    format_attributes,
    list_participants,
    parse_attributes,
    update_participant,
)


def test_attribute_lines_round_trip():
    text = "nationality: Indonesian\nsector=domestic work\n\n語言：印尼語"
    attributes = parse_attributes(text)
    assert attributes == {"nationality": "Indonesian", "sector": "domestic work", "語言": "印尼語"}
    assert parse_attributes(format_attributes(attributes)) == attributes
    with pytest.raises(InputError, match="line 2"):
        parse_attributes("a: b\nno separator here")


def test_update_participant_changes_attributes_group_and_pseudonym_with_audit(study):
    import_text(study, INTERVIEW, participant="P01", attributes={"nationality": "Indonesian"})
    pid = list_participants(study)[0]["id"]
    update_participant(study, pid, attributes={"nationality": "Indonesian", "age band": "30-39"},
                       group="stakeholder", pseudonym="Dewi", by="coder1")
    row = list_participants(study)[0]
    assert (row["pseudonym"], row["participant_group"], row["attributes"]) == (
        "Dewi", "stakeholder", {"nationality": "Indonesian", "age band": "30-39"})
    detail = json.loads(study.db.execute("SELECT detail FROM audit_log ORDER BY id DESC").fetchone()[0])
    assert detail["fields"] == ["attributes", "participant_group", "pseudonym"]
    assert detail["before"]["pseudonym"] == "P01" and detail["after"]["participant_group"] == "stakeholder"


def test_update_participant_refusals_change_nothing(study):
    import_text(study, INTERVIEW, participant="P01")
    import_text(study, INTERVIEW.replace("Dewi", "Ana"), name="P02.txt", participant="P02")
    pid = {p["pseudonym"]: p["id"] for p in list_participants(study)}["P01"]
    before = list_participants(study)
    with pytest.raises(DuplicateError, match="P02"):
        update_participant(study, pid, pseudonym="P02", by="coder1")
    with pytest.raises(InputError, match="participant group"):
        update_participant(study, pid, group="victim", by="coder1")
    with pytest.raises(PermissionDenied):
        update_participant(study, pid, attributes={"x": "y"}, by="rev1")
    with pytest.raises(NotFoundError):
        update_participant(study, 999, attributes={}, by="coder1")
    assert list_participants(study) == before
