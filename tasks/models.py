"""What the workers share through the database: recurring slots, heartbeats, the admin's Task.

The queue itself is django-tasks-db's ``DBTaskResult`` table; this app adds
only what running it on many machines needs.
"""

from django.db import models
from django_tasks_db.models import DBTaskResult


class RecurringRun(models.Model):
    """One recurring job's slot (``floor(now / interval)``), claimed by exactly one worker.

    The unique constraint is the whole coordination: every worker on every
    machine tries to insert the current slot, one insert wins, and the winner
    enqueues the job. Old slots are pruned by the workers.
    """

    job = models.CharField(max_length=200)
    slot = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    worker_id = models.CharField(max_length=64)
    # The DBTaskResult enqueued for this slot; empty when the slot was skipped
    # because the previous run had not finished.
    task_id = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="tasks_one_run_per_slot")]

    def __str__(self):
        return f"{self.job} #{self.slot}"


class WorkerHeartbeat(models.Model):
    """A live worker process, beating every ``TASKS_HEARTBEAT_SECONDS``.

    A task left RUNNING by a worker whose beat is older than
    ``TASKS_WORKER_TIMEOUT_SECONDS`` (killed, machine gone) is re-queued or failed.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.worker_id} ({self.host}:{self.pid})"


class Task(DBTaskResult):
    """The queue's rows as the admin's *Tasks* page shows them (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = "task"
        verbose_name_plural = "tasks"
        permissions = [("manage_tasks", "Can retry and cancel background tasks")]
