"""Caching and conditional GET for the public site.

One site-wide *content version* lives in the cache every process shares
(``CACHES["shared"]``: Redis in production, small files on one machine): a
random token plus the time it was minted. Pages themselves may sit in a
per-process cache, because they are looked up under the token: a kill made by
the importer, the shell or another worker changes the token for all of them. Every cached page key and every ETag includes the token,
so invalidating the whole public site is one ``cache.delete``; stale pages are
simply never looked up again and age out.

Scheduled go-live, embargo and expiry happen with no write at all, so the
version is given a lifetime that ends at the next scheduled change among
published articles, or among what other apps register (curation's pins and
banners: ``register_next_change``), and at most ``PUBLIC_CACHE_SECONDS``. When it lapses the
next request mints a new token: a scheduled article appears, and an expiring
one disappears, on the second, without shortening every page's life to cope
with a rare event. Finding that next change costs one query per new token.

Only anonymous GET/HEAD requests are served from or stored in the cache:
staff see previews and banners that must never reach a reader.

A page is keyed on its path and the query parameters it reads, nothing else:
each cached view declares them (``query_parameters``), and the view only ever
sees those. ``?utm_source=`` and other tracking or random parameters would
otherwise make one entry each, and let anyone fill the cache.
"""

import contextvars
import hashlib
import logging
import math
import secrets
import time
from functools import wraps
from importlib import import_module

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.functions import Now
from django.http import Http404, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.module_loading import import_string

from cdn import headers as cdn_headers
from cdn import keys as surrogate_keys

logger = logging.getLogger(__name__)

VERSION_KEY = "public:version"
PAGE_KEY_PREFIX = "public:page"
# Headers worth replaying from a cached response (never Set-Cookie).
_REPLAYED_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link", "Surrogate-Key")


def _page_seconds():
    return getattr(settings, "PUBLIC_CACHE_SECONDS", 300)


def _versions():
    """The cache that holds the content version, shared by every process of the site."""
    # A test or a deployment may define only "default"; then that one is it.
    return caches["shared"] if "shared" in settings.CACHES else cache


def content_changed(sender, changes, **kwargs):
    """Listener for ``articles.signals.content_changed``: any change makes every page stale.

    The signal arrives once a write has committed. Pages are looked up under one
    site-wide version, so the whole public site is renewed, whatever changed;
    the CDN (``cdn/``) is the tier that purges only the changed pages.
    """
    invalidate_public_pages()


def uncommitted_change():
    """Drop the version now, before the commit that will drop it again (``articles.signals.announce``)."""
    _drop_version()


def invalidate_public_pages():
    """Make every cached public page and ETag stale.

    Called by the ``content_changed`` listener above; writers announce their
    changes (``articles.signals.announce``) rather than call this. Inside a
    transaction the version is dropped now and again when it commits: a reader
    who rebuilt a page in between saw the old rows, and its page must not
    survive the commit.
    """
    _drop_version()
    transaction.on_commit(_version_after_commit)


def _version_after_commit():
    """Drop the version once the write is committed on the primary.

    With a read replica (``DATABASE_REPLICA_URL``), readers rebuild pages from
    the replica, which may still lack the write for the replica's lag. So the
    pages built just after a write get a version of their own that lives only
    ``REPLICA_LAG_SECONDS``: then a new version is minted and pages are rebuilt
    from a replica that has caught up, instead of an old page being kept for
    ``PUBLIC_CACHE_SECONDS``.
    """
    lag = getattr(settings, "REPLICA_LAG_SECONDS", 0)
    if not (getattr(settings, "REPLICA_DATABASE", None) and lag):
        _drop_version()
        return
    try:
        _versions().set(VERSION_KEY, (secrets.token_hex(8), time.time()), lag)
    except Exception:
        logger.exception("Could not invalidate the public page cache")


def _drop_version():
    try:
        _versions().delete(VERSION_KEY)
    except Exception:
        # A write must not fail because the cache is down; nothing is served
        # from an unreachable cache, and a restarted one starts empty.
        logger.exception("Could not invalidate the public page cache")


