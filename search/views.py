"""The public search page: a form, ranked live results, pagination."""

from django.core.paginator import Paginator
from django.shortcuts import render

from articles.views import listed_articles, paginate_by_cursor, stories

from . import search
from .forms import SearchForm

RESULTS_PER_PAGE = 20


def search_page(request):
    """``/search/?q=...``: only live articles, best match first.

    With filters but no words, the filtered live articles, newest first.
    """
    form = SearchForm(request.GET)
    results = page = listing = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = search(
            form.cleaned_data["q"],
            # The site's list rows: live articles without their bodies, which
            # ranking would otherwise carry through the sort for every match.
            queryset=listed_articles().filter(**form.filters()),
            live_only=False,  # listed_articles() is live() already
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


def _without(params, *names):
    """The query string of ``params`` without ``names``, with a trailing ``&`` unless empty."""
    params = params.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode() + "&" if params else ""
