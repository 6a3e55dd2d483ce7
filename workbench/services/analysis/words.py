"""Word frequencies per code, theme or participant group, over the `words` of coded sentences."""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.errors import InputError
from workbench.services.analysis.base import NO_GROUP, Filters, codings_sql, frame
from workbench.store.study import Study
from workbench.text.language import HAN
from workbench.text.stopwords import stop_words

WORD_KEYS = {"code": "b.code_id", "theme": "b.theme", "group": "b.grp"}
_WORDY = rf"[A-Za-z{HAN}]"


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


def count_words(sentences: pd.DataFrame, *, top: int = 20, language: str | None = None) -> pd.DataFrame:
    """Top words per key from (key, language, words) rows, stop words and non-words removed."""
    columns = ["key", "word", "language", "count", "sentences"]
    if sentences.empty:
        return pd.DataFrame(columns=columns)
    tokens = sentences.assign(word=sentences["words"].str.split(), row=range(len(sentences))).explode("word")
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
