"""The audit trail and the version claim every write makes; edits, creation and imports.

No silent overwrites: every write claims the article's ``version`` with a
conditional ``UPDATE ... WHERE version = N``, so of two people acting on the
same version exactly one wins and the other gets ``StaleArticle`` naming who
changed it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

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
    """Save a new article (made by hand) as a draft and record who made it."""
    with transaction.atomic():
        article.status = Status.DRAFT
        article.version = 1
        article.save()
        return Transition.objects.create(
            article=article, action=Action.CREATE, to_status=article.status, user=by
        )


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
        note=f"Link {link.pk}, expires {when(link.expires_at)}",
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
