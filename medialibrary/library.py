"""Writing library pictures to storage, their focal-point crops, where they are used.

Uploads go through the very checks and renditions of cached article images
(``articles.images.processing``): size, decompression bombs, formats, a clean
re-encoded original, WebP and JPEG widths. On top of those, each picture gets
16:9 renditions cropped around its focal point, for the places that show a
picture as a 16:9 frame (the front page's lead, list cards). Nothing is
written until the bytes have passed every check.
"""

import re
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from articles.images import processing
from articles.images.errors import ImageRejected
from articles.images.fetching import MAX_BYTES
from articles.models import Article, Image
from articles.signals import announce

# The frame lists and the front page's lead show pictures in (site.css).
CROP_RATIO = (16, 9)
CROP_NAME = "16:9"

# What an editor reads for each refusal (the code stays on the error for tests).
MESSAGES = {
    "too_large": f"The file is larger than {MAX_BYTES // 2**20} MB.",
    "not_an_image": "This file is not an image (JPEG, PNG, WebP or GIF).",
    "unsupported_format": "This image format is not accepted; use JPEG, PNG, WebP or GIF.",
    "corrupt": "This image is damaged or incomplete (for example, a truncated download).",
    "too_many_pixels": "This image has too many pixels (at most 40 megapixels, 100,000 a side).",
}


def message_for(error):
    return MESSAGES.get(error.code, error.message)


def check_upload(upload):
    """The bytes of an uploaded file once Pillow accepts them, or ``ImageRejected``."""
    if upload.size > MAX_BYTES:
        raise ImageRejected("too_large", f"{upload.size} bytes")
    data = upload.read()
    processing.open_checked(data)
    return data


def crop_box(width, height, focal_x, focal_y, ratio=CROP_RATIO):
    """The largest ``ratio`` box inside ``width`` x ``height`` centred on the focal point.

    The focal point is in 0..1 of each side; the box slides to stay inside the
    picture, so a point near an edge ends up as close to the centre as it can.
    Returns ``(left, top, right, bottom)`` in pixels.
    """
    rw, rh = ratio
    if width * rh >= height * rw:  # wider than the ratio: full height, crop the sides
        box_w, box_h = max(1, round(height * rw / rh)), height
    else:
        box_w, box_h = width, max(1, round(width * rh / rw))
    left = _clamp(round(focal_x * width - box_w / 2), 0, width - box_w)
    top = _clamp(round(focal_y * height - box_h / 2), 0, height - box_h)
    return left, top, left + box_w, top + box_h


def _clamp(value, low, high):
    return max(low, min(value, high))


@dataclass
class Stored:
    file: str
    width: int
    height: int
    renditions: list


def store_new(data, *, focal_x=0.5, focal_y=0.5, storage=None):
    """Check ``data`` and write a new picture's original, renditions and crops.

    Raises ``ImageRejected`` before anything is written.
    """
    storage = storage or default_storage
    image = processing.open_checked(data)
    original = processing.encode_original(image)
    full = processing.make_renditions(image)
    crops = _crops(image, focal_x, focal_y)
    key = secrets.token_hex(16)
    folder = f"library/{key[:2]}/{key}"
    name = _put(storage, f"{folder}/original.{original.extension}", original.data)
    renditions = [
        {"width": r.width, "height": r.height, "format": r.format,
         "name": _put(storage, f"{folder}/{r.width}.{r.extension}", r.data)}
        for r in full
    ] + _write_crops(storage, folder, crops, focal_x, focal_y)
    return Stored(name, image.width, image.height, renditions)


def stored_original(picture, *, storage=None):
    """``picture``'s original, opened with the upload checks (``OSError`` or ``ImageRejected`` if not)."""
    storage = storage or default_storage
    with storage.open(picture.file) as handle:
        return processing.open_checked(handle.read())


