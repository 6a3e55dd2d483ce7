"""Data shipped inside the package: the codebooks and the fictional demo transcripts.

The files stay in the repository's top-level codebooks/ and transcripts/ (the design card fixes that
layout); pyproject.toml maps those folders to the packages workbench.bundled.codebooks and
workbench.bundled.transcripts (setuptools package-dir), which is why each holds an empty __init__.py.
`folder()` finds them the same way from a checkout (editable install) and from an installed wheel.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

NAMES = ("codebooks", "transcripts")


def folder(name: str) -> Path:
    """The directory of a bundled data package on disk ('codebooks' or 'transcripts')."""
    if name not in NAMES:
        raise ValueError(f"no bundled folder {name!r}; there are {', '.join(NAMES)}")
    path = Path(str(files(f"{__name__}.{name}")))
    if not path.is_dir():  # a zipped install would land here; pip always installs wheels unpacked
        raise FileNotFoundError(f"the bundled {name} are not a folder on disk: {path}")
    return path
