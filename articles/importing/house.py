"""Writing a house article's file (one with a ``slug``, no provider, no webUrl).

House files are few (the newsroom's own articles moving between sites or
restored from an export), so each is written on its own with the ORM rather
than in the importer's bulk batches. Its identity is the slug: a file names
an existing house article by it, never an imported article (the file is
refused), and an imported file never reaches a house article (those have no
webUrl to match).

The file's content replaces the article's; the revision and the audit trail
record the import as for any file. A house article stays a house article:
editors keep editing it in the admin as before (no source values).
"""

from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from authors.models import Author, Byline
from revisions import content as contents
from revisions.models import Revision

from .. import workflow
from ..models import Article, Image
from .errors import ArticleFileError

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def outcome_for(data, source_path, *, user=None, run_id=None, dry_run=False):
    """``(outcome, article or None)`` for one house file; raises ``ArticleFileError`` if refused."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(slug=data.slug).first()
        if article is not None and not article.is_house:
            raise ArticleFileError(
                "invalid_value",
                f"slug {data.slug!r} is an imported article's; a house file cannot replace it",
                field="slug", path=source_path,
            )
        authors = _authors(data, source_path)
        if article is not None and article.status == Article.Status.KILLED:
            return UNCHANGED, article
        if article is not None and _same(article, data):
            return UNCHANGED, article
        outcome = UPDATED if article is not None else CREATED
        if dry_run:
            return outcome, article
        return outcome, _write(article, data, authors, source_path, user=user, run_id=run_id)


def _authors(data, source_path):
    found = {author.slug: author for author in Author.objects.filter(slug__in=data.bylines)}
    missing = [slug for slug in data.bylines if slug not in found]
    if missing:
        raise ArticleFileError(
            "invalid_value",
            f"bylines names authors this site does not have: {', '.join(missing[:5])} "
            "(add them in the admin first)",
            field="bylines", path=source_path,
        )
    return [found[slug] for slug in data.bylines]


def _same(article, data):
    """Whether the stored article already is what the file says (an export imported back)."""
    from ..exporting import article_data

    # Related items are an outlet's notion: a house file's are not kept.
    return article_data(article) == replace(data, related=())


def _write(article, data, authors, source_path, *, user, run_id):
    created = article is None
    now = timezone.now()
    if created:
        article = Article(slug=data.slug, status=workflow.imported_status(data.published))
    else:
        workflow.reimported(article)
    for name in ("title", "excerpt", "body", "category", "type", "published_at", "original_url",
                 "amp_url", "cdn_amp_url", "quality", "heat", "secured", "extra"):
        setattr(article, name, getattr(data, name))
    article.provider = None
    article.web_url = None
    article.provider_extra = {}
    article.source_authors = []
    article.save()
    article.topics.set(list(data.topics), clear=True)
    article.images.all().delete()
    Image.objects.bulk_create([
        Image(article=article, position=position, url=image.url, width=image.width, height=image.height,
              is_cached=image.is_cached, title=image.title, attribution=image.attribution, extra=image.extra)
        for position, image in enumerate(data.images)
    ])
    article.bylines.all().delete()
    Byline.objects.bulk_create([
        Byline(article=article, author=author, position=position) for position, author in enumerate(authors)
    ])
    workflow.record_import([article], user=user, created=created)
    Revision.objects.create(
        article=article, origin=Revision.Origin.IMPORT, user=user, import_run_id=run_id,
        file=str(source_path)[:1000], created_at=now,
        content={**contents.from_file(data), "bylines": [
            contents.byline_entry(author.pk, author.name) for author in authors
        ]},
        was_live=article.is_live(now),
    )
    return article
