"""Research rigour: inter-coder agreement, blind double coding, the disagreement queue and consensus layer.

Suggestion accountability lives in services/suggest/accountability.py; codebook versions in
workbench/store/codebook_versions.py (recorded by `Study.writing` itself).

What the faces call:
- `agreement(study, coders=, unit=, transcripts=)` → Agreement (`.as_json()`), `agreement_table(result)` (report.py)
- `assign`, `unassign`, `mark_done`, `assignments`, `is_blind`, `visible_codings` (assignments.py)
- `disagreements`, `resolve`, `adopt_agreements`, `provenance`, `consensus_counts` (consensus.py)
"""

from workbench.services.agreement.assignments import (
    assign,
    assignments,
    is_blind,
    mark_done,
    unassign,
    visible_codings,
)
from workbench.services.agreement.consensus import (
    adopt_agreements,
    consensus_counts,
    disagreements,
    provenance,
    resolve,
)
from workbench.services.agreement.report import Agreement, agreement, agreement_table
from workbench.services.agreement.units import UNITS

__all__ = ["Agreement", "UNITS", "adopt_agreements", "agreement", "agreement_table", "assign",
           "assignments", "consensus_counts", "disagreements", "is_blind", "mark_done", "provenance",
           "resolve", "unassign", "visible_codings"]
