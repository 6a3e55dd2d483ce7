"""`workbench agreement | done | assign | disagreements`: inter-coder agreement and blind double coding."""

from __future__ import annotations

import click

from workbench.cli.common import friendly, print_json, study_argument
from workbench.store.study import SYSTEM_USER, Study


def _names(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _number(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


@click.command("agreement")
@study_argument
@click.option("--coders", help="Coders to compare, comma-separated (default: every coder who marked a transcript done).")
@click.option("--unit", type=click.Choice(["segment", "character"]), default="segment", show_default=True,
              help="segment: a sentence is one unit; character: every character is one.")
@click.option("--transcript", "transcripts", multiple=True, help="Only this transcript (stem or id; repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: overall and codes (by id), each with percent, "
                                                     "alpha, kappa, units, and the same figures with_uncoded.")
@friendly
def agreement_command(study: str, coders: str | None, unit: str, transcripts: tuple[str, ...], as_json: bool) -> None:
    """Inter-coder agreement (percent, Krippendorff's α, Cohen's κ) on transcripts every compared coder marked done."""
    from workbench.services.agreement import agreement

    with Study.open(study) as s:
        result = agreement(s, coders=_names(coders), unit=unit, transcripts=list(transcripts) or None)
    if as_json:
        print_json(result.as_json())
        return
    pairs = list(result.overall.kappa)
    click.echo(f"{len(result.transcripts)} transcripts done by {', '.join(result.coders)}; unit: {unit}; "
               "figures over units some coder coded (all units in brackets)")
    click.echo(f"{'code':<36} {'units':>7} {'percent':>8} {'alpha':>7} " + " ".join(f"{'κ ' + p:>14}" for p in pairs))
    for code, coded, every in [("overall", result.overall, result.overall_all_units),
                               *((c.code, c.coded, c.all_units) for c in result.codes)]:
        click.echo(f"{code:<36} {int(coded.units):>7} {_number(coded.percent, 1):>8} {_number(coded.alpha):>7} "
                   + " ".join(f"{_number(coded.kappa[p]):>14}" for p in pairs)
                   + f"   [α {_number(every.alpha)} over {int(every.units)}]")


@click.command("done")
@study_argument
@click.option("--transcript", required=True, help="Transcript id or source file stem.")
@click.option("--as", "as_user", required=True, help="The coder who finished it.")
@click.option("--coder", help="Mark it for another coder (admins only).")
@click.option("--undo", is_flag=True, help="Mark it not done again.")
@friendly
def done_command(study: str, transcript: str, as_user: str, coder: str | None, undo: bool) -> None:
    """Mark a transcript done for a coder: a blind coder then sees the others' codings, and agreement counts it."""
    from workbench.services.agreement import mark_done
    from workbench.services.transcripts import resolve_transcript

    with Study.open(study) as s:
        tid = resolve_transcript(s, transcript)
        mark_done(s, tid, by=as_user, coder=coder, done=not undo)
    click.echo(f"{transcript}: {'not done' if undo else 'done'} for {coder or as_user}")


@click.command("assign")
@study_argument
@click.option("--transcript", "transcripts", required=True, multiple=True, help="Transcript id or stem (repeatable).")
@click.option("--coders", required=True, help="Coders, comma-separated.")
@click.option("--open", "open_", is_flag=True, help="Let them see each other's codings at once (default: blind).")
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True, help="The admin assigning.")
@friendly
def assign_command(study: str, transcripts: tuple[str, ...], coders: str, open_: bool, as_user: str) -> None:
    """Assign transcripts to coders for double coding (blind unless --open)."""
    from workbench.services.agreement import assign
    from workbench.services.transcripts import resolve_transcript

    names = _names(coders) or []
    with Study.open(study) as s:
        for ref in transcripts:
            assign(s, resolve_transcript(s, ref), coders=names, by=as_user, blind=not open_)
    click.echo(f"assigned {len(transcripts)} transcript(s) to {', '.join(names)} ({'open' if open_ else 'blind'})")


@click.command("disagreements")
@study_argument
@click.option("--coders", help="Coders to compare, comma-separated (default: every coder who marked a transcript done).")
@click.option("--transcript", "transcripts", multiple=True, help="Only this transcript (stem or id; repeatable).")
@click.option("--code", "codes", multiple=True, help="Only this code or theme (repeatable).")
@click.option("--json", "as_json", is_flag=True)
@friendly
def disagreements_command(study: str, coders: str | None, transcripts: tuple[str, ...], codes: tuple[str, ...],
                          as_json: bool) -> None:
    """List the unresolved passages where the compared coders differ on a code."""
    from workbench.services.agreement import disagreements

    with Study.open(study) as s:
        queue = disagreements(s, coders=_names(coders), transcripts=list(transcripts) or None, codes=list(codes) or None)
    if as_json:
        print_json({"coders": queue.coders, "transcripts": queue.transcripts, "resolved": queue.resolved,
                    "items": [{k: v for k, v in i.items() if k != "passage"} for i in queue.items]})
        return
    for item in queue.items:
        said = ", ".join(f"{c} {'yes' if v else 'no'}" for c, v in item["applied"].items())
        click.echo(f"{item['transcript']:<20} {item['start']:>6}-{item['end']:<6} {item['code_id']:<34} {said}")
    click.echo(f"{len(queue.items)} unresolved, {queue.resolved} resolved")


COMMANDS = (agreement_command, done_command, assign_command, disagreements_command)
