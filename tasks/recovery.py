"""Tasks whose worker is gone: queued again, or failed once they have been tried enough.

A worker proves it is alive with a heartbeat row (``tasks.models.WorkerHeartbeat``).
A task still RUNNING under a worker whose beat is older than the timeout was
abandoned (``kill -9``, a lost machine, a database outage in the middle): it is
put back in the queue for another worker, unless it has already been started
``TASKS_MAX_ATTEMPTS`` times (``len(worker_ids)``, one id per start), in which
case it is marked FAILED with a ``WorkerLost`` error saying so. Tasks must
therefore be idempotent: a second start must leave what one run would.
"""

import logging
import os
import socket
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger("tasks")

RUNNING, READY, FAILED = "RUNNING", "READY", "FAILED"
# How long the heartbeat of a worker that stopped without saying so is kept, for the record.
FORGET_WORKERS_AFTER = timedelta(days=1)


class WorkerLost(Exception):
    """The worker running a task stopped (killed, machine lost) before the task finished."""


def beat(worker_id, *, started_at, now=None):
    """Record that worker ``worker_id`` (this process) is alive."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"host": socket.gethostname()[:255], "pid": os.getpid(),
                      "started_at": started_at, "beat_at": now},
        )


def forget(worker_id):
    """A worker that stops cleanly takes its heartbeat away."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def give_back(result, *, reason, max_attempts, now=None):
    """Put a RUNNING task back in the queue, or fail it after ``max_attempts`` starts.

    Only if it is still in the state this worker saw (same start time), so a
    task another worker already recovered and restarted is left alone.
    Returns the new status, or None if the task had moved on.
    """
    now = now or timezone.now()
    attempts = len(result.worker_ids or [])
    still_there = DBTaskResult.objects.filter(id=result.id, status=RUNNING, started_at=result.started_at)
    if attempts >= max_attempts:
        message = (
            f"{WorkerLost.__module__}.{WorkerLost.__qualname__}: {reason}. "
            f"Started {attempts} times (TASKS_MAX_ATTEMPTS={max_attempts}); not tried again.\n"
        )
        updated = still_there.update(
            status=FAILED, finished_at=now, return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}", traceback=message,
        )
        status = FAILED
    else:
        updated = still_there.update(status=READY)
        status = READY
    if not updated:
        return None
    log = logger.error if status == FAILED else logger.warning
    log("Task %s (%s) %s: %s (attempt %d of %d)", result.id, result.task_path,
        "failed" if status == FAILED else "queued again", reason, attempts, max_attempts)
    return status


def release(result):
    """Put a task this worker is giving up on (shutdown) back in the queue, attempt not counted."""
    ids = list(result.worker_ids or [])
    return DBTaskResult.objects.filter(id=result.id, status=RUNNING, started_at=result.started_at).update(
        status=READY, worker_ids=ids[:-1]
    )


def recover_abandoned(*, timeout, max_attempts, now=None):
    """Give back every RUNNING task whose worker has not beaten for ``timeout``; returns them."""
    now = now or timezone.now()
    cutoff = now - timeout
    alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    recovered = []
    with transaction.atomic():
        abandoned = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
        for result in abandoned.select_for_update(skip_locked=True):
            worker = (result.worker_ids or [None])[-1]
            if worker in alive:
                continue
            reason = f"worker {worker} stopped sending heartbeats while running it"
            if give_back(result, reason=reason, max_attempts=max_attempts, now=now):
                recovered.append(result.id)
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_WORKERS_AFTER).delete()
    return recovered
