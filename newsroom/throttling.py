"""Admin sign-in throttling, counted in the shared cache so every app server agrees.

Failures are counted per user name and per client address over a window of
``LOGIN_LOCKOUT_SECONDS``. Past ``LOGIN_FAILURES_PER_USER`` failures for one
name, or ``LOGIN_FAILURES_PER_ADDRESS`` from one address, sign-in is refused
without even checking the password (so guessing gains nothing) until the
window ends. A correct password clears the user name's count.

The client address is ``REMOTE_ADDR``: behind a proxy that is the proxy's,
so the per-address limit then protects the whole site and the per-user limit
does the finer work. If the cache is down, sign-in still works, unthrottled:
locking every editor out is the worse failure.
"""

import hashlib
import logging
import math

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)


def _key(kind, value):
    # Hashed: user names and addresses are personal data, and cache keys get listed.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _keys(request, username):
    keys = []
    if username:
        keys.append((_key("user", username.casefold()), settings.LOGIN_FAILURES_PER_USER))
    address = request.META.get("REMOTE_ADDR") if request else None
    if address:
        keys.append((_key("address", address), settings.LOGIN_FAILURES_PER_ADDRESS))
    return keys


def is_locked_out(request, username):
    """Whether sign-in for ``username`` from this request's address is refused for now."""
    try:
        counts = cache.get_many([key for key, _ in _keys(request, username)])
    except Exception:
        logger.exception("Login throttling unavailable: the cache cannot be reached")
        return False
    return any(counts.get(key, 0) >= limit for key, limit in _keys(request, username))


def record_failure(request, username):
    """Count one failed sign-in for the user name and the address."""
    for key, _ in _keys(request, username):
        try:
            # add() starts the window; incr() keeps its expiry.
            if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
                cache.incr(key)
        except ValueError:
            # The count expired between add() and incr(): start again.
            cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS)
        except Exception:
            logger.exception("Login throttling unavailable: the cache cannot be reached")
            return
    logger.warning("Failed admin sign-in", extra={"address": request.META.get("REMOTE_ADDR")})


def clear_failures(username):
    """Forget the user name's failures (after a correct password)."""
    try:
        cache.delete(_key("user", username.casefold()))
    except Exception:
        logger.exception("Login throttling unavailable: the cache cannot be reached")


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing sign-in after too many failures."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": (
            "Too many failed sign-in attempts. For your security, sign-in is paused: "
            "try again in %(minutes)s minutes."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if is_locked_out(self.request, username):
            minutes = math.ceil(settings.LOGIN_LOCKOUT_SECONDS / 60)
            raise ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": minutes}
            )
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                record_failure(self.request, username)
            raise
        clear_failures(username)
        return cleaned
