"""Caching and conditional GET for the public site: only what a change touched goes stale.

Every cached page records the surrogate keys it carries (``cdn.keys``: the
article, its topics, provider and story; a list, its own key) and when its render
started. A content change stamps each key it touches with the time, in the
cache every process shares (``CACHES["shared"]``: Redis in production, small
files on one machine); which keys a change touches is decided in one place,
``cdn.keys.for_changes``, which the CDN purge uses too. A page is fresh when
it was rendered under the current site-wide version and after every stamp of
its keys: a write committed while it rendered makes it stale. So an import
batch renews its articles' lists, the front page and the feeds, and every
other page stays cached. Pages themselves may sit in a per-process cache; the
stamps are what every process agrees on. Checking a cached page reads two values,
the version and the time of the latest change anywhere; only when something
changed since the page's render are its keys' stamps read too (one ``get_many``).

A page whose keys were updated less than ``PUBLIC_STALE_SECONDS`` ago is
re-rendered by the one request that takes a short lock (``add``); the others
get the previous copy meanwhile (no stampede on the front page when every
batch changes it). A change that takes something off the site (``withdrawn``:
a kill, an unpublish, an embargo, an expiry, a delete) is never served stale.

ETag and Last-Modified come from the URL, the site-wide version and the
page's keys' stamps (worked out at the render and kept with the page): the
same in every worker, and different as soon as anything the page shows changed.

The site-wide version (a random token, the time it was minted and the time it
ends) remains for what has no key: scheduled go-live, embargo and expiry happen
with no write at all, so the version ends at the next scheduled change among
published articles, or among what other apps register (curation's pins and
banners: ``register_next_change``), and at most ``PUBLIC_CACHE_SECONDS``
later. A commit that schedules something before that end drops it. When it
lapses, or a change touches ``everything``, the next request mints a new one
and every page is rendered again. Finding that next change costs one query per
new token (and one by primary key per commit).

Only anonymous GET/HEAD requests are served from or stored in the cache:
staff see previews and banners that must never reach a reader.

A page is keyed on its path and the query parameters it reads, nothing else:
each cached view declares them (``query_parameters``), and the view only ever
sees those. ``?utm_source=`` and other tracking or random parameters would
otherwise make one entry each, and let anyone fill the cache.
"""

import contextlib
import contextvars
import hashlib
import logging
import math
import secrets
import time
from dataclasses import dataclass
from functools import wraps
from importlib import import_module

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.functions import Now
from django.http import Http404, HttpResponse, QueryDict
from django.urls import resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.module_loading import import_string

from cdn import headers as cdn_headers
from cdn import keys as surrogate_keys

logger = logging.getLogger(__name__)

VERSION_KEY = "public:version"
# The time of the latest content change of any kind: what ``per_version`` parts follow.
GENERATION_KEY = "public:generation"
PAGE_KEY_PREFIX = "public:page:v3"
# + a surrogate key: when a change last touched the pages carrying it,
CHANGED_PREFIX = "public:changed:"
# + a surrogate key: when a change last took something off those pages (never served stale).
WITHDRAWN_PREFIX = "public:withdrawn:"
# + a page's digest: held by the one request re-rendering a stale page.
RENDERING_PREFIX = "public:rendering:"
RENDER_LOCK_SECONDS = 30
# Headers worth replaying from a cached response (never Set-Cookie).
_REPLAYED_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link", "Surrogate-Key")


def _page_seconds():
    return getattr(settings, "PUBLIC_CACHE_SECONDS", 300)


def _stale_seconds():
    return getattr(settings, "PUBLIC_STALE_SECONDS", 10)


def _replica_lag():
    """Seconds a page rendered after a write may still lack it: the replica's lag, if reads go there."""
    if getattr(settings, "REPLICA_DATABASE", None):
        return getattr(settings, "REPLICA_LAG_SECONDS", 0)
    return 0


