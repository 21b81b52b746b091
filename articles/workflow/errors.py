"""The refusals of the workflow: each has a stable ``code`` for callers and a message for people."""

from django.core.exceptions import PermissionDenied


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
