"""workbench.demo: the fictional demo study built from transcripts/ and codebooks/."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import DEMO_MANIFEST, REPO, REQUIRED_CODE_IDS, TINY_CODEBOOK
from workbench.demo import DEMO_USERS, build_demo, reference_codings
from workbench.errors import InputError
from workbench.services.participants import load_manifest
from workbench.store.study import Study
from workbench.text.readers import file_bytes, read_bytes

TRANSCRIPTS = REPO / "transcripts"
FICTIONAL = "FICTIONAL COMPOSITE INTERVIEW"


@pytest.fixture(scope="module")
def demo_study(demo):
    with Study.open(demo.path) as study:
        yield study


def _rows(study, sql, params=()):
    return study.db.execute(sql, params).fetchall()


def test_demo_transcript_mix(demo, demo_study):
    rows = _rows(demo_study, "SELECT t.format, t.language, p.participant_group, p.pseudonym FROM transcripts t "
                             "JOIN participants p ON p.id = t.participant_id")
    assert demo.imported == len(rows) >= 9
    groups = Counter(r[2] for r in rows)
    languages = Counter(r[1] for r in rows)
    formats = Counter(r[0] for r in rows)
    assert groups["survivor"] >= 4 and groups["stakeholder"] >= 3
    assert languages["zh"] >= 3 and languages["mixed"] >= 1
    assert formats["docx"] >= 1 and formats["vtt"] >= 1
    assert demo_study.counts()["participants"] == len({r[3] for r in rows})


def test_every_demo_file_starts_with_the_fictional_line(demo_study):
    manifest = load_manifest(DEMO_MANIFEST)
    assert manifest
    for name in manifest:
        path = TRANSCRIPTS / name
        first_line = read_bytes(Path(path).name, file_bytes(path)).text.split("\n", 1)[0]
        assert FICTIONAL in first_line, name
        if path.suffix in (".txt", ".md"):
            assert path.read_text(encoding="utf-8-sig").startswith(FICTIONAL), name
    for (text,) in _rows(demo_study, "SELECT text FROM transcripts"):
        assert FICTIONAL in text.split("\n", 1)[0]
    assert "FICTIONAL" in demo_study.meta("title")


def test_every_required_code_is_coded_at_least_twice(demo_study):
    counts = dict(_rows(demo_study, "SELECT code_id, count(*) FROM codings GROUP BY code_id"))
    thin = {code: counts.get(code, 0) for code in REQUIRED_CODE_IDS if counts.get(code, 0) < 2}
    assert not thin, thin


def test_both_reference_coders_code_and_disagree(demo_study):
    by_coder: dict[str, set] = {}
    for coder, tid, start, end, code in _rows(
            demo_study, 'SELECT u.username, k.transcript_id, k.start, k."end", k.code_id FROM codings k '
                        "JOIN users u ON u.id = k.coder_id WHERE k.origin = 'reference'"):
        by_coder.setdefault(coder, set()).add((tid, start, end, code))
    assert set(by_coder) == {"chan", "reyes"}
    assert by_coder["chan"] & by_coder["reyes"], "the coders should also agree somewhere"
    assert by_coder["chan"] ^ by_coder["reyes"], "the coders should disagree somewhere"
    transcripts_coded = {key[0] for key in by_coder["chan"] | by_coder["reyes"]}
    assert len(transcripts_coded) == demo_study.counts()["transcripts"]


def test_every_reference_coding_snippet_equals_its_quote(demo, demo_study):
    expected = reference_codings(TRANSCRIPTS / "reference_codings")
    stored = _rows(demo_study, "SELECT t.stem, k.code_id, u.username, k.snippet, k.assessment, k.text_hash = t.text_hash "
                               "FROM codings k JOIN transcripts t ON t.id = k.transcript_id "
                               "JOIN users u ON u.id = k.coder_id WHERE k.origin = 'reference' ORDER BY k.id")
    assert len(stored) == len(expected) == demo.codings
    for row, (stem, code, coder, snippet, assessment, intact) in zip(expected, stored):
        where = f"{row['_source']} line {row['_line']}"
        assert (stem, code, coder) == (row["transcript"], row["code"], row["coder"]), where
        assert snippet == row["quote"], where
        assert assessment == row.get("assessment"), where
        assert intact == 1


def test_demo_users_and_passwords(demo, demo_study):
    assert set(demo.passwords) == {u[0] for u in DEMO_USERS}
    assert {(u.username, u.role) for u in demo_study.users()} == {(u[0], u[1]) for u in DEMO_USERS}
    for username, password in demo.passwords.items():
        assert demo_study.authenticate(username, password).username == username
    assert len(set(demo.passwords.values())) == len(demo.passwords)


def test_demo_segments_slice_the_text(demo_study):
    texts = dict(_rows(demo_study, "SELECT id, text FROM transcripts"))
    for tid, start, end, kind in _rows(demo_study, 'SELECT transcript_id, start, "end", kind FROM segments'):
        piece = texts[tid][start:end]
        assert piece and piece == piece.strip(), (tid, start, end, kind)


def test_demo_vtt_turns_have_times(demo_study):
    rows = _rows(demo_study, "SELECT s.t_start_ms, s.t_end_ms FROM segments s JOIN transcripts t "
                             "ON t.id = s.transcript_id WHERE t.format = 'vtt' AND s.kind = 'turn'")
    assert rows and all(a is not None and b is not None and a <= b for a, b in rows)


def test_build_demo_refuses_an_existing_file(demo):
    with pytest.raises(InputError, match="already exists"):
        build_demo(demo.path)


GOOD_REFERENCE = {"transcript": "P01", "quote": "They took my passport.", "code": "exploitation/document_retention",
                  "coder": "chan"}


@pytest.mark.parametrize("bad, phrase", [
    ({**GOOD_REFERENCE, "quote": "a passage that is not there"}, "does not occur"),
    # regression: these raised KeyError / NotFoundError without the file and line, and a KeyError left the
    # half-built demo file behind, so the next attempt said "already exists"
    ({k: v for k, v in GOOD_REFERENCE.items() if k != "coder"}, "missing key 'coder'"),
    ({**GOOD_REFERENCE, "coder": "nobody"}, "no user 'nobody'"),
    ({**GOOD_REFERENCE, "code": "no/such_code"}, "no active code"),
    ({**GOOD_REFERENCE, "transcript": "P99"}, "no transcript 'P99'"),
], ids=["quote", "missing_key", "unknown_coder", "unknown_code", "unknown_transcript"])
def test_a_bad_reference_coding_names_its_line_and_leaves_no_file(tmp_path, bad, phrase):
    folder = tmp_path / "transcripts"
    (folder / "reference_codings").mkdir(parents=True)
    (folder / "P01.txt").write_text("FICTIONAL COMPOSITE INTERVIEW.\nInterviewer: Hi?\nDewi: They took my passport.\n"
                                    "Interviewer: And?\nDewi: Nothing.\n", encoding="utf-8")
    (folder / "manifest.yaml").write_text("- file: P01.txt\n  participant: Dewi\n  group: survivor\n",
                                          encoding="utf-8")
    (tmp_path / "tiny.yaml").write_text(TINY_CODEBOOK, encoding="utf-8")
    (folder / "reference_codings" / "P01.jsonl").write_text(
        json.dumps(GOOD_REFERENCE) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    target = tmp_path / "demo.db"
    with pytest.raises(InputError) as err:
        build_demo(target, transcripts=folder, codebook=tmp_path / "tiny.yaml")
    assert str(err.value).startswith("line 3 of P01.jsonl: ")
    assert phrase in str(err.value)
    assert not list(tmp_path.glob("demo.db*"))


def test_a_failing_transcript_fails_the_demo(tmp_path):
    folder = tmp_path / "transcripts"
    (folder / "reference_codings").mkdir(parents=True)
    (folder / "P01.docx").write_bytes(b"not a docx")
    (folder / "manifest.yaml").write_text("- file: P01.docx\n  participant: Dewi\n", encoding="utf-8")
    (tmp_path / "tiny.yaml").write_text(TINY_CODEBOOK, encoding="utf-8")
    with pytest.raises(InputError, match="P01.docx"):
        build_demo(tmp_path / "demo.db", transcripts=folder, codebook=tmp_path / "tiny.yaml")
    assert not list(tmp_path.glob("demo.db*"))
