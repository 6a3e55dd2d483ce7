"""Research rigour: inter-coder agreement, blind double coding, the disagreement queue and consensus layer,
suggestion accountability. (Codebook versions live in workbench/store/codebook_versions.py: they are
recorded by `Study.writing` itself.)

What the faces call:
- `agreement(study, coders=, unit=, transcripts=)` → Agreement (`.as_json()`), `agreement_table(result)` (report.py)
- `assign`, `unassign`, `mark_done`, `assignments`, `is_blind`, `visible_codings` (assignments.py)
- `disagreements`, `resolve`, `adopt_agreements`, `provenance`, `consensus_counts` (consensus.py)
- `accountability`, `by_model` (accountability.py)
"""

from workbench.services.agreement.accountability import accountability, by_model
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

__all__ = ["Agreement", "UNITS", "accountability", "adopt_agreements", "agreement", "agreement_table", "assign",
           "assignments", "by_model", "consensus_counts", "disagreements", "is_blind", "mark_done", "provenance",
           "resolve", "unassign", "visible_codings"]
