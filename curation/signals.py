"""A pin or banner saved or deleted anywhere makes every cached public page stale."""

from django.db.models.signals import post_delete, post_save

from articles.signals import content_changed

from .models import Banner, Pin


def connect():
    for model in (Pin, Banner):
        uid = f"public-pages-{model._meta.label_lower}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
