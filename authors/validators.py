"""Checks on what staff type about an author: links and the photo."""

from django.core.exceptions import ValidationError

from articles.images.errors import ImageRejected
from articles.images.processing import open_checked
from articles.rendering import web_url

MAX_LINKS = 10
MAX_LINK_LENGTH = 2048
# A photo is read whole to be checked; keep it to what a portrait needs.
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def validate_links(value):
    """A list of at most ``MAX_LINKS`` absolute http(s) URLs; anything else is refused, naming it."""
    if not isinstance(value, list):
        raise ValidationError("Links must be a list of web addresses.", code="invalid_links")
    if len(value) > MAX_LINKS:
        raise ValidationError(f"At most {MAX_LINKS} links.", code="too_many_links")
    for link in value:
        if not isinstance(link, str) or len(link) > MAX_LINK_LENGTH or not web_url(link):
            shown = str(link)[:80]
            raise ValidationError(
                f"“{shown}” is not an http(s) web address.", code="invalid_link",
            )


def validate_photo(file):
    """The photo passes the same Pillow checks as every picture the site serves."""
    if file.size is not None and file.size > MAX_PHOTO_BYTES:
        raise ValidationError("The photo is larger than 10 MB.", code="photo_too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        data = file.read()
    finally:
        try:
            file.seek(position)
        except (OSError, ValueError):
            pass
    try:
        open_checked(data)
    except ImageRejected as rejected:
        raise ValidationError(f"The photo was refused: {rejected.message}.", code="photo_rejected") from None
