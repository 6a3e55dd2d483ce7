"""workbench.services.suggest.jobs: retraining in a background thread, with progress and the version it produced."""

from __future__ import annotations

import pytest

from workbench.errors import PermissionDenied, WorkbenchError
from workbench.services.suggest import jobs, models
from workbench.services.suggest.service import study_rules
from workbench.store.study import Study


def test_a_reviewer_is_refused_before_any_thread_starts(demo_study):
    before = jobs.job_for(demo_study.path)
    with pytest.raises(PermissionDenied):
        jobs.start_retrain(demo_study, by="reviewer")
    assert jobs.job_for(demo_study.path) is before


def test_an_in_memory_study_cannot_be_retrained_in_the_background():
    with Study.open(":memory:", create=True) as study:
        with pytest.raises(WorkbenchError, match="study file"):
            jobs.start_retrain(study, by="system")


@pytest.mark.slow  # trains the learned suggester
def test_retraining_runs_in_the_background_and_names_its_version(demo_study):
    job = jobs.start_retrain(demo_study, by="chan", with_evaluation=False)
    assert jobs.start_retrain(demo_study, by="chan") is job or not job.running   # one at a time per study
    done = jobs.wait(job.id)
    assert done.state == "done" and done.progress == 1.0 and done.error is None
    stored = models.latest(demo_study, rules=study_rules(demo_study))
    assert stored is not None and done.version == stored["version"] and stored["created_by"] == "chan"
    assert done.version in done.message
