"""Blind double coding, the disagreement queue, resolutions with provenance, and the consensus layer in analysis."""

from __future__ import annotations

import pytest

from tests.helpers import CODE_DELAY, CODE_PASSPORT, CODE_WAGES, INTERVIEW, PASSWORD, import_text
from workbench.errors import InputError, PermissionDenied
from workbench.services.agreement import (
    adopt_agreements,
    assign,
    assignments,
    consensus_counts,
    disagreements,
    is_blind,
    mark_done,
    provenance,
    resolve,
    visible_codings,
)
from workbench.services.analysis import Filters, code_frequencies, quotes
from workbench.services.coding import add_coding, find_span, list_codings
from workbench.services.transcripts import transcript_text
from workbench.store.schema import CONSENSUS_USER

CODERS = ["coder1", "coder2"]


@pytest.fixture
def double(study):
    """One interview coded by coder1 and coder2: both code the passport, only coder1 the wages, only coder2 the delay."""
    study.add_user(username="coder2", role="coder", password=PASSWORD)
    tid = import_text(study, INTERVIEW)
    text = transcript_text(study, tid)

    def code(coder, passage, code_id, assessment=None):
        start, end = find_span(text, passage)
        return add_coding(study, transcript_id=tid, start=start, end=end, code_id=code_id, by=coder,
                          assessment=assessment)

    code("coder1", "My employer took my passport", CODE_PASSPORT, "barrier")
    code("coder2", "took my passport on the first day", CODE_PASSPORT, "barrier")
    code("coder1", "For five months she kept my wages.", CODE_WAGES)
    code("coder2", "We waited a long time, almost a year.", CODE_DELAY)
    return tid, text


def finish(study, tid):
    for coder in CODERS:
        mark_done(study, tid, by=coder)


def test_a_blind_coder_sees_only_their_own_codings_until_done(study, double):
    tid, _ = double
    assign(study, tid, coders=CODERS, by="admin1")
    assert is_blind(study, tid, user="coder1")
    assert {r["coder"] for r in visible_codings(study, tid, user="coder1")} == {"coder1"}
    assert {r["coder"] for r in visible_codings(study, tid, user="admin1")} == {"coder1", "coder2"}  # not assigned
    mark_done(study, tid, by="coder1")
    assert not is_blind(study, tid, user="coder1")
    assert {r["coder"] for r in visible_codings(study, tid, user="coder1")} == {"coder1", "coder2"}
    assert {r["coder"] for r in visible_codings(study, tid, user="coder2")} == {"coder2"}  # still blind
    rows = {r["coder"]: r for r in assignments(study, transcript_id=tid)}
    assert rows["coder1"]["done_at"] and rows["coder2"]["done_at"] is None
    assert rows["coder1"]["assigned_by"] == "admin1" and rows["coder1"]["blind"] == 1


def test_open_assignment_is_not_blind(study, double):
    tid, _ = double
    assign(study, tid, coders=["coder1"], by="admin1", blind=False)
    assert len(visible_codings(study, tid, user="coder1")) == 4


def test_only_admins_assign_and_coders_mark_only_themselves_done(study, double):
    tid, _ = double
    with pytest.raises(PermissionDenied):
        assign(study, tid, coders=CODERS, by="coder1")
    with pytest.raises(PermissionDenied, match="only they or an admin"):
        mark_done(study, tid, by="coder1", coder="coder2")
    mark_done(study, tid, by="admin1", coder="coder2")  # an admin may, for anyone
    mark_done(study, tid, by="admin1", coder="coder2", done=False)
    assert assignments(study, coder="coder2")[0]["done_at"] is None
    with pytest.raises(InputError, match="reviewer"):
        assign(study, tid, coders=["rev1"], by="admin1")


