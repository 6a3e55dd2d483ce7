"""workbench.services.exports.qdpx and codebooks: REFI-QDA project and codebook files other programs accept."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
import xmlschema
from defusedxml.ElementTree import fromstring

from tests.helpers import CHINESE_INTERVIEW, import_text
from tests.services.exports.conftest import SCHEMAS
from workbench.services.codebook import load_codebook
from workbench.services.coding import add_coding, find_span
from workbench.services.exports.codebooks import codebook_qdc, codebook_yaml
from workbench.services.exports.qdpx import project_qdpx
from workbench.services.exports.refi import NAMESPACE, PROJECT_NS, code_guid
from workbench.text.offsets import to_crlf_position

NS = {"q": PROJECT_NS}


def _archive(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_demo_project_validates_against_the_shipped_schema(source):
    archive = _archive(project_qdpx(source))
    project = archive.read("project.qde")
    assert not project.startswith(b"\xef\xbb\xbf")
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(io.BytesIO(project))


def test_exporting_twice_gives_byte_identical_files(source):
    first, second = project_qdpx(source), project_qdpx(source)
    assert first == second
    assert {i.date_time for i in _archive(first).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_archive_holds_every_transcript_under_lower_case_sources_with_internal_paths(source):
    archive = _archive(project_qdpx(source))
    root = fromstring(archive.read("project.qde"))
    sources = root.findall("q:Sources/q:TextSource", NS)
    texts = dict(source.db.execute("SELECT upper(uid), text FROM transcripts").fetchall())
    assert len(sources) == len(texts) == 9
    for element in sources:
        guid = element.get("guid")
        assert element.get("plainTextPath") == f"internal://{guid}.txt" and element.get("richTextPath") is None
        assert archive.read(f"sources/{guid}.txt").decode("utf-8") == texts[guid]


def test_codings_become_selections_with_the_coders_codes_assessments_and_memos(source):
    root = fromstring(_archive(project_qdpx(source)).read("project.qde"))
    users = {u.get("guid"): u.get("id") for u in root.findall("q:Users/q:User", NS)}
    rows = source.db.execute('SELECT upper(t.uid), k.start, k."end", k.code_id, u.username, k.assessment, '
                             "upper(k.uid) FROM codings k JOIN transcripts t ON t.id = k.transcript_id "
                             "JOIN users u ON u.id = k.coder_id").fetchall()
    found = set()
    for element in root.findall("q:Sources/q:TextSource", NS):
        for selection in element.findall("q:PlainTextSelection", NS):
            coding = selection.find("q:Coding", NS)
            description = selection.findtext("q:Description", default="", namespaces=NS)
            found.add((element.get("guid"), int(selection.get("startPosition")), int(selection.get("endPosition")),
                       coding.find("q:CodeRef", NS).get("targetGUID"), users[coding.get("creatingUser")],
                       description.removeprefix("Assessment: ") or None, coding.get("guid")))
    assert found == {(t, s, e, code_guid(c), u, a, g) for t, s, e, c, u, a, g in rows}
    assert len(rows) == 545
    notes = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS) for n in root.findall("q:Notes/q:Note", NS)}
    memo_count = source.db.execute("SELECT count(*) FROM codings WHERE memo IS NOT NULL").fetchone()[0]
    assert len(notes) == memo_count + 5
    assert "Two coders, 研究備忘" in notes.values()
    assert [r.get("targetGUID") for r in root.findall("q:NoteRef", NS)]  # the study memo hangs on the project


def test_participants_are_cases_with_group_and_typed_attribute_variables(source):
    root = fromstring(_archive(project_qdpx(source)).read("project.qde"))
    variables = {v.get("guid"): (v.get("name"), v.get("typeOfVariable")) for v in root.findall("q:Variables/q:Variable", NS)}
    assert ("group", "Text") in variables.values() and ("years_in_hk", "Integer") in variables.values()
    cases = {c.get("name"): c for c in root.findall("q:Cases/q:Case", NS)}
    assert len(cases) == 9
    values = {variables[v.find("q:VariableRef", NS).get("targetGUID")][0]: v[1].text
              for v in cases["Dewi"].findall("q:VariableValue", NS)}
    assert values["group"] == "survivor" and values["nationality"] == "Indonesian" and values["years_in_hk"] == "3"
    assert len(cases["Dewi"].findall("q:SourceRef", NS)) == 1


def test_guids_are_uuid5_names_of_stable_ids():
    assert code_guid("barriers/delay") == str(uuid.uuid5(NAMESPACE, "code:barriers/delay")).upper()


def test_crlf_positions_count_each_line_break_twice_and_the_source_file_matches(study):
    tid = import_text(study, CHINESE_INTERVIEW, name="P02.txt", participant="阿玲")
    text = study.db.execute("SELECT text FROM transcripts WHERE id = ?", [tid]).fetchone()[0]
    start, end = find_span(text, "勞資審裁處")
    add_coding(study, transcript_id=tid, start=start, end=end, code_id="remedies/labour_tribunal", by="coder1")
    plain, crlf = (_archive(project_qdpx(study, crlf=flag)) for flag in (False, True))
    for archive, expected in ((plain, (start, end)), (crlf, (to_crlf_position(text, start), to_crlf_position(text, end)))):
        root = fromstring(archive.read("project.qde"))
        selection = root.find("q:Sources/q:TextSource/q:PlainTextSelection", NS)
        got = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert got == expected
        body = archive.read(f"sources/{root.find('q:Sources/q:TextSource', NS).get('guid')}.txt").decode("utf-8")
        assert body[got[0]:got[1]] == "勞資審裁處"
    assert expected[0] > start  # the passage is after line breaks, so the two counts differ


def test_the_codebook_exports_as_valid_qdc_with_hierarchy_and_as_loadable_yaml(source, tmp_path):
    qdc = codebook_qdc(source)
    xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd")).validate(io.BytesIO(qdc))
    root = fromstring(qdc)
    themes = root.findall("{urn:QDA-XML:codebook:1.0}Codes/{urn:QDA-XML:codebook:1.0}Code")
    assert len(themes) == 8 and all(len(t) > 1 for t in themes)
    path = tmp_path / "book.yaml"
    path.write_bytes(codebook_yaml(source))
    book = load_codebook(path)
    stored = {c[0]: c[1:] for c in source.db.execute("SELECT id, parent_id, name_en, name_zh, color FROM codes")}
    assert {c.id: (c.parent, c.name_en, c.name_zh, c.color) for c in book.codes} == stored
    assert {c.id: sorted(c.measures) for c in book.codes}["identification/screening"] == sorted(
        r[0] for r in source.db.execute("SELECT measure_id FROM code_measures WHERE code_id = 'identification/screening'"))


def test_the_sidecar_carries_what_qda_xml_cannot(source):
    sidecar = json.loads(_archive(project_qdpx(source)).read("workbench.json"))
    assert sidecar["codebook"]["id"] == "justice_access"
    assert sidecar["codes"][code_guid("barriers/delay")]["id"] == "barriers/delay"
    assert len(sidecar["frameworks"][0]["measures"]) == 17


@pytest.mark.parametrize("field", ["name_en", "title"])
def test_markup_in_names_is_escaped_not_interpreted(study, field):
    if field == "name_en":
        study.db.execute("UPDATE codes SET name_en = ? WHERE id = 'barriers/delay'", ["<b>&amp; \"x\"\x01"])
    else:
        study.set_meta("title", "<Project name='x'>", by="admin1")
    project = _archive(project_qdpx(study)).read("project.qde")
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(io.BytesIO(project))
    root = fromstring(project)
    if field == "name_en":
        names = {c.get("name") for c in root.iter(f"{{{PROJECT_NS}}}Code")}
        assert "<b>&amp; \"x\"" in names  # the control character XML cannot carry is dropped, the rest is text
    else:
        assert root.get("name") == "<Project name='x'>"
