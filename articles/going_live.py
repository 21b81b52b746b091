"""What happens when a scheduled article goes live: the hook point for its side-effects.

Readers see a scheduled article on time without any job (``Article.objects.live()``
compares with the database's clock). What must *react* to the moment (cached
pages, and later feed pings or webhooks) hangs here: the recurring job
``articles.tasks.announce_articles_gone_live`` calls ``announce``, which finds the
articles whose go-live or embargo time passed since its previous look, refreshes
the public pages and sends ``went_live`` with their ids. Connect a receiver to
``went_live`` to add a side-effect. Articles whose expiry passed are announced
as changed too (``articles.signals.announce``), so caches and the CDN drop them.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from .models import Article
from .signals import announce as announce_change

# Sent with ``article_ids`` (a list) once per look that found any.
went_live = Signal()

LAST_LOOK_KEY = "articles:going-live:last-look"
# On the first look (or after the cache lost the mark), how far back to look.
FIRST_LOOK = timedelta(minutes=10)


def _marks():
    # The cache every process and machine shares (as for the pages' content version).
    return caches["shared"] if "shared" in settings.CACHES else cache


def gone_live(since, until):
    """Articles live at ``until`` whose go-live or embargo time is in ``(since, until]``."""
    passed = Q(go_live_at__gt=since, go_live_at__lte=until) | Q(embargo_until__gt=since, embargo_until__lte=until)
    return Article.objects.published().filter(
        passed,
        Q(go_live_at__isnull=True) | Q(go_live_at__lte=until),
        Q(embargo_until__isnull=True) | Q(embargo_until__lte=until),
        Q(expire_at__isnull=True) | Q(expire_at__gt=until),
    )


def expired(since, until):
    """Published articles whose expiry time is in ``(since, until]``: readers stopped seeing them."""
    return Article.objects.published().filter(expire_at__gt=since, expire_at__lte=until)


def announce(now=None):
    """Send ``went_live`` for what went live since the last look; returns the article ids.

    What went live or expired is announced as changed content (pages, feeds and
    the CDN's copies of them are renewed), with no write to trigger it.
    """
    now = now or timezone.now()
    since = _marks().get(LAST_LOOK_KEY) or now - FIRST_LOOK
    ids = list(gone_live(since, now).order_by("pk").values_list("pk", flat=True))
    gone = list(expired(since, now).order_by("pk").values_list("pk", flat=True))
    if ids:
        announce_change(Article, articles=ids, lists=True)
    if gone:
        # Off the site: no reader may be shown a copy from before the expiry.
        announce_change(Article, articles=gone, lists=True, withdrawn=True)
    if ids:
        went_live.send(sender=Article, article_ids=ids)
    _marks().set(LAST_LOOK_KEY, now, None)
    return ids
