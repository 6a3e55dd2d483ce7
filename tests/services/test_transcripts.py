"""workbench.services.transcripts: deleting a transcript (admins only) takes its dependants with it, audited."""

from __future__ import annotations

import json

import pytest

from tests.helpers import CODE_PASSPORT, INTERVIEW, import_text, table_counts
from workbench.errors import NotFoundError, PermissionDenied
from workbench.services.coding import add_coding, find_span
from workbench.services.memos import add_memo, list_memos
from workbench.services.search import search
from workbench.services.transcripts import delete_transcript, transcript_text


def test_admin_deletes_a_transcript_with_its_codings_segments_memos_and_index(study):
    keep = import_text(study, INTERVIEW.replace("Dewi", "Ana"), name="P02.txt", participant="P02")
    before = table_counts(study)
    tid = import_text(study, INTERVIEW)
    start, end = find_span(transcript_text(study, tid), "took my passport")
    cid = add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="coder1",
                     memo="agency")
    add_memo(study, target_type="transcript", target_id=tid, body="noisy", by="coder1")
    add_memo(study, target_type="coding", target_id=cid, body="check", by="coder1")
    with pytest.raises(PermissionDenied, match="coder1"):
        delete_transcript(study, tid, by="coder1")
    assert delete_transcript(study, tid, by="admin1") == {"codings": 1, "suggestions": 0, "memos": 2}
    after = table_counts(study)
    for table in ("transcripts", "segments", "codings", "memos", "coding_counts", "search_text"):
        assert after[table] == before[table], table
    assert after["participants"] == before["participants"] + 1  # the participant stays
    assert [h["transcript_id"] for h in search(study, "passport").hits] == [keep]
    assert list_memos(study) == []
    detail = json.loads(study.db.execute("SELECT detail FROM audit_log WHERE action = 'delete' AND "
                                         "entity = 'transcript'").fetchone()[0])
    assert detail["coding_ids"] == [cid] and detail["file"] == "P01.txt" and "passport" not in json.dumps(detail)
    with pytest.raises(NotFoundError):
        delete_transcript(study, tid, by="admin1")
