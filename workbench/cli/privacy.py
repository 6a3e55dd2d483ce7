"""`workbench pii check`, `workbench names …`, `workbench reading …`: the PII gate and trauma-informed reading."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.common import friendly, print_json, study_argument
from workbench.store.study import SYSTEM_USER, Study


@click.group()
def pii() -> None:
    """Likely identifying data in transcript files (what the import gate holds)."""


@pii.command("check")
@study_argument
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object: file → [{line, kind}].")
@friendly
def pii_check(study: str, files: tuple[str, ...], as_json: bool) -> None:
    """List each file's findings by line and kind (never the value); exit status 3 when anything is found."""
    from workbench.services.pii_gate import gate_for
    from workbench.text.pii import KINDS
    from workbench.text.readers import file_bytes, read_bytes

    with Study.open(study) as s:
        gate = gate_for(s)
    report = {}
    for name in files:
        path = Path(name)
        findings = gate.findings(read_bytes(path.name, file_bytes(path)))
        report[path.name] = [{"line": f.line, "kind": f.kind} for f in findings]
    if as_json:
        print_json(report)
    else:
        for name, found in report.items():
            click.echo(f"{'clean' if not found else 'FOUND'}   {name}: {len(found)} likely identifying item(s)")
            for item in found:
                click.echo(f"        {name} line {item['line']}: {KINDS[item['kind']].en}")
    if any(report.values()):
        sys.exit(3)


@click.group()
def names() -> None:
    """The study's names list: real names replaced by pseudonyms at import (real names: admins only)."""


@names.command("add")
@study_argument
@click.option("--pseudonym", required=True, help="The pseudonym that replaces the name.")
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True)
@friendly
def names_add(study: str, pseudonym: str, as_user: str) -> None:
    """Add a real name (typed at the prompt, so it stays out of the shell history) and its pseudonym."""
    from workbench.services.pii_gate import add_names

    real = click.prompt("Real name", hide_input=True)
    with Study.open(study) as s:
        add_names(s, [(real, pseudonym)], by=as_user)
    click.echo(f"added a name for {pseudonym}")


@names.command("import")
@study_argument
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True)
@friendly
def names_import(study: str, csv_file: str, as_user: str) -> None:
    """Add the rows of a CSV file with columns real_name, pseudonym."""
    from workbench.services.pii_gate import add_names, read_names_csv

    with Study.open(study) as s:
        count = add_names(s, read_names_csv(csv_file), by=as_user)
    click.echo(f"added or updated {count} name(s)")


@names.command("list")
@study_argument
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True)
@friendly
def names_list(study: str, as_user: str) -> None:
    """Print the names list (id, pseudonym, real name)."""
    from workbench.services.pii_gate import list_names

    with Study.open(study) as s:
        for row in list_names(s, by=as_user):
            click.echo(f"{row['id']:>4}  {row['pseudonym']:<20} {row['real_name']}")


@names.command("remove")
@study_argument
@click.argument("entry", type=int)
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True)
@friendly
def names_remove(study: str, entry: int, as_user: str) -> None:
    """Remove one entry (its id from `names list`)."""
    from workbench.services.pii_gate import remove_name

    with Study.open(study) as s:
        remove_name(s, entry, by=as_user)
    click.echo(f"removed entry {entry}")


@click.group()
def reading() -> None:
    """Trauma-informed reading: passages coded under these codes are collapsed behind a content note."""


@reading.command("codes")
@study_argument
@click.option("--set", "codes", multiple=True, metavar="CODE", help="Replace the list (repeat; a theme covers its codes).")
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True)
@friendly
def reading_codes(study: str, codes: tuple[str, ...], as_user: str) -> None:
    """Show (or with --set, replace) the codes whose passages are collapsed."""
    from workbench.services.reading import sensitive_codes, set_sensitive_codes

    with Study.open(study) as s:
        chosen = set_sensitive_codes(s, codes, by=as_user) if codes else sensitive_codes(s)
    click.echo("\n".join(chosen) or "(none: nothing is collapsed)")


@reading.command("user")
@study_argument
@click.argument("username")
@click.option("--on/--off", "enabled", default=None, help="Collapse sensitive passages for this user, or not.")
@click.option("--default", "back", is_flag=True, help="Back to the role's default (on for reviewers).")
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True)
@friendly
def reading_user(study: str, username: str, enabled: bool | None, back: bool, as_user: str) -> None:
    """Show or set a user's trauma-informed reading setting."""
    from workbench.services.reading import set_trauma_informed, trauma_informed

    with Study.open(study) as s:
        if enabled is not None or back:
            set_trauma_informed(s, user=username, enabled=None if back else enabled, by=as_user)
        state = "on" if trauma_informed(s, username) else "off"
    click.echo(f"{username}: trauma-informed reading {state}")


COMMANDS = (pii, names, reading)
