"""Coding actions that can be undone: each returns a Change, and `undo` puts the rows back exactly as they were.

A Change remembers the codings an action touched as snapshots (see `coding.snapshot_codings`) before and after
it, so undo restores the same coding row (same id, uid, coder and times) rather than creating a new one, and
refuses, changing nothing, when someone has changed those codings since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.errors import InputError
from workbench.services import attributions, coding
from workbench.services.suggest import service as suggestions
from workbench.store.study import Study, User


@dataclass(frozen=True)
class Change:
    """What one coding action did, enough to undo it exactly."""

    action: str                               # apply, remove, change, measures, accept, accept all, reject
    code_ids: tuple[str, ...]                 # the codes it applied, removed or changed (for the confirmation)
    before: tuple[dict[str, Any], ...] = ()   # snapshots of the codings it changed or removed, as they were
    after: tuple[dict[str, Any], ...] = ()    # snapshots of the codings it created or changed, as it left them
    decided: tuple[int, ...] = ()             # suggestions it accepted or rejected

    @property
    def coding_ids(self) -> list[int]:
        """The codings this action touched."""
        return sorted({s["row"]["id"] for s in (*self.before, *self.after)})


def apply_codes(study: Study, *, transcript_id: int, start: int, end: int, code_ids: list[str], by: str | User,
                assessment: str | None = None, memo: str | None = None,
                measures: list[str] | None = None) -> Change:
    """Apply several codes to one passage, all or none (`measures`: confirmed for each; None leaves them derived)."""
    wanted = list(dict.fromkeys(code_ids))
    if not wanted:
        raise InputError("choose at least one code")
    with study.writing(by=by, action="codings.write") as actor:
        ids = [coding.add_coding(study, transcript_id=transcript_id, start=start, end=end, code_id=code, by=actor,
                                 assessment=assessment, memo=memo, measures=measures) for code in wanted]
    return Change("apply", tuple(wanted), after=_snapshots(study, ids))


def remove(study: Study, coding_id: int, *, by: str | User) -> Change:
    """Remove a coding."""
    before = _snapshots(study, [coding_id])
    removed = coding.remove_coding(study, coding_id, by=by)
    return Change("remove", (removed["code_id"],), before=before)


def change(study: Study, coding_id: int, *, by: str | User, code_id: str | None = None,
           assessment: str | None = None, memo: str | None = None) -> Change:
    """Change a coding's code, assessment or memo."""
    before = _snapshots(study, [coding_id])
    coding.update_coding(study, coding_id, by=by, code_id=code_id, assessment=assessment, memo=memo)
    after = _snapshots(study, [coding_id])
    codes = dict.fromkeys((before[0]["row"]["code_id"], after[0]["row"]["code_id"]))
    return Change("change", tuple(codes), before=before, after=after)


def measures(study: Study, coding_id: int, *, by: str | User, confirmed: list[str] | None) -> Change:
    """Confirm the measures a coding speaks to, or (None) let its code's mapping stand again as derived."""
    before = _snapshots(study, [coding_id])
    if confirmed is None:
        attributions.reset_coding_measures(study, coding_id, by=by)
    else:
        attributions.set_coding_measures(study, coding_id, confirmed, by=by)
    return Change("measures", (before[0]["row"]["code_id"],), before=before, after=_snapshots(study, [coding_id]))


def accept(study: Study, suggestion_id: int, *, by: str | User, assessment: str | None = None) -> Change:
    """Accept one suggestion."""
    coding_id = suggestions.accept(study, suggestion_id, by=by, assessment=assessment)
    after = _snapshots(study, [coding_id])
    return Change("accept", (after[0]["row"]["code_id"],), after=after, decided=(suggestion_id,))


def accept_all(study: Study, transcript_id: int, code_id: str, *, by: str | User,
               assessment: str | None = None) -> Change:
    """Accept every open suggestion of one code in one transcript."""
    ids = suggestions.accept_all(study, transcript_id, code_id, by=by, assessment=assessment)
    after = _snapshots(study, ids)
    return Change("accept all", (code_id,), after=after,
                  decided=tuple(s["row"]["suggestion_id"] for s in after))


def reject(study: Study, suggestion_id: int, *, by: str | User) -> Change:
    """Reject one suggestion."""
    code_id = study.db.execute("SELECT code_id FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    suggestions.reject(study, suggestion_id, by=by)
    return Change("reject", (code_id[0],), decided=(suggestion_id,))


def undo(study: Study, done: Change, *, by: str | User) -> None:
    """Undo a Change: remove what it created, put back what it changed or removed, reopen what it decided."""
    with study.writing(by=by, action="codings.write") as actor:
        now = coding.snapshot_codings(study, done.coding_ids)
        for snapshot in done.after:
            if now.get(snapshot["row"]["id"]) != snapshot:
                raise InputError(f"coding {snapshot['row']['id']} has changed since; nothing was undone")
        left = {s["row"]["id"] for s in done.after}
        for snapshot in done.before:
            if snapshot["row"]["id"] not in left and snapshot["row"]["id"] in now:
                raise InputError(f"coding {snapshot['row']['id']} is back already; nothing was undone")
        restored = {s["row"]["id"] for s in done.before}
        for coding_id in sorted(left - restored):
            coding.remove_coding(study, coding_id, by=actor)
        coding.restore_codings(study, list(done.before), by=actor)
        if done.decided:
            suggestions.reopen(study, list(done.decided), by=actor)


def _snapshots(study: Study, coding_ids: list[int]) -> tuple[dict[str, Any], ...]:
    found = coding.snapshot_codings(study, coding_ids)
    return tuple(found[i] for i in coding_ids)
