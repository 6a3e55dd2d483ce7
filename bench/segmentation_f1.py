"""Word-level F1 of the Chinese segmenter against the hand-made Hong Kong gold set."""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.text.nlp import cut_chinese

GOLD = Path(__file__).parent / "data" / "seg_gold_zh_hk.txt"


def spans(words: list[str]) -> set[tuple[int, int]]:
    """Character spans of words (white space dropped) for span-based F1."""
    result, position = set(), 0
    for word in words:
        word = word.replace(" ", "")
        if word:
            result.add((position, position + len(word)))
            position += len(word)
    return result


def score(lines: list[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 over all lines."""
    correct = gold_total = predicted_total = 0
    for line in lines:
        gold_words = line.split()
        text = "".join(gold_words)
        gold = spans(gold_words)
        predicted = spans(cut_chinese(text))
        correct += len(gold & predicted)
        gold_total += len(gold)
        predicted_total += len(predicted)
    precision, recall = correct / predicted_total, correct / gold_total
    return precision, recall, 2 * precision * recall / (precision + recall)


def main() -> None:
    """Print F1 overall and per block of the gold file."""
    lines = [line for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    blocks = {"all": lines, "cantonese speech (1-58)": lines[:58], "written (59-98)": lines[58:98],
              "mixed (99-)": lines[98:]}
    for name, block in blocks.items():
        p, r, f = score(block)
        print(f"segmentation {name:<26} sentences={len(block):>3}  P={p:.3f}  R={r:.3f}  F1={f:.3f}")
    if "-v" in sys.argv:
        for line in lines:
            gold = line.split()
            predicted = cut_chinese("".join(gold))
            if spans(gold) != spans(predicted):
                print("G:", " ".join(gold))
                print("P:", " ".join(predicted))


if __name__ == "__main__":
    main()
