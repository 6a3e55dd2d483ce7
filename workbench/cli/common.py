"""What every command family shares: domain errors as one line, one JSON style, the STUDY argument."""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from workbench.errors import WorkbenchError

F = TypeVar("F", bound=Callable[..., Any])

# Characters a terminal acts on rather than prints: C0 and C1 controls (ESC starts ANSI and OSC sequences, CSI
# is U+009B), DEL, line and paragraph separators, and the bidirectional overrides that reorder what is shown.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_KEEP_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(value: object) -> str:
    """A name (a file, a pseudonym) as one printable line: controls and newlines escaped (\\x1b, \\x0a)."""
    return _CONTROLS.sub(_escaped, str(value))


def terminal_safe(text: str) -> str:
    """Text for the terminal: line breaks and tabs kept, every other control escaped."""
    return _KEEP_LINES.sub(_escaped, text)


def echo(text: str, *, err: bool = False) -> None:
    """Print a line that may carry data (names, snippets): nothing in it can drive the terminal."""
    click.echo(terminal_safe(text), err=err)


# The study file every command but `suggest`, `eval-suggest` and `codebook validate` takes first.
study_argument = click.argument("study", type=click.Path(dir_okay=False))


def friendly(func: F) -> F:
    """Turn domain errors into a message and exit status 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except WorkbenchError as err:
            echo(f"error: {err}", err=True)
            sys.exit(1)
        except sqlite3.DatabaseError as err:
            echo(f"error: the study file cannot be used: {err}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def print_json(value: Any, *, line: bool = False) -> None:
    """Print a value as JSON (UTF-8 text as is): indented, or on one line for a JSON-lines record."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=None if line else 2, default=str))
