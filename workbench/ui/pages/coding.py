"""Coding: read a transcript, select a passage with the mouse, apply codes; see, change, remove, undo."""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services import transcripts
from workbench.services.codes import list_codes
from workbench.services.coding import (
    add_coding,
    get_coding,
    list_codings,
    remove_coding,
    restore_coding,
    transcript_text,
    update_coding,
)
from workbench.services.transcripts import resolve_transcript
from workbench.store.study import Study, User
from workbench.ui import session, suggestion_panel
from workbench.ui.transcript_view import transcript_view, view_data
from workbench.vocab import ASSESSMENTS, NOT_ASSESSED

PAGE_TURNS = 60
VIEW_KEY = "transcript_view"
ASSESSMENT_CHOICES = [NOT_ASSESSED.value, *ASSESSMENTS.values]


# -- plain functions the page and its tests call -------------------------------------------------
def on_selection() -> None:
    """Component callback: keep the new mouse selection."""
    value = _component_value("selection")
    if value and value.get("nonce") != st.session_state.get("_applied_nonce"):
        st.session_state["selection"] = value
        st.session_state.pop("clicked", None)


def on_clicked() -> None:
    """Component callback: a highlight (or suggestion) was clicked."""
    value = _component_value("clicked")
    if value:
        st.session_state["clicked"] = value
        st.session_state.pop("selection", None)


def _component_value(name: str) -> Any:
    state = st.session_state.get(VIEW_KEY)
    if state is None:
        return None
    return state.get(name) if hasattr(state, "get") else getattr(state, name, None)


def checked_selection(text: str, selection: dict[str, Any]) -> tuple[int, int]:
    """Validate a selection reported by the browser against the stored text."""
    start, end = int(selection["start"]), int(selection["end"])
    if not (0 <= start < end <= len(text)):
        raise WorkbenchError("the selection is outside this transcript; select the passage again")
    reported = "".join(str(selection.get("text", "")).split())
    stored = "".join(text[start:end].split())
    # Within one turn the browser's text must equal the stored slice; across turns it also carries labels.
    if "\n" not in text[start:end] and reported and reported != stored:
        raise WorkbenchError("the selection could not be matched to the transcript text; select it again")
    return start, end


def apply_codes(study: Study, *, transcript_id: int, selection: dict[str, Any], codes: list[str],
                assessment: str | None, memo: str | None, by: User) -> list[int]:
    """Apply each chosen code to the selection; remembers the action for undo."""
    if not codes:
        raise WorkbenchError("choose at least one code")
    start, end = checked_selection(transcript_text(study, transcript_id), selection)
    ids = [add_coding(study, transcript_id=transcript_id, start=start, end=end, code_id=code, by=by,
                      assessment=assessment, memo=memo) for code in codes]
    st.session_state.setdefault("undo", []).append(("added", ids))
    st.session_state["_applied_nonce"] = selection.get("nonce")
    st.session_state.pop("selection", None)
    return ids


def remove(study: Study, coding_id: int, *, by: User) -> None:
    """Remove a coding; remembers it for undo."""
    removed = remove_coding(study, coding_id, by=by)
    st.session_state.setdefault("undo", []).append(("removed", [removed]))
    st.session_state.pop("clicked", None)


def undo(study: Study, *, by: User) -> str:
    """Undo the last add or remove of this session."""
    stack = st.session_state.get("undo") or []
    if not stack:
        return "Nothing to undo."
    kind, items = stack.pop()
    if kind == "added":
        for coding_id in items:
            remove_coding(study, coding_id, by=by)
        return f"Removed {len(items)} coding(s) just added."
    for coding in items:
        restore_coding(study, coding, by=by)
    return f"Restored {len(items)} coding(s)."


def focus_span(length: int) -> dict[str, int] | None:
    """The passage named by the `start` and `end` query parameters (a quote opened from Themes or Search)."""
    try:
        start, end = int(st.query_params.get("start", "")), int(st.query_params.get("end", ""))
    except ValueError:
        return None
    return {"start": start, "end": end} if 0 <= start < end <= length else None


def requested_transcript(study: Study, rows: list[dict[str, Any]]) -> int | None:
    """The transcript named by the `transcript` query parameter (id or stem), else the first."""
    wanted = st.query_params.get("transcript")
    if wanted:
        try:
            return resolve_transcript(study, wanted)
        except WorkbenchError as err:
            st.warning(str(err))
    return rows[0]["id"] if rows else None


