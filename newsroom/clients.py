"""The real client address of a request, behind however many proxies the site trusts.

``TRUSTED_PROXY_COUNT`` says how many proxies stand in front of the app and
append to ``X-Forwarded-For``. With 0 (the default) the address is
``REMOTE_ADDR``: a header any client can write is never believed. With N, the
address is the Nth entry from the right of ``X-Forwarded-For``, the one the
outermost trusted proxy saw; entries further left were written by the client
and are ignored, so a forged header cannot choose the address.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's IP address as a string, or ``""`` when the request does not say."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        # Fewer entries than trusted proxies means the request skipped a proxy:
        # fall back to the peer that connected, never to a client-written entry.
        if len(forwarded) >= proxies:
            remote = forwarded[-proxies]
    return _valid(remote)


def _valid(address):
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""
