"""The headers that let a CDN or caching proxy keep a public page, and find it again to purge.

``articles.caching.public_page`` calls :func:`for_shared_caches` on every
anonymous answer it may cache; anything personal (a signed-in user, a preview,
a response setting a cookie, ``private``/``no-store``) never gets here or is
left alone.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

# Answers a shared cache may keep: pages, and a killed article's "gone" (purged by its key
# if it is ever restored). A 404 only when it is filed under a key that will be purged
# when something appears there (a list page: articles.caching); no other 404 says that.
SHAREABLE_STATUS = (200, 410)


def shared_max_age():
    """How long a shared cache may keep a page: ``CDN_S_MAXAGE`` (0 unless a purge backend is set)."""
    return getattr(settings, "CDN_S_MAXAGE", 0)


def may_share(response):
    """Whether ``response`` may go to a shared cache at all."""
    control = response.get("Cache-Control", "")
    shareable = response.status_code in SHAREABLE_STATUS or (
        response.status_code == 404 and "Surrogate-Key" in response
    )
    return (
        shareable
        and not response.streaming
        and "Set-Cookie" not in response.headers
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )


def for_shared_caches(response, max_age, keys):
    """Add ``Cache-Control`` for browsers and shared caches, and the surrogate key headers.

    Browsers keep the page ``max_age`` seconds (0 for HTML: a withdrawn article
    goes at the next view). A shared cache keeps it ``CDN_S_MAXAGE`` seconds,
    being told by a purge when it changes; it may serve a stale copy while one
    request refreshes it (``CDN_STALE_WHILE_REVALIDATE``) or while the site is
    down (``CDN_STALE_IF_ERROR``). With no shared cache (``s-maxage=0``) a page
    must be revalidated, as before.
    """
    s_maxage = shared_max_age()
    directives = {"public": True, "max_age": max_age, "s_maxage": s_maxage}
    if s_maxage:
        directives["stale_while_revalidate"] = getattr(settings, "CDN_STALE_WHILE_REVALIDATE", 30)
        directives["stale_if_error"] = getattr(settings, "CDN_STALE_IF_ERROR", 86400)
    elif max_age == 0:
        directives["must_revalidate"] = True
    patch_cache_control(response, **directives)
    if keys:
        # Fastly and Varnish read spaces; Cloudflare reads commas.
        response["Surrogate-Key"] = " ".join(keys)
        response["Cache-Tag"] = ",".join(keys)
    return response
