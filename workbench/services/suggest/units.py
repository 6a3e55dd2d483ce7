"""Units of text the suggesters score: a passage or a sentence, its language and its normalised words."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.text.analysis import Word, analyse_many, word_spans
from workbench.text.language import detect_language


@dataclass(frozen=True)
class Unit:
    """A text to suggest codes for: the text itself, its language and its words."""

    text: str
    language: str
    tokens: tuple[Word, ...]  # start/end are -1 for words read back from the study (no positions)

    @property
    def norms(self) -> list[str]:
        """The normalised words (English lemmas, Chinese jieba words)."""
        return [t.norm for t in self.tokens]

    @property
    def has_positions(self) -> bool:
        """Whether the tokens carry offsets into the text (false for stored words)."""
        return bool(self.tokens) and self.tokens[0].start >= 0


def units_from_texts(texts: list[str], *, languages: list[str] | None = None) -> list[Unit]:
    """Analyse texts (language detected per text unless given) into units, batching the pipelines."""
    langs = languages or [detect_language(t) for t in texts]
    analyses = analyse_many(list(texts), languages=langs)
    return [Unit(text, lang, tuple(a.words))
            for text, lang, a in zip(texts, langs, analyses)]


def unit_from_stored(text: str, words: str, language: str) -> Unit:
    """A unit from a stored segment: its text and the space-separated words saved at import."""
    return Unit(text, language, tuple(Word(-1, -1, w) for w in words.split()))


def units_from_sentences(rows: list[tuple[str, str, str, bytes | None]]) -> list[Unit]:
    """Units of stored sentences (text, language, words, word spans): the words saved at import, with their
    positions, so nothing is analysed again; a sentence stored without positions is analysed afresh."""
    units: list[Unit | None] = []
    missing: list[int] = []
    for text, language, words, spans in rows:
        norms = words.split(" ") if words else []
        places = word_spans(spans) if spans is not None else []
        if spans is None or len(places) != len(norms):
            missing.append(len(units))
            units.append(None)
        else:
            units.append(Unit(text, language, tuple(map(Word, *zip(*places), norms)) if norms else ()))
    for index, unit in zip(missing, units_from_texts([rows[i][0] for i in missing],
                                                     languages=[rows[i][1] for i in missing])):
        units[index] = unit
    return [u for u in units if u is not None]
