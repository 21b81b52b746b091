"""Turn a checked front matter into normalised ``ArticleData``.

Implements sections 3 (value types) and 4 (fields and unknown keys) of the
format specification, docs/format.md.

Values are read from YAML *nodes*, not from what ``yaml.safe_load`` would
build, because text fields are the scalar's source text: ``title: yes`` is the
text ``yes`` and ``title: 2021`` the text ``2021``. Every other type is checked
against the tag the YAML resolver gave the scalar, so a quoted ``"38"`` is not
an integer and a quoted ``"true"`` is not a boolean.

A related item is read with the same field table as an article (only the
required flags differ and it has no ``related`` of its own), so the two can
never drift apart.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from providers.validators import HOST_NAME_RULE, is_host_name

from ..dates import publication_problem
from ..topic_names import topic_key, topic_name, topic_name_problem
from .data import ArticleData, ImageData, ProviderData, RelatedData
from .errors import ArticleFileError
from .frontmatter import (
    BOOL_TAG,
    FLOAT_TAG,
    INT_TAG,
    NULL_TAG,
    STR_TAG,
    TIMESTAMP_TAG,
    FrontMatter,
    shorten,
)

UTC = dt.UTC

MAX_URL_LENGTH = 2048
# Lists cost a row (and, for topics, a look-up) each. Real files have a few
# items; the limits are generous for them and bound what one file can cost.
MAX_TOPICS = 50
MAX_IMAGES = 50
MAX_RELATED = 50

# PyYAML's own YAML 1.1 readings of ints (0x1F, 1_000, 0o17, 1:30), floats and
# booleans, so a value means here exactly what it means to every YAML tool.
_YAML = yaml.constructor.SafeConstructor()
_BOOL_VALUES = yaml.constructor.SafeConstructor.bool_values


def validate_article(front: FrontMatter) -> ArticleData:
    """Validate a front matter and return the normalised article.

    Raises ``ArticleFileError`` (``missing_field``, ``invalid_type`` or
    ``invalid_value``) with the field path and file line of the first problem.
    """
    try:
        article = _read_object(front.root, "", _ARTICLE, body=front.body, web_url=None, provider=None)
        _check_identity(article, front.root)
        return article
    except _Invalid as problem:
        raise ArticleFileError(
            problem.kind, problem.message, field=problem.field, line=front.line_of(problem.node)
        ) from None


class _Invalid(Exception):
    """A problem found at a node; ``validate_article`` adds the file line."""

    def __init__(self, kind, field, message, node):
        super().__init__(message)
        self.kind = kind
        self.field = field
        self.message = message
        self.node = node


# -- objects: articles, related items, providers, images ----------------------


@dataclass(frozen=True)
class _Field:
    """One known key of a mapping: where it goes and how it is read."""

    key: str  # name in the file
    attr: str  # name in the dataclass
    read: Callable  # (node, field path) -> normalised value, or None when absent
    required: bool = False


class _Schema:
    """The known fields of one kind of mapping and the dataclass it becomes."""

    def __init__(self, cls, fields):
        self.cls = cls
        self.fields = {spec.key: spec for spec in fields}
        self.required = tuple(spec for spec in fields if spec.required)


def _read_object(node, field, schema, **values):
    """Read a mapping into ``schema.cls``: known keys normalised, the rest into ``extra``.

    Problems are reported in file order; missing required fields after that.
    """
    if node.__class__ is not MappingNode:
        raise _Invalid(
            "invalid_type",
            field,
            f"{field} must be a mapping of fields, not {_describe(node)}",
            node,
        )
    fields = schema.fields
    extra = {}
    for key_node, value_node in node.value:
        key = key_node.value
        path = f"{field}.{key}" if field else key
        spec = fields.get(key)
        if spec is None:
            extra[key] = _json_value(value_node, path)
        else:
            value = spec.read(value_node, path)
            if value is not None:
                values[spec.attr] = value
    for spec in schema.required:
        if spec.attr not in values:
            _missing(node, field, spec.key)
    if extra:
        values["extra"] = extra
    return schema.cls(**values)


def _missing(node, field, key):
    path = f"{field}.{key}" if field else key
    for key_node, value_node in node.value:
        if key_node.value == key:
            raise _Invalid("missing_field", path, f"{path} is required but empty", value_node)
    raise _Invalid("missing_field", path, f"{path} is required but missing", node)


def _is_absent(node):
    """Null or empty text: "absent" whatever type the field has."""
    return node.__class__ is ScalarNode and (node.tag == NULL_TAG or not node.value.strip())


def _sequence(node, field, limit):
    """The items of a list node, or None when absent; anything else is invalid_type.

    More than ``limit`` items is invalid_value.
    """
    if node.__class__ is SequenceNode:
        if len(node.value) > limit:
            raise _Invalid(
                "invalid_value",
                field,
                f"{field} has {len(node.value):,} items; at most {limit:,} are allowed",
                node,
            )
        return node.value
    if _is_absent(node):
        return None
    raise _Invalid("invalid_type", field, f"{field} must be a list, not {_describe(node)}", node)


def _provider(node, field):
    if _is_absent(node):
        return None
    return _read_object(node, field, _PROVIDER)


def _images(node, field):
    items = _sequence(node, field, MAX_IMAGES)
    if items is None:
        return None
    return tuple(
        _read_object(item, f"{field}[{index}]", _IMAGE) for index, item in enumerate(items)
    )


def _related(node, field):
    items = _sequence(node, field, MAX_RELATED)
    if items is None:
        return None
    return tuple(
        _read_object(item, f"{field}[{index}]", _RELATED) for index, item in enumerate(items)
    )


# An outlet's byline: at most this many names, each at most this long.
MAX_AUTHORS = 20
MAX_AUTHOR_NAME = 200


def _author_names(node, field):
    """A list of non-empty names (text), trimmed, in file order."""
    items = _sequence(node, field, MAX_AUTHORS)
    if items is None:
        return None
    names = []
    for index, item in enumerate(items):
        path = f"{field}[{index}]"
        name = _text(item, field, index)
        if name is None:
            raise _Invalid("invalid_value", path, f"{path} is empty; each author needs a name", item)
        if len(name) > MAX_AUTHOR_NAME:
            _too_long(path, name, MAX_AUTHOR_NAME, item)
        names.append(name)
    return tuple(names) or None


HOUSE_SLUG = re.compile(r"^[-\w]{1,255}$")


def _house_slug(node, field):
    """A house article's identity: a URL slug (letters, digits, ``-``, ``_``)."""
    text = _text(node, field)
    if text is not None and not HOUSE_SLUG.fullmatch(text):
        raise _Invalid(
            "invalid_value", field,
            f"{field} must be a slug of at most 255 letters, digits, - or _ ({shorten(text)})", node,
        )
    return text


