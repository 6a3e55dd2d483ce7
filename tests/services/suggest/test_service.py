"""workbench.services.suggest.service: generate, accept, reject, accept all, counts, permissions."""

from __future__ import annotations

import pytest

from tests.helpers import CHINESE_INTERVIEW, CODE_PASSPORT, INTERVIEW, import_text
from workbench.errors import InputError, PermissionDenied
from workbench.services.coding import get_coding, list_codings
from workbench.services.suggest.service import (
    accept,
    accept_all,
    generate,
    list_suggestions,
    reject,
    suggestion_counts,
    suggestion_details,
)
from workbench.services.suggest.training import training_set
from workbench.services.transcripts import resolve_transcript


@pytest.fixture
def transcript(study):
    return import_text(study, INTERVIEW, name="P01.txt", by="coder1")


@pytest.fixture
def suggested(study, transcript):
    generate(study, transcript, by="coder1", method="rules")
    return list_suggestions(study, transcript)


def _passport(rows):
    return next(r for r in rows if r["code_id"] == CODE_PASSPORT)


def test_generate_stores_open_suggestions_for_that_transcript_only(study, transcript, suggested):
    other = import_text(study, CHINESE_INTERVIEW, name="P02.txt", participant="P02")
    assert suggested and all(r["status"] == "open" and r["transcript_id"] == transcript for r in suggested)
    assert list_suggestions(study, other) == []
    row = _passport(suggested)
    assert "passport" in row["snippet"] and "passport" in row["evidence"]
    assert row["method"] == "rules" and row["model_version"].startswith("rules:") and 0 < row["score"] <= 1
    assert not any(r["snippet"].startswith("How did") for r in suggested)   # interviewer turns are not suggested


def test_generate_never_codes_anything(study, transcript, suggested):
    assert list_codings(study, transcript_id=transcript) == []


def test_accept_creates_a_linked_coding(study, suggested):
    row = _passport(suggested)
    coding_id = accept(study, row["id"], by="coder1", assessment="barrier")
    coding = get_coding(study, coding_id)
    assert (coding["origin"], coding["suggestion_id"], coding["code_id"]) == ("suggestion", row["id"], CODE_PASSPORT)
    assert coding["assessment"] == "barrier" and coding["coder"] == "coder1"
    assert list_suggestions(study, row["transcript_id"], status="accepted")[0]["id"] == row["id"]
    with pytest.raises(InputError, match="already accepted"):
        accept(study, row["id"], by="coder1")


def test_reject_keeps_the_suggestion_as_a_negative(study, transcript, suggested):
    row = _passport(suggested)
    reject(study, row["id"], by="coder1")
    assert list_suggestions(study, transcript, status="rejected")[0]["id"] == row["id"]
    assert list_codings(study, transcript_id=transcript) == []
    import_text(study, CHINESE_INTERVIEW, name="P02.txt", participant="P02")
    data = training_set(study, seeds=False)
    assert data.rejections == 1 and data.codings == 0


def test_regenerating_keeps_decisions_and_does_not_repeat_them(study, transcript, suggested):
    row = _passport(suggested)
    reject(study, row["id"], by="coder1")
    generate(study, transcript, by="coder1", method="rules")
    again = list_suggestions(study, transcript, status=None)
    assert [r for r in again if r["id"] == row["id"]][0]["status"] == "rejected"
    assert not [r for r in again if r["status"] == "open" and r["code_id"] == CODE_PASSPORT
                and r["start"] == row["start"]]


def test_accept_all_for_one_code(study, transcript, suggested):
    code = suggested[0]["code_id"]
    expected = [r["id"] for r in suggested if r["code_id"] == code]
    coding_ids = accept_all(study, transcript, code, by="coder1")
    assert len(coding_ids) == len(expected)
    assert {get_coding(study, c)["suggestion_id"] for c in coding_ids} == set(expected)
    assert not [r for r in list_suggestions(study, transcript) if r["code_id"] == code]


def test_counts_per_code(study, transcript, suggested):
    row = _passport(suggested)
    accept(study, row["id"], by="coder1")
    counts = {c["code_id"]: c for c in suggestion_counts(study)}
    assert counts[CODE_PASSPORT]["accepted"] == 1 and counts[CODE_PASSPORT]["accept_rate"] == 1.0
    assert sum(c["suggested"] for c in counts.values()) == len(suggested)
    assert sum(c["rejected"] for c in counts.values()) == 0


@pytest.mark.parametrize("action", ["generate", "accept", "reject", "accept_all"])
def test_reviewer_is_refused(study, transcript, suggested, action):
    row = suggested[0]
    calls = {"generate": lambda: generate(study, transcript, by="rev1"),
             "accept": lambda: accept(study, row["id"], by="rev1"),
             "reject": lambda: reject(study, row["id"], by="rev1"),
             "accept_all": lambda: accept_all(study, transcript, row["code_id"], by="rev1")}
    with pytest.raises(PermissionDenied):
        calls[action]()
    assert list_suggestions(study, transcript) == suggested


