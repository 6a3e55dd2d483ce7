"""Findings out of a study: one registry of export formats and tables, and the REFI-QDA import.

- registry.py: FORMATS (docx, xlsx, csv, qdpx, qdc, yaml) and `export()`, which checks, builds and audits
- tables.py: TABLES (quotes, framework matrix, code × participant, theme × measure, frequencies, search, codebook)
- report.py (Word), sheets.py (CSV, XLSX), qdpx.py and codebooks.py (REFI-QDA, YAML), refi.py (shared)
- refi_read.py reads a .qdpx or .qdc into a plan (refi_plan.py) without writing; refi_import.py writes it, all or
  nothing
"""

from workbench.services.exports.registry import FORMATS, Export, ExportRequest, export, may_export
from workbench.services.exports.tables import TABLES, TableRequest, build_table

__all__ = ["FORMATS", "TABLES", "Export", "ExportRequest", "TableRequest", "build_table", "export", "may_export"]
