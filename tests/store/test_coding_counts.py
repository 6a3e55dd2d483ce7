"""Migration 0004_coding_counts: the trigger-maintained summary equals a GROUP BY over codings."""

from __future__ import annotations

from tests.helpers import CODE_DELAY, CODE_PASSPORT, INTERVIEW, import_text
from workbench.services.codes import merge_codes
from workbench.services.coding import add_coding, find_span, remove_coding, update_coding
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study

GROUPED = ("SELECT code_id, transcript_id, coder_id, coalesce(assessment, 'none'), count(*) FROM codings "
           "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4")


def _in_step(study: Study) -> bool:
    summary = study.db.execute("SELECT code_id, transcript_id, coder_id, assessment, n FROM coding_counts "
                               "ORDER BY 1, 2, 3, 4").fetchall()
    return summary == study.db.execute(GROUPED).fetchall()


def test_counts_follow_add_update_remove_and_merge(study):
    tid = import_text(study, INTERVIEW)
    text = transcript_text(study, tid)
    start, end = find_span(text, "took my passport")
    first = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1",
                       assessment="barrier")
    add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="admin1")
    second = add_coding(study, transcript_id=tid, start=start, end=end + 5, code_id=CODE_PASSPORT, by="coder1",
                        assessment="barrier")
    assert _in_step(study)
    assert study.db.execute("SELECT max(n) FROM coding_counts").fetchone()[0] == 2
    update_coding(study, first, by="coder1", assessment="facilitator")
    assert _in_step(study)
    update_coding(study, second, by="coder1", code_id=CODE_DELAY)
    assert _in_step(study)
    remove_coding(study, first, by="coder1")
    assert _in_step(study)
    merge_codes(study, source=CODE_DELAY, target=CODE_PASSPORT, by="admin1")
    assert _in_step(study)


def test_backfill_on_an_existing_study(study):
    tid = import_text(study, INTERVIEW)
    start, end = find_span(transcript_text(study, tid), "kept my wages")
    add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1")
    with study.db.atomic():
        for name in ("coding_counts_insert", "coding_counts_delete", "coding_counts_update"):
            study.db.execute(f"DROP TRIGGER {name}")
        study.db.execute("DROP TABLE coding_counts")
        study.db.execute("DELETE FROM _sqlite_migrations WHERE name = '0004_coding_counts'")
    path = study.path
    study.close()
    with Study.open(path) as reopened:
        assert _in_step(reopened)
        assert reopened.db.execute("SELECT sum(n) FROM coding_counts").fetchone()[0] == 1
