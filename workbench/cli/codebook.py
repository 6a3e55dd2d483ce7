"""`workbench codebook validate | load | show | history`."""

from __future__ import annotations

import click

from workbench.cli.common import echo, friendly, print_json, study_argument
from workbench.store.study import SYSTEM_USER, Study


@click.group()
def codebook() -> None:
    """Load, show or validate codebooks."""


@codebook.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
@friendly
def codebook_validate(path: str) -> None:
    """Check a codebook file (and the framework it names)."""
    from workbench.services.codebook import load_with_framework

    book, framework = load_with_framework(path)
    themes = sum(1 for c in book.codes if not c.parent)
    click.echo(f"ok: {book.id} {book.version}: {len(book.codes)} codes ({themes} themes)"
               + (f", {len(framework.measures)} measures in {framework.id}" if framework else ""))


@codebook.command("load")
@study_argument
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True)
@friendly
def codebook_load(study: str, path: str, as_user: str) -> None:
    """Install a codebook into a study (existing ids are updated, never renumbered)."""
    from workbench.services.codebook import load_with_framework
    from workbench.services.codes import install_codebook

    book, framework = load_with_framework(path)
    with Study.open(study) as s:
        result = install_codebook(s, book, framework, by=as_user)
    click.echo(f"{book.id}: {result['added']} codes added, {result['updated']} updated")


@codebook.command("show")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@friendly
def codebook_show(source: str, as_json: bool) -> None:
    """Print the code tree of a study or a codebook file."""
    if source.endswith((".yaml", ".yml")):
        from workbench.services.codebook import load_codebook

        codes = [{"id": c.id, "parent_id": c.parent, "name_en": c.name_en, "name_zh": c.name_zh,
                  "measures": c.measures, "codings": None} for c in load_codebook(source).codes]
    else:
        from workbench.services.codes import list_codes

        with Study.open(source) as s:
            codes = list_codes(s)
    if as_json:
        print_json(codes)
        return
    for code in codes:
        indent = "  " * code["id"].count("/")
        count = "" if code.get("codings") is None else f"  [{code['codings']}]"
        measures = f"  → {', '.join(code['measures'])}" if code["measures"] else ""
        echo(f"{indent}{code['id']}  {code['name_en']} / {code['name_zh']}{count}{measures}")


@codebook.command("history")
@study_argument
@click.option("--compare", nargs=2, type=int, metavar="OLD NEW", help="List every change between two versions.")
@click.option("--json", "as_json", is_flag=True)
@friendly
def codebook_history(study: str, compare: tuple[int, int] | None, as_json: bool) -> None:
    """The codebook's versions (who changed what, when), or the changes between two of them."""
    from workbench.store import codebook_versions

    with Study.open(study) as s:
        rows = codebook_versions.compare(s.db, *compare) if compare else codebook_versions.versions(s.db)
    if as_json:
        print_json(rows)
    elif compare:
        for row in rows:
            click.echo(row["change"])
        click.echo(f"{len(rows)} change(s) from v{compare[0]} to v{compare[1]}")
    else:
        for row in rows:
            click.echo(f"{row['label']:>5}  {row['created_at']}  {row['author']:<10} {row['summary']}")


COMMANDS = (codebook,)
