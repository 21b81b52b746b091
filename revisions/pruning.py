"""Retention: drop old revisions nobody will need, keeping every version readers ever saw.

Kept, always: every revision that was live at some point (``was_live``: the
record of what was published) and every article's pending version. Of the
others, each article keeps its newest ``keep``.

Built for a million revisions: articles are taken in ranges of ids, and one
window-function query per range (``ROW_NUMBER() OVER (PARTITION BY article
ORDER BY created_at DESC, id DESC)``, walking the revision index) names the
revisions past the newest ``keep``; they are deleted in batches of ids. No
query per article, and no revision content is ever read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Window
from django.db.models.functions import RowNumber

from .models import Revision

# Articles per window query, and revisions per DELETE (well under SQLite's 32,766 parameters).
ARTICLES_PER_RANGE = 5_000
DELETE_BATCH = 5_000


@dataclass
class PruneRun:
    """What a prune did (or, with ``dry_run``, would do)."""

    keep: int
    dry_run: bool = False
    deleted: int = 0
    articles: set = field(default_factory=set)  # ids of the articles that lost revisions
    total: int = 0  # revisions before the run

    def summary(self):
        verb = "would delete" if self.dry_run else "deleted"
        return (
            f"{self.total:,} revisions: {verb} {self.deleted:,} of {len(self.articles):,} articles, "
            f"kept {self.total - self.deleted:,} (every version that was live, the pending ones and "
            f"the newest {self.keep} others of each article)."
        )


def prunable(keep, *, first_article=None, last_article=None):
    """The ids of the revisions a prune with ``keep`` deletes, as ``(id, article id)`` rows.

    ``first_article``/``last_article`` bound the article ids (inclusive).
    """
    from articles.models import Article

    others = Revision.objects.filter(was_live=False).exclude(
        Exists(Article.objects.filter(pending_revision=OuterRef("pk")))
    )
    if first_article is not None:
        others = others.filter(article_id__gte=first_article)
    if last_article is not None:
        others = others.filter(article_id__lte=last_article)
    return others.annotate(
        newest=Window(RowNumber(), partition_by=[F("article_id")], order_by=[F("created_at").desc(), F("id").desc()])
    ).filter(newest__gt=keep).values_list("pk", "article_id")


def prune(keep, *, dry_run=False, per_range=ARTICLES_PER_RANGE, on_batch=None):
    """Delete the revisions past each article's newest ``keep`` that were never live nor are pending.

    Returns a ``PruneRun``; ``on_batch(run)`` is called after each range.
    """
    run = PruneRun(keep=keep, dry_run=dry_run, total=Revision.objects.count())
    last = Revision.objects.aggregate(last=Max("article_id"))["last"] or 0
    start = 0
    while start <= last:
        rows = list(prunable(keep, first_article=start, last_article=start + per_range - 1))
        run.articles.update(article_id for _, article_id in rows)
        ids = [pk for pk, _ in rows]
        for offset in range(0, len(ids), DELETE_BATCH):
            batch = ids[offset:offset + DELETE_BATCH]
            run.deleted += len(batch) if dry_run else _delete(batch)
        if on_batch is not None:
            on_batch(run)
        start += per_range
    return run


def _delete(ids):
    """Delete the revisions ``ids`` (never one that became live or pending meanwhile); returns how many."""
    from articles.models import Article

    with transaction.atomic():
        doomed = Revision.objects.filter(pk__in=ids, was_live=False).exclude(
            Exists(Article.objects.filter(pending_revision=OuterRef("pk")))
        )
        # Only the ids are loaded: the collector then sets restored_from to NULL
        # where a restore named one of them, and deletes by id.
        deleted, _ = doomed.only("pk").delete()
        return deleted
