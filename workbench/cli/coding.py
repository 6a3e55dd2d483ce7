"""`workbench code add | list`: codings on the command line."""

from __future__ import annotations

import click

from workbench.cli.common import echo, friendly, print_json, study_argument
from workbench.errors import WorkbenchError
from workbench.services.transcripts import resolve_transcript
from workbench.store.study import Study
from workbench.vocab import ASSESSMENTS


@click.group()
def code() -> None:
    """Apply and list codings."""


@code.command("add")
@study_argument
@click.option("--transcript", required=True, help="Transcript id or source file stem.")
@click.option("--start", type=int)
@click.option("--end", type=int)
@click.option("--match", "match", help="Exact passage to code (instead of --start/--end).")
@click.option("--occurrence", type=int, default=1, show_default=True)
@click.option("--code", "code_id", required=True)
@click.option("--as", "as_user", required=True, help="Coder's username.")
@click.option("--assessment", type=click.Choice(ASSESSMENTS.values))
@click.option("--memo")
@click.option("--measure", "measures", multiple=True, metavar="ID",
              help="A framework measure the passage speaks to, confirmed by the coder (repeatable). Without it the "
                   "coding's measures are derived from the code's mapping in the codebook.")
@friendly
def code_add(study: str, transcript: str, start: int | None, end: int | None, match: str | None, occurrence: int,
             code_id: str, as_user: str, assessment: str | None, memo: str | None, measures: tuple[str, ...]) -> None:
    """Code a passage given by offsets (code points) or by its exact text."""
    from workbench.services.coding import add_coding, find_span, get_coding
    from workbench.services.transcripts import transcript_text

    if (match is None) == (start is None or end is None):
        raise WorkbenchError("give either --match TEXT or both --start and --end")
    with Study.open(study) as s:
        tid = resolve_transcript(s, transcript)
        if match is not None:
            start, end = find_span(transcript_text(s, tid), match, occurrence=occurrence)
        coding_id = add_coding(s, transcript_id=tid, start=start, end=end, code_id=code_id, by=as_user,
                               assessment=assessment, memo=memo, measures=list(measures) if measures else None)
        coding = get_coding(s, coding_id)
    echo(f"coding {coding_id}: {coding['code_id']} on {coding['transcript']} {coding['start']}-{coding['end']}"
               + (f", measures {' '.join(measures)} (confirmed)" if measures else ""))


@code.command("measures")
@study_argument
@click.argument("coding_id", type=int)
@click.option("--measure", "measures", multiple=True, metavar="ID", help="A measure the coding speaks to (repeatable).")
@click.option("--none", "none_", is_flag=True, help="Confirm that the coding speaks to no measure.")
@click.option("--derived", is_flag=True, help="Forget the decision: derive the measures from the code's mapping again.")
@click.option("--as", "as_user", help="Coder's username (needed to change the measures).")
@click.option("--json", "as_json", is_flag=True)
@friendly
def code_measures(study: str, coding_id: int, measures: tuple[str, ...], none_: bool, derived: bool,
                  as_user: str | None, as_json: bool) -> None:
    """Show a coding's measures (confirmed, derived, rejected), or confirm them with --measure / --none."""
    from workbench.services.attributions import coding_measures, reset_coding_measures, set_coding_measures

    if sum((bool(measures), none_, derived)) > 1:
        raise WorkbenchError("give --measure, --none or --derived, not several")
    changing = bool(measures) or none_ or derived
    if changing and not as_user:
        raise WorkbenchError("say who decides with --as USERNAME")
    with Study.open(study) as s:
        if derived:
            reset_coding_measures(s, coding_id, by=as_user or "")
        elif changing:
            set_coding_measures(s, coding_id, measures, by=as_user or "")
        rows = [r for r in coding_measures(s, coding_id) if r["status"]]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        echo(f"{row['measure']:<7} {row['status']:<10} {row['title_en']}")
    if not any(r["status"] in ("confirmed", "derived") for r in rows):
        echo("speaks to no measure")


@code.command("list")
@study_argument
@click.option("--transcript")
@click.option("--coder")
@click.option("--code", "code_id")
@click.option("--json", "as_json", is_flag=True)
@friendly
def code_list(study: str, transcript: str | None, coder: str | None, code_id: str | None, as_json: bool) -> None:
    """List codings."""
    from workbench.services.coding import list_codings

    with Study.open(study) as s:
        tid = resolve_transcript(s, transcript) if transcript else None
        rows = list_codings(s, transcript_id=tid, coder=coder, code_id=code_id)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        snippet = row["snippet"].replace("\n", " ")
        snippet = snippet[:60] + ("…" if len(snippet) > 60 else "")
        echo(f"{row['id']:>5} {row['transcript']:<22} {row['start']:>6}-{row['end']:<6} {row['code_id']:<34} "
                   f"{row['coder']:<8} {row['assessment'] or '':<11} {snippet}")
    click.echo(f"{len(rows)} codings")


COMMANDS = (code,)
