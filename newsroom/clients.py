"""Who is asking: the client's address, as far as the declared proxies can vouch for it.

``TRUSTED_PROXY_COUNT`` says how many proxies (load balancer, CDN, nginx) sit
in front of the app servers, each appending the address it received the
request from to ``X-Forwarded-For``. With none (the default) the client is
``REMOTE_ADDR``: the header is then the client's own words and worth nothing.
With N, the client is the Nth address from the right of that header: the
ones to its left were written by the client and may be anything.

Every per-client limit (search, sign-in) asks here, so there is one answer.
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
        if len(forwarded) >= proxies and _valid(forwarded[-proxies]):
            return _valid(forwarded[-proxies])
        # A garbled entry vouches for nothing either: the connection's address it is.
    return _valid(remote)


def _valid(address):
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""
