"""The newsroom's worker: django-tasks-db's ``Worker`` plus what production needs.

On top of the library's loop (claim one READY task under a row lock, run it,
record success or failure), a ``NewsroomWorker``:

* beats a heartbeat and, from a housekeeping thread, enqueues the recurring
  jobs that are due (``tasks.recurring``) and gives back the tasks of workers
  that died (``tasks.recovery``);
* survives the database going away: logs, waits 1 s, 2 s, 4 s... (at most
  ``TASKS_DATABASE_RETRY_MAX_SECONDS``), reconnects, and puts the task it was
  running back in the queue rather than losing it;
* on SIGTERM/SIGINT finishes its task, or after ``TASKS_SHUTDOWN_SECONDS``
  puts it back in the queue and exits.

It relies on a few names of django-tasks-db's ``Worker`` and ``DBTaskResult``;
``check_library`` verifies them at startup so an upgrade that changes them fails
loudly with a clear message rather than running a worker that loses tasks.
"""

import contextlib
import inspect
import logging
import os
import sys
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone

from . import recovery
from .recurring import run_due_jobs

logger = logging.getLogger("tasks")

DATABASE_ERRORS = (OperationalError, InterfaceError)

# What tasks/worker.py uses of django-tasks-db (checked by check_library, tested in tests/tasks/).
WORKER_METHODS = ("run", "run_task", "shutdown", "configure_signals", "reset_signals")
WORKER_ARGUMENTS = (
    "queue_names", "interval", "batch", "backend_name", "startup_delay", "max_tasks", "worker_id",
    "excluded_queue_names",
)
WORKER_ATTRIBUTES = ("running", "running_task", "worker_id", "startup_delay")
RESULT_FIELDS = ("status", "worker_ids", "started_at", "finished_at", "exception_class_path", "traceback")


def one_line(error):
    """A database error's message on one log line (psycopg's span several)."""
    return " ".join(str(error).split()) or type(error).__name__


def check_library():
    """Raise ImproperlyConfigured, naming what is missing, if django-tasks-db changed under us."""
    try:
        from django_tasks_db.management.commands.db_worker import Worker
        from django_tasks_db.models import DBTaskResult
    except ImportError as error:
        raise ImproperlyConfigured(f"run_worker needs django-tasks-db's worker: {error}") from error
    missing = [f"Worker.{name}()" for name in WORKER_METHODS if not callable(getattr(Worker, name, None))]
    parameters = inspect.signature(Worker.__init__).parameters
    missing += [f"Worker({name}=...)" for name in WORKER_ARGUMENTS if name not in parameters]
    fields = {field.name for field in DBTaskResult._meta.get_fields()}
    missing += [f"DBTaskResult.{name}" for name in RESULT_FIELDS if name not in fields]
    missing += [f"DBTaskResult.objects.{name}()" for name in ("ready", "running")
                if not hasattr(DBTaskResult.objects, name)]
    if missing:
        raise ImproperlyConfigured(
            "This version of django-tasks-db no longer offers what run_worker relies on: "
            + ", ".join(missing)
            + ". Install the version pinned in requirements.txt, or update tasks/worker.py."
        )
    return Worker


class Housekeeper(threading.Thread):
    """Every heartbeat interval: beat, enqueue due recurring jobs, recover abandoned tasks."""

    def __init__(self, worker, *, recurring=True):
        super().__init__(name="tasks-housekeeper", daemon=True)
        self.worker = worker
        self.recurring = recurring
        self.stopping = threading.Event()
        self.failing = False

    def run(self):
        try:
            while not self.stopping.is_set():
                self.once()
                self.stopping.wait(settings.TASKS_HEARTBEAT_SECONDS)
        finally:
            connections.close_all()

    def once(self):
        try:
            close_old_connections()
            now = timezone.now()
            recovery.beat(self.worker.worker_id, started_at=self.worker.started_at, now=now)
            if self.worker.running:
                if self.recurring:
                    run_due_jobs(now, self.worker.worker_id)
                recovery.recover_abandoned(
                    timeout=timedelta(seconds=settings.TASKS_WORKER_TIMEOUT_SECONDS),
                    max_attempts=settings.TASKS_MAX_ATTEMPTS, now=now,
                )
        except DATABASE_ERRORS as error:
            if not self.failing:  # once per outage, not once per beat
                logger.warning("Worker %s: housekeeping cannot reach the database: %s",
                               self.worker.worker_id, one_line(error))
            self.failing = True
            with contextlib.suppress(*DATABASE_ERRORS):
                connections.close_all()
        except Exception:
            # A bug in one job's scheduling must not stop the heartbeat.
            logger.exception("Worker %s: housekeeping failed", self.worker.worker_id)
        else:
            self.failing = False


