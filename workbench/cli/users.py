"""`workbench users add | reset-password | list | set-role | disable | enable | unlock`: login accounts."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from workbench.cli.common import echo, friendly, study_argument
from workbench.store import accounts
from workbench.store.study import SYSTEM_USER, Study
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
        accounts.reset_password(s, username, password, by=SYSTEM_USER)
    click.echo(f"password of {username} reset, any lockout lifted"
               + ("" if password_stdin else f"; new password: {password}"))


@users.command("list")
@study_argument
@friendly
def users_list(study: str) -> None:
    """List accounts, roles, last login, and which are disabled or locked out."""
    with Study.open(study) as s:
        for row in accounts.list_accounts(s):
            state = "" if row["active"] else "  DISABLED"
            state += f"  locked until {row['locked_until']}" if row["locked_until"] else ""
            echo(f"{row['username']:<16} {row['role']:<9} {row['display_name']}  "
                 f"(last login {row['last_login_at'] or 'never'}){state}")


@users.command("set-role")
@study_argument
@click.option("--username", required=True)
@click.option("--role", type=click.Choice(ROLES.values), required=True)
@friendly
def users_set_role(study: str, username: str, role: str) -> None:
    """Change an account's role (it counts at once, also for a logged-in session)."""
    _change(study, lambda s: accounts.set_role(s, username, role, by=SYSTEM_USER), f"{username} is now {role}")


@users.command("disable")
@study_argument
@click.option("--username", required=True)
@friendly
def users_disable(study: str, username: str) -> None:
    """Disable an account: no more logins or writes; what it wrote stays."""
    _change(study, lambda s: accounts.set_active(s, username, False, by=SYSTEM_USER), f"{username} disabled")


@users.command("enable")
@study_argument
@click.option("--username", required=True)
@friendly
def users_enable(study: str, username: str) -> None:
    """Enable a disabled account again."""
    _change(study, lambda s: accounts.set_active(s, username, True, by=SYSTEM_USER), f"{username} enabled")


@users.command("unlock")
@study_argument
@click.option("--username", required=True)
@friendly
def users_unlock(study: str, username: str) -> None:
    """Lift a lockout after too many failed logins."""
    _change(study, lambda s: accounts.unlock(s, username, by=SYSTEM_USER), f"{username} unlocked")


def _change(study: str, change: Callable[[Study], object], message: str) -> None:
    """One account change by the command line's custodian (the system account, with the OS user audited)."""
    with Study.open(study) as s:
        change(s)
    click.echo(message)


COMMANDS = (users,)
