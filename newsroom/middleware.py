"""Site-wide middleware: request log lines, Content-Security- and Permissions-Policy, control
characters, a friendly 503.

Every app server is interchangeable behind the load balancer, so none of
these keep state of their own.
"""

import functools
import logging
import re
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, QueryDict
from django.template import loader
from django.urls import reverse

logger = logging.getLogger("newsroom.request")

# What "the database or the cache cannot be reached" looks like: lost or
# refused connections, not a bad query (that stays a 500, and a bug).
UNAVAILABLE = [OperationalError, InterfaceError]
try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    UNAVAILABLE += [RedisConnectionError, RedisTimeoutError]
except ImportError:  # pragma: no cover - redis is a pinned dependency
    pass
UNAVAILABLE = tuple(UNAVAILABLE)
RETRY_AFTER_SECONDS = 30


def service_unavailable():
    """The 503 page: a static template, no context processors, no database, no traceback."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Nobody (browser, CDN, our page cache) may keep the outage page.
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    """Answer 503 with a friendly page when a view cannot reach the database or the cache.

    Connections are opened per request (with health checks), so once the
    service is back the next request succeeds: no restart needed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE):
            return None
        # One line, the error's class and text; the traceback would only repeat
        # "connection refused" and may quote query parameters.
        logger.error(
            "Service unavailable: %s: %s", type(exception).__name__, str(exception).strip(),
            extra={"method": request.method, "path": request.path, "status": 503},
        )
        return service_unavailable()


class ContentSecurityPolicyMiddleware:
    """Add ``Content-Security-Policy`` to every response.

    ``settings.CONTENT_SECURITY_POLICY`` for the public site,
    ``settings.CONTENT_SECURITY_POLICY_ADMIN`` under the admin.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        self.admin_policy = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", self.policy)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = self.admin_policy if request.path.startswith(_admin_prefix()) else self.policy
            if policy:
                response["Content-Security-Policy"] = policy
        return response


class PermissionsPolicyMiddleware:
    """Add ``Permissions-Policy`` to every response: the site uses no camera, microphone...

    An article body or a compromised third party embedded in a page then
    cannot ask the reader's browser for them either.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.policy
        return response


@functools.cache
def _admin_prefix():
    return reverse("admin:index")


class RequestLogMiddleware:
    """One log line per request: method, path (never the query string), status, duration.

    Query strings and share-link paths can carry tokens; the formatter
    redacts the latter, and the former is simply left out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        took_ms = round((time.perf_counter() - started) * 1000, 1)
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.INFO
        logger.log(
            level, "%s %s %s", request.method, request.path, status,
            extra={"method": request.method, "path": request.path, "status": status,
                   "duration_ms": took_ms},
        )
        return response


# C0 controls and DEL: no slug, category, token or admin id contains one.
_CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")


class ControlCharacterMiddleware:
    """404 for a path with a control character; NUL characters dropped from the query string.

    PostgreSQL refuses NUL in any text it is sent, so ``/articles/%00/``
    (or ``?topic=%00``) reached the database from whatever view matched and
    failed there: an anonymous 500 with a traceback. Handling them once here
    covers every URL pattern and parameter, today's and future ones. Other
    control characters in a query string are left to the forms, which
    search or validate them harmlessly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _CONTROL_IN_PATH.search(request.path_info):
            raise Http404("No such page.")
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            # No parameter means anything with a NUL in it: drop the character, so
            # search and the admin's filters answer as for the rest of the text.
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
