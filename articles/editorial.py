"""Editors' changes over the source, and a live article's pending version.

The article's columns (and its topic and picture rows) hold the **live**
content: what readers see, so every public query stays as it is. Around it:

- ``source_values``: the file's own value of each field where the live
  content differs from it (an editor's override, or a source change held for
  review). Empty for an article nobody touched, which keeps re-imports of
  those on the importer's bulk path.
- ``edited_fields``: the fields an editor changed (in the live content or in
  the pending version). A re-import leaves them alone and flags them in
  ``source_changed`` when the file's value moves.
- ``pending_revision``: the next version of a published article, saved by an
  editor (or a source change the desk reviews), that readers do not see until
  a publisher publishes it.

These functions change content only; the workflow (``articles.publishing``)
wraps them with the permission checks, the version claim and the audit row.
Every content state they write is kept as a ``revisions.Revision``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from revisions import content as contents
from revisions.models import Revision

from .models import Article, Image

Origin = Revision.Origin


def is_imported(article):
    """Whether ``article`` came from an article file (a source the editors' values sit over)."""
    return article is not None and bool(article.source_hash)


def live_content(article):
    return contents.snapshot(article)


def pending_content(article):
    """The pending version's content, or ``None`` if there is none."""
    if article.pending_revision_id is None:
        return None
    return contents.normalise(article.pending_revision.content)


def editable_content(article):
    """What an editor starts from: the pending version if there is one, else the live content."""
    pending = pending_content(article)
    return pending if pending is not None else live_content(article)


def source_content(article, live=None):
    """The file's values: the live content with the kept source values laid over it."""
    live = live if live is not None else live_content(article)
    return contents.overlay(live, article.source_values)


def holds_changes(article):
    """Whether a content change must wait for a publisher: the article is published."""
    return article.status == Article.Status.PUBLISHED


@dataclass
class Saved:
    """What ``save_content`` did."""

    revision: Revision | None = None  # None: nothing changed
    changed: list = field(default_factory=list)  # field names, in display order
    pending: bool = False  # the change waits for a publisher
    went_live: bool = False  # readers see it now


def save_content(article, content, *, by=None, message="", origin=Origin.EDIT, publish=False,
                 restored_from=None):
    """Save ``content`` as the article's next version; returns ``Saved``.

    On a published article the version becomes the pending one (readers keep
    the live one) unless ``publish``: then it goes live at once, and the
    article shows "Updated". On any other article it is written straight to
    the columns. Either way it is kept as a revision, and the editors'
    overrides of the source are brought up to date: a field set back to the
    source's value follows the source again.
    """
    content = contents.normalise(content)
    with transaction.atomic():
        live = live_content(article)
        ensure_baseline(article, live)
        base = editable_content(article)
        content = with_byline(content, base)
        changed = contents.changed_fields(base, content)
        if not changed and not (publish and article.pending_revision_id):
            return Saved()
        source = source_content(article, live)
        if is_imported(article):
            _update_overrides(article, content, source)
        revision = Revision.objects.create(
            article=article, origin=origin, user=by, message=message, content=content,
            restored_from=restored_from,
        )
        if holds_changes(article) and not publish:
            article.pending_revision = revision
            article.pending_sent_back = False
            article.source_values = contents.source_differences(live, source) if is_imported(article) else {}
            _save(article, ["pending_revision", "pending_sent_back", "edited_fields", "source_values",
                            "source_changed"])
            return Saved(revision, changed, pending=True)
        went_live = _go_live(article, revision, content, source)
        return Saved(revision, changed, went_live=went_live)


def publish_pending(article):
    """Make the pending version live; returns its revision (``None`` if there was none)."""
    revision = article.pending_revision
    if revision is None:
        return None
    with transaction.atomic():
        content = contents.normalise(revision.content)
        source = source_content(article)
        _go_live(article, revision, content, source)
        return revision


def send_back_pending(article):
    """Return the pending version to its editor: it stays, marked sent back, out of the review queue."""
    article.pending_sent_back = True
    _save(article, ["pending_sent_back"])


def use_source(article, names, *, by=None, message=""):
    """Take the source's value of each field in ``names`` back, as a new version (``save_content``)."""
    source = source_content(article)
    content = editable_content(article)
    for name in names:
        if name in contents.SOURCE_FIELDS:
            content[name] = source[name]
    return save_content(
        article, content, by=by, origin=Origin.SOURCE,
        message=message or "Took the source's " + ", ".join(contents.LABELS[n].lower() for n in names) + ".",
    )


def restore(article, revision, *, by=None, message="", publish=False):
    """Bring an old revision's content back as a new version (pending on a published article).

    Its byline comes back too, less the authors deleted since (the message
    names them); a revision kept before bylines were keeps the current byline.
    """
    content, missing = restorable_content(article, revision)
    if not message:
        message = f"Restored the version of {timezone.localtime(revision.created_at):%Y-%m-%d %H:%M}."
        if missing:
            message += " Left out of the byline, deleted since: " + ", ".join(missing) + "."
    return save_content(
        article, content, by=by, origin=Origin.RESTORE, publish=publish, restored_from=revision,
        message=message,
    )


def restorable_content(article, revision):
    """``(content, missing names)``: ``revision``'s content as a restore brings it back.

    Authors deleted since leave the byline (their names are returned); a
    byline not recorded is the one an editor starts from now.
    """
    content = with_byline(contents.normalise(revision.content), editable_content(article))
    existing = _existing_authors(content["bylines"])
    kept = [entry for entry in content["bylines"] if entry["id"] in existing]
    missing = [entry["name"] or "(no name)" for entry in content["bylines"] if entry["id"] not in existing]
    content["bylines"] = kept
    return content, missing


def with_byline(content, base):
    """``content`` with ``base``'s byline where its own is not recorded (a revision older than bylines)."""
    if content["bylines"] is None:
        content = {**content, "bylines": base["bylines"] or []}
    return content


def ensure_baseline(article, live=None):
    """Keep the live content as a revision first if the article has none (it predates revisions)."""
    if article.pk is None or Revision.objects.filter(article=article).exists():
        return
    Revision.objects.create(
        article=article, origin=Origin.IMPORT if is_imported(article) else Origin.CREATE,
        content=live if live is not None else live_content(article), content_hash=article.source_hash,
        was_live=article.is_live(), created_at=article.created_at or timezone.now(),
        message="The version stored before revisions were kept.",
    )


def record_creation(article, *, by=None):
    """The first revision of an article made by hand."""
    return Revision.objects.create(
        article=article, origin=Origin.CREATE, user=by, content=live_content(article),
        was_live=article.is_live(),
    )


def record_correction(article, *, by=None, note=""):
    """Keep the corrected article's content as a revision, the correction's note as its message.

    The content is the live one (a correction is a note readers see under it,
    not a change of the text), so the history shows when readers were told.
    """
    live = live_content(article)
    ensure_baseline(article, live)
    return Revision.objects.create(
        article=article, origin=Origin.CORRECTION, user=by, content=live, message=note,
        was_live=article.is_live(),
    )


# --- writing the live content --------------------------------------------------------------


def write_live(article, content, *, topics=True, images=True, bylines=True):
    """Put ``content`` in the article's columns and its topic, picture and byline rows.

    Pictures are matched by address, so one still listed keeps our cached copy
    of it; an author deleted since the content was saved is left out of the
    byline. The caller saves the article.
    """
    content = contents.normalise(content)
    article.title = content["title"]
    article.excerpt = content["excerpt"]
    article.editor_note = content["editor_note"]
    article.body = content["body"]
    article.category = content["category"] or None
    if topics:
        article.topics.set(content["topics"], clear=True)
    if images:
        _write_images(article, content["images"])
    if bylines and content["bylines"] is not None and article.provider_id is None:
        _write_bylines(article, content["bylines"])


def _existing_authors(entries):
    """The ids among a byline's ``entries`` whose authors still exist (one query, none if empty)."""
    from authors.models import Author

    ids = [entry["id"] for entry in entries if entry["id"] is not None]
    return set(Author.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def _write_bylines(article, entries):
    from authors.models import Byline

    ids = [entry["id"] for entry in entries if entry["id"] is not None]
    existing = _existing_authors(entries)
    Byline.objects.filter(article=article).delete()
    Byline.objects.bulk_create([
        Byline(article=article, author_id=author_id, position=position)
        for position, author_id in enumerate(author_id for author_id in ids if author_id in existing)
    ])


def _write_images(article, entries):
    kept = {image.url: image for image in article.images.all()}
    Image.objects.filter(article=article).delete()
    rows = []
    for position, entry in enumerate(entries):
        old = kept.get(entry["url"])
        rows.append(Image(
            article=article, position=position, url=entry["url"],
            title=entry["title"] or None, attribution=entry["attribution"] or None,
            width=old.width if old else entry["width"], height=old.height if old else entry["height"],
            is_cached=old.is_cached if old else False, extra=old.extra if old else {},
            file=old.file if old else None, renditions=old.renditions if old else None,
            cached_at=old.cached_at if old else None,
            picture_id=old.picture_id if old else None, alt=old.alt if old else None,
        ))
    Image.objects.bulk_create(rows)


def _go_live(article, revision, content, source):
    live = live_content(article)
    changed = contents.changed_fields(live, content)
    was_live = article.is_live()
    write_live(article, content, topics="topics" in changed, images="images" in changed,
               bylines="bylines" in changed)
    fields = ["title", "excerpt", "editor_note", "body", "category", "pending_revision",
              "pending_sent_back", "source_values", "edited_fields", "source_changed"]
    if was_live and changed:
        article.modified_at = timezone.now()
        fields.append("modified_at")
    article.pending_revision = None
    article.pending_sent_back = False
    article.source_values = contents.source_differences(content, source) if is_imported(article) else {}
    _save(article, fields)
    if article.is_live():
        revision.was_live = True
        revision.save(update_fields=["was_live"])
    return article.is_live()


def _update_overrides(article, content, source):
    """Edited fields: those where the editor's version differs from the source's."""
    edited = [
        name for name in contents.FIELDS
        if name == "editor_note" and content["editor_note"]
        or name in contents.SOURCE_FIELDS and contents.changed_fields(
            {name: content[name]}, {name: source[name]}
        )
    ]
    article.edited_fields = edited
    article.source_changed = [name for name in article.source_changed if name in edited]


def _save(article, fields):
    article.save(update_fields=[*dict.fromkeys(fields), "updated_at"])


# --- re-imports of touched articles ---------------------------------------------------------


def takes_source_by_field(article, provider):
    """Whether a re-import must merge the file field by field instead of writing it whole."""
    return bool(
        article.edited_fields
        or article.pending_revision_id
        or (provider.review_source_changes and article.status == Article.Status.PUBLISHED)
    )


@dataclass
class ImportMerge:
    """What a re-import does to a touched article (``merge_import``)."""

    live: dict  # the live content after the import
    new_pending: dict | None  # a new pending version to save, or None
    flagged: list  # edited fields whose source value changed
    old_images: dict  # url -> ImageData of the rows before the import
    message: str = ""
    pending_message: str = ""

    def images(self, data):
        """The pictures to insert: the file's own where the live list is the file's, else the kept rows."""
        from .importing.data import ImageData

        by_url = {image.url: image for image in data.images}
        result = []
        for entry in self.live["images"]:
            image = by_url.get(entry["url"]) or self.old_images.get(entry["url"]) or ImageData(url=entry["url"])
            result.append(ImageData(
                url=image.url, width=image.width, height=image.height, is_cached=image.is_cached,
                title=entry["title"] or None, attribution=entry["attribution"] or None, extra=image.extra,
            ))
        return result


def merge_import(article, live, new_source, *, provider):
    """Lay a re-imported file over an article the desk has touched; returns an ``ImportMerge``.

    ``article`` already carries the file's other columns (dates, links,
    scores); this puts back the live text the merge keeps, and updates the
    kept source values and flags. The caller writes the rows and revisions.
    """
    from .importing.data import ImageData

    old_source = contents.overlay(live, article.source_values)
    pending = pending_content(article)
    hold = pending is not None or (
        provider.review_source_changes and article.status == Article.Status.PUBLISHED
    )
    new_live, new_pending, flagged = contents.merge_source(
        live=live, pending=pending, old_source=old_source, new_source=new_source,
        edited=set(article.edited_fields), hold=hold,
    )
    article.title = new_live["title"]
    article.excerpt = new_live["excerpt"]
    article.body = new_live["body"]
    article.category = new_live["category"] or None
    article.source_values = contents.source_differences(new_live, new_source)
    article.source_changed = [*dict.fromkeys([*article.source_changed, *flagged])]
    if contents.changed_fields(live, new_live) and article.is_live():
        article.modified_at = timezone.now()
    changed_pending = new_pending is not None and (
        pending is None or contents.changed_fields(pending, new_pending)
    )
    old_images = {
        image.url: ImageData(
            url=image.url, width=image.width, height=image.height, is_cached=image.is_cached,
            title=image.title, attribution=image.attribution, extra=image.extra,
        )
        for image in article.images.all()
    }
    labels = ", ".join(contents.LABELS[name].lower() for name in flagged)
    held = contents.changed_fields(pending or live, new_pending) if changed_pending else []
    return ImportMerge(
        live=new_live,
        new_pending=new_pending if changed_pending else None,
        flagged=flagged,
        old_images=old_images,
        message=f"Source changed {labels}; the editor's value was kept." if flagged else "",
        pending_message=(
            "Source changes held for review: "
            + ", ".join(contents.LABELS[name].lower() for name in held) + "."
        ) if held else "",
    )
