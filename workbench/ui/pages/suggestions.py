"""Suggestions panel: per code how many were suggested, accepted and rejected; cross-validated quality; retrain."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.services.suggest import latest_quality, retrain, suggestion_counts
from workbench.services.suggest.methods import METHODS
from workbench.ui import session
from workbench.ui.safe import md
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


def run_retrain(study: Any, user: Any) -> None:
    """Retrain and evaluate with a progress bar inside a status box."""
    with st.status("Retraining the learned suggester…", expanded=True) as status:
        bar = st.progress(0.0, text="starting")
        try:
            result = retrain(study, by=user, progress=lambda fraction, message: bar.progress(
                min(max(fraction, 0.0), 1.0), text=message))
        except WorkbenchError as err:
            status.update(label=md(err), state="error")
            return
        status.update(label=f"Model {result['version']} trained on {result['training_size']} codings "
                            "and rejections, and cross-validated.", state="complete", expanded=False)


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
                                                      help="Train on the study's codings now and cross-validate."):
        run_retrain(study, user)
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


if __name__ == "__main__":  # run by st.navigation as a page script; importing it has no effect
    render()
