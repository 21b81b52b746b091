"""Provider pages on the public site: an index of outlets and each outlet's live articles."""

from django.http import Http404
from django.views.generic import ListView

from articles import rendering
from articles.presenting import feed_links
from articles.queries import listed_articles
from articles.views.base import INDEX_PAGE_SIZE, PublicSiteMixin
from cdn import keys as surrogate_keys

from . import health
from .models import Provider


class ProviderIndexView(PublicSiteMixin, ListView):
    """Every outlet with at least one live article, A to Z."""

    template_name = "providers/provider_index.html"
    paginate_by = INDEX_PAGE_SIZE
    heading = "Sources"
    lists_articles = False
    query_parameters = ("page",)

    def get_queryset(self):
        return Provider.objects.live().order_by("name", "pk")

    # Outlets are few: numbered pages suit them better than cursors.
    paginate_queryset = ListView.paginate_queryset


class ProviderDetailView(PublicSiteMixin, ListView):
    """One outlet's live articles, newest first, under its last 30 days, topics and quality."""

    template_name = "providers/provider_detail.html"

    def get_queryset(self):
        # The health numbers come with the provider's row: no query of their own.
        # An outlet only unpublished articles come from is not there yet for readers.
        # Filed under its list key first: an outlet not live yet is a 404 a CDN keeps until it is.
        surrogate_keys.shows(surrogate_keys.provider_list(self.kwargs["slug"]))
        self.provider = health.live_provider_with_public_health(self.kwargs["slug"])
        if self.provider is None:
            raise Http404("No such source.")
        surrogate_keys.shows(surrogate_keys.provider(self.provider.pk))
        return super().get_queryset()

    @staticmethod
    def list_articles(provider_id):
        return listed_articles().filter(provider=provider_id)

    def list_keys(self):
        return (self.provider.pk,)

    def get_context_data(self, **kwargs):
        numbers = health.public_health(self.provider)
        return super().get_context_data(
            health=numbers,
            chart=health.activity_chart(self.provider.name, numbers.days),
            heading=self.provider.name,
            kind="Source",
            provider=self.provider,
            provider_url=rendering.web_url(f"https://{self.provider.domain}/"),
            feeds=feed_links("providers:rss", "providers:atom", "providers:json", slug=self.provider.slug),
            **kwargs,
        )
