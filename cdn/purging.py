"""Purge the frontend cache when content changes: the ``content_changed`` listener and its work.

The listener runs once per committed transaction (``articles.signals``) and
queues one purge task with what changed; the task works out the surrogate
keys of the pages that show it and asks the configured backend, retrying with
backoff when the cache answers with an error or cannot be reached. Off unless
``CDN_PURGE_BACKEND`` is set.
"""

import logging
import time

from django.conf import settings

from articles.signals import Changes

from . import backends, keys

logger = logging.getLogger(__name__)


def content_changed(sender, changes, **kwargs):
    """Queue a purge of what ``changes`` touched, if a purge backend is configured."""
    if not getattr(settings, "CDN_PURGE_BACKEND", ""):
        return
    from .tasks import purge

    payload = {kind: sorted(getattr(changes, kind)) for kind in Changes.KINDS}
    payload.update(lists=changes.lists, everything=changes.everything)
    try:
        purge.enqueue(payload)
    except Exception:
        # A write must not fail because the queue is unavailable; the CDN then
        # keeps the old pages until CDN_S_MAXAGE ends them.
        logger.exception("Could not queue a CDN purge for %s", payload)


# One place decides which pages a change touches (the page cache asks it too).
keys_for = keys.for_changes


def purge_with_retries(backend, names):
    """Ask ``backend`` to purge ``names``; retry with exponential backoff, then raise.

    ``CDN_PURGE_RETRIES`` more attempts after the first, waiting
    ``CDN_PURGE_BACKOFF_SECONDS``, then twice that, and so on.
    """
    retries = getattr(settings, "CDN_PURGE_RETRIES", 5)
    delay = getattr(settings, "CDN_PURGE_BACKOFF_SECONDS", 1.0)
    for attempt in range(retries + 1):
        try:
            backend.purge(names)
            return attempt + 1
        except backends.PurgeFailed as error:
            if attempt == retries:
                logger.error("CDN purge of %d key(s) failed after %d attempts: %s", len(names), attempt + 1, error)
                raise
            logger.warning("CDN purge failed (attempt %d), retrying: %s", attempt + 1, error)
            time.sleep(delay * 2**attempt)
    return retries + 1  # pragma: no cover - the loop returns or raises
