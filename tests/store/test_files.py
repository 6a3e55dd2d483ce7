"""workbench.store.files (issue 13 finding 10): study files, their WAL/SHM files, exports and backups are 0600."""

from __future__ import annotations

import os
import stat

from tests.helpers import import_text
from workbench.store.files import is_private, make_private, write_private
from workbench.store.study import Study


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_finding10_a_new_study_and_its_wal_and_shm_files_are_owner_only(tmp_path):
    old = os.umask(0o022)  # the usual umask, which made them 0644 before
    try:
        path = tmp_path / "new.db"
        with Study.open(path, create=True) as study:
            study.add_user(username="mei", role="coder", password="long enough")
            import_text(study, "Interviewer: Hello?\nMei: Hello.\n", by="mei", participant=None)
            companions = [p for p in (tmp_path / "new.db-wal", tmp_path / "new.db-shm") if p.exists()]
            assert companions, "WAL mode should have made a -wal and a -shm file"
            assert {_mode(p) for p in [path, *companions]} == {0o600}
    finally:
        os.umask(old)


def test_finding10_an_older_study_made_0644_is_narrowed_when_opened(tmp_path):
    path = tmp_path / "old.db"
    Study.open(path, create=True).close()
    path.chmod(0o644)
    Study.open(path).close()
    assert _mode(path) == 0o600


def test_finding10_write_private_makes_owner_only_files_even_when_replacing(tmp_path):
    target = tmp_path / "export.csv"
    target.write_text("old")
    target.chmod(0o644)
    write_private(target, b"new")
    assert target.read_bytes() == b"new" and _mode(target) == 0o600 and is_private(target)


def test_make_private_leaves_symlinks_and_missing_files_alone(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("x")
    real.chmod(0o644)
    link = tmp_path / "link.db"
    link.symlink_to(real)
    make_private(link)
    make_private(tmp_path / "missing.db")
    assert _mode(real) == 0o644
