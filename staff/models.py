"""What the staff app keeps: the security audit log and each staff sign-in's session record."""

import uuid

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One security event: a sign-in, a failure, a lockout, a factor change, a session end."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        PASSWORD_ACCEPTED = "password_accepted", "Password accepted, second factor pending"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor refused"
        RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
        LOCKED_OUT = "locked_out", "Locked out"
        LOCKOUT_CLEARED = "lockout_cleared", "Lockout cleared"
        FACTOR_ADDED = "factor_added", "Second factor added"
        FACTOR_REMOVED = "factor_removed", "Second factor removed"
        FACTORS_RESET = "factors_reset", "Second factors reset"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        SESSION_ENDED = "session_ended", "Session ended"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    # The account concerned (kept as typed for failures, when there may be no such user).
    username = models.CharField(max_length=150, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who did it, when someone else did (a publisher clearing a lockout, a reset command).
    actor = models.CharField(max_length=150, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["username", "kind", "address"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.username}"


class StaffSessionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)


class StaffSession(models.Model):
    """A signed-in session, so its owner can see it and end it whatever the session engine.

    The session itself only holds this record's id; the middleware signs the
    session out as soon as the record is ended, idle or too old.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_sessions")
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=100, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = StaffSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self):
        return f"{self.user} since {self.started_at:%Y-%m-%d %H:%M}"
