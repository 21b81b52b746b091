"""Keep the public site's cache honest: any content write makes cached pages stale.

Bulk writers that skip signals (the importer's bulk queries, ``QuerySet.update``
in the workflow) call ``caching.invalidate_public_pages()`` themselves.
"""

from django.db.models.signals import post_delete, post_save

from providers.models import Provider

from . import models
from .caching import invalidate_public_pages

# Correction arrives with the editorial workflow; include it once it exists.
CONTENT_MODELS = [
    models.Article, models.Image, models.Related, models.TaggedArticle, models.Topic, Provider,
    *[model for model in [getattr(models, "Correction", None)] if model is not None],
]


def content_changed(sender, **kwargs):
    """Receiver for saves and deletes of anything a public page shows."""
    invalidate_public_pages()


def connect():
    """Hook the receivers up; called once from ``ArticlesConfig.ready()``."""
    for model in CONTENT_MODELS:
        uid = f"public-pages-{model._meta.label_lower}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