def _author_slugs(node, field):
    """A house article's byline: the slugs of our authors, in order."""
    items = _sequence(node, field, MAX_AUTHORS)
    if items is None:
        return None
    slugs = []
    for index, item in enumerate(items):
        slug = _house_slug(item, f"{field}[{index}]")
        if slug is None:
            raise _Invalid("invalid_value", f"{field}[{index}]", f"{field}[{index}] is empty", item)
        if slug not in slugs:
            slugs.append(slug)
    return tuple(slugs) or None


def _check_identity(article, root):
    """An imported article has ``webUrl`` and ``provider``; a house article (``slug``) has neither."""
    if article.slug is None:
        for key in ("webUrl", "provider"):
            if getattr(article, "web_url" if key == "webUrl" else "provider") is None:
                _missing(root, "", key)
        if article.bylines:
            field = "bylines"
            node = next(value for key, value in root.value if key.value == field)
            raise _Invalid(
                "invalid_value", field,
                "bylines names our own authors and belongs to a house article (one with a slug); "
                "an outlet's writers go in authors", node,
            )
        return
    for key_node, value_node in root.value:
        if key_node.value in ("webUrl", "provider", "authors") and not _is_absent(value_node):
            raise _Invalid(
                "invalid_value", key_node.value,
                f"{key_node.value} must be absent in a house article (one with a slug): "
                "the site itself publishes it",
                value_node,
            )


def _topics(node, field):
    """Named and de-duplicated by ``articles.topic_names`` (first spelling wins)."""
    items = _sequence(node, field, MAX_TOPICS)
    if items is None:
        return None
    topics = []
    seen = set()
    for index, item in enumerate(items):
        text = _text(item, field, index)
        if text is None:
            continue
        topic = topic_name(text)
        problem = topic_name_problem(topic)
        if problem:
            raise _Invalid(
                "invalid_value", f"{field}[{index}]", f"{field}[{index}]: {problem}", item
            )
        identity = topic_key(topic)
        if identity not in seen:
            seen.add(identity)
            topics.append(topic)
    return tuple(topics)


