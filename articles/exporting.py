"""Turn stored articles back into the file format (the importer's inverse).

The stored, normalised columns plus the unknown keys kept at each level are
enough to write a file that imports to the same article, so an export of an
import exports identically.
"""

import hashlib
import json

from django.db.models import Prefetch

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
            Prefetch(
                "tagged_topics",
                queryset=TaggedArticle.objects.select_related("tag").order_by("pk"),
            ),
        )
        .order_by("web_url")
    )


def article_data(article: Article) -> ArticleData:
    """The article as the importer would have parsed it (related items aside)."""
    return ArticleData(
        title=article.title,
        web_url=article.web_url,
        published_at=article.published_at,
        provider=ProviderData(
            name=article.provider.name, domain=article.provider.domain, extra=article.provider_extra
        ),
        category=article.category,
        excerpt=article.excerpt,
        original_url=article.original_url,
        amp_url=article.amp_url,
        cdn_amp_url=article.cdn_amp_url,
        type=article.type,
        quality=article.quality,
        heat=article.heat,
        published=article.status == Article.Status.PUBLISHED,
        topics=tuple(t.tag.name for t in article.tagged_topics.all()),
        images=tuple(
            ImageData(
                url=i.url, width=i.width, height=i.height, is_cached=i.is_cached,
                title=i.title, attribution=i.attribution, extra=i.extra,
            )
            for i in article.images.all()
        ),
        secured=article.secured,
        extra=article.extra,
        body=article.body,
    )


def article_mapping(article: Article) -> dict:
    """The front matter of ``article`` as a JSON-ready mapping in the file's keys."""
    mapping = article_to_mapping(article_data(article))
    related = [item.data for item in article.related_items.all()]
    if related:
        mapping["related"] = related
    return mapping


def export_filename(article: Article) -> str:
    """A stable file name derived from the article's identity."""
    digest = hashlib.sha1(article.web_url.encode()).hexdigest()[:16]
    return f"{article.provider.domain}_{digest}.md"


def front_matter_file(article: Article) -> str:
    return dump_mapping(article_mapping(article), article.body)


def json_line(article: Article) -> str:
    return json.dumps({**article_mapping(article), "body": article.body}, ensure_ascii=False)
