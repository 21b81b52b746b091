"""Recurring jobs: once per interval across every worker, with no cron."""

from datetime import UTC, datetime, timedelta

from django_tasks_db.models import DBTaskResult

from stories.tasks import build_stories
from tasks.models import RecurringRun
from tasks.recurring import RecurringJob, run_due_jobs

from .workers import wait_until

JOB = "stories.tasks.build_stories"
ENQUEUED = f"Recurring job {JOB} enqueued"


def test_two_workers_run_a_recurring_job_exactly_once_per_interval(start_worker):
    # Every 0.2 s each worker tries to claim the current one-second slot.
    workers = [start_worker(JOB_BUILD_STORIES_SECONDS=1) for _ in range(2)]

    def three_slots_done():
        runs = RecurringRun.objects.filter(job=JOB)
        finished = DBTaskResult.objects.filter(task_path=JOB, status="SUCCESSFUL").count()
        return runs.count() >= 3 and finished >= 3

    wait_until(three_slots_done, what="three slots of the job to run", logs=workers)
    for worker in workers:
        worker.stop()

    runs = list(RecurringRun.objects.filter(job=JOB))
    tasks = DBTaskResult.objects.filter(task_path=JOB)
    # One task per claimed slot, and nothing else enqueued it.
    assert len({run.slot for run in runs}) == len(runs)
    assert sorted(str(r.task_id) for r in runs if r.task_id) == sorted(str(t.id) for t in tasks)
    # Each enqueue was announced by the worker that won the slot: the two logs together
    # count every task once.
    assert sum(worker.log().count(ENQUEUED) for worker in workers) == tasks.count()
    assert all(task.status in ("SUCCESSFUL", "READY", "RUNNING") for task in tasks)
    # At most one per one-second slot of the time they span (a slot's task may be enqueued at
    # its very end and the next one's at the very start of the next: hence + 2).
    times = sorted(task.enqueued_at.timestamp() for task in tasks)
    assert len(times) <= times[-1] - times[0] + 2


def test_a_slot_is_claimed_once_and_a_job_still_running_is_not_queued_twice(queue):
    job = RecurringJob(name=JOB, task=build_stories, interval=timedelta(minutes=10))
    noon = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

    assert run_due_jobs(noon, "worker-a", {JOB: job}) == [JOB]
    assert run_due_jobs(noon + timedelta(minutes=1), "worker-b", {JOB: job}) == []  # same slot
    # Next slot, but the first run is still queued (no worker yet): claimed, not enqueued.
    assert run_due_jobs(noon + timedelta(minutes=10), "worker-b", {JOB: job}) == []
    assert DBTaskResult.objects.filter(task_path=JOB).count() == 1

    DBTaskResult.objects.filter(task_path=JOB).update(status="SUCCESSFUL")
    assert run_due_jobs(noon + timedelta(minutes=20), "worker-b", {JOB: job}) == [JOB]
    assert list(RecurringRun.objects.order_by("slot").values_list("worker_id", flat=True)) == [
        "worker-a", "worker-b", "worker-b",
    ]
