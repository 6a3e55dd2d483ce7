"""Importing transcripts: prepare (read, turns, language, segments) without writing, then store in one transaction."""

from __future__ import annotations

import bisect
import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import DuplicateError, InputError, PiiHeld, WorkbenchError
from workbench.services.participants import ParticipantInfo, ensure_participant
from workbench.services.pii_gate import Decision, Gate, Screening, gate_for, record
from workbench.store.schema import index_sentences
from workbench.store.study import Study, User, now
from workbench.text.analysis import Sentence, quiet_gc, sentences_many
from workbench.text.language import detect_language
from workbench.text.offsets import text_hash
from workbench.text.readers import DEFAULT_MAX_BYTES, Cue, Document, file_bytes, read_bytes
from workbench.text.turns import Turn, split_turns

UID_NAMESPACE = uuid.UUID("5b1d3a52-8f43-4c1e-9a57-2f6d3c0e9b11")
IMPORT_CACHE_KIB = 64 * 1024


@dataclass
class PreparedSegment:
    """A turn and its sentences, ready to store (offsets into the document text)."""

    speaker: str | None
    start: int
    end: int
    language: str
    is_interviewer: bool
    t_start_ms: int | None
    t_end_ms: int | None
    sentences: list[Sentence]  # offsets into the document text


@dataclass
class Prepared:
    """Everything an import will store, for previewing before anything is written."""

    document: Document
    sha256: str
    language: str
    speakers: dict[str, int]
    interviewer: str | None
    segments: list[PreparedSegment]
    warnings: list[str] = field(default_factory=list)
    pii: Screening | None = None  # what the PII gate found and did (None: not screened yet; store screens it)

    @property
    def stem(self) -> str:
        """The file name without extension (how the CLI names transcripts)."""
        return Path(self.document.name).stem

    def summary(self) -> dict[str, Any]:
        """Figures to show the researcher before confirming."""
        return {"file": self.document.name, "format": self.document.format, "encoding": self.document.encoding,
                "language": self.language, "characters": len(self.document.text), "turns": len(self.segments),
                "sentences": sum(len(s.sentences) for s in self.segments), "speakers": self.speakers,
                "interviewer": self.interviewer, "warnings": self.warnings,
                "pii": self.pii.audit_detail() if self.pii and self.pii.findings else None}


def prepare(name: str, data: bytes, *, language: str | None = None, interviewer: str | None = None,
            max_bytes: int = DEFAULT_MAX_BYTES, gate: Gate | None = None) -> Prepared:
    """Read and segment a file without touching any study (through the PII gate first, when given one)."""
    document = read_bytes(name, data, max_bytes=max_bytes)
    screening = None
    if gate is not None:  # held files stop here (PiiHeld); the pseudonymised text is what gets segmented
        document, screening = gate.screen(document)
    text = document.text
    if language is not None and language not in ("en", "zh", "mixed"):
        raise InputError(f"language must be en, zh or mixed, not {language!r}", source=name)
    try:
        split = split_turns(text, interviewer=interviewer)
    except ValueError as err:
        raise InputError(str(err), source=name) from err
    doc_language = language or detect_language(text)
    turn_texts = [text[t.start:t.end] for t in split.turns]
    languages = [detect_language(t, default=doc_language) for t in turn_texts]
    with quiet_gc():   # the analysis makes many small objects and no cycles: collecting meanwhile only costs time
        found = _sentences(name, text, split.turns, turn_texts, languages)
        cue_times = _CueIndex(document.cues)
        segments = [PreparedSegment(turn.speaker, turn.start, turn.end, lang,
                                    bool(split.interviewer) and turn.speaker == split.interviewer,
                                    *cue_times.span(turn.start, turn.end), sentences)
                    for turn, lang, sentences in zip(split.turns, languages, found)]
    warnings = []
    if not split.speakers:
        warnings.append("no speaker labels found: each paragraph became a turn without a speaker")
    elif split.interviewer is None:
        warnings.append("could not tell who the interviewer is; name one to mark their turns")
    return Prepared(document=document, sha256=hashlib.sha256(data).hexdigest(), language=doc_language,
                    speakers=dict(Counter(t.speaker for t in split.turns if t.speaker)),
                    interviewer=split.interviewer, segments=segments, warnings=warnings, pii=screening)


