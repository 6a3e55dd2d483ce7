"""`workbench users add | reset-password | list`: login accounts."""

from __future__ import annotations

import sys

import click

from workbench.cli.common import echo, friendly, study_argument
from workbench.store.study import Study
from workbench.vocab import ROLES


@click.group()
def users() -> None:
    """Manage login accounts."""


@users.command("add")
@study_argument
@click.option("--username", required=True)
@click.option("--role", type=click.Choice(ROLES.values), required=True)
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
@study_argument
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
@study_argument
@friendly
def users_list(study: str) -> None:
    """List users and roles."""
    with Study.open(study) as s:
        for user in s.users():
            echo(f"{user.username:<16} {user.role:<9} {user.display_name}")


COMMANDS = (users,)
