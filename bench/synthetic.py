"""Synthetic long interviews for the benchmarks: alternating `Interviewer:` / `Participant:` turns.

The turns are the demo study's own sentences (English or Traditional Chinese), drawn in a seeded random
order so a 4 MB interview reads like a long interview rather than one file repeated. Speed only: the
text is not meant to make sense.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

from workbench.text.language import detect_language
from workbench.text.readers import read_bytes
from workbench.text.turns import split_turns

TRANSCRIPTS = Path(__file__).resolve().parent.parent / "transcripts"
_SENTENCE = {"en": re.compile(r"(?<=[.?!])\s+"), "zh": re.compile(r"(?<=[。？！])")}
FILES = {"en": ("SV01_dewi.txt", "ST01_lawyer.md", "ST04_ngo_worker.txt"),
         "zh": ("SV04_siu_ling.txt", "SV05_ah_fong.txt", "ST02_caseworker.txt")}


@lru_cache(maxsize=2)
def sentences(language: str) -> tuple[str, ...]:
    """The demo sentences of one language (turn labels removed)."""
    found: list[str] = []
    for name in FILES[language]:
        text = read_bytes(name, (TRANSCRIPTS / name).read_bytes()).text
        for turn in split_turns(text).turns:
            found.extend(s.strip() for s in _SENTENCE[language].split(text[turn.start:turn.end])
                         if s.strip() and detect_language(s) == language and "FICTIONAL" not in s and "虛構" not in s)
    return tuple(found)


def interview(language: str, *, size: int | None = None, turns: int | None = None, seed: int = 9) -> str:
    """An interview of about `size` UTF-8 bytes (or of exactly `turns` turns): a question, an answer of 1-8
    sentences, and so on."""
    pool = sentences(language)
    rng = random.Random(seed)
    joiner = "" if language == "zh" else " "
    lines, total, turn = [], 0, 0
    while (size is not None and total < size) or (turns is not None and turn < turns):
        label = "Interviewer" if turn % 2 == 0 else "Participant"
        count = rng.randint(1, 2) if label == "Interviewer" else rng.randint(1, 8)
        line = f"{label}: " + joiner.join(rng.choice(pool) for _ in range(count))
        lines.append(line)
        total += len(line.encode()) + 1
        turn += 1
    return "\n".join(lines) + "\n"


def interview_words(language: str, *, words: int, seed: int = 9) -> str:
    """An interview of about `words` words (Chinese counted at 1.5 characters a word)."""
    per_byte = 1 / 5.7 if language == "en" else 1 / 5.4   # words per UTF-8 byte, measured on these interviews
    return interview(language, size=int(words / per_byte), seed=seed)
