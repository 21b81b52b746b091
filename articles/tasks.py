"""Background work of the articles app (run by ``manage.py run_worker``; see docs/tasks.md).

Thin: each task calls the module that does the work, the same function its
management command calls, so cron-less sites and ``manage.py cache_images`` /
``prune_images`` do exactly the same work. All are idempotent: a run killed
half-way and started again leaves what one run would (image files are written
under names derived from their URL, and a row says "cached" only once its
files exist; a queued import re-run writes the same articles).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tasks import task
from tasks.recurring import every, seconds

from . import going_live
from .images import caching
from .importing import queue, watch

# prune_images' own default: folders written this recently are never deleted
# (a running cache_images writes files before it saves their image).
PRUNE_KEEP = timedelta(hours=24)


@every(seconds(settings.JOB_CACHE_IMAGES_SECONDS))
@task()
def cache_images():
    """Cache the pictures we have no copy of yet (failed ones after their back-off)."""
    return caching.cache_images(caching.pending(timezone.now())).summary()


@every(seconds(settings.JOB_PRUNE_IMAGES_SECONDS))
@task()
def prune_images():
    """Delete our copies of pictures no article uses any more."""
    return caching.prune_copies(written_before=timezone.now() - PRUNE_KEEP).summary()


@task()
def import_queued_run(run_id, import_options=None):
    """Import the files of a queued upload (``articles.importing.queue.enqueue_import``)."""
    return queue.run_queued_import(run_id, import_options)


@every(seconds(getattr(settings, "JOB_SETTLE_IMPORT_RUNS_SECONDS", 60)))
@task()
def settle_import_runs():
    """Fail queued imports whose task was cancelled or failed; delete spool folders nobody owns."""
    return queue.settle_abandoned_runs()


@task()
def cache_article_pictures(article_ids):
    """Cache the pictures of articles an import wrote (queued by the importer)."""
    images = caching.pending(timezone.now()).filter(article_id__in=list(article_ids))
    return caching.cache_images(images).summary()


@task()
def import_watched_folder():
    """Import the files dropped into ``IMPORT_WATCH_DIR`` (nothing when it is not set)."""
    return [str(path) for path in watch.import_dropped()]


if getattr(settings, "IMPORT_WATCH_DIR", ""):
    # A recurring job only on sites that watch a folder: no empty runs every 30 s elsewhere.
    every(seconds(getattr(settings, "IMPORT_WATCH_SECONDS", 30)))(import_watched_folder)


@every(timedelta(minutes=1))
@task()
def announce_articles_gone_live():
    """Side-effects of scheduled articles going live (``articles.going_live``)."""
    return going_live.announce()
