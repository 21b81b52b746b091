"""Background work of the revisions app: the recurring pruning (tasks/recurring.py)."""

from django.conf import settings

from tasks import task
from tasks.recurring import every, seconds

from . import pruning


@every(seconds(settings.JOB_PRUNE_REVISIONS_SECONDS))
@task()
def prune_revisions():
    """Drop old revisions as ``manage.py prune_revisions --keep REVISIONS_KEEP`` does."""
    return pruning.prune(settings.REVISIONS_KEEP).summary()
