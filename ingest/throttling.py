"""Requests per minute per API token, counted in the Django cache (Redis in production).

A fixed one-minute window per token, counted by ``newsroom.ratelimit.RateLimit``
(the same counter as search's per-address limit): atomic on Redis, so every
app server sharing ``CACHE_URL`` counts against the same limit. With the
default local-memory cache, each process counts on its own.

If the cache cannot be reached, requests are let through and the failure is
logged: a partner's push that works unlimited beats one refused for a
cache outage.
"""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from newsroom.ratelimit import RateLimit

from .models import ApiToken

WINDOW_SECONDS = 60


class TokenRateThrottle(BaseThrottle):
    """``rate()`` requests per minute per token; requests without a token are not counted here."""

    scope = "ingest"

    def rate(self):
        return settings.INGEST_REQUESTS_PER_MINUTE

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            self._wait = 0
            return True
        limit = RateLimit(f"api-token-{self.scope}", self.rate(), seconds=WINDOW_SECONDS)
        self._wait = limit.count(token.prefix)
        return not self._wait

    def wait(self):
        return self._wait


class ReadTokenRateThrottle(TokenRateThrottle):
    """The read API's limit for tokens with the read scope (their own, higher one).

    Requests without a read-scope token are left to the read API's anonymous throttle.
    """

    scope = "read"

    def rate(self):
        return settings.API_READ_TOKEN_REQUESTS_PER_MINUTE

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken) or not token.scope_read:
            self._wait = 0
            return True
        return super().allow_request(request, view)
