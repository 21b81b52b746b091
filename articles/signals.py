"""One way to say "content changed": the ``content_changed`` signal, and who sends it.

Every write to something a public page shows ends in :func:`announce`, which
sends ``content_changed`` (as Wagtail's ``page_published``): the model saves and
deletes below, and the bulk writers that skip model signals (the importer,
story building, provider merges, the media library). Listeners (the public page
cache in ``articles.caching``, the CDN purge in ``cdn/``) receive what changed and
may invalidate only that::

    content_changed.send(sender, changes=Changes(articles={12}, topics={3}, lists=True))

A change made inside a transaction is announced when it commits, once for the
whole transaction, with every change it made merged: a 1,000-row import batch
is one signal, and a transaction that rolls back announces nothing (its
changes may ride along with the thread's next commit: one extra, harmless
invalidation, see ``announce``).
"""

import threading
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from providers.models import Provider

from . import models

# Sent with ``changes``: a :class:`Changes`.
content_changed = Signal()


@dataclass
class Changes:
    """What a write changed, by kind; ids, so listeners need not load anything.

    ``articles``: articles whose own page changed (their lists are implied).
    ``topics``, ``providers``, ``stories``, ``authors``: things whose own name or
    page changed (a rename shows on every page that names them).
    ``created``: of ``articles``, those that did not exist before: no page of
    their own could be cached yet, so only their lists change.
    ``lists``: the site-wide lists (front page, feeds, sitemaps, archive, indexes).
    ``everything``: anything else, or not known: every public page.
    ``withdrawn``: the change takes something off the site (a kill, an
    unpublish, an embargo, an expiry, a delete): the page cache must never
    serve a copy from before it, not even for the second a re-render takes.
    """

    articles: set = field(default_factory=set)
    topics: set = field(default_factory=set)
    providers: set = field(default_factory=set)
    stories: set = field(default_factory=set)
    authors: set = field(default_factory=set)
    created: set = field(default_factory=set)
    lists: bool = False
    everything: bool = False
    withdrawn: bool = False

    KINDS = ("articles", "topics", "providers", "stories", "authors", "created")
    FLAGS = ("lists", "everything", "withdrawn")

    @classmethod
    def of(cls, **changes):
        """Build from keyword arguments: iterables of ids (``None`` entries dropped) and flags."""
        unknown = set(changes) - {*cls.KINDS, *cls.FLAGS}
        if unknown:
            raise TypeError(f"content_changed has no {', '.join(sorted(unknown))}")
        made = cls(**{flag: bool(changes.get(flag)) for flag in cls.FLAGS})
        for kind in cls.KINDS:
            getattr(made, kind).update(i for i in changes.get(kind) or () if i is not None)
        return made

    def merge(self, other):
        # An article created earlier in the same transaction is still new to readers.
        for kind in self.KINDS:
            getattr(self, kind).update(getattr(other, kind))
        self.lists |= other.lists
        self.everything |= other.everything
        self.withdrawn |= other.withdrawn

    def __bool__(self):
        return self.lists or self.everything or any(getattr(self, kind) for kind in self.KINDS)


class _Batch:
    """The changes of one transaction, announced by the first of its commit callbacks."""

    def __init__(self):
        self.senders = []
        self.changes = Changes()

    def add(self, sender, changes):
        if sender not in self.senders:
            self.senders.append(sender)
        self.changes.merge(changes)

    def flush(self):
        if not self.changes:
            return  # an earlier callback of the same commit announced everything
        changes, self.changes = self.changes, Changes()
        sender = self.senders[0] if len(self.senders) == 1 else None
        self.senders = []
        content_changed.send(sender=sender, changes=changes)


_local = threading.local()


def announce(sender, **changes):
    """Send ``content_changed`` for these changes, or, inside a transaction, when it commits.

    Every call inside a transaction registers a commit callback (so a batch
    survives a rolled-back savepoint around a later call), but the changes are
    merged into one batch and the first callback to run sends them all: one
    signal per transaction. A batch left over from a transaction that rolled
    back only adds its (harmless) extra invalidation to the next one.

    The one thing done at once is ``caching.uncommitted_change(changes)``: the writer's
    own connection already reads its uncommitted rows (a shell, a command that
    renders, a test), and must not be served a page from before them.
    """
    made = Changes.of(**changes)
    if not made:
        return
    if not transaction.get_connection().in_atomic_block:
        content_changed.send(sender=sender, changes=made)
        return
    from .caching import uncommitted_change

    uncommitted_change(made)
    batch = getattr(_local, "batch", None)
    if batch is None:
        batch = _local.batch = _Batch()
    batch.add(sender, made)
    transaction.on_commit(batch.flush)


# --- model saves and deletes ---------------------------------------------------------


def _changes_for(instance, deleted=False, created=False):
    """What saving or deleting ``instance`` changes, for each model a public page shows.

    A delete, and saving an article that is not live (killed, unpublished,
    embargoed, expired, a draft), may take something off the site: those are
    ``withdrawn``, never served stale.
    """
    kind = type(instance)
    if kind is models.Article:
        # Listeners look up a saved article's topics, provider and story. A deleted
        # one is gone by then: its topics come with its TaggedArticle rows' deletes,
        # and its provider is named here (which refreshes that provider's pages).
        return {"articles": [instance.pk], "providers": [instance.provider_id] if deleted else [],
                "created": [instance.pk] if created else [], "lists": True,
                "withdrawn": deleted or not instance.is_live()}
    if kind is models.TaggedArticle:
        return {"articles": [instance.content_object_id], "topics": [instance.tag_id], "lists": True,
                "withdrawn": deleted}
    if kind is models.Topic:
        return {"topics": [instance.pk], "lists": True, "withdrawn": deleted}
    if kind is Provider:
        return {"providers": [instance.pk], "lists": True, "withdrawn": deleted}
    article_id = getattr(instance, "article_id", None)
    if article_id is not None:  # images, related items, corrections
        return {"articles": [article_id], "withdrawn": deleted}
    return {"everything": True}


def model_changed(sender, instance, signal=None, created=False, **kwargs):
    """Receiver for saves and deletes of anything a public page shows."""
    announce(sender, **_changes_for(instance, deleted=signal is post_delete, created=created))


# Correction arrives with the editorial workflow; include it once it exists.
CONTENT_MODELS = [
    models.Article, models.Image, models.Related, models.TaggedArticle, models.Topic, Provider,
    *[model for model in [getattr(models, "Correction", None)] if model is not None],
]


def connect_models(receiver, content_models, prefix):
    """Send ``content_changed`` through ``receiver`` on each model's saves and deletes."""
    for model in content_models:
        uid = f"{prefix}-{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")


def connect():
    """Hook the receivers up; called once from ``ArticlesConfig.ready()``."""
    from . import caching

    connect_models(model_changed, CONTENT_MODELS, "public-pages")
    content_changed.connect(caching.content_changed, dispatch_uid="public-page-cache")
