"""Disagreements: passages where double coders differ, side by side, resolved into the consensus layer."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.agreement import adopt_agreements, consensus_counts, disagreements, resolve
from workbench.services.agreement.assignments import coders_done
from workbench.services.codes import list_codes
from workbench.ui import session
from workbench.ui.safe import md, md_quote
from workbench.ui.writes import attempt, show_done
from workbench.vocab import ASSESSMENTS

FLASH = "disagreements_flash"
WAYS = {"merged": "Merge the coders' codings into one", "written": "Write a consensus coding",
        "uncoded": "The code does not apply here"}


def render() -> None:
    """Render the disagreement queue (coders and admins: resolving writes the consensus layer)."""
    user = session.require_user()
    study = session.study()
    st.title("Disagreements")
    st.caption("Passages of double-coded, finished transcripts where the coders differ on a code (units: sentences; "
               "neighbouring sentences with the same difference form one passage). Each decision is kept with who "
               "made it and the codings it came from; the result is the consensus layer the analysis pages can count.")
    show_done(FLASH)
    finished = coders_done(study)
    if len(finished) < 2:
        st.info("Nothing to compare yet: two or more coders must mark the same transcript done (Agreement page).")
        return
    cols = st.columns(3)
    coders = cols[0].multiselect("Coders compared", finished, default=finished[:2], key="dis_coders")
    codes = cols[1].multiselect("Theme or code", [c["id"] for c in list_codes(study, counts=False)], key="dis_codes",
                                placeholder="all")
    stems = cols[2].multiselect("Transcripts", _finished_stems(study, coders), key="dis_transcripts",
                                placeholder="all")
    if len(coders) < 2:
        st.warning("Choose two or more coders.")
        return
    try:
        queue = disagreements(study, coders=coders, transcripts=stems or None, codes=codes or None)
    except WorkbenchError as err:
        st.warning(md(err))
        return
    counts = consensus_counts(study)
    metrics = st.columns(3)
    metrics[0].metric("Unresolved", len(queue.items))
    metrics[1].metric("Resolved", queue.resolved)
    metrics[2].metric("Consensus codings", counts["codings"])
    if st.button("Adopt the agreed passages into the consensus layer", icon=":material/done_all:",
                 help="Every passage all compared coders coded with the same code becomes one consensus coding."):
        attempt(lambda: adopt_agreements(study, coders=coders, transcripts=stems or None, by=user),
             "Agreed passages adopted into the consensus layer.", key=FLASH)
    if not queue.items:
        st.success("No unresolved disagreements for these filters.")
        return
    labels = [f"{n + 1}/{len(queue.items)} · {i['transcript']} · {i['name_en']} · at {i['start']}"
              for n, i in enumerate(queue.items)]
    index = st.selectbox("Disagreement", range(len(labels)), format_func=labels.__getitem__, key="dis_item")
    _item(study, user, queue.items[index or 0], coders)


def _finished_stems(study: Any, coders: list[str]) -> list[str]:
    from workbench.services.agreement.assignments import done_by_all

    return [stem for _tid, stem in done_by_all(study, coders)]


def _item(study: Any, user: Any, item: dict[str, Any], coders: list[str]) -> None:
    st.markdown(f"**{md(item['name_en'])}** · {md(item['code_id'])} · {md(item['transcript'])}, "
                f"characters {item['start']}–{item['end']}")
    st.markdown(md_quote(item["passage"]))
    sides = st.columns(len(coders))
    for side, coder in zip(sides, coders):
        with side.container(border=True):
            st.markdown(f"**{md(coder)}** — {'applied the code' if item['applied'][coder] else 'did not apply it'}")
            for coding in item["codings"][coder]:
                st.markdown(md_quote(coding["snippet"], limit=400))
                details = [ASSESSMENTS.label(coding["assessment"]) if coding["assessment"] else "not assessed"]
                if coding["memo"]:
                    details.append(f"memo: {coding['memo']}")
                st.caption(md(" · ".join(details)))
    if not user.may("codings.resolve"):
        st.caption("Reviewers read the queue; coders and admins resolve it.")
        return
    ways = {**{f"chosen:{c}": f"Take {c}'s version" for c in coders}, **WAYS}
    key = f"{item['transcript_id']}_{item['code_id']}_{item['start']}"
    with st.form(f"resolve_{key}"):
        how = st.radio("Resolve by", list(ways), format_func=lambda w: md(ways[w]), key=f"how_{key}")
        with st.expander("Consensus coding (for “Write a consensus coding”)"):
            passage = st.text_area("Passage", value=item["passage"], key=f"passage_{key}",
                                   help="Shorten or extend it with text of this transcript.")
            codes = [c["id"] for c in list_codes(study, counts=False)]
            code = st.selectbox("Code", codes, index=codes.index(item["code_id"]) if item["code_id"] in codes else 0,
                                key=f"code_{key}")
            assessment = st.selectbox("Assessment", [None, *ASSESSMENTS.values], key=f"assess_{key}",
                                      format_func=lambda a: "not assessed" if a is None else ASSESSMENTS.label(a))
            memo = st.text_input("Memo", key=f"memo_{key}")
        note = st.text_input("Note on the decision (optional)", key=f"note_{key}")
        if st.form_submit_button("Resolve", type="primary"):
            way, _, coder = how.partition(":")
            attempt(lambda: resolve(study, transcript_id=item["transcript_id"], code_id=item["code_id"],
                                 start=item["start"], end=item["end"], how=way, coder=coder or None, coders=coders,
                                 passage=passage if way == "written" else None, new_code=code,
                                 assessment=assessment if way == "written" else None,
                                 memo=memo if way == "written" else None, note=note, by=user),
                 f"Resolved: {item['name_en']} in {item['transcript']} ({ways[how]}).", key=FLASH)


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
