"""The editorial workflow: every change of an article's state goes through here.

States: draft -> in review -> published, and from published: unpublished
(withdrawn), archived or killed (withdrawn for legal reasons, for good).
Each step below checks that it is legal from the article's current state and
that the user holds its permission, then writes the change and one audit row
(``Transition``) in one transaction, or raises a ``WorkflowError`` and changes
nothing. The admin's buttons and actions, the importer and the shell all call
these functions; none of them sets ``status`` by hand.

No silent overwrites: every write claims the article's ``version`` with a
conditional ``UPDATE ... WHERE version = N``, so of two people acting on the
same version exactly one wins and the other gets ``StaleArticle`` naming who
changed it. The change itself is then written with ``save(update_fields=...)``
so model signals (cache invalidation) fire.

Visibility is not decided here: ``Article.objects.live()`` compares the
schedule and embargo with the clock at query time, so scheduling only stores
times and needs no job to run later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .bulk import insert_objects
from .models import Article, Correction, ShareLink, Transition

Status = Article.Status
Action = Transition.Action

# Fields only this module writes; an ordinary edit may not touch them.
WORKFLOW_FIELDS = frozenset(
    {"status", "go_live_at", "expire_at", "embargo_until", "version", "modified_at"}
)
_NOT_KILLED = frozenset(set(Status) - {Status.KILLED})


class WorkflowError(Exception):
    """A refused workflow step. ``code`` is stable (for callers and tests); the message is for people."""

    code = "workflow_error"

    def __init__(self, message, *, code=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self):
        return self.message


class TransitionNotAllowed(WorkflowError):
    """The step is not legal from the article's current state, or its input is invalid."""

    code = "illegal_transition"


class NotPermitted(WorkflowError, PermissionDenied):
    """The user lacks the permission the step needs (a 403 if it reaches a view)."""

    code = "not_permitted"


class StaleArticle(WorkflowError):
    """Someone changed the article since the caller read it; nothing was written."""

    code = "stale"

    def __init__(self, message, *, code=None, changed_by=None, changed_at=None):
        super().__init__(message, code=code)
        self.changed_by = changed_by
        self.changed_at = changed_at


@dataclass(frozen=True)
class Step:
    """One kind of workflow step: where it may start, where it leads, who may take it."""

    name: str
    label: str  # button text
    verb: str  # for messages: "You may not <verb> articles."
    permission: str
    sources: frozenset
    target: str | None = None  # None: the state stays as it is
    note_required: bool = False
    # Takes the article off the site: its share links stop working too, or a
    # link would go on showing it (and whatever a later re-import wrote).
    withdraws: bool = False


STEPS = {
    step.name: step
    for step in [
        Step(
            "submit", "Submit for review", "submit", "articles.submit_article",
            frozenset({Status.DRAFT, Status.UNPUBLISHED}), Status.IN_REVIEW,
        ),
        Step(
            "send_back", "Send back to draft", "send back", "articles.send_back_article",
            frozenset({Status.IN_REVIEW}), Status.DRAFT, note_required=True,
        ),
        # Publishers are the reviewers, so they may publish a draft directly.
        Step(
            "publish", "Publish", "publish", "articles.publish_article",
            frozenset({Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED, Status.ARCHIVED}),
            Status.PUBLISHED,
        ),
        Step("schedule", "Schedule", "schedule", "articles.schedule_article", _NOT_KILLED, Status.PUBLISHED),
        Step("embargo", "Embargo", "embargo", "articles.change_article", _NOT_KILLED),
        Step(
            "unpublish", "Unpublish", "unpublish", "articles.unpublish_article",
            frozenset({Status.PUBLISHED}), Status.UNPUBLISHED, withdraws=True,
        ),
        Step(
            "archive", "Archive", "archive", "articles.archive_article",
            frozenset({Status.PUBLISHED, Status.UNPUBLISHED}), Status.ARCHIVED, withdraws=True,
        ),
        Step(
            "correct", "Add correction", "correct", "articles.correct_article",
            frozenset({Status.PUBLISHED}), note_required=True,
        ),
        Step(
            "kill", "Kill", "kill", "articles.kill_article", _NOT_KILLED, Status.KILLED,
            note_required=True, withdraws=True,
        ),
    ]
}


# --- the steps -------------------------------------------------------------


def submit(article, *, by, note="", expected_version=None):
    """Send a draft (or a withdrawn article) to the publishers for review."""
    return _apply(article, STEPS["submit"], by, note=note, expected_version=expected_version)


def send_back(article, *, by, note, expected_version=None):
    """Return an article in review to draft; the note tells the author why."""
    return _apply(article, STEPS["send_back"], by, note=note, expected_version=expected_version)


