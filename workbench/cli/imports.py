"""`workbench import`: transcripts into a study, one transaction per file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import friendly, study_argument
from workbench.errors import WorkbenchError
from workbench.services.exports.refi_import import IMPORTED_ROOT, POSITIONS, import_refi, sniff
from workbench.store.study import SYSTEM_USER, Study
from workbench.text.readers import file_bytes, supported
from workbench.vocab import GROUPS, LANGUAGES

PROJECT_MAX_BYTES = 500 * 1024 * 1024


@click.command("import", help=f"Import transcripts ({supported()}), one transaction per file, or a REFI-QDA "
                              "project (.qdpx: transcripts, codes, codings, memos, participants) or codebook (.qdc) "
                              "from NVivo, MAXQDA, ATLAS.ti or QualCoder, recognised by content, all or nothing.")
@study_argument
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--participant", help="Pseudonym of the participant (all files).")
@click.option("--group", type=click.Choice(GROUPS.values), default="other", show_default=True)
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE", help="Participant attribute (repeatable).")
@click.option("--lang", type=click.Choice(LANGUAGES.values), help="Language (default: detected).")
@click.option("--interviewer", help="Speaker label of the interviewer (default: guessed).")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), help="CSV or YAML manifest for a batch.")
@click.option("--max-mb", type=float, default=20.0, show_default=True, help="Refuse files larger than this.")
@click.option("--positions", type=click.Choice(POSITIONS), default="auto", show_default=True,
              help="REFI-QDA projects: how selection positions count a line break (auto: two for MAXQDA files).")
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True, help="Username the import is recorded under.")
@friendly
def import_(study: str, files: tuple[str, ...], participant: str | None, group: str, attrs: tuple[str, ...],
            lang: str | None, interviewer: str | None, manifest: str | None, max_mb: float, positions: str,
            as_user: str) -> None:
    """Import transcripts, one transaction per file (the help text lists the formats from the readers)."""
    from workbench.services.importing import import_files
    from workbench.services.participants import ParticipantInfo, load_manifest

    projects = [f for f in files if _is_project(f)]
    failed = sum(_import_project(study, f, positions=positions, as_user=as_user) for f in projects)
    files = tuple(f for f in files if f not in projects)
    if not files:
        if failed:
            sys.exit(1)
        return

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
                                progress=lambda _name: bar.update(1))
    for outcome in outcomes:
        if outcome.error:
            click.echo(f"FAILED  {outcome.error}", err=True)
        else:
            summary = outcome.summary
            speakers = ", ".join(f"{k} ({v})" for k, v in summary["speakers"].items()) or "none"
            click.echo(f"ok      {outcome.file}: transcript {outcome.transcript_id}, {summary['encoding']}, "
                       f"{summary['language']}, {summary['turns']} turns, {summary['sentences']} sentences; "
                       f"speakers: {speakers}; interviewer: {summary['interviewer'] or 'unknown'}")
            for warning in summary["warnings"]:
                click.echo(f"        note: {warning}")
    failed += sum(1 for o in outcomes if o.error)
    click.echo(f"{len(outcomes) + len(projects) - failed} imported, {failed} failed")
    if failed:
        sys.exit(1)


def _is_project(path: str) -> bool:
    """Whether a file is a REFI-QDA project or codebook (by its first bytes, or its suffix)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(200_000)
    except OSError:
        return False
    return sniff(path, head) is not None


def _import_project(study: str, path: str, *, positions: str, as_user: str) -> bool:
    """Import one .qdpx or .qdc all or nothing; prints what happened; True if it failed."""
    name = Path(path).name
    try:
        data = file_bytes(path, max_bytes=PROJECT_MAX_BYTES)
        with Study.open(study) as s:
            plan, added = import_refi(s, name, data, by=as_user, positions=positions)
    except WorkbenchError as err:
        click.echo(f"FAILED  {err}", err=True)
        return True
    summary = plan.summary()
    what = "project" if plan.kind == "qdpx" else "codebook"
    branch = f" ({summary['imported_branch']} under '{IMPORTED_ROOT}')" if summary["imported_branch"] else ""
    click.echo(f"ok      {name}: REFI-QDA {what} from {plan.origin}: {added['transcripts']} transcripts, "
               f"{added['codes']} codes{branch}, {added['codings']} codings, {added['memos']} memos, "
               f"{added['participants']} participants, {added['users']} new user(s)")
    if added["users"]:
        click.echo("        note: new users cannot log in until an admin sets a password "
                   "(workbench users reset-password)")
    for warning in summary["warnings"]:
        click.echo(f"        note: {warning}")
    return False


COMMANDS = (import_,)
