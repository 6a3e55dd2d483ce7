"""The code picker's search: top-1 accuracy and time per query of `rank_codes`, beside a plain name filter.

The plain filter is what a multiselect does (the typed text as a substring of a code's name or id). The queries
are what a coder might type for a passage, in English and Hong Kong Chinese, with the code a careful coder would
apply; they were written from the codebook's scope notes (DESIGN.md §4), not from the ranking's output.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from workbench.services.code_search import fold, rank_codes
from workbench.services.codebook import load_with_framework
from workbench.services.codes import install_codebook, list_codes
from workbench.store.study import Study

CODEBOOK = Path(__file__).resolve().parent.parent / "codebooks" / "justice_access.yaml"
QUERIES = [
    ("passport", "exploitation/document_retention"), ("護照", "exploitation/document_retention"),
    ("收起護照", "exploitation/document_retention"), ("ID card kept", "exploitation/document_retention"),
    ("deception", "exploitation/deception"), ("fake contract", "exploitation/deception"),
    ("假合約", "exploitation/deception"), ("debt", "exploitation/debt_bondage"),
    ("財仔", "exploitation/debt_bondage"), ("loan", "exploitation/debt_bondage"),
    ("unpaid wages", "exploitation/wage_withholding"), ("人工", "exploitation/wage_withholding"),
    ("hit me", "exploitation/violence_threats"), ("打", "exploitation/violence_threats"),
    ("locked", "exploitation/restricted_movement"), ("no rest day", "exploitation/abusive_conditions"),
    ("screening", "identification/screening"), ("police", "enforcement/authority_response"),
    ("convicted", "enforcement/prosecution"), ("forced labour offence", "enforcement/legal_framework"),
    ("afraid", "barriers/fear_retaliation"), ("interpreter", "barriers/language_interpretation"),
    ("翻譯", "barriers/language_interpretation"), ("visa", "barriers/immigration_status"),
    ("two-week rule", "barriers/immigration_status"), ("arrested", "barriers/criminalisation"),
    ("waited a year", "barriers/delay"), ("legal aid", "remedies/legal_aid"), ("法律援助", "remedies/legal_aid"),
    ("tribunal", "remedies/labour_tribunal"), ("勞資審裁處", "remedies/labour_tribunal"),
    ("compensation", "remedies/compensation"), ("torture claim", "remedies/non_refoulement"),
    ("shelter", "support/shelter_welfare"), ("NGO", "support/ngo"), ("hotline", "support/hotline_information"),
    ("agency fee", "recruitment/agency_fees"), ("中介費", "recruitment/agency_fees"),
    ("licence", "recruitment/agency_regulation"), ("recommend", "voice/recommendations"),
]


def _plain_filter(codes: list[dict], query: str) -> list[str]:
    q = fold(query)
    return [c["id"] for c in codes if q and (q in fold(c["name_en"]) or q in fold(c["name_zh"] or "")
                                          or q in fold(c["id"]))]


def _time(fn, query: str, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn(query)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def run() -> None:
    """Print top-1 accuracy and median time per query for both."""
    with tempfile.TemporaryDirectory() as tmp, Study.open(Path(tmp) / "s.db", create=True) as study:
        book, framework = load_with_framework(CODEBOOK)
        install_codebook(study, book, framework, by="system")
        codes = list_codes(study, counts=False)
    rank_codes(codes, "warm up")  # pipelines loaded and the codebook prepared once, as the page does
    ranked = [(rank_codes(codes, q, limit=1) or [None])[0] for q, _ in QUERIES]
    plain = [(_plain_filter(codes, q) or [None])[0] for q, _ in QUERIES]
    right = sum(m is not None and m.code_id == want for m, (_, want) in zip(ranked, QUERIES))
    right_plain = sum(p == want for p, (_, want) in zip(plain, QUERIES))
    slow = statistics.median(_time(lambda q: rank_codes(codes, q, limit=12), q) for q, _ in QUERIES)
    fast = statistics.median(_time(lambda q: _plain_filter(codes, q), q) for q, _ in QUERIES)
    print(f"code search, {len(QUERIES)} queries ({len(codes)} codes): top-1 right rank_codes {right}/{len(QUERIES)}, "
          f"plain name filter {right_plain}/{len(QUERIES)} | median per query rank_codes {slow * 1000:.1f} ms, "
          f"plain filter {fast * 1000:.2f} ms ({slow / fast:.0f}x)")
    for (q, want), m in zip(QUERIES, ranked):
        if m is None or m.code_id != want:
            print(f"  missed: {q!r} -> {m.code_id if m else None} (wanted {want})")


if __name__ == "__main__":
    run()
