"""Overview: study figures, progress per transcript, recent activity."""

import pandas as pd
import streamlit as st

from workbench.services import overview, transcripts
from workbench.ui import session
from workbench.ui.safe import md


def render() -> None:
    """Render the overview page."""
    session.require_user()
    study = session.study()
    st.title(md(study.meta("title") or "Study overview"))
    counts = study.counts()
    groups = overview.participants_by_group(study)
    cols = st.columns(5)
    cols[0].metric("Transcripts", counts["transcripts"])
    cols[1].metric("Participants", counts["participants"],
                   help=", ".join(f"{g}: {n}" for g, n in groups.items()) or None)
    cols[2].metric("Codes", counts["codes"])
    cols[3].metric("Codings", counts["codings"], help="Every coder's codings (the Themes page counts passages: "
                                                      "a span coded alike by several coders is one passage)")
    memos = overview.memo_counts(study)
    cols[4].metric("Memos", memos["memos"] + memos["coding_memos"],
                   help=f"{memos['memos']} on the study, transcripts, codes and participants; "
                        f"{memos['coding_memos']} written on codings")
    left, right = st.columns(2)
    with left:
        st.subheader("Participants by group")
        st.dataframe(pd.DataFrame({"group": list(groups), "participants": list(groups.values())}),
                     hide_index=True, width="stretch")
        st.subheader("Codings per coder")
        per_coder = overview.codings_per_coder(study)
        st.dataframe(pd.DataFrame({"coder": list(per_coder), "codings": list(per_coder.values())}),
                     hide_index=True, width="stretch")
    with right:
        st.subheader("Progress per transcript")
        rows = transcripts.list_transcripts(study)
        coders = sorted({c for r in rows for c in r["coders"]})
        table = pd.DataFrame([{"transcript": r["stem"], "participant": r["participant"], "group": r["participant_group"],
                               **{f"coded by {c}": r["coders"].get(c, 0) for c in coders}} for r in rows])
        st.dataframe(table, hide_index=True, width="stretch")
    st.subheader("Recent activity")
    st.dataframe(pd.DataFrame(study.recent_activity(limit=15)), hide_index=True, width="stretch")


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
