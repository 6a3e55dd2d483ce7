"""Codebook: the code tree with definitions and measures; coders and admins add, rename, move, merge."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.codes import add_code, list_codes, list_measures, merge_codes, update_code
from workbench.ui import session
from workbench.ui.safe import md


def render() -> None:
    """Render the codebook page."""
    user = session.require_user()
    study = session.study()
    st.title("Codebook")
    codes = list_codes(study)
    measures = {m["id"]: m for m in list_measures(study)}
    query = st.text_input("Search codes", placeholder="id, English or 中文 name, definition")
    flash = st.session_state.pop("codebook_flash", None)
    if flash:
        st.success(md(flash))
    _tree(codes, measures, query.strip().lower())
    if user.may("codebook.edit"):
        st.divider()
        _editor(study, user, codes)


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
        with st.expander(f"**{md(theme['name_en'])}** · {md(theme['name_zh'])} — {total} codings",
                         expanded=bool(query)):
            if theme["definition_en"]:
                st.caption(md(theme["definition_en"]))
            for code in kids:
                _code_card(code, measures)


def _code_card(code: dict[str, Any], measures: dict[str, dict[str, Any]]) -> None:
    with st.container(border=True):
        # data is text: names, ids and the colour are escaped, never HTML (issue 13 finding 2)
        st.markdown(f"**{md(code['name_en'])}** · {md(code['name_zh'])} · {md(code['id'])} · "
                    f"{code['codings']} codings · colour {md(code['color'])}")
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


def _editor(study, user, codes: list[dict[str, Any]]) -> None:
    st.subheader("Edit the codebook")
    ids = [c["id"] for c in codes]
    names = {c["id"]: f"{c['id']} · {c['name_en']}" for c in codes}
    add, rename, move, merge = st.tabs(["Add code", "Rename", "Move", "Merge"])
    with add, st.form("add_code", clear_on_submit=True):
        parent = st.selectbox("Parent", [None, *ids], format_func=lambda i: "(top-level theme)" if i is None else names[i])
        code_id = st.text_input("New code id", placeholder="barriers/new_code")
        name_en = st.text_input("Name (English)")
        name_zh = st.text_input("Name (中文)")
        definition = st.text_area("Definition", height=68)
        if st.form_submit_button("Add code"):
            _run(lambda: add_code(study, code_id=code_id.strip(), parent=parent, name_en=name_en.strip(),
                                  name_zh=name_zh.strip(), definition_en=definition.strip(), by=user),
                 f"Added {code_id}.")
    with rename, st.form("rename_code"):
        target = st.selectbox("Code", ids, format_func=names.get)
        name_en = st.text_input("New English name")
        name_zh = st.text_input("New 中文 name")
        if st.form_submit_button("Rename"):
            changes = {k: v.strip() for k, v in (("name_en", name_en), ("name_zh", name_zh)) if v.strip()}
            _run(lambda: update_code(study, target, by=user, **changes), f"Renamed {target} (its id stays).")
    with move, st.form("move_code"):
        target = st.selectbox("Code", ids, format_func=names.get, key="move_target")
        parent = st.selectbox("New parent", [None, *ids], key="move_parent",
                              format_func=lambda i: "(top level)" if i is None else names[i])
        if st.form_submit_button("Move"):
            _run(lambda: update_code(study, target, by=user, parent_id=parent), f"Moved {target}.")
    with merge, st.form("merge_codes"):
        source = st.selectbox("Merge this code", ids, format_func=names.get, key="merge_source")
        target = st.selectbox("into this code", ids, format_func=names.get, key="merge_target")
        sure = st.checkbox("I understand: every coding of the first code moves to the second, and the first is retired")
        if st.form_submit_button("Merge"):
            if not sure:
                st.error("Tick the confirmation first.")
            else:
                _run(lambda: merge_codes(study, source=source, target=target, by=user), f"Merged {source} into {target}.")


def _run(action, message: str) -> None:
    try:
        action()
    except WorkbenchError as err:
        st.error(md(err))
        return
    st.session_state["codebook_flash"] = message
    st.rerun()


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
