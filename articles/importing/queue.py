"""Imports that run in the background: uploads are spooled to disk and a worker imports them.

``enqueue_import`` is the one entry point (the admin's *Import files*, the API's
large posts): it checks the uploads as the upload form does, saves a queued
``ImportRun``, copies the files to ``IMPORT_SPOOL_DIR/<run id>/`` and queues
``articles.tasks.import_queued_run``. The worker's ``run_queued_import`` imports
them with the same importer as the command, saving progress on the run after
every chunk, and deletes the spool folder when the run ends, however it ends.

A run whose task ends without the worker's help (cancelled on the admin's
*Tasks* page, failed by ``tasks.recovery`` after too many worker deaths) is
settled by ``settle_abandoned_runs``, a recurring job: the run is marked
failed, saying why, and its spool folder removed.

The spool folder is private (mode 0700, outside ``MEDIA_ROOT`` and the static
files): it is never served. With workers on several machines it must be a
folder they all see (a shared mount).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ..models import ImportRun
from . import uploads
from .loader import import_sources

logger = logging.getLogger(__name__)


def spool_dir() -> Path:
    return Path(settings.IMPORT_SPOOL_DIR)


def spool_folder(run_id) -> Path:
    return spool_dir() / str(int(run_id))


def enqueue_import(files, *, user=None, origin="admin", label="", **import_options) -> ImportRun:
    """Queue an import of ``files`` (uploads: ``name`` and ``chunks()``); returns its queued run.

    Raises ``django.core.exceptions.ValidationError`` (with the upload form's
    codes and messages) when the uploads cannot be imported at all; then
    nothing is stored. ``import_options`` are passed to ``import_sources``
    (``chunk_size``, ``parallel``...) and must be JSON values.
    """
    checked = uploads.check_uploads(files)
    run = ImportRun.objects.create(
        state=ImportRun.State.QUEUED, source=origin, user=user, label=label[: ImportRun.LABEL_LENGTH], total=checked.total,
        ignored=checked.ignored[: uploads.MAX_STORED_IGNORED],
    )
    folder = spool_folder(run.pk)
    # Left by a run of the same id in a database since reset (a test run, a restored backup).
    uploads.remove(folder)
    try:
        uploads.spool(files, folder)
        # Imported here: the tasks module imports this one for its task.
        from ..tasks import import_queued_run

        # The run and its files exist before any worker can take the task. (The
        # database queue's row commits with the caller's transaction, if any.)
        import_queued_run.enqueue(run.pk, import_options)
    except Exception as error:
        uploads.remove(folder)
        fail_run(run, f"the upload could not be queued: {error.__class__.__name__}: {error}")
        raise
    # A backend that runs tasks at once (tests, TASKS_BACKEND=...ImmediateBackend) has finished it.
    run.refresh_from_db()
    return run


def run_queued_import(run_id, import_options=None):
    """Carry out a queued run (a worker's task). Idempotent: a finished run is left as it is.

    A run found already running was interrupted (its worker died): it is
    imported again from the spooled files. Unchanged files are recognised by
    their hash, so the second pass gives the result one pass would.
    """
    run = ImportRun.objects.filter(pk=run_id).select_related("user").first()
    if run is None or run.finished:
        # A retried task of a run that ended (or was deleted): nothing to import, and say so.
        ended = f"run {run_id} already ended ({run.state}); nothing imported" if run else (
            f"run {run_id} does not exist; nothing imported"
        )
        logger.warning("import task: %s", ended)
        return ended
    folder = spool_folder(run.pk)
    if not folder.is_dir():
        message = "the uploaded files are gone from the spool folder (IMPORT_SPOOL_DIR)"
        fail_run(run, message)
        return f"run {run.pk} failed: {message}"
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING, started_at=timezone.now())
    run.state = ImportRun.State.RUNNING
    try:
        result = import_sources(
            uploads.read_spooled(folder), user=run.user, origin=run.source, run=run,
            **(import_options or {}),
        )
    except Exception as error:
        logger.exception("import run %s failed", run.pk)
        fail_run(run, f"{error.__class__.__name__}: {error}")
        raise
    finally:
        uploads.remove(folder)
    return result.summary()


def fail_run(run, message):
    """Mark ``run`` failed now, ``message`` added to its rejections (shown on its page)."""
    rejections = list(ImportRun.objects.filter(pk=run.pk).values_list("rejections", flat=True).first() or [])
    rejections.append({"path": "", "kind": "step_failed", "field": "", "message": f"The import failed: {message}"})
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.FAILED, finished_at=timezone.now(), rejections=rejections
    )


TASK_PATH = "articles.tasks.import_queued_run"
# A run younger than this whose task is not in the queue yet may be being queued right now.
MISSING_TASK_GRACE = timedelta(minutes=10)
# Spool folders no unfinished run owns are deleted once untouched this long.
ORPHAN_FOLDER_AGE = timedelta(hours=1)


def settle_abandoned_runs(now=None) -> list[int]:
    """Fail the unfinished runs whose import task ended without them; returns their ids.

    Only runs that own a spool folder are looked at (a command's run has none
    and is never touched). A run is left alone while one of its tasks is queued
    or running. Otherwise, its last task was cancelled, failed or is gone: the
    run is marked failed saying so, and its spool folder removed. Spool folders
    no unfinished run owns, untouched for ``ORPHAN_FOLDER_AGE``, are removed too.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    settled = []
    unfinished = ImportRun.objects.filter(state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING])
    for run in unfinished.order_by("pk"):
        folder = spool_folder(run.pk)
        if not folder.is_dir():
            continue
        tasks = DBTaskResult.objects.filter(task_path=TASK_PATH, args_kwargs__args__0=run.pk)
        if tasks.filter(status__in=["READY", "RUNNING"]).exists():
            continue
        last = tasks.order_by("-enqueued_at").first()
        if last is None:
            if not _queue_in_database() or now - run.started_at < MISSING_TASK_GRACE:
                continue
            message = "its import task is missing from the queue"
        elif last.status == "FAILED":
            error = (last.exception_class_path or "").rsplit(".", 1)[-1]
            message = "the import task was cancelled" if error == "Cancelled" else f"failed: {error or 'unknown error'}"
        else:
            message = f"its import task ended ({last.status.lower()}) without finishing it"
        # Only if the run is still unfinished (a worker may have just finished it).
        if not ImportRun.objects.filter(pk=run.pk, state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING]).exists():
            continue
        fail_run(run, message)
        uploads.remove(folder)
        logger.warning("import run %s failed: %s", run.pk, message)
        settled.append(run.pk)
    _remove_orphan_folders(now)
    return settled


def _remove_orphan_folders(now):
    root = spool_dir()
    if not root.is_dir():
        return
    owned = {str(pk) for pk in ImportRun.objects.filter(
        state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING]).values_list("pk", flat=True)}
    cutoff = (now - ORPHAN_FOLDER_AGE).timestamp()
    for folder in root.iterdir():
        # Only the folders enqueue_import writes (named by a run id); anything else is not ours.
        if not folder.name.isdigit() or folder.name in owned or folder.is_symlink() or not folder.is_dir():
            continue
        try:
            if folder.stat().st_mtime < cutoff:
                uploads.remove(folder)
                logger.info("spool folder %s removed: no unfinished run owns it", folder)
        except OSError:
            continue


def _queue_in_database() -> bool:
    """Whether import tasks are kept in the database queue (else a missing task proves nothing)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
