"""Snippets with the matched words marked, safe to render.

Engines return plain text with the matches between two private-use
characters (``START``/``END``) rather than HTML: the text is untrusted (it is
whatever the feed sent), so it is escaped first, and only then are the marked
runs wrapped in ``<mark>``. Stray or nested markers (the feed could contain
them too) can only ever produce balanced ``<mark>`` elements.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.collation import fold

START, END = "\ue000", "\ue001"
SNIPPET_CHARS = 240
# How much text to show before a match found outside the engine's snippets.
CONTEXT_BEFORE = 60

# Markdown syntax that means nothing in a one-line snippet: link targets,
# image and link brackets, heading and quote markers, list bullets, emphasis.
_MARKDOWN_NOISE = re.compile(
    r"\]\([^)\s]*\)|!?\[|^\s*(?:#{1,6}|>|[-*+]|\d+\.)\s+|\*\*|__|`+", re.MULTILINE
)
_SPACE = re.compile(r"\s+")


def snippet(texts, substrings=()):
    """The best snippet of ``texts`` as safe HTML.

    ``texts`` are ``(text, is_markdown)`` pairs from the engine, best first:
    the first with a marked match wins; otherwise the first that contains one
    of ``substrings`` (terms the engine matched as substrings, such as CJK
    words, which it could not mark), cut around it; otherwise the first text.
    """
    for text, is_markdown in texts:
        if text and START in text:
            return render(text, substrings, markdown=is_markdown)
    pattern = _substring_pattern(substrings)
    for text, is_markdown in texts:
        found = pattern.search(text) if (pattern and text) else None
        if found:
            start = max(0, found.start() - CONTEXT_BEFORE)
            return render(
                ("…" if start else "") + text[start:], substrings, markdown=is_markdown
            )
    for text, is_markdown in texts:
        if text:
            return render(text, substrings, markdown=is_markdown)
    return mark_safe("")


def render(marked, substrings=(), *, markdown=False, limit=SNIPPET_CHARS):
    """Escape ``marked`` and wrap its marked runs (and ``substrings``) in ``<mark>``."""
    chars, flags = [], []
    inside = False
    for char in marked:
        if char == START:
            inside = True
        elif char == END:
            inside = False
        else:
            chars.append(char)
            flags.append(inside)
    text = "".join(chars)
    pattern = _substring_pattern(substrings)
    if pattern:
        for found in pattern.finditer(text):
            flags[found.start():found.end()] = [True] * (found.end() - found.start())
    if markdown:
        text, flags = _drop(text, flags, _MARKDOWN_NOISE)
    text, flags = _collapse_spaces(text, flags)
    if len(text) > limit:
        text, flags = _cut(text, flags, limit)
    return mark_safe("".join(_runs(text, flags)))


def _cut(text, flags, limit):
    """At most ``limit`` characters, starting a little before the first match if need be."""
    first = flags.index(True) if True in flags else 0
    start = max(0, first - CONTEXT_BEFORE) if first > limit - CONTEXT_BEFORE else 0
    piece, piece_flags = text[start:start + limit], flags[start:start + limit]
    lead, trail = len(piece) - len(piece.lstrip()), len(piece.rstrip())
    prefix = "…" if start else ""
    suffix = "…" if start + limit < len(text) else ""
    return (
        prefix + piece[lead:trail] + suffix,
        [False] * len(prefix) + piece_flags[lead:trail] + [False] * len(suffix),
    )


def _runs(text, flags):
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or flags[i] != flags[start]:
            piece = escape(text[start:i])
            yield f"<mark>{piece}</mark>" if flags[start] else piece
            start = i


def _drop(text, flags, pattern):
    keep = [True] * len(text)
    for found in pattern.finditer(text):
        keep[found.start():found.end()] = [False] * (found.end() - found.start())
    return (
        "".join(c for c, k in zip(text, keep, strict=True) if k),
        [f for f, k in zip(flags, keep, strict=True) if k],
    )


def _collapse_spaces(text, flags):
    out_text, out_flags = [], []
    for char, flag in zip(text, flags, strict=True):
        if char.isspace():
            if not out_text or out_text[-1] == " ":
                continue
            char = " "
        out_text.append(char)
        out_flags.append(flag)
    while out_text and out_text[-1] == " ":
        out_text.pop()
        out_flags.pop()
    return "".join(out_text), out_flags


def _substring_pattern(substrings):
    substrings = [s for s in substrings if s]
    if not substrings:
        return None
    return re.compile("|".join(re.escape(s) for s in substrings), re.IGNORECASE)


def words(text, terms):
    """``text`` escaped, with the words that begin with a word of ``terms`` in ``<mark>``.

    For headlines, which the engines do not mark: matching ignores case and
    accents, and a query word marks the whole word it begins ("drone" marks
    "Drones"); a CJK word is marked wherever it occurs. The text is escaped
    piece by piece (``_runs``), so nothing in it can become markup.
    """
    text = text or ""
    latin = {fold(w) for t in terms if not t.needs_substring_match for w in t.words}
    cjk = {fold(w) for t in terms if t.needs_substring_match for w in t.words}
    patterns = []
    if latin:
        patterns.append(rf"(?<![^\W_])(?:{_alternatives(latin)})[^\W_]*")
    if cjk:
        patterns.append(f"(?:{_alternatives(cjk)})")
    if not text or not patterns:
        return mark_safe(escape(text))  # noqa: S308 (escaped)
    # One folded character per original one, so positions carry over.
    folded = "".join((fold(char) or char)[0] for char in text)
    flags = [False] * len(text)
    for found in re.finditer("|".join(patterns), folded):
        flags[found.start():found.end()] = [True] * (found.end() - found.start())
    return mark_safe("".join(_runs(text, flags)))  # noqa: S308 (built from escaped pieces)


def _alternatives(words):
    # Longest first, so "solar" is not cut short by "sol".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w)
