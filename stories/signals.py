"""Keep stories' names public-safe when an article's state or headline changes; announce story edits.

The workflow and the admin save articles one at a time (with signals); a
publish, an unpublish, a kill, a new schedule or an edited headline may change
which live article is a story's earliest, and so the story's name.
"""

from django.db.models.signals import post_delete, post_save

from articles.models import Article
from articles.signals import announce, connect_models

from .building import name_stories
from .models import Membership, Story

# Fields that decide whether an article is live, or what a story is named after.
NAMING_FIELDS = frozenset(
    {"status", "title", "published_at", "go_live_at", "embargo_until", "expire_at"}
)


def article_saved(sender, instance, created, update_fields=None, **kwargs):
    """Rename the article's story if the save may have changed its earliest live article."""
    if created or (update_fields is not None and not NAMING_FIELDS.intersection(update_fields)):
        return
    story_ids = list(
        Membership.objects.filter(article_id=instance.pk, story__isnull=False)
        .values_list("story_id", flat=True)
    )
    if story_ids:
        name_stories(story_ids)


def story_changed(sender, instance, signal=None, **kwargs):
    """A story saved or deleted (an editor's rename, or a delete in the admin) changes its pages."""
    announce(sender, stories=[instance.pk], lists=True, withdrawn=signal is post_delete)


def connect():
    """Hook the receivers up; called once from ``StoriesConfig.ready()``."""
    post_save.connect(article_saved, sender=Article, dispatch_uid="stories-name-after-live")
    # Builds write stories in bulk and announce that themselves; these are single edits.
    connect_models(story_changed, [Story], "public-pages")
