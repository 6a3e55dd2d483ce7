"""The `workbench` command: a thin shell over the library (parse, call, print)."""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from workbench.errors import WorkbenchError
from workbench.store.study import SYSTEM_USER, Study

APP = Path(__file__).resolve().parent.parent / "streamlit_app.py"


def friendly(func):
    """Turn domain errors into a message and exit status 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except WorkbenchError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(1)
        except sqlite3.DatabaseError as err:
            click.echo(f"error: the study file cannot be used: {err}", err=True)
            sys.exit(1)

    return wrapper


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workbench")
def main() -> None:
    """Qualitative interview research workbench (one SQLite file per study)."""


@main.command()
@click.argument("study", type=click.Path(dir_okay=False))
@friendly
def init(study: str) -> None:
    """Create an empty study file."""
    if Path(study).exists():
        raise WorkbenchError(f"{study} already exists")
    Study.open(study, create=True).close()
    click.echo(f"created {study}")


@main.command("import")
@click.argument("study", type=click.Path(dir_okay=False))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--participant", help="Pseudonym of the participant (all files).")
@click.option("--group", type=click.Choice(["survivor", "stakeholder", "other"]), default="other", show_default=True)
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE", help="Participant attribute (repeatable).")
@click.option("--lang", type=click.Choice(["en", "zh", "mixed"]), help="Language (default: detected).")
@click.option("--interviewer", help="Speaker label of the interviewer (default: guessed).")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), help="CSV or YAML manifest for a batch.")
@click.option("--max-mb", type=float, default=20.0, show_default=True, help="Refuse files larger than this.")
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True, help="Username the import is recorded under.")
@friendly
def import_(study: str, files: tuple[str, ...], participant: str | None, group: str, attrs: tuple[str, ...],
            lang: str | None, interviewer: str | None, manifest: str | None, max_mb: float, as_user: str) -> None:
    """Import transcripts (.txt .md .docx .vtt .srt), one transaction per file."""
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
    failed = sum(1 for o in outcomes if o.error)
    click.echo(f"{len(outcomes) - failed} imported, {failed} failed")
    if failed:
        sys.exit(1)


@main.group()
def codebook() -> None:
    """Load, show or validate codebooks."""


@codebook.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
@friendly
def codebook_validate(path: str) -> None:
    """Check a codebook file (and the framework it names)."""
    from workbench.services.codebook import load_with_framework

    book, framework = load_with_framework(path)
    themes = sum(1 for c in book.codes if not c.parent)
    click.echo(f"ok: {book.id} {book.version}: {len(book.codes)} codes ({themes} themes)"
               + (f", {len(framework.measures)} measures in {framework.id}" if framework else ""))


@codebook.command("load")
@click.argument("study", type=click.Path(dir_okay=False))
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True)
@friendly
def codebook_load(study: str, path: str, as_user: str) -> None:
    """Install a codebook into a study (existing ids are updated, never renumbered)."""
    from workbench.services.codebook import load_with_framework
    from workbench.services.codes import install_codebook

    book, framework = load_with_framework(path)
    with Study.open(study) as s:
        result = install_codebook(s, book, framework, by=as_user)
    click.echo(f"{book.id}: {result['added']} codes added, {result['updated']} updated")


@codebook.command("show")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@friendly
def codebook_show(source: str, as_json: bool) -> None:
    """Print the code tree of a study or a codebook file."""
    if source.endswith((".yaml", ".yml")):
        from workbench.services.codebook import load_codebook

        codes = [{"id": c.id, "parent_id": c.parent, "name_en": c.name_en, "name_zh": c.name_zh,
                  "measures": c.measures, "codings": None} for c in load_codebook(source).codes]
    else:
        from workbench.services.codes import list_codes

        with Study.open(source) as s:
            codes = list_codes(s)
    if as_json:
        _print_json(codes)
        return
    for code in codes:
        indent = "  " * code["id"].count("/")
        count = "" if code.get("codings") is None else f"  [{code['codings']}]"
        measures = f"  → {', '.join(code['measures'])}" if code["measures"] else ""
        click.echo(f"{indent}{code['id']}  {code['name_en']} / {code['name_zh']}{count}{measures}")


@main.group()
def code() -> None:
    """Apply and list codings."""


@code.command("add")
@click.argument("study", type=click.Path(dir_okay=False))
@click.option("--transcript", required=True, help="Transcript id or source file stem.")
@click.option("--start", type=int)
@click.option("--end", type=int)
@click.option("--match", "match", help="Exact passage to code (instead of --start/--end).")
@click.option("--occurrence", type=int, default=1, show_default=True)
@click.option("--code", "code_id", required=True)
@click.option("--as", "as_user", required=True, help="Coder's username.")
@click.option("--assessment", type=click.Choice(["facilitator", "barrier", "neutral"]))
@click.option("--memo")
@friendly
def code_add(study: str, transcript: str, start: int | None, end: int | None, match: str | None, occurrence: int,
             code_id: str, as_user: str, assessment: str | None, memo: str | None) -> None:
    """Code a passage given by offsets (code points) or by its exact text."""
    from workbench.services.coding import add_coding, find_span, get_coding, transcript_text

    if (match is None) == (start is None or end is None):
        raise WorkbenchError("give either --match TEXT or both --start and --end")
    with Study.open(study) as s:
        tid = s.transcript_id(transcript)
        if match is not None:
            start, end = find_span(transcript_text(s, tid), match, occurrence=occurrence)
        coding_id = add_coding(s, transcript_id=tid, start=start, end=end, code_id=code_id, by=as_user,
                               assessment=assessment, memo=memo)
        coding = get_coding(s, coding_id)
    click.echo(f"coding {coding_id}: {coding['code_id']} on {coding['transcript']} {coding['start']}-{coding['end']}")


@code.command("list")
@click.argument("study", type=click.Path(dir_okay=False))
@click.option("--transcript")
@click.option("--coder")
@click.option("--code", "code_id")
@click.option("--json", "as_json", is_flag=True)
@friendly
def code_list(study: str, transcript: str | None, coder: str | None, code_id: str | None, as_json: bool) -> None:
    """List codings."""
    from workbench.services.coding import list_codings

    with Study.open(study) as s:
        tid = s.transcript_id(transcript) if transcript else None
        rows = list_codings(s, transcript_id=tid, coder=coder, code_id=code_id)
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        snippet = row["snippet"].replace("\n", " ")
        snippet = snippet[:60] + ("…" if len(snippet) > 60 else "")
        click.echo(f"{row['id']:>5} {row['transcript']:<22} {row['start']:>6}-{row['end']:<6} {row['code_id']:<34} "
                   f"{row['coder']:<8} {row['assessment'] or '':<11} {snippet}")
    click.echo(f"{len(rows)} codings")


@main.group()
def users() -> None:
    """Manage login accounts."""


@users.command("add")
@click.argument("study", type=click.Path(dir_okay=False))
@click.option("--username", required=True)
@click.option("--role", type=click.Choice(["admin", "coder", "reviewer"]), required=True)
@click.option("--display-name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@friendly
def users_add(study: str, username: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Add a user (a password is generated and printed once unless --password-stdin)."""
    from workbench.store.passwords import generate_password

    password = sys.stdin.readline().rstrip("\n") if password_stdin else generate_password()
    with Study.open(study) as s:
        s.add_user(username=username, role=role, password=password, display_name=display_name)
    click.echo(f"added {username} ({role})" + ("" if password_stdin else f"; password: {password}"))


