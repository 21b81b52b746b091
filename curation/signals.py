"""A pin or banner saved or deleted anywhere is announced as a content change."""

from articles.signals import announce, connect_models

from .models import Banner, Pin


def changed(sender, instance, **kwargs):
    if isinstance(instance, Pin):
        # A pin reorders the front page or a topic page: the lists its article is on.
        announce(sender, articles=[instance.article_id], lists=True)
    else:
        # A banner shows on every public page.
        announce(sender, everything=True)


def connect():
    connect_models(changed, (Pin, Banner), "public-pages")
