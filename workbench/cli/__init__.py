"""The `workbench` command: a thin shell over the library (parse, call, print).

One module per command family, each listing its module-level commands in `COMMANDS`; this package
attaches them to the group. The families import only `workbench.cli.common`, never this module.
To add a command: write it in its family's module (or a new one) and list it in that module's COMMANDS
(a new module also goes into FAMILIES below).
"""

from __future__ import annotations

import click

from workbench.cli import agreement, codebook, coding, exports, imports, privacy, report, study, suggest, users

FAMILIES = (study, imports, codebook, coding, users, report, suggest, agreement, exports, privacy)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workbench")
def main() -> None:
    """Qualitative interview research workbench (one SQLite file per study)."""


for _family in FAMILIES:
    for _command in _family.COMMANDS:
        main.add_command(_command)
