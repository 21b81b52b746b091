"""SIGTERM: a worker finishes its task, or gives it back to the queue within a bounded time."""

import signal

from django_tasks_db.models import DBTaskResult

from . import jobs
from .workers import wait_until


def status_of(result):
    return DBTaskResult.objects.get(id=result.id).status


def test_sigterm_lets_the_current_task_finish_before_the_worker_exits(start_worker, tmp_path):
    go = tmp_path / "go"
    result = jobs.wait_for_file.enqueue(str(go))
    worker = start_worker(TASKS_SHUTDOWN_SECONDS=30)
    wait_until(lambda: status_of(result) == "RUNNING", what="the task to start", logs=[worker])

    worker.signal(signal.SIGTERM)
    go.touch()  # the task can now finish

    assert worker.wait(timeout=20) == 0
    assert status_of(result) == "SUCCESSFUL"


def test_sigterm_gives_a_task_that_does_not_finish_back_to_the_queue_and_exits(start_worker, tmp_path):
    go = tmp_path / "go"
    result = jobs.wait_for_file.enqueue(str(go))
    worker = start_worker(TASKS_SHUTDOWN_SECONDS=1)
    wait_until(lambda: status_of(result) == "RUNNING", what="the task to start", logs=[worker])

    worker.signal(signal.SIGTERM)
    worker.wait(timeout=20)  # raises if the worker outlives its shutdown bound

    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "READY"
    assert row.worker_ids == []  # given back, not counted as a failed attempt
    assert "given back to the queue at shutdown" in worker.log()

    go.touch()
    other = start_worker()
    wait_until(lambda: status_of(result) == "SUCCESSFUL", what="another worker to run it", logs=[other])
