"""The transcript view component (custom component v2) and the plain functions that prepare what it draws."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from workbench.services.code_colours import FALLBACK, text_colour
from workbench.ui.components import static_component

_component = static_component("workbench_transcript_view", root="wb-root", css=("transcript_view.css",),
                              js="transcript_view.js")
_legend = static_component("workbench_coding_legend", root="wb-legend", css=("transcript_view.css",), js="legend.js")


def _clock(ms: int | None) -> str | None:
    if ms is None:
        return None
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def coder_marks(coders: Iterable[str]) -> dict[str, dict[str, Any]]:
    """How each coder's codings are told apart: a stripe pattern (0 solid, 1 hatched, 2 dotted…) and initials."""
    names = sorted(set(coders))
    marks = {}
    for index, name in enumerate(names):
        initials = name[:1].upper()
        if sum(other[:1].upper() == initials for other in names) > 1:
            initials = name[:2].upper()
        marks[name] = {"pattern": index % 3, "initials": initials}
    return marks


def stripe_lanes(codings: list[dict[str, Any]], turns: list[dict[str, Any]]) -> dict[int, int]:
    """A margin lane per coding: codings that share a turn get different lanes (one stripe per code and coder)."""
    starts = [t["start"] for t in turns]
    ends = [t["end"] for t in turns]

    def turn_range(c: dict[str, Any]) -> tuple[int, int]:
        first = next((i for i, end in enumerate(ends) if end > c["start"]), len(turns))
        last = max((i for i, start in enumerate(starts) if start < c["end"]), default=first)
        return first, max(first, last)

    lanes: dict[int, int] = {}
    placed: list[list[tuple[dict[str, Any], tuple[int, int]]]] = []
    for coding in sorted(codings, key=lambda c: (c["start"], -c["end"], c["id"])):
        span = turn_range(coding)
        for index, lane in enumerate(placed):
            if not any(_clash(coding, span, other, other_span) for other, other_span in lane):
                lane.append((coding, span))
                lanes[coding["id"]] = index
                break
        else:
            placed.append([(coding, span)])
            lanes[coding["id"]] = len(placed) - 1
    return lanes


def _clash(a: dict[str, Any], a_turns: tuple[int, int], b: dict[str, Any], b_turns: tuple[int, int]) -> bool:
    if a_turns[1] < b_turns[0] or b_turns[1] < a_turns[0]:
        return False
    same_stripe = a["code_id"] == b["code_id"] and a["coder"] == b["coder"]
    return not (same_stripe and (a["end"] <= b["start"] or b["end"] <= a["start"]))


def view_data(text: str, turns: list[dict[str, Any]], codings: list[dict[str, Any]], *,
              colours: dict[str, str], sentences: list[tuple[int, int]] | None = None,
              suggestions: list[dict[str, Any]] | None = None, selection: dict[str, Any] | None = None,
              focus: dict[str, int] | None = None, lang: str = "en", refocus: Any = None,
              collapsed: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the component renders: the page's turns, its sentences, the highlights and stripes that touch them,
    and the passages collapsed behind a content note for this reader (trauma-informed reading)."""
    if turns:
        low, high = turns[0]["start"], turns[-1]["end"]
    else:
        low = high = 0
    label = (lambda c: c["name_zh"] or c["name_en"]) if lang == "zh" else (lambda c: c["name_en"])
    shown = [c for c in codings if c["end"] > low and c["start"] < high]
    marks = coder_marks(c["coder"] for c in codings)
    lanes = stripe_lanes(shown, turns)
    return {
        "turns": [{"seq": t["seq"], "start": t["start"], "end": t["end"], "text": text[t["start"]:t["end"]],
                   "speaker": t["speaker"], "interviewer": bool(t["is_interviewer"]), "lang": t["language"],
                   "time": _clock(t.get("t_start_ms"))} for t in turns],
        "sentences": [list(s) for s in sentences or [] if s[0] >= low and s[1] <= high],
        "codings": [{"id": c["id"], "start": c["start"], "end": c["end"], "colour": colours.get(c["code_id"], FALLBACK),
                     "ink": text_colour(colours.get(c["code_id"], FALLBACK)), "label": label(c),
                     "coder_mark": marks[c["coder"]]["pattern"], "initials": marks[c["coder"]]["initials"],
                     "lane": lanes[c["id"]],
                     "title": f"{label(c)} · {c['coder']}" + (f" · {c['assessment']}" if c["assessment"] else "")}
                    for c in shown],
        "lanes": max(lanes.values(), default=-1) + 1,
        "suggestions": [{"id": s["id"], "start": s["start"], "end": s["end"],
                         "colour": colours.get(s["code_id"], FALLBACK),
                         "title": f"suggested: {label(s)} ({s['score']:.2f})"}
                        for s in (suggestions or []) if s["end"] > low and s["start"] < high],
        "selection": selection,
        "focus": focus if focus and focus["end"] > low and focus["start"] < high else None,
        "refocus": refocus,
        "collapsed": [{"start": c["start"], "end": c["end"], "note": c["note"]}
                      for c in collapsed or [] if c["end"] > low and c["start"] < high],
    }


def transcript_view(data: dict[str, Any], *, key: str, on_selection: Callable[[], None],
                    on_clicked: Callable[[], None]) -> Any:
    """Mount the component; selections and clicks arrive through the callbacks."""
    return _component(key=key, data=data, on_selection_change=on_selection, on_clicked_change=on_clicked)


def legend_data(codings: list[dict[str, Any]], *, colours: dict[str, str], lang: str) -> dict[str, Any]:
    """The codes drawn (with colour and count) and each coder's stripe pattern and initials."""
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for c in codings:
        counts[c["code_id"]] = counts.get(c["code_id"], 0) + 1
        labels[c["code_id"]] = (c["name_zh"] or c["name_en"]) if lang == "zh" else c["name_en"]
    marks = coder_marks(c["coder"] for c in codings)
    return {"codes": [{"code_id": code_id, "label": labels[code_id], "count": n,
                       "colour": colours.get(code_id, FALLBACK)} for code_id, n in sorted(counts.items())],
            "coders": [{"name": name, **mark} for name, mark in marks.items()]}


def legend(data: dict[str, Any], *, key: str) -> None:
    """Mount the legend."""
    _legend(key=key, data=data)
