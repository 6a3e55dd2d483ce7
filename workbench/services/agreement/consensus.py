"""The disagreement queue and the consensus layer.

A disagreement is a run of neighbouring sentences where the compared coders differ on one code (some
applied it, some did not). Resolving one chooses a coder's version, merges the coders' codings into
one, writes a new consensus coding, or decides the code does not apply; each decision is kept in
`resolutions` with who made it and a snapshot of the codings it was made from.

The consensus layer is the codings of the reserved account `@consensus` (see schema 0009): every
analysis reads it through `Filters(layer="consensus")`, and the coding_counts triggers count it like
any coder. Agreed passages enter it through `adopt_agreements`; consensus codings of one code never
overlap (a new one is joined with those it touches).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.errors import InputError, NotFoundError
from workbench.services.agreement.report import coding_spans, compared
from workbench.services.agreement.units import unit_table
from workbench.services.codes import TREE_CTE
from workbench.services.coding import add_coding, remove_coding
from workbench.services.transcripts import rows_of, transcript_text
from workbench.store.schema import CONSENSUS_USER
from workbench.store.study import Study, User, now

HOW = ("chosen", "merged", "written", "uncoded")


def consensus_account(study: Study) -> User:
    """The reserved account whose codings are the consensus layer (it cannot log in)."""
    row = study.db.execute("SELECT id, username, display_name, role FROM users WHERE username = ?",
                           [CONSENSUS_USER]).fetchone()
    if row is None:
        raise NotFoundError("this study has no consensus account (open it with this version to migrate it)")
    return User(*row)


@dataclass(frozen=True)
class Queue:
    """The disagreements of some coders on the transcripts they all finished, and how many are resolved."""

    coders: list[str]
    transcripts: list[str]
    items: list[dict[str, Any]]
    resolved: int


def _codings(study: Study, transcript_ids: list[int], coders: list[str]) -> list[dict[str, Any]]:
    marks_t, marks_c = ", ".join("?" * len(transcript_ids)), ", ".join("?" * len(coders))
    return rows_of(study, 'SELECT k.id, k.uid, k.transcript_id, k.start, k."end", k.code_id, u.username AS coder, '
                          "k.snippet, k.assessment, k.memo FROM codings k JOIN users u ON u.id = k.coder_id "
                          f"WHERE k.transcript_id IN ({marks_t}) AND u.username IN ({marks_c}) ORDER BY k.start",
                   [*transcript_ids, *coders])


def _resolutions(study: Study, transcript_ids: list[int]) -> list[dict[str, Any]]:
    marks = ", ".join("?" * len(transcript_ids))
    return rows_of(study, 'SELECT r.id, r.transcript_id, r.code_id, r.start, r."end", r.kind, r.coding_uids, '
                          "r.sources, r.note, u.username AS resolved_by, r.resolved_at, c.username AS chosen_coder "
                          "FROM resolutions r JOIN users u ON u.id = r.resolved_by "
                          "LEFT JOIN users c ON c.id = r.chosen_coder_id "
                          f"WHERE r.transcript_id IN ({marks}) ORDER BY r.id", transcript_ids)


def _by_place(rows: list[dict[str, Any]]) -> dict[tuple[int, str], list[dict[str, Any]]]:
    """Rows grouped by (transcript, code), so each passage looks only at its own."""
    grouped: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault((row["transcript_id"], row["code_id"]), []).append(row)
    return grouped


def _below(study: Study, codes: list[str]) -> set[str]:
    """The codes given and every code under them."""
    rows = study.db.execute(f"WITH RECURSIVE {TREE_CTE} SELECT id, path FROM tree").fetchall()
    return {code for code, path in rows if any(f">{c}>" in path for c in codes)}


def disagreements(study: Study, *, coders: list[str] | None = None, transcripts: list[str] | None = None,
                  codes: list[str] | None = None, include_resolved: bool = False) -> Queue:
    """Passages where the coders differ on a code, in transcript and text order (filters: coders, stems, codes)."""
    chosen, done = compared(study, coders=coders, transcripts=transcripts)
    ids, stems = [d[0] for d in done], dict(done)
    table = unit_table(study, coding_spans(study, coders=chosen, transcript_ids=ids), raters=chosen,
                       transcript_ids=ids, unit="segment")
    wanted = _below(study, codes) if codes else None
    codings = _by_place(_codings(study, ids, chosen))
    decided = _by_place(_resolutions(study, ids))
    names = dict(study.db.execute("SELECT id, name_en FROM codes").fetchall())
    texts: dict[int, str] = {}
    items: list[dict[str, Any]] = []
    resolved = 0
    for index, code in enumerate(table.codes):
        if wanted is not None and code not in wanted:
            continue
        column = table.values[:, :, index]
        differs = np.flatnonzero(~np.all(column == column[0], axis=0))
        for run in _runs(differs, column, table.places):
            tid, start, end = table.places[run[0]][0], table.places[run[0]][1], table.places[run[-1]][2]
            settled = [r for r in decided.get((tid, code), []) if r["start"] < end and start < r["end"]]
            resolved += bool(settled)
            if settled and not include_resolved:
                continue
            if tid not in texts:
                texts[tid] = transcript_text(study, tid)
            found = [k for k in codings.get((tid, code), []) if k["start"] < end and start < k["end"]]
            items.append({"transcript_id": tid, "transcript": stems[tid], "code_id": code,
                          "name_en": names.get(code, code), "start": start, "end": end,
                          "passage": texts[tid][start:end],
                          "applied": {c: bool(column[i, run].any()) for i, c in enumerate(chosen)},
                          "codings": {c: [k for k in found if k["coder"] == c] for c in chosen},
                          "resolutions": settled})
    items.sort(key=lambda i: (i["transcript"], i["start"], i["code_id"]))
    return Queue(coders=chosen, transcripts=[d[1] for d in done], items=items, resolved=resolved)


def _runs(units: np.ndarray, column: np.ndarray, places: list[tuple[int, int, int]]) -> list[list[int]]:
    """Neighbouring units of one transcript with the same values, as lists of unit indexes."""
    runs: list[list[int]] = []
    for u in units.tolist():
        if runs and runs[-1][-1] == u - 1 and places[u][0] == places[u - 1][0] and (
                column[:, u] == column[:, u - 1]).all():
            runs[-1].append(u)
        else:
            runs.append([u])
    return runs


def _sources(study: Study, *, transcript_id: int, code_id: str, start: int, end: int,
             coders: list[str]) -> list[dict[str, Any]]:
    return [k for k in _codings(study, [transcript_id], coders)
            if k["code_id"] == code_id and k["start"] < end and start < k["end"]]


def resolve(study: Study, *, transcript_id: int, code_id: str, start: int, end: int, how: str, by: str | User,
            coders: list[str], coder: str | None = None, span: tuple[int, int] | None = None,
            passage: str | None = None, new_code: str | None = None, assessment: str | None = None,
            memo: str | None = None, note: str | None = None) -> int:
    """Settle the disagreement on a passage; returns the resolution's id.

    how: 'chosen' takes `coder`'s codings there (none: the code does not apply), 'merged' joins every
    coder's codings there into one, 'written' adds a consensus coding of `span` (or of the text `passage`,
    found nearest the disagreement; default: the disputed passage) with `new_code` (default: the code in
    question), 'uncoded' decides the code does not apply.
    """
    if how not in HOW:
        raise InputError(f"resolve by one of {', '.join(HOW)}, not {how!r}")
    if how == "chosen" and coder not in coders:
        raise InputError(f"choose one of the compared coders ({', '.join(coders)}), not {coder!r}")
    with study.writing(by=by, action="codings.resolve") as actor:
        sources = _sources(study, transcript_id=transcript_id, code_id=code_id, start=start, end=end, coders=coders)
        made: list[tuple[int, int, str]] = []  # (start, end, uid) of the consensus codings this decision made
        kind = how
        if how == "chosen":
            picked = [k for k in sources if k["coder"] == coder]
            kind = "chosen" if picked else "uncoded"
            made = [_put(study, transcript_id, code_id, k["start"], k["end"], assessment=k["assessment"],
                         memo=k["memo"]) for k in picked]
        elif how == "merged":
            if not sources:
                raise InputError("no coder applied this code here: nothing to merge")
            found = {k["assessment"] for k in sources}
            made = [_put(study, transcript_id, code_id, min(k["start"] for k in sources),
                         max(k["end"] for k in sources), memo=memo,
                         assessment=assessment if assessment is not None or len(found) != 1 else found.pop())]
        elif how == "written":
            s, e = span or (locate(study, transcript_id, passage, near=start) if passage else (start, end))
            made = [_put(study, transcript_id, new_code or code_id, s, e, assessment=assessment, memo=memo)]
        covered = [start, end, *(p for m in made for p in m[:2]), *(p for k in sources for p in (k["start"], k["end"]))]
        resolution = _record(study, actor, transcript_id=transcript_id, code_id=code_id, start=min(covered),
                             end=max(covered), kind=kind, uids=[m[2] for m in made], sources=sources, coders=coders,
                             chosen=coder if how == "chosen" else None, note=note)
        study.audit(actor, "resolve", "disagreement", resolution, {"transcript": transcript_id, "code": code_id,
                                                                   "how": kind, "codings": len(made)})
    return resolution


def locate(study: Study, transcript_id: int, passage: str, *, near: int) -> tuple[int, int]:
    """The span of a passage of the transcript, the occurrence nearest a position (InputError if absent)."""
    text, passage = transcript_text(study, transcript_id), passage.strip()
    if not passage:
        raise InputError("the consensus passage is empty")
    found, at = [], text.find(passage)
    while at >= 0:
        found.append(at)
        at = text.find(passage, at + 1)
    if not found:
        raise InputError("the consensus passage must be text of this transcript (copy it from the passage shown)")
    best = min(found, key=lambda a: abs(a - near))
    return best, best + len(passage)


def adopt_agreements(study: Study, *, by: str | User, coders: list[str] | None = None,
                     transcripts: list[str] | None = None) -> int:
    """Put every passage all compared coders coded alike into the consensus layer; returns how many were added."""
    actor = study.actor(by, action="codings.resolve")  # a reviewer is refused before any work
    chosen, done = compared(study, coders=coders, transcripts=transcripts)
    ids = [d[0] for d in done]
    with study.writing(by=actor, action="codings.resolve") as actor:
        table = unit_table(study, coding_spans(study, coders=chosen, transcript_ids=ids), raters=chosen,
                           transcript_ids=ids, unit="segment")
        codings = _by_place(_codings(study, ids, chosen))
        layer = consensus_account(study).id
        added = 0
        for index, code in enumerate(table.codes):
            column = table.values[:, :, index]
            for run in _runs(np.flatnonzero(column.all(axis=0)), column, table.places):
                tid, start, end = table.places[run[0]][0], table.places[run[0]][1], table.places[run[-1]][2]
                sources = [k for k in codings.get((tid, code), []) if k["start"] < end and start < k["end"]]
                s = max(start, min(k["start"] for k in sources))
                e = min(end, max(k["end"] for k in sources))
                if study.db.execute('SELECT 1 FROM codings WHERE coder_id = ? AND transcript_id = ? AND code_id = ? '
                                    'AND start <= ? AND "end" >= ?', [layer, tid, code, s, e]).fetchone():
                    continue
                found = {k["assessment"] for k in sources}
                made = _put(study, tid, code, s, e, assessment=found.pop() if len(found) == 1 else None, memo=None)
                _record(study, actor, transcript_id=tid, code_id=code, start=s, end=e, kind="agreed", uids=[made[2]],
                        sources=sources, coders=chosen, chosen=None, note=None)
                added += 1
        study.audit(actor, "adopt", "agreements", None, {"coders": chosen, "transcripts": len(ids), "added": added})
    return added


def _put(study: Study, transcript_id: int, code_id: str, start: int, end: int, *, assessment: str | None,
         memo: str | None) -> tuple[int, int, str]:
    """Add a consensus coding, joined with the consensus codings of the same code it overlaps; (start, end, uid)."""
    layer = consensus_account(study)
    if end <= start:
        raise InputError("a consensus coding needs a passage of at least one character")
    overlapping = rows_of(study, 'SELECT id, uid, start, "end", assessment, memo FROM codings WHERE coder_id = ? '
                                 'AND transcript_id = ? AND code_id = ? AND start < ? AND "end" > ?',
                          [layer.id, transcript_id, code_id, end, start])
    if len(overlapping) == 1 and overlapping[0]["start"] <= start and overlapping[0]["end"] >= end and (
            assessment is None or overlapping[0]["assessment"] == assessment):
        return overlapping[0]["start"], overlapping[0]["end"], overlapping[0]["uid"]
    assessments = {o["assessment"] for o in overlapping if o["assessment"]} | ({assessment} if assessment else set())
    memos = [m for m in dict.fromkeys([*(o["memo"] for o in overlapping), memo]) if m]
    start = min([start, *(o["start"] for o in overlapping)])
    end = max([end, *(o["end"] for o in overlapping)])
    for old in overlapping:
        remove_coding(study, old["id"], by=layer)
    coding_id = add_coding(study, transcript_id=transcript_id, start=start, end=end, code_id=code_id, by=layer,
                           assessment=assessment if assessment else (assessments.pop() if len(assessments) == 1 else None),
                           memo="\n".join(memos) or None)
    row = study.db.execute('SELECT start, "end", uid FROM codings WHERE id = ?', [coding_id]).fetchone()
    for old in overlapping:  # decisions that made the joined codings now point at the one that holds them
        for rid, uids in study.db.execute("SELECT id, coding_uids FROM resolutions WHERE instr(coding_uids, ?) > 0",
                                          [old["uid"]]).fetchall():
            renamed = [row[2] if u == old["uid"] else u for u in json.loads(uids)]
            study.db.execute("UPDATE resolutions SET coding_uids = ? WHERE id = ?",
                             [json.dumps(list(dict.fromkeys(renamed))), rid])
    return row[0], row[1], row[2]


def _record(study: Study, actor: User, *, transcript_id: int, code_id: str, start: int, end: int, kind: str,
            uids: list[str], sources: list[dict[str, Any]], coders: list[str], chosen: str | None,
            note: str | None) -> int:
    snapshot = [{"uid": k["uid"], "coder": k["coder"], "start": k["start"], "end": k["end"],
                 "assessment": k["assessment"]} for k in sources]  # never the text
    chosen_id = study.user(chosen).id if chosen else None
    rid = study.db.execute(
        'INSERT INTO resolutions (transcript_id, code_id, start, "end", kind, coding_uids, chosen_coder_id, sources, '
        "coders, note, resolved_by, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [transcript_id, code_id, start, end, kind, json.dumps(uids), chosen_id, json.dumps(snapshot),
         json.dumps(coders), note or None, actor.id, now()]).lastrowid
    assert rid is not None
    return rid


def provenance(study: Study, coding_uid: str) -> list[dict[str, Any]]:
    """The decisions behind a consensus coding: kind, who resolved it when, and the codings it came from."""
    rows = rows_of(study, 'SELECT r.id, r.kind, r.start, r."end", r.code_id, r.sources, r.note, u.username AS '
                          "resolved_by, r.resolved_at, c.username AS chosen_coder FROM resolutions r "
                          "JOIN users u ON u.id = r.resolved_by LEFT JOIN users c ON c.id = r.chosen_coder_id "
                          "WHERE instr(r.coding_uids, ?) > 0 ORDER BY r.id", [coding_uid])
    for row in rows:
        row["sources"] = json.loads(row["sources"])
    return rows


def consensus_counts(study: Study) -> dict[str, int]:
    """How big the consensus layer is: codings, and decisions by kind."""
    layer = consensus_account(study).id
    counts = {"codings": study.db.execute("SELECT count(*) FROM codings WHERE coder_id = ?", [layer]).fetchone()[0]}
    for kind, n in study.db.execute("SELECT kind, count(*) FROM resolutions GROUP BY kind").fetchall():
        counts[kind] = n
    return counts