def publish(article, *, by, note="", expected_version=None):
    """Publish now. An embargo still holds: ``live()`` hides the article until it passes."""
    return _apply(article, STEPS["publish"], by, note=note, expected_version=expected_version)


def schedule(article, *, by, go_live_at=None, expire_at=None, note="", expected_version=None):
    """Publish with a go-live and/or expiry time (None: now / never).

    Publishing an article that is not published yet also needs the publish
    permission. An expiry must lie in the future and after the go-live time.
    """
    step = STEPS["schedule"]
    _check(article, step, by, note, expected_version)
    if expire_at is not None:
        if expire_at <= timezone.now():
            raise TransitionNotAllowed(
                "The expiry time has already passed; unpublish the article instead.",
                code="expiry_in_past",
            )
        if go_live_at is not None and expire_at <= go_live_at:
            raise TransitionNotAllowed(
                "The expiry time must be after the go-live time.", code="expiry_before_go_live"
            )
    return _write(
        article, step, by, note=note, expected_version=expected_version,
        changes={"go_live_at": go_live_at, "expire_at": expire_at},
    )


def set_embargo(article, *, by, until, note="", expected_version=None):
    """Set, move or lift (``until=None``) the embargo.

    Anyone who may change articles may hold a story back; bringing a published
    article's embargo forward or lifting it lets readers see it sooner, so that
    needs the publish permission.
    """
    step = STEPS["embargo"]
    _check(article, step, by, note, expected_version)
    current = article.embargo_until
    loosens = current is not None and current > timezone.now() and (until is None or until < current)
    if loosens and article.status == Status.PUBLISHED and not by.has_perm(STEPS["publish"].permission):
        raise NotPermitted("You may not lift or shorten the embargo of a published article.")
    return _write(
        article, step, by, note=note, expected_version=expected_version,
        changes={"embargo_until": until},
    )


def unpublish(article, *, by, note="", expected_version=None):
    """Withdraw a published article; it may be submitted or published again later.

    Its share links stop working: a new one may be made for the next draft.
    """
    return _apply(article, STEPS["unpublish"], by, note=note, expected_version=expected_version)


def archive(article, *, by, note="", expected_version=None):
    """Take a published or withdrawn article off the site and keep it for the record.

    Its share links stop working.
    """
    return _apply(article, STEPS["archive"], by, note=note, expected_version=expected_version)


def correct(article, *, by, note, expected_version=None):
    """Attach a dated correction to a live article; returns the ``Correction``.

    The note is shown to readers and the article's modified date moves to now.
    """
    step = STEPS["correct"]
    _check(article, step, by, note, expected_version)
    now = timezone.now()
    with transaction.atomic():
        _write(
            article, step, by, note=note, expected_version=expected_version,
            changes={"modified_at": now},
        )
        return Correction.objects.create(article=article, note=note, created_at=now, created_by=by)


def kill(article, *, by, note, expected_version=None):
    """Withdraw an article for legal reasons, for good: its URL answers 410 Gone.

    Share links to it stop working too.
    """
    return _apply(article, STEPS["kill"], by, note=note, expected_version=expected_version)


# --- edits, creation, imports ----------------------------------------------


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
        _claim(article, expected_version)
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
        raise _stale(article)


