"""Background work of the stories app (run by ``manage.py run_worker``)."""

from tasks import task

from .building import assign_stories


@task()
def group_new_articles(web_urls):
    """Group the articles an import created into stories (queued by the importer).

    Idempotent: a second run regroups the same articles into the same stories.
    Returns the counts of what changed, shown with the task's result.
    """
    result = assign_stories(list(web_urls))
    return {name: getattr(result, name) for name in ("stories", "created", "deleted", "moved")}
