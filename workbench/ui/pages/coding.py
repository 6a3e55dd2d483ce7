"""Coding: read a transcript (the page's main scrolling area) and code passages with the mouse or the keyboard."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources
from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services import transcripts, undo
from workbench.services.agreement.assignments import assignments, is_blind, mark_done, visible_codings
from workbench.services.code_colours import distinct_colours
from workbench.services.code_search import CodeMatch, rank_codes, warm
from workbench.services.codes import list_codes
from workbench.services.coding import get_coding, recent_codes, transcript_text
from workbench.services.reading import collapsed_for_view
from workbench.services.transcripts import resolve_transcript
from workbench.store.study import Study, User
from workbench.ui import coding_history, coding_measures, session, suggestion_panel
from workbench.ui.code_picker import code_picker, picker_codes, picker_data
from workbench.ui.safe import md, md_quote
from workbench.ui.transcript_view import legend, legend_data, transcript_view, view_data
from workbench.ui.writes import show_error
from workbench.vocab import ASSESSMENTS, NOT_ASSESSED

PAGE_TURNS = 60
VIEW_KEY = "transcript_view"
PICKER_KEY = "code_picker"
RESULTS = 12  # options listed for a typed query
ASSESSMENT_CHOICES = [NOT_ASSESSED.value, *ASSESSMENTS.values]
LAYOUT_CSS = (resources.files("workbench.ui") / "static" / "coding_page.css").read_text(encoding="utf-8")


# -- plain functions the page and its tests call -------------------------------------------------
def on_selection() -> None:
    """Component callback: keep the new selection (mouse or keyboard)."""
    value = _component_value(VIEW_KEY, "selection")
    if value and value.get("nonce") != st.session_state.get("_applied_nonce"):
        st.session_state["selection"] = value
        st.session_state.pop("clicked", None)


def on_clicked() -> None:
    """Component callback: a highlight, stripe or suggestion was clicked."""
    value = _component_value(VIEW_KEY, "clicked")
    if value:
        st.session_state["clicked"] = value
        st.session_state.pop("selection", None)


def on_query() -> None:
    """Picker callback: what the coder has typed so far."""
    st.session_state["picker_query"] = str(_component_value(PICKER_KEY, "query") or "")


def on_action() -> None:
    """Picker callback: the coder asked to apply codes (handled by the picker's fragment)."""
    value = _component_value(PICKER_KEY, "action")
    if value:
        st.session_state["picker_action"] = value


def _component_value(key: str, name: str) -> Any:
    state = st.session_state.get(key)
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


def picked_codes(action: dict[str, Any], *, codes: list[dict[str, Any]], recent: list[str]) -> list[str]:
    """The code ids an apply action names: its list, plus the code at `pick` in the ranking of its query."""
    known = {c["id"] for c in codes}
    ids = [str(c) for c in action.get("codes") or []]
    if action.get("pick") is not None:
        query = str(action.get("query") or "")
        found: list[CodeMatch] = rank_codes(codes, query, recent=recent, limit=RESULTS)
        pick = int(action["pick"])
        if not 0 <= pick < len(found):
            raise WorkbenchError(f"no code matches “{query}”")
        ids.append(found[pick].code_id)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise WorkbenchError(f"no active code {unknown[0]!r} in this study's codebook")
    if not ids:
        raise WorkbenchError("choose at least one code")
    return list(dict.fromkeys(ids))


def apply_codes(study: Study, *, transcript_id: int, selection: dict[str, Any], codes: list[str],
                assessment: str | None, memo: str | None, by: User, measures: list[str] | None = None) -> undo.Change:
    """Apply each chosen code to the selection, all or none; remembers the change for Undo."""
    start, end = checked_selection(transcript_text(study, transcript_id), selection)
    change = undo.apply_codes(study, transcript_id=transcript_id, start=start, end=end, code_ids=codes, by=by,
                              assessment=assessment, memo=memo, measures=measures)
    coding_history.remember(change)
    st.session_state["_applied_nonce"] = selection.get("nonce")
    st.session_state.pop("selection", None)
    return change


def confirmation(change: undo.Change, *, names: dict[str, str], passage: str) -> str:
    """What the page says after applying: exactly the codes applied, and where."""
    short = " ".join(passage.split())
    short = short[:60] + ("…" if len(short) > 60 else "")
    return f"Applied {', '.join(names.get(c, c) for c in change.code_ids)} to “{short}”."


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
            st.warning(md(err))  # the parameter comes from a link: never markup
    return rows[0]["id"] if rows else None


def code_names(codes: list[dict[str, Any]], lang: str) -> dict[str, str]:
    """Each code's name as confirmations say it: in the labels' language, with the other in brackets."""
    names = {}
    for c in codes:
        first, other = (c["name_zh"] or c["name_en"], c["name_en"]) if lang == "zh" else (c["name_en"], c["name_zh"])
        names[c["id"]] = f"{first} ({other})" if other and other != first else first
    return names


@st.cache_resource(show_spinner=False)
def _warm_search(study_path: str, _codes: list[dict[str, Any]]) -> threading.Thread:
    """Prepare the picker's search in the background once per study and server, so the first query is quick."""
    thread = threading.Thread(target=warm, args=(_codes,), name="warm-code-search", daemon=True)
    thread.start()
    return thread


# -- the page ------------------------------------------------------------------------------------
def render() -> None:
    """Render the coding page."""
    user = session.require_user()
    study = session.study()
    rows = transcripts.transcript_choices(study)  # page reruns must not count the whole study's codings
    if not rows:
        st.info("No transcripts yet. Import some on the Import page.")
        return
    st.html(f"<style>{LAYOUT_CSS}</style>")  # the page's own layout rules (static, no data)
    codes = list_codes(study, counts=False)
    _warm_search(study.path, codes)
    colours = distinct_colours(codes)
    with st.container(key="wb_coding_page"), st.container(key="wb_columns"):
        left, right = st.columns([7, 3], gap="small")
        with right, st.container(key="wb_panel", border=False):
            view = _toolbar(study, user, rows)
            names = code_names(codes, view.lang)
            _history(study, user, names)
            shown_suggestions: list[dict[str, Any]] = []
            if user.may("codings.write"):
                _code_a_passage(study, user, view.transcript_id, codes, colours, view.lang)
            else:
                st.info("Read-only: reviewers can browse codings but not change them.")
            _clicked_panel(study, user, codes, names, view.lang)
            if user.may("suggestions.decide"):
                shown_suggestions = suggestion_panel.render(study, user, view.transcript_id)
            if view.codings:
                st.markdown("**Legend**")
                legend(legend_data(view.codings, colours=colours, lang=view.lang), key="coding_legend")
        with left, st.container(key="wb_transcript_pane", border=False):
            turns = transcripts.turns(study, view.transcript_id, offset=(view.page - 1) * PAGE_TURNS, limit=PAGE_TURNS)
            span = (turns[0]["start"], turns[-1]["end"]) if turns else (0, 0)
            transcript_view(
                view_data(view.text, turns, view.codings, colours=colours, lang=view.lang, focus=view.focus,
                          sentences=transcripts.sentences(study, view.transcript_id, start=span[0], end=span[1]),
                          suggestions=shown_suggestions, selection=st.session_state.get("selection"),
                          refocus=st.session_state.pop("refocus", None),
                          collapsed=collapsed_for_view(study, user=user, transcript_id=view.transcript_id,
                                                       lang=view.lang)),
                key=VIEW_KEY, on_selection=on_selection, on_clicked=on_clicked)


@dataclass(frozen=True)
class _View:
    """What the toolbar chose: the transcript and its text, the turns page, the label language, what is shown."""

    transcript_id: int
    text: str
    page: int
    lang: str
    focus: dict[str, int] | None
    codings: list[dict[str, Any]]  # the transcript's codings by the coders and codes chosen to be shown


def _toolbar(study: Study, user: User, rows: list[dict[str, Any]]) -> _View:
    """Transcript, turns page and view options (coders and codes shown, label language)."""
    current = requested_transcript(study, rows)
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox("Transcript", list(by_id), index=list(by_id).index(current) if current in by_id else 0,
                          label_visibility="collapsed",
                          format_func=lambda i: f"{by_id[i]['stem']} — {by_id[i]['participant'] or '?'}"
                                                f" ({by_id[i]['participant_group'] or '?'}, {by_id[i]['language']})")
    if chosen != current or st.query_params.get("transcript") != by_id[chosen]["stem"]:
        st.query_params["transcript"] = by_id[chosen]["stem"]
        if chosen != current:
            for stale in ("start", "end"):
                st.query_params.pop(stale, None)
            st.session_state.pop("selection", None)
            st.session_state.pop("clicked", None)
    total_turns = transcripts.turn_count(study, chosen)
    pages = max(1, -(-total_turns // PAGE_TURNS))
    text = transcript_text(study, chosen)
    focus = focus_span(len(text))
    first_page = transcripts.turn_at(study, chosen, focus["start"]) // PAGE_TURNS + 1 if focus else 1
    cols = st.columns([1, 1], vertical_alignment="bottom")
    page = 1
    if pages > 1:
        page = cols[0].number_input(f"Turns page (of {pages})", min_value=1, max_value=pages, value=first_page,
                                    step=1, key=f"turns_page_{chosen}_{first_page}")
    all_codings = visible_codings(study, chosen, user=user)  # only the user's own while coding blind
    coders = sorted({c["coder"] for c in all_codings})
    with cols[1].popover("View", icon=":material/tune:", width="stretch"):
        coder_filter = st.multiselect("Coders shown", coders, default=coders)
        code_filter = st.multiselect("Codes shown", sorted({c["code_id"] for c in all_codings}),
                                     placeholder="all codes")
        lang = st.segmented_control("Labels", ["en", "zh"], default="en", key="label_lang") or "en"
    meta = by_id[chosen]
    st.caption(f"{md(meta['participant'] or 'no participant')} · {meta['language']} · {total_turns} turns · "
               f"{len(all_codings)} codings")
    _done_mark(study, user, chosen)
    shown = [c for c in all_codings if c["coder"] in coder_filter and (not code_filter or c["code_id"] in code_filter)]
    return _View(chosen, text, int(page), lang, focus, shown)


def _done_mark(study: Study, user: User, transcript_id: int) -> None:
    """For a coder assigned this transcript: whether it is blind, and the button that marks it done."""
    mine = assignments(study, transcript_id=transcript_id, coder=user.username)
    if not mine or not user.may("codings.write"):
        return
    if mine[0]["done_at"]:
        st.caption(f"You marked this transcript done ({mine[0]['done_at'][:10]}).")
        return
    if is_blind(study, transcript_id, user=user):
        st.caption("Blind double coding: you see only your own codings here until you mark the transcript done.")
    if st.button("Mark done", key="mark_done", icon=":material/task_alt:",
                 help="Agreement compares the transcripts every compared coder marked done."):
        try:
            mark_done(study, transcript_id, by=user)
        except WorkbenchError as err:
            show_error(err)
        else:
            st.session_state["flash"] = "Marked done: the other coders' codings are now shown, and this transcript " \
                                        "counts towards agreement."
            st.rerun()


def _history(study: Study, user: User, names: dict[str, str]) -> None:
    """The last confirmation and the Undo button (kept at the top of the panel, where it is seen)."""
    flash = st.session_state.pop("flash", None)
    if flash:
        st.success(md(flash))
    last = coding_history.last()
    if last is not None and st.button("Undo", icon=":material/undo:", key="undo_last",
                                      help=md(f"Undo: {coding_history.describe(last, names)}")):
        try:
            st.session_state["flash"] = coding_history.undo_last(study, by=user, names=names)
        except WorkbenchError as err:
            show_error(err)
        else:
            st.rerun()


@st.fragment
def _code_a_passage(study: Study, user: User, transcript_id: int, codes: list[dict[str, Any]],
                    colours: dict[str, str], lang: str) -> None:
    """The coding gesture: the selected passage, the picker, assessment and memo (reruns alone while typing)."""
    selection = st.session_state.get("selection")
    recent = recent_codes(study, coder=user.username)
    action = st.session_state.pop("picker_action", None)
    failed = None
    if action:
        failed = _apply_action(study, user, transcript_id, codes, lang, selection, action, recent)
    st.markdown("**Code a passage**")
    if selection:
        quote = transcript_text(study, transcript_id)[int(selection["start"]):int(selection["end"])]
        st.markdown(md_quote(quote, limit=160))
        st.caption(f"characters {int(selection['start'])}–{int(selection['end'])}")
    query = str(st.session_state.get("picker_query") or "")
    found = rank_codes(codes, query, recent=recent, limit=RESULTS if query.strip() else None)
    code_picker(picker_data(codes=picker_codes(codes, colours, lang=lang), query=query, found=found, recent=recent,
                            has_selection=bool(selection), selection_nonce=(selection or {}).get("nonce"),
                            done=st.session_state.get("picker_done"), failed=failed),
                key=PICKER_KEY, on_query=on_query, on_action=on_action)
    if st.session_state.pop("clear_memo", False):  # after an apply: a fresh memo, and no assessment carried over
        st.session_state["apply_memo"] = ""
        st.session_state["apply_assessment"] = NOT_ASSESSED.value
        st.session_state[coding_measures.APPLY_KEY] = []
    st.radio("Assessment", ASSESSMENT_CHOICES, horizontal=True, key="apply_assessment")
    st.text_area("Memo", height=68, placeholder="optional note on this coding", key="apply_memo")
    coding_measures.apply_chooser(study, lang=lang)


def _apply_action(study: Study, user: User, transcript_id: int, codes: list[dict[str, Any]], lang: str,
                  selection: dict[str, Any] | None, action: dict[str, Any], recent: list[str]) -> Any:
    """Apply what the picker sent; on success rerun the page, otherwise say why and return the action's nonce."""
    try:
        if not selection:
            raise WorkbenchError("select a passage in the transcript first")
        chosen = picked_codes(action, codes=codes, recent=recent)
        assessment = st.session_state.get("apply_assessment") or NOT_ASSESSED.value
        change = apply_codes(study, transcript_id=transcript_id, selection=selection, codes=chosen,
                             assessment=None if assessment == NOT_ASSESSED.value else assessment,
                             memo=st.session_state.get("apply_memo") or None, by=user,
                             measures=coding_measures.chosen_for_apply())
    except WorkbenchError as err:
        show_error(err)  # what was typed and chosen stays in the picker and the memo box
        return action.get("nonce")
    passage = transcript_text(study, transcript_id)[int(selection["start"]):int(selection["end"])]
    message = confirmation(change, names=code_names(codes, lang), passage=passage)
    st.session_state.update({"flash": message, "picker_done": action.get("nonce"), "picker_query": "",
                             "clear_memo": True, "refocus": action.get("nonce")})
    st.toast(md(message), icon=":material/check:")
    st.rerun()


def _clicked_panel(study: Study, user: User, codes: list[dict[str, Any]], names: dict[str, str], lang: str) -> None:
    clicked = st.session_state.get("clicked") or {}
    coding_id = clicked.get("coding")
    if not coding_id:
        return
    try:
        coding = get_coding(study, int(coding_id))
    except WorkbenchError:
        st.session_state.pop("clicked", None)
        return
    overlapping = [c for c in visible_codings(study, coding["transcript_id"], user=user)
                   if c["start"] < coding["end"] and c["end"] > coding["start"]]
    st.markdown("**Codings here**")
    for item in overlapping:
        with st.container(border=True):
            st.markdown(f"**{md(names.get(item['code_id'], item['code_id']))}** · {md(item['code_id'])}")
            st.caption(f"by {md(item['coder'])} · {item['assessment'] or 'no assessment'} · {item['created_at']}"
                       + ("" if item["intact"] else " · ⚠ transcript changed since coding"))
            if item["memo"]:
                st.markdown(md(item["memo"]))
            if user.may("codings.write") and user.may_change(item["coder"]):
                _edit_controls(study, user, item, codes, names)
                coding_measures.edit(study, user, item, key=f"edit_{item['id']}", lang=lang, names=names)
            if st.button("More like this", key=f"mlt_{item['id']}", icon=":material/manage_search:"):
                st.session_state["more_like"] = item["id"]
            if st.session_state.get("more_like") == item["id"]:
                suggestion_panel.more_like_this(study, item)


def _edit_controls(study: Study, user: User, item: dict[str, Any], codes: list[dict[str, Any]],
                   names: dict[str, str]) -> None:
    key = f"edit_{item['id']}"
    ids = [c["id"] for c in codes]
    new_code = st.selectbox("Change code", ids, index=ids.index(item["code_id"]) if item["code_id"] in ids else 0,
                            key=f"{key}_code", format_func=lambda i: names.get(i, i))
    new_assessment = st.selectbox("Change assessment", ASSESSMENT_CHOICES,
                                  index=ASSESSMENT_CHOICES.index(item["assessment"] or NOT_ASSESSED.value),
                                  key=f"{key}_assessment")
    memo = st.text_input("Change memo", value=item["memo"] or "", key=f"{key}_memo")
    buttons = st.columns(2)
    if buttons[0].button("Save changes", key=f"{key}_save"):
        coding_history.record(lambda: undo.change(
            study, item["id"], by=user, code_id=new_code, memo=memo,
            assessment="" if new_assessment == NOT_ASSESSED.value else new_assessment), names=names)
    if st.session_state.get("confirm_remove") == item["id"]:
        st.warning("Remove this coding?")
        yes, no = st.columns(2)
        if yes.button("Yes, remove", key=f"{key}_yes", type="primary"):
            coding_history.remember(undo.remove(study, item["id"], by=user))
            st.session_state.pop("confirm_remove", None)
            st.session_state.pop("clicked", None)
            st.session_state["flash"] = f"Removed {names.get(item['code_id'], item['code_id'])} (Undo brings it back)."
            st.rerun()
        if no.button("Cancel", key=f"{key}_no"):
            st.session_state.pop("confirm_remove", None)
            st.rerun()
    elif buttons[1].button("Remove", key=f"{key}_remove"):
        st.session_state["confirm_remove"] = item["id"]
        st.rerun()


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
