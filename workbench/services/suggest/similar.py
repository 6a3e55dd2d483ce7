"""More like this: sentences across the study that resemble a coded passage, in either language.

Similarity is a blend of two cosines: TF-IDF over the sentences' stored words (English lemmas, Chinese
words and character pairs; finds same-language neighbours) and the codebook's keyword rules (a vector
of rule scores per code; the English and Chinese patterns of a code meet there, so an English passage
about a kept passport finds 收走護照 too). Candidates are participant sentences not already covered by a
coding of the passage's code (by anyone).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from workbench.services.coding import get_coding
from workbench.services.suggest.features import is_content, matrix, readable, terms, vocabulary
from workbench.services.suggest.rules import RuleSet
from workbench.services.suggest.training import covers
from workbench.services.suggest.units import Unit, unit_from_stored, units_from_texts
from workbench.services.transcripts import transcript_text
from workbench.store.study import Study

CONCEPT_SHARE = 0.35   # weight of the rules cosine in the blend


def _candidates(study: Study, code_id: str | None) -> list[tuple[Any, ...]]:
    rows = study.db.execute(
        'SELECT s.transcript_id, t.stem, s.start, s."end", s.language, s.words, s.text '
        "FROM segments s JOIN transcripts t ON t.id = s.transcript_id "
        "WHERE s.kind = 'sentence' AND s.is_interviewer = 0 AND s.words != '' ORDER BY s.transcript_id, s.start"
    ).fetchall()
    if code_id is None:
        return rows
    coded: dict[int, list[tuple[int, int]]] = {}
    for tid, start, end in study.db.execute('SELECT transcript_id, start, "end" FROM codings WHERE code_id = ?',
                                            [code_id]).fetchall():
        coded.setdefault(tid, []).append((start, end))
    return [r for r in rows if not any(covers(r[2], r[3], a, b) for a, b in coded.get(r[0], []))]


def _concepts(units: list[Unit], rules: RuleSet) -> np.ndarray:
    index = {code: i for i, code in enumerate(rules.codes)}
    out = np.zeros((len(units), max(len(index), 1)), dtype=np.float32)
    for row, hits in enumerate(rules.score_many(units)):
        for code, hit in hits.items():
            out[row, index[code]] = hit.raw
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1.0, norms)


def similar(study: Study, *, transcript_id: int, start: int, end: int, rules: RuleSet | None,
            code_id: str | None = None, top: int = 10) -> list[dict[str, Any]]:
    """The sentences most like the passage text[start:end], best first, with the terms they share."""
    passage = units_from_texts([transcript_text(study, transcript_id)[start:end]])[0]
    rows = [r for r in _candidates(study, code_id) if not (r[0] == transcript_id and r[2] < end and start < r[3])]
    if not rows:
        return []
    units = [unit_from_stored(r[6], r[5], r[4]) for r in rows]
    term_lists = [terms(u) for u in units]
    vocab, idf = vocabulary(term_lists + [terms(passage)], min_df=1)
    candidates = matrix(term_lists, vocab, idf)
    query = matrix([terms(passage)], vocab, idf)
    lexical = np.asarray((candidates @ query.T).todense()).ravel()
    score = lexical
    if rules is not None:
        concept = _concepts(units, rules) @ _concepts([passage], rules)[0]
        score = (1 - CONCEPT_SHARE) * lexical + CONCEPT_SHARE * concept
    best = [i for i in np.argsort(-score, kind="stable")[:top] if score[i] > 0]
    query_terms = set(terms(passage))
    hits_passage = rules.score(passage) if rules is not None else {}
    results = []
    for i in best:
        shared = sorted((t for t in set(term_lists[i]) & query_terms if not t.startswith("b:") and is_content(t)),
                        key=lambda t: -float(idf[vocab[t]]))[:5]
        common_codes = sorted(set(rules.score(units[i])) & set(hits_passage)) if rules is not None else []
        results.append({"transcript_id": rows[i][0], "transcript": rows[i][1], "start": rows[i][2],
                        "end": rows[i][3], "language": rows[i][4], "text": rows[i][6],
                        "score": round(float(score[i]), 4), "shared_terms": [readable(t) for t in shared],
                        "shared_codes": common_codes})
    return results


def similar_to_coding(study: Study, coding_id: int, *, rules: RuleSet | None, top: int = 10) -> list[dict[str, Any]]:
    """More like this for an existing coding (excluding sentences already coded with its code)."""
    coding = get_coding(study, coding_id)
    return similar(study, transcript_id=coding["transcript_id"], start=coding["start"], end=coding["end"],
                   rules=rules, code_id=coding["code_id"], top=top)