def newsroom_worker_class():
    base = check_library()

    class NewsroomWorker(base):
        def __init__(self, *, recurring=True, **options):
            super().__init__(**options)
            missing = [name for name in WORKER_ATTRIBUTES if not hasattr(self, name)]
            if missing:
                raise ImproperlyConfigured(
                    f"django-tasks-db's Worker has no {', '.join(missing)} any more; update tasks/worker.py."
                )
            self.recurring = recurring
            self.current = None  # the DBTaskResult being run
            self.started_at = timezone.now()
            self.housekeeper = None
            self.shutdown_timer = None

        # --- the loop, kept alive through database outages -------------------------

        def run(self):
            self.started_at = timezone.now()
            self.housekeeper = Housekeeper(self, recurring=self.recurring)
            delay = 1.0
            try:
                while self.running:
                    try:
                        close_old_connections()
                        if self.current is not None:
                            self.give_back_interrupted()
                        recovery.beat(self.worker_id, started_at=self.started_at)
                        delay = 1.0
                        if self.housekeeper.ident is None:
                            self.housekeeper.start()
                        super().run()
                        return
                    except DATABASE_ERRORS as error:
                        logger.warning("Worker %s: database unavailable (%s); retrying in %.0f s",
                                       self.worker_id, one_line(error), delay)
                        with contextlib.suppress(*DATABASE_ERRORS):
                            connections.close_all()
                        # No random startup pause when coming back.
                        self.startup_delay = False
                        time.sleep(delay)
                        delay = min(delay * 2, settings.TASKS_DATABASE_RETRY_MAX_SECONDS)
            finally:
                self.housekeeper.stopping.set()
                if self.housekeeper.is_alive():
                    self.housekeeper.join(timeout=5)
                with contextlib.suppress(*DATABASE_ERRORS):
                    recovery.forget(self.worker_id)

        def give_back_interrupted(self):
            """The database went away while a task ran: queue it again (or fail it after N starts)."""
            recovery.give_back(
                self.current, reason=f"the database connection of worker {self.worker_id} was lost",
                max_attempts=settings.TASKS_MAX_ATTEMPTS,
            )
            self.current = None

        def run_task(self, db_task_result):
            self.current = db_task_result
            super().run_task(db_task_result)
            # Only reached when the outcome was recorded; otherwise run() gives the task back.
            self.current = None

        # --- shutdown -----------------------------------------------------------------

        def shutdown(self, signum, frame):
            if self.running and self.running_task and self.current is not None:
                seconds = settings.TASKS_SHUTDOWN_SECONDS
                logger.warning("Worker %s: finishing task %s, at most %s s before giving it back",
                               self.worker_id, self.current.id, seconds)
                self.shutdown_timer = threading.Timer(seconds, self.give_up_and_exit)
                self.shutdown_timer.daemon = True
                self.shutdown_timer.start()
            elif not self.running and self.current is not None:
                # A second signal: no more waiting. From a thread of its own, so the update
                # is not part of a transaction the interrupted task may hold open.
                threading.Thread(target=self.give_up_and_exit, daemon=True).start()
                return
            super().shutdown(signum, frame)

        def give_up_and_exit(self):
            """Put the current task back in the queue, from a connection of this thread, and exit.

            The task's own open transaction, if any, is rolled back by the
            database when the process ends; the task runs again elsewhere.
            """
            current = self.current
            if current is not None:
                try:
                    if recovery.release(current):
                        logger.warning("Worker %s: task %s given back to the queue at shutdown",
                                       self.worker_id, current.id)
                    recovery.forget(self.worker_id)
                except DATABASE_ERRORS as error:
                    logger.error("Worker %s: could not give task %s back (%s); it is recovered "
                                 "once the heartbeat times out", self.worker_id, current.id, error)
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            os._exit(0)

    return NewsroomWorker
