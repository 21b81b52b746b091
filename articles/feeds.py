"""RSS 2.0, Atom and JSON Feed 1.1 for the whole site, each topic and each provider.

``items()`` starts from ``Article.objects.live()``, like the pages. Titles and
excerpts are plain text: RSS readers treat ``title``/``description`` as HTML,
so they are escaped once more there; Atom says ``type="text"`` for titles and
gets them as they are. JSON Feed carries the same items as JSON strings
(the encoder escapes them), its ``content_html`` the article page's own
sanitised body; every URL in it is absolute and http(s).
"""

import json

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from authors import bylines
from cdn import keys as surrogate_keys
from providers.models import Provider

from .models import Article, Topic
from .presenting import updated_at
from .queries import LIST_FIELDS
from .rendering import render_markdown, web_url, xml_text

FEED_SIZE = 50


class LatestArticlesFeed(Feed):
    """The newest live articles on the site (RSS 2.0)."""

    feed_type = Rss201rev2Feed
    # RSS readers render title and description as HTML; Atom titles are text.
    escape_title = True
    # The columns an item needs (JSON Feed adds the body).
    columns = (*LIST_FIELDS, "created_at")

    def site_name(self):
        return getattr(settings, "SITE_NAME", "Newsroom")

    def title(self, obj=None):
        return f"{self.site_name()}: latest news"

    def link(self, obj=None):
        return reverse("articles:index")

    def description(self, obj=None):
        return f"The latest articles on {self.site_name()}."

    def articles(self, obj):
        return Article.objects.live()

    def items(self, obj=None):
        items = list(
            self.articles(obj)
            .select_related("provider")
            .only(*self.columns)
            .prefetch_related("topics")[:FEED_SIZE]
        )
        # Our authors of the house articles, in one query.
        return bylines.attach(items)

    def text(self, value):
        """Plain text made fit for this feed type's title elements."""
        value = xml_text(value)
        return escape(value) if self.escape_title else value

    def item_title(self, item):
        return self.text(item.title)

    def item_description(self, item):
        return escape(xml_text(item.excerpt))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return item.tag_uri()

    # The id is a tag: URI, not the page's URL: an editor may change a slug, and
    # a reader must not see the article again as new when that happens.
    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return updated_at(item) or item.published_at

    def item_author_name(self, item):
        """The byline's names; an outlet's name or this site's when there is none."""
        names = bylines.text(item)
        if item.provider is not None:
            return xml_text(f"{names}, {item.provider.name}" if names else item.provider.name)
        return xml_text(names or self.site_name())

    def item_categories(self, item):
        return [xml_text(topic.name) for topic in item.topics.all()]


class AtomMixin:
    feed_type = Atom1Feed
    escape_title = False

    def subtitle(self, obj=None):
        return self.description(obj)


class LatestArticlesAtomFeed(AtomMixin, LatestArticlesFeed):
    """The newest live articles on the site (Atom)."""


class TopicFeed(LatestArticlesFeed):
    """The newest live articles on one topic (RSS 2.0)."""

    def get_object(self, request, slug):
        surrogate_keys.shows(surrogate_keys.topic_list(slug))
        topic = get_object_or_404(Topic.objects.live(), slug=slug)
        surrogate_keys.shows(surrogate_keys.topic(topic.pk))
        return topic

    def title(self, obj=None):
        return self.text(f"{self.site_name()}: {obj.name}")

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return self.text(f"The latest articles about {obj.name} on {self.site_name()}.")

    def articles(self, obj):
        return Article.objects.live().tagged(obj)


class TopicAtomFeed(AtomMixin, TopicFeed):
    """The newest live articles on one topic (Atom)."""


class ProviderFeed(LatestArticlesFeed):
    """The newest live articles from one provider (RSS 2.0)."""

    def get_object(self, request, slug):
        surrogate_keys.shows(surrogate_keys.provider_list(slug))
        provider = get_object_or_404(Provider.objects.live(), slug=slug)
        surrogate_keys.shows(surrogate_keys.provider(provider.pk))
        return provider

    def title(self, obj=None):
        return self.text(f"{self.site_name()}: {obj.name}")

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return self.text(f"The latest articles from {obj.name} on {self.site_name()}.")

    def articles(self, obj):
        return Article.objects.live().filter(provider=obj)


class ProviderAtomFeed(AtomMixin, ProviderFeed):
    """The newest live articles from one provider (Atom)."""


class JSONFeedMixin:
    """The same feed as JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    escape_title = False
    columns = (*LatestArticlesFeed.columns, "body", "web_url")
    content_type = "application/feed+json"

    def __call__(self, request, *args, **kwargs):
        obj = self.get_object(request, *args, **kwargs)
        absolute = request.build_absolute_uri
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.title(obj),
            "home_page_url": absolute(self.link(obj)),
            "feed_url": absolute(request.path),
            "description": self.description(obj),
            "language": settings.LANGUAGE_CODE,
            "items": [self.json_item(request, item) for item in self.items(obj)],
        }
        return HttpResponse(
            json.dumps(feed, ensure_ascii=False), content_type=f"{self.content_type}; charset=utf-8"
        )

    def json_item(self, request, item):
        url = request.build_absolute_uri(self.item_link(item))
        data = {
            "id": self.item_guid(item),
            "url": url,
            "title": self.item_title(item),
            "content_html": str(render_markdown(item.body)),
            "summary": xml_text(item.excerpt),
            "date_published": self.item_pubdate(item).isoformat(),
            "date_modified": self.item_updateddate(item).isoformat(),
            "authors": [{"name": self.item_author_name(item)}],
            "tags": self.item_categories(item),
        }
        # The outlet's own page of an imported article, when it is a web address.
        external = web_url(item.web_url)
        if external:
            data["external_url"] = external
        return data


class LatestArticlesJSONFeed(JSONFeedMixin, LatestArticlesFeed):
    """The newest live articles on the site (JSON Feed)."""


class TopicJSONFeed(JSONFeedMixin, TopicFeed):
    """The newest live articles on one topic (JSON Feed)."""


class ProviderJSONFeed(JSONFeedMixin, ProviderFeed):
    """The newest live articles from one provider (JSON Feed)."""
