"""workbench.services.pii_gate: held imports, pseudonymising before storing, audited overrides, the names list."""

from __future__ import annotations

import json

import pytest

from tests.helpers import INTERVIEW, table_counts
from workbench.errors import InputError, PermissionDenied, PiiHeld
from workbench.services.importing import import_files, prepare, store
from workbench.services.participants import ParticipantInfo
from workbench.services.pii_gate import (
    PSEUDONYMISE,
    Decision,
    add_names,
    gate_for,
    list_names,
    names_map,
    read_names_csv,
    remove_name,
)

HKID = "A123456(3)"  # fictional; the check digit is valid
WITH_PII = f"""\
Interviewer: Can you tell me about the agency?
Maria Santos: They copied my ID card, {HKID}, and kept it.
Interviewer: Did they call you?
Maria Santos: Yes, on 9123 4567, every night. Ask maria santos at the shelter.
"""
SUBTITLES = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>Where can we reach you?

00:00:05.000 --> 00:00:09.000
<v Ana>My number is 9123 4567 and my passport EB1234567.

00:00:10.000 --> 00:00:12.000
<v Ana>That is all.
"""


def audit_rows(study, action):
    return [json.loads(r[0]) for r in study.db.execute("SELECT detail FROM audit_log WHERE action = ?", [action])]


def test_a_file_with_findings_is_held_before_anything_is_written(study):
    before = table_counts(study)
    with pytest.raises(PiiHeld) as held:
        prepare("P02.txt", WITH_PII.encode(), gate=gate_for(study))
    assert held.value.findings == [(2, "Hong Kong ID card number"), (4, "phone number")]
    assert HKID not in str(held.value) and "9123" not in str(held.value)
    assert "line 2: Hong Kong ID card number" in str(held.value)
    assert table_counts(study) == before


def test_store_refuses_text_that_skipped_the_gate(study):
    prepared = prepare("P02.txt", WITH_PII.encode())  # no gate: store screens it with the study's names list
    with pytest.raises(PiiHeld):
        store(study, prepared, participant=None, by="coder1")
    assert study.counts()["transcripts"] == 0


def test_pseudonymised_text_is_what_gets_stored_segmented_and_audited(study):
    add_names(study, [("Maria Santos", "Dewi")], by="admin1")
    prepared = prepare("P02.txt", WITH_PII.encode(), gate=gate_for(study, PSEUDONYMISE))
    tid = store(study, prepared, participant=ParticipantInfo("Dewi", "survivor"), by="coder1")
    text = study.db["transcripts"].get(tid)["text"]
    assert "[HKID-1]" in text and "[PHONE-1]" in text and "Dewi: Yes" in text and "Ask Dewi at" in text
    assert HKID not in text and "Maria" not in text and "maria" not in text
    assert json.loads(study.db["transcripts"].get(tid)["speakers"]) == {"Interviewer": 2, "Dewi": 2}
    for start, end in study.db.execute('SELECT start, "end" FROM segments WHERE transcript_id = ?', [tid]):
        assert 0 <= start <= end <= len(text)  # offsets into the stored, pseudonymised text
    [detail] = audit_rows(study, "pii_pseudonymise")
    assert detail == {"found": {"hkid": 1, "name": 3, "phone": 1}, "replaced": {"hkid": 1, "name": 3, "phone": 1},
                      "kept": {}}
    log = " ".join(r[0] for r in study.db.execute("SELECT detail FROM audit_log"))
    assert "9123" not in log and HKID not in log and "Maria" not in log


def test_an_override_needs_a_reason_and_is_audited(study):
    with pytest.raises(InputError, match="reason"):
        prepare("P02.txt", WITH_PII.encode(), gate=gate_for(study, Decision.override("ok")))
    reason = "Public figure's office number, consented in writing"
    prepared = prepare("P02.txt", WITH_PII.encode(), gate=gate_for(study, Decision.override(reason)))
    tid = store(study, prepared, participant=None, by="coder1")
    assert HKID in study.db["transcripts"].get(tid)["text"]
    [row] = study.db.execute("SELECT u.username, a.entity_id, a.detail FROM audit_log a JOIN users u ON u.id = a.user_id "
                             "WHERE a.action = 'pii_override'").fetchall()
    assert row[:2] == ("coder1", str(tid))
    assert json.loads(row[2]) == {"found": {"hkid": 1, "phone": 1}, "replaced": {}, "kept": {"hkid": 1, "phone": 1},
                                  "reason": reason}


def test_keeping_some_findings_needs_a_reason_too(study):
    with pytest.raises(InputError, match="reason"):
        prepare("P02.txt", WITH_PII.encode(), gate=gate_for(study, Decision(pseudonymise=True, keep=frozenset({1}))))
    decision = Decision(pseudonymise=True, keep=frozenset({1}), reason="the number is the shelter's public line")
    tid = store(study, prepare("P02.txt", WITH_PII.encode(), gate=gate_for(study, decision)), participant=None,
                by="coder1")
    text = study.db["transcripts"].get(tid)["text"]
    assert "[HKID-1]" in text and "9123 4567" in text
    assert audit_rows(study, "pii_override")[0]["kept"] == {"phone": 1}


def test_subtitle_cues_keep_their_times_after_pseudonymising(study):
    prepared = prepare("SV09.vtt", SUBTITLES.encode(), gate=gate_for(study, PSEUDONYMISE))
    text = prepared.document.text
    assert "My number is [PHONE-1] and my passport [PASSPORT-1]." in text
    for cue in prepared.document.cues:
        assert not text[cue.start:cue.end].startswith(" ") and cue.end <= len(text)
    last = prepared.document.cues[-1]
    assert text[last.start:last.end].endswith("That is all.")


def test_clean_files_pass_without_a_decision_and_leave_no_gate_audit(study):
    tid = store(study, prepare("P01.txt", INTERVIEW.encode(), gate=gate_for(study)), participant=None, by="coder1")
    assert tid and audit_rows(study, "pii_pseudonymise") == audit_rows(study, "pii_override") == []


def test_import_files_reports_held_files_and_goes_on(study, tmp_path):
    (tmp_path / "a.txt").write_text(WITH_PII, encoding="utf-8")
    (tmp_path / "b.txt").write_text(INTERVIEW, encoding="utf-8")
    held, ok = import_files(study, [tmp_path / "a.txt", tmp_path / "b.txt"], by="coder1")
    assert held.held == [(2, "Hong Kong ID card number"), (4, "phone number")] and held.transcript_id is None
    assert ok.transcript_id and not ok.held
    [again] = import_files(study, [tmp_path / "a.txt"], by="coder1", pii=PSEUDONYMISE)
    assert again.transcript_id and again.summary["pii"]["replaced"] == {"hkid": 1, "phone": 1}


def test_the_names_list_is_for_admins_and_applies_across_transcripts(study, tmp_path):
    with pytest.raises(PermissionDenied):
        list_names(study, by="coder1")
    add_names(study, [("Maria Santos", "Dewi"), ("陳大文", "阿明")], by="admin1")
    add_names(study, [("maria santos", "Dewi2")], by="admin1")  # the same real name (any case) is updated
    assert names_map(study) == {"Maria Santos": "Dewi2", "陳大文": "阿明"}
    rows = list_names(study, by="admin1")
    assert [r["pseudonym"] for r in rows] == ["Dewi2", "阿明"] and rows[0]["created_by"] == "admin1"
    remove_name(study, rows[1]["id"], by="admin1")
    assert names_map(study) == {"Maria Santos": "Dewi2"}
    for n in (1, 2):  # two transcripts, the same pseudonym
        text = f"Interviewer: Hello?\nMaria Santos: Hello number {n}.\n"
        tid = store(study, prepare(f"X{n}.txt", text.encode(), gate=gate_for(study, PSEUDONYMISE)), participant=None,
                    by="coder1")
        assert study.db["transcripts"].get(tid)["text"].endswith(f"Dewi2: Hello number {n}.")
    assert "Maria" not in " ".join(r[0] for r in study.db.execute("SELECT detail FROM audit_log"))


def test_names_csv_names_the_bad_line(tmp_path):
    good = tmp_path / "n.csv"
    good.write_text("\ufeffreal_name,pseudonym\nMaria Santos,Dewi\n陳大文,阿明\n", encoding="utf-8")
    assert read_names_csv(good) == [("Maria Santos", "Dewi"), ("陳大文", "阿明")]
    bad = tmp_path / "bad.csv"
    bad.write_text("real_name,pseudonym\nMaria,Dewi\nAna,\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3 of .*bad.csv"):
        read_names_csv(bad)
