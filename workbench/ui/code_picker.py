"""The code picker component (custom component v2): what it shows, and how its actions reach the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.services.code_search import CodeMatch
from workbench.ui.components import static_component

_component = static_component("workbench_code_picker", root="wb-picker", css=("code_picker.css",), js="code_picker.js")


def picker_codes(codes: list[dict[str, Any]], colours: dict[str, str], *, lang: str) -> dict[str, dict[str, Any]]:
    """Each code as the picker names it: in the chosen language first, the other beside it, with its theme."""
    names = {c["id"]: c for c in codes}

    def name(code: dict[str, Any], first: str) -> str:
        return (code["name_zh"] or code["name_en"]) if first == "zh" else code["name_en"]

    out = {}
    for code in codes:
        theme = names.get(code["parent_id"] or "")
        out[code["id"]] = {"name": name(code, lang), "other": name(code, "en" if lang == "zh" else "zh"),
                           "theme": name(theme, lang) if theme else "", "colour": colours.get(code["id"]),
                           "is_theme": not code["parent_id"]}
        if out[code["id"]]["other"] == out[code["id"]]["name"]:
            out[code["id"]]["other"] = ""
    return out


def picker_data(*, codes: dict[str, dict[str, Any]], query: str, found: list[CodeMatch], recent: list[str],
                has_selection: bool, selection_nonce: Any, done: Any, failed: Any) -> dict[str, Any]:
    """What the component draws: the codes, the ranked list for `query`, recent codes and the state of the last action."""
    return {"codes": codes, "query": query, "results": {"query": query, "items": [[m.code_id, m.why] for m in found]},
            "recent": [c for c in recent if c in codes][:6], "has_selection": has_selection,
            "selection_nonce": selection_nonce, "done": done, "failed": failed}


def code_picker(data: dict[str, Any], *, key: str, on_query: Callable[[], None], on_action: Callable[[], None]) -> Any:
    """Mount the picker; the typed query and the apply actions arrive through the callbacks."""
    return _component(key=key, data=data, on_query_change=on_query, on_action_change=on_action)
