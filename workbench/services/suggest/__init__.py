"""NLP-assisted coding suggestions: codebook rules, a model learned from the study's codings, more-like-this.

The public API (what the app, the CLI and the coding page call):
- `generate(study, transcript_id, by=...)`, `list_suggestions`, `accept`, `reject`, `accept_all`,
  `suggestion_counts` (service.py)
- `suggest_texts(texts, rules=..., study=..., method=..., top=...)`: ranked suggestions for loose texts (api.py)
- `similar_to_coding` / `similar` (similar.py), `evaluate` (evaluate.py), `retrain` (api.py)
"""

from workbench.services.suggest.api import latest_quality, retrain, suggest_texts
from workbench.services.suggest.service import (
                                                accept,
                                                accept_all,
                                                generate,
                                                list_suggestions,
                                                reject,
                                                study_rules,
                                                suggestion_counts,
)
from workbench.services.suggest.similar import similar, similar_to_coding

__all__ = ["accept", "accept_all", "generate", "latest_quality", "list_suggestions", "reject", "retrain",
           "similar", "similar_to_coding", "study_rules", "suggest_texts", "suggestion_counts"]
