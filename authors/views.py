"""Public author pages and the newsroom's own reporting, as cursor-paginated lists of live articles."""

from django.conf import settings
from django.views.generic import ListView

from articles import rendering
from articles.presenting import feed_links
from articles.queries import listed_articles
from articles.views.base import PublicSiteMixin, first_or_404
from cdn import keys as surrogate_keys
from newsroom.prepared import PreparedQuerySet

from .models import Author


def person_data(request, author):
    """schema.org ``Person`` for ``author``: name, page, bio, photo and http(s) links only."""
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": author.name,
        "url": request.build_absolute_uri(author.get_absolute_url()),
        "worksFor": {"@type": "Organization", "name": settings.SITE_NAME, "url": request.build_absolute_uri("/")},
    }
    if author.bio:
        data["description"] = author.bio
    if author.photo:
        data["image"] = request.build_absolute_uri(author.photo.url)
    links = safe_links(author)
    if links:
        data["sameAs"] = links
    return data


def safe_links(author):
    """The author's links that may become ``href``s: http(s) only, whatever is stored."""
    stored = author.links if isinstance(author.links, list) else []
    return [url for url in (rendering.web_url(link) for link in stored if isinstance(link, str)) if url]


# An author page's author, compiled once per process (newsroom.prepared).
live_author = PreparedQuerySet(lambda slug: Author.objects.live().filter(slug=slug), "")


class AuthorDetailView(PublicSiteMixin, ListView):
    """One of our authors: who they are, then their live articles, newest first."""

    template_name = "authors/author_detail.html"

    def get_queryset(self):
        # An author with no live article has no public page yet.
        surrogate_keys.shows(surrogate_keys.author_list(self.kwargs["slug"]))
        self.author = first_or_404(live_author(self.kwargs["slug"]))
        surrogate_keys.shows(surrogate_keys.author(self.author.pk))
        return super().get_queryset()

    @staticmethod
    def list_articles(author_id):
        return listed_articles().filter(bylines__author=author_id)

    def list_keys(self):
        return (self.author.pk,)

    def get_context_data(self, **kwargs):
        author = self.author
        return super().get_context_data(
            heading=author.name,
            kind="Author",
            author=author,
            links=safe_links(author),
            photo_url=author.photo.url if author.photo else "",
            json_ld=rendering.json_ld(person_data(self.request, author)),
            feeds=feed_links("authors:rss", "authors:atom", slug=author.slug),
            **kwargs,
        )


class HouseView(PublicSiteMixin, ListView):
    """“Our reporting”: the newsroom's own live articles, newest first."""

    template_name = "articles/article_list.html"
    heading = "Our reporting"

    @staticmethod
    def list_articles():
        return listed_articles().house()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            feeds=feed_links("authors:house-rss", "authors:house-atom"), **kwargs
        )
