"""What a revision holds: the fields readers see, as plain JSON, and how two of them differ.

One shape whoever wrote the version (an editor, an import, a restore), so a
history compares field by field:

    {"title": str, "excerpt": str, "editor_note": str, "body": str,
     "category": str, "topics": [name, ...], "images": [{"url", "title",
     "attribution", "width", "height"}, ...], "bylines": [{"id", "name"}, ...]}

Topics are sorted (a topic set has no order); pictures keep theirs (the first
is the lead picture), bylines too (our ``authors.Author`` rows, first author
first; an imported article's outlet names are not content and this list is
empty for it). A revision stored before bylines were kept has no "bylines":
it normalises to ``None``, "not recorded", which compares equal to any byline
and which a save fills in with the byline it started from. Nothing here touches the database but ``snapshot``,
which reads an article's rows.
"""

from __future__ import annotations

# In the order the history and the compare view show them.
FIELDS = ("title", "excerpt", "editor_note", "body", "category", "bylines", "topics", "images")
# The fields an article file writes; an editor's value of one of them is an override.
SOURCE_FIELDS = ("title", "excerpt", "body", "category", "topics", "images")
LABELS = {
    "title": "Headline",
    "excerpt": "Excerpt",
    "editor_note": "Editor's note",
    "body": "Body",
    "category": "Category",
    "bylines": "Byline",
    "topics": "Topics",
    "images": "Pictures and captions",
}


def image_entry(url, title=None, attribution=None, width=None, height=None):
    return {
        "url": url,
        "title": str(title or ""),
        "attribution": str(attribution or ""),
        "width": width,
        "height": height,
    }


def byline_entry(author_id, name):
    return {"id": author_id, "name": str(name or "")}


def normalise_bylines(value):
    """A stored byline list in canonical form, or ``None`` (not recorded) for anything not a list.

    Entries keep their order; one that is not an object is dropped, an id that
    is not a whole number reads as ``None`` (no author to write back), and an
    author listed twice keeps its first place.
    """
    if not isinstance(value, list):
        return None
    entries, seen = [], set()
    for entry in value:
        if not isinstance(entry, dict):
            continue
        author_id = entry.get("id")
        if not isinstance(author_id, int) or isinstance(author_id, bool) or not 0 < author_id < 2**63:
            author_id = None
        if author_id is not None:
            if author_id in seen:
                continue
            seen.add(author_id)
        entries.append(byline_entry(author_id, _text(entry.get("name"))))
    return entries


def byline_text(value):
    """The byline's names as plain text ("Jane Doe, Sam Roe"); "" for none or not recorded."""
    return ", ".join(entry["name"] for entry in value or [])


def normalise(content):
    """``content`` in canonical form: every field present, topics sorted, no ``None`` text.

    A stored value of the wrong shape (not an object, a number for a text)
    reads as text or as missing, so no page showing a revision can fail on it.
    """
    content = content if isinstance(content, dict) else {}
    topics = content.get("topics")
    return {
        "title": _text(content.get("title")),
        "excerpt": _text(content.get("excerpt")),
        "editor_note": _text(content.get("editor_note")),
        "body": _text(content.get("body")),
        "category": _text(content.get("category")),
        "bylines": normalise_bylines(content.get("bylines")),
        "topics": sorted_topics(topics if isinstance(topics, list) else []),
        "images": [
            image_entry(
                str(image.get("url") or ""), image.get("title"), image.get("attribution"),
                image.get("width"), image.get("height"),
            )
            for image in (content.get("images") if isinstance(content.get("images"), list) else [])
            if isinstance(image, dict)
        ],
    }


def _text(value):
    """Text with LF line endings: a browser posts a textarea with CRLF, files have LF, and an
    editor's save must not differ from the source by its line endings alone."""
    return "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n")


def sorted_topics(names):
    return sorted({str(name) for name in names}, key=lambda name: (name.casefold(), name))


