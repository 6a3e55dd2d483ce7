"""workbench.cli as a package: families attached one way, no import back into the package, one JSON style."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import click
from click.testing import CliRunner

import workbench.cli
from workbench.cli import FAMILIES, main
from workbench.cli.common import print_json

PACKAGE = Path(workbench.cli.__file__).parent
MODULES = sorted(p for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_every_family_module_is_attached_and_lists_its_commands():
    families = {module.__name__.rsplit(".", 1)[-1] for module in FAMILIES}
    assert families == {p.stem for p in MODULES} - {"common"}
    for module in FAMILIES:
        assert module.COMMANDS, module.__name__
        for command in module.COMMANDS:
            assert isinstance(command, click.Command)
            assert main.commands[command.name] is command


def test_families_import_only_common_from_the_package():
    for path in MODULES:
        inward = {name for name in _imports(path) if name == "workbench.cli" or name.startswith("workbench.cli.")}
        assert inward <= {"workbench.cli.common"} | {f"workbench.cli.common.{n}" for n in dir(workbench.cli.common)}, \
            f"{path.name} imports {inward}"


def test_no_family_prints_json_by_itself():
    for path in MODULES:
        if path.stem == "common":
            continue
        source = path.read_text(encoding="utf-8")
        assert "json.dumps" not in source, f"{path.name}: use common.print_json"


def test_print_json_indents_documents_and_keeps_records_on_one_line(capsys):
    print_json({"a": "護照", "n": [1]})
    print_json({"a": "護照"}, line=True)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "{" and '"a": "護照",' in out[1]
    assert out[-1] == '{"a": "護照"}'
    assert json.loads("\n".join(out[:-1])) == {"a": "護照", "n": [1]}


def test_python_dash_m_runs_the_same_group():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0 and "serve" in result.output
    assert (PACKAGE / "__main__.py").exists()
