"""Imports that run in the background: uploads are spooled to disk and a worker imports them.

``enqueue_import`` is the one entry point (the admin's *Import files*, the API's
large posts): it checks the uploads as the upload form does, saves a queued
``ImportRun``, copies the files to ``IMPORT_SPOOL_DIR/<run id>/`` and queues
``articles.tasks.import_queued_run``. The worker's ``run_queued_import`` imports
them with the same importer as the command, saving progress on the run after
every chunk, and deletes the spool folder when the run ends, however it ends.

The spool folder is private (mode 0700, outside ``MEDIA_ROOT`` and the static
files): it is never served. With workers on several machines it must be a
folder they all see (a shared mount).
"""

from __future__ import annotations

import logging
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
        _fail(run, f"the upload could not be queued: {error.__class__.__name__}: {error}")
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
        return None
    folder = spool_folder(run.pk)
    if not folder.is_dir():
        _fail(run, "the uploaded files are gone from the spool folder (IMPORT_SPOOL_DIR)")
        return None
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING, started_at=timezone.now())
    run.state = ImportRun.State.RUNNING
    try:
        result = import_sources(
            uploads.read_spooled(folder), user=run.user, origin=run.source, run=run,
            **(import_options or {}),
        )
    except Exception as error:
        logger.exception("import run %s failed", run.pk)
        _fail(run, f"{error.__class__.__name__}: {error}")
        raise
    finally:
        uploads.remove(folder)
    return result.summary()


def _fail(run, message):
    rejections = list(ImportRun.objects.filter(pk=run.pk).values_list("rejections", flat=True).first() or [])
    rejections.append({"path": "", "kind": "step_failed", "field": "", "message": f"The import failed: {message}"})
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.FAILED, finished_at=timezone.now(), rejections=rejections
    )
