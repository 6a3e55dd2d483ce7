"""The workbench's domain words in one place, each with its English and Traditional Chinese label.

Every face (CLI choices, page widgets, chart legends, exports) enumerates these instead of typing the
words out again. The schema's CHECK constraints hold the same values; `tests/test_vocab.py` keeps the two
in step.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary: what is stored, and how a person reads it in either language."""

    value: str
    en: str
    zh: str

    def label(self, lang: str = "en") -> str:
        """The label in a language ('en' or 'zh')."""
        return self.zh if lang == "zh" else self.en


class Vocabulary:
    """An ordered set of terms: the stored values and their labels."""

    def __init__(self, name: str, terms: tuple[Term, ...]):
        self.name = name
        self.terms = terms
        self._by_value = {t.value: t for t in terms}

    @property
    def values(self) -> tuple[str, ...]:
        """The stored values, in order."""
        return tuple(t.value for t in self.terms)

    def __contains__(self, value: object) -> bool:
        return value in self._by_value

    def __iter__(self):
        return iter(self.terms)

    def label(self, value: str, lang: str = "en") -> str:
        """A value's label (the value itself when it is not part of the vocabulary)."""
        term = self._by_value.get(value)
        return term.label(lang) if term else value

    def labels(self, lang: str = "en") -> dict[str, str]:
        """Value → label for every term."""
        return {t.value: t.label(lang) for t in self.terms}

    def check(self, value: str, *, what: str | None = None) -> str:
        """The value if it belongs here, else InputError naming the allowed values."""
        if value not in self._by_value:
            from workbench.errors import InputError

            raise InputError(f"{what or self.name} must be one of {', '.join(self.values)}, not {value!r}")
        return value


LANGUAGES = Vocabulary("language", (
    Term("en", "English", "英文"),
    Term("zh", "Chinese", "中文"),
    Term("mixed", "Mixed", "中英混合"),
))

GROUPS = Vocabulary("participant group", (
    Term("survivor", "survivor", "倖存者"),
    Term("stakeholder", "stakeholder", "持份者"),
    Term("other", "other", "其他"),
))

ASSESSMENTS = Vocabulary("assessment", (
    Term("facilitator", "facilitator", "有幫助"),
    Term("barrier", "barrier", "障礙"),
    Term("neutral", "neutral", "中性"),
))
# Codings without an assessment are grouped under this value in counts (coding_counts.assessment).
NOT_ASSESSED = Term("none", "not assessed", "未評估")

# How a coding meets a framework measure: confirmed by its coder, or derived from the code's mapping in the
# codebook (the default, until the coder confirms or turns it down); a turned-down mapped measure is rejected.
ATTRIBUTIONS = Vocabulary("measure attribution", (
    Term("confirmed", "confirmed by the coder", "編碼員已確認"),
    Term("derived", "derived from the codebook mapping", "按編碼簿對應推定"),
    Term("rejected", "turned down by the coder", "編碼員已否定"),
))

ROLES = Vocabulary("role", (
    Term("admin", "admin", "管理員"),
    Term("coder", "coder", "編碼員"),
    Term("reviewer", "reviewer", "審閱者"),
))
# Coders are the users who may code: every role but the read-only one.
READ_ONLY_ROLE = "reviewer"

MEMO_TARGETS = Vocabulary("memo target", (
    Term("study", "study", "研究"),
    Term("transcript", "transcript", "訪談稿"),
    Term("code", "code", "編碼"),
    Term("coding", "coding", "編碼片段"),
    Term("participant", "participant", "參與者"),
))

CODING_ORIGINS = Vocabulary("coding origin", (
    Term("manual", "manual", "人手"),
    Term("suggestion", "accepted suggestion", "採納的建議"),
    Term("import", "imported", "匯入"),
    Term("reference", "reference", "參考"),
))

# Which codings an analysis counts: every coder's own, or the consensus layer (agreed and resolved passages).
LAYERS = Vocabulary("coding layer", (
    Term("coders", "all coders' codings", "所有編碼員的編碼"),
    Term("consensus", "consensus (agreed and resolved)", "共識編碼（一致及已解決）"),
))

SUGGESTION_STATUSES = Vocabulary("suggestion status", (
    Term("open", "open", "待處理"),
    Term("accepted", "accepted", "已採納"),
    Term("rejected", "rejected", "已拒絕"),
))


def is_coder_role(role: str) -> bool:
    """Whether users of this role code (everyone but reviewers)."""
    return role in ROLES and role != READ_ONLY_ROLE
