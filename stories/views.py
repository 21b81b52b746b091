"""The public story page: every live article of a story, grouped by outlet ("full coverage")."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from articles import rendering
from articles.presenting import path_for, stories
from articles.queries import listed_articles
from articles.views.base import PublicSiteMixin
from cdn import keys as surrogate_keys
from newsroom.prepared import PreparedQuerySet

from .models import Story, newest_of_each_story, outlets_of

# A story's live articles, newest first: compiled once per process (newsroom.prepared).
story_articles = PreparedQuerySet(lambda story_id: listed_articles().filter(story_membership__story=story_id), 0)


@dataclass
class Outlet:
    name: str
    url: str
    items: list


def full_coverage(articles):
    """``(outlets, earliest)`` for live ``articles`` (newest first).

    Outlets come in the order of their newest article, each with its articles
    newest first; ``earliest`` is the first report of all (on equal times,
    the one we have had longest).
    """
    earliest = min(articles, key=lambda article: (article.published_at, article.pk))
    outlets = {}
    for article, item in zip(articles, stories(articles), strict=True):
        item.is_earliest = article is earliest
        provider = article.provider
        key = provider.pk if provider is not None else None
        if key not in outlets:
            outlets[key] = (
                Outlet(provider.name, path_for("providers:detail", provider.slug), [])
                # A house article: the site itself reported it.
                if provider is not None else Outlet(settings.SITE_NAME, reverse("authors:house"), [])
            )
        outlets[key].items.append(item)
    return list(outlets.values()), earliest


def _id_in(slug):
    """The story id a slug ends in (``...-42``), or 0 (no story) when it has none."""
    found = re.search(r"-([0-9]{1,18})$", slug)
    return int(found.group(1)) if found else 0


def with_outlets(items):
    """``stories()`` items of stories' newest articles, each given ``outlets`` (names, A to Z)."""
    outlets = outlets_of([item.story_slug for item in items])
    for item in items:
        item.outlets = outlets.get(item.story_slug, [])
    return items


def collection_data(request, heading, articles):
    """schema.org ``CollectionPage`` of a story: its live articles as an ``ItemList``, in page order."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": heading,
        "url": request.build_absolute_uri(),
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": len(articles),
            "itemListElement": [
                {
                    "@type": "ListItem", "position": position, "name": article.title,
                    "url": request.build_absolute_uri(path_for("articles:detail", article.slug)),
                }
                for position, article in enumerate(articles, 1)
            ],
        },
    }


class StoryIndexView(PublicSiteMixin, ListView):
    """The latest stories (events reported more than once), by their newest live report."""

    template_name = "stories/story_index.html"
    heading = "Stories"

    @staticmethod
    def list_articles():
        return newest_of_each_story(listed_articles())

    def stories_for(self, articles):
        items = stories(articles)
        for item, article in zip(items, articles, strict=True):
            item.story_slug = article.story_slug
        return with_outlets(items)


class StoryDetailView(PublicSiteMixin, TemplateView):
    """A story's full coverage. 404 while none of its articles is live."""

    template_name = "stories/story_detail.html"
    lists_articles = False
    query_parameters = ()

    def get(self, request, *args, **kwargs):
        stories = Story.objects.select_related("merged_into").only("slug", "merged_into__slug")
        story = stories.filter(slug=kwargs["slug"]).first()
        if story is None:
            # Renamed since (its earliest live article changed): the id ends the slug.
            story = get_object_or_404(stories, pk=_id_in(kwargs["slug"]))
            return redirect(story.merged_into or story, permanent=True)
        if story.merged_into:
            return redirect(story.merged_into, permanent=True)
        articles = story_articles(story.pk)
        if not articles:
            raise Http404("No live article in this story.")
        outlets, earliest = full_coverage(articles)
        surrogate_keys.shows(surrogate_keys.story(story.pk))
        return self.render_to_response(self.get_context_data(
            story=story, heading=earliest.title, outlets=outlets, earliest=earliest,
            article_count=len(articles),
            json_ld=rendering.json_ld(collection_data(request, earliest.title, articles)),
        ))