# Other apps whose content starts or ends on its own (curation's pins and
# banners) add a function here: () -> the next such moment, or None.
_next_change_providers = []


def register_next_change(provider):
    """Make the content version also end at ``provider()``'s moment; called from an AppConfig.ready()."""
    if provider not in _next_change_providers:
        _next_change_providers.append(provider)


def next_scheduled_change():
    """When what the public pages show next changes on its own.

    The articles' go-live, embargo and expiry, and whatever the registered
    providers answer (one query each).
    """
    from .models import Article

    now = Now()
    found = Article.objects.published().aggregate(
        go_live=Min("go_live_at", filter=Q(go_live_at__gt=now)),
        embargo=Min("embargo_until", filter=Q(embargo_until__gt=now)),
        expire=Min("expire_at", filter=Q(expire_at__gt=now)),
    )
    moments = [moment for moment in found.values() if moment is not None]
    moments += [moment for provider in _next_change_providers if (moment := provider()) is not None]
    return min(moments) if moments else None


# The version a public page is being built under: the page's parts built once per
# version (``per_version``: banners, pins, menus) use the same one, without reading
# the shared store again.
_page_version = contextvars.ContextVar("public_page_version", default=None)


def content_version():
    """The current ``(token, minted_at)``, minting a new one when none is cached."""
    building = _page_version.get()
    if building is not None:
        return building
    versions = _versions()
    version = versions.get(VERSION_KEY)
    if version is not None:
        return version
    lifetime = _page_seconds() or 300
    change = next_scheduled_change()
    if change is not None:
        until_change = (change - timezone.now()).total_seconds()
        lifetime = max(1, min(lifetime, math.ceil(until_change)))
    version = (secrets.token_hex(8), time.time())
    # add(), not set(): when two requests race, both end up on the winner's token.
    if not versions.add(VERSION_KEY, version, lifetime):
        version = versions.get(VERSION_KEY) or version
    return version


def per_version(name, build):
    """``build()``, computed once per content version: fresh after any change, cheap until then.

    For parts of pages that every reader shares and that change only with the
    content (the search page's filter menus). Kept in this process's cache
    under the shared version's token, so a change made anywhere renews it.
    """
    try:
        token, _ = content_version()
        key = f"public:{name}:{token}"
        value = cache.get(key)
    except Exception:
        logger.exception("Public page cache unavailable")
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, _page_seconds() or 300)
        except Exception:
            logger.exception("Could not store %s in the cache", name)
    return value


def _is_anonymous(request):
    # Looking at the cookie, not request.user, keeps the session table out of
    # a reader's request; a stale cookie only costs a cache bypass.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def declared_parameters(view, params=None):
    """The query parameters ``view`` reads: ``params``, else its class's ``query_parameters``."""
    if params is None:
        view_class = getattr(view, "view_class", view)
        params = getattr(view_class, "query_parameters", ())
    return tuple(sorted(set(params)))


def keep_declared_query(request, params):
    """Cut ``request``'s query string to ``params``, in a fixed order; return it.

    One value per name, the last (what ``request.GET.get`` gives the view);
    empty values go, as the views read them as absent. The view then cannot
    depend on anything the cache key leaves out.
    """
    kept = QueryDict(mutable=True)
    for name in params:
        value = request.GET.get(name)
        if value:
            kept[name] = value
    query = kept.urlencode()
    if query != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)
    return query