def _versions():
    """The cache that holds the content version, shared by every process of the site."""
    # A test or a deployment may define only "default"; then that one is it.
    return caches["shared"] if "shared" in settings.CACHES else cache


def content_changed(sender, changes, **kwargs):
    """Listener for ``articles.signals.content_changed``: the pages showing what changed go stale.

    The signal arrives once a write has committed. The surrogate keys of the
    pages it touched (``cdn.keys.for_changes``, which the CDN purge uses too)
    are stamped with the time; every other cached page is left alone.
    """
    stamp(changes)


def uncommitted_change(changes):
    """Stamp ``changes`` now, for this process only (``articles.signals.announce``).

    Inside a transaction only the writer's own connection reads the new rows (a
    shell, a command that renders, a test), so only its own page lookups must
    heed them; everyone else is told at the commit, whose stamp is also later
    than any page rebuilt from the old rows in between.
    """
    names = _touched(changes)
    if surrogate_keys.SITE in names:
        _drop_version()
        return
    _own_changes.record(names, changes.withdrawn, time.time())


def stamp(changes):
    """Mark the pages ``changes`` touches as changed now, for every process; ``everything`` renews them all."""
    names = _touched(changes)
    if surrogate_keys.SITE in names:
        invalidate_public_pages()
        return
    now = time.time()
    stamps = {CHANGED_PREFIX + name: now for name in names}
    if changes.withdrawn:
        stamps.update((WITHDRAWN_PREFIX + name, now) for name in names)
    try:
        versions = _versions()
        versions.set_many(stamps, _stamp_seconds())
        versions.set(GENERATION_KEY, now, None)
        _end_version_by_next_change(versions, changes)
    except Exception:
        # A write must not fail because the cache is down; nothing is served
        # from an unreachable cache, and a restarted one starts empty.
        logger.exception("Could not invalidate the public page cache")


def _touched(changes):
    try:
        return surrogate_keys.for_changes(changes)
    except Exception:
        # Not knowing what changed must not leave a page stale: renew them all.
        logger.exception("Could not work out the pages a change touches")
        return [surrogate_keys.SITE]


def _stamp_seconds():
    """How long a stamp matters: to pages rendered before it, which live no longer than this."""
    return (_page_seconds() or 300) + _stale_seconds() + _replica_lag() + 5


class _OwnChanges:
    """Stamps of this process's changes not yet committed, heeded only by its own lookups."""

    def __init__(self):
        self.changed, self.withdrawn, self.generation = {}, {}, None

    def record(self, names, withdrawn, now):
        oldest = now - _stamp_seconds()
        for stamps in (self.changed, self.withdrawn):
            for name in [name for name, when in stamps.items() if when < oldest]:
                stamps.pop(name, None)
        self.changed.update(dict.fromkeys(names, now))
        if withdrawn:
            self.withdrawn.update(dict.fromkeys(names, now))
        self.generation = now


_own_changes = _OwnChanges()


def invalidate_public_pages():
    """Make every cached public page and ETag stale.

    For a change that touches ``everything``, and for bulk writers that skip
    ``announce``. Inside a transaction the version is dropped now and again when
    it commits: a reader who rebuilt a page in between saw the old rows, and
    its page must not survive the commit.
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
    lag = _replica_lag()
    if not lag:
        _drop_version()
        return
    try:
        now = time.time()
        _versions().set(VERSION_KEY, (secrets.token_hex(8), now, now + lag), math.ceil(lag))
    except Exception:
        logger.exception("Could not invalidate the public page cache")


def _drop_version():
    try:
        _versions().delete(VERSION_KEY)
    except Exception:
        logger.exception("Could not invalidate the public page cache")


# Other apps whose content starts or ends on its own (curation's pins and
# banners) add a function here: () -> the next such moment, or None.
_next_change_providers = []


def register_next_change(provider):
    """Make the content version also end at ``provider()``'s moment; called from an AppConfig.ready()."""
    if provider not in _next_change_providers:
        _next_change_providers.append(provider)


