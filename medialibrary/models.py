"""The media library: pictures uploaded once and reused by any article.

A picture's files live in Django's default storage under ``library/``
(``media/library.py`` writes them); article image rows that use a picture
(``articles.Image.picture``) carry a copy of its file names, so the public
pages read no extra table.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from articles.images import renditions
from articles.templatetags.pictures import fallback_rendition

_UNIT = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Picture(models.Model):
    title = models.CharField(max_length=200)
    # Required for every library picture: house articles use them, and a
    # picture without a description is invisible to screen-reader users.
    alt_text = models.CharField(
        "alt text", max_length=500,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=300, blank=True)
    licence = models.CharField(max_length=300, blank=True)
    # Storage name of the cleaned original (no metadata, upright).
    file = models.CharField(max_length=255, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    focal_x = models.FloatField(
        "focal point x", default=0.5, validators=_UNIT,
        help_text="0 is the left edge, 1 the right; crops keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point y", default=0.5, validators=_UNIT, help_text="0 is the top edge, 1 the bottom.",
    )
    # [{"width", "height", "format", "name"[, "crop": "16:9"]}, ...], narrowest first.
    renditions = models.JSONField(default=list, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="picture_focal_point_in_frame",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def folder(self):
        """``library/ab/abcd...``: every file of this picture is under it."""
        return self.file.rsplit("/", 1)[0] if self.file else ""

    def full_renditions(self):
        """The uncropped renditions; a stored entry of another shape is left out, never an error."""
        return [r for r in self.valid_renditions() if not r.get("crop")]

    def valid_renditions(self):
        """``renditions`` entries that can be shown: objects with an int width and a file name."""
        return renditions.valid(self.renditions)

    def display_name(self):
        """Storage name of the file to link from a body: a JPEG up to 1024 wide, else the original."""
        chosen = fallback_rendition(self.full_renditions())
        return chosen["name"] if chosen else self.file

    @property
    def url(self):
        """The site's URL of ``display_name`` (relative for local storage)."""
        return default_storage.url(self.display_name()) if self.file else ""

    def thumbnail_url(self):
        jpegs = [r for r in self.full_renditions() if r.get("format") == "jpeg"]
        if not jpegs:
            return self.url
        return default_storage.url(min(jpegs, key=lambda r: r["width"])["name"])
