"""workbench.services.search and the 0003_search_index migration: English by lemma, Chinese by string."""

from __future__ import annotations

import re

import pytest

from tests.helpers import CHINESE_INTERVIEW, INTERVIEW, import_text
from workbench.errors import InputError
from workbench.services.search import SearchFilters, context, hit_spans, search
from workbench.store.study import Study

STRESS = """\
訪問員：你而家點呀？
阿芳：我好大壓力。佢哋收咗我本護照。
訪問員：之後呢？
阿芳：工作壓力大，冇錢寄返屋企。護照到而家都未攞返。
"""


@pytest.fixture(scope="module")
def demo_study(demo):
    """The demo study, opened read-only by convention."""
    with Study.open(demo.path) as study:
        yield study


def _texts(study: Study) -> dict[str, str]:
    return dict(study.db.execute("SELECT stem, text FROM transcripts").fetchall())


def test_two_character_chinese_query_finds_every_occurrence(demo_study):
    result = search(demo_study, "護照", limit=1000)
    texts = _texts(demo_study)
    assert len(result.hits) == sum(t.count("護照") for t in texts.values())
    for hit in result.hits:
        assert texts[hit["transcript"]][hit["start"]:hit["end"]] == "護照"
        assert "護照" in hit["line"] and hit["match"] == "護照"
    assert {"SV04_siu_ling", "SV05_ah_fong"} <= {h["transcript"] for h in result.hits}


@pytest.mark.parametrize("query", ["passport", "passports", "Passports"])
def test_english_matches_inflections(demo_study, query):
    result = search(demo_study, query, limit=1000)
    texts = _texts(demo_study)
    want = sum(len(re.findall(r"\bpassports?\b", t, flags=re.IGNORECASE)) for t in texts.values())
    assert result.terms == ["passport"]
    assert len(result.hits) == want
    for hit in result.hits:
        assert texts[hit["transcript"]][hit["start"]:hit["end"]].lower() in ("passport", "passports")


def test_english_phrase_by_lemmas(demo_study):
    hits = search(demo_study, "kept my passport").hits
    assert hits and all(h["match"].lower().endswith("passport") for h in hits)
    assert search(demo_study, "keep my passport").sentences == search(demo_study, "kept my passport").sentences


def test_short_and_long_chinese_queries_in_a_new_transcript(study):
    tid = import_text(study, STRESS, name="ZH01.txt", participant="阿芳")
    text = study.db.execute("SELECT text FROM transcripts WHERE id = ?", [tid]).fetchone()[0]
    stress = search(study, "壓力")
    assert [text[h["start"]:h["end"]] for h in stress.hits] == ["壓力", "壓力"]
    assert stress.mode == "jieba words"
    assert len(search(study, "錢").hits) == 1
    long = search(study, "收咗我本護照")
    assert long.mode == "substring (trigram index)" and len(long.hits) == 1
    assert len(search(study, "護照").hits) == 2


def test_filters_restrict_hits(demo_study):
    everyone = search(demo_study, "護照", limit=1000).hits
    survivors = search(demo_study, "護照", filters=SearchFilters(groups=("survivor",)), limit=1000).hits
    assert 0 < len(survivors) < len(everyone) and {h["group"] for h in survivors} == {"survivor"}
    one = search(demo_study, "護照", filters=SearchFilters(participants=("阿玲",))).hits
    assert {h["participant"] for h in one} == {"阿玲"}
    english = search(demo_study, "agency", filters=SearchFilters(languages=("en",))).hits
    assert english and {h["language"] for h in english} == {"en"}
    coded = search(demo_study, "passport", filters=SearchFilters(codes=("exploitation",)), limit=1000).hits
    assert 0 < len(coded) <= len(search(demo_study, "passport", limit=1000).hits)


