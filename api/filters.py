"""The article lists' query parameters: each one checked, a bad value a 400 naming it.

    ?topic=<slug>&provider=<slug>&category=<name>&story=<slug>
    &since=2024-05-01&until=2024-05-31T12:00:00Z&origin=house|imported&q=<words>

``since``/``until`` take an ISO 8601 date or date-time; a date means that
day in the site's time zone (``until`` includes the whole day). ``q`` goes
through the site's own search engine (``search.search``), the one ``/search/``
uses, and narrows the list to its matches; the list stays newest first so
its cursor pages like every other.
"""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.filters import BaseFilterBackend

from articles.dates import shifted, showable
from articles.models import Topic
from providers.models import Provider
from search import search
from stories.models import Story

from .errors import bad_request

ORIGINS = ("house", "imported")
# Longer text is no slug, category or date: refused before any query.
MAX_VALUE_LENGTH = 1000


def parse_moment(name, value, *, end_of_day=False):
    """An aware datetime from ``value`` (ISO date or date-time), or a 400 naming ``name``.

    A date is its first instant in the site's time zone, or with ``end_of_day``
    the first instant of the next day.
    """
    try:
        # A plain date first: parse_datetime would also read "2024-05-01" (as midnight).
        day = parse_date(value) if "T" not in value and " " not in value else None
        moment = None if day else parse_datetime(value)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise bad_request(
            name, f"“{value[:40]}” is not an ISO 8601 date (2024-05-01) or date-time (2024-05-01T10:00:00Z)."
        )
    if day is not None:
        try:
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        except (OverflowError, ValueError):
            raise bad_request(name, "This date cannot be used.") from None
        if end_of_day:
            moment = shifted(moment, datetime.timedelta(days=1))
    elif timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return showable(moment)


class ArticleFilter(BaseFilterBackend):
    """The list filters; every parameter is declared for the schema below."""

    PARAMETERS = {
        "topic": "Only articles on this topic (its slug).",
        "provider": "Only articles from this source (its slug).",
        "category": "Only articles in this category (its exact name).",
        "story": "Only articles of this story (its slug).",
        "since": "Published at or after this ISO 8601 date or date-time.",
        "until": "Published before the end of this ISO 8601 date, or before this date-time.",
        "origin": "`house`: the newsroom's own reporting; `imported`: the outlets' articles.",
        "q": "Words to search for, with the search page's syntax (\"phrases\", OR, -word).",
    }

    def filter_queryset(self, request, queryset, view):
        params = request.query_params
        for name in self.PARAMETERS:
            if len(params.get(name, "")) > MAX_VALUE_LENGTH:
                raise bad_request(name, f"At most {MAX_VALUE_LENGTH} characters.")
        if slug := params.get("topic"):
            topic = Topic.objects.live().filter(slug=slug).first()
            queryset = queryset.tagged(topic) if topic else queryset.none()
        if slug := params.get("provider"):
            queryset = queryset.filter(provider__in=Provider.objects.live().filter(slug=slug))
        if category := params.get("category"):
            queryset = queryset.filter(category=category)
        if slug := params.get("story"):
            queryset = queryset.filter(
                story_membership__story__in=Story.objects.filter(slug=slug, merged_into__isnull=True)
            )
        since, until = params.get("since"), params.get("until")
        since = since and parse_moment("since", since)
        until = until and parse_moment("until", until, end_of_day=True)
        if since and until and since >= until:
            raise bad_request("until", "The end is before the start (since).")
        if since:
            queryset = queryset.filter(published_at__gte=since)
        if until:
            queryset = queryset.filter(published_at__lt=until)
        if origin := params.get("origin"):
            if origin not in ORIGINS:
                raise bad_request("origin", f"Choose “house” or “imported”, not “{origin[:40]}”.")
            queryset = queryset.house() if origin == "house" else queryset.imported()
        if words := params.get("q", "").strip():
            matches = search(words, queryset=queryset, live_only=False).queryset
            queryset = queryset.filter(pk__in=matches.order_by().values("pk"))
        return queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": name, "in": "query", "required": False, "description": description,
                "schema": {"type": "string", **({"enum": list(ORIGINS)} if name == "origin" else {})},
            }
            for name, description in self.PARAMETERS.items()
        ]
