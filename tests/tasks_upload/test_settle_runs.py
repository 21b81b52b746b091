"""Queued imports whose task ended without them (cancelled, failed by recovery) are settled by a job."""

import os
import time
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import tasks
from articles.importing import queue as import_queue
from articles.models import ImportRun
from tasks import recovery
from tests.conftest import article_text

from .conftest import upload

TASKS_PAGE = "/admin/tasks/task/"


def queued_run(publisher):
    run = import_queue.enqueue_import([upload("a.md", article_text())], user=publisher)
    assert run.state == "queued" and import_queue.spool_folder(run.pk).is_dir()
    return run, DBTaskResult.objects.get(task_path=import_queue.TASK_PATH)


def progress_page(client, run):
    return client.get(reverse("admin:articles_article_import_progress", args=[run.pk])).content.decode()


def test_a_cancelled_import_task_fails_its_run_and_removes_its_files(queue, publisher_client, publisher):
    run, task = queued_run(publisher)
    publisher_client.post(TASKS_PAGE, {"action": "cancel", "_selected_action": [task.id]})
    assert 'http-equiv="refresh"' in progress_page(publisher_client, run)  # cancelling alone settles nothing

    assert tasks.settle_import_runs.call() == [run.pk]

    run.refresh_from_db()
    assert run.state == "failed" and run.finished_at is not None
    assert run.rejections[-1]["message"] == "The import failed: the import task was cancelled"
    assert not import_queue.spool_folder(run.pk).exists()
    page = progress_page(publisher_client, run)
    assert "did not finish cleanly" in page and "the import task was cancelled" in page
    assert 'http-equiv="refresh"' not in page


def test_a_task_failed_after_too_many_worker_deaths_fails_its_run(queue, publisher, spool):
    run, task = queued_run(publisher)
    ImportRun.objects.filter(pk=run.pk).update(state="running")
    DBTaskResult.objects.filter(id=task.id).update(status="RUNNING", started_at=timezone.now(), worker_ids=["w1"])
    recovery.give_back(DBTaskResult.objects.get(id=task.id), reason="worker w1 died", max_attempts=1)

    tasks.settle_import_runs.call()

    run.refresh_from_db()
    assert run.state == "failed" and "failed: WorkerLost" in run.rejections[-1]["message"]
    assert not import_queue.spool_folder(run.pk).exists()


def test_runs_still_queued_running_or_run_by_a_command_are_left_alone(queue, publisher, spool):
    waiting, _ = queued_run(publisher)
    command_run = ImportRun.objects.create(source="command", state="running")

    assert tasks.settle_import_runs.call() == []

    assert ImportRun.objects.get(pk=waiting.pk).state == "queued"
    assert import_queue.spool_folder(waiting.pk).is_dir()
    command_run.refresh_from_db()
    assert (command_run.state, command_run.finished_at, command_run.rejections) == ("running", None, [])


def test_a_run_whose_task_is_missing_fails_only_after_a_grace_period(queue, publisher, spool):
    run, task = queued_run(publisher)
    task.delete()

    assert import_queue.settle_abandoned_runs() == []  # may be being queued right now
    later = timezone.now() + import_queue.MISSING_TASK_GRACE + timedelta(seconds=1)
    assert import_queue.settle_abandoned_runs(now=later) == [run.pk]
    run.refresh_from_db()
    assert run.state == "failed" and "missing from the queue" in run.rejections[-1]["message"]


def test_spool_folders_no_unfinished_run_owns_are_removed_once_an_hour_old(queue, publisher, spool):
    owned, _ = queued_run(publisher)
    old_owned = import_queue.spool_folder(owned.pk)
    stale, fresh, foreign = spool / "99998", spool / "99999", spool / "notes"
    for folder in (stale, fresh, foreign):
        folder.mkdir()
    hour_ago = time.time() - 3601
    for folder in (stale, foreign, old_owned):
        os.utime(folder, (hour_ago, hour_ago))

    import_queue.settle_abandoned_runs()

    assert not stale.exists()
    assert fresh.is_dir() and foreign.is_dir() and old_owned.is_dir()


def test_retrying_the_task_of_a_run_that_ended_says_so(queue, publisher, spool):
    run, _ = queued_run(publisher)
    import_queue.fail_run(run, "the import task was cancelled")

    result = tasks.import_queued_run.call(run.pk)

    assert result == f"run {run.pk} already ended (failed); nothing imported"
    assert ImportRun.objects.get(pk=run.pk).state == "failed"
