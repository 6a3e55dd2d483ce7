"""Codebook: the code tree with definitions and measures; coders and admins add, edit, move, merge and delete."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.services.codes import (
    add_code,
    codings_by_coder,
    delete_code,
    list_codes,
    list_measures,
    merge_codes,
    set_code_measures,
    subtree,
    update_code,
)
from workbench.store.study import Study, User
from workbench.ui import session
from workbench.ui.codebook_history import history_section
from workbench.ui.exports_view import export_downloads
from workbench.ui.safe import md
from workbench.ui.writes import attempt, show_done

DONE = "codebook_done"  # session key of the message the last write left for the rerun


def render() -> None:
    """Render the codebook page."""
    user = session.require_user()
    study = session.study()
    st.title("Codebook")
    codes = list_codes(study)
    measures = {m["id"]: m for m in list_measures(study)}
    query = st.text_input("Search codes", placeholder="id, English or 中文 name, definition")
    show_done(DONE)
    st.caption("Codings count every coder's application of a code; passages count distinct spans (a passage two "
               "coders both coded is one passage, as on the Themes page).")
    _tree(codes, measures, query.strip().lower())
    export_downloads(study, key="codebook", tables=("codebook",), formats=("qdc", "yaml"))
    if user.may("codebook.edit"):
        st.divider()
        _editor(study, user, codes, measures)
    st.divider()
    history_section(study)


def matches(code: dict[str, Any], query: str) -> bool:
    """Whether a code matches a search (id, names in both languages, definitions)."""
    if not query:
        return True
    fields = (code["id"], code["name_en"], code["name_zh"] or "", code["definition_en"] or "", code["definition_zh"] or "")
    return any(query in f.lower() for f in fields)


def _tree(codes: list[dict[str, Any]], measures: dict[str, dict[str, Any]], query: str) -> None:
    children: dict[str | None, list[dict[str, Any]]] = {}
    for code in codes:
        children.setdefault(code["parent_id"], []).append(code)
    for theme in children.get(None, []):
        kids = [c for c in children.get(theme["id"], []) if matches(c, query)]
        if query and not kids and not matches(theme, query):
            continue
        total = theme["codings"] + sum(c["codings"] for c in children.get(theme["id"], []))
        spans = theme["passages"] + sum(c["passages"] for c in children.get(theme["id"], []))
        with st.expander(f"**{md(theme['name_en'])}** · {md(theme['name_zh'] or '')} — {total} codings ({spans} passages)",
                         expanded=bool(query)):
            if theme["definition_en"]:
                st.caption(md(theme["definition_en"]))
            for code in kids:
                _code_card(code, measures)


def _code_card(code: dict[str, Any], measures: dict[str, dict[str, Any]]) -> None:
    with st.container(border=True):
        st.markdown(f"**{md(code['name_en'])}** · {md(code['name_zh'] or '')} · {md(code['id'])} · "
                    f"{code['codings']} codings ({code['passages']} passages) · colour {md(code['color'] or 'none')}")
        if code["definition_en"]:
            st.markdown(md(code["definition_en"]))
        if code["definition_zh"]:
            st.markdown(md(code["definition_zh"]))
        cols = st.columns(2)
        if code["include"]:
            cols[0].markdown("**Include**\n" + "\n".join(f"- {md(x)}" for x in code["include"]))
        if code["exclude"]:
            cols[1].markdown("**Exclude**\n" + "\n".join(f"- {md(x)}" for x in code["exclude"]))
        if code["examples"]:
            st.markdown("**Examples**\n" + "\n".join(f"- “{md(x)}”" for x in code["examples"]))
        if code["measures"]:
            st.caption("Action Plan measures: " + "; ".join(
                md(f"{m} {measures[m]['title_en']}" if m in measures else m) for m in code["measures"]))


def _editor(study: Study, user: User, codes: list[dict[str, Any]], measures: dict[str, dict[str, Any]]) -> None:
    st.subheader("Edit the codebook")
    st.caption("Every change is recorded with your name. Merging, moving or deleting a code that carries other "
               "coders' codings is for an admin.")
    names = {c["id"]: f"{c['id']} · {c['name_en']}" for c in codes}
    add, edit, move, merge, delete = st.tabs(["Add code", "Edit code", "Move", "Merge", "Delete"])
    with add:
        _add_form(study, user, names)
    with edit:
        _edit_form(study, user, {c["id"]: c for c in codes}, names, measures)
    with move:
        _move_form(study, user, names)
    with merge:
        _merge_form(study, user, names)
    with delete:
        _delete_form(study, user, codes, names)


def _add_form(study: Study, user: User, names: dict[str, str]) -> None:
    # A failed add keeps what was typed; after an add a new form key gives empty fields.
    version = st.session_state.setdefault("add_code_form", 0)
    with st.form(f"add_code_{version}"):
        parent = st.selectbox("Parent", [None, *names], format_func=lambda i: "(top-level theme)" if i is None else names[i])
        code_id = st.text_input("New code id", placeholder="barriers/new_code")
        name_en = st.text_input("Name (English)")
        name_zh = st.text_input("Name (中文)")
        definition = st.text_area("Definition", height=68)
        if st.form_submit_button("Add code"):
            def add() -> None:
                add_code(study, code_id=code_id.strip(), parent=parent, name_en=name_en.strip(),
                         name_zh=name_zh.strip(), definition_en=definition.strip(), by=user)
                st.session_state["add_code_form"] = version + 1

            attempt(add, f"Added {code_id}.", key=DONE)


def hex_colour(value: str | None) -> str:
    """A code's colour as the #rrggbb a colour picker takes (#abc widened; none becomes grey)."""
    value = (value or "#888888").lower()
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value