def next_scheduled_change(articles=None):
    """When what the public pages show next changes on its own.

    The articles' go-live, embargo and expiry, and whatever the registered
    providers answer (one query each). ``articles``: only those ids' moments
    (what a change just saved), not a scan of every published article.
    """
    from .models import Article

    now = Now()
    published = Article.objects.published()
    if articles is not None:
        published = published.filter(pk__in=sorted(articles))
    found = published.aggregate(
        go_live=Min("go_live_at", filter=Q(go_live_at__gt=now)),
        embargo=Min("embargo_until", filter=Q(embargo_until__gt=now)),
        expire=Min("expire_at", filter=Q(expire_at__gt=now)),
    )
    moments = [moment for moment in found.values() if moment is not None]
    moments += [moment for provider in _next_change_providers if (moment := provider()) is not None]
    return min(moments) if moments else None


# The version a public page is being built under, and its generation: the page's
# parts built once per generation (``per_version``: banners, pins, menus) use the
# same ones, without reading the shared store again.
_page_version = contextvars.ContextVar("public_page_version", default=None)
_page_generation = contextvars.ContextVar("public_page_generation", default=None)


def content_version():
    """The current site-wide ``(token, minted_at, ends_at)``, minting a new one when none is current.

    It changes when everything may have changed (a change to ``everything``,
    ``invalidate_public_pages``) and at the next scheduled go-live or expiry.
    """
    building = _page_version.get()
    if building is not None:
        return building
    return _current(_versions().get(VERSION_KEY)) or _mint_version()


def _current(version):
    """``version`` as read from the shared store, or None once its end has passed.

    The store's own expiry counts whole seconds (Redis); the end is exact, so
    a page does not outlive a go-live or a pin's end by the rounding.
    """
    if version is None:
        return None
    if len(version) > 2 and version[2] is not None and version[2] <= time.time():
        return None
    return version


def _end(longest):
    """When a version minted now ends: the next scheduled change, at most ``longest`` seconds away."""
    now = time.time()
    change = next_scheduled_change()
    if change is None:
        return now + longest
    return min(now + longest, change.timestamp())


def _end_version_by_next_change(versions, changes):
    """End the version now if a change just scheduled something before its end.

    A pin that ends in a minute, or an article that goes live at noon, may be
    saved under a version minted to last ``PUBLIC_CACHE_SECONDS``; the pages
    cached under it must not outlive that moment. The next request mints a
    version that ends then. (Dropped, not shortened in place: writing the old
    token back could revive it just after another process dropped it.)
    """
    version = versions.get(VERSION_KEY)
    if version is None:
        return
    ends = version[2] if len(version) > 2 else None
    # Only what this change saved can have brought a moment nearer (and the
    # registered providers' small tables, pins and banners).
    change = next_scheduled_change(articles=changes.articles)
    if ends is None or (change is not None and change.timestamp() < ends):
        versions.delete(VERSION_KEY)


def _mint_version():
    now = time.time()
    version = (secrets.token_hex(8), now, _end(_page_seconds() or 300))
    # The store's expiry, in whole seconds; readers also heed the exact end (``_current``).
    timeout = max(1, math.ceil(version[2] - now))
    versions = _versions()
    # add(), not set(): when two requests race, both end up on the winner's token.
    if not versions.add(VERSION_KEY, version, timeout):
        current = _current(versions.get(VERSION_KEY))
        if current is not None:
            return current
        # Past its end, not yet expired by the store: replaced (a racing request may
        # replace it too; their pages then just render once more).
        versions.set(VERSION_KEY, version, timeout)
    # No change is known yet under the new token: pages rendered from now on may be
    # found fresh without reading their keys (``_unchanged_since``) until one is.
    versions.add(GENERATION_KEY, version[1], None)
    return version


