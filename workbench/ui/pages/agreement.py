"""Agreement: how reliable the coding is (α per code, κ per coder pair), and who double-codes which transcript."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.agreement import agreement, agreement_table, assign, assignments, mark_done
from workbench.services.agreement.assignments import coders_done, done_by_all
from workbench.services.analysis import Filters
from workbench.services.charts import agreement_chart
from workbench.services.transcripts import transcript_choices
from workbench.ui import session
from workbench.ui.analysis_view import download_buttons, label_language
from workbench.ui.exports_view import export_downloads
from workbench.ui.safe import md
from workbench.ui.writes import attempt, show_done

FLASH = "agreement_flash"
UNIT_LABELS = {"segment": "Sentences", "character": "Characters"}
EXPLAINED = (
    "**How to read this.** Each transcript is cut into units (sentences, or single characters). For every code, "
    "a coder's value on a unit is *yes* when any of their codings of that code overlaps it. **Percent agreement** "
    "is the share of units where the coders gave the same value; **Cohen's κ** (per pair of coders) and "
    "**Krippendorff's α** (all coders together) correct it for the agreement expected by chance: 1 is perfect, "
    "0 is chance level. Krippendorff advises relying on a code at α ≥ 0.8 and drawing only tentative conclusions "
    "between 0.667 and 0.8. By default the figures leave out units no compared coder coded with anything "
    "(questions, greetings): counting them inflates agreement. The table also gives the figures with them. "
    "Only transcripts every compared coder marked done are compared.")


def render() -> None:
    """Render the agreement page (every role reads it; admins assign, coders mark their transcripts done)."""
    user = session.require_user()
    study = session.study()
    st.title("Agreement")
    show_done(FLASH)
    _figures(study)
    st.divider()
    _assignments(study, user)


def _figures(study: Any) -> None:
    finished = coders_done(study)
    if len(finished) < 2:
        st.info("Agreement needs two or more coders who marked transcripts done. Assign a transcript to two "
                "coders below; each marks it done when finished.")
        return
    cols = st.columns([2, 1, 3])
    coders = cols[0].multiselect("Coders compared", finished, default=finished[:2], key="agreement_coders",
                                 help="Coders who marked at least one transcript done.")
    unit = cols[1].selectbox("Unit", list(UNIT_LABELS), format_func=UNIT_LABELS.get, key="agreement_unit")
    if len(coders) < 2:
        st.warning("Choose two or more coders.")
        return
    done = [stem for _tid, stem in done_by_all(study, coders)]
    picked = cols[2].multiselect("Transcripts", done, key="agreement_transcripts", placeholder="all they finished")
    try:
        result = agreement(study, coders=coders, unit=unit, transcripts=picked or None)
    except WorkbenchError as err:
        st.warning(md(err))
        return
    table = agreement_table(result)
    noun = "sentences" if unit == "segment" else "characters"
    n = len(result.transcripts)
    counted = (f"{', '.join(result.coders)} · {n} transcript{'' if n == 1 else 's'} all of them finished · "
               f"{int(result.overall.units)} coded {noun} (of {int(result.overall_all_units.units)})")
    metrics = st.columns(4)
    metrics[0].metric("Krippendorff's α", _fmt(result.overall.alpha), help="All codes pooled, coded units.")
    kappas = [v for v in result.overall.kappa.values() if v is not None]
    metrics[1].metric("Cohen's κ" + (" (mean of pairs)" if len(result.overall.kappa) > 1 else ""),
                      _fmt(sum(kappas) / len(kappas) if kappas else None))
    metrics[2].metric("Percent agreement", _fmt(result.overall.percent, 1, "%"))
    metrics[3].metric(f"Units ({noun})", int(result.overall.units))
    st.caption(md(counted))
    lang = label_language(key="agreement_lang")
    chart = agreement_chart(table, lang=lang, title=f"Krippendorff's α per code — {counted}")
    st.altair_chart(chart, width="stretch", key="agreement_chart")
    download_buttons(chart, name="agreement_alpha", key="agreement_chart_dl")
    with st.expander("How to read these figures"):
        st.markdown(EXPLAINED)
    st.subheader("Per code")
    st.dataframe(table.drop(columns=["name_zh"]), hide_index=True, width="stretch")
    export_downloads(study, key="agreement", tables=("agreement",),
                     filters=Filters(coders=tuple(coders), transcripts=tuple(picked)), options={"unit": unit})


def _fmt(value: float | None, digits: int = 3, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.{digits}f}{suffix}"


def _assignments(study: Any, user: Any) -> None:
    st.subheader("Double coding: assignments and done marks")
    st.caption("A coder assigned blind sees only their own codings on that transcript until they mark it done.")
    rows = assignments(study)
    mine = [r for r in rows if r["coder"] == user.username and not r["done_at"]]
    if user.may("codings.write") and mine:
        st.markdown("**Your transcripts still open**")
        for row in mine:
            left, right = st.columns([4, 1])
            left.text(f"{row['transcript']}" + (" (blind)" if row["blind"] else ""))
            if right.button("Mark done", key=f"done_{row['transcript_id']}", icon=":material/task_alt:"):
                attempt(lambda r=row: mark_done(study, r["transcript_id"], by=user),
                                     f"{row['transcript']} marked done.", key=FLASH)
    if rows:
        st.dataframe(pd.DataFrame(rows).drop(columns=["transcript_id"]).assign(blind=lambda f: f["blind"].astype(bool)),
                     hide_index=True, width="stretch")
    else:
        st.info("No transcript is assigned yet.")
    if user.may("transcripts.assign"):
        _assign_form(study, user)


def _assign_form(study: Any, user: Any) -> None:
    choices = {t["id"]: t["stem"] for t in transcript_choices(study)}
    coders = [u.username for u in study.coders()]
    with st.form("assign_transcripts", clear_on_submit=True):
        st.markdown("**Assign transcripts**")
        picked = st.multiselect("Transcripts", list(choices), format_func=choices.get)
        who = st.multiselect("Coders", coders)
        blind = st.checkbox("Blind: each coder sees only their own codings until done", value=True)
        if st.form_submit_button("Assign"):
            attempt(lambda: [assign(study, tid, coders=who, by=user, blind=blind) for tid in picked],
                 f"Assigned {len(picked)} transcript(s) to {', '.join(who)}.", key=FLASH)


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
