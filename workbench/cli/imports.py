"""`workbench import`: transcripts into a study, one transaction per file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import echo, friendly, shown, study_argument
from workbench.errors import WorkbenchError
from workbench.store.study import SYSTEM_USER, Study
from workbench.text.readers import supported
from workbench.vocab import GROUPS, LANGUAGES


@click.command("import", help=f"Import transcripts ({supported()}), one transaction per file.")
@study_argument
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--participant", help="Pseudonym of the participant (all files).")
@click.option("--group", type=click.Choice(GROUPS.values), default="other", show_default=True)
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE", help="Participant attribute (repeatable).")
@click.option("--lang", type=click.Choice(LANGUAGES.values), help="Language (default: detected).")
@click.option("--interviewer", help="Speaker label of the interviewer (default: guessed).")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), help="CSV or YAML manifest for a batch.")
@click.option("--max-mb", type=float, default=20.0, show_default=True, help="Refuse files larger than this.")
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True, help="Username the import is recorded under.")
@click.option("--follow-symlinks", is_flag=True, help="Read files through symbolic links (refused by default).")
@friendly
def import_(study: str, files: tuple[str, ...], participant: str | None, group: str, attrs: tuple[str, ...],
            lang: str | None, interviewer: str | None, manifest: str | None, max_mb: float, as_user: str,
            follow_symlinks: bool) -> None:
    """Import transcripts, one transaction per file (the help text lists the formats from the readers)."""
    from workbench.services.importing import import_files
    from workbench.services.participants import ParticipantInfo, load_manifest

    if manifest and participant:
        raise WorkbenchError("give either --manifest or --participant, not both")
    attributes = {}
    for item in attrs:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise WorkbenchError(f"--attr takes KEY=VALUE, not {item!r}")
        attributes[key] = value
    who = ParticipantInfo(participant, group, attributes) if participant else None
    entries = load_manifest(manifest) if manifest else None
    with Study.open(study) as s, click.progressbar(length=len(files), label="importing", file=sys.stderr,
                                                   show_pos=True) as bar:
        outcomes = import_files(s, [Path(f) for f in files], by=as_user, manifest=entries, participant=who,
                                language=lang, interviewer=interviewer, max_bytes=int(max_mb * 1024 * 1024),
                                progress=lambda _name: bar.update(1), follow_symlinks=follow_symlinks)
    for outcome in outcomes:
        # a file name can hold escapes or a newline that would fake an "ok" line: every name is printed escaped
        name = shown(outcome.file)
        if outcome.error:
            echo(f"FAILED  {outcome.error.replace(outcome.file, name)}", err=True)
        else:
            summary = outcome.summary
            speakers = ", ".join(f"{shown(k)} ({v})" for k, v in summary["speakers"].items()) or "none"
            echo(f"ok      {name}: transcript {outcome.transcript_id}, {summary['encoding']}, "
                 f"{summary['language']}, {summary['turns']} turns, {summary['sentences']} sentences; "
                 f"speakers: {speakers}; interviewer: {shown(summary['interviewer'] or 'unknown')}")
            for warning in summary["warnings"]:
                echo(f"        note: {warning}")
    failed = sum(1 for o in outcomes if o.error)
    click.echo(f"{len(outcomes) - failed} imported, {failed} failed")
    if failed:
        sys.exit(1)


COMMANDS = (import_,)
