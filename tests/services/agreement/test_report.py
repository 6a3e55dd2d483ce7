"""workbench.services.agreement.report on the demo study: every figure recomputed from scratch with the
reference packages (sentence and character units, with and without uncoded units)."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from tests.helpers import CODE_PASSPORT, CODE_WAGES, INTERVIEW, copy_study, import_text
from workbench.errors import InputError
from workbench.services.agreement import agreement, agreement_table, mark_done
from workbench.services.coding import add_coding, find_span
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study

TOLERANCE = 1e-9
CODERS = ["chan", "reyes"]


def reference_values(study: Study, unit: str) -> tuple[list[str], dict[str, np.ndarray], np.ndarray]:
    """Per code a (coders, units) array built naively: one unit per sentence (or character), plain loops."""
    codings = study.db.execute('SELECT u.username, k.transcript_id, k.start, k."end", k.code_id FROM codings k '
                               "JOIN users u ON u.id = k.coder_id WHERE u.username IN ('chan', 'reyes')").fetchall()
    codes = sorted({c[4] for c in codings})
    units: list[tuple[int, int, int]] = []
    for tid, length in study.db.execute("SELECT id, length(text) FROM transcripts ORDER BY id").fetchall():
        if unit == "segment":
            units += [(tid, s, e) for s, e in study.db.execute(
                "SELECT start, \"end\" FROM segments WHERE transcript_id = ? AND kind = 'sentence' AND \"end\" > start "
                "ORDER BY start", [tid]).fetchall()]
        else:
            units += [(tid, i, i + 1) for i in range(length)]
    index = {}
    for n, (tid, _s, _e) in enumerate(units):
        index.setdefault(tid, []).append(n)
    values = {code: np.zeros((2, len(units)), dtype=bool) for code in codes}
    for coder, tid, start, end, code in codings:
        for n in index[tid]:
            _t, s, e = units[n]
            if s < end and start < e:
                values[code][CODERS.index(coder), n] = True
    touched = np.zeros(len(units), dtype=bool)
    for array in values.values():
        touched |= array.any(axis=0)
    return codes, values, touched


def alpha(values: np.ndarray) -> float:
    return float(krippendorff.alpha(reliability_data=values.astype(float), level_of_measurement="nominal"))


def kappa(values: np.ndarray) -> float:
    return float(cohen_kappa_score(values[0], values[1]))


@pytest.mark.parametrize("unit", ["segment", "character"])
def test_demo_figures_match_the_reference_packages(demo, unit):
    with Study.open(demo.path) as study:
        result = agreement(study, unit=unit)
        codes, values, touched = reference_values(study, unit)
    assert result.coders == CODERS
    assert len(result.transcripts) == demo.imported
    assert [c.code for c in result.codes] and sorted(c.code for c in result.codes) == codes
    checked = 0
    for entry in result.codes:
        every, coded = values[entry.code], values[entry.code][:, touched]
        assert entry.all_units.units == every.shape[1]
        assert entry.coded.units == coded.shape[1]
        for figures, array in ((entry.coded, coded), (entry.all_units, every)):
            assert figures.percent == pytest.approx((array[0] == array[1]).mean() * 100, abs=TOLERANCE)
            if array.any() and not array.all():
                assert figures.alpha == pytest.approx(alpha(array), abs=TOLERANCE), entry.code
                assert figures.kappa["chan|reyes"] == pytest.approx(kappa(array), abs=TOLERANCE), entry.code
                checked += 1
    assert checked >= 2 * 20  # most codes have defined figures
    pooled = np.concatenate([values[c][:, touched] for c in codes], axis=1)
    assert result.overall.alpha == pytest.approx(alpha(pooled), abs=TOLERANCE)
    assert result.overall.kappa["chan|reyes"] == pytest.approx(kappa(pooled), abs=TOLERANCE)
    assert result.overall.units == touched.sum()
    pooled_all = np.concatenate([values[c] for c in codes], axis=1)
    assert result.overall_all_units.alpha == pytest.approx(alpha(pooled_all), abs=TOLERANCE)


def test_json_shape_has_overall_and_codes_by_id(demo):
    with Study.open(demo.path) as study:
        data = agreement(study).as_json()
    assert set(data["overall"]) >= {"percent", "alpha", "kappa", "units", "with_uncoded"}
    assert isinstance(data["overall"]["kappa"], float)  # two coders: one number
    entry = data["codes"][CODE_PASSPORT]
    assert set(entry) >= {"percent", "alpha", "kappa", "units", "with_uncoded", "applied"}
    assert entry["with_uncoded"]["units"] > entry["units"] > 0


def test_uncoded_units_inflate_percent_agreement(demo):
    """Why the default leaves out text nobody coded: it is agreement on nothing."""
    with Study.open(demo.path) as study:
        result = agreement(study)
    assert result.overall_all_units.percent > result.overall.percent
    assert result.overall_all_units.units > result.overall.units


def test_three_coders_give_pairwise_kappa_and_one_alpha(demo, tmp_path):
    with Study.open(copy_study(demo.path, tmp_path / "s.db")) as study:
        study.add_user(username="lee", role="coder", password="password123")
        tid = study.db.execute("SELECT id FROM transcripts WHERE stem = 'SV01_dewi'").fetchone()[0]
        text = transcript_text(study, tid)
        start, end = find_span(text, "passport")
        add_coding(study, transcript_id=tid, start=start, end=end, code_id=CODE_PASSPORT, by="lee")
        mark_done(study, tid, by="lee")
        result = agreement(study, coders=["chan", "reyes", "lee"])
    assert result.transcripts == ["SV01_dewi"]
    assert set(result.overall.kappa) == {"chan|reyes", "chan|lee", "reyes|lee"}
    assert isinstance(result.as_json()["overall"]["kappa"], dict)
    assert result.overall.alpha is not None


def test_only_transcripts_every_compared_coder_finished_count(study):
    tid = import_text(study, INTERVIEW, name="P01.txt")
    other = import_text(study, INTERVIEW.replace("Dewi", "Ana"), name="P02.txt", participant="P02")
    for t in (tid, other):
        text = transcript_text(study, t)
        s, e = find_span(text, "kept my wages")
        add_coding(study, transcript_id=t, start=s, end=e, code_id=CODE_WAGES, by="coder1")
        add_coding(study, transcript_id=t, start=s, end=e, code_id=CODE_WAGES, by="admin1")
    with pytest.raises(InputError, match="two or more coders"):
        agreement(study)
    mark_done(study, tid, by="coder1")
    mark_done(study, other, by="admin1")
    with pytest.raises(InputError, match="no transcript has been marked done by all of"):
        agreement(study, coders=["coder1", "admin1"])
    mark_done(study, tid, by="admin1")
    result = agreement(study, coders=["coder1", "admin1"])
    assert result.transcripts == ["P01"]
    assert result.overall.percent == 100.0 and result.overall.units == 1
    # one code on the one coded sentence: no variation among coded units, so α and κ are undefined there
    assert result.overall.alpha is None and result.overall.kappa == {"coder1|admin1": None}
    assert result.overall_all_units.alpha == 1.0


def test_unknown_unit_and_coder_are_refused(demo):
    with Study.open(demo.path) as study:
        with pytest.raises(InputError, match="unit must be"):
            agreement(study, unit="word")
        with pytest.raises(Exception, match="no user 'nobody'"):
            agreement(study, coders=["chan", "nobody"])


def test_table_has_an_overall_row_then_one_per_code(demo):
    with Study.open(demo.path) as study:
        result = agreement(study, transcripts=["SV01_dewi", "ST01_lawyer"])
    table = agreement_table(result)
    assert result.transcripts == ["ST01_lawyer", "SV01_dewi"]
    assert table.iloc[0]["code"] == "overall"
    assert len(table) == len(result.codes) + 1
    assert {"units", "percent", "alpha", "kappa chan|reyes", "alpha (with uncoded)", "applied by chan"} <= set(table)