def test_index_follows_imports_and_deletions(study):
    assert search(study, "passport").sentences == 0
    tid = import_text(study, "Interviewer: Where were your papers?\nDewi: The agency kept our passports.\n")
    assert search(study, "passport").sentences == 1
    assert len(search(study, "護照").hits) == 0
    import_text(study, CHINESE_INTERVIEW, name="P02.txt", participant="阿玲")
    assert len(search(study, "護照").hits) == 1
    with study.db.atomic():
        study.db.execute("DELETE FROM segments WHERE transcript_id = ?", [tid])
    assert search(study, "passport").sentences == 0


def test_migration_indexes_a_study_that_already_has_transcripts(tmp_path, study):
    """A study from before the search index (0003) and the sentence text (0006) gets both when opened."""
    import_text(study, "Interviewer: And?\nDewi: My passport was taken.\n")
    import_text(study, CHINESE_INTERVIEW, name="P02.txt", participant="阿玲")
    before = [search(study, q).hits for q in ("passports", "護照", "收咗我本護照")]
    with study.db.atomic():
        for name in ("segments_text_fill", "search_segments_delete", "search_segments_update"):
            study.db.execute(f"DROP TRIGGER {name}")
        study.db.execute("DROP TABLE search_words")
        study.db.execute("DROP TABLE search_text")
        study.db.execute("ALTER TABLE segments DROP COLUMN text")
        study.db.execute("ALTER TABLE segments DROP COLUMN word_spans")
        study.db.execute("DELETE FROM _sqlite_migrations WHERE name IN ('0003_search_index', '0006_segment_text')")
    path = study.path
    study.close()
    with Study.open(path) as reopened:
        assert [search(reopened, q).hits for q in ("passports", "護照", "收咗我本護照")] == before
        assert all(len(hits) == 1 for hits in before)
        for index in ("search_words", "search_text"):
            reopened.db.execute(f"INSERT INTO {index} ({index}) VALUES ('integrity-check')")


def test_offsets_count_code_points_with_astral_characters(study):
    import_text(study, CHINESE_INTERVIEW, name="P03.txt", participant="阿玲")
    text = study.db.execute("SELECT text FROM transcripts").fetchone()[0]
    hit = search(study, "護照").hits[0]
    assert text[hit["start"]:hit["end"]] == "護照" and "𠝹" in text[:hit["start"]]


def test_empty_query_is_refused(demo_study):
    with pytest.raises(InputError):
        search(demo_study, "   ")
    with pytest.raises(InputError):
        search(demo_study, "!!")


def test_context_is_one_line_with_ellipses():
    left, match, right = context("a" * 50 + "\nkey\n" + "b" * 50, 51, 54, width=10)
    assert match == "key" and left.startswith("…") and right.endswith("…") and "\n" not in left + right


def test_a_hits_context_stays_within_its_turn(study):
    tid = import_text(study, "Interviewer: Tell me about the agency.\nDewi: Agency kept passport.\n"
                             "Interviewer: And then what happened next?\nDewi: I left.\n")
    [hit] = search(study, "passport", width=40).hits
    assert hit["transcript_id"] == tid
    assert (hit["left"], hit["match"], hit["right"]) == ("Agency kept ", "passport", ".")
    assert "Interviewer" not in hit["line"] and "agency" not in hit["left"]


def test_hit_spans_by_unit(study):
    tid = import_text(study, INTERVIEW)
    hits = search(study, "passport").hits
    text = study.db.execute("SELECT text FROM transcripts WHERE id = ?", [tid]).fetchone()[0]
    [(t, a, b)] = hit_spans(hits, unit="match")
    assert t == tid and text[a:b] == "passport"
    [(_, a, b)] = hit_spans(hits, unit="sentence")
    assert text[a:b] == "My employer took my passport on the first day."
    [(_, a, b)] = hit_spans(hits, unit="turn")
    assert text[a:b] == "Through an agency. My employer took my passport on the first day."
    with pytest.raises(InputError):
        hit_spans(hits, unit="page")