# -- scalars ------------------------------------------------------------------


def _text(node, field, index=None):
    """Source text of a scalar, trimmed; None when null or empty (absent)."""
    if node.__class__ is not ScalarNode:
        if index is not None:
            field = f"{field}[{index}]"
        raise _Invalid("invalid_type", field, f"{field} must be text, not {_describe(node)}", node)
    if node.tag == NULL_TAG:
        return None
    return node.value.strip() or None


def _limited_text(limit, *, lower=False):
    def read(node, field):
        text = _text(node, field)
        if text is not None:
            if lower:
                text = text.lower()
            if len(text) > limit:
                _too_long(field, text, limit, node)
        return text

    return read


def _too_long(field, text, limit, node):
    raise _Invalid(
        "invalid_value",
        field,
        f"{field} is {len(text):,} characters long; at most {limit:,} are allowed ({shorten(text)})",
        node,
    )


def _url(node, field):
    url = _text(node, field)
    if url is not None:
        problem = url_problem(url)
        if problem:
            raise _Invalid("invalid_value", field, f"{field} {problem}: {shorten(url)}", node)
    return url


def _domain(node, field):
    text = _text(node, field)
    if text is None:
        return None
    domain = text.lower()
    if not is_host_name(domain):
        raise _Invalid(
            "invalid_value",
            field,
            f"{field} must be {HOST_NAME_RULE}: {shorten(text)}",
            node,
        )
    return domain


def _int_between(low, high):
    def read(node, field):
        if node.__class__ is ScalarNode and node.tag == INT_TAG:
            value = _yaml_int(node, field)
            if low <= value <= high:
                return value
            raise _Invalid(
                "invalid_value",
                field,
                f"{field} must be from {low:,} to {high:,}, got {value:,}",
                node,
            )
        if _is_absent(node):
            return None
        raise _Invalid(
            "invalid_type", field, f"{field} must be an integer, not {_describe(node)}", node
        )

    return read


def _bool(node, field):
    if node.__class__ is ScalarNode and node.tag == BOOL_TAG:
        return _yaml_bool(node, field)
    if _is_absent(node):
        return None
    raise _Invalid(
        "invalid_type",
        field,
        f"{field} must be a boolean (true or false), not {_describe(node)}",
        node,
    )


def _timestamp(node, field):
    """An aware UTC datetime from a YAML timestamp or an ISO 8601 string.

    Only a possible publication date is accepted (``articles.dates``): from
    1900 to an hour from now.
    """
    if node.__class__ is ScalarNode:
        tag = node.tag
        if tag == NULL_TAG:
            return None
        if tag not in (INT_TAG, FLOAT_TAG, BOOL_TAG):
            text = node.value.strip()
            if not text:
                return None
            value = _parse_timestamp(node, field, text, yaml_form=tag == TIMESTAMP_TAG)
            if value.__class__ is dt.date:
                value = dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
            problem = publication_problem(value, dt.datetime.now(UTC))
            if problem:
                raise _Invalid(
                    "invalid_value",
                    field,
                    f"{field} {problem}, got {utc_isoformat(value)}",
                    node,
                )
            return value
    raise _Invalid(
        "invalid_type",
        field,
        f"{field} must be a timestamp such as 2021-01-13T00:17:00Z, not {_describe(node)}",
        node,
    )


# What YAML 1.1 itself resolves as a timestamp (unquoted), as PyYAML reads it.
_YAML_TIMESTAMP = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]*))?"
    r"(?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9]{1,2})(?::(?P<tz_minute>[0-9]{2}))?))?)?"
)
# The ISO 8601 / RFC 3339 forms the specification accepts in a string.
_ISO_TIMESTAMP = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:[Tt ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?)?"
    r"(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9]{2})(?::?(?P<tz_minute>[0-9]{2}))?)?)?"
)


def _parse_timestamp(node, field, text, *, yaml_form):
    """A ``date`` (date-only) or an aware UTC ``datetime``; impossible values are invalid_value."""
    match = (_YAML_TIMESTAMP if yaml_form else _ISO_TIMESTAMP).fullmatch(text)
    if match is None:
        raise _Invalid(
            "invalid_value",
            field,
            f"{field} is not a timestamp in ISO 8601 form (YYYY-MM-DD[THH:MM[:SS[.f]]][Z|±HH:MM]): "
            f"{shorten(text)}",
            node,
        )
    try:
        return _timestamp_from_match(match)
    except (ValueError, OverflowError) as error:
        raise _Invalid(
            "invalid_value",
            field,
            f"{field} is not a possible date or time ({error}): {shorten(text)}",
            node,
        ) from None


