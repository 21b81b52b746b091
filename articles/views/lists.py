"""Lists of live articles by topic and category, and the topic index."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.collation import Alphabetical
from articles.models import Topic
from articles.presenting import feed_links

from .base import INDEX_PAGE_SIZE, PublicSiteMixin


class TopicView(PublicSiteMixin, ListView):
    template_name = "articles/article_list.html"

    def get_queryset(self):
        # A topic only unpublished articles carry is not there yet for readers.
        self.topic = get_object_or_404(Topic.objects.live(), slug=self.kwargs["slug"])
        return super().get_queryset().tagged(self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.topic.name,
            kind="Topic",
            feeds=feed_links("articles:topic-rss", "articles:topic-atom", slug=self.topic.slug),
            **kwargs,
        )


class TopicIndexView(PublicSiteMixin, ListView):
    """Every topic that has at least one live article, A to Z whatever the case or accents."""

    template_name = "articles/topic_index.html"
    paginate_by = INDEX_PAGE_SIZE
    heading = "Topics"
    lists_articles = False
    query_parameters = ("page",)

    def get_queryset(self):
        return Topic.objects.live().order_by(Alphabetical("name"), "pk")

    # Topics are few: numbered pages suit them better than cursors.
    paginate_queryset = ListView.paginate_queryset


class CategoryView(PublicSiteMixin, ListView):
    template_name = "articles/article_list.html"
    allow_empty = False

    def get_queryset(self):
        return super().get_queryset().filter(category=self.kwargs["category"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.kwargs["category"], kind="Category", **kwargs)