def public_page(max_age=0, params=None):
    """Decorate a public view with conditional GET, page caching and Cache-Control.

    ``max_age`` is what browsers and shared caches may keep without asking;
    HTML pages use 0 so a withdrawn article disappears on the next view
    (revalidation is a cheap 304). Responses for signed-in users are private
    and never cached here. ``params`` are the query parameters the view reads
    (default: the view class's ``query_parameters``); any other is dropped
    before the view runs, and is not part of the page's cache key or ETag.
    """

    def decorator(view):
        names = declared_parameters(view, params)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            keep_declared_query(request, names)
            if not _is_anonymous(request):
                # What the cache did, for /metrics (metrics.middleware reads it).
                request.page_cache = "private"
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_cache=True)
                patch_vary_headers(response, ["Cookie"])
                return response

            try:
                token, minted_at = content_version()
            except Exception:
                return _served_fresh(view, request, args, kwargs)
            url = request.build_absolute_uri()
            digest = hashlib.sha256(f"{token}|{url}".encode()).hexdigest()[:32]
            etag = f'"{digest}"'
            last_modified = int(minted_at)

            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is not None:
                request.page_cache = "not_modified"
            else:
                building = _page_version.set((token, minted_at))
                try:
                    response = _cached_or_rendered(
                        f"{PAGE_KEY_PREFIX}:{digest}", view, request, args, kwargs
                    )
                except _CacheDown:
                    return _served_fresh(view, request, args, kwargs)
                finally:
                    _page_version.reset(building)
            if response.status_code in (200, 304):
                # Ours replace the views' own (a feed's newest item date would go
                # backwards when that item is withdrawn).
                response.headers["ETag"] = etag
                response.headers["Last-Modified"] = http_date(last_modified)
            keys = response.get("Surrogate-Key", "").split()
            if (keys and cdn_headers.may_share(response)) or response.status_code == 304:
                # Shared caches (a CDN, Varnish) may keep it too, filed under its surrogate keys.
                # A page without keys (cached before they existed) could never be purged, so
                # it is not offered; a 304 renews the copy a shared cache holds, keys and all.
                cdn_headers.for_shared_caches(response, max_age, keys)
            else:
                response.headers.pop("Surrogate-Key", None)
                patch_cache_control(response, public=True, max_age=max_age)
                if max_age == 0:
                    patch_cache_control(response, must_revalidate=True)
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapped

    return decorator


def _not_found(request, exception):
    """The site's own 404 page (the root URLconf's ``handler404``), as Django would answer."""
    urlconf = import_module(settings.ROOT_URLCONF)
    handler = getattr(urlconf, "handler404", "django.views.defaults.page_not_found")
    if isinstance(handler, str):
        handler = import_string(handler)
    return handler(request, exception)


class _CacheDown(Exception):
    """The page cache could not be read."""


def _served_fresh(view, request, args, kwargs):
    # An unreachable cache must not take the site down: serve the page fresh,
    # and let nobody keep it.
    logger.exception("Public page cache unavailable")
    request.page_cache = "down"
    response = view(request, *args, **kwargs)
    patch_cache_control(response, no_cache=True)
    return response


def _cached_or_rendered(key, view, request, args, kwargs):
    seconds = _page_seconds()
    if seconds:
        # The version and the pages may live in different caches (shared and
        # per process), so either may be the one that is down.
        try:
            stored = cache.get(key)
        except Exception as error:
            raise _CacheDown from error
        if stored is not None:
            request.page_cache = "hit"
            status, content, headers = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            return response
    request.page_cache = "miss" if seconds else "uncached"
    with surrogate_keys.collecting() as shown:
        try:
            response = view(request, *args, **kwargs)
        except Http404 as error:
            if not shown:
                raise
            # A list with nothing live yet (a topic before its first article): its 404 is
            # kept like a page, under the key that article's publish purges.
            response = _not_found(request, error)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
    if response.status_code != 404 or shown:
        response["Surrogate-Key"] = " ".join(surrogate_keys.for_page(request, shown))
    # Only answers that stay true until the next content change are kept.
    if seconds and response.status_code in (200, 404, 410) and not response.streaming:
        if "Set-Cookie" not in response.headers and "no-store" not in response.get("Cache-Control", ""):
            headers = [(name, response[name]) for name in _REPLAYED_HEADERS if name in response]
            try:
                cache.set(key, (response.status_code, response.content, headers), seconds)
            except Exception:
                logger.exception("Could not store a public page in the cache")
    return response