def recrop(picture, *, storage=None):
    """Remake ``picture``'s focal-point crops from its stored original; drops the old ones."""
    storage = storage or default_storage
    image = stored_original(picture, storage=storage)
    crops = _crops(image, picture.focal_x, picture.focal_y)
    stored = picture.valid_renditions()
    old = [r["name"] for r in stored if r.get("crop")]
    new = _write_crops(storage, picture.folder, crops, picture.focal_x, picture.focal_y)
    picture.renditions = [r for r in stored if not r.get("crop")] + new
    kept = {r["name"] for r in new}
    # After the rows that name them are saved (the caller's transaction).
    transaction.on_commit(lambda: [storage.delete(n) for n in old if n not in kept])


def _crops(image, focal_x, focal_y):
    box = crop_box(image.width, image.height, focal_x, focal_y)
    cropped = image.crop(box)
    cropped.format = image.format
    return processing.make_renditions(cropped)


def _write_crops(storage, folder, crops, focal_x, focal_y):
    # The focal point is in the name: a changed crop is a new URL, never a stale cached file.
    tag = f"{round(focal_x * 1000):04d}-{round(focal_y * 1000):04d}"
    return [
        {"width": r.width, "height": r.height, "format": r.format, "crop": CROP_NAME,
         "name": _put(storage, f"{folder}/wide-{tag}-{r.width}.{r.extension}", r.data)}
        for r in crops
    ]


def _put(storage, name, data):
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(data))


def delete_files(picture, *, storage=None):
    storage = storage or default_storage
    for name in {picture.file, *(r["name"] for r in picture.renditions or ())}:
        if name:
            storage.delete(name)


# --- article image rows ------------------------------------------------------------------------


def image_fields(picture):
    """What an article image row copies from its library picture (presentation, not content)."""
    return {
        "file": picture.file, "renditions": picture.renditions, "width": picture.width,
        "height": picture.height, "alt": picture.alt_text,
    }


def sync_images(picture):
    """Bring the article image rows using ``picture`` up to date with it (after an edit)."""
    using = Image.objects.filter(picture=picture)
    articles = set(using.values_list("article_id", flat=True))
    count = using.update(**image_fields(picture))
    if count:
        announce(Image, articles=articles)
    return count


# --- where a picture is used ---------------------------------------------------------------------


@dataclass
class Use:
    article: Article
    live: bool
    how: str  # "picture" (an image row) or "body" (a Markdown image in the body)


def usage(picture):
    """Every article that shows ``picture``: as one of its pictures, or in its body."""
    if not picture.folder:
        return []
    live_ids = set(Article.objects.live().filter(_uses(picture)).values_list("pk", flat=True))
    uses = []
    articles = Article.objects.filter(_uses(picture)).distinct().only("pk", "title", "slug", "status")
    for article in articles.order_by("title"):
        in_images = article.images.filter(picture=picture).exists()
        uses.append(Use(article, article.pk in live_ids, "picture" if in_images else "body"))
    return uses


def _uses(picture):
    # The folder is a random 32-hex key: a body naming it is linking this picture.
    return Q(images__picture=picture) | Q(body__contains=f"{picture.folder}/")


# --- Markdown -------------------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_SPACE = re.compile(r"\s+")


def markdown_text(value):
    """``value`` for inside ``![...]`` or a ``"..."`` title: one line, every ASCII punctuation escaped.

    CommonMark lets a backslash escape any ASCII punctuation, so no bracket,
    quote, parenthesis or backslash in the text can end the alt text, the
    title or the link.
    """
    return _PUNCTUATION.sub(r"\\\1", _SPACE.sub(" ", value or "").strip())


def markdown_snippet(picture, url=None):
    """``![alt](url "caption")`` for a body, with alt and caption escaped."""
    url = url or picture.url
    # Our storage names are plain; encode anything that could end the destination anyway.
    url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    caption = markdown_text(picture.caption)
    title = f' "{caption}"' if caption else ""
    return f"![{markdown_text(picture.alt_text)}]({url}{title})"
