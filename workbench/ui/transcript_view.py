"""The transcript view component (custom component v2) and the plain functions behind it."""

from __future__ import annotations

from importlib import resources
from typing import Any

import streamlit as st

_STATIC = resources.files("workbench.ui") / "static"
_component = st.components.v2.component(
    "workbench_transcript_view",
    html='<div class="wb-root"></div>',
    css=(_STATIC / "transcript_view.css").read_text(encoding="utf-8"),
    js=(_STATIC / "transcript_view.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def _clock(ms: int | None) -> str | None:
    if ms is None:
        return None
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def view_data(text: str, turns: list[dict[str, Any]], codings: list[dict[str, Any]], *,
              suggestions: list[dict[str, Any]] | None = None, selection: dict[str, Any] | None = None,
              focus: dict[str, int] | None = None, lang: str = "en") -> dict[str, Any]:
    """What the component renders: the page's turns, and the highlights that touch them."""
    if turns:
        low, high = turns[0]["start"], turns[-1]["end"]
    else:
        low = high = 0
    label = (lambda c: c["name_zh"] or c["name_en"]) if lang == "zh" else (lambda c: c["name_en"])
    return {
        "turns": [{"seq": t["seq"], "start": t["start"], "end": t["end"], "text": text[t["start"]:t["end"]],
                   "speaker": t["speaker"], "interviewer": bool(t["is_interviewer"]), "lang": t["language"],
                   "time": _clock(t.get("t_start_ms"))} for t in turns],
        "codings": [{"id": c["id"], "start": c["start"], "end": c["end"], "color": c["color"] or "#888888",
                     "title": f"{label(c)} · {c['coder']}" + (f" · {c['assessment']}" if c["assessment"] else "")}
                    for c in codings if c["end"] > low and c["start"] < high],
        "suggestions": [{"id": s["id"], "start": s["start"], "end": s["end"], "color": s.get("color") or "#888888",
                         "title": f"suggested: {s['code_id']} ({s['score']:.2f})"}
                        for s in (suggestions or []) if s["end"] > low and s["start"] < high],
        "selection": selection,
        "focus": focus if focus and focus["end"] > low and focus["start"] < high else None,
    }


def transcript_view(data: dict[str, Any], *, key: str, on_selection, on_clicked) -> Any:
    """Mount the component; selections and clicks arrive through the callbacks."""
    return _component(key=key, data=data, on_selection_change=on_selection, on_clicked_change=on_clicked)
