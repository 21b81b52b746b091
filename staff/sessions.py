"""Staff sessions as records their owner can list and end, with idle and maximum ages.

The Django session holds only ``SESSION_KEY``, the id of a ``StaffSession``.
Ending a record (by its owner, a password or factor change, idle time or age)
signs that session out at its next request, whatever ``SESSION_ENGINE`` keeps
sessions in, signed cookies included.
"""

import contextvars
import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from newsroom.clients import client_address

from . import audit
from .models import AuditEvent, StaffSession

SESSION_KEY = "staff_session"
# Writing last use on every request would cost a write per admin click.
TOUCH_EVERY = timedelta(seconds=60)

# The session of the request being served, so that a password or factor change
# made in it ends the user's *other* sessions.
current = contextvars.ContextVar("staff_session", default=None)


def start(request, user):
    """Open a record for a new sign-in and tie the session to it."""
    record = StaffSession.objects.create(
        user=user, address=client_address(request) or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    request.session[SESSION_KEY] = str(record.pk)
    current.set(record.pk)
    return record


def end(record, reason, *, request=None):
    """End one session (it signs out at its next request) and log it."""
    updated = StaffSession.objects.filter(pk=record.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )
    if updated:
        audit.record(AuditEvent.Kind.SESSION_ENDED, request=request, user=record.user, detail=reason)
    return bool(updated)


def end_others(user, reason, *, keep_current=True):
    """End every session of ``user`` but the one serving this request (unless told to end all)."""
    keep = current.get() if keep_current else None
    others = StaffSession.objects.active().filter(user=user)
    if keep is not None:
        others = others.exclude(pk=keep)
    ended = others.update(ended_at=timezone.now(), end_reason=reason)
    if ended:
        audit.record(AuditEvent.Kind.SESSION_ENDED, user=user, detail=f"{reason} ({ended} other session(s))")
    return ended


def record_of(session):
    """The record a session points at, or None (none, unknown, or not a valid id)."""
    try:
        record_id = uuid.UUID(str(session.get(SESSION_KEY)))
    except ValueError:
        return None
    return StaffSession.objects.filter(pk=record_id).first()


def check(request):
    """The live record of this request's session, or None when it must sign out (ended, idle, too old)."""
    record = record_of(request.session)
    if record is None or record.user_id != request.user.pk or record.ended_at is not None:
        return None
    now = timezone.now()
    if now - record.last_seen_at > timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS):
        end(record, "idle too long", request=request)
        return None
    if now - record.started_at > timedelta(seconds=settings.STAFF_SESSION_MAX_AGE_SECONDS):
        end(record, "reached its maximum age", request=request)
        return None
    if now - record.last_seen_at > TOUCH_EVERY:
        StaffSession.objects.filter(pk=record.pk).update(last_seen_at=now)
    return record
