"""`workbench report` and `workbench search`: analysis tables and full-text search on the command line."""

from __future__ import annotations

import json

import click
import pandas as pd

from workbench.cli.common import echo, friendly, print_json, study_argument
from workbench.store.study import Study
from workbench.vocab import LANGUAGES, LAYERS

TABLES = ("frequencies", "measures", "cooccurrence", "participants")


def report_table(study: Study, table: str, *, level: str = "code", split_by: str = "group",
                 layer: str = "coders") -> pd.DataFrame:
    """The analysis table the report command prints (over every coder's codings, or the consensus layer)."""
    from workbench.services import analysis

    filters = analysis.Filters(layer=layer)
    if table == "frequencies":
        return analysis.frequency_table(study, level=level, split_by=split_by, filters=filters)
    if table == "measures":
        return analysis.theme_measure_matrix(study, level="theme" if level == "theme" else "code", filters=filters)
    if table == "cooccurrence":
        return analysis.code_cooccurrence(study, level=level, filters=filters)
    return analysis.code_participant_matrix(study, level=level, wide=True, filters=filters)


def _records(table: pd.DataFrame) -> list[dict]:
    return json.loads(table.to_json(orient="records", force_ascii=False))


@click.command("report")
@study_argument
@click.option("--table", "table", type=click.Choice(TABLES), default="frequencies", show_default=True,
              help="frequencies: per code codings/transcripts/participants (split by group); measures: "
                   "themes × framework measures; cooccurrence: codes on overlapping spans; participants: "
                   "codings per code and participant.")
@click.option("--level", type=click.Choice(["code", "theme"]), default=None,
              help="Rows per code or per theme (default: code; theme for measures).")
@click.option("--split-by", type=click.Choice(["group", "language", "coder", "assessment"]), default="group",
              show_default=True, help="Split of the frequencies table.")
@click.option("--layer", type=click.Choice(LAYERS.values), default="coders", show_default=True,
              help="coders: every coder's own codings; consensus: the agreed and resolved consensus layer.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON records instead of a table.")
@friendly
def report(study: str, table: str, level: str | None, split_by: str, layer: str, as_json: bool) -> None:
    """Print an analysis table of a study."""
    level = level or ("theme" if table == "measures" else "code")
    with Study.open(study) as s:
        frame = report_table(s, table, level=level, split_by=split_by, layer=layer)
    if as_json:
        print_json(_records(frame))
    elif frame.empty:
        click.echo("no codings yet")
    else:
        drop = [c for c in ("name_zh", "measure_zh", "row_zh", "name_zh_a", "name_zh_b", "measure_en",
                            "measure_position", "framework", "overlap") if c in frame.columns]
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            echo(frame.drop(columns=drop).to_string(index=False))


@click.command("search")
@study_argument
@click.argument("query")
@click.option("--group", "groups", multiple=True, help="Participant group (repeatable).")
@click.option("--lang", "languages", multiple=True, type=click.Choice(LANGUAGES.values),
              help="Language of the sentence (repeatable).")
@click.option("--participant", "participants", multiple=True, help="Pseudonym (repeatable).")
@click.option("--code", "codes", multiple=True, help="Only passages coded with this code or theme.")
@click.option("--limit", type=int, default=100, show_default=True, help="Most sentences to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@friendly
def search_command(study: str, query: str, groups: tuple[str, ...], languages: tuple[str, ...],
                   participants: tuple[str, ...], codes: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Search transcripts (English by lemma, so 'passports' finds 'passport'; Chinese by string, 護照)."""
    from workbench.services.search import SearchFilters, search

    filters = SearchFilters(groups=groups, languages=languages, participants=participants, codes=codes)
    with Study.open(study) as s:
        result = search(s, query, filters=filters, limit=limit)
    if as_json:
        print_json({"query": query, "mode": result.mode, "terms": result.terms,
                    "sentences": result.sentences, "hits": result.hits})
        return
    for hit in result.hits:
        echo(f"{hit['transcript']:<20} {hit['start']:>6}-{hit['end']:<6} {hit['line']}")
    shown = len({h['segment_id'] for h in result.hits})
    click.echo(f"{len(result.hits)} hits in {shown} of {result.sentences} matching sentences ({result.mode})")


COMMANDS = (report, search_command)
