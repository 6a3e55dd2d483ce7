"""The built wheel is the whole app: installed in a fresh environment outside the checkout, `workbench demo`
and `workbench serve` work (the app frame, the pages, the codebooks and the demo transcripts ship inside it).

The slow test builds the wheel from a copy of the checkout, installs it into a new virtual environment
(pip's cache makes the dependencies quick) and runs the commands from a directory outside the checkout.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
TOP_LEVEL_JUNK = {".git", ".venv", "build", "data", "docs", "bench", "tests", "test-artifacts", ".pytest_cache",
                  ".hypothesis"}


def _not_source(folder: str, names: list[str]) -> set[str]:
    """What the copy of the checkout leaves out: environments, build output, caches, studies."""
    junk = {n for n in names if n == "__pycache__" or n.endswith((".egg-info", ".db", ".db-wal", ".db-shm"))}
    return junk | (TOP_LEVEL_JUNK & set(names) if Path(folder) == REPO else set())

# Logs in through the real frame with AppTest inside the installed environment: the page scripts resolve
# from the installed package and the study opens.
APP_CHECK = """
import sys
from importlib.resources import files
from streamlit.testing.v1 import AppTest

at = AppTest.from_file(str(files("workbench.ui") / "app.py"), default_timeout=120)
at.run()
[username] = [w for w in at.text_input if w.label == "Username"]
[password] = [w for w in at.text_input if w.label == "Password"]
username.input("admin")
password.input(sys.argv[1])
[button] = [b for b in at.button if b.label == "Log in"]
button.click()
at.run()
assert not at.exception, at.exception
print("\\n".join(c.value for c in at.caption))
"""


def _source_packages() -> set[str]:
    """Every package under workbench/ (a folder with Python files or package data), dotted."""
    found = set()
    for folder in [REPO / "workbench", *(REPO / "workbench").rglob("*")]:
        if folder.is_dir() and folder.name != "__pycache__" and any(f.is_file() for f in folder.iterdir()):
            found.add(".".join(folder.relative_to(REPO).parts))
    return found


def test_every_package_under_workbench_is_listed_in_pyproject():
    listed = set(SETUPTOOLS["packages"])
    assert _source_packages() <= listed, f"add to [tool.setuptools] packages: {_source_packages() - listed}"
    for package, folder in SETUPTOOLS["package-dir"].items():
        assert package in listed and (REPO / folder / "__init__.py").is_file(), package


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(*args: str | Path, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            env=env)
    assert result.returncode == 0, f"{' '.join(map(str, args))}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _get(url: str, *, timeout: float = 5) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the checkout (so the build leaves nothing behind in it)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=_not_source)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", source, "-w", root / "dist", cwd=root,
         timeout=180)
    [built] = (root / "dist").glob("workbench-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_the_app_codebooks_and_transcripts(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "workbench/ui/app.py" in names
    assert "workbench/ui/pages/coding.py" in names
    for folder in ("codebooks", "transcripts"):
        for file in (REPO / folder).rglob("*"):
            if file.is_file() and "__pycache__" not in file.parts:
                assert f"workbench/bundled/{folder}/{file.relative_to(REPO / folder)}" in names, file
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert b"License-Expression: MIT" in metadata


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_installed_wheel_runs_demo_and_serve_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path, timeout=120)
    bin_ = venv / "bin"
    _run(bin_ / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel, cwd=tmp_path,
         timeout=420)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "WORKBENCH_STUDY")}
    env["PATH"] = f"{bin_}{os.pathsep}{env.get('PATH', '')}"

    # Nothing is found through the checkout: the package comes from the new environment.
    where = _run(bin_ / "python", "-c", "import workbench, workbench.bundled as b; print(workbench.__file__); "
                 "print(b.folder('codebooks')); print(b.folder('transcripts'))", cwd=elsewhere, timeout=60, env=env)
    for line in where.split():
        assert line.startswith(str(venv)) and not line.startswith(str(REPO)), where

    out = _run(bin_ / "workbench", "demo", "x.db", cwd=elsewhere, timeout=300, env=env)
    assert "created x.db: 9 transcripts" in out, out
    admin_password = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("admin "))

    captions = _run(bin_ / "python", "-c", APP_CHECK, admin_password, cwd=elsewhere, timeout=240,
                    env={**env, "WORKBENCH_STUDY": str(elsewhere / "x.db")})
    assert "Signed in as" in captions and "x\\.db" in captions, captions  # the file name as escaped Markdown

    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen([str(bin_ / "workbench"), "serve", "x.db", "--port", str(port)], cwd=elsewhere,
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, f"serve exited {server.returncode}:\n{(tmp_path / 'serve.log').read_text()}"
            try:
                if _get(f"http://127.0.0.1:{port}/_stcore/health") == (200, "ok"):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not answer /_stcore/health within 90 s"
            time.sleep(0.5)
        status, page = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and '<div id="root">' in page, page[:500]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()
