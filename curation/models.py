"""The desk's choices for the front page and topic pages: pins, and the breaking-news banner.

Both take effect and end at query time, like an article's schedule: a pin or a
banner counts only while now is within ``[starts_at, ends_at)``, and a pin only
while its article is live (``Article.objects.live()``). Nothing has to run at
18:00 for a pin "until 18:00" to end: the public pages' content version ends
then too (``curation.schedule``).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q


def in_window(starts_at, ends_at, now):
    """True while ``now`` is within ``[starts_at, ends_at)``; a missing bound is open."""
    return (starts_at is None or starts_at <= now) and (ends_at is None or now < ends_at)


def _check_window(instance):
    if instance.starts_at and instance.ends_at and instance.ends_at <= instance.starts_at:
        raise ValidationError({"ends_at": "The end must be after the start."})


class Pin(models.Model):
    """An article the desk put on a page: the front page (no topic) or a topic's page.

    The page's live pins in ``position`` order make its lead, then its top stories.
    """

    topic = models.ForeignKey(
        "articles.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="pins",
        help_text="Empty for the front page.",
    )
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="pins")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="The page's first live pin is its lead; the next ones its top stories.",
    )
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: from now.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until unpinned.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "article"], name="unique_pin_per_topic_page"),
            # NULLs are distinct in a unique index: the front page needs its own.
            models.UniqueConstraint(
                fields=["article"], condition=Q(topic__isnull=True), name="unique_pin_on_front_page"
            ),
        ]
        indexes = [models.Index(fields=["topic", "position"], name="pin_page_position")]
        permissions = [("curate", "Can curate the front page and topic pages")]

    def __str__(self):
        page = f"topic {self.topic}" if self.topic_id else "the front page"
        return f"{self.article} on {page}"

    def clean(self):
        _check_window(self)
        article = self.article if self.article_id else None
        if article is not None and article.status != article.Status.PUBLISHED:
            raise ValidationError({"article": "Only a published article can be pinned."})
        if article is not None and self.topic_id and not article.topics.filter(pk=self.topic_id).exists():
            raise ValidationError({"topic": "The article is not on this topic."})
        if self.article_id and self.topic_id is None:
            if Pin.objects.filter(topic__isnull=True, article_id=self.article_id).exclude(pk=self.pk).exists():
                raise ValidationError({"article": "This article is already pinned on the front page."})

    def is_current(self, now):
        return in_window(self.starts_at, self.ends_at, now)


LEVELS = [("breaking", "Breaking"), ("urgent", "Urgent"), ("info", "Information")]


def http_url_validator(value):
    """Only http(s) addresses may become a link."""
    URLValidator(schemes=["http", "https"])(value)


def safe_link(value):
    """``value`` when it is an http(s) URL with a host, else "" (a stored bad value makes no link)."""
    try:
        parts = urlsplit(value or "")
    except ValueError:
        return ""
    return value if parts.scheme in ("http", "https") and parts.netloc else ""


class Banner(models.Model):
    """A breaking-news line shown on every public page while current."""

    text = models.CharField(max_length=300)
    link = models.URLField(
        max_length=2048, blank=True, validators=[http_url_validator],
        help_text="Optional; http or https only.",
    )
    level = models.CharField(max_length=20, choices=LEVELS, default="breaking")
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: from now.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until removed.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [F("starts_at").desc(nulls_last=True), "-pk"]

    def __str__(self):
        return self.text

    def clean(self):
        _check_window(self)

    def is_current(self, now):
        return in_window(self.starts_at, self.ends_at, now)
