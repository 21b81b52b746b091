"""Large pushes go to the background import queue (``articles.importing.queue``)."""

from articles.importing.queue import enqueue_import


def enqueue(uploads, *, token):
    """Queue ``uploads`` for import as ``token``; returns the ``ImportRun`` to poll.

    The provider goes as its id, which a queued job can carry.
    """
    run = enqueue_import(
        uploads, user=None, origin="api", label=token.name, only_provider=token.provider_id
    )
    token.runs.add(run)
    return run
