"""The app's frame lives in workbench/ui/app.py (so an installed workbench has it too); this runs it."""

from workbench.ui.app import run

run()