@users.command("reset-password")
@click.argument("study", type=click.Path(dir_okay=False))
@click.option("--username", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@friendly
def users_reset(study: str, username: str, password_stdin: bool) -> None:
    """Set a new password (generated and printed once unless --password-stdin)."""
    from workbench.store.passwords import generate_password

    password = sys.stdin.readline().rstrip("\n") if password_stdin else generate_password()
    with Study.open(study) as s:
        s.set_password(username=username, password=password)
    click.echo(f"password of {username} reset" + ("" if password_stdin else f"; new password: {password}"))


@users.command("list")
@click.argument("study", type=click.Path(dir_okay=False))
@friendly
def users_list(study: str) -> None:
    """List users and roles."""
    with Study.open(study) as s:
        for user in s.users():
            click.echo(f"{user.username:<16} {user.role:<9} {user.display_name}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@friendly
def demo(path: str) -> None:
    """Build the fictional demo study at PATH and print its generated passwords once."""
    from workbench.demo import build_demo

    click.echo("building the demo study (fictional composite interviews)…", err=True)
    result = build_demo(path)
    click.echo(f"created {path}: {result.imported} transcripts, {result.codings} reference codings")
    click.echo("Generated passwords (shown only now; reset with `workbench users reset-password`):")
    for username, password in result.passwords.items():
        click.echo(f"  {username:<9} {password}")


@main.command()
@click.argument("study", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@friendly
def info(study: str, as_json: bool) -> None:
    """Figures of a study."""
    with Study.open(study) as s:
        counts = s.counts()
        counts["title"] = s.meta("title")
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False))
    else:
        for key, value in counts.items():
            click.echo(f"{key:<13} {value}")


@main.command()
@click.argument("study", type=click.Path(dir_okay=False))
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--address", default="127.0.0.1", show_default=True,
              help="Bind address; keep the default unless you know the network is private.")
@friendly
def serve(study: str, port: int, address: str) -> None:
    """Start the web app on this study (localhost only, no usage statistics)."""
    Study.open(study).close()  # fail here, with a message, if the file is not a study
    env = {**os.environ, "WORKBENCH_STUDY": str(Path(study).resolve())}
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", address,
               "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    click.echo(f"serving {study} on http://{address}:{port}", err=True)
    sys.exit(subprocess.call(command, env=env, cwd=APP.parent))  # cwd: .streamlit/config.toml

from workbench.cli_report import register as _register_report; _register_report(main)  # noqa: E402,E702
from workbench.cli_suggest import register as _register_suggest; _register_suggest(main)  # noqa: E402,E702


if __name__ == "__main__":
    main()
