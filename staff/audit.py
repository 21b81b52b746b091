"""Writing the security audit log: every receiver and workflow step calls ``record``."""

import logging

from newsroom.clients import client_address

from .models import AuditEvent

logger = logging.getLogger(__name__)


def record(kind, *, request=None, user=None, username="", actor="", detail=""):
    """Add one event; the address and browser come from ``request`` when there is one."""
    if user is not None and not username:
        username = user.get_username()
    address = client_address(request) if request is not None else ""
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    event = AuditEvent.objects.create(
        kind=kind, user=user if user is not None and user.pk else None,
        username=(username or "")[:150], actor=(actor or "")[:150], address=address or None,
        user_agent=agent[:300], detail=(detail or "")[:300],
    )
    logger.info("Security event: %s", kind, extra={"username": event.username, "address": address})
    return event
