"""workbench.cli.suggest: the exact `suggest` contract, `eval-suggest` and `suggestions …` commands."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from tests.helpers import SHIPPED_CODEBOOK, TINY_CODEBOOK, copy_study
from workbench.cli import main

INPUT = [
    {"id": "en-1", "text": "My employer confiscated her passport and never paid her wages."},
    {"id": "zh-1", "text": "僱主收走咗我本護照，成年冇出過糧。"},
    {"id": 7, "text": "The weather was lovely."},
    {"id": "mixed", "text": "我去咗 Labour Tribunal，等咗成年先有 hearing。"},
]


def run(*args, input: str | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def codebook(tmp_path):
    if SHIPPED_CODEBOOK.exists():
        return SHIPPED_CODEBOOK
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_CODEBOOK, encoding="utf-8")
    return path


@pytest.fixture
def jsonl(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = [json.dumps(row, ensure_ascii=False) for row in INPUT]
    path.write_text("\n".join(lines[:2] + [""] + lines[2:]) + "\n", encoding="utf-8")   # a blank line is no input
    return path


def outputs(result):
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_rules_only_contract(codebook, jsonl):
    rows = outputs(run("suggest", "--codebook", codebook, "--input", jsonl))
    assert [r["id"] for r in rows] == [i["id"] for i in INPUT]               # one line per input, in order
    for row in rows:
        assert set(row) == {"id", "suggestions"} and len(row["suggestions"]) <= 5
        for s in row["suggestions"]:
            assert set(s) == {"code", "score", "method", "evidence"}
            assert s["method"] == "rules" and 0 <= s["score"] <= 1 and s["evidence"]
        assert [s["score"] for s in row["suggestions"]] == sorted((s["score"] for s in row["suggestions"]),
                                                                  reverse=True)
    assert rows[0]["suggestions"][0]["code"] in ("exploitation/document_retention", "exploitation/wage_withholding")
    assert "exploitation/document_retention" in [s["code"] for s in rows[1]["suggestions"]]
    assert rows[2]["suggestions"] == []


def test_explain_adds_what_triggered_each_suggestion(codebook, jsonl):
    rows = outputs(run("suggest", "--codebook", codebook, "--input", jsonl, "--explain"))
    first = rows[1]["suggestions"][0]
    assert set(first) == {"code", "score", "method", "evidence", "details"}
    assert first["details"]["rules"] == first["score"] and first["details"]["patterns"][0]["words"]


def test_top_k_and_standard_input(codebook):
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in INPUT)
    rows = outputs(run("suggest", "--codebook", codebook, "--input", "-", "--top", "1", input=text))
    assert [len(r["suggestions"]) for r in rows] == [1, 1, 0, 1]


@pytest.mark.parametrize(("content", "phrase"), [
    ('{"id": "a", "text": "ok"}\nnot json\n', "line 2 of"),
    ('{"id": "a"}\n', 'each line must be an object {"id"'),
    ('["a", "b"]\n', "line 1 of"),
])
def test_bad_input_is_one_error_line(codebook, tmp_path, content, phrase):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = run("suggest", "--codebook", codebook, "--input", path)
    assert result.exit_code == 1 and result.stdout == ""
    assert [line for line in result.output.splitlines() if line.startswith("error:")] and phrase in result.output
    assert "Traceback" not in result.output


def test_other_errors(codebook, jsonl, tmp_path):
    for args, phrase in [(("--input", tmp_path / "none.jsonl"), "no such file"),
                         (("--input", jsonl, "--method", "learned"), "needs --study"),
                         (("--input", jsonl, "--study", tmp_path / "none.db"), "no study file")]:
        result = run("suggest", "--codebook", codebook, *args)
        assert result.exit_code == 1 and phrase in result.output and "Traceback" not in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: nope\n", encoding="utf-8")
    assert run("suggest", "--codebook", bad, "--input", jsonl).exit_code == 1


@pytest.mark.slow  # trains the learned suggester
def test_with_a_study_trains_once_then_loads_the_cached_model(demo, codebook, jsonl, tmp_path):
    study = copy_study(demo.path, tmp_path / "demo.db")
    rows = outputs(run("suggest", "--codebook", codebook, "--study", study, "--input", jsonl, "--top", "3"))
    assert all(len(r["suggestions"]) == 3 for r in rows)   # the learned model always offers its best guesses
    assert {s["method"] for r in rows for s in r["suggestions"]} <= {"rules", "learned", "rules+learned"}
    # passport taken and wages unpaid: both codes are right, and both must lead the list
    assert {s["code"] for s in rows[1]["suggestions"][:2]} == {"exploitation/document_retention",
                                                                "exploitation/wage_withholding"}
    count = lambda: sqlite3.connect(study).execute("SELECT count(*) FROM suggestion_models").fetchone()[0]  # noqa: E731
    assert count() == 1
    learned = outputs(run("suggest", "--codebook", codebook, "--study", study, "--input", jsonl, "--method", "learned"))
    assert {s["method"] for r in learned for s in r["suggestions"]} == {"learned"} and count() == 1


@pytest.mark.slow  # trains the learned suggester
def test_eval_suggest(demo, tmp_path):
    study = copy_study(demo.path, tmp_path / "demo.db")
    result = run("eval-suggest", "--study", study, "--json")
    figures = json.loads(result.stdout)
    assert figures["rules"]["all"]["passages"] == figures["passages"]
    assert {"en", "zh"} <= set(figures["combined"])
    text = run("eval-suggest", "--study", study).output
    assert "recall@3" in text and "combined" in text and "zh" in text


def test_suggestions_commands(demo, tmp_path):
    study = copy_study(demo.path, tmp_path / "demo.db")
    result = run("suggestions", "generate", study, "--transcript", "SV04_siu_ling", "--method", "rules", "--as", "chan")
    assert result.exit_code == 0 and "open suggestions" in result.output
    listed = json.loads(run("suggestions", "list", study, "--transcript", "SV04_siu_ling", "--json").stdout)
    first, second = listed[0]["id"], listed[1]["id"]
    assert "coding" in run("suggestions", "accept", study, first, "--as", "chan").output
    assert "rejected" in run("suggestions", "reject", study, second, "--as", "chan").output
    refused = run("suggestions", "accept", study, listed[2]["id"], "--as", "reviewer")
    assert refused.exit_code == 1 and "may not" in refused.output
    origin = sqlite3.connect(study).execute("SELECT origin, suggestion_id FROM codings WHERE suggestion_id = ?",
                                            [first]).fetchone()
    assert origin == ("suggestion", first)
