"""Plain, normalised article data: what validation produces and the loader writes.

Every value here is already normalised as the format specification (docs/format.md) says
(trimmed text, lower-cased type and domain, UTC datetimes, ...). ``extra``
holds the unknown keys of that level, JSON-ready (timestamps as ISO strings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProviderData:
    name: str
    domain: str  # lower-cased DNS name: the provider's identity
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ImageData:
    url: str
    width: int | None = None
    height: int | None = None
    is_cached: bool = False
    title: str | None = None
    attribution: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RelatedData:
    """A related item: the article fields, but only title and web_url required."""

    title: str
    web_url: str
    published_at: dt.datetime | None = None
    provider: ProviderData | None = None
    category: str | None = None
    excerpt: str = ""
    original_url: str | None = None
    amp_url: str | None = None
    cdn_amp_url: str | None = None
    type: str = "article"
    quality: int | None = None
    heat: int | None = None
    published: bool = False
    topics: tuple[str, ...] = ()
    images: tuple[ImageData, ...] = ()
    secured: str | None = None
    extra: dict = field(default_factory=dict)  # includes a nested "related" key, uninterpreted


@dataclass(frozen=True)
class ArticleData:
    title: str
    web_url: str | None  # an imported article's identity; None for a house article
    published_at: dt.datetime  # aware, UTC
    provider: ProviderData | None  # None for a house article
    category: str | None = None
    excerpt: str = ""
    original_url: str | None = None
    amp_url: str | None = None
    cdn_amp_url: str | None = None
    type: str = "article"
    quality: int | None = None
    heat: int | None = None
    published: bool = False
    topics: tuple[str, ...] = ()  # normalised display spellings, de-duplicated by casefold
    images: tuple[ImageData, ...] = ()
    related: tuple[RelatedData, ...] = ()
    secured: str | None = None
    extra: dict = field(default_factory=dict)  # unknown top-level keys
    body: str = ""  # markdown source, LF line endings, trimmed as the spec says
    authors: tuple[str, ...] = ()  # the outlet's byline, names as the file writes them
    slug: str | None = None  # a house article's identity (it has no web_url and no provider)
    bylines: tuple[str, ...] = ()  # a house article's authors: slugs of our Author rows

    @property
    def is_house(self):
        return self.slug is not None
