"""The coding panel's measure attributions: which framework measures a passage speaks to, confirmed by the coder.

Left alone, a coding speaks to its code's mapped measures, counted as *derived* only where a figure says so;
a coder confirms the measures the passage names or clearly describes (see services/attributions.py).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.services import undo
from workbench.services.attributions import coding_measures
from workbench.services.codes import list_measures
from workbench.store.study import Study, User
from workbench.ui import coding_history
from workbench.ui.safe import md

APPLY_KEY = "apply_measures"
HELP = ("Leave empty and each code's codebook mapping stands, counted as *derived* (only where a figure asks for "
        "derived attributions). Choose the measures this passage names or clearly describes to confirm them.")


def _labels(study: Study, lang: str) -> dict[str, str]:
    title = "title_zh" if lang == "zh" else "title_en"
    return {m["id"]: f"{m['id']} · {m.get(title) or m['title_en']}" for m in list_measures(study)}


def apply_chooser(study: Study, *, lang: str) -> None:
    """The measures to confirm with the next apply (session key APPLY_KEY; empty = derived from the mapping)."""
    labels = _labels(study, lang)
    if labels:
        st.multiselect("Measures it speaks to", list(labels), key=APPLY_KEY, format_func=labels.get,
                       placeholder="derived from each code's mapping", help=HELP)


def chosen_for_apply() -> list[str] | None:
    """The measures chosen for the next apply, or None to leave them derived."""
    return list(st.session_state.get(APPLY_KEY) or []) or None


def edit(study: Study, user: User, item: dict[str, Any], *, key: str, lang: str, names: dict[str, str]) -> None:
    """A coding's measures: what counts now, and a chooser to confirm them or return to the derived mapping."""
    rows = coding_measures(study, item["id"])
    confirmed = [r["measure"] for r in rows if r["status"] == "confirmed"]
    derived = [r["measure"] for r in rows if r["status"] == "derived"]
    decided = any(r["status"] in ("confirmed", "rejected") for r in rows)
    if decided:
        st.caption("Measures confirmed: " + (md(", ".join(confirmed)) if confirmed else "none"))
    else:
        st.caption("Measures derived from the code's mapping (not confirmed): " + (md(", ".join(derived)) or "none"))
    labels = _labels(study, lang)
    chosen = st.multiselect("Confirm measures", list(labels), default=confirmed if decided else derived,
                            key=f"{key}_measures", format_func=labels.get, help=HELP)
    left, right = st.columns(2)
    if left.button("Confirm measures", key=f"{key}_measures_save"):
        _save(study, user, item, confirmed=list(chosen), names=names)
    if decided and right.button("Back to derived", key=f"{key}_measures_reset"):
        _save(study, user, item, confirmed=None, names=names)


def _save(study: Study, user: User, item: dict[str, Any], *, confirmed: list[str] | None,
          names: dict[str, str]) -> None:
    coding_history.record(lambda: undo.measures(study, item["id"], by=user, confirmed=confirmed), names=names)
