"""RSS and Atom feeds of one author's live articles, and of all our own reporting."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles.feeds import AtomMixin, LatestArticlesFeed
from articles.models import Article
from cdn import keys as surrogate_keys

from .models import Author


class AuthorFeed(LatestArticlesFeed):
    """The newest live articles by one of our authors (RSS 2.0)."""

    def get_object(self, request, slug):
        surrogate_keys.shows(surrogate_keys.author_list(slug))
        author = get_object_or_404(Author.objects.live(), slug=slug)
        surrogate_keys.shows(surrogate_keys.author(author.pk))
        return author

    def title(self, obj=None):
        return self.text(f"{self.site_name()}: {obj.name}")

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return self.text(f"The latest articles by {obj.name} on {self.site_name()}.")

    def articles(self, obj):
        return Article.objects.live().filter(bylines__author=obj)


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    """The newest live articles by one of our authors (Atom)."""


class HouseFeed(LatestArticlesFeed):
    """The newsroom's own newest live articles (RSS 2.0)."""

    def title(self, obj=None):
        return self.text(f"{self.site_name()}: our reporting")

    def link(self, obj=None):
        return reverse("authors:house")

    def description(self, obj=None):
        return self.text(f"The latest articles written by {self.site_name()}.")

    def articles(self, obj):
        return Article.objects.live().house()


class HouseAtomFeed(AtomMixin, HouseFeed):
    """The newsroom's own newest live articles (Atom)."""
