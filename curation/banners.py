"""The breaking-news banners current now, as plain data every public page shares."""

import logging

from django.db.models import Q
from django.db.models.functions import Now
from django.template.loader import render_to_string
from django.utils import timezone

from articles.caching import per_version

from .models import LEVELS, Banner, safe_link

logger = logging.getLogger(__name__)

_LEVELS = dict(LEVELS)
# More than this at once would bury the page; the newest ones win.
SHOWN = 3


def current_banners(now=None):
    """``[{"text", "link", "level", "label"}]`` of the banners current at ``now``. One query.

    The database drops ended banners by its clock; the exact window is checked
    with the application's, as the page cache's lifetime is (``curation.schedule``).
    A stored link that is not http(s) makes no link; an unknown level shows as "info".
    """
    now = now or timezone.now()
    rows = Banner.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=Now())).only(
        "text", "link", "level", "starts_at", "ends_at"
    )
    shown = []
    for banner in rows:
        if not banner.is_current(now):
            continue
        level = banner.level if banner.level in _LEVELS else "info"
        shown.append({
            "text": banner.text, "link": safe_link(banner.link), "level": level, "label": _LEVELS[level],
        })
    return shown[:SHOWN]


def banners_for_pages():
    """``current_banners()``, computed once per content version (a banner's save, start or end renews it)."""
    try:
        return per_version("banners", current_banners)
    except Exception:
        # A page (even the error page) must not fail for its banner.
        logger.exception("Could not read the breaking-news banners")
        return []


def banners_html():
    """The banners as every page shows them (safe HTML), rendered once per content version.

    One cache read per page instead of the data's read plus a template's render.
    """
    try:
        return per_version(
            "banners-html", lambda: render_to_string("curation/banners.html", {"banners": banners_for_pages()})
        )
    except Exception:
        logger.exception("Could not show the breaking-news banners")
        return ""