def _timestamp_from_match(match):
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if match["hour"] is None:
        return dt.date(year, month, day)
    tz = UTC
    if match["tz_sign"]:
        hours, minutes = int(match["tz_hour"]), int(match["tz_minute"] or 0)
        if hours > 23 or minutes > 59:
            raise ValueError("UTC offset out of range")
        offset = dt.timedelta(hours=hours, minutes=minutes)
        tz = dt.timezone(-offset if match["tz_sign"] == "-" else offset)
    microsecond = int((match["fraction"] or "")[:6].ljust(6, "0"))
    value = dt.datetime(
        year,
        month,
        day,
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"] or 0),
        microsecond,
        tzinfo=tz,
    )
    return value if tz is UTC else value.astimezone(UTC)


def utc_isoformat(value: dt.datetime) -> str:
    """ISO 8601 text of a UTC instant, ``2021-06-03T18:02:00Z`` (naive means UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


_DECIMAL = re.compile(r"-?[1-9][0-9]{0,17}|0")


def _yaml_int(node, field):
    if _DECIMAL.fullmatch(node.value):  # the common case, without YAML's octal/hex/base-60 rules
        return int(node.value)
    try:
        return _YAML.construct_yaml_int(node)
    except (ValueError, IndexError):  # only reachable through an explicit !!int tag
        raise _Invalid(
            "invalid_value", field, f"{field} is not a valid integer: {shorten(node.value)}", node
        ) from None


def _yaml_bool(node, field):
    value = _BOOL_VALUES.get(node.value.lower())
    if value is None:  # only reachable through an explicit !!bool tag
        raise _Invalid(
            "invalid_value", field, f"{field} is not a valid boolean: {shorten(node.value)}", node
        )
    return value


# -- URLs and host names ------------------------------------------------------

# Whitespace, C0/C1 controls, and invisible formatting characters (bidi
# overrides, zero-width) that make a URL look like another one.
_URL_FORBIDDEN = re.compile(
    r"[\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_HTTP_URL = re.compile(
    r"https?://"
    r"(?:[A-Za-z0-9._~!$&'()*+,;=:%-]*@)?"  # user information
    r"(?P<host>[^/?#:@]*)"
    r"(?::(?P<port>[0-9]{1,5}))?"
    r"(?:[/?#].*)?",
    re.IGNORECASE | re.DOTALL,
)
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")


@functools.lru_cache(maxsize=4096)  # the same URLs recur across files (related items, images)
def url_problem(url: str) -> str | None:
    """Why ``url`` is not an acceptable http(s) URL, or None if it is.

    Accepted: scheme http or https (any case), ``//``, a host that is a DNS
    name, ``localhost`` or an IPv4 address, an optional port, at most 2,048
    characters, no whitespace or control characters.
    """
    if len(url) > MAX_URL_LENGTH:
        return f"is {len(url):,} characters long; at most {MAX_URL_LENGTH:,} are allowed for a URL"
    if _URL_FORBIDDEN.search(url):
        return "must not contain whitespace or control characters"
    match = _HTTP_URL.fullmatch(url)
    if match is None:
        if url[:8].lower().startswith(("http://", "https://")):
            return "has an invalid host or port"
        return "must be an absolute URL starting with http:// or https://"
    port = match["port"]
    if port is not None and int(port) > 65535:
        return "has an invalid port"
    host = match["host"].lower()
    if not (host == "localhost" or is_host_name(host) or _IPV4.fullmatch(host)):
        return "needs a host that is a domain name, localhost or an IPv4 address"
    return None


def url_host(url: str) -> str:
    """The lower-cased host of a URL ``url_problem`` accepts, read by the same pattern.

    One parse for both, so the host checked is the host validated: a userinfo
    part (``https://a.example@b.example/``) is not mistaken for the host.
    """
    return _HTTP_URL.fullmatch(url)["host"].lower()


# -- unknown keys -------------------------------------------------------------


def _json_value(node, field):
    """A JSON-ready value for an unknown key (merge keys already applied).

    Timestamps become ISO 8601 text (a UTC instant ending in ``Z``, or
    ``YYYY-MM-DD`` for a date); .nan and .inf keep their source text because
    JSON has no such numbers. Keys are the keys' source text, already unique.
    """
    cls = node.__class__
    if cls is MappingNode:
        return {
            key_node.value: _json_value(value_node, f"{field}.{key_node.value}")
            for key_node, value_node in node.value
        }
    if cls is SequenceNode:
        return [_json_value(item, f"{field}[{index}]") for index, item in enumerate(node.value)]
    tag = node.tag
    if tag == NULL_TAG:
        return None
    if tag == INT_TAG:
        return _yaml_int(node, field)
    if tag == BOOL_TAG:
        return _yaml_bool(node, field)
    if tag == FLOAT_TAG:
        try:
            value = _YAML.construct_yaml_float(node)
        except (ValueError, IndexError):
            raise _Invalid(
                "invalid_value",
                field,
                f"{field} is not a valid number: {shorten(node.value)}",
                node,
            ) from None
        return value if math.isfinite(value) else node.value
    if tag == TIMESTAMP_TAG:
        value = _parse_timestamp(node, field, node.value, yaml_form=True)
        return value.isoformat() if value.__class__ is dt.date else utc_isoformat(value)
    return node.value  # str, and the plain scalars "<<" and "=" read as text


# -- messages -----------------------------------------------------------------

_KIND_NAMES = {
    STR_TAG: "text",
    INT_TAG: "an integer",
    FLOAT_TAG: "a number",
    BOOL_TAG: "a boolean",
    TIMESTAMP_TAG: "a timestamp",
}


def _describe(node):
    """What a node is, for messages: ``a quoted string '38'``, ``a list``."""
    if node.__class__ is MappingNode:
        return "a mapping"
    if node.__class__ is SequenceNode:
        return "a list"
    if node.tag == NULL_TAG:
        return "null"
    if node.tag == STR_TAG and node.style in ("'", '"'):
        kind = "a quoted string"
    else:
        kind = _KIND_NAMES.get(node.tag, "text")
    return f"{kind} {shorten(node.value)}"


# -- field tables (docs/format.md, section 4) ---------------------------------

_PROVIDER = _Schema(
    ProviderData,
    (
        _Field("name", "name", _limited_text(200), required=True),
        _Field("domain", "domain", _domain, required=True),
    ),
)

_IMAGE = _Schema(
    ImageData,
    (
        _Field("url", "url", _url, required=True),
        _Field("width", "width", _int_between(1, 100_000)),
        _Field("height", "height", _int_between(1, 100_000)),
        _Field("isCached", "is_cached", _bool),
        _Field("title", "title", _text),
        _Field("attribution", "attribution", _text),
    ),
)

_ARTICLE_FIELDS = (
    _Field("title", "title", _limited_text(1000), required=True),
    # Required unless the file is a house article's (``slug``): see _check_identity.
    _Field("webUrl", "web_url", _url),
    _Field("publishedDateTime", "published_at", _timestamp, required=True),
    _Field("provider", "provider", _provider),
    _Field("category", "category", _limited_text(100)),
    _Field("excerpt", "excerpt", _text),
    _Field("originalUrl", "original_url", _url),
    _Field("ampWebUrl", "amp_url", _url),
    _Field("cdnAmpWebUrl", "cdn_amp_url", _url),
    _Field("type", "type", _limited_text(50, lower=True)),
    _Field("quality", "quality", _int_between(0, 100)),
    _Field("heat", "heat", _int_between(-1, 2_147_483_647)),
    _Field("published", "published", _bool),
    _Field("topics", "topics", _topics),
    _Field("images", "images", _images),
    _Field("related", "related", _related),
    _Field("secured", "secured", _text),
    _Field("authors", "authors", _author_names),
    _Field("slug", "slug", _house_slug),
    _Field("bylines", "bylines", _author_slugs),
)
# Keys only the article itself has: inside a related item they are unknown keys.
_ARTICLE_ONLY = ("related", "authors", "slug", "bylines")

# A related item: the article's fields and rules, but only title and webUrl are
# required, and a "related" key inside it is an unknown key, kept in ``extra``.
_RELATED_FIELDS = tuple(
    replace(spec, required=spec.key in ("title", "webUrl"))
    for spec in _ARTICLE_FIELDS
    if spec.key not in _ARTICLE_ONLY
)

_ARTICLE = _Schema(ArticleData, _ARTICLE_FIELDS)
_RELATED = _Schema(RelatedData, _RELATED_FIELDS)
