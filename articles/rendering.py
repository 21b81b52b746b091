"""Turning untrusted article data into safe output: URLs, markdown bodies, JSON-LD.

Everything an article file carries is plain text written by someone else, so
the public site only ever lets data through these helpers (or Django's
autoescaping). Nothing here touches the database.
"""

import hashlib
import html as html_module
import json
import re
import sys
import threading
from collections import OrderedDict
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

WEB_SCHEMES = frozenset({"http", "https"})
BODY_LINK_SCHEMES = WEB_SCHEMES | {"mailto"}

# What a news body needs and nothing that can run, restyle or overlay the page.
BODY_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "loading"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}

# JSON inside <script> must not be able to close the element or open a comment;
# the same escapes Django's json_script uses.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def escape_html(value):
    """``conditional_escape(value)`` as a plain ``str``, for HTML built in Python.

    The same escaping as Django's (it too is ``html.escape``), without the
    lazy-string wrapper that made it the costliest call of a list page's pictures.
    """
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_module.escape(str(value))


def web_url(value):
    """``value`` as a URL that is safe to put in ``href``/``src``, or ``""``.

    Only absolute http(s) URLs with a host survive. Characters that are not
    valid in a URL (spaces, ``"``, ``<``, ``>``, non-ASCII) are percent-encoded,
    so after HTML-escaping the attribute is still a valid URL.
    """
    if not value:
        return ""
    value = str(value).strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return ""
    # iri_to_uri quotes everything outside RFC 3986's allowed set, including " < >.
    return iri_to_uri(value)


# A media library picture's file on this site's own storage (media/library.py
# names them library/<2 hex>/<32 hex>/<name>): the one relative URL a body may use.
_LIBRARY_FILE = re.compile(r"library/[0-9a-f]{2}/[0-9a-f]{32}/[A-Za-z0-9][A-Za-z0-9._-]{0,80}")


def library_url(value):
    """``value`` when it is the site-relative URL of a library picture's file, else ``""``.

    Only a path under the site's own media URL that names a library file
    qualifies: no scheme, host, query, ``..`` or anything else to smuggle.
    """
    prefix = _media_prefix()
    if not value or not prefix or not value.startswith(prefix):
        return ""
    return value if _LIBRARY_FILE.fullmatch(value[len(prefix):]) else ""


def _media_prefix():
    """The site's media path (``/media/``) when the storage serves from this site, else ``""``."""
    from django.core.files.storage import default_storage

    try:
        prefix = default_storage.url("")
    except Exception:  # noqa: BLE001 - a storage without local URLs has no relative ones
        return ""
    return prefix if prefix.startswith("/") and not prefix.startswith("//") else ""


def _body_image_url(value):
    return web_url(value) or library_url(value.strip())


def _body_url_filter(tag, attribute, value):
    """Images in a body may only load over http(s) or from our library; links may also be mailto."""
    if attribute == "src":
        return _body_image_url(value) or None
    if attribute == "href":
        return _allowed_href(value) or None
    return value


def _allowed_href(value):
    if urlsplit(value.strip()).scheme.lower() == "mailto":
        return value
    return web_url(value)


def _prepare(tokens):
    """Adjust the parsed body before rendering.

    The page's headline is its only h1, so the body's headings start at h2
    whatever level its first one had, and never skip a level (an outline
    that jumps from h2 to h4 loses screen-reader users). A link or image whose
    URL may not go live becomes its plain text rather than an empty ``<a>``
    or an ``<img>`` without ``src`` (invalid HTML).
    """
    open_levels = []  # (markdown level, page level) of the headings above this point
    for token in tokens:
        if token.type == "heading_open":
            level = _outline_level(open_levels, int(token.tag[1]))
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{level}"
        if token.children:
            token.children = _inline(token.children)
    return tokens


def _outline_level(open_levels, wanted):
    """The page level of a markdown heading of level ``wanted``; updates ``open_levels``.

    One below the nearest earlier heading of a smaller markdown level (or
    right under the h1), capped at h6, as an outline nests.
    """
    while open_levels and open_levels[-1][0] >= wanted:
        open_levels.pop()
    level = min((open_levels[-1][1] if open_levels else 1) + 1, 6)
    open_levels.append((wanted, level))
    return level