def _sentences(name: str, text: str, turns: list[Turn], turn_texts: list[str], languages: list[str]
               ) -> list[list[Sentence]]:
    """Sentences of every turn in one batch; if the analysis fails, the turn it fails on is named by its line."""
    try:
        return sentences_many(turn_texts, languages=languages, offsets=[t.start for t in turns])
    except Exception:  # noqa: BLE001 - found again turn by turn below, to name the line
        pass
    found = []
    for turn, turn_text, language in zip(turns, turn_texts, languages):
        try:
            found.extend(sentences_many([turn_text], languages=[language], offsets=[turn.start]))
        except Exception as err:  # noqa: BLE001 - a bad turn is an input error with its line, never a traceback
            raise InputError(f"this turn could not be split into sentences and words ({type(err).__name__}: "
                             f"{str(err)[:200]})", source=name, line=text.count("\n", 0, turn.start) + 1) from err
    return found


class _CueIndex:
    """Subtitle cues by position, so each turn finds its cues by bisection (a long .vtt has thousands)."""

    def __init__(self, cues: list[Cue]):
        self.cues = cues
        self.ordered = all(a.start <= b.start and a.end <= b.end for a, b in zip(cues, cues[1:]))
        self.ends = [c.end for c in cues]

    def span(self, start: int, end: int) -> tuple[int | None, int | None]:
        """First and last time (ms) of the cues overlapping [start, end), or (None, None)."""
        if self.ordered:
            index, overlapping = bisect.bisect_right(self.ends, start), []
            while index < len(self.cues) and self.cues[index].start < end:
                overlapping.append(self.cues[index])
                index += 1
        else:
            overlapping = [c for c in self.cues if c.start < end and c.end > start]
        if not overlapping:
            return None, None
        return min(c.t_start_ms for c in overlapping), max(c.t_end_ms for c in overlapping)


def store(study: Study, prepared: Prepared, *, participant: ParticipantInfo | None, by: str | User,
          interview_date: str | None = None, interviewer_name: str | None = None) -> int:
    """Write a prepared transcript, its participant and segments in one short transaction; returns its id.

    Everything is computed before the transaction opens, so the study is locked only while rows are written
    (a memo saved meanwhile waits for that, within the busy timeout, and lands).
    """
    text = prepared.document.text
    digest = text_hash(text)
    # Unscreened text passes the study's gate with no decision: anything identifying holds it (PiiHeld).
    screening = prepared.pii or gate_for(study).screen(prepared.document)[1]
    rows = segment_rows(prepared)
    with study.writing(by=by, action="transcripts.import") as actor, _roomy_cache(study):
        clash = study.db.execute(
            "SELECT source_name FROM transcripts WHERE sha256 = ? OR text_hash = ?", [prepared.sha256, digest]
        ).fetchone()
        if clash:
            raise DuplicateError(f"{prepared.document.name}: the same transcript is already in the study "
                                 f"(imported from {clash[0]})")
        participant_id = ensure_participant(study, participant, actor=actor) if participant else None
        cursor = study.db.execute(
            "INSERT INTO transcripts (uid, participant_id, source_name, stem, format, encoding, language, text, "
            "sha256, text_hash, interview_date, interviewer, interviewer_speaker, speakers, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [str(uuid.uuid5(UID_NAMESPACE, digest)), participant_id, prepared.document.name, prepared.stem,
             prepared.document.format, prepared.document.encoding, prepared.language, text,
             prepared.sha256, digest, interview_date, interviewer_name, prepared.interviewer,
             json.dumps(prepared.speakers, ensure_ascii=False), now(), actor.id])
        transcript_id = cursor.lastrowid
        assert transcript_id is not None  # an INSERT always sets lastrowid
        write_segments(study, transcript_id, rows)
        study.audit(actor, "import", "transcript", transcript_id,
                    {"file": prepared.document.name, "sha256": prepared.sha256, "turns": len(prepared.segments)})
        record(study, actor, transcript_id, screening)
    return transcript_id


@dataclass(frozen=True)
class SegmentRows:
    """A prepared transcript's turn and sentence rows, made before any write opens."""

    turns: list[list[Any]]
    sentences: list[list[Any]]


