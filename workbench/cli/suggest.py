"""`workbench suggest`, `workbench eval-suggest` and `workbench suggestions …`: thin commands over services.suggest."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from workbench.cli.common import friendly, print_json, study_argument
from workbench.errors import InputError
from workbench.services.suggest.methods import DEFAULT, METHODS
from workbench.services.transcripts import resolve_transcript
from workbench.store.study import SYSTEM_USER, Study
from workbench.vocab import ASSESSMENTS, SUGGESTION_STATUSES


def read_jsonl(stream: Any, *, name: str) -> list[tuple[Any, str]]:
    """(id, text) of every non-blank JSON line; InputError naming the line of the first problem."""
    items = []
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"not valid JSON: {err.msg}", source=name, line=number) from err
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
            raise InputError('each line must be an object {"id": ..., "text": "..."}', source=name, line=number)
        items.append((row["id"], row["text"]))
    return items


@click.command("suggest")
@click.option("--codebook", "codebook_path", required=True, type=click.Path(dir_okay=False),
              help="Codebook YAML whose keyword patterns the rules use.")
@click.option("--study", type=click.Path(dir_okay=False), help="Study whose codings the learned model uses.")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help='JSON lines {"id": ..., "text": ...} ("-" for standard input).')
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True, help="At most this many per text.")
@click.option("--method", type=click.Choice(list(METHODS)), default=DEFAULT, show_default=True,
              help="; ".join(f"{m.name} = {m.help}" for m in METHODS.values()) + " (rules only without --study)")
@friendly
@click.option("--explain", is_flag=True, help="Add each suggestion's details: the patterns and words that triggered "
                                            "it, and the rules' and the learned model's parts of its score.")
def suggest(codebook_path: str, study: str | None, input_path: str, top: int, method: str, explain: bool) -> None:
    """Suggest codes for texts: one JSON line per input line, in input order, best first."""
    from workbench.services.codebook import load_codebook
    from workbench.services.suggest.api import suggest_texts
    from workbench.services.suggest.rules import rules_for_codebook

    rules = rules_for_codebook(load_codebook(codebook_path))
    if input_path == "-":
        items = read_jsonl(sys.stdin, name="standard input")
    else:
        try:
            with open(input_path, encoding="utf-8") as stream:
                items = read_jsonl(stream, name=input_path)
        except FileNotFoundError as err:
            raise InputError("no such file", source=input_path) from err
        except UnicodeDecodeError as err:
            raise InputError("the file is not UTF-8 text", source=input_path) from err
    if not METHODS[method].uses_rules and study is None:
        raise InputError(f"--method {method} needs --study")
    if study is not None:
        with Study.open(study) as opened:
            ranked = suggest_texts([t for _, t in items], rules=rules, study=opened, method=method, top=top)
    else:
        ranked = suggest_texts([t for _, t in items], rules=rules, method="rules", top=top)
    for (item_id, _text), suggestions in zip(items, ranked):
        print_json({"id": item_id, "suggestions": [s.as_json(explain=explain) for s in suggestions]}, line=True)


def _print_figures(figures: dict[str, Any]) -> None:
    click.echo(f"{figures['passages']} coded passages in {figures['transcripts']} transcripts"
               + (f", {figures['folds']}-fold cross-validation by transcript" if "folds" in figures else ""))
    click.echo(f"{'method':<10} {'language':<8} {'passages':>8} {'recall@3':>9} {'P@1':>6}")
    for method in (m.figures_key for m in METHODS.values()):
        for language, values in figures.get(method, {}).items():
            click.echo(f"{method:<10} {language:<8} {values['passages']:>8} {values['recall_at_3']:>9.3f} "
                       f"{values['p_at_1']:>6.3f}")
    if figures.get("note"):
        click.echo(f"note: {figures['note']}")
    click.echo(f"({figures['definition']})")


@click.command("eval-suggest")
@click.option("--study", required=True, type=click.Path(dir_okay=False))
@click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False),
              help="Use this codebook's rules instead of the study's.")
@click.option("--json", "as_json", is_flag=True)
@friendly
def eval_suggest(study: str, codebook_path: str | None, as_json: bool) -> None:
    """Cross-validate suggestions on the study's codings: recall@3 and P@1, overall and per language."""
    from workbench.services.suggest.api import evaluate_study

    rules = None
    if codebook_path:
        from workbench.services.codebook import load_codebook
        from workbench.services.suggest.rules import rules_for_codebook

        rules = rules_for_codebook(load_codebook(codebook_path))
    with Study.open(study) as opened:
        figures = evaluate_study(opened, rules=rules)
    if as_json:
        print_json(figures)
    else:
        _print_figures(figures)


