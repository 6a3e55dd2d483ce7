"""Which framework measures a coding speaks to: confirmed by its coder, or derived from the code's mapping.

The codebook maps each code to measures (code_measures); that mapping is only a default. A coder decides
which measures a passage really speaks to (any measure of the study, mapped or not, or none): a decided
coding speaks to exactly its confirmed measures, and the mapped ones left out are stored as rejected so the
decision can be shown. A coding nobody decided on keeps its code's whole mapping as *derived*. Analysis
counts confirmed attributions, and derived ones only when asked (`Filters.include_derived`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.errors import InputError, NotFoundError
from workbench.store.study import Study, User, now


def check_measures(study: Study, measures: Iterable[str]) -> list[str]:
    """The measure ids, without repeats, in catalogue order; InputError naming any the study does not have."""
    wanted = list(dict.fromkeys(measures))
    known = {r[0]: r[1] for r in study.db.execute("SELECT id, position FROM measures").fetchall()}
    unknown = [m for m in wanted if m not in known]
    if unknown:
        raise InputError(f"no measure {', '.join(map(repr, unknown))} in this study's framework "
                         f"(measures: {', '.join(sorted(known, key=known.__getitem__)) or 'none loaded'})")
    return sorted(wanted, key=known.__getitem__)


def _coding(study: Study, coding_id: int) -> tuple[str, str]:
    row = study.db.execute("SELECT k.code_id, u.username FROM codings k JOIN users u ON u.id = k.coder_id "
                           "WHERE k.id = ?", [coding_id]).fetchone()
    if row is None:
        raise NotFoundError(f"no coding with id {coding_id}")
    return row[0], row[1]


def mapped_measures(study: Study, code_id: str) -> list[str]:
    """The measures the codebook maps a code to (a coding's derived default), in catalogue order."""
    return [r[0] for r in study.db.execute(
        "SELECT cm.measure_id FROM code_measures cm JOIN measures m ON m.id = cm.measure_id "
        "WHERE cm.code_id = ? ORDER BY m.position", [code_id]).fetchall()]


def store_measures(study: Study, actor: User, coding_id: int, code_id: str, measures: list[str]) -> dict[str, list[str]]:
    """Record a decision inside a write already opened by `Study.writing` (measures already checked)."""
    rejected = [m for m in mapped_measures(study, code_id) if m not in measures]
    at = now()
    study.db.execute("DELETE FROM coding_measures WHERE coding_id = ?", [coding_id])
    study.db.conn.executemany(
        "INSERT INTO coding_measures (coding_id, measure_id, status, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)",
        [(coding_id, m, "confirmed", actor.id, at) for m in measures]
        + [(coding_id, m, "rejected", actor.id, at) for m in rejected])
    return {"confirmed": measures, "rejected": rejected}


def set_coding_measures(study: Study, coding_id: int, measures: Iterable[str], *, by: str | User) -> dict[str, list[str]]:
    """Confirm the measures a coding speaks to (empty: none); returns what was confirmed and rejected."""
    chosen = check_measures(study, measures)
    code_id, owner = _coding(study, coding_id)
    with study.writing(by=by, action="codings.write", owner=owner, what=f"coding {coding_id}") as actor:
        decision = store_measures(study, actor, coding_id, code_id, chosen)
        study.audit(actor, "set_measures", "coding", coding_id, decision)
    return decision


def reset_coding_measures(study: Study, coding_id: int, *, by: str | User) -> None:
    """Forget the coder's decision: the coding's measures are derived from its code's mapping again."""
    _code_id, owner = _coding(study, coding_id)
    with study.writing(by=by, action="codings.write", owner=owner, what=f"coding {coding_id}") as actor:
        study.db.execute("DELETE FROM coding_measures WHERE coding_id = ?", [coding_id])
        study.audit(actor, "reset_measures", "coding", coding_id, {})


def coding_measures(study: Study, coding_id: int) -> list[dict[str, Any]]:
    """Every measure of the catalogue for one coding: status confirmed, derived, rejected or None, with titles.

    This is what a measure chooser shows: confirmed ones ticked, derived ones (an undecided coding's mapping)
    ticked and marked as the codebook's default, the rest (rejected, or not chosen) unticked.
    """
    code_id, _owner = _coding(study, coding_id)
    rows = study.db.execute(
        "SELECT m.id, m.pillar, m.title_en, coalesce(nullif(m.title_zh, ''), m.title_en), a.status, "
        "cm.measure_id IS NOT NULL FROM measures m "
        "LEFT JOIN coding_measures a ON a.coding_id = ? AND a.measure_id = m.id "
        "LEFT JOIN code_measures cm ON cm.code_id = ? AND cm.measure_id = m.id ORDER BY m.position, m.id",
        [coding_id, code_id]).fetchall()
    decided = any(row[4] for row in rows)
    return [{"measure": m, "pillar": pillar, "title_en": en, "title_zh": zh, "mapped": bool(mapped),
             "status": status or ("derived" if mapped and not decided else None)}
            for m, pillar, en, zh, status, mapped in rows]


def decided_measures(study: Study, coding_id: int) -> list[str] | None:
    """The measures a coder confirmed on a coding, or None when nobody decided (its measures are derived)."""
    rows = study.db.execute("SELECT measure_id, status FROM coding_measures WHERE coding_id = ?", [coding_id]).fetchall()
    if not rows:
        return None
    return check_measures(study, [m for m, status in rows if status == "confirmed"])
