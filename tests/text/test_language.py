"""workbench.text.language: English, Chinese or mixed, from the script of the words."""

from __future__ import annotations

import pytest

from workbench.text.language import chinese_share, detect_language, is_han


@pytest.mark.parametrize("text, expected", [
    ("The police took my passport and I was afraid.", "en"),
    ("佢哋收咗我本護照，我好驚。", "zh"),
    ("我哋去咗勞資審裁處，等咗三個月。", "zh"),
    ("訪問員：你點樣嚟香港？ OK.", "zh"),  # one Latin word in a Chinese turn
    ("The agency took my passport. Yes, OK, I agree, sure.  佢", "en"),  # one Han character in English
    ("我去咗 Labour Tribunal 但係 the officer 話 no interpreter available today", "mixed"),
    ("佢哋 took my passport, 我好驚 then I ran away", "mixed"),
])
def test_detect_language(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "12:30 — 2026-03-14 ...", "😀😀"])
def test_text_without_words_gets_the_default(text):
    assert chinese_share(text) is None
    assert detect_language(text) == "en"
    assert detect_language(text, default="zh") == "zh"


def test_chinese_share_counts_words_not_characters():
    # six Han characters count as four words against four English words: 0.5
    assert chinese_share("佢哋唔係人 one two three four 嘅") == pytest.approx(0.5)


@pytest.mark.parametrize("char, expected", [("佢", True), ("𠝹", True), ("㗎", True), ("a", False),
                                            ("。", False), ("😀", False), ("ア", False)])
def test_is_han(char, expected):
    assert is_han(char) is expected
