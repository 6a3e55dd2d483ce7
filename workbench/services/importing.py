"""Importing transcripts: prepare (read, turns, language, segments) without writing, then store in one transaction."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import DuplicateError, InputError, PiiHeld, WorkbenchError
from workbench.services.participants import ParticipantInfo, ensure_participant
from workbench.services.pii_gate import Decision, Gate, Screening, gate_for, record
from workbench.store.study import Study, User, now
from workbench.text.language import detect_language
from workbench.text.nlp import analyse_many
from workbench.text.offsets import text_hash
from workbench.text.readers import DEFAULT_MAX_BYTES, Document, file_bytes, read_bytes
from workbench.text.turns import split_turns

UID_NAMESPACE = uuid.UUID("5b1d3a52-8f43-4c1e-9a57-2f6d3c0e9b11")


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
    sentences: list[tuple[int, int, str]]  # start, end, normalised words


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
    turn_languages = [detect_language(text[t.start:t.end], default=doc_language) for t in split.turns]
    analyses = analyse_many([text[t.start:t.end] for t in split.turns], languages=turn_languages)
    segments = []
    for turn, lang, analysis in zip(split.turns, turn_languages, analyses):
        t_start, t_end = _cue_times(document, turn.start, turn.end)
        sentences = []
        for s_start, s_end in analysis.sentences:
            words = " ".join(w.norm for w in analysis.words if w.start >= s_start and w.end <= s_end)
            sentences.append((turn.start + s_start, turn.start + s_end, words))
        segments.append(PreparedSegment(turn.speaker, turn.start, turn.end, lang,
                                        bool(split.interviewer) and turn.speaker == split.interviewer,
                                        t_start, t_end, sentences))
    warnings = []
    if not split.speakers:
        warnings.append("no speaker labels found: each paragraph became a turn without a speaker")
    elif split.interviewer is None:
        warnings.append("could not tell who the interviewer is; name one to mark their turns")
    return Prepared(document=document, sha256=hashlib.sha256(data).hexdigest(), language=doc_language,
                    speakers=dict(Counter(t.speaker for t in split.turns if t.speaker)),
                    interviewer=split.interviewer, segments=segments, warnings=warnings, pii=screening)


def _cue_times(document: Document, start: int, end: int) -> tuple[int | None, int | None]:
    overlapping = [c for c in document.cues if c.start < end and c.end > start]
    if not overlapping:
        return None, None
    return min(c.t_start_ms for c in overlapping), max(c.t_end_ms for c in overlapping)


def store(study: Study, prepared: Prepared, *, participant: ParticipantInfo | None, by: str | User,
          interview_date: str | None = None, interviewer_name: str | None = None) -> int:
    """Write a prepared transcript, its participant and segments in one transaction; returns its id."""
    digest = text_hash(prepared.document.text)
    # Unscreened text passes the study's gate with no decision: anything identifying holds it (PiiHeld).
    screening = prepared.pii or gate_for(study).screen(prepared.document)[1]
    with study.writing(by=by, action="transcripts.import") as actor:
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
             prepared.document.format, prepared.document.encoding, prepared.language, prepared.document.text,
             prepared.sha256, digest, interview_date, interviewer_name, prepared.interviewer,
             json.dumps(prepared.speakers, ensure_ascii=False), now(), actor.id])
        transcript_id = cursor.lastrowid
        assert transcript_id is not None  # an INSERT always sets lastrowid
        write_segments(study, transcript_id, prepared)
        study.audit(actor, "import", "transcript", transcript_id,
                    {"file": prepared.document.name, "sha256": prepared.sha256, "turns": len(prepared.segments)})
        record(study, actor, transcript_id, screening)
    return transcript_id


def write_segments(study: Study, transcript_id: int, prepared: Prepared) -> None:
    """Insert a prepared transcript's turns and sentences (the search index follows); call inside a write."""
    sentence_rows = []
    for seq, seg in enumerate(prepared.segments):
        turn_id = study.db.execute(
            'INSERT INTO segments (transcript_id, kind, seq, start, "end", speaker, is_interviewer, language, '
            "t_start_ms, t_end_ms) VALUES (?, 'turn', ?, ?, ?, ?, ?, ?, ?, ?)",
            [transcript_id, seq, seg.start, seg.end, seg.speaker, int(seg.is_interviewer), seg.language,
             seg.t_start_ms, seg.t_end_ms]).lastrowid
        for s_seq, (s_start, s_end, words) in enumerate(seg.sentences):
            sentence_rows.append({"transcript_id": transcript_id, "kind": "sentence", "turn_id": turn_id,
                                  "seq": s_seq, "start": s_start, "end": s_end, "speaker": seg.speaker,
                                  "is_interviewer": int(seg.is_interviewer), "language": seg.language,
                                  "words": words})
    study.db.table("segments").insert_all(sentence_rows, batch_size=500)


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