def content_generation():
    """A token that changes with any content change anywhere, and with the site-wide version."""
    building = _page_generation.get()
    if building is not None:
        return building
    token = content_version()[0]
    return f"{token}.{_versions().get(GENERATION_KEY)}.{_own_changes.generation}"


def per_version(name, build):
    """``build()``, computed once per content generation: fresh after any change, cheap until then.

    For parts of pages that every reader shares and that change only with the
    content (the search page's filter menus, pins, banners). Kept in this
    process's cache under the shared generation, so a change made anywhere
    renews it.
    """
    try:
        key = f"public:{name}:{content_generation()}"
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
                response, validators = _answer(view, request, args, kwargs)
            except _CacheDown:
                return _served_fresh(view, request, args, kwargs)
            return _for_readers(response, validators, max_age)

        # What CachedPageMiddleware needs to answer a fresh cached copy before the view.
        wrapped.page_cache = _Declared(wrapped, names, max_age)
        return wrapped

    return decorator


@dataclass(frozen=True)
class _Declared:
    """A ``public_page`` view's caching terms: the view itself, the parameters it reads, ``max_age``."""

    view: object
    names: tuple
    max_age: int


def _for_readers(response, validators, max_age):
    """An anonymous reader's response, with its validators and who may keep it for how long."""
    if validators is None:
        # A stale copy, or a page that changed while it rendered: good for
        # this reader, but nobody may keep it or revalidate against it.
        response.headers.pop("Surrogate-Key", None)
        patch_cache_control(response, public=True, no_cache=True, max_age=0, must_revalidate=True)
        patch_vary_headers(response, ["Cookie"])
        return response
    etag, last_modified = validators
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


def cached_response(request):
    """A fresh cached page for an anonymous reader's GET, answered before the view; else None.

    For ``CachedPageMiddleware``, ahead of the sessions, authentication and
    the rest: a cookie-less reader's copy needs none of them. Only a view
    wrapped by ``public_page`` itself (not by a decorator on top of it, which
    might check something first), and only a copy that nothing has changed
    since: anything else (a miss, a stale page, an unreachable cache) is left
    to the view, which knows what to do.
    """
    if request.method not in ("GET", "HEAD") or not _is_anonymous(request) or not _page_seconds():
        return None
    try:
        match = resolve(request.path_info)
    except Http404:
        return None
    declared = getattr(match.func, "page_cache", None)
    if not isinstance(declared, _Declared) or declared.view is not match.func:
        return None
    keep_declared_query(request, declared.names)
    try:
        _, _, entry, quiet = _lookup(request)
        if entry is None or not _unchanged_since(entry, quiet):
            return None
    except Exception:
        return None
    request.resolver_match = match  # for /metrics, as if the view had answered
    response = _for_readers(*_hit(request, entry), declared.max_age)
    # What CommonMiddleware, below, would have added.
    if not response.has_header("Content-Length"):
        response.headers["Content-Length"] = str(len(response.content))
    return response


@dataclass(frozen=True)
class _Entry:
    """A cached page: what it answered, and what it was rendered under."""

    token: str  # the site-wide version's
    started: float  # when its render started: a change committed after this may be missing
    keys: tuple  # the surrogate keys it carries (what the page cache checks; not only the header's)
    status: int
    content: bytes
    headers: list
    etag: str  # its validators, from its keys' stamps as they were at its render:
    last_modified: int  # still theirs while no key has changed since


