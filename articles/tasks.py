"""Background work of the articles app: its recurring jobs (tasks/recurring.py).

Each calls the same function as its management command, so cron-less sites
and ``manage.py cache_images`` / ``prune_images`` do exactly the same work.
Both are idempotent: a run killed half-way and started again leaves what one
run would (image files are written under names derived from their URL, and a
row says "cached" only once its files exist).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tasks import task
from tasks.recurring import every, seconds

from .images import caching

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
