"""The streaming .docx reader against python-docx (what it replaced), on the same files, side by side.

Figures: seconds and peak Python memory (tracemalloc: lxml's own C memory is not counted, and tracing slows
both sides alike) to get the text of a long interview with tables, and
of a table whose cell spans more and more grid columns (python-docx expands every span; the streaming reader
never does). python-docx is stopped at the first span size that takes it over 20 s.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable

import docx

from workbench.text.docx_text import docx_text

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SLOW = 20.0


def _with_body(xml: str) -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = f"<w:document {W}><w:body>{xml}</w:body></w:document>".encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def _interview(turns: int) -> bytes:
    paragraph = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"
    body = "".join(paragraph.format(f"Interviewer: Question {i}?") + paragraph.format(
        "Dewi: They kept my passport and my wages for five months; 佢哋收咗我本護照。") for i in range(turns))
    row = "<w:tr>" + "<w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc>" * 4 + "</w:tr>"
    return _with_body(body + "<w:tbl>" + row * 200 + "</w:tbl>")


def _spanning(span: int) -> bytes:
    cell = f"<w:tc><w:tcPr><w:gridSpan w:val='{span}'/></w:tcPr><w:p><w:r><w:t>wide</w:t></w:r></w:p></w:tc>"
    return _with_body("<w:tbl>" + f"<w:tr>{cell}</w:tr>" * 3 + "</w:tbl>")


def _python_docx(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _streaming(data: bytes) -> str:
    return docx_text("bench.docx", data, max_chars=20 * 1024 * 1024)


def _measure(read: Callable[[bytes], str], data: bytes) -> tuple[float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    read(data)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    return seconds, peak


def run() -> None:
    """Print the figures."""
    print(f"{'file':<34} {'python-docx s':>13} {'MB':>7} {'streaming s':>12} {'MB':>7} {'ratio':>7}")
    interview = _interview(5000)
    old, new = _measure(_python_docx, interview), _measure(_streaming, interview)
    print(f"{'interview, 10,000 turns + table':<34} {old[0]:>13.2f} {old[1]:>7.1f} {new[0]:>12.3f} {new[1]:>7.1f} "
          f"{old[0] / new[0]:>6.1f}x")
    stopped = False
    for span in (1_000, 10_000, 100_000, 1_000_000, 99_999_999):
        data = _spanning(span)
        new = _measure(_streaming, data)
        if stopped:
            print(f"{f'gridSpan={span:,}':<34} {'(not run)':>13} {'':>7} {new[0]:>12.3f} {new[1]:>7.1f}")
            continue
        old = _measure(_python_docx, data)
        print(f"{f'gridSpan={span:,}':<34} {old[0]:>13.2f} {old[1]:>7.1f} {new[0]:>12.3f} {new[1]:>7.1f} "
              f"{old[0] / max(new[0], 1e-6):>6.0f}x")
        stopped = old[0] > SLOW / 10  # the next size is ten times bigger


if __name__ == "__main__":
    run()
