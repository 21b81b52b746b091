"""Admin pieces for article images: an upload checked with Pillow, and a preview.

Used by ``articles.admin.ImageInline``; kept here so the article admin only
declares them. An uploaded file goes through the same checks and renditions as
a downloaded one (``processing`` and ``caching.store``).
"""

from urllib.parse import urljoin

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.html import format_html

from ..models import Image
from ..rendering import web_url
from . import caching, renditions
from .errors import ImageRejected
from .fetching import MAX_BYTES
from .processing import open_checked


class ImageUploadForm(forms.ModelForm):
    """An image row whose picture is either a URL or an uploaded file.

    ``site_url`` (set per request by the inline) makes the stored file's URL
    absolute, because the site shows only absolute http(s) image URLs.
    """

    site_url = ""
    upload = forms.FileField(
        required=False,
        help_text="JPEG, PNG, WebP or GIF. Replaces the URL with our own copy.",
    )

    class Meta:
        model = Image
        fields = ["position", "picture", "url", "width", "height", "is_cached", "title", "attribution"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].required = False
        self._picture_bytes = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return upload
        if upload.size > MAX_BYTES:
            raise ValidationError(
                "The file is larger than %(limit)s MB.", code="too_large",
                params={"limit": MAX_BYTES // 2**20},
            )
        data = upload.read()
        try:
            open_checked(data)
        except ImageRejected as error:
            raise ValidationError(_MESSAGES.get(error.code, error.message), code=error.code) from None
        self._picture_bytes = data
        return upload

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("url") and not cleaned.get("upload") and not cleaned.get("picture")
            and not self.errors
        ):
            raise ValidationError(
                "Give an image URL, upload a file or choose a library picture.", code="no_image"
            )
        return cleaned

    def save(self, commit=True):
        image = super().save(commit=False)
        picture = self.cleaned_data.get("picture")
        if picture is not None and ("picture" in self.changed_data or not image.file):
            # The library picture's files, alt text, and (unless typed here) caption and credit.
            from medialibrary.library import image_fields

            for name, value in image_fields(picture).items():
                setattr(image, name, value)
            image.url = urljoin(self.site_url, picture.url)
            image.title = self.cleaned_data.get("title") or picture.caption or None
            image.attribution = self.cleaned_data.get("attribution") or picture.credit or None
        elif self._picture_bytes is not None:
            data = self._picture_bytes
            caching.store(image, data, caching.key_for(data), now=timezone.now())
            image.url = urljoin(self.site_url, default_storage.url(image.file))
        if commit:
            image.save()
        return image


# What an editor reads for each refusal; the code stays on the error for tests.
_MESSAGES = {
    "not_an_image": "This file is not an image (JPEG, PNG, WebP or GIF).",
    "unsupported_format": "This image format is not accepted; use JPEG, PNG, WebP or GIF.",
    "corrupt": "This image is damaged or incomplete (for example, a truncated download).",
    "too_many_pixels": "This image has too many pixels (at most 40 megapixels, 100,000 a side).",
}


def preview(image, size=120):
    """A small picture of ``image``: our narrowest JPEG when cached, else the remote URL."""
    jpegs = [r for r in renditions.valid(image.renditions) if r["format"] == "jpeg"]
    if jpegs:
        src = default_storage.url(min(jpegs, key=lambda r: r["width"])["name"])
    else:
        src = web_url(image.url)
    if not src:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" loading="lazy" referrerpolicy="no-referrer" class="nr-thumb">',
        src, size,
    )
