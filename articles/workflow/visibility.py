"""Whether readers see an article now, and how the workflow writes a moment for people.

One rule for every page that explains it (the admin's change form, step pages
and list badge, and the staff preview banner on the public site): times are
shown in the site's local time (``settings.TIME_ZONE``) with the zone's name,
so an editor never has to guess which clock a sentence means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from ..models import Article


def when(moment, seconds=False):
    """``moment`` in the site's local time with its zone: ``2024-05-01 14:00 CEST``."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else "") + " %Z")


@dataclass(frozen=True)
class Visibility:
    """What readers see of an article at one moment.

    ``code`` is one of live, embargoed, scheduled, expired, hidden (the admin
    list's visibility filter uses the same words); ``text`` explains it in a
    sentence. ``embargo_until`` is set while an embargo lies ahead, whatever
    the state: a draft can carry one too, and the list badges it.
    """

    code: str
    text: str
    embargo_until: datetime | None = None

    @property
    def embargo_text(self):
        return f"Embargoed until {when(self.embargo_until)}" if self.embargo_until else ""

    @property
    def preview_banner(self):
        """The staff preview's banner: why this page is not what readers see."""
        return f"Preview: {self.text[:1].lower()}{self.text[1:]}"


def visibility(article, now=None):
    """The ``Visibility`` of ``article`` at ``now`` (default: now).

    Follows ``Article.is_live()``; an embargo is named first because it beats
    everything else.
    """
    now = now or timezone.now()
    embargo = article.embargo_until if article.embargo_until and article.embargo_until > now else None
    code, text = _explain(article, now, embargo)
    return Visibility(code, text, embargo)


def _explain(article, now, embargo):
    if article.status != Article.Status.PUBLISHED:
        return "hidden", f"Not public ({article.get_status_display().lower()})."
    if embargo:
        return "embargoed", (
            f"Embargoed until {when(embargo)}: no public page, feed, sitemap "
            "or search shows it before then, although it is published."
        )
    if article.go_live_at and article.go_live_at > now:
        return "scheduled", f"Scheduled to go live at {when(article.go_live_at)}."
    if article.expire_at and article.expire_at <= now:
        return "expired", f"Expired at {when(article.expire_at)}."
    if article.expire_at:
        return "live", f"Live until {when(article.expire_at)}."
    return "live", "Live."
