"""The codebook and framework file formats (YAML): loading and validating, with line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workbench.errors import InputError

CODEBOOK_FORMAT = "workbench-codebook/1"
FRAMEWORK_FORMAT = "workbench-framework/1"
ASSESSMENTS = ("facilitator", "barrier", "neutral")

_CODEBOOK_KEYS = {"format", "id", "title", "version", "framework", "description", "codes"}
_CODE_KEYS = {"id", "parent", "name", "definition", "include", "exclude", "examples", "measures",
              "color", "keywords"}
_FRAMEWORK_KEYS = {"format", "id", "title", "published", "source", "description", "pillars", "measures"}
_MEASURE_KEYS = {"id", "pillar", "kind", "title", "description", "source"}
_LINE = "__line__"
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
COLOR_HINT = "a colour is '#' and six hex digits, e.g. '#a1b2c3'"


def checked_color(value: object) -> str | None:
    """The colour as '#rrggbb' ('#abc' widened), or None if it is anything else: the one colour rule."""
    if not isinstance(value, str) or not _COLOR.fullmatch(value):
        return None
    return value if len(value) == 7 else "#" + "".join(ch * 2 for ch in value[1:])


class CodebookError(InputError):
    """A codebook or framework file has problems; `problems` lists each with its line."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems), source=source)


@dataclass
class Code:
    """A code (a theme is a code without a parent)."""

    id: str
    name_en: str
    name_zh: str = ""
    parent: str | None = None
    definition_en: str = ""
    definition_zh: str = ""
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    color: str = "#888888"
    keywords: dict[str, list[Any]] = field(default_factory=dict)
    line: int = 0


@dataclass
class Codebook:
    """A loaded, validated codebook."""

    id: str
    title_en: str
    title_zh: str
    version: str
    framework: str | None
    codes: list[Code]
    source: str = ""

    def code(self, code_id: str) -> Code:
        """The code with this id."""
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(code_id)


@dataclass
class Measure:
    """One measure of a policy framework."""

    id: str
    pillar: str
    title_en: str
    title_zh: str = ""
    kind: str = ""
    description_en: str = ""
    description_zh: str = ""
    source: str = ""


@dataclass
class Framework:
    """A policy framework (the Action Plan by default) to chart themes against."""

    id: str
    title_en: str
    title_zh: str
    published: str
    source: str
    pillars: list[dict[str, Any]]
    measures: list[Measure]


