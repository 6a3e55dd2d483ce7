"""Keyword-in-context lines for a word, optionally inside the passages of one code."""

from __future__ import annotations

import pandas as pd

from workbench.services.search import SearchFilters, search
from workbench.store.study import Study

KWIC_COLUMNS = ["transcript", "participant", "group", "turn", "start", "end", "left", "match", "right", "transcript_id"]


def keyword_in_context(study: Study, keyword: str, *, code: str | None = None, groups: tuple[str, ...] = (),
                       width: int = 40, limit: int = 200) -> pd.DataFrame:
    """KWIC lines for a keyword (English by lemma, Chinese as a string), in sentences coded with `code` if given."""
    filters = SearchFilters(codes=(code,) if code else (), groups=groups)
    result = search(study, keyword, filters=filters, limit=limit, width=width)
    return pd.DataFrame(result.hits, columns=KWIC_COLUMNS)
