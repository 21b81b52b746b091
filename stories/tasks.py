"""Background work of the stories app: the recurring full regrouping (tasks/recurring.py)."""

from django.conf import settings

from tasks import task
from tasks.recurring import every, seconds

from .building import build_stories as build


@every(seconds(settings.JOB_BUILD_STORIES_SECONDS))
@task()
def build_stories():
    """Group every article into stories, as ``manage.py build_stories`` does (idempotent)."""
    return build().summary()
