"""Turn stored articles back into the file format (the importer's inverse).

The stored, normalised columns plus the unknown keys kept at each level are
enough to write a file that imports to the same article, so an export of an
import exports identically.

By default an export writes the **source's** values: where an editor changed
an imported article's headline, text, topics or captions, the file's own
values (kept in ``Article.source_values``) go out, so an export is still what
the outlets sent. ``editorial=True`` writes what readers see instead. An
article nobody edited exports the same either way.
"""

import hashlib
import json

from django.db.models import Prefetch

from authors.models import Byline

from .importing.data import ArticleData, ImageData, ProviderData
from .importing.serialize import article_to_mapping, dump_mapping
from .models import Article, TaggedArticle


def articles_for_export():
    """Every article, in a stable order, with what the export needs prefetched."""
    return (
        Article.objects.select_related("provider")
        .prefetch_related(
            "images",
            "related_items",
            Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("position", "pk")),
            Prefetch(
                "tagged_topics",
                queryset=TaggedArticle.objects.select_related("tag").order_by("pk"),
            ),
        )
        # House articles (no web_url) by their slug.
        .order_by("web_url", "slug")
    )


def article_data(article: Article, *, editorial: bool = False) -> ArticleData:
    """The article as the importer would have parsed it (related items aside).

    The source's values over the live ones unless ``editorial``.
    """
    source = {} if editorial else (article.source_values or {})
    rows = list(article.images.all())
    images = tuple(
        ImageData(
            url=i.url, width=i.width, height=i.height, is_cached=i.is_cached,
            title=i.title, attribution=i.attribution, extra=i.extra,
        )
        for i in rows
    )
    if "images" in source:
        images = _source_images(source["images"], {i.url: i for i in rows})
    topics = tuple(t.tag.name for t in article.tagged_topics.all())
    if "topics" in source:
        topics = tuple(source["topics"])
    house = article.is_house
    return ArticleData(
        title=source.get("title", article.title),
        web_url=None if house else article.web_url,
        published_at=article.published_at,
        provider=None if house else ProviderData(
            name=article.provider.name, domain=article.provider.domain, extra=article.provider_extra
        ),
        slug=article.slug if house else None,
        bylines=tuple(row.author.slug for row in article.bylines.all()) if house else (),
        authors=() if house else tuple(name for name in (article.source_authors or []) if isinstance(name, str)),
        category=(source["category"] or None) if "category" in source else article.category,
        excerpt=source.get("excerpt", article.excerpt),
        original_url=article.original_url,
        amp_url=article.amp_url,
        cdn_amp_url=article.cdn_amp_url,
        type=article.type,
        quality=article.quality,
        heat=article.heat,
        published=article.status == Article.Status.PUBLISHED,
        topics=topics,
        images=images,
        secured=article.secured,
        extra=article.extra,
        body=source.get("body", article.body),
    )


def _source_images(entries, rows):
    """The source's pictures (``revisions.content`` entries), with what our rows know of each."""
    images = []
    for entry in entries:
        row = rows.get(entry["url"])
        images.append(ImageData(
            url=entry["url"], width=row.width if row else entry["width"],
            height=row.height if row else entry["height"], is_cached=row.is_cached if row else False,
            title=entry["title"] or None, attribution=entry["attribution"] or None,
            extra=row.extra if row else {},
        ))
    return tuple(images)


def article_mapping(article: Article, *, editorial: bool = False, data: ArticleData | None = None) -> dict:
    """The front matter of ``article`` as a JSON-ready mapping in the file's keys."""
    mapping = article_to_mapping(data or article_data(article, editorial=editorial))
    related = [item.data for item in article.related_items.all()]
    if related:
        mapping["related"] = related
    return mapping


def export_filename(article: Article) -> str:
    """A stable file name derived from the article's identity (a house article's: its slug)."""
    if article.is_house:
        digest = hashlib.sha1(article.slug.encode()).hexdigest()[:16]
        return f"house_{digest}.md"
    digest = hashlib.sha1(article.web_url.encode()).hexdigest()[:16]
    return f"{article.provider.domain}_{digest}.md"


def front_matter_file(article: Article, *, editorial: bool = False) -> str:
    data = article_data(article, editorial=editorial)
    return dump_mapping(article_mapping(article, data=data), data.body)


def json_line(article: Article, *, editorial: bool = False) -> str:
    data = article_data(article, editorial=editorial)
    return json.dumps({**article_mapping(article, data=data), "body": data.body}, ensure_ascii=False)
