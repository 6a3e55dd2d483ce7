"""`workbench users set-role | disable | enable | unlock | reset-password | list` (issue 13 finding 9)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.helpers import PASSWORD
from workbench.cli import main
from workbench.errors import AuthError
from workbench.store.accounts import MAX_FAILURES, login
from workbench.store.study import Study, os_user


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_account_commands_change_roles_access_and_lockouts_and_are_audited(study):
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthError):
            login(study, "coder1", "wrong")
    study.close()
    assert "locked until" in run("users", "list", study.path).output
    assert run("users", "unlock", study.path, "--username", "coder1").exit_code == 0
    assert run("users", "set-role", study.path, "--username", "coder1", "--role", "reviewer").exit_code == 0
    assert run("users", "disable", study.path, "--username", "rev1").exit_code == 0
    listed = run("users", "list", study.path).output
    assert "coder1" in listed and "reviewer" in listed and "DISABLED" in listed and "locked until" not in listed
    refused = run("users", "set-role", study.path, "--username", "admin1", "--role", "coder")
    assert refused.exit_code == 1 and "last active admin" in refused.output
    with Study.open(study.path) as reopened:
        assert login(reopened, "coder1", PASSWORD).role == "reviewer"
        details = [json.loads(d) for (d,) in reopened.db.execute(
            "SELECT detail FROM audit_log WHERE action IN ('unlock', 'update', 'disable')")]
    assert details and all(d["via"] == "cli" and d["os_user"] == os_user() for d in details)
    assert run("users", "enable", study.path, "--username", "rev1").exit_code == 0
