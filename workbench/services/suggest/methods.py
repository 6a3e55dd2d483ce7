"""The suggestion methods: one registry entry each, enumerated by the CLI, the pages and the evaluation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    """A way of ranking codes for a sentence, with the score at which a suggestion is stored."""

    name: str            # what `--method` and the pages take
    label_en: str
    label_zh: str
    uses_rules: bool
    uses_model: bool
    threshold: float     # a suggestion is stored when its score reaches this (the scales differ; see combine.py)
    figures_key: str     # its key in evaluation results
    help: str

    def label(self, lang: str = "en") -> str:
        """The method's name for people."""
        return self.label_zh if lang == "zh" else self.label_en


# Thresholds chosen on the demo codings, cross-validated by transcript: the combined score is a calibrated
# probability that a coder codes the sentence so (at 0.2 about 30 % of stored suggestions matched a reference
# coding, at 0.4 about 40 %); rules at 0.55 need a two-word pattern or two matches (about 25 % matched).
METHODS: dict[str, Method] = {m.name: m for m in (
    Method("rules", "Codebook rules", "編碼簿規則", True, False, 0.55, "rules",
           "the codebook's keyword patterns only"),
    Method("learned", "Learned model", "學習模型", False, True, 0.3, "learned",
           "only the model learned from this study's codings"),
    Method("auto", "Rules + learned", "規則＋學習模型", True, True, 0.2, "combined",
           "keyword rules combined with a model learned from this study's codings (rules alone without one)"),
)}
DEFAULT = "auto"


def method(name: str) -> Method:
    """The registered method of this name, or InputError listing the names."""
    if name not in METHODS:
        from workbench.errors import InputError

        raise InputError(f"method must be one of {', '.join(METHODS)}, not {name!r}")
    return METHODS[name]