def test_the_queue_lists_each_disagreement_with_both_sides(study, double):
    tid, text = double
    finish(study, tid)
    queue = disagreements(study, coders=CODERS)
    assert [(i["code_id"], i["applied"]) for i in queue.items] == [
        (CODE_WAGES, {"coder1": True, "coder2": False}), (CODE_DELAY, {"coder1": False, "coder2": True})]
    wages = queue.items[0]
    assert wages["passage"] == text[wages["start"]:wages["end"]] and "kept my wages" in wages["passage"]
    assert [k["coder"] for k in wages["codings"]["coder1"]] == ["coder1"] and wages["codings"]["coder2"] == []
    assert disagreements(study, coders=CODERS, codes=["barriers"]).items[0]["code_id"] == CODE_DELAY  # theme filter
    assert disagreements(study, coders=CODERS, transcripts=["P01"]).items == queue.items


def test_choosing_a_coder_copies_their_coding_into_the_consensus_layer(study, double):
    tid, _ = double
    finish(study, tid)
    wages = disagreements(study, coders=CODERS).items[0]
    rid = resolve(study, transcript_id=tid, code_id=CODE_WAGES, start=wages["start"], end=wages["end"],
                  how="chosen", coder="coder1", coders=CODERS, by="coder2", note="clearly withheld wages")
    layer = list_codings(study, coder=CONSENSUS_USER)
    assert [(k["code_id"], k["start"], k["end"]) for k in layer] == [
        (CODE_WAGES, wages["codings"]["coder1"][0]["start"], wages["codings"]["coder1"][0]["end"])]
    trail = provenance(study, layer[0]["uid"])
    assert trail[0]["id"] == rid and trail[0]["kind"] == "chosen" and trail[0]["resolved_by"] == "coder2"
    assert trail[0]["chosen_coder"] == "coder1" and trail[0]["note"] == "clearly withheld wages"
    assert [s["uid"] for s in trail[0]["sources"]] == [wages["codings"]["coder1"][0]["uid"]]
    assert "snippet" not in trail[0]["sources"][0]  # provenance keeps spans, never text
    queue = disagreements(study, coders=CODERS)
    assert [i["code_id"] for i in queue.items] == [CODE_DELAY] and queue.resolved == 1
    assert len(disagreements(study, coders=CODERS, include_resolved=True).items) == 2


def test_choosing_the_coder_who_did_not_code_decides_the_code_does_not_apply(study, double):
    tid, _ = double
    finish(study, tid)
    delay = disagreements(study, coders=CODERS).items[1]
    resolve(study, transcript_id=tid, code_id=CODE_DELAY, start=delay["start"], end=delay["end"], how="chosen",
            coder="coder1", coders=CODERS, by="coder1")
    assert list_codings(study, coder=CONSENSUS_USER) == []
    assert consensus_counts(study)["uncoded"] == 1
    assert [i["code_id"] for i in disagreements(study, coders=CODERS).items] == [CODE_WAGES]


def test_merging_joins_the_coders_codings_and_writing_makes_a_new_one(study, double):
    tid, text = double
    finish(study, tid)
    start, end = find_span(text, "took my passport")
    resolve(study, transcript_id=tid, code_id=CODE_PASSPORT, start=start, end=end, how="merged", coders=CODERS,
            by="coder1")
    merged = list_codings(study, coder=CONSENSUS_USER)
    assert merged[0]["snippet"] == "My employer took my passport on the first day"
    assert merged[0]["assessment"] == "barrier"  # both coders said barrier
    s, e = find_span(text, "almost a year")
    resolve(study, transcript_id=tid, code_id=CODE_DELAY, start=s, end=e, how="written", span=(s, e),
            assessment="barrier", memo="agreed in the team meeting", coders=CODERS, by="coder2")
    written = [k for k in list_codings(study, coder=CONSENSUS_USER) if k["code_id"] == CODE_DELAY]
    assert written[0]["snippet"] == "almost a year" and written[0]["memo"] == "agreed in the team meeting"
    with pytest.raises(InputError, match="nothing to merge"):
        w = find_span(text, "How did you come")
        resolve(study, transcript_id=tid, code_id=CODE_WAGES, start=w[0], end=w[1], how="merged", coders=CODERS,
                by="coder1")


