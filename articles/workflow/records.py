"""The audit trail and the version claim every write makes; edits, creation and imports.

No silent overwrites: every write claims the article's ``version`` with a
conditional ``UPDATE ... WHERE version = N``, so of two people acting on the
same version exactly one wins and the other gets ``StaleArticle`` naming who
changed it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from revisions import content as contents

from .. import editorial
from ..bulk import insert_objects
from ..models import Article, Transition
from .errors import NotPermitted, StaleArticle
from .visibility import when

Status = Article.Status
Action = Transition.Action

# Fields only the workflow writes; an ordinary edit may not touch them.
WORKFLOW_FIELDS = frozenset(
    {"status", "go_live_at", "expire_at", "embargo_until", "version", "modified_at"}
)


def create(article, *, by):
    """Save a new article (made by hand) as a draft and record who made it, and its first revision.

    A caller that adds topics or pictures afterwards (the admin's form saves
    them after the article row) calls ``creation_completed`` once they are in.
    """
    with transaction.atomic():
        article.status = Status.DRAFT
        article.version = 1
        article.save()
        editorial.record_creation(article, by=by)
        return Transition.objects.create(
            article=article, action=Action.CREATE, to_status=article.status, user=by
        )


def creation_completed(article):
    """Bring the first revision up to date with the rows saved after ``create`` (topics, pictures)."""
    article.revisions.filter(origin=editorial.Origin.CREATE).update(content=editorial.live_content(article))


def save_content(article, content, *, by, expected_version, message="", publish=False, fields=()):
    """Save an editor's ``content`` (the ``revisions.content`` shape) made on ``expected_version``.

    The one way the admin saves what readers see: the version claim, the
    editorial layer (``editorial.save_content``: on a published article the
    content becomes the pending version unless ``publish``) and one audit row
    with the old and new value of each changed field, in one transaction.
    ``fields`` names other columns the caller already set on ``article`` (a
    hand-made article's provider, dates, links); they are written too.
    Returns ``editorial.Saved``; nothing is recorded when nothing changed.
    """
    if not by.has_perm("articles.change_article"):
        raise NotPermitted("You may not change articles.")
    publishes = publish and editorial.holds_changes(article)
    if publishes and not by.has_perm("articles.publish_article"):
        raise NotPermitted("You may not publish changes of articles.")
    fields = [name for name in fields if name not in contents.FIELDS]
    forbidden = WORKFLOW_FIELDS.intersection(fields)
    if forbidden:
        raise ValueError(f"save_content() does not write workflow fields: {sorted(forbidden)}")
    with transaction.atomic():
        others = _column_changes(article, fields)
        before = editorial.live_content(article) if publishes else editorial.editable_content(article)
        had_pending = article.pending_revision_id is not None
        if not others and not contents.changed_fields(editorial.editable_content(article), content) and not (
            publishes and had_pending
        ):
            return editorial.Saved()
        claim(article, expected_version)
        article.save(update_fields=[*others, "version", "updated_at"])
        saved = editorial.save_content(article, content, by=by, message=message, publish=publish)
        after = editorial.live_content(article) if publishes else contents.normalise(content)
        Transition.objects.create(
            article=article, action=Action.PUBLISH_CHANGES if publishes else Action.EDIT,
            from_status=article.status, to_status=article.status, user=by, note=message,
            changes={**content_changes(before, after), **others},
        )
        return saved


def _column_changes(article, fields):
    """``{field: [stored, new]}`` for the columns in ``fields`` whose value on ``article`` differs."""
    attnames = {name: Article._meta.get_field(name).attname for name in fields}
    stored = Article.objects.filter(pk=article.pk).values(*attnames.values()).first() or {} if fields else {}
    return {
        name: audit_pair(name, stored.get(attname), getattr(article, attname))
        for name, attname in attnames.items() if stored.get(attname) != getattr(article, attname)
    }


def use_source(article, names, *, by, expected_version):
    """Take the source's value of the fields ``names`` back (the "Use the source's" button).

    Through the version claim and audited like any edit; on a published
    article the result is the pending version, as an editor's save would be.
    """
    if not by.has_perm("articles.change_article"):
        raise NotPermitted("You may not change articles.")
    names = [name for name in names if name in contents.SOURCE_FIELDS]
    with transaction.atomic():
        before = editorial.editable_content(article)
        claim(article, expected_version)
        article.save(update_fields=["version", "updated_at"])
        saved = editorial.use_source(article, names, by=by)
        after = editorial.editable_content(article)
        Transition.objects.create(
            article=article, action=Action.EDIT, from_status=article.status, to_status=article.status,
            user=by, note=saved.revision.message if saved.revision else "",
            changes=content_changes(before, after),
        )
        return saved


# --- old and new values for the audit trail ------------------------------------------------

# A longer text is stored clipped, with its word count; its revision has the whole.
AUDIT_TEXT_LIMIT = 200


def content_changes(old, new):
    """``{field: [old, new]}`` for the content fields that differ between two content dicts."""
    old, new = contents.normalise(old), contents.normalise(new)
    return {name: audit_pair(name, old[name], new[name]) for name in contents.changed_fields(old, new)}


def audit_pair(name, old, new):
    return [audit_value(name, old), audit_value(name, new)]


def audit_value(name, value):
    """``value`` as short, plain JSON for the audit trail."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if name == "topics":
        return ", ".join(value)
    if name == "bylines":
        return contents.byline_text(value)
    if name == "images":
        return " | ".join(
            (image["title"] or image["url"]) + (f" ({image['attribution']})" if image["attribution"] else "")
            for image in value
        )
    if isinstance(value, str) and len(value) > AUDIT_TEXT_LIMIT:
        return f"{value[:AUDIT_TEXT_LIMIT]}… ({len(value.split()):,} words)"
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def save_edit(article, *, by, expected_version, fields, note=""):
    """Save an edit of ``fields`` (content, not workflow state) made on ``expected_version``.

    Raises ``StaleArticle`` if the article changed since that version.
    """
    if not by.has_perm("articles.change_article"):
        raise NotPermitted("You may not change articles.")
    forbidden = WORKFLOW_FIELDS.intersection(fields)
    if forbidden:
        raise ValueError(f"save_edit() does not write workflow fields: {sorted(forbidden)}")
    with transaction.atomic():
        claim(article, expected_version)
        article.save(update_fields=[*fields, "version", "updated_at"])
        return Transition.objects.create(
            article=article, action=Action.EDIT, from_status=article.status,
            to_status=article.status, user=by, note=note,
        )


def check_version(article, expected_version):
    """Raise ``StaleArticle`` unless the stored article is still at ``expected_version``.

    The row stays locked until the caller's transaction ends (where the
    database can lock rows), so the save that follows cannot be overtaken.
    """
    with transaction.atomic():
        current = (
            Article.objects.select_for_update().filter(pk=article.pk).values_list("version", flat=True).first()
        )
    if current is None or current != expected_version:
        raise stale(article)


# --- imports -----------------------------------------------------------------


def imported_status(published):
    """The first state of an article an import creates: the file says whether it is published.

    The one place an article enters the workflow other than ``create``; the
    import's audit row (``record_import``) names the state it was given.
    """
    return Status.PUBLISHED if published else Status.DRAFT


def reimported(article):
    """Take the next version of an existing article a re-import is about to overwrite.

    For the importer, which holds the article's row lock (``select_for_update``)
    and then writes many articles with one bulk update: an editor's form or a
    step opened on the old version is refused as stale instead of overwriting
    the import. Record the import with ``record_import(..., created=False)``.
    """
    article.version += 1
    return article


def record_import(articles: Iterable[Article], *, user=None, created=True):
    """Add one audit row per imported article, in one query.

    For the importer, which writes articles in bulk and sets a new article's
    first state itself (``imported_status``). ``created=False`` records a
    re-import of existing articles, so the trail names the import as their
    latest change.
    """
    now = timezone.now()
    insert_objects(
        Transition,
        [
            Transition(
                article=article, action=Action.IMPORT, from_status="" if created else article.status,
                to_status=article.status, user=user, at=now,
            )
            for article in articles
        ],
    )


def record_bulk_edit(articles: Iterable[Article], *, by, note):
    """Add one "edited" audit row per article, in one query, for bulk content changes
    made outside the workflow (a provider merge moving articles)."""
    now = timezone.now()
    return Transition.objects.bulk_create(
        Transition(
            article=article, action=Action.EDIT, from_status=article.status,
            to_status=article.status, user=by, at=now, note=note,
        )
        for article in articles
    )


def record_share(link, *, by, revoked=False):
    """Audit the creation or revocation of a share link (the article itself does not change)."""
    article = link.article
    return Transition.objects.create(
        article=article, action=Action.REVOKE_SHARE if revoked else Action.SHARE,
        from_status=article.status, to_status=article.status, user=by,
        note=f"Link {link.pk}{' to the changes awaiting review' if link.shows_pending else ''}, "
             f"expires {when(link.expires_at)}",
    )


# --- who changed it ------------------------------------------------------------


def last_change(article):
    """``(user, when, what)`` of the latest recorded change, or ``None``.

    When the article's row is newer than its audit trail (a bulk import that
    recorded nothing), the user is unknown.
    """
    row = Article.objects.filter(pk=article.pk).values("updated_at").first()
    entry = article.transitions.select_related("user").order_by("-at", "-id").first()
    if row is None:
        return None
    if entry is not None and entry.at >= row["updated_at"]:
        return entry.user, entry.at, entry.get_action_display().lower()
    return None, row["updated_at"], "changed"


def describe_user(user):
    """A person's name for messages: full name, else username."""
    if user is None:
        return "an import or a script"
    return user.get_full_name() or user.get_username()


def claim(article, expected_version):
    """Take the next version, or raise ``StaleArticle`` if someone else took it first.

    The WHERE clause makes this atomic in the database: of two concurrent
    claims on version N, exactly one updates a row.
    """
    expected = article.version if expected_version is None else expected_version
    claimed = Article.objects.filter(pk=article.pk, version=expected, status=article.status).update(
        version=expected + 1
    )
    if not claimed:
        raise stale(article)
    article.version = expected + 1


def stale(article):
    """The ``StaleArticle`` refusal naming whoever changed ``article`` last."""
    change = last_change(article)
    if change is None:
        return StaleArticle("This article no longer exists.", code="deleted")
    user, at, what = change
    return StaleArticle(
        f"This article was changed by {describe_user(user)} ({what}) at {when(at, seconds=True)}, "
        "after you opened it.",
        changed_by=user, changed_at=at,
    )
