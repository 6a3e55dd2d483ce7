"""workbench.services.exports.refi_import: real MAXQDA and ATLAS.ti projects, the round trip, hostile archives."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.helpers import dump, small_project, table_counts, zip_of
from tests.services.exports.conftest import ATLAS, MAXQDA
from workbench.errors import AuthError, InputError, PermissionDenied, PiiHeld
from workbench.services.exports.codebooks import codebook_qdc
from workbench.services.exports.qdpx import project_qdpx
from workbench.services.exports.refi_import import IMPORTED_ROOT, import_refi, read_refi, sniff
from workbench.services.pii_gate import PSEUDONYMISE, Decision
from workbench.text.offsets import normalize

ALL_TABLES = ("users", "codes", "participants", "transcripts", "segments", "codings", "memos", "study_meta")


KEEP = Decision.override("public conference programme: e-mail addresses and web pages of its organisers")


def test_a_project_with_identifying_data_is_held_whole(empty):
    before = dump(empty, *ALL_TABLES)
    with pytest.raises(PiiHeld, match="ICLS 2024 3-10.txt: held") as held:
        import_refi(empty, MAXQDA.name, MAXQDA.read_bytes(), by="system")
    assert {kind for _line, kind in held.value.findings} >= {"e-mail address", "web address"}
    assert "@" not in str(held.value)  # lines and kinds, never the values
    assert dump(empty, *ALL_TABLES) == before


def test_the_maxqda_24_sample_imports_completely(empty):
    plan, added = import_refi(empty, MAXQDA.name, MAXQDA.read_bytes(), by="system", pii=KEEP)
    assert added["transcripts"] == 10 and added["codes"] == 308 and added["users"] == 1
    codes = dump(empty, "codes")["codes"]
    foreign = [c for c in empty.db.execute("SELECT id, parent_id, definition_en, color FROM codes WHERE id != ?",
                                            [IMPORTED_ROOT]).fetchall()]
    assert len(foreign) == 307 and len(codes) == 308
    assert sum(1 for c in foreign if c[1] == IMPORTED_ROOT) == 18
    assert all(c[0].startswith(IMPORTED_ROOT + "/") for c in foreign)
    assert sum(1 for c in foreign if c[2]) >= 300 and all(c[3].startswith("#") for c in foreign)
    archive = zipfile.ZipFile(io.BytesIO(MAXQDA.read_bytes()))
    expected = sorted(normalize(archive.read(n).decode("utf-8")) for n in archive.namelist() if n.startswith("sources/"))
    assert sorted(r[0] for r in empty.db.execute("SELECT text FROM transcripts")) == expected
    assert empty.db.execute("SELECT count(*) FROM segments WHERE kind = 'turn'").fetchone()[0] > 100
    johnb = empty.user("johnb")
    assert johnb.role == "coder"
    with pytest.raises(AuthError):
        empty.authenticate("johnb", "")
    assert plan.summary()["imported_branch"] == 307


def test_the_atlas_ti_23_sample_imports_its_users_and_code_tree(empty):
    _plan, added = import_refi(empty, ATLAS.name, ATLAS.read_bytes(), by="system")
    assert added == {"users": 2, "codes": 4, "participants": 0, "transcripts": 0, "codings": 0, "memos": 0}
    assert empty.db.execute("SELECT count(*) FROM codes WHERE parent_id = 'imported/commits'").fetchone()[0] == 2
    assert {u.display_name for u in empty.users()} == {"Enric Llagostera", "ATLAS.ti"}


def _snapshot(study) -> dict:
    rows = lambda sql: sorted(tuple(r) for r in study.db.execute(sql).fetchall())  # noqa: E731
    return {
        "transcripts": rows("SELECT stem, source_name, language, text, interview_date, interviewer FROM transcripts"),
        "codes": rows("SELECT id, parent_id, name_en, name_zh, definition_en, definition_zh, color, include, exclude, "
                      "examples, keywords, status FROM codes"),
        "code_measures": rows("SELECT code_id, measure_id FROM code_measures"),
        "measures": rows("SELECT id, framework_id, title_en, title_zh FROM measures"),
        "codings": rows('SELECT t.text_hash, k.start, k."end", k.code_id, u.username, k.assessment, k.memo, k.snippet '
                        "FROM codings k JOIN transcripts t ON t.id = k.transcript_id JOIN users u ON u.id = k.coder_id"),
        "memos": rows("SELECT m.target_type, m.title, m.body, u.username FROM memos m JOIN users u ON u.id = m.author_id"),
        "participants": sorted((p, g, json.dumps(json.loads(a), sort_keys=True)) for p, g, a in
                               study.db.execute("SELECT pseudonym, participant_group, attributes FROM participants")),
        "transcript_participants": rows("SELECT t.stem, p.pseudonym FROM transcripts t JOIN participants p "
                                        "ON p.id = t.participant_id"),
        "users": rows("SELECT username, display_name FROM users WHERE username != 'system'"),
    }


@pytest.mark.parametrize("crlf", [False, True], ids=["characters", "crlf"])
def test_round_trip_into_an_empty_study_restores_the_study(source, empty, crlf):
    _plan, added = import_refi(empty, "demo.qdpx", project_qdpx(source, crlf=crlf), by="system")
    assert added["codings"] == 545 and added["memos"] == 5 and added["transcripts"] == 9
    before, after = _snapshot(source), _snapshot(empty)
    for key in before:
        assert after[key] == before[key], key
    memo_targets = dict(empty.db.execute("SELECT body, target_id FROM memos").fetchall())
    assert memo_targets["Follow-up agreed."] == str(empty.db.execute(
        "SELECT id FROM participants WHERE pseudonym = '阿玲'").fetchone()[0])
    assert empty.meta("title") == source.meta("title")
    assert empty.user("reviewer").role == "reviewer" and empty.user("admin").role == "coder"  # never an admin


def test_a_project_sent_back_adds_only_what_is_new(source):
    data = project_qdpx(source)
    before = table_counts(source)
    _plan, added = import_refi(source, "back.qdpx", data, by="admin")
    assert added == {"users": 0, "codes": 0, "participants": 0, "transcripts": 0, "codings": 0, "memos": 0}
    assert {k: v for k, v in table_counts(source).items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"}


def test_a_foreign_project_maps_codes_users_assessment_and_notes(empty):
    _plan, added = import_refi(empty, "small.qdpx", small_project(note=True), by="system")
    assert added["codings"] == 1 and added["users"] == 1
    coding = empty.db.execute("SELECT k.code_id, k.snippet, k.assessment, k.memo, u.username, k.created_at, k.uid "
                              "FROM codings k JOIN users u ON u.id = k.coder_id").fetchone()
    assert coding == ("imported/documents/passport_kept", "kept my passport", "barrier", "Check the date.", "mei_wong",
                      "2024-05-01T10:00:00+00:00", "00000006-0000-4000-8000-000000000000")


@pytest.mark.parametrize("origin, positions, crlf_counted", [
    ("MAXQDA 24 (Release 24.7.0)", "auto", True), ("QualCoder 3.5", "auto", False),
    ("QualCoder 3.5", "crlf", True), ("MAXQDA 24", "characters", False)])
def test_maxqda_positions_count_a_line_break_as_two(empty, origin, positions, crlf_counted):
    text = "Q: Why?\nA: Well.\nA: They kept my passport.\n"
    start = text.index("kept my passport")
    shift = text.count("\n", 0, start) if crlf_counted else 0
    data = small_project(origin=origin, text=text, start=start + shift, end=start + shift + len("kept my passport"))
    import_refi(empty, "p.qdpx", data, by="system", positions=positions)
    assert empty.db.execute("SELECT snippet FROM codings").fetchone()[0] == "kept my passport"


def test_a_pseudonymised_project_keeps_its_codings_on_the_same_words(empty):
    text = "Q: Why?\nA: Call me on 9123 4567. They kept my passport.\n"
    _plan, added = import_refi(empty, "p.qdpx", small_project(text=text), by="system", pii=PSEUDONYMISE)
    stored = empty.db.execute("SELECT text FROM transcripts").fetchone()[0]
    assert "9123 4567" not in stored and "[PHONE-1]" in stored
    assert empty.db.execute("SELECT snippet FROM codings").fetchall() == [("kept my passport",)]
    start, end = empty.db.execute('SELECT start, "end" FROM codings').fetchone()
    assert stored[start:end] == "kept my passport" and added["codings"] == 1
    audit = empty.db.execute("SELECT detail FROM audit_log WHERE action = 'pii_pseudonymise'").fetchone()[0]
    assert "9123" not in audit and json.loads(audit)["replaced"]


def test_a_crlf_source_file_is_normalised_and_its_positions_follow(empty):
    text = "\ufeffQ: Why?  \r\nA: They kept my passport.\r\n"
    start = text.index("kept") - 1  # a byte-order mark is not a character of the text
    import_refi(empty, "p.qdpx", small_project(text=text, start=start, end=start + 16), by="system")
    assert empty.db.execute("SELECT text FROM transcripts").fetchone()[0] == "Q: Why?\nA: They kept my passport."
    assert empty.db.execute("SELECT snippet FROM codings").fetchone()[0] == "kept my passport"


def test_a_codebook_file_imports_its_codes(source, empty):
    qdc = codebook_qdc(source)
    assert sniff("book.xml", qdc) == "qdc"
    _plan, added = import_refi(source, "book.qdc", qdc, by="admin")
    assert added["codes"] == 0  # every GUID names a code the study has
    _plan, added = import_refi(empty, "book.qdc", qdc, by="system")
    assert added["codes"] == 38  # no ids in a .qdc: 37 codes under the imported branch, with their tree
    theme, delay = (source.db.execute("SELECT name_en FROM codes WHERE id = ?", [i]).fetchone()[0]
                    for i in ("barriers", "barriers/delay"))
    parent = empty.db.execute("SELECT p.name_en, p.parent_id FROM codes c JOIN codes p ON p.id = c.parent_id "
                              "WHERE c.name_en = ?", [delay]).fetchone()
    assert parent == (theme, IMPORTED_ROOT)


def test_reading_writes_nothing_and_previews_the_import(empty):
    before = dump(empty, *ALL_TABLES)
    plan = read_refi(empty, MAXQDA.name, MAXQDA.read_bytes(), pii=KEEP)
    assert plan.summary()["new_sources"] == 10 and plan.summary()["codes"] == 308
    assert dump(empty, *ALL_TABLES) == before


def _unchanged(study, attempt, match: str) -> None:
    before = dump(study, *ALL_TABLES)
    with pytest.raises(InputError, match=match):
        attempt()
    assert dump(study, *ALL_TABLES) == before


BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
XXE = '<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("name, data, match", [
    ("not_zip.qdpx", b"this is plain text, not an archive", "not a zip archive"),
    ("damaged.qdpx", b"PK\x03\x04" + b"\x00" * 60, "damaged"),
    ("traversal.qdpx", zip_of({"project.qde": b"<x/>", "../../etc/cron.d/evil": b"x"}), "path traversal"),
    ("absolute.qdpx", zip_of({"project.qde": b"<x/>", "/etc/passwd": b"x"}), "absolute path"),
    ("no_project.qdpx", zip_of({"other.xml": b"<x/>"}), "holds no project.qde"),
    ("xxe.qdpx", zip_of({"project.qde": f'<?xml version="1.0"?>{XXE}<p>&xxe;</p>'.encode()}),
     "DTD or XML entities"),
    ("laughs.qdpx", zip_of({"project.qde": f'<?xml version="1.0"?>{BILLION_LAUGHS}<p>&lol3;</p>'.encode()}),
     "DTD or XML entities"),
    ("broken.qdpx", zip_of({"project.qde": b"<Project><Users></Project>"}), "not well-formed"),
    ("invalid.qdpx", zip_of({"project.qde": b'<Project xmlns="urn:QDA-XML:project:1.0"><Nonsense/></Project>'}),
     "does not follow the QDA-XML 1.0 schema"),
    ("outside.qdpx", small_project(start=5, end=9999), "outside the text"),
    ("backwards.qdpx", small_project(start=20, end=10), "outside the text"),
])
def test_hostile_or_broken_files_get_a_clear_error_and_write_nothing(empty, name, data, match):
    _unchanged(empty, lambda: import_refi(empty, name, data, by="system"), match)


def test_a_missing_source_file_is_named(empty):
    archive = zipfile.ZipFile(io.BytesIO(small_project()))
    data = zip_of({"project.qde": archive.read("project.qde")})
    _unchanged(empty, lambda: import_refi(empty, "p.qdpx", data, by="system"), r"sources/.*\.txt is missing")


def test_a_zip_bomb_is_refused_by_its_unpacked_size(empty):
    bomb = zip_of({"project.qde": b"<x/>", "sources/big.txt": b"\0" * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000
    _unchanged(empty, lambda: read_refi(empty, "bomb.qdpx", bomb, max_unpacked=10 * 1024 * 1024), "zip bomb")


def test_a_zip_whose_header_lies_about_sizes_is_refused(empty):
    data = bytearray(zip_of({"project.qde": b"<x/>" * 10_000}))
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (4).to_bytes(4, "little")  # uncompressed size claimed: 4 bytes
    _unchanged(empty, lambda: import_refi(empty, "liar.qdpx", bytes(data), by="system"), "damaged")


def test_a_reviewer_may_not_import_and_nothing_changes(source):
    before = dump(source, *ALL_TABLES)
    with pytest.raises(PermissionDenied):
        import_refi(source, "small.qdpx", small_project(), by="reviewer")
    assert dump(source, *ALL_TABLES) == before


def test_codings_by_someone_who_is_a_reviewer_here_are_refused_whole(source):
    data = small_project(user='name="Reviewer" id="reviewer"')
    _unchanged(source, lambda: import_refi(source, "p.qdpx", data, by="admin"), "reviewer in this study")
