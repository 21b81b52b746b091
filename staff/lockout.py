"""Sign-in lockout that an attacker cannot turn against the desk.

django-axes counts failures in the database (``AccessAttempt``), so flooding
the cache cannot erase them, and locks one *user name and address pair* after
``LOGIN_FAILURES_PER_USER_ADDRESS`` failures: someone guessing from one address
locks only themselves, never the colleague behind the same office address.

On top of it, ``LOGIN_FAILURES_PER_USER`` failures for one user name from
anywhere (a guess spread over many addresses) lock that name too, but only from
addresses it has not fully signed in from in the last ``LOGIN_KNOWN_ADDRESS_DAYS``:
the owner at a known-good address still gets in. Both end
``LOGIN_LOCKOUT_SECONDS`` after the last failure, or when a publisher deletes the
attempts in the admin (Access attempts).
"""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from .models import AuditEvent


def username_of(request, credentials):
    """The user name axes counts under: case-folded, so "Editor" and "editor" count together."""
    username = (credentials or {}).get("username") or ""
    return username.casefold()


def failures_for_user(username):
    """Failed sign-ins for ``username`` from any address within the lockout window."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    total = AccessAttempt.objects.filter(
        username=username.casefold(), attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


def is_known_address(username, address):
    """Whether ``username`` fully signed in from ``address`` recently."""
    if not address:
        return False
    since = timezone.now() - timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
    return AuditEvent.objects.filter(
        username__iexact=username, kind=AuditEvent.Kind.SIGNED_IN, address=address, at__gte=since
    ).exists()


def user_locked_out(username, address):
    """Whether sign-in as ``username`` from ``address`` is refused by the per-user limit."""
    if not username or failures_for_user(username) < settings.LOGIN_FAILURES_PER_USER:
        return False
    return not is_known_address(username, address)
