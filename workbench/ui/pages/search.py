"""Search: full-text search over transcripts (English by lemma, Chinese by string) with filters and KWIC."""

from __future__ import annotations

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.analysis.base import groups_present
from workbench.services.codes import list_codes
from workbench.services.coding import apply_code, remove_coding
from workbench.services.search import HIT_UNITS, SearchFilters, hit_spans, search
from workbench.services.transcripts import list_transcripts
from workbench.store.study import Study, User
from workbench.ui import reading, session
from workbench.ui.analysis_view import open_transcript_link
from workbench.ui.exports_view import export_downloads
from workbench.ui.safe import md
from workbench.vocab import LANGUAGES

# "Code all hits" codes every hit of the query, not only the ones listed on the page (up to this many).
CODE_ALL_LIMIT = 5000


def kwic_markdown(hit: dict) -> str:
    """A hit's keyword-in-context line as Markdown that renders the text as text, the match highlighted."""
    return f"{md(hit['left'])}:orange-background[**{md(hit['match'])}**]{md(hit['right'])}"


def render() -> None:
    """Render the search page (every role; coders may code all hits)."""
    user = session.require_user()
    study = session.study()
    st.title("Search")
    st.caption("English words match their other forms (passport, passports); Chinese matches the characters "
               "typed, also one or two (護照, 壓力).")
    query = st.text_input("Search transcripts", key="search_query", placeholder="passport / 護照")
    cols = st.columns(4)
    groups = cols[0].multiselect("Participant group", groups_present(study), key="search_groups", placeholder="all")
    languages = cols[1].multiselect("Language", list(LANGUAGES.values), format_func=LANGUAGES.label,
                                    key="search_languages", placeholder="all")
    people = sorted({r["participant"] for r in list_transcripts(study) if r["participant"]})
    participants = cols[2].multiselect("Participant", people, key="search_participants", placeholder="all")
    codes = cols[3].multiselect("Coded with", [c["id"] for c in list_codes(study)], key="search_codes",
                                placeholder="any passage")
    if not query.strip():
        return
    filters = SearchFilters(groups=tuple(groups), languages=tuple(languages), participants=tuple(participants),
                            codes=tuple(codes))
    try:
        result = search(study, query, filters=filters, limit=200)
    except WorkbenchError as err:
        st.error(md(err))
        return
    terms = f" (matched as: {md(', '.join(result.terms))})" if result.mode == "lemmas" else ""
    st.caption(f"{len(result.hits)} hit(s) in {result.sentences} sentence(s){terms}")
    export_downloads(study, key="search", tables=("search",), filters=filters, options={"query": query.strip()})
    if not result.hits:
        st.info("No passage matches.")
    elif user.may("codings.write"):
        _code_all_hits(study, user, query, filters)
    notes = reading.notes((h["transcript_id"], h["start"] - len(h["left"]), h["end"] + len(h["right"]))
                          for h in result.hits)
    for hit, note in zip(result.hits, notes):
        left, right = st.columns([5, 1])
        with left:
            reading.passage(note, lambda h=hit: st.markdown(kwic_markdown(h)))
        left.caption(md(f"{hit['participant'] or 'no participant'} · {hit['group']} · {hit['transcript']} "
                        f"turn {hit['turn']} · {hit['start']}–{hit['end']}"))
        open_transcript_link(right, hit["transcript"], start=hit["start"], end=hit["end"])


def _code_all_hits(study: Study, user: User, query: str, filters: SearchFilters) -> None:
    """Apply one code to every hit (its sentence, words or turn) after a confirmation; then say what was done."""
    with st.expander("Code all hits", expanded="search_coded" in st.session_state):
        done = st.session_state.get("search_coded")
        if done:
            _coded_summary(study, user, done)
        codes = {c["id"]: f"{c['name_en']} · {c['name_zh'] or ''} ({c['id']})" for c in list_codes(study, counts=False)}
        cols = st.columns(2)
        code = cols[0].selectbox("Code to apply", list(codes), format_func=codes.get, key="search_code_all")
        unit = cols[1].radio("What to code", list(HIT_UNITS), format_func=HIT_UNITS.get, key="search_unit")
        spans = hit_spans(search(study, query, filters=filters, limit=CODE_ALL_LIMIT).hits, unit=unit)
        round_ = st.session_state.get("search_code_round", 0)  # a new key unticks the box after applying
        sure = st.checkbox(md(f"Apply {codes[code]} to {len(spans)} passage(s) as {user.username}"),
                           key=f"search_code_sure_{round_}")
        if st.button("Code all hits", type="primary", disabled=not (sure and spans)):
            outcome = apply_code(study, spans=spans, code_id=code, by=user)
            st.session_state["search_coded"] = {"code": codes[code], **outcome}
            st.session_state["search_code_round"] = round_ + 1
            st.rerun()


def _coded_summary(study: Study, user: User, done: dict) -> None:
    st.success(md(f"Applied {done['code']} to {len(done['applied'])} passage(s); {len(done['already'])} already "
                  f"had it from you; {len(done['failed'])} could not be coded."))
    for _span, message in done["failed"][:10]:
        st.caption(md(message))
    if done["applied"] and st.button("Undo: remove these codings", key="search_undo"):
        for coding_id in done["applied"]:
            remove_coding(study, coding_id, by=user)
        st.session_state["search_coded"] = {**done, "applied": [], "undone": len(done["applied"])}
        st.rerun()
    if done.get("undone"):
        st.info(f"Removed the {done['undone']} coding(s) just applied.")


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
