"""Who may read ``/metrics``: a bearer token, or an address in ``METRICS_ALLOW``.

Everyone else gets the site's ordinary 404, so the page does not even show
that it exists. The client's address is ``newsroom.clients.client_address``
(``TRUSTED_PROXY_COUNT``-aware): behind a proxy on the same machine, a
``REMOTE_ADDR`` of 127.0.0.1 alone must not open the page to the world.
"""

import functools
import hmac
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from newsroom.clients import client_address

DEFAULT_ALLOW = ("127.0.0.1/32", "::1/128")


@functools.cache
def _networks(allow):
    networks = []
    for entry in allow:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"METRICS_ALLOW: {entry!r} is not an IP address or network (CIDR, like 10.0.0.0/8)."
            ) from None
    return tuple(networks)


def allowed_networks():
    """``METRICS_ALLOW`` as ip_network objects (an empty list allows no address)."""
    return _networks(tuple(getattr(settings, "METRICS_ALLOW", DEFAULT_ALLOW)))


def has_token(request):
    expected = getattr(settings, "METRICS_TOKEN", "")
    if not expected:
        return False
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    # Constant time: how much of a guess was right must not show in the answer's timing.
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def from_allowed_address(request):
    address = client_address(request)
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:  # ::ffff:127.0.0.1 from a dual-stack socket
        ip = ip.ipv4_mapped
    return any(ip.version == network.version and ip in network for network in allowed_networks())


def may_read_metrics(request):
    return has_token(request) or from_allowed_address(request)
