"""The queries the public site is built from, shared by its pages, feeds, admin and search.

Everything a reader sees starts from ``Article.objects.live()``; these narrow it to
what a page shows. The article page's own queries are compiled once per process
(``newsroom.prepared``): on the site's hottest page, building and compiling SQL
cost Django more than the database spends running it.
"""

from django.db.models import Prefetch

from newsroom.prepared import PreparedQuerySet
from stories.models import with_story

from .models import Article, Correction, Image, Related, Topic

# What a list shows of each article; the large columns (body, extra data, the
# secured token) are never loaded for a list. Nor is an outlet's byline
# (``source_authors``): decoding its JSON for every item cost the front page
# about 5 % of its speed; a list credits the outlet, the article page names its writers.
LIST_FIELDS = (
    "title", "slug", "excerpt", "category", "published_at", "modified_at", "heat", "quality",
    "provider__name", "provider__slug",
)
# Never needed by a public page, and the token must never reach one.
PRIVATE_FIELDS = ("secured", "extra", "provider_extra", "source_hash")


def listed_articles(live=True):
    """Live articles (all with ``live=False``) with just what a list item shows, newest first."""
    articles = Article.objects.live() if live else Article.objects.all()
    return articles.select_related("provider").only(*LIST_FIELDS)


def lead_images():
    """Articles' first images only, with what a list thumbnail shows."""
    return (
        Image.objects.filter(position=0)
        .only("article_id", "url", "width", "height", "title", "alt", "renditions")
        .order_by()
    )


def lead_image_prefetch():
    """Only each article's first image, for list thumbnails (one query for the page)."""
    return Prefetch("images", queryset=lead_images(), to_attr="lead_images")


def article_children(article):
    """What the article page shows besides the article row, one plain query each.

    Direct queries rather than prefetch_related, compiled once per process
    (``newsroom.prepared``): on the site's hottest page, building and compiling
    SQL cost Django more than the database spends running it.
    """
    return {
        "images": _images_of(article.pk),
        "topics": _topics_of(article.pk),
        "related": _related_of(article.pk),
        "corrections": _corrections_of(article.pk),
    }



RELATED_FIELDS = (
    "article_id", "position", "title", "web_url", "published_at", "provider_name",
    # Enough of our own copy to know whether it is live here, and where.
    "target__slug", "target__status", "target__go_live_at", "target__embargo_until",
    "target__expire_at",
)

# Explicit order_by: the models' default ordering starts with the article
# relation, which would join and sort by the article's own ordering.
_images_of = PreparedQuerySet(
    lambda pk: Image.objects.filter(article_id=pk).defer("extra").order_by("position"), 0
)
# File order, as the editor wrote them.
_topics_of = PreparedQuerySet(
    lambda pk: Topic.objects.filter(tagged_articles__content_object_id=pk).order_by("tagged_articles__id"), 0
)
_related_of = PreparedQuerySet(
    lambda pk: Related.objects.filter(article_id=pk).select_related("target").only(*RELATED_FIELDS)
    .order_by("position"),
    0,
)
_corrections_of = PreparedQuerySet(lambda pk: Correction.objects.filter(article_id=pk), 0)
# The article page's own row: provider and story in the same query.
article_by_slug = PreparedQuerySet(
    lambda slug: with_story(Article.objects.select_related("provider").defer(*PRIVATE_FIELDS))
    .filter(slug=slug),
    "",
)
