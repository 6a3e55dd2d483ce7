"""Word frequencies per code, theme or participant group, over the `words` of coded sentences."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from workbench.errors import InputError
from workbench.services.analysis.base import NO_GROUP, Filters, codings_sql, frame
from workbench.store.study import Study
from workbench.text.language import HAN
from workbench.text.stopwords import stop_words

WORD_KEYS = {"code": "b.code_id", "theme": "b.theme", "group": "b.grp"}
_WORDY = rf"[A-Za-z{HAN}]"
# Two English words are one name ("hong kong", "finance company") when they occur side by side at least
# NAME_MIN_COUNT times and nearly always together: in NAME_COHESION of the occurrences of each of them.
NAME_MIN_COUNT = 2
NAME_COHESION = 0.8


def coded_sentence_words(study: Study, *, by: str = "code", filters: Filters | None = None) -> pd.DataFrame:
    """Each sentence segment overlapped by a filtered coding, once per code/theme/group: key, language, words."""
    if by not in WORD_KEYS:
        raise InputError(f"word frequencies are by code, theme or group, not {by!r}")
    params: list = []
    sql = (codings_sql(filters, params)
           + f", hit AS (SELECT DISTINCT {WORD_KEYS[by]} AS key, s.id AS sid FROM base b JOIN segments s "
           "ON s.transcript_id = b.transcript_id AND s.kind = 'sentence' AND s.start < b.\"end\" "
           "AND b.start < s.\"end\") SELECT hit.key, s.language, s.words FROM hit JOIN segments s ON s.id = hit.sid")
    return frame(study, sql, params)


def spoken_sentence_words(study: Study, *, filters: Filters | None = None) -> pd.DataFrame:
    """Every participant (not interviewer) sentence, keyed by group: key, language, words."""
    filters = filters or Filters()
    conds: list[str] = ["s.kind = 'sentence'", "s.is_interviewer = 0"]
    params: list[Any] = []
    for column, values in ((f"coalesce(p.participant_group, '{NO_GROUP}')", filters.groups),
                           ("s.language", filters.languages), ("p.pseudonym", filters.participants),
                           ("t.stem", filters.transcripts)):
        if values:
            conds.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    return frame(study, f"SELECT coalesce(p.participant_group, '{NO_GROUP}') AS key, s.language, s.words "
                        "FROM segments s JOIN transcripts t ON t.id = s.transcript_id "
                        f"LEFT JOIN participants p ON p.id = t.participant_id WHERE {' AND '.join(conds)}", params)


def name_pairs(texts: list[list[str]]) -> set[tuple[str, str]]:
    """English word pairs that are one name in these texts (side by side, nearly never apart, no stop word)."""
    stop = stop_words("en")
    singles: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for words in texts:
        singles.update(words)
        pairs.update(zip(words, words[1:]))
    return {(a, b) for (a, b), n in pairs.items()
            if n >= NAME_MIN_COUNT and a.isascii() and b.isascii() and a.isalpha() and b.isalpha()
            and a not in stop and b not in stop and a != b
            and n >= NAME_COHESION * singles[a] and n >= NAME_COHESION * singles[b]}


def join_names(words: list[str], names: set[tuple[str, str]]) -> list[str]:
    """The words with every name pair joined into one term ("hong", "kong" → "hong kong")."""
    joined: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words) and (words[i], words[i + 1]) in names:
            joined.append(f"{words[i]} {words[i + 1]}")
            i += 2
        else:
            joined.append(words[i])
            i += 1
    return joined


def count_words(sentences: pd.DataFrame, *, top: int = 20, language: str | None = None) -> pd.DataFrame:
    """Top words per key from (key, language, words) rows, stop words and non-words removed, names joined."""
    columns = ["key", "word", "language", "count", "sentences"]
    if sentences.empty:
        return pd.DataFrame(columns=columns)
    texts = [str(w).lower().split() for w in sentences["words"]]
    names = name_pairs(texts)
    tokens = sentences.assign(word=[join_names(w, names) for w in texts], row=range(len(sentences))).explode("word")
    tokens = tokens.dropna(subset=["word"])
    tokens["word"] = tokens["word"].str.lower()
    tokens = tokens[tokens["word"].str.contains(_WORDY) & ~tokens["word"].isin(stop_words("all"))]
    tokens = tokens[~tokens["word"].str.fullmatch(r"[A-Za-z]")]
    tokens["language"] = tokens["word"].str.contains(f"[{HAN}]").map({True: "zh", False: "en"})
    if language:
        tokens = tokens[tokens["language"] == language]
    counts = (tokens.groupby(["key", "word", "language"]).agg(count=("row", "size"), sentences=("row", "nunique"))
              .reset_index().sort_values(["key", "count", "word"], ascending=[True, False, True]))
    return counts.groupby("key").head(top).reset_index(drop=True)[columns]


def word_frequencies(study: Study, *, by: str = "code", top: int = 20, language: str | None = None,
                     coded_only: bool = True, filters: Filters | None = None) -> pd.DataFrame:
    """Top words per code, theme or group: English lemmas and Chinese jieba words, without stop words.

    Counts run over sentences overlapped by a coding (each sentence once per key), or, for groups with
    `coded_only=False`, over everything participants said. `count` is occurrences, `sentences` how many
    sentences hold the word.
    """
    if not coded_only:
        if by != "group":
            raise InputError("word frequencies over all speech are by group only")
        sentences = spoken_sentence_words(study, filters=filters)
    else:
        sentences = coded_sentence_words(study, by=by, filters=filters)
    return count_words(sentences, top=top, language=language).rename(columns={"key": by})
