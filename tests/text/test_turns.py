"""workbench.text.turns: speaker labels in their common forms, the interviewer, paragraphs without labels."""

from __future__ import annotations

import pytest

from workbench.text.turns import split_turns


def _turns(text: str, **kw) -> list[tuple[str | None, str]]:
    return [(t.speaker, text[t.start:t.end]) for t in split_turns(text, **kw).turns]


def test_name_colon():
    text = "Interviewer: How are you?\nDewi: Fine, thank you.\nInterviewer: And then?\nDewi: I left."
    split = split_turns(text)
    assert _turns(text) == [("Interviewer", "How are you?"), ("Dewi", "Fine, thank you."),
                            ("Interviewer", "And then?"), ("Dewi", "I left.")]
    assert split.speakers == ["Interviewer", "Dewi"]
    assert split.interviewer == "Interviewer"


def test_full_width_colon():
    text = "訪問員：你好嗎？\n阿玲：好，多謝。\n訪問員：之後呢？\n阿玲：我走咗。"
    assert _turns(text) == [("訪問員", "你好嗎？"), ("阿玲", "好，多謝。"), ("訪問員", "之後呢？"), ("阿玲", "我走咗。")]
    assert split_turns(text).interviewer == "訪問員"


def test_q_and_a():
    text = "Q: Where did you work?\nA: In Mong Kok.\nQ: For how long?\nA: Two years."
    split = split_turns(text)
    assert [t.speaker for t in split.turns] == ["Q", "A", "Q", "A"]
    assert split.interviewer == "Q"


def test_timestamped_labels():
    text = "[00:01:02] Sam: Where did you go?\n[00:01:10] Lee: Home.\n[00:02:00] Sam: Why?\n[1:02:05.5] Lee: Tired."
    split = split_turns(text)
    assert [(t.speaker, t.timestamp, text[t.start:t.end]) for t in split.turns] == [
        ("Sam", "00:01:02", "Where did you go?"), ("Lee", "00:01:10", "Home."),
        ("Sam", "00:02:00", "Why?"), ("Lee", "1:02:05.5", "Tired.")]


@pytest.mark.parametrize("text", [
    "**Interviewer:** Where?\n\n**Maricel:** Home.\n\n**Interviewer:** Why?\n\n**Maricel:** Tired.",
    "**Interviewer**: Where?\n\n**Maricel**: Home.\n\n**Interviewer**: Why?\n\n**Maricel**: Tired.",
])
def test_markdown_bold_labels(text):
    assert _turns(text) == [("Interviewer", "Where?"), ("Maricel", "Home."), ("Interviewer", "Why?"),
                            ("Maricel", "Tired.")]


def test_a_one_off_note_is_text_not_a_speaker():
    text = "Interviewer: How are you?\nDewi: Fine.\nNote: the phone rang here.\nInterviewer: And then?\nDewi: I left."
    split = split_turns(text)
    assert "Note" not in split.speakers
    assert split.turns[1].speaker == "Dewi"
    assert text[split.turns[1].start:split.turns[1].end] == "Fine.\nNote: the phone rang here."


def test_preamble_before_the_first_label_is_kept_as_paragraphs():
    text = "FICTIONAL COMPOSITE INTERVIEW.\n\nInterviewer: Hi?\nDewi: Hello.\nInterviewer: Ok?\nDewi: Yes."
    turns = _turns(text)
    assert turns[0] == (None, "FICTIONAL COMPOSITE INTERVIEW.")
    assert turns[1] == ("Interviewer", "Hi?")


def test_interviewer_guessed_from_questions():
    text = "Sam: Where did you go?\nLee: Home.\nSam: Why?\nLee: I was tired.\nSam: And after that?\nLee: Sleep."
    assert split_turns(text).interviewer == "Sam"


def test_interviewer_override():
    text = "Sam: Where did you go?\nLee: Home.\nSam: Why?\nLee: I was tired."
    assert split_turns(text, interviewer="Lee").interviewer == "Lee"


def test_unknown_interviewer_override_is_a_value_error_listing_speakers():
    text = "Sam: Where did you go?\nLee: Home.\nSam: Why?\nLee: I was tired."
    with pytest.raises(ValueError, match="'Bob'.*Sam, Lee"):
        split_turns(text, interviewer="Bob")


def test_single_speaker_has_no_guessed_interviewer():
    text = "Dewi: I came in 2019.\nDewi: Then I left."
    split = split_turns(text)
    assert split.speakers == ["Dewi"] and split.interviewer is None


def test_no_labels_gives_paragraph_turns():
    text = "First paragraph here.\nStill the first.\n\nSecond paragraph.\n\n\nThird."
    split = split_turns(text)
    assert split.speakers == [] and split.interviewer is None
    assert _turns(text) == [(None, "First paragraph here.\nStill the first."), (None, "Second paragraph."),
                            (None, "Third.")]


def test_no_labels_and_no_blank_lines_gives_line_turns():
    assert _turns("Line one.\nLine two.") == [(None, "Line one."), (None, "Line two.")]


def test_sentences_with_colons_are_not_labels():
    text = "He told me: go home, now.\nShe said, then: wait.\nI wrote: yes."
    assert split_turns(text).speakers == []


def test_turn_offsets_slice_the_text_exactly_with_astral_characters():
    text = "訪問員：𠝹係咩？\n阿玲：😀佢哋話𠝹。\n訪問員：明白😀？\n阿玲：係。"
    split = split_turns(text)
    assert _turns(text) == [("訪問員", "𠝹係咩？"), ("阿玲", "😀佢哋話𠝹。"), ("訪問員", "明白😀？"), ("阿玲", "係。")]
    assert all(text[t.start:t.end] == text[t.start:t.end].strip() for t in split.turns)
