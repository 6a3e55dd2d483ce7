"""workbench.text.pii: each recogniser in English and Chinese, overlaps, names list, placeholders, offsets."""

from __future__ import annotations

import pytest

from workbench.text.pii import RECOGNISERS, counts, detect, hkid_check_digit, pseudonymise


def found(text: str, **kw) -> list[tuple[str, str]]:
    return [(f.kind, f.value(text)) for f in detect(text, **kw)]


def test_hkid_check_digit_matches_the_published_example():
    assert hkid_check_digit("A", "123456") == "3"
    assert hkid_check_digit("Z", "683365") == "A"  # 10 is written A
    assert hkid_check_digit("XA", "000000") == hkid_check_digit("xa", "000000")


POSITIVE = [
    ("hkid", "My ID card is A123456(3), the agency copied it.", "A123456(3)"),
    ("hkid", "身份證號碼係Z683365(A)，佢影印咗。", "Z683365(A)"),
    ("hkid", "HKID a1234563 on the form", "a1234563"),
    ("phone", "Call me at 9123 4567 tomorrow.", "9123 4567"),
    ("phone", "佢電話係91234567，打俾佢啦。", "91234567"),
    ("phone", "Her number was +852 6123-4567.", "+852 6123-4567"),
    ("phone", "My mother's number +63 917 123 4567 in Manila.", "+63 917 123 4567"),
    ("phone", "打去印尼 0812-3456-7890 搵我阿媽。", "0812-3456-7890"),
    ("email", "Write to maria.s@gmail.com please.", "maria.s@gmail.com"),
    ("email", "電郵：ana_123@yahoo.com.hk，佢會回覆。", "ana_123@yahoo.com.hk"),
    ("url", "See https://facebook.com/maria.santos.123.", "https://facebook.com/maria.santos.123"),
    ("url", "佢個網頁 www.example.org 有我張相。", "www.example.org"),
    ("passport", "My passport number is EB1234567.", "EB1234567"),
    ("passport", "護照號碼：P1234567A。", "P1234567A"),
    ("passport", "The passport was B 1234567, they kept it.", "B 1234567"),
    ("passport", "paspor saya A1234567 diambil", "A1234567"),
    ("dob", "I was born on 12 March 1990.", "12 March 1990"),
    ("dob", "DOB: 1990-03-12", "1990-03-12"),
    ("dob", "我1990年3月12日出世。", "1990年3月12日"),
    ("dob", "我生日係一九九零年三月十二號。", "一九九零年三月十二號"),
    ("address", "I lived at Flat 12B, 8/F, Block 3, Sunshine Court, 23 Sai Yee Street, Mong Kok.",
     "Flat 12B, 8/F, Block 3, Sunshine Court, 23 Sai Yee Street"),
    ("address", "Room 1203, Chungking Mansions", "Room 1203, Chungking Mansions"),
    ("address", "佢住喺旺角西洋菜街23號3樓A室。", "旺角西洋菜街23號3樓A室"),
    ("address", "我哋住喺美孚新邨第5座12樓。", "美孚新邨第5座12樓"),
]


@pytest.mark.parametrize(("kind", "text", "value"), POSITIVE, ids=[f"{k}-{i}" for i, (k, _t, _v) in enumerate(POSITIVE)])
def test_each_recogniser_finds_its_kind(kind, text, value):
    assert found(text) == [(kind, value)]


NEGATIVE = [
    "身份證號碼係 Z683365(5)",  # wrong check digit
    "The FDH hotline 2157 9537 helped me.",  # public number (Action Plan NM-f)
    "I paid HK$4500 0000 in fees",
    "From 2018 2019 we waited.",
    "Case LBTC1234/2019 was heard.",
    "I use gmail.com for everything.",
    "The interview was on 12 March 2023.",
    "I was born in 1990.",
    "I live on 8/F now.",
    "我住喺樓上。",
    "佢喺大廈管理處做嘢。",
    "The High Court ruled against him.",
    "我哋喺10號見面。",
    "佢收咗我本護照。",
    "They kept my passport for two years.",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_look_alikes_are_not_findings(text):
    assert found(text) == []


def test_names_list_matches_whole_words_any_case_and_chinese_substrings():
    text = "Maria Santos said; maria  santos agreed. Mariana did not. 陳大文話佢冇錢。"
    names = {"Maria Santos": "Dewi", "陳大文": "阿明"}
    assert found(text, names=names) == [("name", "Maria Santos"), ("name", "maria  santos"), ("name", "陳大文")]
    assert pseudonymise(text, detect(text, names=names)).text == "Dewi said; Dewi agreed. Mariana did not. 阿明話佢冇錢。"


def test_one_value_keeps_one_placeholder_and_kinds_are_numbered_apart():
    text = "Call 9123 4567 or 91234567, not 6123 4567. Mail a@b.com.\nHKID A123456(3)."
    findings = detect(text)
    assert counts(findings) == {"email": 1, "hkid": 1, "phone": 3}
    assert [f.line for f in findings] == [1, 1, 1, 1, 2]
    assert pseudonymise(text, findings).text == ("Call [PHONE-1] or [PHONE-1], not [PHONE-2]. Mail [EMAIL-1].\n"
                                                 "HKID [HKID-1].")


def test_positions_map_through_replacements_in_code_points():
    text = "𠝹 9123 4567 end 😀"
    result = pseudonymise(text, detect(text))
    assert result.text == "𠝹 [PHONE-1] end 😀"
    assert result.text[result.position(text.index("end")):].startswith("end")
    assert result.position(text.index("9") + 3) == text.index("9")  # inside a replaced item: its start
    assert result.position(len(text)) == len(result.text)


def test_overlaps_go_to_the_earlier_kind_then_the_longer_span():
    # An HKID without brackets is also a letter and seven digits (a passport shape): the HKID wins.
    assert found("passport or HKID A1234563") == [("hkid", "A1234563")]


def test_every_recogniser_has_labels_and_a_tag():
    for recogniser in RECOGNISERS.values():
        assert recogniser.en and recogniser.zh and recogniser.tag.isupper()
