"""Every word a chart shows, in English and Traditional Chinese: axis and legend titles, what a figure counts.

Names of codes, themes and measures come from the codebook and the framework catalogue; participant groups
and assessments from workbench.vocab. Nothing on a chart is typed out in one language only.
"""

from __future__ import annotations

import pandas as pd

from workbench.errors import InputError
from workbench.services.analysis.base import NO_ASSESSMENT, NO_GROUP
from workbench.vocab import ASSESSMENTS, GROUPS, LANGUAGES, NOT_ASSESSED

LANGS = ("en", "zh")
TEXT = {
    "en": {"measure": "Measure", "theme": "Theme", "code": "Code", "participants": "Participants",
           "codings": "Codings", "pillar": "Pillar", "title": "Measure title", "assessment": "Assessment",
           "group": "Participant group", "transcript": "Transcript", "transcripts": "Transcripts",
           "position": "Position in transcript", "participant": "Participant", "word": "Word", "count": "Occurrences",
           "sentences": "Sentences", "overlaps": "Overlapping coding pairs", "language": "Language",
           "share": "Share of the group", "group_size": "Participants in the group", "unknown": "unknown",
           "described": "Participants who described it so (of {n})",
           "note_heatmap": "Each cell: participants with at least one coded passage of the {level} that speaks to the "
                           "measure ({attributions}).",
           "note_assessment": "Each bar: participants with at least one passage assessing the measure that way "
                              "({attributions}). One person can appear in several bars; the axis ends at the {n} "
                              "participants in view.",
           "note_frequency": {"participants": "Participants of each group with at least one coding of the {level}.",
                              "share": "Participants of each group with at least one coding of the {level}, as a "
                                       "share of the group ({sizes}).",
                              "transcripts": "Transcripts of each group with at least one coding of the {level}.",
                              "codings": "Codings of the {level} in each group's transcripts (every coder's)."},
           "note_cooccurrence": "Each cell: pairs of codings by the same coder whose passages overlap.",
           "note_density": "Codings starting in each of {bins} equal stretches of each transcript (all themes).",
           "note_words": "Occurrences in the sentences coded with each {by}: English lemmas and Chinese words, "
                         "without stop words and fillers; names that always occur together count as one term.",
           "heatmap": "Participants per theme and measure", "bars": "Facilitator, barrier or neutral, per measure",
           "frequency": "Codes by participant group", "cooccurrence": "Codes on overlapping passages",
           "density": "Codings along each transcript", "words": "Most frequent words",
           "confirmed": "measures confirmed by the coders",
           "derived": "measures confirmed by the coders, plus those derived from the codebook mapping where no "
                      "coder decided"},
    "zh": {"measure": "措施", "theme": "主題", "code": "編碼", "participants": "受訪者人數", "codings": "編碼次數",
           "pillar": "範疇", "title": "措施名稱", "assessment": "評估", "group": "受訪者組別", "transcript": "訪談",
           "transcripts": "訪談數目", "position": "訪談中的位置", "participant": "受訪者", "word": "詞語",
           "count": "出現次數", "sentences": "句子數目", "overlaps": "重疊的編碼對", "language": "語言",
           "share": "佔組別比例", "group_size": "組別人數", "unknown": "未知",
           "described": "如此描述的受訪者人數（共 {n} 人）",
           "note_heatmap": "每格：最少有一段該{level}的編碼段落涉及該措施的受訪者人數（{attributions}）。",
           "note_assessment": "每條：最少有一段段落以該評估描述該措施的受訪者人數（{attributions}）。同一人可出現於多條；"
                              "座標軸以目前範圍內的 {n} 名受訪者為上限。",
           "note_frequency": {"participants": "各組別中最少有一次該{level}編碼的受訪者人數。",
                              "share": "各組別中最少有一次該{level}編碼的受訪者，佔該組別人數的比例（{sizes}）。",
                              "transcripts": "各組別中最少有一次該{level}編碼的訪談數目。",
                              "codings": "各組別訪談中該{level}的編碼次數（所有編碼員）。"},
           "note_cooccurrence": "每格：同一編碼員的編碼段落互相重疊的次數。",
           "note_density": "每份訪談平均分成 {bins} 段，各段開始的編碼次數（所有主題）。",
           "note_words": "各{by}已編碼句子中的出現次數：英文詞元及中文詞語，已除去停用詞及語氣詞；總是一起出現的名稱算作一個詞。",
           "heatmap": "各主題與措施的受訪者人數", "bars": "各措施：有幫助、障礙或中性", "frequency": "各組別的編碼",
           "cooccurrence": "重疊段落上的編碼", "density": "各訪談的編碼分佈", "words": "最常見詞語",
           "confirmed": "只計編碼員已確認的措施",
           "derived": "編碼員已確認的措施，加上未經編碼員決定、按編碼簿對應推定的措施"},
}


def check_lang(lang: str) -> str:
    """'en' or 'zh', else an InputError."""
    if lang not in LANGS:
        raise InputError(f"label language must be en or zh, not {lang!r}")
    return lang


def t(lang: str, key: str, **values: object) -> str:
    """A chart word in a language, with `values` filled into its {placeholders}."""
    text = TEXT[check_lang(lang)][key]
    assert isinstance(text, str)
    return text.format(**values) if values else text


def note(lang: str, key: str, choice: str, **values: object) -> str:
    """One of several notes under a key (e.g. what a frequency chart counts for a metric)."""
    notes = TEXT[check_lang(lang)][key]
    assert isinstance(notes, dict)
    return notes[choice].format(**values)


def attributions(lang: str, *, derived: bool) -> str:
    """Which measure attributions a figure counts, in words."""
    return t(lang, "derived" if derived else "confirmed")


def named(df: pd.DataFrame, lang: str, *, en: str, zh: str, to: str) -> pd.DataFrame:
    """Copy of df with a `to` label column from its English or Chinese name column."""
    return df.assign(**{to: df[zh if check_lang(lang) == "zh" else en]})


def group_label(value: str, lang: str) -> str:
    """A participant group's name (the analysis' 'unknown' for transcripts without a participant too)."""
    return t(lang, "unknown") if value == NO_GROUP else GROUPS.label(value, lang)


def assessment_label(value: str, lang: str) -> str:
    """An assessment's name, or 'not assessed'."""
    return NOT_ASSESSED.label(lang) if value == NO_ASSESSMENT else ASSESSMENTS.label(value, lang)


def language_label(value: str, lang: str) -> str:
    """A language's name."""
    return LANGUAGES.label(value, lang)
