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


def keys_for(changes):
    """The surrogate keys of every page that shows something in ``changes`` (a :class:`Changes`).

    An article's own page, and the lists it is on: its topics', provider's and
    authors' lists, its story, and the site-wide lists. Looked up now, after
    the commit, so they are the article's topics and story as they stand.
    """
    from articles.models import Article, TaggedArticle
    from authors.models import Byline
    from stories.models import Membership

    if changes.everything:
        return [keys.SITE]
    found = set()
    if changes.lists:
        found.add(keys.LISTS)
    ids = sorted(changes.articles)
    if ids:
        found.add(keys.LISTS)
        found.update(keys.article(pk) for pk in ids)
        tagged = TaggedArticle.objects.filter(content_object_id__in=ids).values_list("tag__slug", flat=True)
        found.update(keys.topic_list(slug) for slug in set(tagged))
        providers = Article.objects.filter(pk__in=ids, provider__isnull=False).values_list("provider__slug", flat=True)
        found.update(keys.provider_list(slug) for slug in set(providers))
        stories = Membership.objects.filter(article_id__in=ids, story__isnull=False).values_list("story_id", flat=True)
        found.update(keys.story(pk) for pk in set(stories))
        authors = Byline.objects.filter(article_id__in=ids).values_list("author__slug", flat=True)
        found.update(keys.author_list(slug) for slug in set(authors))
    found.update(keys.topic(pk) for pk in changes.topics)
    found.update(keys.provider(pk) for pk in changes.providers)
    found.update(keys.story(pk) for pk in changes.stories)
    found.update(keys.author(pk) for pk in changes.authors)
    return sorted(found)


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
