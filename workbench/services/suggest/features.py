"""Features for the learned suggester: TF-IDF over our normalised words, word bigrams and Chinese character bigrams."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np
from scipy import sparse

from workbench.services.suggest.rules import STOP_EN, zh_fold
from workbench.services.suggest.units import Unit
from workbench.text.language import is_han


def terms(unit: Unit) -> list[str]:
    """Terms of a unit: words (w:), adjacent word pairs (b:) and, for Chinese, character pairs (c:)."""
    out: list[str] = []
    previous: str | None = None
    han = ""
    for norm in unit.norms:
        if not any(ch.isalnum() for ch in norm):
            continue
        if is_han(norm[0]):
            word = zh_fold(norm)
            han += word
        else:
            word = norm
            han += " "
        out.append("w:" + word)
        if previous is not None:
            out.append(f"b:{previous}|{word}")
        previous = word
    for run in han.split():
        out.extend("c:" + run[i:i + 2] for i in range(len(run) - 1))
    return out


def readable(term: str) -> str:
    """A term as a researcher reads it ("b:pay|wage" → "pay wage")."""
    kind, _, body = term.partition(":")
    return body.replace("|", " ") if kind == "b" else body


def is_content(term: str) -> bool:
    """Whether a term is worth showing as evidence (not a lone stop word)."""
    kind, _, body = term.partition(":")
    if kind == "w":
        return body not in STOP_EN and len(body) > 1 or is_han(body[:1])
    if kind == "b":
        return any(w not in STOP_EN for w in body.split("|"))
    return True


def vocabulary(term_lists: Iterable[list[str]], *, min_df: int) -> tuple[dict[str, int], np.ndarray]:
    """Terms seen in at least min_df units, and their smoothed idf."""
    lists = list(term_lists)
    df = Counter(t for ts in lists for t in set(ts))
    kept = sorted(t for t, n in df.items() if n >= min_df)
    n_docs = len(lists)
    idf = np.array([math.log((1 + n_docs) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float32)
    return {t: i for i, t in enumerate(kept)}, idf


def matrix(term_lists: Iterable[list[str]], vocab: dict[str, int], idf: np.ndarray) -> sparse.csr_matrix:
    """Rows of sublinear-tf × idf, l2-normalised."""
    indptr, indices, values = [0], [], []
    for ts in term_lists:
        counts = Counter(vocab[t] for t in ts if t in vocab)
        row = {i: (1.0 + math.log(c)) * float(idf[i]) for i, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in row.values())) or 1.0
        for i in sorted(row):
            indices.append(i)
            values.append(row[i] / norm)
        indptr.append(len(indices))
    return sparse.csr_matrix((np.array(values, dtype=np.float32), np.array(indices, dtype=np.int32),
                              np.array(indptr, dtype=np.int64)), shape=(len(indptr) - 1, len(vocab)))
