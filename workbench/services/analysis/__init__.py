"""Analysis: pure functions over a study returning pandas DataFrames (SQL aggregations underneath)."""

from workbench.services.analysis.base import Filters, code_names, population
from workbench.services.analysis.cooccurrence import code_cooccurrence, code_participant_matrix
from workbench.services.analysis.density import coding_density
from workbench.services.analysis.frequencies import code_frequencies, frequency_table
from workbench.services.analysis.kwic import keyword_in_context
from workbench.services.analysis.measures import (
                                                   measure_codes,
                                                   measure_participants,
                                                   measure_summary,
                                                   theme_measure_matrix,
)
from workbench.services.analysis.quotes import quotes
from workbench.services.analysis.words import word_frequencies

__all__ = ["Filters", "code_names", "code_cooccurrence", "code_participant_matrix", "coding_density",
           "code_frequencies", "frequency_table", "keyword_in_context", "population", "measure_codes",
           "measure_participants", "measure_summary",
           "theme_measure_matrix", "quotes", "word_frequencies"]
