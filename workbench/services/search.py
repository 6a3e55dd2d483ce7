"""Full-text search over transcripts in English and Chinese, with keyword-in-context lines.

English queries are lemmatised and matched against the lemma `words` of sentences (FTS5 table
search_words), so 'passports' finds 'passport' and 'kept' finds 'keep'. Chinese (any query holding a
Han character) is matched as an exact string: through the trigram index (search_text) for three
characters or more. One or two characters (護照, 壓力, 錢), which FTS5's trigram tokenizer cannot find,
are looked up in the vocabulary of jieba words (search_words) — every word containing them (錢 → 借錢,
冇錢) — so an occurrence split across two jieba words is not found. Results are in reading order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import InputError
from workbench.services.codes import TREE_CTE
from workbench.store.study import Study
from workbench.text.nlp import english_lemma, has_han

WORD = re.compile(r"\w+(?:['’]\w+)?")
DEFAULT_WIDTH = 40
MAX_TERMS = 500
_VOCABULARY: dict[tuple[str, int], tuple[tuple[Any, ...], list[str]]] = {}


@dataclass(frozen=True, kw_only=True)
class SearchFilters:
    """Restrict hits to groups, languages (of the sentence), participants, transcripts, or coded passages."""

    groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    transcripts: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()  # only sentences overlapped by a coding of this code (or a code below it)


@dataclass
class SearchResult:
    """Hits (one per occurrence, reading order), sentences matched in all, and how the query was read."""

    hits: list[dict[str, Any]]
    sentences: int
    mode: str
    terms: list[str] = field(default_factory=list)


def english_terms(query: str) -> list[str]:
    """The lemmas an English query is matched on."""
    return [english_lemma(w) for w in WORD.findall(query)]


def _vocabulary(study: Study) -> list[str]:
    """Distinct words of the search index, cached per study until its segments change."""
    stamp = (study.db.execute("SELECT max(id) FROM segments").fetchone()[0], *study.change_stamp())
    key = (study.path, id(study.db.conn))
    cached = _VOCABULARY.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    while len(_VOCABULARY) >= 8:
        _VOCABULARY.pop(next(iter(_VOCABULARY)))
    study.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_words, 'row')")
    words = [r[0] for r in study.db.execute("SELECT term FROM temp.search_vocab").fetchall()]
    _VOCABULARY[key] = (stamp, words)
    return words


def _match_sql(study: Study, query: str) -> tuple[str, str, list[Any], list[str]]:
    """The candidate-sentence subquery, the mode and terms for a query."""
    if has_han(query):
        needle = "".join(query.split())
        if len(needle) >= 3:
            return ("SELECT rowid AS sid FROM search_text WHERE search_text MATCH ?", "substring (trigram index)",
                    ['"' + needle.replace('"', '""') + '"'], [needle])
        words = [w for w in _vocabulary(study) if needle in w][:MAX_TERMS] or [needle]
        expression = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        return ("SELECT rowid AS sid FROM search_words WHERE search_words MATCH ?", "jieba words", [expression],
                [needle])
    terms = english_terms(query)
    if not terms:
        raise InputError("type a word to search for")
    phrase = '"' + " ".join(t.replace('"', '""') for t in terms) + '"'
    return ("SELECT rowid AS sid FROM search_words WHERE search_words MATCH ?", "lemmas", [phrase], terms)


def _filter_sql(filters: SearchFilters, params: list[Any]) -> str:
    conds = []
    for column, values in (("coalesce(p.participant_group, 'unknown')", filters.groups),
                           ("s.language", filters.languages), ("p.pseudonym", filters.participants),
                           ("t.stem", filters.transcripts)):
        if values:
            conds.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if filters.codes:
        conds.append("EXISTS (SELECT 1 FROM codings k JOIN tree ON tree.id = k.code_id WHERE k.transcript_id = "
                     "s.transcript_id AND k.start < s.\"end\" AND s.start < k.\"end\" AND (" + " OR ".join(
                         "instr(tree.path, '>' || ? || '>') > 0" for _ in filters.codes) + "))")
        params.extend(filters.codes)
    return " AND ".join(conds) or "1"


def search(study: Study, query: str, *, filters: SearchFilters | None = None, limit: int = 100,
           width: int = DEFAULT_WIDTH) -> SearchResult:
    """Find a word, phrase or Chinese string; each hit carries its transcript offsets and a KWIC line."""
    query = query.strip()
    if not query:
        raise InputError("type a word to search for")
    candidates, mode, match_params, terms = _match_sql(study, query)
    params: list[Any] = list(match_params)
    where = _filter_sql(filters or SearchFilters(), params)
    body = (f"FROM ({candidates}) m JOIN segments s ON s.id = m.sid JOIN transcripts t ON t.id = s.transcript_id "
            f"LEFT JOIN participants p ON p.id = t.participant_id LEFT JOIN segments turn ON turn.id = s.turn_id "
            f"WHERE s.kind = 'sentence' AND {where}")
    with_tree = f"WITH RECURSIVE {TREE_CTE} " if filters and filters.codes else ""
    total = study.db.execute(f"{with_tree}SELECT count(*) {body}", params).fetchone()[0]
    rows = study.db.execute(
        f"{with_tree}SELECT s.id, t.id, t.stem, p.pseudonym, coalesce(p.participant_group, 'unknown'), s.language, "
        f"turn.seq + 1, s.speaker, s.start, s.\"end\", turn.start, turn.\"end\" {body} ORDER BY t.stem, s.start LIMIT ?",
        params + [limit]).fetchall()
    texts = _texts(study, {r[1] for r in rows})  # each transcript read once, not once per hit
    hits: list[dict[str, Any]] = []
    for sid, tid, stem, who, group, lang, turn, speaker, s_start, s_end, t_start, t_end in rows:
        # the window stays inside the sentence's turn
        w0 = max(s_start - width, t_start if t_start is not None else 0)
        window = texts[tid][w0:min(s_end + width, t_end if t_end is not None else s_end + width)]
        sentence = window[s_start - w0:s_end - w0]
        spans = _locate(sentence, query, mode=mode, terms=terms) or [(0, len(sentence))]
        for a, b in spans:
            start, end = s_start + a, s_start + b
            # The window holds the turn's text only, so the context never runs into the next speaker.
            left, match, right = context(window, start - w0, end - w0, width=width)
            hits.append({"transcript": stem, "transcript_id": tid, "participant": who, "group": group,
                         "language": lang, "turn": turn, "speaker": speaker, "segment_id": sid,
                         "start": start, "end": end, "left": left, "match": match, "right": right,
                         "line": f"{left}[{match}]{right}", "sentence_start": s_start, "sentence_end": s_end,
                         "turn_start": t_start, "turn_end": t_end})
    return SearchResult(hits=hits, sentences=total, mode=mode, terms=terms)


def _texts(study: Study, ids: set[int]) -> dict[int, str]:
    """The texts of the transcripts hit, each read once (a per-row substr loads the whole text every time)."""
    return dict(study.db.execute("SELECT id, text FROM transcripts WHERE id IN (SELECT value FROM json_each(?))",
                                 [json.dumps(sorted(ids))]).fetchall())


def _locate(sentence: str, query: str, *, mode: str, terms: list[str]) -> list[tuple[int, int]]:
    """Code-point spans of the query in a sentence: the substring, or runs of words whose lemmas match."""
    if mode != "lemmas":
        return [(m.start(), m.end()) for m in re.finditer(re.escape(terms[0]), sentence, flags=re.IGNORECASE)]
    words = [(m.start(), m.end(), english_lemma(m.group().replace("’", "'").split("'")[0])) for m in
             WORD.finditer(sentence)]
    spans = []
    for i in range(len(words) - len(terms) + 1):
        if all(words[i + j][2] == term for j, term in enumerate(terms)):
            spans.append((words[i][0], words[i + len(terms) - 1][1]))
    return spans


def context(text: str, start: int, end: int, *, width: int = DEFAULT_WIDTH) -> tuple[str, str, str]:
    """Left context, match and right context of text[start:end] (at most `width` characters a side, one line)."""
    left = text[max(start - width, 0):start].replace("\n", " ")
    right = text[end:end + width].replace("\n", " ")
    if start - width > 0:
        left = "…" + left
    if end + width < len(text):
        right += "…"
    return left, text[start:end].replace("\n", " "), right


# How much of the text around a hit "code all hits" codes: NVivo's spread to narrow context / paragraph.
HIT_UNITS = {"sentence": "the sentence holding each hit", "match": "the matched words only",
             "turn": "the whole speaker turn"}


def hit_spans(hits: list[dict[str, Any]], *, unit: str = "sentence") -> list[tuple[int, int, int]]:
    """(transcript_id, start, end) of each hit's matched words, sentence or turn, in order, without repeats."""
    if unit not in HIT_UNITS:
        raise InputError(f"unit must be one of {', '.join(HIT_UNITS)}, not {unit!r}")
    keys = {"match": ("start", "end"), "sentence": ("sentence_start", "sentence_end"),
            "turn": ("turn_start", "turn_end")}[unit]
    spans = [(h["transcript_id"], h[keys[0]], h[keys[1]]) for h in hits if h[keys[0]] is not None]
    return list(dict.fromkeys(spans))
