"""Findings out of a study: one registry of export formats (see registry.py) and the REFI-QDA import."""
