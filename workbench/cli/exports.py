"""`workbench export`: findings, tables, the codebook or the whole study out of a study (formats from the registry)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import friendly, study_argument
from workbench.services.exports.registry import FORMATS, LANGS, ExportRequest, export, formats_help
from workbench.services.exports.tables import AXES, TABLES
from workbench.store.study import SYSTEM_USER, Study
from workbench.vocab import ASSESSMENTS, GROUPS, LANGUAGES, LAYERS, NOT_ASSESSED


@click.command("export", help="Export findings, tables, the codebook or the whole study. Formats: "
                              f"{formats_help()}. Tables (--table, for xlsx and csv): {', '.join(TABLES)}.")
@study_argument
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), required=True, help="The file format.")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write ('-' for standard output).")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Labels of the Word report: English or Traditional Chinese.")
@click.option("--table", "tables", multiple=True, type=click.Choice(list(TABLES)),
              help="Table(s) for xlsx (one sheet each) or csv (exactly one); default: quotes.")
@click.option("--group", "groups", multiple=True, type=click.Choice(GROUPS.values), help="Participant group filter.")
@click.option("--language", "languages", multiple=True, type=click.Choice(LANGUAGES.values),
              help="Language of the coded passage.")
@click.option("--coder", "coders", multiple=True, help="Coder's username.")
@click.option("--assessment", "assessments", multiple=True, type=click.Choice([*ASSESSMENTS.values, NOT_ASSESSED.value]))
@click.option("--measure", "measures", multiple=True, help="Framework measure id (e.g. NM-f).")
@click.option("--code", "codes", multiple=True, help="Code or theme id (a theme takes in its codes).")
@click.option("--participant", "participants", multiple=True, help="Pseudonym.")
@click.option("--transcript", "transcripts", multiple=True, help="Transcript (file name without extension).")
@click.option("--derived", is_flag=True, help="Count measures derived from the codebook's mapping on codings "
              "nobody decided, as well as those coders confirmed.")
@click.option("--layer", type=click.Choice(LAYERS.values), default="coders", show_default=True,
              help="coders: every coder's own codings; consensus: the agreed and resolved consensus layer.")
@click.option("--axis", type=click.Choice(AXES), help="Framework matrix columns: measures (default) or codes.")
@click.option("--level", type=click.Choice(["theme", "code"]), help="Rows of the matrices and frequencies.")
@click.option("--query", help="The search for --table search.")
@click.option("--crlf", is_flag=True, help="qdpx: count a line break as two characters, as MAXQDA does.")
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True, help="Username the export is recorded under.")
@friendly
def export_command(study: str, fmt: str, output: str, lang: str, tables: tuple[str, ...], groups: tuple[str, ...],
                   languages: tuple[str, ...], coders: tuple[str, ...], assessments: tuple[str, ...],
                   measures: tuple[str, ...], codes: tuple[str, ...], participants: tuple[str, ...],
                   transcripts: tuple[str, ...], derived: bool, layer: str, axis: str | None, level: str | None,
                   query: str | None, crlf: bool,
                   as_user: str) -> None:
    """Export from a study (every export is recorded in the audit log, never its content)."""
    from workbench.services.analysis import Filters

    filters = Filters(groups=groups, languages=languages, coders=coders, assessments=assessments, measures=measures,
                      codes=codes, participants=participants, transcripts=transcripts, include_derived=derived,
                      layer=layer)
    options = {"axis": axis, "level": level, "query": query, "crlf": crlf}
    request = ExportRequest(filters=filters, lang=lang, tables=tables,
                            options={k: v for k, v in options.items() if v})
    with Study.open(study) as s:
        result = export(s, fmt, by=as_user, request=request)
    if output == "-":
        sys.stdout.buffer.write(result.data)
        return
    Path(output).write_bytes(result.data)
    click.echo(f"wrote {output}: {FORMATS[fmt].label}, {len(result.data):,} bytes", err=True)


COMMANDS = (export_command,)
