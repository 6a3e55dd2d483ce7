"""`workbench backup`, `restore` and `check`: a study file kept safe (SQLite's online backup, integrity checks)."""

from __future__ import annotations

import sys

import click

from workbench.cli.common import echo, friendly, print_json, study_argument
from workbench.store.study import SYSTEM_USER, Study


@click.command()
@study_argument
@click.argument("destination", type=click.Path())
@click.option("--overwrite", is_flag=True, help="Replace an existing backup file.")
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True, help="Admin the backup is recorded under.")
@friendly
def backup(study: str, destination: str, overwrite: bool, as_user: str) -> None:
    """Copy STUDY to DESTINATION (a file or folder), safely while the app runs; the copy is owner-only."""
    from workbench.store.backup import backup as make_backup

    with Study.open(study) as s:
        target = make_backup(s, destination, by=as_user, overwrite=overwrite)
    echo(f"backed up {study} to {target}")


@click.command()
@click.argument("backup_file", type=click.Path(dir_okay=False))
@study_argument
@click.option("--overwrite", is_flag=True,
              help="Replace an existing STUDY (stop the app first; the old file is kept as STUDY.before-restore).")
@friendly
def restore(backup_file: str, study: str, overwrite: bool) -> None:
    """Check BACKUP_FILE and put it in place as STUDY."""
    from workbench.store.backup import restore as put_back

    target = put_back(backup_file, study, overwrite=overwrite)
    echo(f"restored {backup_file} as {target}")


@click.command()
@study_argument
@click.option("--json", "as_json", is_flag=True)
@friendly
def check(study: str, as_json: bool) -> None:
    """SQLite's integrity check, then every coding's quoted text against its offsets; exit 1 on a problem."""
    from workbench.store.backup import check as run_check
    from workbench.store.backup import describe

    report = run_check(study)
    if as_json:
        print_json({"ok": report.ok, "codings": report.codings, "integrity": report.integrity,
                    "foreign_keys": report.foreign_keys, "mismatched": report.mismatched,
                    "outdated": report.outdated})
    else:
        for line in describe(report):
            echo(line)
    if not report.ok:
        sys.exit(1)


COMMANDS = (backup, restore, check)
