"""Suggestions panel: per code how many were suggested, accepted and rejected; cross-validated quality; retraining in
the background with a progress bar that names the model version it produced."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.suggest import latest_quality, suggestion_counts
from workbench.services.suggest.jobs import Job, job_for, start_retrain
from workbench.services.suggest.methods import METHODS
from workbench.ui import session
from workbench.ui.safe import md
from workbench.ui.suggestion_accountability import accountability_section, quality_explained
from workbench.vocab import LANGUAGES

LANGUAGE_NAMES = {"all": "All", **LANGUAGES.labels()}


def counts_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The per-code counts as a table."""
    return pd.DataFrame([{"code": r["code_id"], "name": r["name_en"], "suggested": r["suggested"], "open": r["open"],
                          "accepted": r["accepted"], "rejected": r["rejected"], "accepted share": r["accept_rate"]}
                         for r in rows])


def quality_frame(evaluation: dict[str, Any]) -> pd.DataFrame:
    """Cross-validated figures as rows of method × language."""
    rows = []
    for method in METHODS.values():
        for language, values in evaluation.get(method.figures_key, {}).items():
            rows.append({"method": method.label(), "language": LANGUAGE_NAMES.get(language, language),
                         "passages": values["passages"], "recall@3": values["recall_at_3"], "P@1": values["p_at_1"]})
    return pd.DataFrame(rows)


def start(study: Any, user: Any) -> None:
    """Start retraining in the background (the page stays usable while it runs)."""
    try:
        start_retrain(study, by=user)
    except WorkbenchError as err:
        st.error(md(err))


def job_status(current: Job | None) -> str | None:
    """What to say about the latest retraining of this study (None if there was none in this session of the app)."""
    if current is None:
        return None
    if current.running:
        return f"Retraining… {current.message} ({current.progress:.0%})"
    if current.state == "failed":
        return f"Retraining failed: {current.error}"
    size = current.result.get("training_size", "?")
    return f"Model {current.version} trained on {size} codings and rejections, and cross-validated."


def progress(study_path: str) -> None:
    """The latest retrain of this study: polled every second while it runs, then its outcome."""
    current = job_for(study_path)
    if current is not None and current.running:
        _running(study_path)
    elif current is not None:
        message = md(job_status(current) or "")
        if current.state == "failed":
            st.error(message)
        else:
            st.success(message)


@st.fragment(run_every=1.0)
def _running(study_path: str) -> None:
    current = job_for(study_path)
    if current is None or not current.running:
        st.rerun(scope="app")   # finished: the figures below come from the new model
        return
    st.progress(current.progress, text=md(job_status(current) or ""))


def render() -> None:
    """Render the suggestions panel."""
    user = session.require_user()
    study = session.study()
    st.title("Suggestions")
    st.caption("Suggestions are never applied by themselves: each one becomes a coding only when a person "
               "accepts it on the coding page. Rejected suggestions teach the learned model what not to suggest.")
    st.subheader("Per code")
    counts = counts_frame(suggestion_counts(study))
    st.dataframe(counts, hide_index=True, width="stretch")
    if user.may("suggestions.generate") and st.button("Retrain and evaluate", icon=":material/model_training:",
                                                      help="Train on the study's codings and the team's accepted and "
                                                           "rejected suggestions, and cross-validate; runs in the "
                                                           "background."):
        start(study, user)
    progress(study.path)
    st.subheader("Quality on this study's codings")
    latest = latest_quality(study)
    evaluation = (latest or {}).get("metrics", {}).get("evaluation")
    if latest is None:
        st.info("No learned model yet. It is trained automatically once suggestions are generated for a coded "
                "study, or now with the Retrain button.")
    else:
        st.caption(f"Model {md(latest['version'])} trained {latest['created_at']} by {md(latest['created_by'])} on "
                   f"{latest['training_size']} codings and rejections.")
    if evaluation:
        st.dataframe(quality_frame(evaluation), hide_index=True, width="stretch")
        st.caption(f"{evaluation['passages']} coded passages in {evaluation['transcripts']} transcripts, "
                   f"cross-validated by transcript. {evaluation['definition']}.")
    elif latest is not None:
        st.info("This model has not been cross-validated yet: press Retrain and evaluate.")
    quality_explained()
    accountability_section(study)


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
