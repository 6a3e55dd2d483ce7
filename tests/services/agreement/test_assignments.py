"""workbench.services.agreement.assignments: blind double coding reaches beyond the coding page."""

from __future__ import annotations

import pytest

from tests.helpers import copy_study
from workbench.services.agreement import assign, mark_done
from workbench.services.analysis import Filters, code_frequencies, quotes
from workbench.services.suggest.service import _taken
from workbench.store.study import Study


@pytest.fixture
def demo_copy(demo, tmp_path):
    with Study.open(copy_study(demo.path, tmp_path / "s.db")) as study:
        yield study


def test_a_blind_coder_sees_only_their_own_codings_in_the_analysis_and_suggestions(demo_copy):
    study = demo_copy
    tid = study.db.execute("SELECT id FROM transcripts WHERE stem = 'SV01_dewi'").fetchone()[0]
    assign(study, tid, coders=["chan", "reyes"], by="admin", blind=True)
    mark_done(study, tid, by="admin", coder="chan", done=False)
    chan = study.user("chan").id
    mine = Filters(transcripts=("SV01_dewi",), blind_for="chan")
    shown = quotes(study, filters=mine, merge_coders=False)
    assert len(shown) and set(shown["coders"]) == {"chan"}
    everyone = Filters(transcripts=("SV01_dewi",))  # another viewer (and chan once done) sees both coders
    assert set(quotes(study, filters=everyone, merge_coders=False)["coders"]) == {"chan", "reyes"}
    assert set(quotes(study, filters=Filters(transcripts=("SV01_dewi",), blind_for="reyes"),
                      merge_coders=False)["coders"]) == {"chan", "reyes"}  # reyes marked it done
    counted = code_frequencies(study, filters=mine)  # read from the summaries, not the codings
    assert counted["codings"].sum() == study.db.execute(
        "SELECT count(*) FROM codings WHERE transcript_id = ? AND coder_id = ?", [tid, chan]).fetchone()[0]
    blind = {span for spans in _taken(study, tid, blind_coder=chan).values() for span in spans}
    every = {span for spans in _taken(study, tid).values() for span in spans}
    assert blind < every  # suggestions for chan do not trace reyes's codings
    mark_done(study, tid, by="chan")
    assert set(quotes(study, filters=mine, merge_coders=False)["coders"]) == {"chan", "reyes"}
