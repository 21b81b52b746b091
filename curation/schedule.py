"""When the desk's pins and banners next start or end: the public pages' cache must end then."""

from django.db.models import Q
from django.utils import timezone

from .models import Banner, Pin


def next_change(now=None):
    """The next start or end of any pin or banner after ``now``, or None. One query.

    Compared with the application's clock, as the pages' own choice of the
    current pins and banners is (``curation.pages``, ``curation.banners``).
    """
    now = now or timezone.now()
    ahead = Q(starts_at__gt=now) | Q(ends_at__gt=now)
    rows = (
        Pin.objects.filter(ahead).order_by().values_list("starts_at", "ends_at")
        .union(Banner.objects.filter(ahead).order_by().values_list("starts_at", "ends_at"))
    )
    return min((moment for row in rows for moment in row if moment and moment > now), default=None)
