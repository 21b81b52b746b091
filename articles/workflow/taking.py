"""Taking steps by name: for callers that choose the step at run time (the admin, the shell, scripts)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import NotPermitted, StaleArticle, TransitionNotAllowed, WorkflowError
from .steps import STEPS


def get_step(step_name):
    """The registered step called ``step_name``, or ``TransitionNotAllowed``."""
    step = STEPS.get(step_name)
    if step is None:
        raise TransitionNotAllowed(f"There is no workflow step called {step_name!r}.", code="unknown_step")
    return step


def take(step_name, article, *, by, **options):
    """Take the step called ``step_name`` (see ``Step.execute`` for the options)."""
    return get_step(step_name).execute(article, by=by, **options)


def why_not(user, step_name, article=None):
    """The refusal the step would meet (a ``WorkflowError``, not raised), or None if it may be taken.

    Checks the user's permission, and with ``article`` its state too; the
    step's own input (notes, times) is checked when it is taken.
    """
    return STEPS[step_name].refusal(user, article)


def may(user, step_name, article=None):
    """Whether ``user`` may take the step (on ``article``, if given, in its current state)."""
    return why_not(user, step_name, article) is None


def available_steps(article, user):
    """The steps ``user`` may take on ``article`` now, in workflow order (for the change form's buttons).

    A step without a button (``Step.button``) is left out: it is opened from
    the page where its choice is made.
    """
    return [step for step in STEPS.values() if step.button and step.refusal(user, article) is None]


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
    step = get_step(step_name)
    versions = versions or {}
    report = BulkReport()
    for article in articles:
        try:
            step.execute(article, by=by, expected_version=versions.get(article.pk), **options)
        except StaleArticle as error:
            report.changed.append((article, error.message))
        except NotPermitted as error:
            report.not_allowed.append((article, error.message))
        except WorkflowError as error:
            report.illegal.append((article, error.message))
        else:
            report.done.append(article)
    return report
