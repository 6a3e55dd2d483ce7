"""`workbench init`, `info`, `demo` and `serve`: a study file as a whole."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import click

from workbench.cli.common import friendly, print_json, study_argument
from workbench.errors import WorkbenchError
from workbench.store.study import Study

# Streamlit settings `serve` passes as flags, so they hold wherever the app is installed and whatever the
# working directory. The same as the checkout's .streamlit/config.toml (for a bare `streamlit run
# streamlit_app.py`); tests/cli/test_study.py keeps the two equal.
STREAMLIT_OPTIONS: dict[str, dict[str, object]] = {
    "server": {"address": "127.0.0.1", "headless": True, "runOnSave": False, "fileWatcherType": "none",
               "maxUploadSize": 50, "enableXsrfProtection": True, "enableAgentApi": False},
    "browser": {"gatherUsageStats": False, "serverAddress": "127.0.0.1"},
    "client": {"toolbarMode": "minimal", "showErrorDetails": "none"},
    "logger": {"level": "warning"},
    "theme": {"base": "light", "primaryColor": "#8e44ad"},
}


def app_script() -> Path:
    """The app's frame inside the installed package."""
    return Path(str(files("workbench.ui").joinpath("app.py")))


def server_script() -> Path:
    """What `streamlit run` is given: the frame served with the session-cookie routes and security headers."""
    return Path(str(files("workbench.ui.serving").joinpath("workbench_server.py")))


def streamlit_flags(*, address: str, port: int) -> list[str]:
    """`--section.option value` for every setting, with the bind address and port asked for."""
    options = {section: dict(values) for section, values in STREAMLIT_OPTIONS.items()}
    options["server"].update(address=address, port=port)
    options["browser"]["serverAddress"] = address
    flags = []
    for section, values in options.items():
        for name, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{name}", text]
    return flags


@click.command()
@study_argument
@friendly
def init(study: str) -> None:
    """Create an empty study file."""
    if Path(study).exists():
        raise WorkbenchError(f"{study} already exists")
    Study.open(study, create=True).close()
    click.echo(f"created {study}")


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@friendly
def demo(path: str) -> None:
    """Build the fictional demo study at PATH and print its generated passwords once."""
    from workbench.demo import build_demo

    click.echo("building the demo study (fictional composite interviews)…", err=True)
    result = build_demo(path)
    click.echo(f"created {path}: {result.imported} transcripts, {result.codings} reference codings")
    click.echo("Generated passwords (shown only now; reset with `workbench users reset-password`):")
    for username, password in result.passwords.items():
        click.echo(f"  {username:<9} {password}")


@click.command()
@study_argument
@click.option("--json", "as_json", is_flag=True)
@friendly
def info(study: str, as_json: bool) -> None:
    """Figures of a study."""
    with Study.open(study) as s:
        counts = s.counts()
        counts["title"] = s.meta("title")
    if as_json:
        print_json(counts)
    else:
        for key, value in counts.items():
            click.echo(f"{key:<13} {value}")


@click.command()
@study_argument
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--address", default="127.0.0.1", show_default=True,
              help="Bind address; keep the default unless you know the network is private.")
@friendly
def serve(study: str, port: int, address: str) -> None:
    """Start the web app on this study (localhost only, no usage statistics)."""
    Study.open(study).close()  # fail here, with a message, if the file is not a study
    env = {**os.environ, "WORKBENCH_STUDY": str(Path(study).resolve())}
    command = [sys.executable, "-m", "streamlit", "run", str(server_script()),
               *streamlit_flags(address=address, port=port)]
    click.echo(f"serving {study} on http://{address}:{port}", err=True)
    sys.exit(subprocess.call(command, env=env))


COMMANDS = (init, info, demo, serve)
