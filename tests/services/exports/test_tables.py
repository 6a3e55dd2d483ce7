"""workbench.services.exports.tables and sheets: the quote table, the framework matrix, CSV and XLSX files."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from workbench.services.analysis import Filters
from workbench.services.exports.sheets import table_csv, tables_xlsx
from workbench.services.exports.tables import TABLES, TableRequest, build_table, framework_matrix, quote_table


def test_the_quote_table_has_one_row_per_coding_with_the_issue_columns(source):
    table = quote_table(source)
    assert len(table) == source.db.execute("SELECT count(*) FROM codings").fetchone()[0]
    for column in ("code", "name_en", "name_zh", "theme", "quote", "participant", "group", "attribute_nationality",
                   "transcript", "turn", "start", "end", "coder", "assessment", "measures_confirmed", "measures_derived",
                   "memo", "created"):
        assert column in table.columns, column
    row = table[table["participant"] == "Dewi"].iloc[0]
    assert row["attribute_nationality"] == "Indonesian" and row["group"] == "survivor"
    text = source.db.execute("SELECT text FROM transcripts WHERE stem = ?", [row["transcript"]]).fetchone()[0]
    assert text[row["start"]:row["end"]] == row["quote"]
    undecided = table[table["measures_confirmed"] == ""]
    decided = source.db.execute("SELECT count(DISTINCT coding_id) FROM coding_measures").fetchone()[0]
    assert len(table) - len(undecided) <= decided  # a coding with confirmed measures was decided by its coder
    row = undecided.iloc[0]
    mapped = {r[0] for r in source.db.execute("SELECT measure_id FROM code_measures WHERE code_id = ?", [row["code"]])}
    assert set(row["measures_derived"].split()) == mapped
    assert set(table["assessment"]) <= {"facilitator", "barrier", "neutral", ""}


def test_the_quote_table_takes_the_themes_page_filters(source):
    filters = Filters(groups=("stakeholder",), assessments=("barrier",), codes=("barriers",))
    table = quote_table(source, filters=filters)
    expected = source.db.execute(
        "SELECT count(*) FROM codings k JOIN transcripts t ON t.id = k.transcript_id JOIN participants p "
        "ON p.id = t.participant_id WHERE p.participant_group = 'stakeholder' AND k.assessment = 'barrier' "
        "AND k.code_id LIKE 'barriers%'").fetchone()[0]
    assert 0 < len(table) == expected
    assert set(table["group"]) == {"stakeholder"} and set(table["theme"]) == {"barriers"}


def _cell_count(cell: str) -> int:
    match = re.match(r"(\d+) coding", cell)
    return int(match.group(1)) if match else 0


def test_framework_cells_count_a_participants_confirmed_attributions(source):
    matrix = build_table(source, "framework")
    measures = [r[0] for r in source.db.execute("SELECT id FROM measures ORDER BY position")]
    assert sum(_cell_count(cell) for measure in measures for cell in matrix[measure]) > 0
    for person in matrix["participant"]:
        rows = matrix[matrix["participant"] == person]
        for measure in measures:
            expected = source.db.execute(
                "SELECT count(*) FROM codings k JOIN transcripts t ON t.id = k.transcript_id JOIN participants p "
                "ON p.id = t.participant_id JOIN coding_measures a ON a.coding_id = k.id AND a.status = 'confirmed' "
                "WHERE p.pseudonym = ? AND a.measure_id = ?", [person, measure]).fetchone()[0]
            assert _cell_count(rows.iloc[0][measure]) == expected, (person, measure)


def test_framework_cells_with_derived_count_the_codebook_mapping_where_nobody_decided(source):
    matrix = build_table(source, "framework", TableRequest(filters=Filters(include_derived=True)))
    measures = [r[0] for r in source.db.execute("SELECT id FROM measures ORDER BY position")]
    assert list(matrix.columns) == ["participant", "group", *measures]
    for person in ("Dewi", "阿玲", "Joy"):
        row = matrix[matrix["participant"] == person].iloc[0]
        for measure in measures:
            expected = source.db.execute(
                "SELECT count(*) FROM codings k JOIN transcripts t ON t.id = k.transcript_id JOIN participants p "
                "ON p.id = t.participant_id WHERE p.pseudonym = ? AND (EXISTS (SELECT 1 FROM coding_measures a "
                "WHERE a.coding_id = k.id AND a.status = 'confirmed' AND a.measure_id = ?) OR (NOT EXISTS (SELECT 1 "
                "FROM coding_measures a WHERE a.coding_id = k.id) AND EXISTS (SELECT 1 FROM code_measures cm "
                "WHERE cm.code_id = k.code_id AND cm.measure_id = ?)))", [person, measure, measure]).fetchone()[0]
            assert _cell_count(row[measure]) == expected, (person, measure)
    assert any("“" in cell for cell in matrix["ON-3"])


def test_framework_matrix_by_code_and_from_any_quote_frame():
    quotes = pd.DataFrame({"participant": ["A", "A", "B"], "group": ["survivor"] * 3, "code": ["x", "y", "x"],
                           "measures_confirmed": ["M1", "", ""], "measures_derived": ["", "M1 M2", ""],
                           "assessment": ["barrier", "", "facilitator"],
                           "quote": ["one", "two", "three"], "transcript": ["T1", "T1", "T2"], "turn": [1, 2, 3],
                           "start": [0, 5, 0], "end": [3, 8, 5]})
    assert framework_matrix(quotes, columns=["M1", "M2"]).set_index("participant")["M1"]["A"].startswith(
        "1 coding(s): barrier 1")
    by_measure = framework_matrix(quotes, columns=["M1", "M2"], derived=True)
    assert by_measure.set_index("participant")["M1"]["A"].startswith("2 coding(s): barrier 1, none 1")
    assert by_measure.set_index("participant")["M2"]["B"] == ""
    by_code = framework_matrix(quotes, columns=["x", "y"], axis="code")
    assert by_code.set_index("participant")["x"]["B"].startswith("1 coding(s): facilitator 1")


def test_every_registered_table_builds_on_the_demo(source):
    for name in TABLES:
        options = {"query": "passport"} if name == "search" else {}
        table = build_table(source, name, TableRequest(options=options))
        assert len(table) > 0, name


def test_csv_is_utf8_with_bom_and_no_cell_starts_a_formula():
    table = pd.DataFrame({"quote": ["=HYPERLINK(\"x\")", "+1", "@SUM(A1)", "-2 days later", "- yes", "-cmd", "護照"]})
    text = table_csv(table).decode("utf-8")
    assert text.startswith("\ufeff")
    cells = text.lstrip("\ufeff").splitlines()[1:]
    assert cells == ['"\'=HYPERLINK(""x"")"', "'+1", "'@SUM(A1)", "-2 days later", "- yes", "'-cmd", "護照"]


def test_xlsx_has_a_sheet_per_table_frozen_bold_header_widths_and_chinese_text(source):
    data = tables_xlsx({"quotes": quote_table(source), "formula": pd.DataFrame({"x": ["=1+1"]})},
                       about=[("study", "demo")])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["quotes", "formula", "about"]
    sheet = book["quotes"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width > 10
    values = {c.value for c in sheet["C"]}
    assert "證件被扣留" in values or any(isinstance(v, str) and re.search("[\u4e00-\u9fff]", v) for v in values)
    formula = book["formula"]["A2"]
    assert formula.value == "=1+1" and formula.data_type == "s"


@pytest.mark.parametrize("name", ["framework", "quotes"])
def test_long_sheet_names_and_forbidden_characters_are_made_valid(name):
    data = tables_xlsx({f"{name}/with:forbidden*chars and more than thirty-one": pd.DataFrame({"a": [1]})})
    [title] = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")


def test_the_agreement_table_is_the_agreement_report(source):
    from workbench.services.agreement import agreement, agreement_table

    expected = agreement_table(agreement(source, coders=["chan", "reyes"]))
    table = build_table(source, "agreement", TableRequest(filters=Filters(coders=("chan", "reyes"))))
    pd.testing.assert_frame_equal(table, expected)
    assert table.iloc[0]["code"] == "overall" and table["units"].iloc[0] > 0
