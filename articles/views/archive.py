"""The archive: every month with live articles, and a year's or a month's list."""

import calendar
from datetime import UTC, datetime

from django.db.models import Exists
from django.http import Http404
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from articles import dates
from articles.models import Article
from articles.queries import listed_articles
from newsroom.prepared import PreparedQuerySet

from .base import PublicSiteMixin


class ArchiveIndexView(PublicSiteMixin, TemplateView):
    """Every month that has live articles, newest first, grouped by year."""

    template_name = "articles/archive_index.html"
    heading = "Archive"
    lists_articles = False
    query_parameters = ()

    def get_context_data(self, **kwargs):
        months = (
            Article.objects.live()
            .filter(published_at__range=(dates.CALENDAR_FIRST, dates.CALENDAR_LAST))
            .dates("published_at", "month", order="DESC")
        )
        years = {}
        for month in months:
            years.setdefault(month.year, []).append(month)
        return super().get_context_data(years=years, **kwargs)


def _month_probes(*bounds):
    """One row whose ``m0``..``m11`` say whether each month between the 13 ``bounds`` has a live article."""
    live = Article.objects.live()
    probes = {
        f"m{i}": Exists(live.filter(published_at__gte=bounds[i], published_at__lt=bounds[i + 1]))
        for i in range(12)
    }
    return Article.objects.order_by().only("pk").annotate(**probes)[:1]


# Compiled once per process (newsroom.prepared); the months' bounds are placeholders.
_months_of_year = PreparedQuerySet(_month_probes, *[datetime(2000, 1, 1, tzinfo=UTC)] * 13)


def months_with_articles(year, zone):
    """The first days of ``year``'s months (in ``zone``) that have a live article, oldest first.

    Twelve EXISTS probes in one query, each stopping at the month's first live
    article, rather than reading every article of the year (22 ms at a million,
    and growing with the year's articles).
    """
    bounds = [datetime(year + (m - 1) // 12, (m - 1) % 12 + 1, 1, tzinfo=zone) for m in range(1, 14)]
    rows = _months_of_year(*bounds)
    if not rows:
        return []
    return [bounds[i].date() for i in range(12) if getattr(rows[0], f"m{i}")]


class YearArchiveView(PublicSiteMixin, ListView):
    template_name = "articles/article_list.html"
    allow_empty = False

    def date_range(self):
        year = int(self.kwargs["year"])
        if year not in dates.CALENDAR_YEARS:
            raise Http404("No such year.")
        zone = timezone.get_current_timezone()
        return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)

    @staticmethod
    def list_articles(start, end):
        return listed_articles().filter(published_at__gte=start, published_at__lt=end)

    def list_keys(self):
        return self.date_range()

    def get_context_data(self, **kwargs):
        start, end = self.date_range()
        context = {"heading": f"{start:%Y}", "kind": "Archive"}
        if "month" not in self.kwargs:
            context["months"] = months_with_articles(start.year, start.tzinfo)
        else:
            context["heading"] = f"{calendar.month_name[start.month]} {start.year}"
        return super().get_context_data(**context, **kwargs)


class MonthArchiveView(YearArchiveView):
    def date_range(self):
        year, month = int(self.kwargs["year"]), int(self.kwargs["month"])
        if not (year in dates.CALENDAR_YEARS and 1 <= month <= 12):
            raise Http404("No such month.")
        zone = timezone.get_current_timezone()
        start = datetime(year, month, 1, tzinfo=zone)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
        return start, end
