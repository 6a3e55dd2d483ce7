"""Transcripts: list with filters, open one in the coding page."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from workbench.services import transcripts
from workbench.ui import session, transcript_edit
from workbench.ui.pages import script_for
from workbench.ui.writes import show_done
from workbench.vocab import GROUPS, LANGUAGES


def render() -> None:
    """Render the transcripts list."""
    user = session.require_user()
    study = session.study()
    st.title("Transcripts")
    show_done(transcript_edit.DONE)
    cols = st.columns(3)
    group = cols[0].selectbox("Participant group", ["all", *GROUPS.values])
    language = cols[1].selectbox("Language", ["all", *LANGUAGES.values],
                                 format_func=lambda v: "all" if v == "all" else LANGUAGES.label(v))
    coders = [u.username for u in study.coders()]
    progress = cols[2].selectbox("Coder progress", ["all", *[f"not yet coded by {c}" for c in coders],
                                                    *[f"coded by {c}" for c in coders]])
    rows = transcripts.list_transcripts(study, group=None if group == "all" else group,
                                     language=None if language == "all" else language)
    if progress != "all":
        coder = progress.rsplit(" ", 1)[-1]
        wanted = not progress.startswith("not")
        rows = [r for r in rows if (r["coders"].get(coder, 0) > 0) == wanted]
    if not rows:
        st.info("No transcripts match these filters.")
        return
    table = pd.DataFrame([{
        "open": f"coding?{urlencode({'transcript': r['stem']})}", "transcript": r["stem"], "participant": r["participant"],
        "group": r["participant_group"], "language": r["language"], "format": r["format"], "turns": r["turns"],
        "characters": r["characters"], "codings": r["codings"],
        "by coder": ", ".join(f"{k}: {v}" for k, v in sorted(r["coders"].items())),
    } for r in rows])
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"open": st.column_config.LinkColumn("open", display_text="Open in coding")})
    st.caption(f"{len(rows)} transcript(s). Links open the coding page on that transcript in a new tab.")
    chosen = st.selectbox("Transcript", [r["stem"] for r in rows])
    if st.button("Open in coding", type="primary"):
        st.switch_page(script_for("coding"), query_params={"transcript": chosen})
    if not user.may("transcripts.import"):
        return
    chosen_id = next(r["id"] for r in rows if r["stem"] == chosen)
    st.divider()
    sections = ["Participants", "Correct the text"]
    if user.may("transcripts.delete"):
        sections.append("Delete transcript")
    tabs = st.tabs(sections)
    with tabs[0]:
        transcript_edit.participants_section(study, user)
    with tabs[1]:
        transcript_edit.correction_section(study, user, chosen_id)
    if len(tabs) > 2:
        with tabs[2]:
            transcript_edit.delete_section(study, user, chosen_id)


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
