"""Recurring jobs, declared in code with their interval; the workers run them, no cron.

    from datetime import timedelta
    from tasks import task
    from tasks.recurring import every

    @every(timedelta(minutes=10))
    @task()
    def cache_new_images(): ...

Each job runs once per interval across every worker on every machine: the
interval's slot (``floor(now / interval)``) is a row under a unique constraint
(``tasks.models.RecurringRun``), and the worker whose insert wins enqueues the job.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction

logger = logging.getLogger("tasks")

# Slots kept per job (for the record); older ones are deleted when a new one is claimed.
KEEP_SLOTS = 20


@dataclass(frozen=True)
class RecurringJob:
    name: str  # the task's module path, stable across releases
    task: object  # a django-tasks Task, enqueued with no arguments
    interval: timedelta

    def slot(self, now):
        return int(now.timestamp() // self.interval.total_seconds())


JOBS: dict[str, RecurringJob] = {}


def every(interval: timedelta | None):
    """Declare ``task`` as a recurring job run every ``interval`` (zero or None: not at all)."""
    if interval is not None and interval < timedelta(0):
        raise ValueError("A recurring job needs a positive interval (or zero to turn it off).")

    def register(task):
        if interval:
            name = task.module_path
            JOBS[name] = RecurringJob(name=name, task=task, interval=interval)
        return task

    return register


def seconds(value):
    """An interval setting in seconds as a timedelta (0: the job is off)."""
    return timedelta(seconds=value) if value and value > 0 else None


def run_due_jobs(now, worker_id, jobs=None):
    """Claim and enqueue every job whose current slot nobody has claimed yet; returns their names.

    Safe to call from any number of workers at once: the slot row and the
    enqueued task are written in one transaction, so a slot is either claimed
    with its task or not at all. A job whose previous run is still queued or
    running is not enqueued again (the slot is claimed, the run skipped), so a
    slow job never piles up copies of itself.
    """
    from django_tasks_db.models import DBTaskResult

    from .models import RecurringRun

    enqueued = []
    for job in (JOBS if jobs is None else jobs).values():
        slot = job.slot(now)
        if RecurringRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        previous = RecurringRun.objects.filter(job=job.name, task_id__isnull=False).order_by("-slot").first()
        busy = previous is not None and DBTaskResult.objects.filter(
            id=previous.task_id, status__in=["READY", "RUNNING"]
        ).exists()
        try:
            with transaction.atomic():
                run = RecurringRun.objects.create(job=job.name, slot=slot, worker_id=worker_id)
                if not busy:
                    run.task_id = job.task.enqueue().id
                    run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker claimed this slot first
        if busy:
            logger.info("Recurring job %s: previous run not finished, slot %s skipped", job.name, slot)
        else:
            logger.info("Recurring job %s enqueued (slot %s)", job.name, slot)
            enqueued.append(job.name)
        RecurringRun.objects.filter(job=job.name, slot__lte=slot - KEEP_SLOTS).delete()
    return enqueued
