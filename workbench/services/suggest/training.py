"""Training data for the learned suggester: the study's sentences labelled by the codings that cover them.

A sentence (segments, kind 'sentence') is positive for a code when a coding of that code covers at
least a third of the sentence or half of the coding. Only transcripts with at least one coding take
part (an uncoded transcript says nothing). Sentences of coded transcripts without a code are its
negatives; sentences under a rejected suggestion are explicit negatives of that code (weighted more).
Interviewer sentences are left out unless someone coded them. The codebook itself seeds the model:
each code's definitions, inclusion criteria and example quotes are positive units of that code (group
SEED_GROUP, always on the training side of a fold), so the model knows every code before anyone codes.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from workbench.services.suggest.units import Unit, unit_from_stored, units_from_texts
from workbench.store.study import Study

MIN_SENTENCE_SHARE = 1 / 3
MIN_CODING_SHARE = 1 / 2
SEED_GROUP = -1


@dataclass
class TrainingSet:
    """Units with their positive codes, explicit negative codes and transcript (the CV group)."""

    units: list[Unit] = field(default_factory=list)
    positives: list[frozenset[str]] = field(default_factory=list)
    negatives: list[frozenset[str]] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    codings: int = 0
    rejections: int = 0

    @property
    def size(self) -> int:
        """Codings plus rejected suggestions used (what 'training size' counts)."""
        return self.codings + self.rejections

    def digest(self) -> str:
        """A hash of everything the model learns from."""
        h = hashlib.sha256()
        for unit, pos, neg, group in zip(self.units, self.positives, self.negatives, self.groups):
            h.update(json.dumps([group, unit.norms, sorted(pos), sorted(neg)], ensure_ascii=False).encode())
        return h.hexdigest()

    def subset(self, keep: list[int]) -> TrainingSet:
        """The units at these indices."""
        return TrainingSet([self.units[i] for i in keep], [self.positives[i] for i in keep],
                           [self.negatives[i] for i in keep], [self.groups[i] for i in keep],
                           self.codings, self.rejections)


def covers(s_start: int, s_end: int, c_start: int, c_end: int) -> bool:
    """Whether a span (coding) covers a sentence enough to label it."""
    overlap = min(s_end, c_end) - max(s_start, c_start)
    if overlap <= 0:
        return False
    return overlap >= MIN_SENTENCE_SHARE * (s_end - s_start) or overlap >= MIN_CODING_SHARE * (c_end - c_start)


def _spans(study: Study, sql: str, transcripts: set[int] | None) -> dict[int, list[tuple[int, int, str]]]:
    by_transcript: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for tid, start, end, code in study.db.execute(sql).fetchall():
        if transcripts is None or tid in transcripts:
            by_transcript[tid].append((start, end, code))
    return by_transcript


def training_set(study: Study, *, transcripts: set[int] | None = None, seeds: bool = True) -> TrainingSet:
    """Labelled sentences of the study (or of some transcripts), plus the codebook's seed texts."""
    codings = _spans(study, 'SELECT k.transcript_id, k.start, k."end", k.code_id FROM codings k '
                            "JOIN codes c ON c.id = k.code_id WHERE c.status = 'active'", transcripts)
    rejected = _spans(study, "SELECT transcript_id, start, \"end\", code_id FROM suggestions "
                             "WHERE status = 'rejected'", transcripts)
    data = TrainingSet(codings=sum(map(len, codings.values())), rejections=sum(map(len, rejected.values())))
    for tid in sorted(codings):
        rows = study.db.execute(
            'SELECT start, "end", language, words, is_interviewer, text FROM segments '
            "WHERE transcript_id = ? AND kind = 'sentence' ORDER BY start",
            [tid]).fetchall()
        starts = [r[0] for r in rows]
        positives: dict[int, set[str]] = defaultdict(set)
        negatives: dict[int, set[str]] = defaultdict(set)
        for target, spans in ((positives, codings[tid]), (negatives, rejected.get(tid, []))):
            for c_start, c_end, code in spans:
                index = max(bisect.bisect_right(starts, c_start) - 1, 0)
                while index < len(rows) and rows[index][0] < c_end:
                    if covers(rows[index][0], rows[index][1], c_start, c_end):
                        target[index].add(code)
                    index += 1
        for index, (_start, _end, language, words, interviewer, text) in enumerate(rows):
            if (interviewer and not positives[index]) or not words.strip():
                continue
            data.units.append(unit_from_stored(text, words, language))
            data.positives.append(frozenset(positives[index]))
            data.negatives.append(frozenset(negatives[index] - positives[index]))
            data.groups.append(tid)
    if seeds:
        for unit, code in codebook_seeds(study):
            data.units.append(unit)
            data.positives.append(frozenset({code}))
            data.negatives.append(frozenset())
            data.groups.append(SEED_GROUP)
    return data


