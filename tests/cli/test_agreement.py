"""`workbench agreement | done | assign | disagreements` and `codebook history` on a copy of the demo study."""

from __future__ import annotations

import json

import krippendorff
import pytest
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score

from tests.helpers import copy_study
from workbench.cli import main
from workbench.services.agreement.assignments import assignments
from workbench.services.agreement.report import coding_spans
from workbench.services.agreement.units import unit_table
from workbench.store.study import Study


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def demo_copy(demo, tmp_path):
    return copy_study(demo.path, tmp_path / "demo.db")


def test_agreement_json_on_the_demo_matches_the_reference_packages(demo_copy):
    result = run("agreement", demo_copy, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"overall", "codes"} and data["coders"] == ["chan", "reyes"]
    with Study.open(demo_copy) as study:
        ids = [r[0] for r in study.db.execute("SELECT id FROM transcripts ORDER BY id").fetchall()]
        table = unit_table(study, coding_spans(study, coders=["chan", "reyes"], transcript_ids=ids),
                           raters=["chan", "reyes"], transcript_ids=ids)
    touched = table.touched
    compared = 0
    for index, code in enumerate(table.codes):
        values = table.values[:, touched, index].astype(float)
        if not values.any() or values.all():
            continue
        entry = data["codes"][code]
        assert entry["alpha"] == pytest.approx(
            krippendorff.alpha(reliability_data=values, level_of_measurement="nominal"), abs=1e-9)
        assert entry["kappa"] == pytest.approx(cohen_kappa_score(values[0], values[1]), abs=1e-9)
        assert entry["units"] == int(touched.sum())
        compared += 1
    assert compared >= 20


def test_agreement_table_and_character_units(demo_copy):
    result = run("agreement", demo_copy, "--unit", "character", "--transcript", "SV01_dewi")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 transcripts done by chan, reyes; unit: character")
    assert "κ chan|reyes" in result.output and "\noverall " in result.output


def test_assign_blind_then_done(demo_copy):
    assert run("users", "add", demo_copy, "--username", "lee", "--role", "coder").exit_code == 0
    result = run("assign", demo_copy, "--transcript", "SV01_dewi", "--coders", "lee", "--as", "admin")
    assert result.exit_code == 0, result.output
    assert "(blind)" in result.output
    result = run("done", demo_copy, "--transcript", "SV01_dewi", "--as", "lee")
    assert result.output.strip() == "SV01_dewi: done for lee"
    with Study.open(demo_copy) as study:
        row = assignments(study, coder="lee")[0]
    assert row["blind"] == 1 and row["done_at"] and row["assigned_by"] == "admin"
    result = run("agreement", demo_copy, "--coders", "chan,lee", "--json")
    assert json.loads(result.output)["transcripts"] == ["SV01_dewi"]


def test_a_reviewer_cannot_mark_done_and_a_coder_cannot_assign(demo_copy):
    result = run("done", demo_copy, "--transcript", "SV01_dewi", "--as", "reviewer")
    assert result.exit_code == 1 and result.output.startswith("error: reviewer (reviewer) may not")
    result = run("assign", demo_copy, "--transcript", "SV01_dewi", "--coders", "chan", "--as", "chan")
    assert result.exit_code == 1 and "may not transcripts assign" in result.output


def test_disagreements_lists_the_queue(demo_copy):
    result = run("disagreements", demo_copy, "--transcript", "SV01_dewi", "--json")
    data = json.loads(result.output)
    assert data["items"] and all(i["transcript"] == "SV01_dewi" for i in data["items"])
    assert all(set(i["applied"]) == {"chan", "reyes"} and len(set(i["applied"].values())) == 2 for i in data["items"])
    assert "passage" not in data["items"][0]
    text = run("disagreements", demo_copy).output
    assert text.rstrip().endswith("0 resolved")


def test_codebook_history(demo_copy):
    result = run("codebook", "history", demo_copy)
    assert "v1" in result.output and "admin" in result.output
    data = json.loads(run("codebook", "history", demo_copy, "--json").output)
    assert [v["version"] for v in data] == [1] and data[0]["author"] == "admin"


def test_report_counts_the_consensus_layer_when_asked(demo_copy):
    from workbench.services.agreement import adopt_agreements

    empty = json.loads(run("report", demo_copy, "--layer", "consensus", "--json").output)
    assert empty == []
    with Study.open(demo_copy) as study:
        added = adopt_agreements(study, by="chan")
    rows = json.loads(run("report", demo_copy, "--layer", "consensus", "--json").output)
    assert sum(r["codings"] for r in rows) == added > 0
    everyone = json.loads(run("report", demo_copy, "--json").output)
    assert sum(r["codings"] for r in everyone) == 545  # the coders' own codings, consensus left out