def test_learned_method_without_a_model_says_so(study, transcript):
    with pytest.raises(InputError, match="no learned model"):
        generate(study, transcript, by="coder1", method="learned")


@pytest.mark.slow  # trains the learned suggester
def test_auto_on_the_demo_trains_once_and_stores_model_version(demo_study):
    tid = resolve_transcript(demo_study, "SV04_siu_ling")
    done = generate(demo_study, tid, by="chan")
    rows = list_suggestions(demo_study, tid)
    assert done.method == "auto" and len(done.model_version) == 16
    assert rows and {r["model_version"] for r in rows} == {done.model_version}
    assert demo_study.db.execute("SELECT count(*) FROM suggestion_models").fetchone()[0] == 1
    generate(demo_study, tid, by="chan")
    assert demo_study.db.execute("SELECT count(*) FROM suggestion_models").fetchone()[0] == 1


def test_neighbouring_sentences_of_one_turn_merge_into_one_suggestion():
    from workbench.services.suggest.combine import Suggestion
    from workbench.services.suggest.service import _merge

    s = lambda score, evidence: Suggestion("c", score, "rules", evidence)  # noqa: E731
    merged = _merge([(0, 10, (1, 0), s(0.6, "a")), (11, 20, (1, 1), s(0.8, "b")), (30, 40, (1, 3), s(0.7, "c")),
                     (41, 50, (2, 4), s(0.7, "d"))])
    assert [(a, b, x.score, x.evidence) for a, b, x in merged] == [(0, 20, 0.8, "a; b"), (30, 40, 0.7, "c"),
                                                                   (41, 50, 0.7, "d")]


def test_each_stored_suggestion_explains_itself(study, transcript, suggested):
    """Migration 0012: the patterns and words that triggered it, and what the rules contributed."""
    row = _passport(suggested)
    details = suggestion_details(study, [row["id"]])[row["id"]]
    assert details["rules"] == pytest.approx(row["score"], abs=1e-3) and details["learned"] is None
    assert details["patterns"] and all({"pattern", "words", "synonym", "negated"} <= set(p) for p in details["patterns"])
    assert any("passport" in p["words"].lower() for p in details["patterns"])
    assert suggestion_details(study, []) == {}


# -- issue 9: the stored words are scored, not analysed again; the suggestions stay the same ----------------
def _suggestions_everywhere(path, *, method: str, forget_word_places: bool) -> list[list[dict]]:
    from workbench.store.study import Study

    with Study.open(path) as study:
        if forget_word_places:   # what a study migrated by 0006 holds: sentence text, no word places
            with study.db.conn:
                study.db.execute("UPDATE segments SET word_spans = NULL")
        ids = [r[0] for r in study.db.execute("SELECT id FROM transcripts ORDER BY id")]
        for tid in ids:
            generate(study, tid, by="chan", method=method)
        return [[{k: v for k, v in r.items() if k not in ("id", "created_at")} for r in list_suggestions(study, tid)]
                for tid in ids]


@pytest.mark.parametrize("method", ["rules", pytest.param("auto", marks=pytest.mark.slow)])
def test_suggestions_from_stored_words_equal_those_from_analysing_each_sentence_again(demo, tmp_path, method):
    from tests.helpers import copy_study

    stored = _suggestions_everywhere(copy_study(demo.path, tmp_path / "a.db"), method=method, forget_word_places=False)
    again = _suggestions_everywhere(copy_study(demo.path, tmp_path / "b.db"), method=method, forget_word_places=True)
    assert sum(map(len, stored)) > 100 and stored == again


def test_generate_analyses_nothing_when_the_words_are_stored(demo, tmp_path, monkeypatch):
    from tests.helpers import copy_study
    from workbench.services.suggest import units
    from workbench.store.study import Study

    with Study.open(copy_study(demo.path, tmp_path / "c.db")) as study:
        study_rules_ready = generate(study, 1, by="chan", method="rules")   # warm: rules compiled
        assert study_rules_ready.stored > 0
        analysed: list[int] = []
        real = units.units_from_texts
        monkeypatch.setattr(units, "units_from_texts", lambda texts, **kw: analysed.append(len(texts)) or real(texts, **kw))
        generate(study, 2, by="chan", method="rules")
        assert analysed == [0]


def test_listed_suggestions_are_kept_until_the_study_changes(demo, tmp_path):
    from tests.helpers import copy_study
    from workbench.store.study import Study

    path = copy_study(demo.path, tmp_path / "d.db")
    with Study.open(path) as study, Study.open(path) as other:
        generate(study, 1, by="chan", method="rules")
        first = list_suggestions(study, 1)
        assert list_suggestions(study, 1) == first and list_suggestions(study, 1)[0] is first[0]   # kept
        reject(study, first[0]["id"], by="chan")                    # a change through this connection
        assert [r["id"] for r in list_suggestions(study, 1)] == [r["id"] for r in first[1:]]
        accept(other, first[1]["id"], by="reyes")                   # … and through another one
        assert [r["id"] for r in list_suggestions(study, 1)] == [r["id"] for r in first[2:]]
