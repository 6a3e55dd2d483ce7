"""Tables as files: CSV (UTF-8 with a byte-order mark) and XLSX (one sheet per table, frozen header, widths)."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping

import pandas as pd

from workbench.errors import InputError

MAX_WIDTH = 60
# A spreadsheet reads a CSV cell starting like this as a formula; such cells get a leading apostrophe.
_FORMULA = re.compile(r"^(?:[=+@\t\r]|-[^\s\d])")
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _defused(value: object) -> object:
    return "'" + value if isinstance(value, str) and _FORMULA.match(value) else value


def table_csv(table: pd.DataFrame) -> bytes:
    """A table as CSV, UTF-8 with a BOM so spreadsheet programs read Chinese; no cell starts a formula."""
    return table.map(_defused).to_csv(index=False).encode("utf-8-sig")


def _width(value: object) -> int:
    text = "" if value is None else str(value)
    longest = max((line for line in text.split("\n")), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_NAME.sub("_", name).strip("'")[:31] or "sheet"
    candidate, number = base, 2
    while candidate.lower() in taken:
        candidate = f"{base[:28]}_{number}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def tables_xlsx(tables: Mapping[str, pd.DataFrame], *, about: list[tuple[str, str]] | None = None) -> bytes:
    """An XLSX workbook: one sheet per table (bold frozen header, filters, column widths, wrapped long text),
    then an 'about' sheet of (field, value) lines saying what the tables count."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    if not tables:
        raise InputError("no table to export")
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    pages = dict(tables)
    if about:
        pages["about"] = pd.DataFrame(about, columns=["field", "value"])
    for name, table in pages.items():
        sheet = book.create_sheet(sheet_name(name, taken))
        sheet.append([str(c) for c in table.columns])
        for row in table.itertuples(index=False):
            sheet.append([None if _missing(v) else v for v in row])
        for column in sheet.iter_cols():
            for cell in column[1:]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text is text: never a formula, whatever it starts with
                    if "\n" in cell.value or len(cell.value) > MAX_WIDTH:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(_width(c.value) for c in column) + 2)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        if len(table.columns):
            sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
