"""Stored values made fit for the API: only http(s) URLs, renditions as srcset data.

Whatever a row holds (a ``javascript:`` URL, renditions that are not a list,
a rendition without a width), these answer something valid or leave it out:
never an exception, so never a 500.
"""

from django.core.files.storage import default_storage

from articles import rendering
from articles.images import renditions as stored_renditions
from articles.images.renditions import FORMATS


def absolute_web_url(request, url):
    """``url`` (absolute, or a path of this site) as an absolute http(s) URL, or ``None``."""
    if not url:
        return None
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        url = request.build_absolute_uri(url)
    return rendering.web_url(url) or None


def renditions(request, stored):
    """Our own resized copies of a picture, ``[{url, width, height, format}]``, narrowest first.

    The whole picture's copies only (not the media library's crops), as the
    article page's ``srcset`` offers them.
    """
    found = []
    for item in stored_renditions.valid(stored):
        if item.get("crop"):
            continue
        width, height, name, kind = (item[key] for key in ("width", "height", "name", "format"))
        try:
            url = absolute_web_url(request, default_storage.url(name))
        except Exception:  # a storage that refuses the stored name
            url = None
        if url:
            found.append({"url": url, "width": width, "height": height, "format": kind})
    return sorted(found, key=lambda item: (item["format"], item["width"]))


def srcset(items, kind):
    """The ``srcset`` attribute value for one format: ``"url 320w, url 640w"``, or ``""``."""
    return ", ".join(f"{item['url']} {item['width']}w" for item in items if item["format"] == kind)


def image_data(request, image, headline=""):
    """An article picture as the API shows it, or ``None`` when its URL is not http(s)."""
    src = rendering.web_url(image.url)
    if not src:
        return None
    copies = renditions(request, image.renditions)
    return {
        "url": src,
        "width": image.width if _positive(image.width) else None,
        "height": image.height if _positive(image.height) else None,
        "alt": image.alt or image.title or headline or "",
        "caption": image.title or "",
        "credit": image.attribution or "",
        "renditions": copies,
        "srcset": {kind: srcset(copies, kind) for kind in FORMATS},
    }


def _positive(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