def segment_rows(prepared: Prepared) -> SegmentRows:
    """The rows of a prepared transcript's turns and sentences (sentence text and word places included)."""
    text = prepared.document.text
    turns: list[list[Any]] = []
    sentences: list[list[Any]] = []
    for seq, seg in enumerate(prepared.segments):
        turns.append([seq, seg.start, seg.end, seg.speaker, int(seg.is_interviewer), seg.language,
                      seg.t_start_ms, seg.t_end_ms])
        sentences.extend([seq, s_seq, s.start, s.end, seg.speaker, int(seg.is_interviewer), seg.language, s.words,
                          text[s.start:s.end], s.spans] for s_seq, s in enumerate(seg.sentences))
    return SegmentRows(turns, sentences)


def write_segments(study: Study, transcript_id: int, rows: SegmentRows) -> None:
    """Insert a transcript's turns and sentences and index the sentences; call inside a write."""
    # Ids are given, not read back row by row: the caller's transaction holds the write lock.
    first = study.db.execute("SELECT coalesce(max(id), 0) + 1 FROM segments").fetchone()[0]
    first_sentence, last = first + len(rows.turns), first + len(rows.turns) + len(rows.sentences) - 1
    study.db.conn.executemany(
        'INSERT INTO segments (id, transcript_id, kind, seq, start, "end", speaker, is_interviewer, language, '
        "t_start_ms, t_end_ms) VALUES (?, ?, 'turn', ?, ?, ?, ?, ?, ?, ?, ?)",
        ([first + row[0], transcript_id, *row] for row in rows.turns))
    study.db.conn.executemany(
        'INSERT INTO segments (id, transcript_id, kind, turn_id, seq, start, "end", speaker, is_interviewer, '
        "language, words, text, word_spans) VALUES (?, ?, 'sentence', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ([first_sentence + n, transcript_id, first + row[0], *row[1:]] for n, row in enumerate(rows.sentences)))
    index_sentences(study.db, first=first_sentence, last=last)


@contextmanager
def _roomy_cache(study: Study) -> Iterator[None]:
    """A page cache big enough for one long transcript's rows while they are written (a fifth less time)."""
    before = study.db.execute("PRAGMA cache_size").fetchone()[0]
    study.db.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        study.db.execute(f"PRAGMA cache_size = {int(before)}")


@dataclass
class ImportOutcome:
    """What happened to one file of a batch."""

    file: str
    transcript_id: int | None = None
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    held: list[tuple[int, str]] = field(default_factory=list)  # (line, kind) of each finding of a held file


def import_files(study: Study, paths: Iterable[Path], *, by: str | User, manifest: dict[str, dict[str, Any]] | None = None,
                 participant: ParticipantInfo | None = None, language: str | None = None,
                 interviewer: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 progress: Callable[[str], None] | None = None, pii: Decision | None = None,
                 follow_symlinks: bool = False) -> list[ImportOutcome]:
    """Import files one transaction each; a failure or a held file is reported and the batch goes on."""
    outcomes = []
    gate = gate_for(study, pii)
    for path in paths:
        path = Path(path)
        if progress:
            progress(path.name)
        entry = (manifest or {}).get(path.name)
        if manifest is not None and entry is None:
            outcomes.append(ImportOutcome(path.name, error=f"{path.name}: not listed in the manifest"))
            continue
        try:
            who = ParticipantInfo.from_manifest(entry, source=path.name) if entry else participant
            prepared = prepare(path.name, file_bytes(path, max_bytes=max_bytes, follow_symlinks=follow_symlinks),
                               language=(entry or {}).get("language") or language,
                               interviewer=(entry or {}).get("interviewer_speaker") or interviewer,
                               max_bytes=max_bytes, gate=gate)
            transcript_id = store(study, prepared, participant=who, by=by,
                                  interview_date=_text((entry or {}).get("interview_date")),
                                  interviewer_name=_text((entry or {}).get("interviewer")))
            outcomes.append(ImportOutcome(path.name, transcript_id=transcript_id, summary=prepared.summary()))
        except PiiHeld as err:
            outcomes.append(ImportOutcome(path.name, error=str(err), held=err.findings))
        except WorkbenchError as err:
            outcomes.append(ImportOutcome(path.name, error=str(err)))
    return outcomes


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
