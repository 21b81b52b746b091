"""The public search page: a form, ranked live results, pagination."""

from django.core.paginator import Paginator
from django.shortcuts import render

from articles.queries import listed_articles

from . import search
from .forms import SearchForm

RESULTS_PER_PAGE = 20


def search_page(request):
    """``/search/?q=...``: only live articles, best match first."""
    form = SearchForm(request.GET)
    results = page = None
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
    return render(request, "search/results.html", {"form": form, "results": results, "page_obj": page})
