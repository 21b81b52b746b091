"""The editorial workflow: every change of an article's state goes through here.

States: draft -> in review -> published, and from published: unpublished
(withdrawn), archived or killed (withdrawn for legal reasons, for good).
Each step is one class in ``steps`` (registered in ``STEPS``): it checks that
it is legal from the article's current state and that the user holds its
permission, then writes the change and one audit row (``Transition``) in one
transaction, or raises a ``WorkflowError`` and changes nothing. The admin's
buttons, step pages and bulk actions are derived from the registry; the
importer and the shell call the functions here; none of them sets ``status``
by hand.

No silent overwrites: every write claims the article's ``version`` with a
conditional ``UPDATE ... WHERE version = N``, so of two people acting on the
same version exactly one wins and the other gets ``StaleArticle`` naming who
changed it. The change itself is then written with ``save(update_fields=...)``
so model signals (cache invalidation) fire.

Visibility is not decided here: ``Article.objects.live()`` compares the
schedule and embargo with the clock at query time, so scheduling only stores
times and needs no job to run later. ``visibility()`` explains it to people.
"""

from .errors import NotPermitted, StaleArticle, TransitionNotAllowed, WorkflowError
from .forms import EmbargoForm, Notice, ScheduleForm, StepForm
from .records import (
    WORKFLOW_FIELDS,
    check_version,
    content_changes,
    create,
    creation_completed,
    describe_user,
    imported_status,
    last_change,
    record_bulk_edit,
    record_import,
    record_share,
    reimported,
    save_content,
    save_edit,
    use_source,
)
from .steps import STEPS, Step, register
from .taking import BulkReport, apply_many, available_steps, get_step, may, take, why_not
from .visibility import Visibility, visibility, when

__all__ = [
    "STEPS", "WORKFLOW_FIELDS", "BulkReport", "EmbargoForm", "Notice", "NotPermitted", "ScheduleForm",
    "StaleArticle", "Step", "StepForm", "TransitionNotAllowed", "Visibility", "WorkflowError",
    "apply_many", "archive", "available_steps", "check_version", "content_changes", "correct", "create",
    "creation_completed", "describe_user", "get_step", "imported_status", "kill", "last_change", "may",
    "publish", "publish_changes", "record_bulk_edit", "record_import", "record_share", "register",
    "reimported", "save_content", "save_edit", "schedule", "send_back", "send_back_changes", "set_embargo",
    "submit", "take", "unpublish", "use_source", "visibility", "when", "why_not",
]


# --- each step by name, for code that knows which one it takes ---------------------------


def submit(article, *, by, note="", expected_version=None):
    """Send a draft (or a withdrawn article) to the publishers for review."""
    return STEPS["submit"].execute(article, by=by, note=note, expected_version=expected_version)


def send_back(article, *, by, note, expected_version=None):
    """Return an article in review to draft; the note tells the author why."""
    return STEPS["send_back"].execute(article, by=by, note=note, expected_version=expected_version)


def publish(article, *, by, note="", expected_version=None):
    """Publish now. An embargo still holds until it passes."""
    return STEPS["publish"].execute(article, by=by, note=note, expected_version=expected_version)


def schedule(article, *, by, go_live_at=None, expire_at=None, note="", expected_version=None):
    """Publish with a go-live and/or expiry time (None: now / never)."""
    return STEPS["schedule"].execute(
        article, by=by, note=note, expected_version=expected_version, go_live_at=go_live_at, expire_at=expire_at
    )


def set_embargo(article, *, by, until, note="", expected_version=None):
    """Set, move or lift (``until=None``) the embargo."""
    return STEPS["embargo"].execute(article, by=by, note=note, expected_version=expected_version, until=until)


def unpublish(article, *, by, note="", expected_version=None):
    """Withdraw a published article; its share links stop working."""
    return STEPS["unpublish"].execute(article, by=by, note=note, expected_version=expected_version)


def archive(article, *, by, note="", expected_version=None):
    """Take a published or withdrawn article off the site and keep it for the record."""
    return STEPS["archive"].execute(article, by=by, note=note, expected_version=expected_version)


def correct(article, *, by, note, expected_version=None):
    """Attach a dated correction to a live article; returns the ``Correction``."""
    return STEPS["correct"].execute(article, by=by, note=note, expected_version=expected_version)


def publish_changes(article, *, by, note="", expected_version=None):
    """Make a published article's pending version live; readers see "Updated"."""
    return STEPS["publish_changes"].execute(article, by=by, note=note, expected_version=expected_version)


def send_back_changes(article, *, by, note, expected_version=None):
    """Return a pending version to its editor with a note; readers keep the live one."""
    return STEPS["send_back_changes"].execute(article, by=by, note=note, expected_version=expected_version)


def kill(article, *, by, note, expected_version=None):
    """Withdraw an article for legal reasons, for good: its URL answers 410 Gone."""
    return STEPS["kill"].execute(article, by=by, note=note, expected_version=expected_version)
