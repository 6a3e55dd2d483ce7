"""The Codebook page: edit definitions, criteria, colour and measures; confirmed renames; delete; finding 8."""

from __future__ import annotations

import json

from tests.ui.conftest import by_label, choose, logged_in, open_page
from workbench.services.codes import add_code, get_code
from workbench.store.study import Study

CODE = "barriers/delay"


def _edit(at, code: str = CODE):
    return choose(at, "Code", code)


def test_edit_definition_criteria_colour_and_measures(ui_study, demo):
    at = _edit(open_page(logged_in("chan", demo.passwords["chan"]), "codebook"))
    by_label(at.text_area, "Definition (中文)").input("案件拖延、等候時間太長")
    by_label(at.text_area, "Exclude (one per line)").input("late wages\nslow agency replies")
    by_label(at.color_picker, "Colour").pick("#12ab34")
    by_label(at.multiselect, "Measures this code speaks to").set_value(["ON-3", "GOV-2"])
    by_label(at.button, "Save code").click()
    at.run()
    assert not at.exception and [s.value for s in at.success][0].startswith("Saved")
    with Study.open(ui_study) as study:
        code = get_code(study, CODE)
        assert (code["definition_zh"], code["exclude"], code["color"], code["measures"]) == (
            "案件拖延、等候時間太長", ["late wages", "slow agency replies"], "#12ab34", ["GOV-2", "ON-3"])
        actions = [r[0] for r in study.db.execute(
            "SELECT u.username FROM audit_log a JOIN users u ON u.id = a.user_id WHERE a.entity_id = ?", [CODE])]
        assert actions == ["chan", "chan"]


def test_a_rename_needs_confirmation_and_is_recorded(ui_study, demo):
    at = _edit(open_page(logged_in("chan", demo.passwords["chan"]), "codebook"))
    by_label(at.text_input, "English name").input("Waiting for justice")
    by_label(at.button, "Save code").click()
    at.run()
    assert any("confirmation" in e.value for e in at.error)
    with Study.open(ui_study) as study:
        assert get_code(study, CODE)["name_en"] != "Waiting for justice"
    by_label(at.checkbox, next(c.label for c in at.checkbox if c.label.startswith("I confirm the new name"))).check()
    by_label(at.button, "Save code").click()
    at.run()
    with Study.open(ui_study) as study:
        assert get_code(study, CODE)["name_en"] == "Waiting for justice"
        detail = json.loads(study.db.execute("SELECT detail FROM audit_log WHERE entity_id = ? ORDER BY id DESC",
                                             [CODE]).fetchone()[0])
        assert detail["after"]["name_en"] == "Waiting for justice" and detail["before"]["name_en"]


def test_finding_8_a_coders_merge_of_codes_with_others_codings_is_refused_on_the_page(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "codebook")
    by_label(at.selectbox, "Merge this code").set_value(CODE)
    at.run()
    assert any("by reyes" in c.value for c in at.caption)
    by_label(at.selectbox, "into this code").set_value("barriers/cost_livelihood")
    by_label(at.checkbox, next(c.label for c in at.checkbox if c.label.startswith("I understand"))).check()
    by_label(at.button, "Merge").click()
    at.run()
    assert any("only an admin" in e.value for e in at.error)
    with Study.open(ui_study) as study:
        assert get_code(study, CODE)["status"] == "active"


def test_delete_a_code_without_codings(ui_study, demo):
    with Study.open(ui_study) as study:
        add_code(study, code_id="barriers/spare", name_en="Spare", parent="barriers", by="chan")
    at = open_page(logged_in("chan", demo.passwords["chan"]), "codebook")
    pick = by_label(at.selectbox, "Code to delete")
    assert "barriers/spare" in pick.options[0] or any("barriers/spare" in o for o in pick.options)
    assert not any(o.startswith(CODE) for o in pick.options), "codes with codings are never offered"
    pick.set_value("barriers/spare")
    by_label(at.checkbox, "Delete this code from the codebook").check()
    by_label(at.button, "Delete code").click()
    at.run()
    assert any("Deleted" in s.value for s in at.success)
    with Study.open(ui_study) as study:
        assert study.db["codes"].get("barriers/spare")["status"] == "deleted"


def test_a_failed_add_keeps_what_was_typed_and_a_good_one_empties_the_form(ui_study, demo):
    at = open_page(logged_in("chan", demo.passwords["chan"]), "codebook")
    by_label(at.text_input, "New code id").input(CODE)  # taken: refused
    by_label(at.text_input, "Name (English)").input("Typed with care")
    by_label(at.button, "Add code").click()
    at.run()
    assert at.error and by_label(at.text_input, "Name (English)").value == "Typed with care"
    by_label(at.text_input, "New code id").input("barriers/typed")
    by_label(at.button, "Add code").click()
    at.run()
    assert not at.error and by_label(at.text_input, "Name (English)").value == ""
    with Study.open(ui_study) as study:
        assert get_code(study, "barriers/typed")["name_en"] == "Typed with care"