@dataclass
class _State:
    """The shared store's word on some pages' keys: read in one round trip per request."""

    token: str
    minted_at: float
    changed: dict  # surrogate key -> time of the latest change to it
    withdrawn: dict | None = None  # surrogate key -> time of the latest change that took something off it
    generation: str | None = None  # what ``per_version`` parts are built under

    @classmethod
    def read(cls, keys, *, withdrawn=False, generation=False, known=None):
        """The version and the keys' change stamps; on request, their withdrawals and the generation.

        A cache hit needs only the first two: the rest is read for a page
        that is stale (may it be served stale?) or about to be rendered.
        ``known``: what was just read of the shared store (not read again).
        """
        # ``site`` is never stamped: a change to everything renews the version instead.
        keys = [key for key in keys if key != surrogate_keys.SITE]
        names = [VERSION_KEY, *(CHANGED_PREFIX + key for key in keys)]
        if withdrawn:
            names += [WITHDRAWN_PREFIX + key for key in keys]
        if generation:
            names.append(GENERATION_KEY)
        known = known or {}
        found = {**known, **_versions().get_many([name for name in names if name not in known])}
        version = _current(found.get(VERSION_KEY))
        if version is None:
            version = _mint_version()
            if generation:  # minting records one when there was none
                found[GENERATION_KEY] = _versions().get(GENERATION_KEY)
        own = _own_changes

        def latest(prefix, mine):
            stamps = {key: max(found.get(prefix + key, 0), mine.get(key, 0)) for key in keys}
            return {key: when for key, when in stamps.items() if when}

        return cls(
            token=version[0], minted_at=version[1], changed=latest(CHANGED_PREFIX, own.changed),
            withdrawn=latest(WITHDRAWN_PREFIX, own.withdrawn) if withdrawn else None,
            generation=f"{version[0]}.{found.get(GENERATION_KEY)}.{own.generation}" if generation else None,
        )

    def changed_since(self, keys, started):
        """The keys changed at or after ``started`` (plus the replica's lag: it may not have had them)."""
        lag = _replica_lag()
        return [key for key in keys if self.changed.get(key, 0) + lag >= started]

    def validators(self, url, keys):
        """ETag and Last-Modified, the same in every process: the URL, the version, the keys' stamps."""
        stamps = "|".join(f"{key}={self.changed.get(key, 0)!r}" for key in sorted(keys))
        digest = hashlib.sha256(f"{self.token}|{url}|{stamps}".encode()).hexdigest()[:32]
        return f'"{digest}"', int(max([self.minted_at, *(self.changed.get(key, 0) for key in keys)]))


def _may_serve_stale(entry, state, now):
    """Whether a stale ``entry`` may still be served while one request re-renders it.

    Only if what changed since its render was ordinary updates, the latest less
    than ``PUBLIC_STALE_SECONDS`` ago, under the same site-wide version: never
    after a kill, an unpublish, a delete or an expiry (``withdrawn``), nor after
    a change to everything or a scheduled go-live or expiry (a new version).
    """
    stale_seconds = _stale_seconds()
    if not stale_seconds or entry.token != state.token:
        return False
    lag = _replica_lag()
    if any(state.withdrawn.get(key, 0) + lag >= entry.started for key in entry.keys):
        return False
    changed = state.changed_since(entry.keys, entry.started)
    return bool(changed) and now - max(state.changed[key] for key in changed) < stale_seconds


def _answer(view, request, args, kwargs):
    """The response for an anonymous GET, and its ``(etag, last_modified)`` (None: not to be kept).

    One read of the page, one ``get_many`` of the shared store for its keys'
    stamps: a page is fresh if it was rendered under the current site-wide
    version and after every change to its keys. A stale page whose changes
    were ordinary updates is served as it is to everyone but the one request
    that re-renders it (no stampede when a busy page changes).
    """
    started = time.time()
    try:
        url, digest, entry, quiet = _lookup(request)
        state = None
        if entry is not None:
            if _unchanged_since(entry, quiet):
                return _hit(request, entry)
            state = _State.read(entry.keys, known=quiet)
    except Exception as error:
        raise _CacheDown from error
    page_key = f"{PAGE_KEY_PREFIX}:{digest}"

    same_version = entry is not None and entry.token == state.token
    if same_version and not state.changed_since(entry.keys, entry.started):
        return _hit(request, entry)
    rendering = None
    try:
        # Stale, or missing: what the render needs, and whether the old copy may stand in.
        state = _State.read(entry.keys if same_version else (), withdrawn=same_version, generation=True)
        if same_version and _may_serve_stale(entry, state, started):
            rendering = RENDERING_PREFIX + digest
            if not _versions().add(rendering, 1, RENDER_LOCK_SECONDS):
                request.page_cache = "stale"
                return _replayed(entry), None
    except Exception as error:
        raise _CacheDown from error
    try:
        return _rendered(view, request, args, kwargs, url, page_key, state, started)
    finally:
        if rendering is not None:
            with contextlib.suppress(Exception):
                _versions().delete(rendering)