def test_agreed_passages_enter_the_layer_once(study, double):
    tid, _ = double
    finish(study, tid)
    assert adopt_agreements(study, coders=CODERS, by="coder1") == 1
    assert adopt_agreements(study, coders=CODERS, by="coder1") == 0
    layer = list_codings(study, coder=CONSENSUS_USER)
    assert [k["code_id"] for k in layer] == [CODE_PASSPORT]
    assert layer[0]["snippet"] == "My employer took my passport on the first day"  # the coders' passage
    assert provenance(study, layer[0]["uid"])[0]["kind"] == "agreed"


def test_overlapping_consensus_codings_of_one_code_are_joined(study, double):
    tid, text = double
    finish(study, tid)
    adopt_agreements(study, coders=CODERS, by="coder1")
    s, e = find_span(text, "Through an agency. My employer took")
    resolve(study, transcript_id=tid, code_id=CODE_PASSPORT, start=s, end=e, how="written", span=(s, e),
            coders=CODERS, by="coder1")
    layer = list_codings(study, coder=CONSENSUS_USER)
    assert len(layer) == 1 and layer[0]["snippet"] == "Through an agency. My employer took my passport on the first day"
    assert [p["kind"] for p in provenance(study, layer[0]["uid"])] == ["agreed", "written"]


def test_analysis_reads_the_consensus_layer_only_when_asked(study, double):
    tid, _ = double
    finish(study, tid)
    before = code_frequencies(study, level="code")
    adopt_agreements(study, coders=CODERS, by="coder1")
    wages = disagreements(study, coders=CODERS).items[0]
    resolve(study, transcript_id=tid, code_id=CODE_WAGES, start=wages["start"], end=wages["end"], how="chosen",
            coder="coder1", coders=CODERS, by="coder1")
    assert code_frequencies(study, level="code").equals(before)  # the default counts coders' codings only
    consensus = Filters(layer="consensus")
    counted = code_frequencies(study, level="code", filters=consensus)
    assert dict(zip(counted["code"], counted["codings"])) == {CODE_PASSPORT: 1, CODE_WAGES: 1}
    assert set(quotes(study, filters=consensus)["coders"]) == {CONSENSUS_USER}
    assert consensus.describe().startswith("layer: consensus")
    with pytest.raises(InputError, match="coding layer"):
        code_frequencies(study, filters=Filters(layer="mine"))
    summary = study.db.execute("SELECT code_id, transcript_id, coder_id, assessment, n FROM coding_counts "
                               "ORDER BY 1, 2, 3, 4").fetchall()
    grouped = study.db.execute("SELECT code_id, transcript_id, coder_id, coalesce(assessment, 'none'), count(*) "
                               "FROM codings GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4").fetchall()
    assert summary == grouped  # the trigger-kept counts include the consensus layer exactly


def test_reviewers_cannot_resolve_and_nothing_changes(study, double):
    tid, _ = double
    finish(study, tid)
    wages = disagreements(study, coders=CODERS).items[0]
    with pytest.raises(PermissionDenied):
        resolve(study, transcript_id=tid, code_id=CODE_WAGES, start=wages["start"], end=wages["end"], how="merged",
                coders=CODERS, by="rev1")
    assert consensus_counts(study) == {"codings": 0}


def test_the_consensus_account_cannot_log_in(study):
    from workbench.errors import AuthError, NotFoundError

    with pytest.raises(AuthError):
        study.authenticate(CONSENSUS_USER, "")
    with pytest.raises(NotFoundError):
        study.user(CONSENSUS_USER)
    assert CONSENSUS_USER not in [u.username for u in study.users()]
