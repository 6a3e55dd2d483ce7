"""Marks codebooks/ as the data package workbench.bundled.codebooks (see workbench/bundled/__init__.py)."""
