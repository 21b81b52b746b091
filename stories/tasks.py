"""Background work of the stories app (run by ``manage.py run_worker``; see docs/tasks.md)."""

from django.conf import settings

from tasks import task
from tasks.recurring import every, seconds

from .building import assign_stories
from .building import build_stories as build


@every(seconds(settings.JOB_BUILD_STORIES_SECONDS))
@task()
def build_stories():
    """Group every article into stories, as ``manage.py build_stories`` does (idempotent)."""
    return build().summary()


@task()
def group_new_articles(web_urls):
    """Group the articles an import created into stories (queued by the importer).

    Idempotent: a second run regroups the same articles into the same stories.
    Returns the counts of what changed, shown with the task's result.
    """
    result = assign_stories(list(web_urls))
    return {name: getattr(result, name) for name in ("stories", "created", "deleted", "moved")}
