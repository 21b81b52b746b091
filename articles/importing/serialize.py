"""Write ``ArticleData`` back in the file format: the importer's inverse.

``article_to_mapping`` gives the front matter as a JSON-ready mapping with the
file's camelCase keys (normalised values, absent optional fields left out,
unknown keys back at their own level, timestamps as ISO 8601 UTC text), and
``dump_front_matter`` the whole file. Parsing what these write gives back an
equal ``ArticleData``, and writing that again gives the same text.
"""

from __future__ import annotations

import copy
import re

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .data import ArticleData, ImageData, ProviderData, RelatedData
from .frontmatter import BOOL_TAG, INT_TAG, MAP_TAG, NULL_TAG, SEQ_TAG, STR_TAG
from .validation import utc_isoformat

try:
    _BaseDumper = yaml.CSafeDumper
except AttributeError:  # PyYAML built without libyaml
    _BaseDumper = yaml.SafeDumper

# Keep every value on one line however long: diffs of exported files stay readable.
_WIDTH = 2**31 - 1
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")


def article_to_mapping(article: ArticleData) -> dict:
    """The article's front matter as a JSON-ready mapping in the file's keys."""
    return _item_mapping(article, related=article.related)


def related_to_mapping(item: RelatedData) -> dict:
    """A related item as a JSON-ready mapping in the file's keys."""
    return _item_mapping(item)


def dump_front_matter(article: ArticleData) -> str:
    """The complete file text of an article: ``---``, YAML front matter, ``---``, body."""
    return dump_mapping(article_to_mapping(article), article.body)


def dump_json(article: ArticleData) -> dict:
    """The article as one JSON-ready object: the front-matter keys plus ``body``."""
    return {**article_to_mapping(article), "body": article.body}


def dump_mapping(mapping: dict, body: str = "") -> str:
    """File text for a front-matter mapping and a markdown body.

    The YAML is written by PyYAML's safe dumper, whose resolver quotes any
    text that would otherwise read back as another type (``'yes'``,
    ``'2021'``, ``'null'``, ``'2021-01-13'``), so text stays text.
    """
    front = yaml.dump(
        mapping,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=_WIDTH,
    )
    text = f"---\n{front}---\n"
    body = body.strip("\n")
    return f"{text}\n{body}\n" if body.strip() else text


class _Dumper(_BaseDumper):
    """The safe dumper, without anchors, writing multi-line text double-quoted.

    Double quotes escape line breaks, so no line of the front matter can ever
    be a stray ``---`` that would end it early. The JSON types are turned
    into nodes directly, which takes about a third off a dump; whether a
    value needs quotes is still decided by PyYAML's resolver and emitter,
    exactly as in ``yaml.safe_dump``.
    """

    def ignore_aliases(self, data):
        return True

    def represent_data(self, data):
        kind = type(data)
        if kind is str:
            style = '"' if _LINE_BREAK.search(data) else None
            return ScalarNode(STR_TAG, data, style=style)
        if kind is dict:
            represent = self.represent_data
            pairs = [(represent(key), represent(value)) for key, value in data.items()]
            return MappingNode(MAP_TAG, pairs, flow_style=False)
        if kind is list or kind is tuple:
            items = [self.represent_data(item) for item in data]
            return SequenceNode(SEQ_TAG, items, flow_style=False)
        if kind is bool:
            return ScalarNode(BOOL_TAG, "true" if data else "false")
        if kind is int:
            return ScalarNode(INT_TAG, str(data))
        if data is None:
            return ScalarNode(NULL_TAG, "null")
        return super().represent_data(data)  # floats and dates: PyYAML's own way


def _item_mapping(item, related=()):
    """The fields an article and a related item share, in the order of docs/format.md."""
    house = getattr(item, "slug", None) is not None
    mapping = {"title": item.title} if house else {"title": item.title, "webUrl": item.web_url}
    if house:
        mapping["slug"] = item.slug
    if item.published_at is not None:
        mapping["publishedDateTime"] = utc_isoformat(item.published_at)
    if item.provider is not None:
        mapping["provider"] = _provider_mapping(item.provider)
    _put(mapping, "category", item.category)
    _put(mapping, "excerpt", item.excerpt)
    _put(mapping, "originalUrl", item.original_url)
    _put(mapping, "ampWebUrl", item.amp_url)
    _put(mapping, "cdnAmpWebUrl", item.cdn_amp_url)
    mapping["type"] = item.type
    _put(mapping, "quality", item.quality)
    _put(mapping, "heat", item.heat)
    mapping["published"] = item.published
    _put(mapping, "topics", list(item.topics))
    _put(mapping, "images", [_image_mapping(image) for image in item.images])
    _put(mapping, "related", [related_to_mapping(entry) for entry in related])
    _put(mapping, "secured", item.secured)
    _put(mapping, "authors", list(getattr(item, "authors", ())))
    _put(mapping, "bylines", list(getattr(item, "bylines", ())))
    return _with_extra(mapping, item.extra)


def _provider_mapping(provider: ProviderData) -> dict:
    return _with_extra({"name": provider.name, "domain": provider.domain}, provider.extra)


def _image_mapping(image: ImageData) -> dict:
    mapping = {"url": image.url}
    _put(mapping, "width", image.width)
    _put(mapping, "height", image.height)
    mapping["isCached"] = image.is_cached
    _put(mapping, "title", image.title)
    _put(mapping, "attribution", image.attribution)
    return _with_extra(mapping, image.extra)


def _put(mapping, key, value):
    """Set ``key`` unless the value means "absent" (None, "" or an empty list)."""
    if value is not None and value != "" and value != []:
        mapping[key] = value


def _with_extra(mapping, extra):
    """Add the unknown keys after the known ones; a known key is never overridden."""
    for key, value in extra.items():
        if key not in mapping:
            # A copy, so a caller editing the mapping cannot change the (frozen) article.
            mapping[key] = copy.deepcopy(value)
    return mapping
