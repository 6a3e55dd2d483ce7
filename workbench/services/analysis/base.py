"""The shared pieces of every analysis: filters, the code tree, the filtered codings as SQL, DataFrames from SQL."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from workbench.errors import InputError
from workbench.services.codes import TREE_CTE
from workbench.store.schema import CONSENSUS_USER
from workbench.store.study import Study
from workbench.vocab import LAYERS

# Each coding's language is the language of the speaker turn it starts in (a mixed transcript has
# English and Chinese turns), or the transcript's language when no turn holds it.
LANGUAGE_SQL = ("coalesce((SELECT s.language FROM segments s WHERE s.transcript_id = k.transcript_id "
                "AND s.kind = 'turn' AND s.start <= k.start ORDER BY s.start DESC LIMIT 1), t.language)")
NO_GROUP = "unknown"
NO_ASSESSMENT = "none"
DIMENSIONS = {"group": "grp", "language": "language", "coder": "coder", "assessment": "assessment"}
LEVELS = ("theme", "code")


@dataclass(frozen=True, kw_only=True)
class Filters:
    """Which codings an analysis looks at; an empty tuple means no restriction."""

    groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    assessments: tuple[str, ...] = ()  # facilitator, barrier, neutral, or 'none' for unassessed codings
    measures: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()  # a code or theme id takes in every code below it
    participants: tuple[str, ...] = ()  # pseudonyms
    transcripts: tuple[str, ...] = ()  # stems
    layer: str = "coders"  # "coders": every coder's own codings; "consensus": the consensus layer (vocab.LAYERS)

    def needs_language(self) -> bool:
        """Whether the language of each coding must be worked out."""
        return bool(self.languages)

    def active(self) -> dict[str, Any]:
        """The filters that differ from their defaults, as plain JSON values (lists for tuples)."""
        return {f.name: list(value) if isinstance(value, tuple) else value for f in fields(self)
                if (value := getattr(self, f.name)) != f.default}

    def describe(self) -> str:
        """The active filters as one line ('' when none)."""
        described = [f"{f.name}: {', '.join(getattr(self, f.name))}" for f in fields(self)
                     if f.name != "layer" and getattr(self, f.name)]
        if self.layer != "coders":
            described.insert(0, f"layer: {LAYERS.label(self.layer)}")
        return "; ".join(described)


def _in(column: str, values: tuple[str, ...], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join('?' * len(values))})"


def where_clause(filters: Filters, params: list[Any]) -> str:
    """SQL conditions on codings k, transcripts t, participants p, users u, tree for the filters."""
    # The consensus layer is the reserved account's codings; every other analysis leaves them out.
    conds = [f"k.coder_id {'=' if LAYERS.check(filters.layer) == 'consensus' else '!='} "
             f"(SELECT id FROM users WHERE username = '{CONSENSUS_USER}')"]
    if filters.groups:
        conds.append(_in(f"coalesce(p.participant_group, '{NO_GROUP}')", filters.groups, params))
    if filters.languages:
        conds.append(_in(LANGUAGE_SQL, filters.languages, params))
    if filters.coders:
        conds.append(_in("u.username", filters.coders, params))
    if filters.assessments:
        conds.append(_in(f"coalesce(k.assessment, '{NO_ASSESSMENT}')", filters.assessments, params))
    if filters.measures:
        params.extend(filters.measures)
        conds.append("EXISTS (SELECT 1 FROM code_measures cm WHERE cm.code_id = k.code_id AND cm.measure_id IN "
                     f"({', '.join('?' * len(filters.measures))}))")
    if filters.codes:
        params.extend(filters.codes)
        conds.append("(" + " OR ".join("instr(tree.path, '>' || ? || '>') > 0" for _ in filters.codes) + ")")
    if filters.participants:
        conds.append(_in("p.pseudonym", filters.participants, params))
    if filters.transcripts:
        conds.append(_in("t.stem", filters.transcripts, params))
    return " AND ".join(conds)


def codings_sql(filters: Filters | None, params: list[Any], *, language: bool = False) -> str:
    """CTEs `tree` and `base`: one row per filtered coding with theme, participant, group, coder, assessment."""
    filters = filters or Filters()
    lang = f", {LANGUAGE_SQL} AS language" if language else ""
    where = where_clause(filters, params)
    return (f"WITH RECURSIVE {TREE_CTE}, base AS (SELECT k.id, k.transcript_id, k.code_id, tree.theme, k.start, "
            f"k.\"end\", coalesce(k.assessment, '{NO_ASSESSMENT}') AS assessment, u.username AS coder, "
            f"t.participant_id, coalesce(p.participant_group, '{NO_GROUP}') AS grp{lang} "
            "FROM codings k JOIN tree ON tree.id = k.code_id JOIN transcripts t ON t.id = k.transcript_id "
            "LEFT JOIN participants p ON p.id = t.participant_id JOIN users u ON u.id = k.coder_id "
            f"WHERE {where})")


def frame(study: Study, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """Run a query and return its rows as a DataFrame (columns named as in the SELECT)."""
    cursor = study.db.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=columns)


def check_level(level: str) -> str:
    """'theme' or 'code', else an InputError."""
    if level not in LEVELS:
        raise InputError(f"level must be theme or code, not {level!r}")
    return level


def check_dimension(by: str | None) -> str | None:
    """A dimension name (group, language, coder, assessment) or None, else an InputError."""
    if by is not None and by not in DIMENSIONS:
        raise InputError(f"split by one of {', '.join(DIMENSIONS)}, not {by!r}")
    return by


def code_names(study: Study) -> pd.DataFrame:
    """Every active code with theme, names and colour, in codebook order (the label source for charts)."""
    return frame(study, f"WITH RECURSIVE {TREE_CTE} SELECT c.id AS code, tree.theme, c.parent_id AS parent, "
                        "c.name_en, coalesce(nullif(c.name_zh, ''), c.name_en) AS name_zh, c.color, c.position "
                        "FROM codes c JOIN tree ON tree.id = c.id WHERE c.status = 'active' ORDER BY c.position, c.id")


def groups_present(study: Study) -> list[str]:
    """Participant groups that occur in the study, in a stable order."""
    rows = study.db.execute("SELECT DISTINCT participant_group FROM participants ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def counts_sql(filters: Filters | None, params: list[Any]) -> str:
    """CTEs `tree` and `pre`: codings counted per (code, transcript, coder, assessment) after the filters.

    `pre` has code_id, theme, transcript_id, participant_id, grp, coder, assessment and n (codings). It is
    read from the trigger-maintained coding_counts table; a language filter needs each coding's own turn,
    so then the counts are made from the codings.
    """
    filters = filters or Filters()
    if filters.needs_language():
        return (codings_sql(filters, params, language=True) + ", pre AS (SELECT code_id, theme, transcript_id, "
                "participant_id, grp, coder, assessment, count(*) AS n FROM base "
                "GROUP BY code_id, transcript_id, coder, assessment)")
    where = where_clause(filters, params)
    return (f"WITH RECURSIVE {TREE_CTE}, pre AS (SELECT k.code_id, tree.theme, k.transcript_id, t.participant_id, "
            f"coalesce(p.participant_group, '{NO_GROUP}') AS grp, u.username AS coder, k.assessment, k.n "
            "FROM coding_counts k JOIN tree ON tree.id = k.code_id JOIN transcripts t ON t.id = k.transcript_id "
            "LEFT JOIN participants p ON p.id = t.participant_id JOIN users u ON u.id = k.coder_id "
            f"WHERE {where})")