def training_key(study: Study) -> str:
    """The study's coding version: a hash of everything `training_set` reads, computed without reading texts.

    It covers the codings of active codes, rejected suggestions, the codebook's seed texts and, per transcript,
    which sentence rows exist (re-importing or re-segmenting a transcript gives new rows); it is what cached
    training sets and stored models are found by, so nothing is rebuilt while nothing changed.
    """
    h = hashlib.sha256()
    for sql in ('SELECT k.transcript_id, k.start, k."end", k.code_id FROM codings k JOIN codes c ON c.id = k.code_id '
                "WHERE c.status = 'active' ORDER BY 1, 2, 3, 4",
                'SELECT transcript_id, start, "end", code_id FROM suggestions WHERE status = \'rejected\' '
                "ORDER BY 1, 2, 3, 4",
                "SELECT id, definition_en, definition_zh, include, examples FROM codes WHERE status = 'active' "
                "ORDER BY position, id",
                "SELECT transcript_id, count(*), min(id), max(id) FROM segments WHERE kind = 'sentence' "
                "AND transcript_id IN (SELECT transcript_id FROM codings) GROUP BY 1"):
        h.update(json.dumps(study.db.execute(sql).fetchall(), ensure_ascii=False).encode())
    return h.hexdigest()[:24]


_CACHED: OrderedDict[tuple[str, str], TrainingSet] = OrderedDict()
_cache_lock = threading.Lock()


def cached_training_set(study: Study, *, key: str | None = None) -> TrainingSet:
    """`training_set(study)` of the study's current coding version, built once per process and version."""
    key = key or training_key(study)
    with _cache_lock:
        found = _CACHED.get((study.path, key))
        if found is not None:
            _CACHED.move_to_end((study.path, key))
            return found
    data = training_set(study)
    with _cache_lock:
        _CACHED[(study.path, key)] = data
        while len(_CACHED) > 2:
            _CACHED.popitem(last=False)
    return data


def codebook_seeds(study: Study) -> list[tuple[Unit, str]]:
    """Definitions, inclusion criteria and examples of the active codes, as (unit, code)."""
    texts: list[tuple[str, str]] = []
    rows = study.db.execute("SELECT id, definition_en, definition_zh, include, examples FROM codes "
                            "WHERE status = 'active' ORDER BY position, id").fetchall()
    for code, definition_en, definition_zh, include, examples in rows:
        for text in [definition_en, definition_zh, *json.loads(include or "[]"), *json.loads(examples or "[]")]:
            if text and text.strip():
                texts.append((text.strip(), code))
    return _seed_units(tuple(texts))


@lru_cache(maxsize=4)
def _seed_units(texts: tuple[tuple[str, str], ...]) -> list[tuple[Unit, str]]:
    return list(zip(units_from_texts([t for t, _ in texts]), [c for _, c in texts]))


def training_size(study: Study) -> int:
    """How many codings and rejected suggestions the study holds now (cheap: two counts)."""
    return study.db.execute("SELECT (SELECT count(*) FROM codings) + "
                            "(SELECT count(*) FROM suggestions WHERE status = 'rejected')").fetchone()[0]
