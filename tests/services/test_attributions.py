"""workbench.services.attributions: the measures a coding speaks to, confirmed by its coder or derived."""

from __future__ import annotations

import json

import pytest

from tests.helpers import CODE_PASSPORT, CODE_WAGES, DISTINCTIVE, INTERVIEW, import_text
from workbench.errors import InputError, NotFoundError, PermissionDenied
from workbench.services.attributions import (
    coding_measures,
    decided_measures,
    mapped_measures,
    reset_coding_measures,
    set_coding_measures,
)
from workbench.services.coding import add_coding, find_span, remove_coding, restore_codings, snapshot_codings
from workbench.services.transcripts import transcript_text


@pytest.fixture
def coding(study) -> int:
    tid = import_text(study, INTERVIEW)
    start, end = find_span(transcript_text(study, tid), f"I remember {DISTINCTIVE}")
    return add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_WAGES, by="coder1")


def _statuses(study, coding_id: int) -> dict[str, str]:
    return {r["measure"]: r["status"] for r in coding_measures(study, coding_id) if r["status"]}


def test_an_undecided_coding_takes_its_codes_mapping_as_derived(study, coding):
    mapped = mapped_measures(study, CODE_WAGES)
    assert mapped and _statuses(study, coding) == {m: "derived" for m in mapped}
    assert decided_measures(study, coding) is None


def test_confirming_turns_the_rest_of_the_mapping_down_and_may_name_any_measure(study, coding):
    mapped = mapped_measures(study, CODE_WAGES)
    decision = set_coding_measures(study, coding, ["ON-3", "GOV-1", "ON-3"], by="coder1")
    assert decision == {"confirmed": ["GOV-1", "ON-3"], "rejected": [m for m in mapped if m not in ("GOV-1", "ON-3")]}
    assert _statuses(study, coding) == {"GOV-1": "confirmed", "ON-3": "confirmed",
                                        **{m: "rejected" for m in decision["rejected"]}}
    assert decided_measures(study, coding) == ["GOV-1", "ON-3"]


def test_confirming_none_differs_from_undecided(study, coding):
    set_coding_measures(study, coding, [], by="coder1")
    assert decided_measures(study, coding) == [] and "derived" not in _statuses(study, coding).values()
    reset_coding_measures(study, coding, by="coder1")
    assert decided_measures(study, coding) is None and set(_statuses(study, coding).values()) == {"derived"}


def test_decisions_are_audited_without_text(study, coding):
    set_coding_measures(study, coding, ["ON-3"], by="coder1")
    row = study.db.execute("SELECT u.username, a.action, a.entity_id, a.detail FROM audit_log a JOIN users u "
                           "ON u.id = a.user_id ORDER BY a.id DESC LIMIT 1").fetchone()
    assert row[:3] == ("coder1", "set_measures", str(coding))
    assert json.loads(row[3])["confirmed"] == ["ON-3"] and DISTINCTIVE not in row[3]


def test_unknown_measures_are_named_and_nothing_is_written(study, coding):
    with pytest.raises(InputError, match="'XX-1'"):
        set_coding_measures(study, coding, ["ON-3", "XX-1"], by="coder1")
    assert decided_measures(study, coding) is None
    with pytest.raises(NotFoundError):
        set_coding_measures(study, 9999, ["ON-3"], by="coder1")


def test_only_the_coder_or_an_admin_decides(study, coding):
    study.add_user(username="coder2", role="coder", password="correct-horse-42")
    with pytest.raises(PermissionDenied, match="belongs to coder1"):
        set_coding_measures(study, coding, ["ON-3"], by="coder2")
    set_coding_measures(study, coding, ["ON-3"], by="admin1")
    assert decided_measures(study, coding) == ["ON-3"]


def test_add_coding_with_measures_and_undo_keep_the_decision(study):
    tid = import_text(study, INTERVIEW)
    start, end = find_span(transcript_text(study, tid), "took my passport")
    coding = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1",
                        measures=["NM-x2"])
    detail = json.loads(study.db.execute("SELECT detail FROM audit_log WHERE action = 'create' AND entity = 'coding' "
                                         "ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert detail["measures"]["confirmed"] == ["NM-x2"]
    snapshot = snapshot_codings(study, [coding])
    removed = remove_coding(study, coding, by="coder1")
    assert removed["measures"] == ["NM-x2"]
    assert study.db.execute("SELECT count(*) FROM coding_measures").fetchone()[0] == 0  # cascaded
    restore_codings(study, list(snapshot.values()), by="coder1")  # undo: the same coding, its decision with it
    assert decided_measures(study, coding) == ["NM-x2"]
    with pytest.raises(InputError, match="'ZZ'"):
        add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_WAGES, by="coder1", measures=["ZZ"])


def test_a_decided_coding_keeps_its_decision_when_the_mapping_grows(study, coding):
    set_coding_measures(study, coding, ["ON-3"], by="coder1")
    with study.writing(by="admin1", action="codebook.edit"):
        study.db.execute("INSERT INTO code_measures (code_id, measure_id) VALUES (?, 'GOV-1')", [CODE_WAGES])
    assert "GOV-1" not in _statuses(study, coding)
    reset_coding_measures(study, coding, by="coder1")
    assert _statuses(study, coding)["GOV-1"] == "derived"
