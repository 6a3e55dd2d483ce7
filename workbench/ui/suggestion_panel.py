"""The coding page's suggestions: generate for the open transcript, review one at a time (keys A/R/S), accept all."""

from __future__ import annotations

from collections import Counter
from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services import undo
from workbench.services.suggest.methods import METHODS
from workbench.services.suggest.service import generate, list_suggestions, study_rules, suggestion_details
from workbench.services.suggest.similar import similar_to_coding
from workbench.store.study import Study, User
from workbench.ui import coding_history
from workbench.ui.pages import script_for
from workbench.ui.safe import md, md_quote

HIDDEN = "hidden_suggestion_codes"   # session state: codes whose suggestions this coder hid for the session

LIST_PAGE = 50   # the list draws one page: 9,000 collapsed rows cost a second on every rerun


def current(suggestions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The suggestion under review: the clicked one if still open, else the first not skipped."""
    by_id = {s["id"]: s for s in suggestions}
    clicked = (st.session_state.get("clicked") or {}).get("suggestion")
    if clicked in by_id:
        return by_id[clicked]
    skipped = st.session_state.get("skipped_suggestions", set())
    return next((s for s in suggestions if s["id"] not in skipped), None)


def decide(study: Study, suggestion: dict[str, Any], *, verdict: str, by: User) -> str:
    """Accept, reject or skip one suggestion; returns what to tell the user."""
    st.session_state.pop("clicked", None)
    if verdict == "accept":
        change = undo.accept(study, suggestion["id"], by=by)
        coding_history.remember(change)
        return f"Accepted: {suggestion['name_en']} ({suggestion['code_id']}) is now coding {change.coding_ids[0]}."
    if verdict == "reject":
        coding_history.remember(undo.reject(study, suggestion["id"], by=by))
        return f"Rejected {suggestion['name_en']} here (kept as a counter-example for learning)."
    st.session_state.setdefault("skipped_suggestions", set()).add(suggestion["id"])
    return "Skipped."


def render(study: Study, user: User, transcript_id: int) -> list[dict[str, Any]]:
    """Render the panel; returns the open suggestions to draw as faint highlights (if shown)."""
    st.markdown("**Suggestions**")
    suggestions = visible(list_suggestions(study, transcript_id))
    method = st.selectbox("Method", list(METHODS), key="suggest_method", format_func=lambda m: METHODS[m].label(),
                          help="; ".join(f"{m.label()}: {m.help}" for m in METHODS.values()))
    if st.button("Suggest codes for this transcript", icon=":material/auto_awesome:"):
        with st.status("Suggesting…", expanded=False) as status:
            bar = st.progress(0.0)
            try:
                done = generate(study, transcript_id, by=user, method=method,
                                progress=lambda share, text: bar.progress(min(max(share, 0.0), 1.0), text=text))
            except WorkbenchError as err:
                status.update(label=md(err), state="error")
                return []
            status.update(label=f"{done.stored} suggestions ({done.method}, model {done.model_version[:18]})",
                          state="complete")
        st.session_state.pop("skipped_suggestions", None)
        st.rerun()
    if not suggestions:
        st.caption("No open suggestions. Nothing is coded until you accept a suggestion.")
        unhide_control()
        return []
    shown = st.toggle("Show suggestions in the text", value=True, key="show_suggestions")
    item = current(suggestions)
    if item is not None:
        _review(study, user, item, len(suggestions))
    _accept_all(study, user, transcript_id, suggestions)
    with st.expander(f"All {len(suggestions)} open suggestions"):
        for s in page_of(suggestions, key="suggestion_list_page"):
            st.markdown(f"**{md(s['name_en'])}** · {s['score']:.2f} · {md(s['method'])} — "
                        f"{md(s['snippet'][:90])}{'…' if len(s['snippet']) > 90 else ''}")
    return suggestions if shown else []


def visible(suggestions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The suggestions whose code this coder has not hidden for the session."""
    hidden = st.session_state.get(HIDDEN, set())
    return [s for s in suggestions if s["code_id"] not in hidden]


def hide_control(code_id: str) -> None:
    """A button that hides one code's suggestions for the rest of this session, and a way to show them again."""
    hidden: set[str] = st.session_state.setdefault(HIDDEN, set())
    if st.button(f"Hide {code_id} for this session", key=f"hide_{code_id}", icon=":material/visibility_off:",
                 help="Stop showing this code's suggestions until you log out; nothing is rejected or deleted."):
        hidden.add(code_id)
        st.session_state.pop("clicked", None)
        st.rerun()
    unhide_control()


def unhide_control() -> None:
    """A button that shows the codes hidden for this session again (nothing when none is hidden)."""
    hidden: set[str] = st.session_state.get(HIDDEN, set())
    if hidden and st.button(f"Show hidden codes again ({len(hidden)})", key="unhide_codes",
                            help=", ".join(sorted(hidden))):
        hidden.clear()
        st.rerun()


def explanation_lines(details: dict[str, Any]) -> list[str]:
    """What triggered a suggestion and each part's contribution, as plain text lines (empty for old suggestions)."""
    if not details:
        return []
    lines = []
    for p in details.get("patterns", []):
        how = " (synonym)" if p.get("synonym") else ""
        how += " (after a negation or 'if': counted less)" if p.get("negated") else ""
        lines.append(f"pattern “{p['pattern']}” met “{p['words']}”{how}")
    parts = []
    if details.get("rules") is not None:
        parts.append(f"rules {details['rules']:.2f}")
    if details.get("learned") is not None:
        terms = ", ".join(details.get("terms", []))
        parts.append(f"learned model {details['learned']:.2f}" + (f" (weighed most: {terms})" if terms else ""))
    if parts:
        lines.append(" + ".join(parts) + f" → score {details.get('score', 0):.2f}")
    return lines


def render_suggestion(item: dict[str, Any], details: dict[str, Any], *, total: int) -> None:
    """One suggestion: code, score, the words and patterns that triggered it, the parts of its score, the passage."""
    st.markdown(f"**{md(item['code_id'])}** · {md(item['name_en'])} · {md(item['name_zh'] or '')}")
    st.caption(f"score {item['score']:.2f} · {md(item['method'])} · {total} open")
    lines = explanation_lines(details)
    if lines:
        st.caption("Why: " + md(" · ".join(lines)))
    else:
        st.caption(f"evidence: {md(item['evidence'] or '—')}")
    st.markdown(md_quote(item["snippet"], limit=300))


def page_of(items: list[dict[str, Any]], *, key: str, size: int = LIST_PAGE) -> list[dict[str, Any]]:
    """The page of a long list chosen with a page picker (drawn only when there is more than one page)."""
    pages = max((len(items) + size - 1) // size, 1)
    if pages == 1:
        return items
    number = st.number_input(f"Page (of {pages}, {size} a page)", min_value=1, max_value=pages, step=1, key=key)
    start = (min(int(number), pages) - 1) * size
    st.caption(f"Suggestions {start + 1}–{min(start + size, len(items))} of {len(items)}, in text order.")
    return items[start:start + size]


def _review(study: Study, user: User, item: dict[str, Any], total: int) -> None:
    with st.container(border=True, key="suggestion_review"):
        render_suggestion(item, suggestion_details(study, [item["id"]]).get(item["id"], {}), total=total)
        buttons = st.columns(3)
        verdict = None
        if buttons[0].button("Accept", key="suggestion_accept", type="primary", shortcut="a", icon=":material/check:"):
            verdict = "accept"
        if buttons[1].button("Reject", key="suggestion_reject", shortcut="x", icon=":material/close:"):
            verdict = "reject"
        if buttons[2].button("Skip", key="suggestion_skip", shortcut="s"):
            verdict = "skip"
        st.caption("Keys: A accept · X reject · S skip. Click a dashed passage to review it.")
        hide_control(item["code_id"])
    if verdict:
        try:
            st.session_state["flash"] = decide(study, item, verdict=verdict, by=user)
        except WorkbenchError as err:
            st.error(md(err))
            return
        st.rerun()


def _accept_all(study: Study, user: User, transcript_id: int, suggestions: list[dict[str, Any]]) -> None:
    per_code = Counter(s["code_id"] for s in suggestions)   # counted once, not once per option drawn
    codes = sorted(per_code)
    cols = st.columns([3, 2])
    code = cols[0].selectbox("Accept all for one code", codes, key="accept_all_code",
                             format_func=lambda c: f"{c} ({per_code[c]})")
    if st.session_state.get("confirm_accept_all") == code:
        st.warning(f"Accept all {per_code[code]} open suggestions for {md(code)}?")
        yes, no = st.columns(2)
        if yes.button("Yes, accept all", key="accept_all_yes", type="primary"):
            try:
                change = undo.accept_all(study, transcript_id, code, by=user)
            except WorkbenchError as err:
                st.error(md(err))
                return
            coding_history.remember(change)
            st.session_state.pop("confirm_accept_all", None)
            st.session_state["flash"] = f"Accepted {len(change.after)} suggestion(s) for {code} (Undo takes them back)."
            st.rerun()
        if no.button("Cancel", key="accept_all_no"):
            st.session_state.pop("confirm_accept_all", None)
            st.rerun()
    elif cols[1].button("Accept all…", key="accept_all"):
        st.session_state["confirm_accept_all"] = code
        st.rerun()


def more_like_this(study: Study, coding: dict[str, Any], *, top: int = 8) -> None:
    """Sentences across the study most like a coded passage and not yet coded with its code."""
    found = similar_to_coding(study, coding["id"], rules=study_rules(study), top=top)
    st.markdown(f"**More like this** ({md(coding['code_id'])}, both languages)")
    if not found:
        st.caption("Nothing similar and not yet coded with this code.")
    for item in found:
        st.markdown(md_quote(item["text"], limit=220))
        left, right = st.columns([4, 1])
        left.caption(f"{md(item['transcript'])} · {item['score']:.2f} · shared: "
                     f"{md(', '.join(item['shared_terms']) or '—')}")
        right.page_link(script_for("coding"), label="Open", icon=":material/open_in_new:",
                        query_params={"transcript": item["transcript"], "start": str(item["start"]),
                                      "end": str(item["end"])})
