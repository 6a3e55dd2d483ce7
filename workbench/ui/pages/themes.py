"""Themes: theme → code → quotes with pseudonym, group, transcript and turn; filters; open in transcript."""

from __future__ import annotations

import streamlit as st

from workbench.services.analysis import code_frequencies, quotes
from workbench.ui import session
from workbench.ui.analysis_view import filter_widgets, label_language, show_quotes
from workbench.ui.safe import md


def render() -> None:
    """Render the themes page (every role; nothing here writes)."""
    session.require_user()
    study = session.study()
    st.title("Themes")
    st.caption("Coded passages grouped by theme and code. Quotes come from fictional or anonymised "
               "transcripts; pseudonyms only. Open a quote to read it in its transcript.")
    lang = label_language(key="themes_lang")
    filters = filter_widgets(study, key="themes")
    table = quotes(study, filters=filters)
    if table.empty:
        st.info("No coded passages match these filters." if filters.describe() else "Nothing has been coded yet.")
        return
    themes = code_frequencies(study, level="theme", filters=filters)
    codes = code_frequencies(study, level="code", filters=filters)
    name = "name_zh" if lang == "zh" else "name_en"
    st.caption(f"{len(table)} passages from {table['participant'].nunique()} participants"
               + (f" — filtered by {md(filters.describe())}" if filters.describe() else ""))
    for theme in themes.itertuples(index=False):
        in_theme = table[table["theme"] == theme.code]
        label = f"{md(getattr(theme, name))} — {theme.participants} participants, {len(in_theme)} passages"
        with st.expander(label, expanded=False):
            for code in codes[codes["theme"] == theme.code].itertuples(index=False):
                passages = in_theme[in_theme["code"] == code.code]
                st.markdown(f"**{md(getattr(code, name))}** {md(code.code)} — {code.participants} participants, "
                            f"{code.transcripts} transcripts, {len(passages)} passages")
                show_quotes(passages, key=f"themes_{code.code}")


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
