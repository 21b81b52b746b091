"""How two revisions differ, field by field, as the compare page shows it.

Text fields are compared word by word (``difflib`` on word tokens) and
rendered server-side with ``<del>``/``<ins>``, each carrying a visually hidden
"removed"/"added" so the change is not told by colour or strike-through
alone. Every piece of revision text is escaped here: a headline holding
``<script>`` stays text. A byline is compared as its names' text. Topics are compared as sets, pictures as an ordered
list (added, removed, moved, caption or credit changed).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from . import content as contents

TEXT_FIELDS = ("title", "excerpt", "editor_note", "body", "category")
# Words, single punctuation marks and whitespace runs: "five." becoming "five six." adds " six",
# and line breaks stay as they were.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class FieldDiff:
    """One field of the comparison; ``changed`` False means both sides hold the same value."""

    name: str
    label: str
    changed: bool
    kind: str  # "text", "topics" or "images"
    html: str = ""  # the word diff of a text field (safe, escaped)
    added: list = field(default_factory=list)  # topics / picture lines
    removed: list = field(default_factory=list)
    moved: list = field(default_factory=list)
    recaptioned: list = field(default_factory=list)  # (url, old caption text, new caption text)
    order_changed: bool = False
    pictures: list = field(default_factory=list)  # the newer side's pictures, in order


def compare(old, new):
    """``FieldDiff`` for every field of ``contents.FIELDS``, in display order."""
    old, new = contents.normalise(old), contents.normalise(new)
    changed = set(contents.changed_fields(old, new))
    diffs = []
    for name in contents.FIELDS:
        label = contents.LABELS[name]
        if name in TEXT_FIELDS:
            html = word_diff(old[name], new[name]) if name in changed else escape(new[name])
            diffs.append(FieldDiff(name, label, name in changed, "text", html=html))
        elif name == "bylines":
            diffs.append(byline_diff(old[name], new[name], FieldDiff(name, label, name in changed, "text")))
        elif name == "topics":
            before, after = set(old[name]), set(new[name])
            diffs.append(FieldDiff(
                name, label, name in changed, "topics",
                added=contents.sorted_topics(after - before), removed=contents.sorted_topics(before - after),
            ))
        else:
            diffs.append(image_diff(old[name], new[name], FieldDiff(name, label, name in changed, "images")))
    return diffs


NOT_RECORDED = "(not recorded in this version)"


def byline_diff(old, new, diff):
    """The byline as text, its names word-diffed like a text field (escaped; "not recorded" for an old revision)."""
    if old is None or new is None:
        diff.html = escape(contents.byline_text(new) if new is not None else NOT_RECORDED)
    elif diff.changed:
        diff.html = word_diff(contents.byline_text(old), contents.byline_text(new))
    else:
        diff.html = escape(contents.byline_text(new))
    return diff


def tokens(text):
    return _TOKENS.findall(text or "")


def word_diff(old, new):
    """``new`` as HTML with the words removed since ``old`` in ``<del>`` and the added ones in ``<ins>``.

    The common head and tail are cut before ``difflib`` runs, so an edit of a
    few words in a long body costs little whatever the body's length.
    """
    a, b = tokens(old), tokens(new)
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head:len(a) - tail], b[head:len(b) - tail]
    parts = [escape("".join(a[:head]))]
    matcher = difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(middle_a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(_marked("del", "removed", middle_a[i1:i2]))
        if op in ("insert", "replace"):
            parts.append(_marked("ins", "added", middle_b[j1:j2]))
    parts.append(escape("".join(a[len(a) - tail:])))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part escaped above


def _marked(tag, word, pieces):
    return format_html(
        '<{tag}><span class="nr-sr-only">[{word}: </span>{text}<span class="nr-sr-only">]</span></{tag}>',
        tag=tag, word=word, text="".join(pieces),
    )


def image_diff(old, new, diff):
    """Fill ``diff`` with the picture list's changes: added, removed, moved, recaptioned."""
    before = {image["url"]: (position, image) for position, image in enumerate(old)}
    after = {image["url"]: (position, image) for position, image in enumerate(new)}
    diff.added = [_picture(image, position) for url, (position, image) in after.items() if url not in before]
    diff.removed = [_picture(image, position) for url, (position, image) in before.items() if url not in after]
    kept_before = [url for url in before if url in after]
    kept_after = [url for url in after if url in before]
    diff.order_changed = kept_before != kept_after or (
        bool(old) and bool(new) and old[0]["url"] != new[0]["url"]
    )
    for url in kept_after:
        (was, old_image), (now, new_image) = before[url], after[url]
        if kept_before.index(url) != kept_after.index(url):
            diff.moved.append(f"{_name(new_image)}: from position {was + 1} to {now + 1}")
        if _caption(old_image) != _caption(new_image):
            diff.recaptioned.append((_name(new_image), _caption(old_image), _caption(new_image)))
    diff.pictures = [_picture(image, position) for position, image in enumerate(new)]
    return diff


def _picture(image, position):
    lead = " (lead picture)" if position == 0 else ""
    caption = _caption(image)
    return f"{position + 1}. {_name(image)}{lead}" + (f" — {caption}" if caption else "")


def _name(image):
    return image["url"].rsplit("/", 1)[-1] or image["url"]


def _caption(image):
    parts = [image["title"], image["attribution"] and f"credit: {image['attribution']}"]
    return "; ".join(part for part in parts if part)
