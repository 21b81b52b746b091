"""Large pushes go to the background import queue (``articles.importing.queue``)."""

from importlib.util import find_spec


def queue_available():
    """Whether this installation has the background import queue."""
    try:
        return find_spec("articles.importing.queue") is not None
    except ImportError:
        return False


def enqueue(sources, *, token):
    """Queue ``sources`` for import as ``token``; returns the ``ImportRun`` to poll.

    Imported here, at call time: the queue belongs to the background-work
    feature, and this app must load (and answer small pushes) without it.
    The provider goes as its id, which a queued job can carry.
    """
    from articles.importing.queue import enqueue_import

    run = enqueue_import(
        sources, user=None, origin="api", label=token.name, only_provider=token.provider_id
    )
    token.runs.add(run)
    return run
