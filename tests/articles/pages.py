"""Builders shared by the public-site tests: children of an article, and hostile text."""

from datetime import UTC, datetime
from html.parser import HTMLParser

from articles.models import Correction, Image, Related

# Text that would run, break out of an attribute or a script element if it
# reached a page unescaped.
HOSTILE = "\"'><script>alert(1)</script><img src=x onerror=alert(2)></script><!--"
HOSTILE_URL = "javascript:alert(3)"


def add_images(article, count, **overrides):
    """``count`` images on ``article``, the first being the lead."""
    return [
        Image.objects.create(
            article=article, position=position,
            url=overrides.get("url", f"https://img.example.com/{article.pk}/{position}.jpg"),
            width=overrides.get("width", 800), height=overrides.get("height", 450),
            title=overrides.get("title", f"Caption {position}"),
            attribution=overrides.get("attribution", f"Photographer {position}"),
        )
        for position in range(count)
    ]


def add_related(article, count, *, target=None, start=0, **overrides):
    """``count`` related items on ``article``, pointing at ``target`` when given."""
    return [
        Related.objects.create(
            article=article, position=position,
            title=overrides.get("title", f"Related story {position}"),
            web_url=overrides.get("web_url", target.web_url if target else f"https://other.example/{article.pk}/{position}"),
            provider_name=overrides.get("provider_name", "Other Outlet"),
            provider_domain="other.example",
            published_at=overrides.get("published_at", datetime(2024, 4, 30, 9, 0, tzinfo=UTC)),
            target=target,
        )
        for position in range(start, start + count)
    ]


def add_corrections(article, count, note="An earlier version misspelt a name."):
    return [Correction.objects.create(article=article, note=note) for _ in range(count)]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def tags_in(html):
    """Every start tag of ``html`` as ``(name, {attribute: value})``, as a browser would parse it."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def assert_inert(html, *, allow_script_types=("application/ld+json",)):
    """No element that runs code, no event handler, no link or image outside http(s)/mailto."""
    for tag, attrs in tags_in(html):
        assert tag not in ("iframe", "object", "embed", "style", "base"), tag
        if tag == "script":
            assert attrs.get("type") in allow_script_types and "src" not in attrs, attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action", "content") and value:
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (tag, value)
