"""`workbench report` and `workbench search` (workbench.cli.report)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.services.analysis import expected
from workbench.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_frequencies_json_has_one_row_per_code_with_the_three_counts(demo):
    result = _run("report", demo.path, "--table", "frequencies", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r for r in json.loads(result.output)}
    for (code,), counts in expected.frequencies().items():
        assert {k: rows[code][k] for k in ("codings", "transcripts", "participants")} == counts
    for (code, group), counts in expected.frequencies(split="group").items():
        assert rows[code][f"participants_{group}"] == counts["participants"]


@pytest.mark.parametrize("table", ["measures", "cooccurrence", "participants"])
def test_other_tables_print_as_text_and_json(demo, table):
    text = _run("report", demo.path, "--table", table)
    assert text.exit_code == 0 and text.output.strip()
    data = _run("report", demo.path, "--table", table, "--json")
    assert data.exit_code == 0 and isinstance(json.loads(data.output), list)


def test_measures_table_counts_participants_per_theme_and_measure(demo):
    rows = json.loads(_run("report", demo.path, "--table", "measures", "--json").output)
    want = expected.theme_measure()
    got = {(r["row_id"], r["measure"]): r["participants"] for r in rows}
    assert got == {k: v["participants"] for k, v in want.items()}


def test_search_prints_transcript_offsets_and_kwic(demo):
    result = _run("search", demo.path, "護照")
    assert result.exit_code == 0
    first = result.output.splitlines()[0].split()
    assert first[0] in expected.manifest() and "-" in first[1] and "[護照]" in result.output


def test_search_json_finds_passports_by_lemma(demo):
    data = json.loads(_run("search", demo.path, "passports", "--json").output)
    assert data["terms"] == ["passport"] and data["hits"]
    assert {"transcript", "start", "end", "line"} <= set(data["hits"][0])
    survivors = json.loads(_run("search", demo.path, "passport", "--group", "survivor", "--json").output)
    assert {h["group"] for h in survivors["hits"]} == {"survivor"}


def test_errors_are_one_line_messages(tmp_path, demo):
    missing = _run("report", tmp_path / "none.db")
    assert missing.exit_code == 1 and missing.output.startswith("error: no study file")
    empty = _run("search", demo.path, "  ")
    assert empty.exit_code == 1 and empty.output.strip() == "error: type a word to search for"


def test_every_new_command_has_help():
    for command in ("report", "search"):
        result = _run(command, "--help")
        assert result.exit_code == 0 and "Usage" in result.output
