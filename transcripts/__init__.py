"""Marks transcripts/ as the data package workbench.bundled.transcripts (see workbench/bundled/__init__.py)."""