@click.group("suggestions")
def suggestions() -> None:
    """Generate, list, accept and reject the suggestions stored in a study."""


@suggestions.command("generate")
@study_argument
@click.option("--transcript", required=True, help="Transcript id or source file stem.")
@click.option("--method", type=click.Choice(list(METHODS)), default=DEFAULT, show_default=True)
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True)
@friendly
def suggestions_generate(study: str, transcript: str, method: str, as_user: str) -> None:
    """Replace the open suggestions of one transcript."""
    from workbench.services.suggest.service import generate

    with Study.open(study) as s:
        done = generate(s, resolve_transcript(s, transcript), by=as_user, method=method)
    click.echo(f"{done.stored} open suggestions for transcript {done.transcript_id} "
               f"({done.method}, model {done.model_version})")


@suggestions.command("list")
@study_argument
@click.option("--transcript", required=True)
@click.option("--status", type=click.Choice((*SUGGESTION_STATUSES.values, "all")), default="open", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@friendly
def suggestions_list(study: str, transcript: str, status: str, as_json: bool) -> None:
    """List a transcript's suggestions."""
    from workbench.services.suggest.service import list_suggestions

    with Study.open(study) as s:
        rows = list_suggestions(s, resolve_transcript(s, transcript), status=None if status == "all" else status)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        snippet = row["snippet"].replace("\n", " ")[:50]
        click.echo(f"{row['id']:>5} {row['start']:>6}-{row['end']:<6} {row['code_id']:<34} {row['score']:.2f} "
                   f"{row['method']:<13} {row['status']:<8} {snippet}")
    click.echo(f"{len(rows)} suggestions")


@suggestions.command("accept")
@study_argument
@click.argument("suggestion_id", type=int)
@click.option("--as", "as_user", required=True, help="Username of the person accepting.")
@click.option("--assessment", type=click.Choice(ASSESSMENTS.values))
@friendly
def suggestions_accept(study: str, suggestion_id: int, as_user: str, assessment: str | None) -> None:
    """Accept a suggestion: it becomes a coding linked to it."""
    from workbench.services.suggest.service import accept

    with Study.open(study) as s:
        coding_id = accept(s, suggestion_id, by=as_user, assessment=assessment)
    click.echo(f"suggestion {suggestion_id} accepted: coding {coding_id}")


@suggestions.command("reject")
@study_argument
@click.argument("suggestion_id", type=int)
@click.option("--as", "as_user", required=True, help="Username of the person rejecting.")
@friendly
def suggestions_reject(study: str, suggestion_id: int, as_user: str) -> None:
    """Reject a suggestion (kept as a negative example)."""
    from workbench.services.suggest.service import reject

    with Study.open(study) as s:
        reject(s, suggestion_id, by=as_user)
    click.echo(f"suggestion {suggestion_id} rejected")


@suggestions.command("retrain")
@study_argument
@click.option("--as", "as_user", default=SYSTEM_USER, show_default=True)
@click.option("--no-eval", is_flag=True, help="Skip the cross-validation.")
@friendly
def suggestions_retrain(study: str, as_user: str, no_eval: bool) -> None:
    """Train the learned model on the study's codings now (and cross-validate it)."""
    from workbench.services.suggest.api import retrain

    with Study.open(study) as s:
        result = retrain(s, by=as_user, with_evaluation=not no_eval)
    click.echo(f"model {result['version']} trained on {result['training_size']} codings and rejections")
    if result["evaluation"]:
        _print_figures(result["evaluation"])


COMMANDS = (suggest, eval_suggest, suggestions)