def lines(text: str) -> list[str]:
    """One criterion per non-empty line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _edit_form(study: Study, user: User, codes: dict[str, dict[str, Any]], names: dict[str, str],
               measures: dict[str, dict[str, Any]]) -> None:
    target = st.selectbox("Code", list(codes), format_func=names.get, key="edit_target")
    code = codes[target]
    with st.form(f"edit_code_{target}"):
        cols = st.columns(2)
        name_en = cols[0].text_input("English name", value=code["name_en"])
        name_zh = cols[1].text_input("中文 name", value=code["name_zh"] or "")
        definition_en = cols[0].text_area("Definition (English)", value=code["definition_en"] or "")
        definition_zh = cols[1].text_area("Definition (中文)", value=code["definition_zh"] or "")
        include = cols[0].text_area("Include (one per line)", value="\n".join(code["include"]))
        exclude = cols[1].text_area("Exclude (one per line)", value="\n".join(code["exclude"]))
        colour = st.color_picker("Colour", value=hex_colour(code["color"]))
        mapped = st.multiselect("Measures this code speaks to", list(measures), default=code["measures"],
                                format_func=lambda m: f"{m} · {measures[m]['title_en']}")
        confirm = st.checkbox("I confirm the new name (renames are recorded with my name and apply to every "
                              "coder's codings of this code)")
        if st.form_submit_button("Save code", type="primary"):
            changes = {"name_en": name_en.strip(), "name_zh": name_zh.strip(), "definition_en": definition_en.strip(),
                       "definition_zh": definition_zh.strip(), "include": lines(include),
                       "exclude": lines(exclude), "color": colour}
            renamed = (changes["name_en"], changes["name_zh"]) != (code["name_en"], code["name_zh"] or "")
            if renamed and not confirm:
                st.error("Tick the confirmation to rename the code.")
            else:
                attempt(lambda: (update_code(study, target, by=user, **changes),
                                 set_code_measures(study, target, mapped, by=user)),
                        f"Saved {target}" + (f" (renamed to {changes['name_en']})." if renamed else "."), key=DONE)


def _move_form(study: Study, user: User, names: dict[str, str]) -> None:
    with st.form("move_code"):
        target = st.selectbox("Code", list(names), format_func=names.get, key="move_target")
        parent = st.selectbox("New parent", [None, *names], key="move_parent",
                              format_func=lambda i: "(top level)" if i is None else names[i])
        if st.form_submit_button("Move"):
            attempt(lambda: update_code(study, target, by=user, parent_id=parent), f"Moved {target}.", key=DONE)


def carried_summary(study: Study, code_id: str) -> str:
    """Whose codings an operation on a code (and the codes below it) carries, e.g. '3 by chan, 1 by reyes'."""
    carried = codings_by_coder(study, subtree(study, code_id))
    return ", ".join(f"{len(ids)} by {owner}" for owner, ids in sorted(carried.items())) or "no codings"


def _merge_form(study: Study, user: User, names: dict[str, str]) -> None:
    source = st.selectbox("Merge this code", list(names), format_func=names.get, key="merge_source")
    st.caption(f"It carries {md(carried_summary(study, source))}.")
    with st.form("merge_codes"):
        target = st.selectbox("into this code", list(names), format_func=names.get, key="merge_target")
        sure = st.checkbox("I understand: every coding of the first code moves to the second, and the first is retired")
        if st.form_submit_button("Merge"):
            if not sure:
                st.error("Tick the confirmation first.")
            else:
                attempt(lambda: merge_codes(study, source=source, target=target, by=user),
                        f"Merged {source} into {target}.", key=DONE)


def _delete_form(study: Study, user: User, codes: list[dict[str, Any]], names: dict[str, str]) -> None:
    parents = {c["parent_id"] for c in codes}
    free = [c["id"] for c in codes if c["codings"] == 0 and c["id"] not in parents]
    st.caption("Only a code with no codings and no codes below it can be deleted; merge a code that has codings.")
    if not free:
        st.info("Every code has codings or codes below it.")
        return
    with st.form("delete_code"):
        target = st.selectbox("Code to delete", free, format_func=names.get)
        sure = st.checkbox("Delete this code from the codebook")
        if st.form_submit_button("Delete code"):
            if not sure:
                st.error("Tick the confirmation first.")
            else:
                attempt(lambda: delete_code(study, target, by=user), f"Deleted {target}.", key=DONE)


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
