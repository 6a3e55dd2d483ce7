"""The PII gate on the Import page: a held file's findings in context; pseudonymise them or keep them with a reason."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.errors import InputError, WorkbenchError
from workbench.services.pii_gate import Decision, Gate, names_map
from workbench.store.study import Study
from workbench.text.pii import KINDS, Finding, counts
from workbench.text.readers import read_bytes
from workbench.ui.safe import md

CONTEXT = 30  # characters shown on each side of a finding


@st.cache_data(show_spinner=False, max_entries=64)
def _screen(name: str, digest: str, _data: bytes, names: tuple[tuple[str, str], ...]) -> tuple[str, list[Finding]]:
    # `_data` is not hashed: the digest keys the cache.
    document = read_bytes(name, _data)
    return document.text, Gate(dict(names)).findings(document)


def in_context(text: str, finding: Finding) -> str:
    """The finding with the words around it on one line, marked ⟦…⟧ (for the person deciding; never logged)."""
    left = text[max(0, finding.start - CONTEXT):finding.start]
    right = text[finding.end:finding.end + CONTEXT]
    return " ".join(f"…{left}⟦{finding.value(text)}⟧{right}…".split())


def describe(found: dict[str, int]) -> str:
    """'2 phone numbers, 1 Hong Kong ID card number'-style text from kind counts."""
    return ", ".join(f"{n} × {KINDS[kind].en}" for kind, n in found.items())


def gate_for_upload(study: Study, name: str, digest: str, data: bytes) -> Gate | None:
    """Render the gate for one uploaded file; the gate to prepare it with, or None while it is held."""
    names = tuple(names_map(study).items())
    try:
        text, findings = _screen(name, digest, data, names)
    except WorkbenchError:
        return Gate(dict(names))  # preparing the file reports the reading error
    if not findings:
        return Gate(dict(names))
    key = f"pii_{digest[:12]}"
    decision: Decision | None = st.session_state.get(key)
    if decision is not None:
        _decided(key, decision, findings)
        return Gate(dict(names), decision)
    st.warning(md(f"Held: {len(findings)} likely identifying item(s) — {describe(counts(findings))}. Nothing from "
                  "this file is imported until you pseudonymise them or give a reason to keep them."),
               icon=":material/shield_person:")
    table = pd.DataFrame([{"replace": True, "line": f.line, "kind": KINDS[f.kind].en,
                           "becomes": f.replacement or f"[{KINDS[f.kind].tag}-n]", "in context": in_context(text, f)}
                          for f in findings])
    edited = st.data_editor(table, key=f"{key}_table", hide_index=True, width="stretch",
                            disabled=["line", "kind", "becomes", "in context"],
                            column_config={"replace": st.column_config.CheckboxColumn(
                                "Replace", help="Untick an item that is not identifying (needs a reason).")})
    reason = st.text_input("Reason to keep identifying data", key=f"{key}_reason",
                           help="Needed to import as is or to leave an unticked item; recorded in the audit log.")
    cols = st.columns(2)
    keep = frozenset(i for i, ticked in enumerate(edited["replace"]) if not ticked)
    chosen = None
    if cols[0].button("Pseudonymise", key=f"{key}_pseudonymise", type="primary", icon=":material/masks:",
                      help="Replace the ticked items with placeholders such as [PHONE-1]; listed names become pseudonyms."):
        chosen = Decision(pseudonymise=True, reason=reason.strip() or None, keep=keep)
    if cols[1].button("Import as is", key=f"{key}_keep", help="Keep every item in the text, for the reason given."):
        chosen = Decision.override(reason)
    if chosen is not None:
        try:
            chosen.check(findings)
        except InputError as err:
            st.error(md(str(err)))
            return None
        st.session_state[key] = chosen
        st.rerun()
    return None


def _decided(key: str, decision: Decision, findings: list[Finding]) -> None:
    replaced = [f for i, f in enumerate(findings) if decision.pseudonymise and i not in decision.keep]
    kept = [f for f in findings if f not in replaced]
    parts = []
    if replaced:
        parts.append(f"{len(replaced)} item(s) will be replaced ({describe(counts(replaced))})")
    if kept:
        parts.append(f"{len(kept)} kept ({describe(counts(kept))}) because: {decision.reason}")
    cols = st.columns([5, 1])
    cols[0].success(md("; ".join(parts) + "."), icon=":material/verified_user:")
    if cols[1].button("Change", key=f"{key}_change"):
        del st.session_state[key]
        st.rerun()
