"""Stories: the same event as several outlets (and our articles) report it.

An article belongs to at most one story, through ``Membership`` (so the
article table needs no new column). ``Membership.pinned`` records an editor's
decision, which every rebuild respects: a pinned article stays in its story,
and a pinned row without a story means "moved out: keep it on its own".
"""

import functools

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.text import slugify


class Story(models.Model):
    # The headline of the earliest *live* member (empty while none is live),
    # kept by ``building.name_stories``: a story must never be named, in its
    # URL or anywhere, after a draft or an embargoed or withdrawn article.
    title = models.CharField(max_length=1000, blank=True)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    # Set when an editor merged this story into another: its URL redirects there.
    merged_into = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "stories"

    def __str__(self):
        return self.title or f"Story {self.pk} (nothing live yet)"

    def get_absolute_url(self):
        return reverse("stories:detail", kwargs={"slug": self.slug})

    @staticmethod
    def slug_for(title, pk):
        """Readable and unique: the first live headline, then the id (``story-<id>`` without one).

        The id at the end finds the story again after a rename (see the view).
        """
        base = slugify(title, allow_unicode=True)[:200].strip("-") or "story"
        return f"{base}-{pk}"


class Membership(models.Model):
    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True,
        related_name="story_membership",
    )
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    pinned = models.BooleanField(
        default=False, help_text="An editor's decision: rebuilds never move this article.",
    )

    def __str__(self):
        return f"{self.article_id} in {self.story_id}"


def with_story(articles):
    """``articles`` with their story's slug and its number of live articles, in the same query.

    Adds ``story_slug`` and ``story_live_count`` (None outside a story), so the
    article page can link to its story without a query of its own.
    """
    return articles.annotate(
        story_slug=F("story_membership__story__slug"), story_live_count=_live_members_of_story()
    )


@functools.cache
def _live_members_of_story():
    """The count subquery, built once per process: building it took a millisecond of
    every article page. It holds no values (liveness is checked against the
    database's clock when it runs), so one copy serves every query."""
    from articles.models import Article

    return Subquery(
        Article.objects.live()
        .filter(story_membership__story=OuterRef("story_membership__story"))
        .order_by().values("story_membership__story").annotate(n=Count("*")).values("n")
    )


def one_per_story(articles):
    """``articles`` without the later ones of a story already listed (needs ``with_story``).

    Keeps the order: the first article of each story stands for it, and its
    "full coverage" link leads to the rest.
    """
    seen, kept = set(), []
    for article in articles:
        slug = getattr(article, "story_slug", None)
        if slug and (getattr(article, "story_live_count", None) or 0) > 1:
            if slug in seen:
                continue
            seen.add(slug)
        kept.append(article)
    return kept


def newest_of_each_story(articles):
    """``articles`` (live ones) cut to one row per story: its newest live article.

    Only stories with more than one live article count, as everywhere else on
    the site. Rows keep ``with_story``'s ``story_slug`` and ``story_live_count``
    and the articles' own order, so a list of stories pages like any list of
    articles (by date and id) and walks the date index from the newest end.
    """
    from articles.models import Article

    newer = Article.objects.live().filter(
        Q(published_at__gt=OuterRef("published_at"))
        | Q(published_at=OuterRef("published_at"), pk__gt=OuterRef("pk")),
        story_membership__story=OuterRef("story_membership__story"),
    )
    return (
        with_story(articles)
        .filter(story_membership__story__isnull=False, story_live_count__gt=1)
        .exclude(Exists(newer))
    )


def outlets_of(story_slugs):
    """``{story slug: [outlet name, ...]}`` of the live articles of those stories, A to Z (one query)."""
    from articles.models import Article

    rows = (
        Article.objects.live().filter(story_membership__story__slug__in=story_slugs)
        .order_by().values_list("story_membership__story__slug", "provider__name").distinct()
    )
    outlets = {}
    # A house article's outlet is the site itself.
    rows = [(slug, name or settings.SITE_NAME) for slug, name in rows]
    for slug, name in sorted(rows, key=lambda row: (row[0], row[1].casefold())):
        outlets.setdefault(slug, []).append(name)
    return outlets
