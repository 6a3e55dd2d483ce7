"""workbench.services.suggest.reference: the codebook's reference passages seed the learned model (dev part only)."""

from __future__ import annotations

from bench.suggest_real import load_real
from workbench.services.suggest.reference import installed_codebook, reference_passages, with_reference
from workbench.services.suggest.training import SEED_GROUP, training_set


def test_the_shipped_reference_is_the_dev_part_and_never_the_test_part():
    shipped = reference_passages("justice_access")
    dev, test = load_real("dev"), load_real("test")
    assert [t for t, _l, _c in shipped] == [r["text"] for r in dev]
    assert not {t for t, _l, _c in shipped} & {r["text"] for r in test}


def test_an_unknown_or_odd_codebook_id_has_no_reference():
    assert reference_passages("no_such_codebook") == ()
    assert reference_passages("../justice_access") == ()


def test_reference_passages_join_the_training_set_as_seeds_of_active_codes(demo_study):
    assert installed_codebook(demo_study) == "justice_access"
    base = training_set(demo_study)
    data = with_reference(base, demo_study)
    added = len(data.units) - len(base.units)
    assert added == len(reference_passages("justice_access"))
    assert set(data.groups[len(base.units):]) == {SEED_GROUP} and data.digest() != base.digest()
    demo_study.db.execute("UPDATE codes SET status = 'deleted' WHERE id = 'barriers/delay'")
    narrowed = with_reference(base, demo_study)
    assert all("barriers/delay" not in p for p in narrowed.positives[len(base.units):])
