"""Retraining in the background: one thread per study file, its progress readable from any page run.

Training and cross-validating the learned model takes seconds to tens of seconds; a page that waited for it would
block its user. `start_retrain` checks the user's permission at once (a reviewer is refused before any thread
starts), then trains on its own connection to the study file (SQLite connections are not shared across threads)
and records progress, the version it produced and any error on the `Job`, which the page polls. At most one retrain
runs per study file: starting another while one runs returns the running one.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import WorkbenchError
from workbench.store.study import Study, User

_lock = threading.Lock()
_jobs: dict[int, Job] = {}
_by_study: dict[str, int] = {}
_ids = itertools.count(1)


@dataclass
class Job:
    """A background retrain: state 'running', 'done' or 'failed'; `version` is the model it produced."""

    id: int
    study_path: str
    username: str
    state: str = "running"
    progress: float = 0.0
    message: str = "starting"
    version: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def running(self) -> bool:
        """Whether the job is still working."""
        return self.state == "running"


def start_retrain(study: Study, *, by: str | User, with_evaluation: bool = True) -> Job:
    """Start retraining (and cross-validating) the study's learned model in a background thread."""
    actor = study.actor(by, action="suggestions.generate")
    if study.path == ":memory:":
        raise WorkbenchError("background retraining needs a study file, not an in-memory study")
    with _lock:
        running = job_for(study.path)
        if running is not None and running.running:
            return running
        job = Job(next(_ids), study.path, actor.username)
        _jobs[job.id] = job
        _by_study[study.path] = job.id
    threading.Thread(target=_run, args=(job, with_evaluation), name=f"retrain-{job.id}", daemon=True).start()
    return job


def job(job_id: int) -> Job | None:
    """A job by id (None if unknown to this process)."""
    return _jobs.get(job_id)


def job_for(study_path: str) -> Job | None:
    """The latest job of a study file in this process, running or finished."""
    job_id = _by_study.get(study_path)
    return _jobs.get(job_id) if job_id is not None else None


def wait(job_id: int, *, timeout: float = 600.0) -> Job:
    """Block until a job finishes (for the CLI and tests); returns it."""
    deadline = time.time() + timeout
    found = job(job_id)
    while found is not None and found.running and time.time() < deadline:
        time.sleep(0.05)
    if found is None:
        raise WorkbenchError(f"no retraining job {job_id}")
    return found


def _run(job: Job, with_evaluation: bool) -> None:
    from workbench.services.suggest.api import retrain  # api imports the models; keep this module light

    def report(fraction: float, message: str) -> None:
        job.progress, job.message = min(max(fraction, 0.0), 1.0), message

    try:
        with Study.open(job.study_path) as study:
            job.result = retrain(study, by=job.username, progress=report, with_evaluation=with_evaluation)
        job.version = str(job.result["version"])
        job.progress, job.message, job.state = 1.0, f"model {job.version} trained", "done"
    except WorkbenchError as err:
        job.error, job.state = str(err), "failed"
    except Exception as err:  # noqa: BLE001 - a thread must report, not die silently
        job.error, job.state = f"retraining failed: {type(err).__name__}: {err}", "failed"
    finally:
        job.finished = time.time()
