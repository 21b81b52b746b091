"""Requests per minute per API token, counted in the Django cache (Redis in production).

A fixed one-minute window per token: ``cache.add`` starts the window's count
with its expiry and ``cache.incr`` adds to it, both atomic on Redis, so every
app server sharing ``CACHE_URL`` counts against the same limit. With the
default local-memory cache, each process counts on its own.

If the cache cannot be reached, requests are let through and the failure is
logged: a partner's push that works unlimited beats one refused for a
cache outage.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from .models import ApiToken

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


class TokenRateThrottle(BaseThrottle):
    """``rate()`` requests per minute per token; requests without a token are not counted here."""

    scope = "ingest"

    def rate(self):
        return settings.INGEST_REQUESTS_PER_MINUTE

    def allow_request(self, request, view):
        self._wait = 0
        token = request.auth
        limit = self.rate()
        if not isinstance(token, ApiToken) or limit <= 0:
            return True
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"api-token-rate:{self.scope}:{token.prefix}:{window}"
        try:
            if cache.add(key, 1, WINDOW_SECONDS + 1):
                count = 1
            else:
                count = cache.incr(key)
        except ValueError:
            # The count expired between add() and incr(): a new window begins.
            return True
        except Exception:
            logger.exception("API token rate limit unavailable: the cache cannot be reached")
            return True
        if count <= limit:
            return True
        self._wait = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        return False

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