def record_import(articles: Iterable[Article], *, user=None, created=True):
    """Add one audit row per imported article, in one query.

    For the importer, which writes articles in bulk and sets a new article's
    first state itself. ``created=False`` records a re-import of existing
    articles, so the trail names the import as their latest change.
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
        note=f"Link {link.pk}, expires {_when(link.expires_at)}",
    )


def take(step_name, article, *, by, **options):
    """Take the step called ``step_name``: for callers that choose it at run time (admin buttons)."""
    if step_name not in _FUNCTIONS:
        raise TransitionNotAllowed(f"There is no workflow step called {step_name!r}.", code="unknown_step")
    return _FUNCTIONS[step_name](article, by=by, **options)


# --- questions the admin asks ----------------------------------------------


def visibility(article, now=None):
    """``(code, explanation)``: whether readers see ``article`` now, and if not, why and until when.

    Follows ``Article.is_live()``; an embargo is named first because it beats
    everything else.
    """
    now = now or timezone.now()
    if article.status != Status.PUBLISHED:
        return "hidden", f"Not public: {article.get_status_display().lower()}."
    if article.embargo_until and article.embargo_until > now:
        return "embargoed", (
            f"Embargoed until {_when(article.embargo_until)}: no public page, feed, sitemap "
            "or search shows it before then, although it is published."
        )
    if article.go_live_at and article.go_live_at > now:
        return "scheduled", f"Scheduled: goes live at {_when(article.go_live_at)}."
    if article.expire_at and article.expire_at <= now:
        return "expired", f"Expired at {_when(article.expire_at)}."
    if article.expire_at:
        return "live", f"Live until {_when(article.expire_at)}."
    return "live", "Live."


def why_not(user, step_name, article=None):
    """The refusal the step would meet (a ``WorkflowError``, not raised), or None if it may be taken.

    Checks the user's permission, and with ``article`` its state too; the
    step's own input (notes, times) is checked when it is taken.
    """
    step = STEPS[step_name]
    if user is None or not user.has_perm(step.permission):
        return NotPermitted(f"You may not {step.verb} articles.")
    if article is None:
        return None
    if article.status not in step.sources:
        return TransitionNotAllowed(
            f"You cannot {step.verb} an article that is {article.get_status_display().lower()}.",
            code="illegal_transition",
        )
    if step_name == "correct" and not article.is_live():
        return TransitionNotAllowed(
            "Only a live article can carry a correction; edit it before it goes live.", code="not_live"
        )
    if step_name == "schedule" and article.status != Status.PUBLISHED:
        # Scheduling an unpublished article publishes it.
        return why_not(user, "publish")
    return None


def may(user, step_name, article=None):
    """Whether ``user`` may take the step (on ``article``, if given, in its current state)."""
    return why_not(user, step_name, article) is None


def available_steps(article, user):
    """The steps ``user`` may take on ``article`` now, in workflow order (for buttons)."""
    return [step for name, step in STEPS.items() if may(user, name, article)]


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


# --- bulk ------------------------------------------------------------------


@dataclass
class BulkReport:
    """What a bulk step did to each article, for the admin's per-article report."""

    done: list = field(default_factory=list)
    not_allowed: list = field(default_factory=list)  # (article, reason)
    illegal: list = field(default_factory=list)  # (article, reason)
    changed: list = field(default_factory=list)  # (article, reason)


def apply_many(step_name, articles, *, by, versions=None, **options):
    """Take one step on many articles, each on its own; returns a ``BulkReport``.

    ``versions`` maps article ids to the version the user saw (from the list
    page): an article that changed since is skipped and reported, never
    overwritten. One refusal does not stop the others.
    """
    versions = versions or {}
    report = BulkReport()
    for article in articles:
        try:
            take(step_name, article, by=by, expected_version=versions.get(article.pk), **options)
        except StaleArticle as error:
            report.changed.append((article, error.message))
        except NotPermitted as error:
            report.not_allowed.append((article, error.message))
        except WorkflowError as error:
            report.illegal.append((article, error.message))
        else:
            report.done.append(article)
    return report


# --- internals -------------------------------------------------------------


def _apply(article, step, by, *, note, expected_version, changes=None):
    _check(article, step, by, note, expected_version)
    return _write(article, step, by, note=note, expected_version=expected_version, changes=changes)


def _check(article, step, by, note, expected_version):
    if expected_version is not None and expected_version != article.version:
        raise _stale(article)
    refusal = why_not(by, step.name, article)
    if refusal is not None:
        raise refusal
    if step.note_required and not note.strip():
        raise TransitionNotAllowed(f"Say why you {step.verb} it: a note is required.", code="note_required")


def _write(article, step, by, *, note, expected_version, changes=None):
    changes = dict(changes or {})
    if step.target is not None:
        changes["status"] = step.target
    from_status = article.status
    with transaction.atomic():
        _claim(article, expected_version)
        for name, value in changes.items():
            setattr(article, name, value)
        article.save(update_fields=[*changes, "version", "updated_at"])
        entry = Transition.objects.create(
            article=article, action=step.name, from_status=from_status,
            to_status=article.status, user=by, note=note,
        )
        if step.withdraws:
            ShareLink.objects.filter(article=article, revoked_at__isnull=True).update(
                revoked_at=entry.at, revoked_by=by
            )
        return entry


def _claim(article, expected_version):
    """Take the next version, or raise ``StaleArticle`` if someone else took it first.

    The WHERE clause makes this atomic in the database: of two concurrent
    claims on version N, exactly one updates a row.
    """
    expected = article.version if expected_version is None else expected_version
    claimed = Article.objects.filter(pk=article.pk, version=expected, status=article.status).update(
        version=expected + 1
    )
    if not claimed:
        raise _stale(article)
    article.version = expected + 1


def _stale(article):
    change = last_change(article)
    if change is None:
        return StaleArticle("This article no longer exists.", code="deleted")
    user, at, what = change
    return StaleArticle(
        f"This article was changed by {describe_user(user)} ({what}) at {_when(at, seconds=True)}, "
        "after you opened it.",
        changed_by=user, changed_at=at,
    )


def _when(moment, seconds=False):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else "") + " %Z")


_FUNCTIONS = {
    "submit": submit,
    "send_back": send_back,
    "publish": publish,
    "schedule": schedule,
    "embargo": set_embargo,
    "unpublish": unpublish,
    "archive": archive,
    "correct": correct,
    "kill": kill,
}
