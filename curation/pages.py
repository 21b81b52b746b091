"""What the desk's pins make of a page: its lead, its top stories, and what the formula may not repeat.

One query per page and content version (compiled once per process,
``newsroom.prepared``; kept per content version, ``articles.caching.per_version``,
which any article, pin or banner change renews and whose lifetime ends at the
next pin's start or end): the live articles pinned there, with their pin's
position and times. The database
drops pins that have ended by its clock (so ended pins never pile up in the
answer); the exact window is then checked here with the application's clock,
the same clock the page cache's lifetime is computed with
(``curation.schedule``), so a page is never cached past a pin's end.
"""

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from articles.caching import per_version
from articles.queries import listed_articles
from newsroom.prepared import PreparedQuerySet
from stories.models import with_story

from .models import in_window


def top_stories():
    """How many pinned top stories a page shows below its lead (``CURATION_TOP_STORIES``)."""
    return max(0, int(getattr(settings, "CURATION_TOP_STORIES", 5)))


def _not_ended(prefix=""):
    return Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": Now()})


def pinned_articles(page):
    """Live articles pinned on a page (``page``: a condition on ``pins``), in pin order.

    Each carries ``pin_id``, ``pin_position``, ``pin_starts_at`` and ``pin_ends_at``.
    One ``filter()`` call, so the page and the end time are about the same pin.
    """
    return (
        with_story(listed_articles())
        # pins__id: "no topic" alone would also match articles with no pin at all.
        .filter(page, _not_ended("pins__"), pins__id__isnull=False)
        .annotate(
            pin_id=F("pins__id"), pin_position=F("pins__position"),
            pin_starts_at=F("pins__starts_at"), pin_ends_at=F("pins__ends_at"),
        )
        .order_by("pin_position", "pin_id")
    )


_front_page = PreparedQuerySet(lambda: pinned_articles(Q(pins__topic__isnull=True)))
_topic_page = PreparedQuerySet(lambda topic_id: pinned_articles(Q(pins__topic_id=topic_id)), 0)


def current(pinned, now=None):
    """The pins of ``pinned`` that count now: the lead first, then at most ``top_stories()``."""
    now = now or timezone.now()
    shown = [article for article in pinned if in_window(article.pin_starts_at, article.pin_ends_at, now)]
    return shown[: 1 + top_stories()]


def front_page_pins():
    """The front page's current pins (articles), lead first."""
    return current(per_version("pins:front", lambda: list(_front_page())))


def topic_page_pins(topic):
    """``topic``'s page's current pins (articles), lead first."""
    return current(per_version(f"pins:topic:{topic.pk}", lambda: list(_topic_page(topic.pk))))
