"""The findings report as a Word document (python-docx), in English or Traditional Chinese.

Title page, method (participants, languages, coders, codebook, how counts are made), the charts, then per
theme and code the definition, counts by group and the strongest quotes, then per framework measure who spoke
to it, facilitator or barrier, and key quotes. Quotes carry only what the pseudonymised transcript holds:
the passage, the pseudonym, the group, the transcript and the turn.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd

from workbench.errors import InputError
from workbench.services import analysis
from workbench.services.analysis import Filters
from workbench.services.codes import list_codes
from workbench.services.transcripts import list_transcripts
from workbench.store.codebook_versions import current_label
from workbench.store.study import Study
from workbench.vocab import ASSESSMENTS, GROUPS, LANGUAGES, NOT_ASSESSED

QUOTES_PER_CODE = 3
QUOTES_PER_MEASURE = 2
EAST_ASIAN_FONT = "Microsoft JhengHei"
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "subtitle": "Findings report", "made": "Made on {date} with the interview research workbench.",
        "codebook": "Codebook: {label}", "filters": "Filters: {filters}", "no_filters": "All coded passages.",
        "method": "Method", "participants_by_group": "Participants by group", "languages": "Transcripts by language",
        "coders": "Coders", "group": "Group", "participants": "Participants", "transcripts": "Transcripts",
        "codings": "Codings", "language": "Language", "coder": "Coder", "name": "Name",
        "how": "How the figures are made. Participants are counted once per cell however many of their passages "
               "are coded there (distinct pseudonyms). Codings count coded passages, one per coder. A participant "
               "can count both as facilitator and as barrier for one measure. Themes meet framework measures "
               "through each code's measures in the codebook ({codebook}). Quotes are passages coded by the most "
               "coders, one per participant first. Pseudonyms only.",
        "charts": "Charts", "themes": "Themes and codes", "definition": "Definition",
        "counts_by_group": "Counts by group", "quotes": "Quotes", "measures": "Framework measures",
        "spoke": "{n} participant(s) spoke to this measure: {facilitator} as facilitator, {barrier} as barrier, "
                 "{neutral} neutral.", "nobody": "No participant spoke to this measure in the coded passages.",
        "participant": "Participant", "assessments": "Assessments", "turn": "turn",
        "key_quotes": "Key quotes", "no_quotes": "No coded passages.",
        "chart_heatmap": "Participants per theme and measure (distinct participants whose codings of the theme "
                         "speak to the measure).",
        "chart_bars": "Participants who experienced each measure as facilitator, barrier or neutral (one "
                      "participant may count in more than one).",
        "chart_frequency": "Participants per theme and group (distinct participants with at least one coding).",
    },
    "zh": {
        "subtitle": "研究結果報告", "made": "{date} 以訪談研究工作台製作。",
        "codebook": "編碼簿：{label}", "filters": "篩選：{filters}", "no_filters": "所有已編碼段落。",
        "method": "研究方法", "participants_by_group": "各組別受訪者", "languages": "各語言訪談稿",
        "coders": "編碼員", "group": "組別", "participants": "受訪者人數", "transcripts": "訪談稿數目",
        "codings": "編碼次數", "language": "語言", "coder": "編碼員", "name": "名稱",
        "how": "數字的計算方法：每格內的受訪者只計算一次，不論其有多少段落在該格被編碼（以不同化名計算）。"
               "編碼次數計算已編碼段落，每位編碼員各計一次。同一受訪者可就同一措施同時計作「有幫助」及「障礙」。"
               "主題與框架措施的對應來自編碼簿中各編碼所列的措施（{codebook}）。引文優先選取最多編碼員編碼的段落，"
               "並先為每位受訪者各選一段。只使用化名。",
        "charts": "圖表", "themes": "主題與編碼", "definition": "定義", "counts_by_group": "各組別數字",
        "quotes": "引文", "measures": "框架措施",
        "spoke": "{n} 名受訪者談及此措施：{facilitator} 名認為有幫助，{barrier} 名認為是障礙，{neutral} 名中性。",
        "nobody": "已編碼段落中沒有受訪者談及此措施。",
        "participant": "受訪者", "assessments": "評估", "turn": "發言",
        "key_quotes": "重點引文", "no_quotes": "沒有已編碼段落。",
        "chart_heatmap": "各主題與措施的受訪者人數（其主題編碼對應該措施的不同受訪者）。",
        "chart_bars": "認為各措施有幫助、是障礙或中性的受訪者人數（同一受訪者可計入多於一項）。",
        "chart_frequency": "各主題及組別的受訪者人數（至少有一次編碼的不同受訪者）。",
    },
}


def _t(lang: str, key: str, **values: Any) -> str:
    if lang not in TEXT:
        raise InputError(f"the report language is en or zh, not {lang!r}")
    return TEXT[lang][key].format(**values)


def strongest_quotes(quotes: pd.DataFrame, *, limit: int) -> pd.DataFrame:
    """The passages coded by the most coders (then assessed, then of a readable length), one per participant first."""
    if quotes.empty:
        return quotes
    ranked = quotes.assign(
        _coders=quotes["coders"].fillna("").str.count(",") + 1,
        _assessed=(quotes["assessments"].fillna(NOT_ASSESSED.value) != NOT_ASSESSED.value).astype(int),
        _length=-(quotes["snippet"].str.len() - 200).abs())
    ranked = ranked.sort_values(["_coders", "_assessed", "_length"], ascending=False, kind="stable")
    first = ranked.drop_duplicates("participant")
    chosen = pd.concat([first, ranked.drop(first.index)]).head(limit)
    return chosen.drop(columns=["_coders", "_assessed", "_length"])


# The charts a report embeds: (caption key, chart kind in the registry, its options).
REPORT_CHARTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("chart_heatmap", "heatmap", {"level": "theme"}), ("chart_bars", "assessment", {}),
    ("chart_frequency", "frequency", {"level": "theme"}))


def report_charts(study: Study, *, filters: Filters, lang: str) -> list[tuple[str, bytes]]:
    """(caption, PNG) of the charts the report embeds, made through the chart registry."""
    from workbench.services import charts  # Altair loads only when a report is made, not for `workbench --help`

    images = []
    for key, kind, options in REPORT_CHARTS:
        chart = charts.CHARTS[kind].chart(study, filters=filters, lang=lang, clickable=False, **options)
        if chart is not None:
            images.append((_t(lang, key), charts.chart_png(chart)))
    return images


def word_report(study: Study, *, filters: Filters | None = None, lang: str = "en", charts_too: bool = True,
                made_on: date | None = None) -> bytes:
    """The findings report as .docx bytes."""
    import docx
    from docx.shared import Cm

    _t(lang, "subtitle")
    filters = filters or Filters()
    document = docx.Document()
    _fonts(document)
    document.core_properties.title = study.meta("title") or "Study"
    document.core_properties.author = "Interview research workbench"
    _title_page(document, study, filters, lang, made_on or date.today())
    quotes = analysis.quotes(study, filters=filters)
    _method(document, study, filters, lang)
    if charts_too:
        images = report_charts(study, filters=filters, lang=lang)
        if images:
            document.add_heading(_t(lang, "charts"), level=1)
            for caption, png in images:
                document.add_picture(io.BytesIO(png), width=Cm(16))
                document.add_paragraph(caption, style="Caption")
    _themes(document, study, filters, quotes, lang)
    _measures(document, study, filters, quotes, lang)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fonts(document: Any) -> None:
    """A Chinese font for East Asian text in every style the report uses (Word falls back where it is missing)."""
    from docx.oxml.ns import qn

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "Quote", "List Bullet"):
        style = document.styles[name]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _table(document: Any, header: list[str], rows: list[list[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = str(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _title_page(document: Any, study: Study, filters: Filters, lang: str, made_on: date) -> None:
    document.add_heading(study.meta("title") or "Study", level=0)
    document.add_paragraph(_t(lang, "subtitle"), style="Subtitle")
    document.add_paragraph(_t(lang, "made", date=made_on.isoformat()))
    document.add_paragraph(_t(lang, "codebook", label=current_label(study.db)))
    described = filters.describe()
    document.add_paragraph(_t(lang, "filters", filters=described) if described else _t(lang, "no_filters"))
    document.add_page_break()


def _method(document: Any, study: Study, filters: Filters, lang: str) -> None:
    document.add_heading(_t(lang, "method"), level=1)
    document.add_paragraph(_t(lang, "how", codebook=current_label(study.db)))
    rows = list_transcripts(study)
    people: dict[str, set[str]] = {}
    transcripts: dict[str, int] = {}
    for row in rows:
        group = row["participant_group"] or "other"
        if row["participant"]:
            people.setdefault(group, set()).add(row["participant"])
        transcripts[group] = transcripts.get(group, 0) + 1
    document.add_heading(_t(lang, "participants_by_group"), level=2)
    _table(document, [_t(lang, "group"), _t(lang, "participants"), _t(lang, "transcripts")],
           [[GROUPS.label(g, lang), len(people.get(g, ())), transcripts[g]] for g in sorted(transcripts)])
    document.add_heading(_t(lang, "languages"), level=2)
    languages = pd.Series([r["language"] for r in rows]).value_counts()
    _table(document, [_t(lang, "language"), _t(lang, "transcripts")],
           [[LANGUAGES.label(str(k), lang), int(v)] for k, v in languages.items()])
    document.add_heading(_t(lang, "coders"), level=2)
    counts = analysis.code_frequencies(study, by="coder", filters=filters).groupby("coder")["codings"].sum()
    _table(document, [_t(lang, "coder"), _t(lang, "name"), _t(lang, "codings")],
           [[u.username, u.display_name, int(counts.get(u.username, 0))] for u in study.coders()])


def _quote(document: Any, row: Any, lang: str) -> None:
    document.add_paragraph(f"“{row.snippet}”", style="Quote")
    turn = f", {_t(lang, 'turn')} {int(row.turn)}" if pd.notna(row.turn) else ""
    who = row.participant if isinstance(row.participant, str) else "—"
    document.add_paragraph(f"— {who} ({GROUPS.label(str(row.group), lang)}), {row.transcript}{turn}")


def _themes(document: Any, study: Study, filters: Filters, quotes: pd.DataFrame, lang: str) -> None:
    name = "name_zh" if lang == "zh" else "name_en"
    document.add_heading(_t(lang, "themes"), level=1)
    themes = analysis.code_frequencies(study, level="theme", filters=filters)
    by_group = analysis.code_frequencies(study, by="group", filters=filters)
    definitions = _definitions(study, lang)
    for theme in themes.itertuples(index=False):
        document.add_heading(str(getattr(theme, name)), level=2)
        if definitions.get(theme.code):
            document.add_paragraph(definitions[theme.code])
        codes = by_group[by_group["theme"] == theme.code]
        for code, rows in codes.groupby("code", sort=False):
            first = rows.iloc[0]
            document.add_heading(f"{first[name]} ({code})", level=3)
            if definitions.get(str(code)):
                document.add_paragraph(f"{_t(lang, 'definition')}: {definitions[str(code)]}")
            _table(document, [_t(lang, "group"), _t(lang, "participants"), _t(lang, "transcripts"), _t(lang, "codings")],
                   [[GROUPS.label(str(r.group), lang), r.participants, r.transcripts, r.codings]
                    for r in rows.itertuples(index=False)])
            for row in strongest_quotes(quotes[quotes["code"] == code], limit=QUOTES_PER_CODE).itertuples(index=False):
                _quote(document, row, lang)


def _definitions(study: Study, lang: str) -> dict[str, str]:
    return {c["id"]: (c["definition_zh"] if lang == "zh" and c["definition_zh"] else c["definition_en"]) or ""
            for c in list_codes(study, counts=False)}


def _measures(document: Any, study: Study, filters: Filters, quotes: pd.DataFrame, lang: str) -> None:
    summary = analysis.measure_summary(study, filters=filters)
    if summary.empty:
        return
    title = "measure_zh" if lang == "zh" else "measure_en"
    document.add_heading(_t(lang, "measures"), level=1)
    measured = quotes.assign(_m=quotes["measures"].fillna("").astype(str).str.split()).explode("_m")
    for row in summary.itertuples(index=False):
        document.add_heading(f"{row.measure} — {getattr(row, title)}", level=2)
        if not row.participants:
            document.add_paragraph(_t(lang, "nobody"))
            continue
        document.add_paragraph(_t(lang, "spoke", n=row.participants, facilitator=row.participants_facilitator,
                                  barrier=row.participants_barrier, neutral=row.participants_neutral))
        people = analysis.measure_participants(study, row.measure, filters=replace(filters, measures=(row.measure,)))
        _table(document, [_t(lang, "participant"), _t(lang, "group"), _t(lang, "codings"), _t(lang, "assessments")],
               [[p.participant, GROUPS.label(str(p.group), lang), p.codings,
                 ", ".join(ASSESSMENTS.label(a, lang) if a in ASSESSMENTS else NOT_ASSESSED.label(lang)
                           for a in str(p.assessments or "").split(","))] for p in people.itertuples(index=False)])
        here = measured[measured["_m"] == row.measure]
        chosen = [strongest_quotes(here[here["assessments"].fillna("").str.contains(a)], limit=QUOTES_PER_MEASURE)
                  for a in ("facilitator", "barrier")]
        picked = pd.concat(chosen).drop_duplicates("id") if any(len(c) for c in chosen) else here.head(0)
        if picked.empty:
            picked = strongest_quotes(here, limit=QUOTES_PER_MEASURE)
        if len(picked):
            document.add_paragraph(_t(lang, "key_quotes"), style="Heading 3")
        for quote in picked.itertuples(index=False):
            _quote(document, quote, lang)
