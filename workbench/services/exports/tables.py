"""The tables a study exports (CSV, XLSX, the Export page): one registry, each entry a function of the filters.

Every table says what it counts (`Table.counts`), which the XLSX 'about' sheet and the pages repeat. To add
one (agreement tables, say), write its function and add a `Table(...)` to TABLES.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbench.errors import InputError
from workbench.services import analysis
from workbench.services.agreement.report import agreement, agreement_table
from workbench.services.analysis import Filters
from workbench.services.analysis.base import check_level
from workbench.services.codes import list_codes, list_measures
from workbench.services.participants import list_participants
from workbench.services.search import SearchFilters, search
from workbench.store.study import Study
from workbench.vocab import NOT_ASSESSED

CELL_QUOTES = 3
QUOTE_CHARACTERS = 500
AXES = ("measure", "code")


@dataclass(frozen=True, kw_only=True)
class TableRequest:
    """What a table is made from: the filters of the analysis pages and a few table-specific options."""

    filters: Filters = field(default_factory=Filters)
    options: Mapping[str, Any] = field(default_factory=dict)  # axis, level, query


def quote_table(study: Study, *, filters: Filters | None = None) -> pd.DataFrame:
    """One row per coding that matches the filters: the code, the quote, who said it, where, and who coded it."""
    found = analysis.quotes(study, filters=filters, merge_coders=False)
    people = {p["pseudonym"]: p["attributes"] for p in list_participants(study)}
    keys = sorted({k for attributes in people.values() for k in attributes})
    created = dict(study.db.execute("SELECT id, created_at FROM codings").fetchall()) if len(found) else {}
    table = pd.DataFrame({
        "code": found["code"], "name_en": found["name_en"], "name_zh": found["name_zh"], "theme": found["theme"],
        "theme_en": found["theme_en"], "theme_zh": found["theme_zh"], "quote": found["snippet"],
        "participant": found["participant"], "group": found["group"]})
    for key in keys:
        table[f"attribute_{key}"] = [_cell(people.get(p, {}).get(key)) for p in found["participant"]]
    for column in ("transcript", "turn", "speaker", "start", "end", "language"):
        table[column] = found[column]
    table["coder"] = found["coders"]
    table["assessment"] = found["assessments"].replace(NOT_ASSESSED.value, "")
    # Measures the coder confirmed, and those derived from the codebook's code → measure mapping (undecided codings).
    table["measures_confirmed"] = found["measures_confirmed"].fillna("")
    table["measures_derived"] = found["measures_derived"].fillna("")
    table["memo"] = found["memos"].fillna("")
    table["created"] = [created.get(i, "") for i in found["id"]]
    table["coding_id"] = found["id"]
    return table.reset_index(drop=True)


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _cut(text: str) -> str:
    return text if len(text) <= QUOTE_CHARACTERS else text[:QUOTE_CHARACTERS - 1] + "…"


def framework_matrix(quotes: pd.DataFrame, *, columns: list[str], axis: str = "measure",
                     per_cell: int = CELL_QUOTES, derived: bool = False) -> pd.DataFrame:
    """NVivo's framework matrix from a quote table: participants × measures (or codes), each cell the count
    of that participant's codings there, by assessment, and their first quotes.

    A coding counts for the measures its coder confirmed, and with `derived` also for those derived from the
    codebook's mapping on codings nobody decided (as the Action Plan page counts).
    """
    if axis not in AXES:
        raise InputError(f"the framework matrix runs participants against measures or codes, not {axis!r}")
    rows = quotes[quotes["participant"].notna()].copy()
    if axis == "measure":
        counted = rows["measures_confirmed"] + (" " + rows["measures_derived"] if derived else "")
        rows["key"] = counted.str.split()
        rows = rows.explode("key").dropna(subset=["key"])
    else:
        rows["key"] = rows["code"]
    people = (quotes[quotes["participant"].notna()][["participant", "group"]].drop_duplicates("participant")
              .sort_values(["group", "participant"], ascending=[False, True]))
    matrix = people.reset_index(drop=True)
    cells = {key: group for key, group in rows.groupby(["participant", "key"], sort=False)}
    empty = rows.head(0)
    for key in columns:
        matrix[key] = [_framework_cell(cells.get((person, key), empty), per_cell=per_cell)
                       for person in matrix["participant"]]
    return matrix


def _framework_cell(rows: pd.DataFrame, *, per_cell: int) -> str:
    if rows.empty:
        return ""
    split = rows["assessment"].replace("", NOT_ASSESSED.value).value_counts()
    counts = ", ".join(f"{name} {split[name]}" for name in ("facilitator", "barrier", "neutral", NOT_ASSESSED.value)
                       if name in split)
    lines = [f"{len(rows)} coding(s): {counts}"]
    shown = rows.drop_duplicates(["transcript", "start", "end"]).head(per_cell)
    lines += [f"“{_cut(str(r.quote))}” ({r.transcript}, turn {r.turn})" for r in shown.itertuples(index=False)]
    if len(rows) > len(shown):
        lines.append(f"… {len(rows) - len(shown)} more")
    return "\n".join(lines)


def _framework(study: Study, request: TableRequest) -> pd.DataFrame:
    axis = str(request.options.get("axis") or "measure")
    columns = ([m["id"] for m in list_measures(study)] if axis == "measure"
               else [c["id"] for c in list_codes(study, counts=False)])
    return framework_matrix(quote_table(study, filters=request.filters), columns=columns, axis=axis,
                            derived=request.filters.include_derived)


def _level(request: TableRequest, default: str) -> str:
    return check_level(str(request.options.get("level") or default))


def _search_hits(study: Study, request: TableRequest) -> pd.DataFrame:
    query = str(request.options.get("query") or "").strip()
    if not query:
        raise InputError("the search-hits table needs a query (--query)")
    f = request.filters
    result = search(study, query, filters=SearchFilters(groups=f.groups, languages=f.languages,
                                                        participants=f.participants, transcripts=f.transcripts,
                                                        codes=f.codes), limit=10_000)
    columns = ["transcript", "participant", "group", "turn", "start", "end", "left", "match", "right"]
    return pd.DataFrame(result.hits, columns=columns)


def codebook_table(study: Study) -> pd.DataFrame:
    """The codebook as a table: ids, parent, names and definitions in both languages, measures, colour."""
    rows = [{"code": c["id"], "parent": c["parent_id"] or "", "name_en": c["name_en"], "name_zh": c["name_zh"] or "",
             "definition_en": c["definition_en"] or "", "definition_zh": c["definition_zh"] or "",
             "include": "; ".join(c["include"]), "exclude": "; ".join(c["exclude"]),
             "examples": "; ".join(c["examples"]), "measures": " ".join(c["measures"]), "color": c["color"] or "",
             "codings": c["codings"]} for c in list_codes(study)]
    return pd.DataFrame(rows, columns=["code", "parent", "name_en", "name_zh", "definition_en", "definition_zh",
                                       "include", "exclude", "examples", "measures", "color", "codings"])


@dataclass(frozen=True)
class Table:
    """An exportable table: its name (CLI --table, sheet name), label, what its figures count, and its builder."""

    name: str
    label: str
    counts: str
    build: Callable[[Study, TableRequest], pd.DataFrame]


def _agreement(study: Study, request: TableRequest) -> pd.DataFrame:
    """Agreement of the filters' coders (or all who finished) on the filters' transcripts (or all finished)."""
    result = agreement(study, coders=list(request.filters.coders) or None, unit=request.options.get("unit", "segment"),
                       transcripts=list(request.filters.transcripts) or None)
    return agreement_table(result)


# The one list of tables: the CLI's --table choices, the XLSX sheets and the Export page come from it.
TABLES: dict[str, Table] = {t.name: t for t in (
    Table("quotes", "Quotes (one row per coding)", "one row per coding matching the filters; a passage coded by "
          "two coders is two rows", lambda s, r: quote_table(s, filters=r.filters)),
    Table("framework", "Framework matrix (participants × measures)", "per participant and measure (or code, with "
          "axis=code): codings whose coder confirmed the measure (and those derived from the codebook's mapping when "
          "derived attributions are included), by assessment, and the first quotes",
          _framework),
    Table("code_participant", "Codes × participants", "codings per code (or theme) and participant",
          lambda s, r: analysis.code_participant_matrix(s, level=_level(r, "code"), wide=True, filters=r.filters)),
    Table("theme_measure", "Themes × measures", "distinct participants (and codings) per theme (or code) and "
          "measure, split by assessment and group",
          lambda s, r: analysis.theme_measure_matrix(s, level=_level(r, "theme"), filters=r.filters)),
    Table("frequencies", "Code frequencies by group", "codings, transcripts and distinct participants per code "
          "(or theme), split by participant group",
          lambda s, r: analysis.frequency_table(s, level=_level(r, "code"), filters=r.filters)),
    Table("search", "Search hits", "one row per occurrence of the query (keyword in context)", _search_hits),
    Table("agreement", "Inter-coder agreement (per code)", "per code and pooled: units (sentences, or characters with "
          "unit=character), percent agreement, Krippendorff's α and Cohen's κ over the transcripts every compared "
          "coder marked done; over coded units and over all units", _agreement),
    Table("codebook", "Codebook", "the codes with their definitions, measures and codings (all coders)",
          lambda s, r: codebook_table(s)),
)}


def build_table(study: Study, name: str, request: TableRequest | None = None) -> pd.DataFrame:
    """One table of the registry, by name."""
    if name not in TABLES:
        raise InputError(f"no table {name!r} (tables: {', '.join(TABLES)})")
    return TABLES[name].build(study, request or TableRequest())
