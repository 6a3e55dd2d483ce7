"""workbench.store.codebook_versions: every codebook change makes a version with author, time and a readable diff."""

from __future__ import annotations

import pytest

from tests.helpers import CODE_DELAY, CODE_PASSPORT, CODE_WAGES, SHIPPED_CODEBOOK
from workbench.errors import InputError, NotFoundError, PermissionDenied
from workbench.services.codebook import load_with_framework
from workbench.services.codes import add_code, install_codebook, merge_codes, update_code
from workbench.store import codebook_versions as cv
from workbench.store.schema import CONSENSUS_USER
from workbench.store.study import Study


def test_installing_the_codebook_is_the_first_version(study):
    (first,) = cv.versions(study.db)
    assert first["version"] == 1 and first["label"] == "v1" and first["author"] == "admin1"
    assert first["summary"].startswith("first version:")


def test_each_kind_of_change_makes_one_version_with_a_readable_summary(study):
    add_code(study, code_id="barriers/stigma", name_en="Stigma", parent="barriers", by="coder1")
    update_code(study, CODE_DELAY, name_en="Delays and waiting", by="coder1")
    update_code(study, "barriers/stigma", parent_id="exploitation", by="admin1")
    update_code(study, CODE_PASSPORT, definition_en="Passports or IDs kept from the worker.", by="coder1")
    merge_codes(study, source=CODE_WAGES, target=CODE_PASSPORT, by="admin1")
    found = cv.versions(study.db)
    assert [v["version"] for v in found] == [6, 5, 4, 3, 2, 1]  # newest first
    summaries = [v["summary"] for v in reversed(found)][1:]
    assert summaries[0] == "added barriers/stigma ('Stigma')" or summaries[0].startswith("added barriers/stigma")
    assert summaries[1].startswith(f"name_en of {CODE_DELAY}:") and "Delays and waiting" in summaries[1]
    assert summaries[2] == "moved barriers/stigma from barriers to exploitation"
    assert summaries[3].startswith(f"definition_en of {CODE_PASSPORT}")
    assert summaries[4] == f"merged {CODE_WAGES} into {CODE_PASSPORT}"
    assert [v["author"] for v in reversed(found)] == ["admin1", "coder1", "coder1", "admin1", "coder1", "admin1"]


def test_comparing_two_versions_lists_every_change(study):
    add_code(study, code_id="barriers/stigma", name_en="Stigma", parent="barriers", by="coder1")
    update_code(study, CODE_DELAY, name_zh="拖延", by="coder1")
    changes = cv.compare(study.db, 1, 3)
    assert [(c["code"], c["kind"]) for c in changes] == [(CODE_DELAY, "renamed"), ("barriers/stigma", "added")]
    assert changes[0]["after"] == "拖延" and "拖延" in changes[0]["change"]
    assert cv.compare(study.db, 3, 1)[1]["kind"] == "deleted"  # backwards reads as a removal
    with pytest.raises(NotFoundError):
        cv.compare(study.db, 1, 99)


def test_a_write_that_changes_nothing_or_fails_makes_no_version(study):
    update_code(study, CODE_DELAY, name_en=study.db["codes"].get(CODE_DELAY)["name_en"], by="coder1")
    book, framework = load_with_framework(SHIPPED_CODEBOOK)
    install_codebook(study, book, framework, by="admin1")  # the same codebook again
    with pytest.raises(InputError):
        update_code(study, CODE_DELAY, parent_id=CODE_DELAY, by="coder1")
    with pytest.raises(PermissionDenied):
        add_code(study, code_id="barriers/x", name_en="X", parent="barriers", by="rev1")
    assert len(cv.versions(study.db)) == 1


def test_mapping_edits_are_versioned_whatever_function_writes_them(study):
    """Versioning sits in Study.writing: a codebook write nobody taught about versions is still recorded."""
    with study.writing(by="admin1", action="codebook.edit"):
        study.db.execute("DELETE FROM code_measures WHERE code_id = ? AND measure_id = 'NM-a'",
                         ["identification/screening"])
    change = cv.compare(study.db, 1, 2)
    assert [(c["kind"], c["field"]) for c in change] == [("mapping", "measures")]
    assert change[0]["change"] == "mapping of identification/screening: −NM-a"


def test_current_label_names_the_codebook_and_the_revision(study):
    add_code(study, code_id="barriers/stigma", name_en="Stigma", parent="barriers", by="coder1")
    label = cv.current_label(study.db)
    assert label.startswith("justice_access ") and ", study revision v2 (" in label
    assert cv.current_version(study.db)["author"] == "coder1"


def test_an_empty_study_has_no_version():
    with Study.open(":memory:") as study:
        assert cv.versions(study.db) == [] and cv.current_label(study.db) == "no codebook"


def test_migrating_a_study_from_the_previous_schema_takes_a_baseline(study):
    """A study at 0005 gets the new tables, the consensus account, and its codebook as version 1."""
    with study.db.atomic():
        for table in ("transcript_coders", "resolutions", "codebook_versions"):
            study.db.execute(f"DROP TABLE {table}")
        study.db.execute("DELETE FROM users WHERE username = ?", [CONSENSUS_USER])
        study.db.execute("DELETE FROM _sqlite_migrations WHERE name = '0009_agreement'")
    path = study.path
    study.close()
    with Study.open(path) as reopened:
        (baseline,) = cv.versions(reopened.db)
        assert baseline["summary"] == "the codebook as it stood when versioning began"
        assert baseline["author"] == "system"
        assert reopened.db.execute("SELECT active FROM users WHERE username = ?", [CONSENSUS_USER]).fetchone() == (0,)
        add_code(reopened, code_id="barriers/stigma", name_en="Stigma", parent="barriers", by="coder1")
        assert len(cv.versions(reopened.db)) == 2
