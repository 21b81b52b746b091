"""Lists of live articles by topic and category, and the topic index."""

from django.views.generic import ListView

from articles.collation import Alphabetical
from articles.models import Article, Topic
from articles.presenting import feed_links, stories
from articles.queries import listed_articles
from cdn import keys as surrogate_keys
from curation.pages import topic_page_pins
from newsroom.prepared import PreparedQuerySet

from .base import INDEX_PAGE_SIZE, PublicSiteMixin, first_or_404

# A topic page's topic, compiled once per process (newsroom.prepared).
live_topic = PreparedQuerySet(lambda slug: Topic.objects.live().filter(slug=slug), "")


class TopicView(PublicSiteMixin, ListView):
    template_name = "articles/article_list.html"

    def get_queryset(self):
        # A topic only unpublished articles carry is not there yet for readers.
        # Filed under its list key first: a topic not live yet is a 404 a CDN keeps until its first article.
        surrogate_keys.shows(surrogate_keys.topic_list(self.kwargs["slug"]))
        self.topic = first_or_404(live_topic(self.kwargs["slug"]))
        surrogate_keys.shows(surrogate_keys.topic(self.topic.pk))
        # The desk's pins for this page (curation): its lead and top stories,
        # which the list leaves out on every page.
        self.pinned = topic_page_pins(self.topic)
        # A small topic is listed from its links (ArticleQuerySet.tagged): a list
        # of ids, which a compiled query cannot take, so its pages stay on the ORM.
        self.small_topic_ids = Article.objects.small_topic_ids(self.topic)
        if self.small_topic_ids is not None:
            articles = listed_articles().filter(pk__in=self.small_topic_ids)
            return articles.exclude(pk__in=self.left_out()) if self.pinned else articles
        return super().get_queryset()

    @staticmethod
    def list_articles(topic_id):
        return listed_articles().on_topic(topic_id)

    def list_keys(self):
        return (self.topic.pk,) if self.small_topic_ids is None else None

    def left_out(self):
        return [article.pk for article in self.pinned]

    def stories_for(self, articles):
        first_page = not (self.request.GET.get("before") or self.request.GET.get("after"))
        if not (self.pinned and first_page):
            return stories(articles)
        # One query for the pictures of the pinned articles and the list together.
        items = stories([*self.pinned, *articles])
        self.lead_story, self.top_stories = items[0], items[1:len(self.pinned)]
        return items[len(self.pinned):]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            heading=self.topic.name,
            kind="Topic",
            feeds=feed_links("articles:topic-rss", "articles:topic-atom", "articles:topic-json", slug=self.topic.slug),
            **kwargs,
        )
        context["lead"] = getattr(self, "lead_story", None)
        context["top_stories"] = getattr(self, "top_stories", [])
        return context


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

    @staticmethod
    def list_articles(category):
        return listed_articles().filter(category=category)

    def list_keys(self):
        return (self.kwargs["category"],)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.kwargs["category"], kind="Category", **kwargs)

