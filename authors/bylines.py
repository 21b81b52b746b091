"""Bylines as pages show them: our authors (linked) or the outlet's names (plain text).

``attach`` loads the authors of a page's house articles in one query, whatever
the page's size, and none at all when the page has no house article.
"""

from dataclasses import dataclass

from .models import Byline

MAX_SHOWN = 10


@dataclass(frozen=True)
class Name:
    """One name of a byline; ``url`` is our author page, empty for an outlet's writer."""

    name: str
    url: str = ""


def attach(articles):
    """Set ``article.authors_shown`` (a list of ``Author``) on each house article of ``articles``."""
    house = {article.pk: article for article in articles if article.provider_id is None}
    for article in articles:
        article.authors_shown = []
    if not house:
        return articles
    rows = (
        Byline.objects.filter(article_id__in=list(house))
        .select_related("author").only("article_id", "position", "author__name", "author__slug")
        .order_by("article_id", "position", "pk")
    )
    for row in rows:
        house[row.article_id].authors_shown.append(row.author)
    return articles


def names(article):
    """The byline of ``article`` as ``Name`` items, in order (needs ``attach`` for a house article)."""
    from articles.presenting import path_for

    if article.provider_id is None:
        authors = getattr(article, "authors_shown", None)
        if authors is None:
            attach([article])
            authors = article.authors_shown
        return [Name(author.name, path_for("authors:detail", author.slug)) for author in authors[:MAX_SHOWN]]
    return [Name(name) for name in source_names(article)]


def source_names(article):
    """The outlet's writers an imported file named (``source_authors``), whatever shape was stored."""
    value = article.__dict__.get("source_authors")
    if not isinstance(value, list):
        return []
    return [str(name) for name in value[:MAX_SHOWN] if isinstance(name, str) and name.strip()]


def text(article):
    """The byline's names as plain text ("Jane Doe, Sam Roe"), or ""."""
    return ", ".join(name.name for name in names(article))
