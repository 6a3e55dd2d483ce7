"""Qualitative interview research workbench for anti-trafficking research in Hong Kong."""

__version__ = "0.1.0"
