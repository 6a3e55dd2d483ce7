"""Baselines for the suggestion benchmarks: a plain keyword list from the codebook, and spaCy textcat_multilabel.

- keywords: every keyword pattern of the codebook taken as a plain lower-case substring (Chinese after the same
  Traditional→Simplified fold the rules use, so 護照 meets 护照; spaced Chinese patterns as one string without
  spaces); a code scores the summed weights of its distinct matches, ties broken by matched length. No lemmas,
  no windows, no negation: what a quick keyword list does.
- textcat: spaCy's textcat_multilabel (bag-of-words, uni- and bigrams) trained on the training set the learned
  model uses (the demo study's sentences, codebook seeds, the codebook's reference passages; rejected suggestions
  are not used: textcat has no negative weights), over our normalised words (English lemmas, Chinese jieba words)
  joined by spaces.
"""

from __future__ import annotations

import random
from typing import Any

import spacy
from spacy.training import Example

from workbench.services.suggest.rules import zh_fold
from workbench.services.suggest.training import TrainingSet
from workbench.services.suggest.units import Unit
from workbench.text.language import is_han

TEXTCAT = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
           "no_output_layer": False, "length": 262144}


def keyword_table(codebook: Any) -> list[tuple[str, str, float]]:
    """(code, folded keyword, weight) for every keyword of the codebook."""
    table = []
    for code in codebook.codes:
        for lang in ("en", "zh"):
            for item in (code.keywords or {}).get(lang, []) or []:
                text, weight = (item["text"], float(item.get("weight", 1.0))) if isinstance(item, dict) else (item, 1.0)
                key = zh_fold(text.replace(" ", "")) if lang == "zh" else text.lower()
                if key:
                    table.append((code.id, key, weight))
    return table


def keyword_rank(texts: list[str], table: list[tuple[str, str, float]], *, top: int = 3) -> list[list[str]]:
    """Codes ranked by plain substring matches of the codebook's keywords."""
    ranked = []
    for text in texts:
        folded = zh_fold(text) if any(is_han(c) for c in text) else text.lower()
        score: dict[str, list[float]] = {}
        for code, key, weight in table:
            if key in folded:
                entry = score.setdefault(code, [0.0, 0.0])
                entry[0] += weight
                entry[1] += len(key)
        ranked.append([c for c, _ in sorted(score.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))][:top])
    return ranked


def _doc_text(unit: Unit) -> str:
    return " ".join(unit.norms)


def train_textcat(data: TrainingSet, *, epochs: int = 12, seed: int = 0) -> spacy.language.Language:
    """A blank multilingual pipeline with textcat_multilabel trained on a training set."""
    labels = sorted({code for positives in data.positives for code in positives})
    nlp = spacy.blank("xx")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": TEXTCAT})
    for label in labels:
        textcat.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(_doc_text(u)), {"cats": {c: float(c in pos) for c in labels}})
                for u, pos in zip(data.units, data.positives) if u.norms]
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(epochs):
        random.shuffle(examples)
        for batch in spacy.util.minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer)
    return nlp


def textcat_rank(nlp: spacy.language.Language, units: list[Unit], *, top: int = 3) -> list[list[str]]:
    """Codes ranked by the textcat model's probabilities."""
    docs = nlp.pipe([_doc_text(u) for u in units])
    return [[c for c, _ in sorted(doc.cats.items(), key=lambda kv: -kv[1])][:top] for doc in docs]
