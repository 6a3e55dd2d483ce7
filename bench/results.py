"""What every benchmark shares: a printed table and its figures merged into bench/results.json."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"


def record(key: str, figures: dict[str, Any]) -> None:
    """Store a benchmark's figures under `key` in bench/results.json, keeping every other key."""
    current = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    current[key] = {"recorded": time.strftime("%Y-%m-%d %H:%M"), "figures": figures}
    RESULTS.write_text(json.dumps(current, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """Rows under headers, columns padded to their widest cell (numbers right-aligned)."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if n and _numeric(c) else c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _numeric(cell: str) -> bool:
    return cell.replace(",", "").replace(".", "").replace("×", "").replace("%", "").lstrip("-").isdigit()
