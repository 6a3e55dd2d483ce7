"""The main script of the served app: the frame of workbench/ui/app.py (kept away from the pages/ folder)."""

from workbench.ui.app import run

run()
