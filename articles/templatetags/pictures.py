"""``{% picture %}``: an article image as responsive, layout-stable HTML.

Usage::

    {% load pictures %}
    {% picture image headline=article.title lazy=False sizes="100vw" css_class="lead__image" %}

``image`` is an ``Image`` or a dict with ``src``/``url``, ``width``, ``height``
and optionally ``renditions`` and ``alt``/``title``. With our own renditions
it renders a ``<picture>`` (WebP, then a JPEG ``<img>`` fallback) with
``srcset`` and ``sizes``; otherwise an ``<img>`` of the remote http(s) URL.
Both carry ``width``/``height`` when known, so the page does not shift while
pictures load. ``crop="16:9"`` asks for renditions cropped to that frame
around the picture's focal point (media library pictures have them); without
them, the whole picture's renditions serve. Everything goes through ``format_html``: captions and
headlines are untrusted text.
"""

from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..images import renditions as stored_renditions
from ..rendering import escape_html as esc
from ..rendering import web_url

register = template.Library()

# An article column is at most ~46rem wide; on phones, the whole screen.
DEFAULT_SIZES = "(min-width: 48rem) 46rem, 100vw"
# The fallback <img src> for browsers without srcset: sharp enough, not huge.
FALLBACK_WIDTH = 1024


@register.simple_tag
def picture(image, headline="", sizes=DEFAULT_SIZES, lazy=True, css_class="", crop=""):
    """The HTML for ``image``; alt text is its own, else its caption, else ``headline``."""
    if not image:
        return ""
    alt = _get(image, "alt") or _get(image, "title") or headline or ""
    renditions = stored_renditions.valid(_get(image, "renditions"))
    cropped = [r for r in renditions if crop and r.get("crop") == crop]
    renditions = cropped or [r for r in renditions if not r.get("crop")]
    jpegs = [r for r in renditions if r.get("format") == "jpeg"]
    if jpegs:
        return _picture(image, renditions, jpegs, alt, sizes, lazy, css_class, bool(cropped))
    src = _get(image, "src") or web_url(_get(image, "url"))
    if not src:
        return ""
    return _img(src, "", "", _get(image, "width"), _get(image, "height"), alt, lazy, css_class)


@register.simple_tag
def figure(image, headline="", lead=False):
    """``<figure>`` of an article page's picture with its caption and credit.

    The lead picture loads at once, the gallery's when scrolled near. A tag
    rather than an included template: the article page renders one per picture.
    """
    caption = []
    title, attribution = _get(image, "title"), _get(image, "attribution")
    if title:
        caption.append(f'<span dir="auto">{esc(title)}</span>')
    if attribution:
        caption.append(f' <span class="credit" dir="auto">{esc(attribution)}</span>')
    return mark_safe(  # noqa: S308 - the picture is built by format_html/_img, the caption escaped above
        f'<figure class="figure{" figure--lead" if lead else ""}">\n'
        f"  {picture(image, headline=headline, lazy=not lead)}\n"
        f"  {'<figcaption>' + ''.join(caption) + '</figcaption>' if caption else ''}\n"
        "</figure>\n"
    )


def srcset(renditions):
    """``"url 320w, url 640w"`` over ``renditions``, narrowest first."""
    return ", ".join(
        f"{default_storage.url(r['name'])} {r['width']}w"
        for r in sorted(renditions, key=lambda r: r["width"])
    )


def fallback_rendition(renditions):
    """Our JPEG copy for a plain ``src`` or a social card: the widest up to
    ``FALLBACK_WIDTH``, else the narrowest; None when nothing is cached."""
    jpegs = [r for r in stored_renditions.valid(renditions) if r["format"] == "jpeg" and not r.get("crop")]
    if not jpegs:
        return None
    return max(
        (r for r in jpegs if r["width"] <= FALLBACK_WIDTH), key=lambda r: r["width"],
        default=min(jpegs, key=lambda r: r["width"]),
    )


def _picture(image, renditions, jpegs, alt, sizes, lazy, css_class, cropped=False):
    widest = max(jpegs, key=lambda r: r["width"])
    fallback = fallback_rendition([{**r, "crop": ""} for r in jpegs])
    # The real file's size (renditions keep its aspect ratio), or the crop's.
    width = (not cropped and _get(image, "width")) or widest["width"]
    height = (not cropped and _get(image, "height")) or widest["height"]
    webps = [r for r in renditions if r.get("format") == "webp"]
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', srcset(webps), sizes)
        if webps else ""
    )
    img = _img(
        default_storage.url(fallback["name"]), srcset(jpegs), sizes, width, height, alt, lazy,
        css_class,
    )
    return format_html("<picture>{}{}</picture>", source, img)


def _img(src, candidates, sizes, width, height, alt, lazy, css_class):
    # One string, every value escaped: a list page renders twenty of these,
    # and nested format_html calls cost more than the page's queries.
    attrs = [f'src="{esc(src)}"']
    if candidates:
        attrs.append(f'srcset="{esc(candidates)}" sizes="{esc(sizes)}"')
    if css_class:
        attrs.append(f'class="{esc(css_class)}"')
    if width and height:
        attrs.append(f'width="{esc(width)}" height="{esc(height)}"')
    attrs.append(f'alt="{esc(alt)}"')
    if lazy:
        # Below the fold: load when scrolled near. The lead loads at once.
        attrs.append('loading="lazy"')
    attrs.append('decoding="async"')
    return mark_safe(f"<img {' '.join(attrs)}>")


def _get(image, name):
    if isinstance(image, dict):
        return image.get(name)
    return getattr(image, name, None)