class _LineLoader(yaml.SafeLoader):
    """Safe YAML loader that remembers the line of every mapping."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise InputError("no such file", source=str(path)) from err
    except UnicodeDecodeError as err:
        raise InputError("the file is not UTF-8 text", source=str(path)) from err
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(err, 'problem', err)}", source=path.name,
                         line=mark.line + 1 if mark else None) from err
    if not isinstance(data, dict):
        raise InputError("expected a YAML mapping at the top", source=path.name)
    return data


def _bilingual(value: Any, where: str, problems: list[str], *, required: bool) -> tuple[str, str]:
    if value is None:
        if required:
            problems.append(f"{where}: missing")
        return "", ""
    if isinstance(value, str):
        return value, ""
    if isinstance(value, dict):
        unknown = set(value) - {"en", "zh", _LINE}
        if unknown:
            problems.append(f"{where}: unknown language key(s) {sorted(unknown)} (use en, zh)")
        if required and not value.get("en"):
            problems.append(f"{where}: the English text (en) is required")
        return str(value.get("en") or ""), str(value.get("zh") or "")
    problems.append(f"{where}: expected text or {{en: ..., zh: ...}}")
    return "", ""


def _string_list(value: Any, where: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: expected a list of texts")
        return []
    return list(value)


def _keywords(value: Any, where: str, problems: list[str]) -> dict[str, list[Any]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where}: expected {{en: [...], zh: [...]}}")
        return {}
    result: dict[str, list[Any]] = {}
    for lang, patterns in value.items():
        if lang == _LINE:
            continue
        if lang not in ("en", "zh"):
            problems.append(f"{where}: unknown language {lang!r} (use en, zh)")
            continue
        if patterns is not None and not isinstance(patterns, list):  # a bare text would be read letter by letter
            problems.append(f"{where}.{lang}: expected a list of patterns, e.g. [{patterns!r}]")
            continue
        cleaned: list[Any] = []
        seen: set[str] = set()
        for item in patterns or []:
            text, weight = (item, 1.0) if isinstance(item, str) else (
                (item.get("text"), item.get("weight", 1.0)) if isinstance(item, dict) else (None, None))
            if not isinstance(text, str) or not text.strip() or not isinstance(weight, (int, float)):
                problems.append(f"{where}.{lang}: each pattern is a text or {{text: ..., weight: 0..1}}")
                continue
            if text.strip().lower() in seen:
                problems.append(f"{where}.{lang}: duplicate pattern {text!r}")
                continue
            seen.add(text.strip().lower())
            cleaned.append(text.strip() if weight == 1.0 else {"text": text.strip(), "weight": float(weight)})
        result[lang] = cleaned
    return result


def load_codebook(path: str | Path) -> Codebook:
    """Load and validate a codebook file; CodebookError lists every problem with its line."""
    path = Path(path)
    data = _read_yaml(path)
    problems: list[str] = []
    line = data.get(_LINE, 1)
    _check_keys(data, _CODEBOOK_KEYS, f"line {line}", problems)
    if data.get("format") != CODEBOOK_FORMAT:
        problems.append(f"line {line}: format must be {CODEBOOK_FORMAT!r}")
    title_en, title_zh = _bilingual(data.get("title"), f"line {line}: title", problems, required=True)
    codes: list[Code] = []
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        problems.append(f"line {line}: 'codes' must be a non-empty list")
        raw_codes = []
    seen: dict[str, int] = {}
    for raw in raw_codes:
        if not isinstance(raw, dict):
            problems.append(f"line {line}: every entry of 'codes' must be a mapping")
            continue
        code = _parse_code(raw, problems)
        if code.id in seen:
            problems.append(f"line {code.line}: duplicate code id {code.id!r} (first at line {seen[code.id]})")
            continue
        seen[code.id] = code.line
        codes.append(code)
    for code in codes:
        if code.parent and code.parent not in seen:
            problems.append(f"line {code.line}: code {code.id!r} has unknown parent {code.parent!r}")
    _check_cycles(codes, problems)
    if problems:
        raise CodebookError(path.name, problems)
    return Codebook(id=str(data["id"]), title_en=title_en, title_zh=title_zh, version=str(data.get("version", "1")),
                    framework=data.get("framework"), codes=codes, source=str(path))


def _parse_code(raw: dict[str, Any], problems: list[str]) -> Code:
    line = raw.get(_LINE, 0)
    where = f"line {line}"
    _check_keys(raw, _CODE_KEYS, where, problems)
    code_id = raw.get("id")
    if not isinstance(code_id, str) or not code_id.strip() or any(c.isspace() for c in code_id):
        problems.append(f"{where}: code id must be a text without spaces")
        code_id = f"<invalid@{line}>"
    name_en, name_zh = _bilingual(raw.get("name"), f"{where}: name of {code_id}", problems, required=True)
    definition_en, definition_zh = _bilingual(raw.get("definition"), f"{where}: definition", problems, required=False)
    measures = _string_list(raw.get("measures"), f"{where}: measures", problems)
    color = checked_color(raw.get("color") or "#888888")
    if color is None:
        problems.append(f"{where}: color must look like '#a1b2c3'")
    return Code(id=code_id, parent=raw.get("parent"), name_en=name_en, name_zh=name_zh,
                definition_en=definition_en, definition_zh=definition_zh,
                include=_string_list(raw.get("include"), f"{where}: include", problems),
                exclude=_string_list(raw.get("exclude"), f"{where}: exclude", problems),
                examples=_string_list(raw.get("examples"), f"{where}: examples", problems),
                measures=measures, color=color or "#888888",
                keywords=_keywords(raw.get("keywords"), f"{where}: keywords", problems), line=line)


def _check_keys(raw: dict[str, Any], allowed: set[str], where: str, problems: list[str]) -> None:
    unknown = sorted(k for k in raw if k != _LINE and k not in allowed)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(map(str, unknown))} (allowed: {', '.join(sorted(allowed))})")


def _check_cycles(codes: list[Code], problems: list[str]) -> None:
    parents = {c.id: c.parent for c in codes}
    for code in codes:
        seen = {code.id}
        parent = code.parent
        while parent:
            if parent in seen:
                problems.append(f"line {code.line}: code {code.id!r} is its own ancestor")
                break
            seen.add(parent)
            parent = parents.get(parent)


def load_framework(path: str | Path) -> Framework:
    """Load and validate a measures catalogue (framework) file."""
    path = Path(path)
    data = _read_yaml(path)
    problems: list[str] = []
    line = data.get(_LINE, 1)
    _check_keys(data, _FRAMEWORK_KEYS, f"line {line}", problems)
    if data.get("format") != FRAMEWORK_FORMAT:
        problems.append(f"line {line}: format must be {FRAMEWORK_FORMAT!r}")
    title_en, title_zh = _bilingual(data.get("title"), f"line {line}: title", problems, required=True)
    pillars = data.get("pillars") or []
    pillar_ids = {p.get("id") for p in pillars if isinstance(p, dict)}
    measures: list[Measure] = []
    seen: dict[str, int] = {}
    for raw in data.get("measures") or []:
        if not isinstance(raw, dict):
            problems.append(f"line {line}: every measure must be a mapping")
            continue
        mline = raw.get(_LINE, 0)
        _check_keys(raw, _MEASURE_KEYS, f"line {mline}", problems)
        mid = raw.get("id")
        if not isinstance(mid, str) or not mid:
            problems.append(f"line {mline}: measure id missing")
            continue
        if mid in seen:
            problems.append(f"line {mline}: duplicate measure id {mid!r} (first at line {seen[mid]})")
            continue
        seen[mid] = mline
        if pillar_ids and raw.get("pillar") not in pillar_ids:
            problems.append(f"line {mline}: measure {mid!r} has unknown pillar {raw.get('pillar')!r}")
        t_en, t_zh = _bilingual(raw.get("title"), f"line {mline}: title of {mid}", problems, required=True)
        d_en, d_zh = _bilingual(raw.get("description"), f"line {mline}: description", problems, required=False)
        measures.append(Measure(id=mid, pillar=str(raw.get("pillar", "")), title_en=t_en, title_zh=t_zh,
                                kind=str(raw.get("kind", "")), description_en=d_en, description_zh=d_zh,
                                source=str(raw.get("source", ""))))
    if not measures:
        problems.append(f"line {line}: 'measures' must be a non-empty list")
    if problems:
        raise CodebookError(path.name, problems)
    clean_pillars = [{k: v for k, v in p.items() if k != _LINE} for p in pillars if isinstance(p, dict)]
    for pillar in clean_pillars:
        if isinstance(pillar.get("name"), dict):
            pillar["name"] = {k: v for k, v in pillar["name"].items() if k != _LINE}
    return Framework(id=str(data["id"]), title_en=title_en, title_zh=title_zh, published=str(data.get("published", "")),
                     source=str(data.get("source", "")), pillars=clean_pillars, measures=measures)


def check_measures(codebook: Codebook, framework: Framework) -> None:
    """Raise CodebookError if a code names a measure the framework does not have."""
    known = {m.id for m in framework.measures}
    problems = [f"line {c.line}: code {c.id!r} names unknown measure {m!r} (not in {framework.id})"
                for c in codebook.codes for m in c.measures if m not in known]
    if problems:
        raise CodebookError(Path(codebook.source).name or codebook.id, problems)


def framework_path_for(codebook: Codebook) -> Path | None:
    """The framework file a codebook names, looked up beside the codebook."""
    if not codebook.framework:
        return None
    return Path(codebook.source).parent / f"{codebook.framework}.yaml"


def load_with_framework(path: str | Path) -> tuple[Codebook, Framework | None]:
    """Load a codebook and the framework it names, checking its measure ids."""
    codebook = load_codebook(path)
    fpath = framework_path_for(codebook)
    if fpath is None:
        if any(c.measures for c in codebook.codes):
            raise CodebookError(Path(path).name, ["codes name measures but the codebook names no framework"])
        return codebook, None
    if not fpath.exists():
        raise InputError(f"the codebook names framework {codebook.framework!r} but {fpath} does not exist",
                         source=Path(path).name)
    framework = load_framework(fpath)
    check_measures(codebook, framework)
    return codebook, framework
