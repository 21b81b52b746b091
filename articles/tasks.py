"""Background work of the articles app (run by ``manage.py run_worker``; see docs/tasks.md).

Thin: each task calls the module that does the work.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tasks import task
from tasks.recurring import every

from . import going_live
from .images import caching
from .importing import queue, watch


@task()
def import_queued_run(run_id, import_options=None):
    """Import the files of a queued upload (``articles.importing.queue.enqueue_import``)."""
    return queue.run_queued_import(run_id, import_options)


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
    every(timedelta(seconds=getattr(settings, "IMPORT_WATCH_SECONDS", 30)))(import_watched_folder)


@every(timedelta(minutes=1))
@task()
def announce_articles_gone_live():
    """Side-effects of scheduled articles going live (``articles.going_live``)."""
    return going_live.announce()
