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
    # The username of a viewer who codes some transcripts blind: other coders' codings on those transcripts are
    # left out until the viewer marks them done (blind double coding, services/agreement/assignments.py).
    blind_for: str | None = None
    # Measures: count only the attributions coders confirmed (False), or also those derived from the
    # codebook's code → measure mapping on codings nobody decided on (True). See services/attributions.py.
    include_derived: bool = False

    def summarised(self, *, by_measure: bool = False) -> bool:
        """Whether the trigger-kept summaries can answer these filters (else the codings are counted one by one).

        A measure filter is answered by the summaries only where the counts are split by measure.
        """
        active = {f.name for f in fields(self) if getattr(self, f.name)}
        return active <= SUMMARY_FIELDS | ({"measures"} if by_measure else set())

    def active(self) -> dict[str, Any]:
        """The filters that differ from their defaults, as plain JSON values (lists for tuples)."""
        return {f.name: list(value) if isinstance(value, tuple) else value for f in fields(self)
                if (value := getattr(self, f.name)) != f.default}

    def describe(self) -> str:
        """The active filters as one line ('' when none)."""
        parts = [f"{f.name}: {', '.join(value)}" for f in fields(self)
                 if (value := getattr(self, f.name)) and isinstance(value, tuple)]
        if self.layer != "coders":
            parts.insert(0, f"layer: {LAYERS.label(self.layer)}")
        if self.include_derived:
            parts.append("measures: confirmed and derived from the codebook mapping")
        return "; ".join(parts)


# Filters answered by the summaries (coding_counts, attribution_tallies: code, transcript, coder, assessment,
# language); any other active filter, such as one added later, makes the analysis read the codings themselves.
# The layer is a condition on the coder, which every summary row carries.
SUMMARY_FIELDS = frozenset({"groups", "languages", "coders", "assessments", "codes", "participants", "transcripts",
                            "include_derived", "layer", "blind_for"})


def _in(column: str, values: tuple[str, ...], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join('?' * len(values))})"


def measure_condition(filters: Filters, params: list[Any]) -> str:
    """SQL condition on a coding k: it speaks to one of the filter's measures (confirmed, or derived if included)."""
    marks = ", ".join("?" * len(filters.measures))
    params.extend(filters.measures)
    confirmed = ("EXISTS (SELECT 1 FROM coding_measures a WHERE a.coding_id = k.id AND a.status = 'confirmed' "
                 f"AND a.measure_id IN ({marks}))")
    if not filters.include_derived:
        return confirmed
    params.extend(filters.measures)
    return (f"({confirmed} OR (NOT EXISTS (SELECT 1 FROM coding_measures a WHERE a.coding_id = k.id) AND EXISTS "
            f"(SELECT 1 FROM code_measures cm WHERE cm.code_id = k.code_id AND cm.measure_id IN ({marks}))))")


def where_clause(filters: Filters, params: list[Any], *, measures: bool = True) -> str:
    """SQL conditions on codings k (or a summary row k), transcripts t, participants p, users u, tree.

    With `measures=False` the measure filter is left to the caller (summaries split by measure apply it).
    """
    # The consensus layer is the reserved account's codings; every other analysis leaves them out.
    conds = [f"k.coder_id {'=' if LAYERS.check(filters.layer) == 'consensus' else '!='} "
             f"(SELECT id FROM users WHERE username = '{CONSENSUS_USER}')"]
    if filters.blind_for:  # a blind coder's own codings only, on the transcripts they have not marked done
        params.append(filters.blind_for)
        conds.append("NOT EXISTS (SELECT 1 FROM transcript_coders a JOIN users v ON v.id = a.coder_id "
                     "WHERE a.transcript_id = k.transcript_id AND v.username = ? AND a.blind = 1 "
                     "AND a.done_at IS NULL AND k.coder_id != a.coder_id)")
    if filters.groups:
        conds.append(_in(f"coalesce(p.participant_group, '{NO_GROUP}')", filters.groups, params))
    if filters.languages:
        conds.append(_in("k.language", filters.languages, params))
    if filters.coders:
        conds.append(_in("u.username", filters.coders, params))
    if filters.assessments:
        conds.append(_in(f"coalesce(k.assessment, '{NO_ASSESSMENT}')", filters.assessments, params))
    if filters.measures and measures:
        conds.append(measure_condition(filters, params))
    if filters.codes:
        params.extend(filters.codes)
        conds.append("(" + " OR ".join("instr(tree.path, '>' || ? || '>') > 0" for _ in filters.codes) + ")")
    if filters.participants:
        conds.append(_in("p.pseudonym", filters.participants, params))
    if filters.transcripts:
        conds.append(_in("t.stem", filters.transcripts, params))
    return " AND ".join(conds)


def codings_sql(filters: Filters | None, params: list[Any]) -> str:
    """CTEs `tree` and `base`: one row per filtered coding with theme, participant, group, coder, assessment, language.

    A coding's language is that of the speaker turn it was coded in (kept on the coding, see schema 0008).
    """
    filters = filters or Filters()
    where = where_clause(filters, params)
    return (f"WITH RECURSIVE {TREE_CTE}, base AS (SELECT k.id, k.transcript_id, k.code_id, tree.theme, k.start, "
            f"k.\"end\", coalesce(k.assessment, '{NO_ASSESSMENT}') AS assessment, u.username AS coder, "
            f"t.participant_id, coalesce(p.participant_group, '{NO_GROUP}') AS grp, k.language "
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
    """CTEs `tree` and `pre`: codings counted per (code, transcript, coder, assessment, language) after the filters.

    `pre` has code_id, theme, transcript_id, participant_id, grp, coder, assessment, language and n (codings).
    It is read from the trigger-maintained coding_counts table unless a filter needs the codings themselves.
    """
    filters = filters or Filters()
    if not filters.summarised():
        return (codings_sql(filters, params) + ", pre AS (SELECT code_id, theme, transcript_id, participant_id, grp, "
                "coder, assessment, language, count(*) AS n FROM base GROUP BY code_id, transcript_id, coder, "
                "assessment, language)")
    where = where_clause(filters, params)
    return (f"WITH RECURSIVE {TREE_CTE}, pre AS (SELECT k.code_id, tree.theme, k.transcript_id, t.participant_id, "
            f"coalesce(p.participant_group, '{NO_GROUP}') AS grp, u.username AS coder, k.assessment, k.language, k.n "
            "FROM coding_counts k JOIN tree ON tree.id = k.code_id JOIN transcripts t ON t.id = k.transcript_id "
            "LEFT JOIN participants p ON p.id = t.participant_id JOIN users u ON u.id = k.coder_id "
            f"WHERE {where})")


def population(study: Study, *, filters: Filters | None = None) -> dict[str, int]:
    """Participants per group in the population the filters describe (group, participant, transcript filters).

    This is the ceiling of every "participants" figure: no bar or cell may count more people than this.
    """
    filters = filters or Filters()
    conds: list[str] = ["1"]
    params: list[Any] = []
    if filters.groups:
        conds.append(_in("p.participant_group", filters.groups, params))
    if filters.participants:
        conds.append(_in("p.pseudonym", filters.participants, params))
    if filters.transcripts:
        conds.append("EXISTS (SELECT 1 FROM transcripts t WHERE t.participant_id = p.id AND "
                     + _in("t.stem", filters.transcripts, params) + ")")
    rows = study.db.execute(f"SELECT p.participant_group, count(*) FROM participants p WHERE {' AND '.join(conds)} "
                            "GROUP BY 1 ORDER BY 1", params).fetchall()
    return {group: n for group, n in rows}
