"""Files that hold survivor data (studies, their WAL/SHM files, exports, backups) are the owner's alone (0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE = 0o600
# SQLite gives a database's -wal and -shm files the database's own permissions; these are its companions.
COMPANIONS = ("-wal", "-shm", "-journal")


def create_private(path: str | Path) -> None:
    """Create an empty file readable and writable by its owner only (nothing happens if it exists)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE)
    except FileExistsError:
        return
    os.close(fd)


def make_private(path: str | Path) -> None:
    """Narrow a file this user owns (and a study's companion files) to 0600; others' files are left alone."""
    for candidate in (Path(path), *(Path(f"{path}{suffix}") for suffix in COMPANIONS)):
        try:
            info = candidate.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and info.st_mode & 0o077:
            candidate.chmod(PRIVATE)


def write_private(path: str | Path, data: bytes) -> None:
    """Write bytes to a new or replaced file that only its owner can read (exports, reports)."""
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, PRIVATE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    make_private(path)


def is_private(path: str | Path) -> bool:
    """Whether no one but the owner may read or write the file."""
    return not Path(path).stat().st_mode & 0o077
