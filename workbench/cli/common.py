"""What every command family shares: domain errors as one line, one JSON style, the STUDY argument."""

from __future__ import annotations

import functools
import json
import sqlite3
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from workbench.errors import WorkbenchError

F = TypeVar("F", bound=Callable[..., Any])

# The study file every command but `suggest`, `eval-suggest` and `codebook validate` takes first.
study_argument = click.argument("study", type=click.Path(dir_okay=False))


def friendly(func: F) -> F:
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

    return wrapper  # type: ignore[return-value]


def print_json(value: Any, *, line: bool = False) -> None:
    """Print a value as JSON (UTF-8 text as is): indented, or on one line for a JSON-lines record."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=None if line else 2, default=str))
