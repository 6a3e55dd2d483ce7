"""The PII gate on the Import page (AppTest): a held file is pseudonymised, or kept with a reason, before import."""

from __future__ import annotations

import json

from tests.services.test_pii_gate import HKID, WITH_PII
from tests.ui.conftest import by_label, logged_in, open_page
from tests.ui.test_import_page import _upload
from workbench.store.study import Study
from workbench.text.pii import detect
from workbench.ui.pii_panel import in_context

FILE = ("P97_held.txt", WITH_PII.encode())


def _stored(path) -> list[tuple[str, str]]:
    with Study.open(path) as study:
        return study.db.execute("SELECT stem, text FROM transcripts WHERE stem = 'P97_held'").fetchall()


def _audit(path, action) -> list[dict]:
    with Study.open(path) as study:
        return [json.loads(r[0]) for r in study.db.execute("SELECT detail FROM audit_log WHERE action = ?", [action])]


def test_a_held_file_offers_no_import_until_pseudonymised(ui_study, demo):
    at = _upload(open_page(logged_in("chan", demo.passwords["chan"]), "import_page"), FILE)
    [warning] = [w.value for w in at.warning if "Held" in w.value]
    assert "2 likely identifying item" in warning
    assert not [b for b in at.button if b.label.startswith("Import ") and b.label != "Import as is"]
    [table] = at.dataframe  # the findings table (the preview of a held file is not shown)
    assert list(table.value["line"]) == [2, 4]
    by_label(at.button, "Pseudonymise").click()
    at.run()
    assert not at.exception
    assert any("will be replaced" in s.value and "2 item" in s.value for s in at.success)
    by_label(at.button, "Import 1 file(s)").click()
    at.run()
    [(_stem, text)] = _stored(ui_study)
    assert "[HKID-1]" in text and "[PHONE-1]" in text and HKID not in text
    assert _audit(ui_study, "pii_pseudonymise")[-1]["replaced"] == {"hkid": 1, "phone": 1}


def test_import_as_is_needs_a_reason_and_is_audited(ui_study, demo):
    at = _upload(open_page(logged_in("chan", demo.passwords["chan"]), "import_page"), FILE)
    by_label(at.button, "Import as is").click()
    at.run()
    assert any("reason" in e.value for e in at.error)
    by_label(at.text_input, "Reason to keep identifying data").input("Consent form P97 allows the office number")
    by_label(at.button, "Import as is").click()
    at.run()
    by_label(at.button, "Import 1 file(s)").click()
    at.run()
    [(_stem, text)] = _stored(ui_study)
    assert HKID in text
    [detail] = _audit(ui_study, "pii_override")
    assert detail["reason"] == "Consent form P97 allows the office number" and detail["kept"] == {"hkid": 1, "phone": 1}


def test_context_marks_the_value_on_one_line():
    text = WITH_PII
    first = detect(text)[0]
    assert in_context(text, first).count("⟦") == 1 and f"⟦{HKID}⟧" in in_context(text, first)
    assert "\n" not in in_context(text, first)
