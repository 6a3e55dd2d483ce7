"""Reference passages: labelled quotations of public documents that a codebook may ship to prime the learned model.

A codebook `NAME.yaml` may have a `NAME.reference.jsonl` beside it (one JSON object a line: `id`, `lang`, `text`,
`codes`, `source`). When a study's installed codebook has one, the learner adds each passage as a seed unit of its
codes (like the codebook's own definitions and examples: always on the training side of a fold), restricted to the
study's active codes. They teach the model how reports, news and testimony phrase each code before the team has
coded much; the study's own codings and rejections then outweigh them as they grow.

The shipped `justice_access.reference.jsonl` is the *dev* part of the real-text evaluation set only
(`bench/suggest_real.py export_reference`): nothing of the test part is in it.
"""

from __future__ import annotations

import json
from functools import lru_cache

from workbench.bundled import folder
from workbench.services.suggest.training import SEED_GROUP, TrainingSet
from workbench.services.suggest.units import Unit, units_from_texts
from workbench.store.study import Study


@lru_cache(maxsize=4)
def reference_passages(codebook_id: str) -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(text, language, codes) of the reference passages shipped with a bundled codebook (none if it has none)."""
    path = folder("codebooks") / f"{codebook_id}.reference.jsonl"
    if not codebook_id.replace("_", "").isalnum() or not path.is_file():
        return ()
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return tuple((r["text"], r["lang"], frozenset(r["codes"])) for r in rows)


@lru_cache(maxsize=4)
def _units(codebook_id: str) -> tuple[Unit, ...]:
    passages = reference_passages(codebook_id)
    return tuple(units_from_texts([t for t, _l, _c in passages], languages=[lang for _t, lang, _c in passages]))


def installed_codebook(study: Study) -> str | None:
    """The id of the codebook installed in the study, if any."""
    raw = study.meta("codebook")
    return json.loads(raw).get("id") if raw else None


def with_reference(data: TrainingSet, study: Study) -> TrainingSet:
    """The training set plus the study codebook's reference passages as seeds of its active codes."""
    codebook_id = installed_codebook(study)
    passages = reference_passages(codebook_id) if codebook_id else ()
    if not passages:
        return data
    active = {r[0] for r in study.db.execute("SELECT id FROM codes WHERE status = 'active'").fetchall()}
    out = data.subset(list(range(len(data.units))))
    for unit, (_text, _lang, codes) in zip(_units(codebook_id or ""), passages):
        kept = codes & active
        if kept:
            out.units.append(unit)
            out.positives.append(frozenset(kept))
            out.negatives.append(frozenset())
            out.groups.append(SEED_GROUP)
    return out