def snapshot(article, *, topics=None, images=None, bylines=None):
    """The content ``article``'s rows hold now (pass ``topics``/``images``/``bylines`` to skip their queries).

    An imported article has no house bylines: its list is empty without a query.
    """
    if bylines is None:
        bylines = house_bylines(article)
    if topics is None:
        topics = [topic.name for topic in article.topics.all()]
    if images is None:
        images = [
            image_entry(image.url, image.title, image.attribution, image.width, image.height)
            for image in article.images.order_by("position")
        ]
    return normalise({
        "title": article.title,
        "excerpt": article.excerpt,
        "editor_note": article.editor_note,
        "body": article.body,
        "category": article.category,
        "bylines": bylines,
        "topics": topics,
        "images": images,
    })


def house_bylines(article):
    """``article``'s ``Byline`` rows as content entries, in byline order (none for an imported one)."""
    if article.pk is None or article.provider_id is not None:
        return []
    rows = article.bylines.select_related("author").only("article_id", "author__name").order_by("position", "pk")
    return [byline_entry(row.author_id, row.author.name) for row in rows]


def from_file(data):
    """The content an imported file (``ArticleData``) gives, with no editor's note."""
    return normalise({
        "title": data.title,
        "excerpt": data.excerpt,
        "body": data.body,
        "category": data.category,
        "bylines": [],
        "topics": list(data.topics),
        "images": [
            image_entry(image.url, image.title, image.attribution, image.width, image.height)
            for image in data.images
        ],
    })


def changed_fields(old, new):
    """The fields whose reader-visible value differs, in display order.

    Pictures differ by address, order and caption/credit; their sizes are
    measurements, not content.
    """
    old, new = normalise(old), normalise(new)
    return [
        name for name in FIELDS
        if old[name] is not None and new[name] is not None  # a byline not recorded differs from none
        and _comparable(name, old[name]) != _comparable(name, new[name])
    ]


def _comparable(name, value):
    if name == "images":
        return [(image["url"], image["title"], image["attribution"]) for image in value]
    if name == "bylines":
        # The same authors in the same order; an author renamed since is the same byline.
        return [entry["id"] if entry["id"] is not None else entry["name"] for entry in value]
    return value


def overlay(base, values):
    """``base`` with the fields of ``values`` replacing its own (both content dicts)."""
    merged = dict(normalise(base))
    merged.update({name: value for name, value in (values or {}).items() if name in FIELDS})
    return normalise(merged)


def merge_source(*, live, pending, old_source, new_source, edited, hold):
    """Where a re-imported file's changes go, field by field; returns ``(live, pending, flagged)``.

    - A field an editor changed (``edited``) keeps the editor's value; if the
      source's value changed, the field is ``flagged`` ("source changed since
      your edit").
    - Any other changed field follows the source: into the live content, or,
      when ``hold`` (an editor's pending version exists, or the desk reviews
      this provider's changes), into the pending version only, which is
      created from the live content if there is none.
    """
    live, old_source, new_source = normalise(live), normalise(old_source), normalise(new_source)
    pending = normalise(pending) if pending is not None else None
    changed = [name for name in SOURCE_FIELDS if _comparable(name, old_source[name]) != _comparable(name, new_source[name])]
    flagged = [name for name in changed if name in edited]
    following = [name for name in changed if name not in edited]
    if following and hold:
        pending = dict(pending if pending is not None else live)
        for name in following:
            pending[name] = new_source[name]
    elif following:
        live = dict(live)
        for name in following:
            live[name] = new_source[name]
        if pending is not None:
            pending = dict(pending)
            for name in following:
                pending[name] = new_source[name]
    return live, pending, flagged


def source_differences(live, source):
    """The source's values of the fields where the live content differs from it (what to keep)."""
    live, source = normalise(live), normalise(source)
    return {
        name: source[name] for name in SOURCE_FIELDS
        if _comparable(name, live[name]) != _comparable(name, source[name])
    }
