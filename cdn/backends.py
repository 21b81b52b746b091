"""Purge-by-key clients for the frontend caches the site can sit behind.

Each backend takes a list of surrogate keys and asks its cache to drop every
object carrying any of them; it raises :class:`PurgeFailed` when the cache
refuses or cannot be reached, and the purge task retries. Chosen and
configured by settings (``CDN_PURGE_BACKEND`` and its variables), as
``wagtail.contrib.frontend_cache`` does.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TIMEOUT_SECONDS = 10


class PurgeFailed(Exception):
    """The cache did not confirm the purge (HTTP error, refusal, or unreachable)."""


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _post(method, url, *, headers, json_body=None):
    """Send one purge request (the standard library's HTTP client); returns the body text."""
    data = None
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers = {**headers, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) from settings
            return response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")[:200]
        raise PurgeFailed(f"{method} {url}: HTTP {error.code} {body}") from error
    except (OSError, ValueError) as error:  # refused, timed out, bad URL
        raise PurgeFailed(f"{method} {url}: {error}") from error


class VarnishBackend:
    """``BAN`` to Varnish, which bans every object whose ``Surrogate-Key`` holds one of the keys.

    The keys go space-separated in ``X-Ban-Keys``; ``deploy/varnish/default.vcl``
    turns them into a word-bounded regular expression on ``obj.http.Surrogate-Key``
    (Debian's Varnish has no xkey module). Only the proxy's own allow-list may ban.
    """

    per_request = 50

    def __init__(self, url):
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("CDN_PURGE_BACKEND=varnish needs CDN_PURGE_URL (e.g. http://127.0.0.1:6081/).")
        self.url = url

    def purge(self, keys):
        for chunk in _chunks(keys, self.per_request):
            _post("BAN", self.url, headers={"X-Ban-Keys": " ".join(chunk)})


class CloudflareBackend:
    """Cloudflare's purge by cache tag (``Cache-Tag`` header), 30 tags a call."""

    per_request = 30

    def __init__(self, zone_id, token, api_url="https://api.cloudflare.com/client/v4"):
        if not (zone_id and token):
            raise ImproperlyConfigured(
                "CDN_PURGE_BACKEND=cloudflare needs CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN."
            )
        self.url = f"{api_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.token = token

    def purge(self, keys):
        for chunk in _chunks(keys, self.per_request):
            text = _post(
                "POST", self.url, json_body={"tags": chunk}, headers={"Authorization": f"Bearer {self.token}"}
            )
            try:
                confirmed = json.loads(text).get("success") is True
            except (ValueError, AttributeError):
                confirmed = False
            if not confirmed:
                raise PurgeFailed(f"Cloudflare did not confirm the purge: {text[:200]}")


class FastlyBackend:
    """Fastly's batch purge by surrogate key (``Surrogate-Key`` header), 256 keys a call."""

    per_request = 256

    def __init__(self, service_id, token, api_url="https://api.fastly.com"):
        if not (service_id and token):
            raise ImproperlyConfigured(
                "CDN_PURGE_BACKEND=fastly needs FASTLY_SERVICE_ID and FASTLY_API_TOKEN."
            )
        self.url = f"{api_url.rstrip('/')}/service/{service_id}/purge"
        self.token = token

    def purge(self, keys):
        for chunk in _chunks(keys, self.per_request):
            _post("POST", self.url, headers={
                "Fastly-Key": self.token, "Surrogate-Key": " ".join(chunk), "Accept": "application/json",
            })



def configured():
    """The backend ``CDN_PURGE_BACKEND`` names, configured from settings; None when off."""
    name = (getattr(settings, "CDN_PURGE_BACKEND", "") or "").strip().lower()
    if not name:
        return None
    if name == "varnish":
        return VarnishBackend(settings.CDN_PURGE_URL)
    if name == "cloudflare":
        return CloudflareBackend(settings.CLOUDFLARE_ZONE_ID, settings.CLOUDFLARE_API_TOKEN,
                                 settings.CLOUDFLARE_API_URL)
    if name == "fastly":
        return FastlyBackend(settings.FASTLY_SERVICE_ID, settings.FASTLY_API_TOKEN, settings.FASTLY_API_URL)
    raise ImproperlyConfigured(
        f"CDN_PURGE_BACKEND={name!r} is not one of: varnish, cloudflare, fastly (or empty for none)."
    )
