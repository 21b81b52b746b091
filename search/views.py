"""The public search page: a form, ranked live results, pagination."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from articles.pagination import paginate_by_cursor
from articles.presenting import stories
from articles.queries import listed_articles
from newsroom.ratelimit import RateLimit

from . import search
from .forms import SearchForm

RESULTS_PER_PAGE = 20


def _searches():
    return RateLimit("search", settings.SEARCH_REQUESTS_PER_MINUTE, seconds=60)


def search_page(request):
    """``/search/?q=...``: only live articles, best match first.

    With filters but no words, the filtered live articles, newest first.

    Each search costs the database far more than a cached page, so readers
    get ``SEARCH_REQUESTS_PER_MINUTE`` of them per address; staff are not
    counted. The empty form costs nothing and is never refused.
    """
    if request.GET.get("q", "").strip() and not request.user.is_staff:
        wait = _searches().hit(request)
        if wait:
            return too_many_searches(request, wait)
    form = SearchForm(request.GET)
    results = page = listing = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = search(
            form.cleaned_data["q"],
            # The site's list rows: articles without their bodies, which ranking
            # would otherwise carry through the sort for every match. search()
            # keeps the live ones, and tells the engine they are live only.
            queryset=listed_articles(live=False).filter(**form.filters()),
        )
        # get_page, not page: a hostile or stale ?page= shows a real page, never an error.
        page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    elif form.is_valid() and form.filters():
        listing = paginate_by_cursor(listed_articles().filter(**form.filters()), request, RESULTS_PER_PAGE)
        listing.stories = stories(listing.object_list)
    return render(request, "search/results.html", {
        "form": form, "results": results, "page_obj": page, "listing": listing,
        "filter_query": _without(request.GET, "before", "after", "page"),
    })


def too_many_searches(request, wait):
    """429 with ``Retry-After``: a page saying how long to wait, which nobody may keep."""
    response = render(
        request, "search/too_many.html",
        {"wait": wait, "per_minute": settings.SEARCH_REQUESTS_PER_MINUTE},
        status=429,
    )
    response["Retry-After"] = str(wait)
    add_never_cache_headers(response)
    return response


def _without(params, *names):
    """The query string of ``params`` without ``names``, with a trailing ``&`` unless empty."""
    params = params.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode() + "&" if params else ""
