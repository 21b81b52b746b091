"""Per-client request limits, counted in the shared cache so every app server agrees.

A limit allows ``requests`` per client address in each fixed window of
``seconds``; the client address is ``newsroom.clients.client_address`` (so
``TRUSTED_PROXY_COUNT`` decides it). ``count()`` does the same for any other
identity (the API tokens' limits count a token). Counts are keyed by a hash
of the identity and the window's number, and expire with the window.

If the cache cannot be reached, requests are let through: a search that
works unlimited beats a site that refuses every reader.
"""

import hashlib
import logging
import math
import time

from django.core.cache import cache

from .clients import client_address

logger = logging.getLogger(__name__)

# The wall clock the windows are cut from (a test holds it still inside one window).
clock = time.time


class RateLimit:
    """``requests`` per identity per ``seconds``: ``hit(request)`` counts a client address, ``count()`` any identity."""

    def __init__(self, name, requests, seconds=60):
        self.name = name
        self.requests = requests
        self.seconds = seconds

    def hit(self, request):
        """Count this request for its client address; return how many seconds it must wait, or 0 if allowed."""
        return self.count(client_address(request))

    def count(self, identity):
        """Count one request for ``identity`` (an address, a token's prefix...); the wait in seconds, or 0."""
        if self.requests <= 0:
            return 0
        now = clock()
        window = int(now // self.seconds)
        # Hashed: addresses are personal data, and cache keys get listed.
        digest = hashlib.sha256(str(identity).encode()).hexdigest()[:32]
        key = f"rate:{self.name}:{digest}:{window}"
        try:
            # add() starts the window's count with its expiry; incr() keeps it.
            if cache.add(key, 1, self.seconds + 1):
                count = 1
            else:
                count = cache.incr(key)
        except ValueError:
            # The count expired between add() and incr(): a new window.
            return 0
        except Exception:
            logger.exception("Rate limit %s unavailable: the cache cannot be reached", self.name)
            return 0
        if count <= self.requests:
            return 0
        return max(1, math.ceil((window + 1) * self.seconds - now))
