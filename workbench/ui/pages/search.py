"""Search: full-text search over transcripts (English by lemma, Chinese by string) with filters and KWIC."""

from __future__ import annotations

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.analysis.base import groups_present
from workbench.services.codes import list_codes
from workbench.services.search import SearchFilters, search
from workbench.services.transcripts import list_transcripts
from workbench.ui import session
from workbench.ui.analysis_view import open_transcript_link
from workbench.ui.safe import md
from workbench.vocab import LANGUAGES


def kwic_markdown(hit: dict) -> str:
    """A hit's keyword-in-context line as Markdown that renders the text as text, the match highlighted."""
    return f"{md(hit['left'])}:orange-background[**{md(hit['match'])}**]{md(hit['right'])}"


def render() -> None:
    """Render the search page (every role; nothing here writes)."""
    session.require_user()
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
    if not result.hits:
        st.info("No passage matches.")
    for hit in result.hits:
        left, right = st.columns([5, 1])
        left.markdown(kwic_markdown(hit))
        left.caption(md(f"{hit['participant'] or 'no participant'} · {hit['group']} · {hit['transcript']} "
                        f"turn {hit['turn']} · {hit['start']}–{hit['end']}"))
        open_transcript_link(right, hit["transcript"], start=hit["start"], end=hit["end"])


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
