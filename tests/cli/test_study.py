"""workbench.cli.study: `serve` finds the app inside the package and carries the Streamlit settings as flags."""

from __future__ import annotations

import tomllib
from pathlib import Path

from workbench.cli.study import STREAMLIT_OPTIONS, app_script, server_script, streamlit_flags

REPO = Path(__file__).resolve().parents[2]


def test_the_app_is_a_file_of_the_package():
    script = app_script()
    assert script.is_file() and script.name == "app.py"
    assert script.parent.name == "ui" and script.parent.parent.name == "workbench"


def test_serve_runs_the_frame_with_the_servers_routes_and_headers():
    from streamlit.web.server.app_discovery import discover_asgi_app

    script = server_script()
    assert script.parent.parent == app_script().parent
    assert not (script.parent / "pages").exists(), "a pages/ folder beside the main script takes over deep links"
    found = discover_asgi_app(script)  # what `streamlit run` looks for to serve an st.App
    assert found.is_asgi_app and found.import_string == "workbench_server:app"


def test_serve_options_are_the_checkouts_streamlit_config():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config == STREAMLIT_OPTIONS


def test_flags_carry_every_option_with_the_address_and_port_asked_for():
    flags = streamlit_flags(address="127.0.0.1", port=8777)
    pairs = dict(zip(flags[::2], flags[1::2]))
    assert pairs["--server.port"] == "8777"
    assert pairs["--server.address"] == "127.0.0.1"
    assert pairs["--browser.gatherUsageStats"] == "false"
    assert pairs["--server.headless"] == "true"
    assert pairs["--theme.primaryColor"] == "#8e44ad"
    assert len(pairs) == sum(len(v) for v in STREAMLIT_OPTIONS.values()) + 1  # + the port