def _inline(children):
    kept, dropped_links = [], 0
    for token in children:
        if token.type == "link_open":
            href = _allowed_href(token.attrGet("href") or "")
            if not href:
                dropped_links += 1
                kept.append(_Placeholder(token))
                continue
            token.attrSet("href", href)
        elif token.type == "image":
            src = _body_image_url(token.attrGet("src") or "")
            if not src:
                token.type, token.content, token.children = "text", token.content, None
            else:
                token.attrSet("src", src)
        kept.append(token)
    if dropped_links:
        kept = _drop_unlinked_closers(kept)
    return kept


class _Placeholder:
    """Marks a removed ``link_open`` so its matching ``link_close`` goes too."""

    def __init__(self, token):
        self.level = token.level


def _drop_unlinked_closers(tokens):
    result, stack = [], []
    for token in tokens:
        if isinstance(token, _Placeholder):
            stack.append(False)
            continue
        if token.type == "link_open":
            stack.append(True)
        elif token.type == "link_close":
            if not stack.pop():
                continue
        result.append(token)
    return result


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table").enable("strikethrough")
_cleaner = nh3.Cleaner(
    tags=BODY_TAGS,
    attributes=BODY_ATTRIBUTES,
    url_schemes=set(BODY_LINK_SCHEMES),
    # A relative link in an upstream body would point into our own site: the
    # attribute filter drops every relative URL except a library picture's src.
    url_relative="pass_through",
    attribute_filter=_body_url_filter,
    link_rel="nofollow noopener noreferrer",
    set_tag_attribute_values={"img": {"loading": "lazy"}},
)


# The note that ends a body cut at MARKDOWN_MAX_CHARS: our own markup, not the file's.
TRUNCATED_NOTE = '<p class="body-truncated"><em>This article is too long to show in full here.</em></p>'


class _Memo:
    """Rendered bodies by the hash of their source, least recently used first out.

    Bounded by the memory the HTML takes (``MARKDOWN_MEMO_BYTES``), not by a
    count: 2,048 bodies of a megabyte each would be 2 GiB per worker. Keys are
    digests, so the source text is not kept twice.
    """

    def __init__(self):
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0

    def get(self, key):
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key, html, budget):
        size = sys.getsizeof(html)
        if size > budget:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = html
            self.bytes += size
            while self.bytes > budget:
                _, dropped = self._entries.popitem(last=False)
                self.bytes -= sys.getsizeof(dropped)

    def __len__(self):
        return len(self._entries)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.bytes = 0


_memo = _Memo()


def _shorten(source, limit):
    """The first ``limit`` characters of ``source``, ending at a paragraph break if one is near."""
    cut = source[:limit]
    for boundary in ("\n\n", "\n"):
        end = cut.rfind(boundary)
        if end >= limit // 2:
            return cut[:end]
    return cut


def render_markdown(source):
    """The markdown ``source`` of a body as sanitised HTML, safe to insert in a page.

    Raw HTML is off in the renderer and the result goes through nh3 anyway:
    the allow-list, not the renderer's escaping, is what keeps scripts,
    event handlers and foreign URL schemes out.

    Rendering costs up to ~20 µs of CPU per character for hostile input (runs
    of ``![`` or ``[``, wide tables), so only the first ``MARKDOWN_MAX_CHARS``
    are rendered, followed by a note; markdown-it's ``maxNesting`` (20) bounds
    nested quotes and lists. Bodies repeat across requests, so results are
    memoised (the function is pure), within ``MARKDOWN_MEMO_BYTES``.
    """
    if not source:
        return mark_safe("")
    limit = settings.MARKDOWN_MAX_CHARS
    key = (
        hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).digest(), limit,
        _media_prefix(),
    )
    html = _memo.get(key)
    if html is None:
        html = _render(source, limit)
        _memo.put(key, html, settings.MARKDOWN_MEMO_BYTES)
    return mark_safe(html)  # noqa: S308 - the sanitiser's output


def _render(source, limit):
    truncated = len(source) > limit
    if truncated:
        source = _shorten(source, limit)
    env = {}
    tokens = _prepare(_markdown.parse(source, env))
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    # The sanitiser's output is the one thing we trust as markup.
    html = _cleaner.clean(html)
    return html + TRUNCATED_NOTE if truncated else html


def json_ld(data):
    """``data`` as a ``<script type="application/ld+json">`` element, escaped like json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


# XML 1.0 cannot carry C0 controls other than tab, newline and carriage return,
# nor U+FFFE/U+FFFF; a title holding one would make a whole feed unreadable.
_XML_INVALID = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def xml_text(value):
    """``value`` as text without the characters XML 1.0 forbids (for feeds and sitemaps)."""
    return str(value).translate(_XML_INVALID) if value is not None else ""
