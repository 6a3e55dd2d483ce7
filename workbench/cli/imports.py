"""`workbench import`: transcripts into a study, one transaction per file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import echo, friendly, shown, study_argument
from workbench.errors import PiiHeld, WorkbenchError
from workbench.services.exports.refi_import import IMPORTED_ROOT, POSITIONS, import_refi, sniff
from workbench.services.pii_gate import Decision
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
@click.option("--pseudonymise", is_flag=True,
              help="Replace likely identifying data with placeholders ([PHONE-1]) and listed names with pseudonyms.")
@click.option("--allow-pii", is_flag=True, help="Import files with likely identifying data as they are (needs --reason).")
@click.option("--reason", help="Why identifying data may stay (with --allow-pii); recorded in the audit log.")
@click.option("--follow-symlinks", is_flag=True, help="Read files through symbolic links (refused by default).")
@friendly
def import_(study: str, files: tuple[str, ...], participant: str | None, group: str, attrs: tuple[str, ...],
            lang: str | None, interviewer: str | None, manifest: str | None, max_mb: float, positions: str,
            as_user: str, pseudonymise: bool, allow_pii: bool, reason: str | None, follow_symlinks: bool) -> None:
    """Import transcripts, one transaction per file (the help text lists the formats from the readers).

    A file with likely identifying data (HKID, phone, e-mail, passport, URL, date of birth, address, a name on
    the study's names list) is held: exit status 3, each finding listed by line and kind, never its value.
    """
    from workbench.services.importing import import_files
    from workbench.services.participants import ParticipantInfo, load_manifest
    from workbench.services.pii_gate import PSEUDONYMISE, Decision

    if manifest and participant:
        raise WorkbenchError("give either --manifest or --participant, not both")
    if pseudonymise and allow_pii:
        raise WorkbenchError("give either --pseudonymise or --allow-pii, not both")
    if reason and not allow_pii:
        raise WorkbenchError("--reason goes with --allow-pii")
    decision = PSEUDONYMISE if pseudonymise else Decision.override(reason or "") if allow_pii else None
    if decision is not None and allow_pii:
        decision.check([])  # a missing or too short reason fails before any file is read
    projects = [f for f in files if _is_project(f)]
    ended = [_import_project(study, f, positions=positions, as_user=as_user, pii=decision) for f in projects]
    failed, projects_held = ended.count("failed"), ended.count("held")
    files = tuple(f for f in files if f not in projects)
    if not files:
        if failed:
            sys.exit(1)
        if projects_held:
            sys.exit(3)
        return
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
                                progress=lambda _name: bar.update(1), pii=decision, follow_symlinks=follow_symlinks)
    for outcome in outcomes:
        # a file name can hold escapes or a newline that would fake an "ok" line: every name is printed escaped
        name = shown(outcome.file)
        if outcome.held:
            echo(f"HELD    {name}: {len(outcome.held)} likely identifying item(s)", err=True)
            for line, kind in outcome.held:
                echo(f"        {name} line {line}: {kind}", err=True)
        elif outcome.error:
            echo(f"FAILED  {outcome.error.replace(outcome.file, name)}", err=True)
        else:
            summary = outcome.summary
            speakers = ", ".join(f"{shown(k)} ({v})" for k, v in summary["speakers"].items()) or "none"
            echo(f"ok      {name}: transcript {outcome.transcript_id}, {summary['encoding']}, "
                 f"{summary['language']}, {summary['turns']} turns, {summary['sentences']} sentences; "
                 f"speakers: {speakers}; interviewer: {shown(summary['interviewer'] or 'unknown')}")
            for warning in summary["warnings"]:
                echo(f"        note: {warning}")
            if summary.get("pii"):
                echo(f"        identifying data: {_kinds(summary['pii'])}")
    held_files = sum(1 for o in outcomes if o.held)
    failed += sum(1 for o in outcomes if o.error) - held_files  # a held file also carries its message as an error
    held = held_files + projects_held
    click.echo(f"{len(outcomes) + len(projects) - failed - held} imported, {failed} failed, {held} held")
    if held and not failed:
        click.echo("Held files are not imported: run again with --pseudonymise, or with --allow-pii --reason TEXT "
                   "to keep the data (recorded in the audit log).", err=True)
    if failed:
        sys.exit(1)
    if held:
        sys.exit(3)


def _kinds(detail: dict) -> str:
    """'replaced 2 phone, 1 hkid; kept 1 url' from a screening's audit detail."""
    parts = [f"{verb} " + ", ".join(f"{n} {kind}" for kind, n in detail[key].items())
             for key, verb in (("replaced", "replaced"), ("kept", "kept")) if detail.get(key)]
    return "; ".join(parts)


def _is_project(path: str) -> bool:
    """Whether a file is a REFI-QDA project or codebook (by its first bytes, or its suffix)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(200_000)
    except OSError:
        return False
    return sniff(path, head) is not None


def _import_project(study: str, path: str, *, positions: str, as_user: str, pii: Decision | None) -> str:
    """Import one .qdpx or .qdc all or nothing; prints what happened; 'ok', 'held' or 'failed'."""
    name = Path(path).name
    try:
        data = file_bytes(path, max_bytes=PROJECT_MAX_BYTES)
        with Study.open(study) as s:
            plan, added = import_refi(s, name, data, by=as_user, positions=positions, pii=pii)
    except PiiHeld as err:
        echo(f"HELD    {shown(name)}: {len(err.findings)} likely identifying item(s); nothing was imported", err=True)
        echo(f"        {err}", err=True)
        return "held"
    except WorkbenchError as err:
        echo(f"FAILED  {err}", err=True)
        return "failed"
    summary = plan.summary()
    what = "project" if plan.kind == "qdpx" else "codebook"
    branch = f" ({summary['imported_branch']} under '{IMPORTED_ROOT}')" if summary["imported_branch"] else ""
    echo(f"ok      {shown(name)}: REFI-QDA {what} from {plan.origin}: {added['transcripts']} transcripts, "
               f"{added['codes']} codes{branch}, {added['codings']} codings, {added['memos']} memos, "
               f"{added['participants']} participants, {added['users']} new user(s)")
    if added["users"]:
        click.echo("        note: new users cannot log in until an admin sets a password "
                   "(workbench users reset-password)")
    for warning in summary["warnings"]:
        echo(f"        note: {warning}")
    return "ok"


COMMANDS = (import_,)