# -- the page ------------------------------------------------------------------------------------
def render() -> None:
    """Render the coding page."""
    user = session.require_user()
    study = session.study()
    rows = transcripts.transcript_choices(study)  # page reruns must not count the whole study's codings
    if not rows:
        st.info("No transcripts yet. Import some on the Import page.")
        return
    current = requested_transcript(study, rows)
    by_id = {r["id"]: r for r in rows}
    top = st.columns([3, 2, 2, 1])
    chosen = top[0].selectbox("Transcript", list(by_id), index=list(by_id).index(current) if current in by_id else 0,
                              format_func=lambda i: f"{by_id[i]['stem']} — {by_id[i]['participant'] or '?'}"
                                                    f" ({by_id[i]['participant_group'] or '?'}, {by_id[i]['language']})")
    if chosen != current or st.query_params.get("transcript") != by_id[chosen]["stem"]:
        st.query_params["transcript"] = by_id[chosen]["stem"]
        if chosen != current:
            for stale in ("start", "end"):
                st.query_params.pop(stale, None)
            st.session_state.pop("selection", None)
            st.session_state.pop("clicked", None)
    codes = list_codes(study, counts=False)
    code_by_id = {c["id"]: c for c in codes}
    all_codings = list_codings(study, transcript_id=chosen)
    coders = sorted({c["coder"] for c in all_codings})
    coder_filter = top[1].multiselect("Coders shown", coders, default=coders)
    used = sorted({c["code_id"] for c in all_codings})
    code_filter = top[2].multiselect("Codes shown", used, placeholder="all codes")
    lang = top[3].segmented_control("Labels", ["en", "zh"], default="en", key="label_lang") or "en"
    codings = [c for c in all_codings if c["coder"] in coder_filter and (not code_filter or c["code_id"] in code_filter)]

    text = transcript_text(study, chosen)
    total_turns = transcripts.turn_count(study, chosen)
    pages = max(1, -(-total_turns // PAGE_TURNS))
    focus = focus_span(len(text))
    first_page = transcripts.turn_at(study, chosen, focus["start"]) // PAGE_TURNS + 1 if focus else 1
    page = 1
    if pages > 1:
        page = st.number_input(f"Turns page (of {pages})", min_value=1, max_value=pages, value=first_page, step=1,
                               width=220, key=f"turns_page_{chosen}_{first_page}")
    turns = transcripts.turns(study, chosen, offset=(page - 1) * PAGE_TURNS, limit=PAGE_TURNS)
    selection = st.session_state.get("selection")
    left, right = st.columns([3, 2], gap="medium")
    with right:  # first, so the suggestions it lists can be drawn in the transcript
        shown_suggestions: list[dict[str, Any]] = []
        if user.may("codings.write"):
            _coding_panel(study, user, chosen, text, codes, code_by_id)
        else:
            st.info("Read-only: reviewers can browse codings but not change them.")
        _clicked_panel(study, user, code_by_id)
        if user.may("suggestions.decide"):
            shown_suggestions = suggestion_panel.render(study, user, chosen)
        _legend(codings, code_by_id, lang)
    with left:
        meta = by_id[chosen]
        st.caption(f"{meta['source_name']} · {meta['participant'] or 'no participant'} · {meta['language']} · "
                   f"{total_turns} turns · {len(all_codings)} codings")
        with st.container(height=680):
            transcript_view(view_data(text, turns, codings, suggestions=shown_suggestions, selection=selection,
                                      focus=focus, lang=lang),
                            key=VIEW_KEY, on_selection=on_selection, on_clicked=on_clicked)


def _coding_panel(study: Study, user: User, transcript_id: int, text: str, codes: list[dict[str, Any]],
                  code_by_id: dict[str, dict[str, Any]]) -> None:
    selection = st.session_state.get("selection")
    st.subheader("Code a passage")
    if not selection:
        st.caption("Select a passage in the transcript with the mouse, then choose codes here.")
    else:
        quote = text[int(selection["start"]):int(selection["end"])]
        st.markdown(f"> {html.escape(quote[:400])}{'…' if len(quote) > 400 else ''}")
        st.caption(f"characters {selection['start']}–{selection['end']}")
    options = [c["id"] for c in codes if c["parent_id"]] + [c["id"] for c in codes if not c["parent_id"]]
    with st.form("apply_form", clear_on_submit=True, border=False):
        chosen = st.multiselect(
            "Codes", options, placeholder="search codes (English, 中文 or id)",
            format_func=lambda i: f"{i} · {code_by_id[i]['name_en']} · {code_by_id[i]['name_zh'] or ''}")
        assessment = st.radio("Assessment", ASSESSMENT_CHOICES, horizontal=True)
        memo = st.text_area("Memo", height=68, placeholder="optional note on this coding")
        submitted = st.form_submit_button("Apply", type="primary")
    if submitted and not selection:
        st.error("Select a passage in the transcript first.")
    elif submitted:
        try:
            ids = apply_codes(study, transcript_id=transcript_id, selection=selection, codes=chosen,
                              assessment=None if assessment == "none" else assessment, memo=memo, by=user)
        except WorkbenchError as err:
            st.error(str(err))
        else:
            st.session_state["flash"] = f"Applied {len(ids)} code(s)."
            st.rerun()
    flash = st.session_state.pop("flash", None)
    if flash:
        st.success(flash)
    if st.session_state.get("undo"):
        if st.button("Undo last action", icon=":material/undo:"):
            try:
                st.session_state["flash"] = undo(study, by=user)
            except WorkbenchError as err:
                st.error(str(err))
            st.rerun()


def _clicked_panel(study: Study, user: User, code_by_id: dict[str, dict[str, Any]]) -> None:
    clicked = st.session_state.get("clicked") or {}
    coding_id = clicked.get("coding")
    if not coding_id:
        return
    try:
        coding = get_coding(study, int(coding_id))
    except WorkbenchError:
        st.session_state.pop("clicked", None)
        return
    overlapping = [c for c in list_codings(study, transcript_id=coding["transcript_id"])
                   if c["start"] < coding["end"] and c["end"] > coding["start"]]
    st.subheader("Codings here")
    for item in overlapping:
        with st.container(border=True):
            st.markdown(f"**{item['code_id']}** · {item['name_en']} / {item['name_zh'] or ''}")
            st.caption(f"by {item['coder']} · {item['assessment'] or 'no assessment'} · {item['created_at']}"
                       + ("" if item["intact"] else " · ⚠ transcript changed since coding"))
            if item["memo"]:
                st.write(item["memo"])
            if user.may("codings.write") and user.may_change(item["coder"]):
                _edit_controls(study, user, item, code_by_id)
            if st.button("More like this", key=f"mlt_{item['id']}", icon=":material/manage_search:"):
                st.session_state["more_like"] = item["id"]
            if st.session_state.get("more_like") == item["id"]:
                suggestion_panel.more_like_this(study, item)


def _edit_controls(study: Study, user: User, item: dict[str, Any], code_by_id: dict[str, dict[str, Any]]) -> None:
    key = f"edit_{item['id']}"
    cols = st.columns(2)
    new_code = cols[0].selectbox("Change code", list(code_by_id), index=list(code_by_id).index(item["code_id"]),
                                 key=f"{key}_code", format_func=lambda i: f"{i} · {code_by_id[i]['name_en']}")
    new_assessment = cols[1].selectbox("Change assessment", ASSESSMENT_CHOICES,
                                       index=ASSESSMENT_CHOICES.index(item["assessment"] or "none"),
                                       key=f"{key}_assessment")
    memo = st.text_input("Change memo", value=item["memo"] or "", key=f"{key}_memo")
    buttons = st.columns(2)
    if buttons[0].button("Save changes", key=f"{key}_save"):
        update_coding(study, item["id"], by=user, code_id=new_code,
                      assessment="" if new_assessment == "none" else new_assessment, memo=memo)
        st.session_state["flash"] = "Coding changed."
        st.rerun()
    if st.session_state.get("confirm_remove") == item["id"]:
        st.warning("Remove this coding?")
        yes, no = st.columns(2)
        if yes.button("Yes, remove", key=f"{key}_yes", type="primary"):
            remove(study, item["id"], by=user)
            st.session_state.pop("confirm_remove", None)
            st.session_state["flash"] = "Coding removed (Undo brings it back)."
            st.rerun()
        if no.button("Cancel", key=f"{key}_no"):
            st.session_state.pop("confirm_remove", None)
            st.rerun()
    elif buttons[1].button("Remove", key=f"{key}_remove"):
        st.session_state["confirm_remove"] = item["id"]
        st.rerun()


def _legend(codings: list[dict[str, Any]], code_by_id: dict[str, dict[str, Any]], lang: str) -> None:
    counts: dict[str, int] = {}
    for c in codings:
        counts[c["code_id"]] = counts.get(c["code_id"], 0) + 1
    if not counts:
        return
    st.subheader("Legend")
    items = []
    for code_id, n in sorted(counts.items()):
        code = code_by_id.get(code_id, {"name_en": code_id, "name_zh": "", "color": "#888"})
        name = (code["name_zh"] or code["name_en"]) if lang == "zh" else code["name_en"]
        items.append(f'<div><span style="display:inline-block;width:0.9em;height:0.9em;background:{code["color"]};'
                     f'border-radius:2px;margin-right:0.4em"></span>{html.escape(code_id)} · {html.escape(name)} '
                     f"({n})</div>")
    st.html("".join(items))


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
