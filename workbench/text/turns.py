"""Speaker turns: 'Name:', 'Name：', 'Q:'/'A:', '[00:01:02] Name:', subtitle voices; and who the interviewer is."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from workbench.text.offsets import trim_span

_LABEL = re.compile(
    r"^[ \t]*(?:[\[(]?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?[ \t]*)?"
    r"(?:\*\*)?(?P<name>[^\s:：*\[\]()\d][^:：\n]{0,39}?)[ \t]*(?:\*\*)?[:：](?:\*\*)?[ \t]*",
    re.MULTILINE,
)
_SENTENCE_PUNCT = re.compile(r"[.?!,;。？！，；、「」\"“”]")
KNOWN_INTERVIEWER = {"interviewer", "int", "i", "q", "researcher", "moderator", "facilitator",
                     "訪問員", "訪問者", "訪員", "研究員", "主持", "主持人", "問"}
KNOWN_LABELS = KNOWN_INTERVIEWER | {"a", "interviewee", "respondent", "participant", "interpreter",
                                    "受訪者", "答", "傳譯", "傳譯員", "翻譯"}


@dataclass(frozen=True)
class Turn:
    """A speaker turn: content span (code points) and who speaks."""

    speaker: str | None
    start: int
    end: int
    timestamp: str | None = None


@dataclass(frozen=True)
class TurnSplit:
    """The turns of a transcript, the speakers found and the interviewer chosen."""

    turns: list[Turn]
    speakers: list[str]
    interviewer: str | None


def _plausible_name(name: str) -> bool:
    name = name.strip()
    if not name or _SENTENCE_PUNCT.search(name):
        return False
    if name.isascii():
        return len(name.split()) <= 4
    return len(name) <= 12


def split_turns(text: str, *, interviewer: str | None = None) -> TurnSplit:
    """Split normalised text into speaker turns; labels seen once are text, not speakers."""
    candidates = [m for m in _LABEL.finditer(text) if _plausible_name(m.group("name"))]
    counts = Counter(m.group("name").strip() for m in candidates)
    speakers_ok = {n for n, c in counts.items() if c >= 2 or n.lower() in KNOWN_LABELS}
    labels = [m for m in candidates if m.group("name").strip() in speakers_ok]
    if not labels:
        return TurnSplit(_paragraph_turns(text), [], None)
    turns: list[Turn] = []
    preamble_end = labels[0].start()
    turns.extend(_paragraph_turns(text[:preamble_end]))
    for index, match in enumerate(labels):
        stop = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        start, end = trim_span(text, match.end(), stop)
        if end > start:
            turns.append(Turn(match.group("name").strip(), start, end, match.group("ts")))
    speakers = list(dict.fromkeys(t.speaker for t in turns if t.speaker))
    if interviewer is not None and interviewer not in speakers:
        raise ValueError(f"interviewer {interviewer!r} is not one of the speakers found: {', '.join(speakers)}")
    return TurnSplit(turns, speakers, interviewer or guess_interviewer(text, turns, speakers))


def guess_interviewer(text: str, turns: list[Turn], speakers: list[str]) -> str | None:
    """A speaker named like an interviewer, else the one who asks the most questions."""
    for speaker in speakers:
        if speaker.lower() in KNOWN_INTERVIEWER:
            return speaker
    if len(speakers) < 2:
        return None
    asked: Counter[str] = Counter()
    spoken: Counter[str] = Counter()
    for turn in turns:
        if turn.speaker:
            spoken[turn.speaker] += 1
            if "?" in text[turn.start:turn.end] or "？" in text[turn.start:turn.end]:
                asked[turn.speaker] += 1
    return max(speakers, key=lambda s: (asked[s] / spoken[s], asked[s]))


def _paragraph_turns(text: str) -> list[Turn]:
    """Turns without speakers: paragraphs (blank-line separated) or, failing that, lines."""
    separator = re.compile(r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n", text) else r"\n")
    turns = []
    position = 0
    for match in list(separator.finditer(text)) + [None]:
        stop = match.start() if match else len(text)
        start, end = trim_span(text, position, stop)
        if end > start:
            turns.append(Turn(None, start, end))
        position = match.end() if match else len(text)
    return turns