def _lookup(request):
    """The page's URL, its digest, its cached copy (or None), and the version and latest change.

    Those two values say whether anything at all changed since the copy was
    rendered; only if something did are its keys' own stamps read (``_State``).
    """
    url = request.build_absolute_uri()
    digest = hashlib.sha256(url.encode()).hexdigest()[:32]
    entry = cache.get(f"{PAGE_KEY_PREFIX}:{digest}") if _page_seconds() else None
    if not isinstance(entry, _Entry):
        return url, digest, None, None
    return url, digest, entry, _versions().get_many([VERSION_KEY, GENERATION_KEY])


def _unchanged_since(entry, found):
    """Whether, by the site-wide version and the time of the latest change anywhere, ``entry`` is fresh.

    ``stamp`` writes that time after the keys' stamps, so a change not yet in
    it is one whose stamps may not be written either: as for any reader a
    moment earlier. A store that lost the time (restarted, culled) proves nothing.
    """
    version, latest = _current(found.get(VERSION_KEY)), found.get(GENERATION_KEY)
    if version is None or version[0] != entry.token or not isinstance(latest, (int, float)):
        return False
    mine = _own_changes.generation
    return max(latest, mine or 0) + _replica_lag() < entry.started


def _hit(request, entry):
    validators = entry.etag, entry.last_modified
    response = get_conditional_response(request, *validators)
    request.page_cache = "hit" if response is None else "not_modified"
    return response or _replayed(entry), validators


def _replayed(entry):
    response = HttpResponse(entry.content, status=entry.status)
    for name, value in entry.headers:
        response.headers[name] = value
    return response


def _rendered(view, request, args, kwargs, url, page_key, state, started):
    """Render the page, keep it if nothing it shows changed meanwhile; with its validators."""
    seconds = _page_seconds()
    request.page_cache = "miss" if seconds else "uncached"
    building = _page_version.set((state.token, state.minted_at)), _page_generation.set(state.generation)
    try:
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
    finally:
        _page_version.reset(building[0])
        _page_generation.reset(building[1])
    if response.status_code != 404 or shown:
        keys = surrogate_keys.for_page(request, shown)
        response["Surrogate-Key"] = " ".join(keys)
    else:
        # Any 404 (an article not yet imported) goes with the next publish, though
        # no shared cache may keep it.
        keys = [surrogate_keys.LISTS, surrogate_keys.SITE]
    try:
        after = _State.read(keys)
    except Exception:
        logger.exception("Public page cache unavailable")
        return response, None
    if after.token != state.token or after.changed_since(keys, started):
        return response, None  # it may show rows from before a change: not kept
    validators = after.validators(url, keys)
    # Only answers that stay true until the next content change are kept.
    if seconds and response.status_code in (200, 404, 410) and not response.streaming:
        if "Set-Cookie" not in response.headers and "no-store" not in response.get("Cache-Control", ""):
            headers = [(name, response[name]) for name in _REPLAYED_HEADERS if name in response]
            entry = _Entry(
                state.token, started, tuple(keys), response.status_code, response.content, headers, *validators
            )
            try:
                cache.set(page_key, entry, seconds)
            except Exception:
                logger.exception("Could not store a public page in the cache")
    if response.status_code == 200:
        response = get_conditional_response(request, *validators, response=response)
        if response.status_code == 304:
            request.page_cache = "not_modified"
    return response, validators


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
