"""Site-wide views: error pages, robots.txt, the health check, the benchmark baseline."""

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, connections
from django.http import HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache


def page_not_found(request, exception=None):
    """The site's 404 page (``handler404``); under /api/, the API's JSON error instead."""
    if request.path_info.startswith("/api/"):
        from api.errors import not_found

        return not_found(request)
    return render(request, "404.html", status=404)


def server_error(request):
    """The site's 500 page (``handler500``): no context processors, no database."""
    return HttpResponseServerError(loader.get_template("500.html").render())


def robots_txt(request):
    """robots.txt, naming the sitemaps by absolute URL."""
    sitemaps = [request.build_absolute_uri(reverse(name)) for name in ("sitemap", "sitemap-news")]
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", ""]
    lines += [f"Sitemap: {url}" for url in sitemaps]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@cache_control(public=True, max_age=86400)
def favicon(request):
    """``/favicon.ico``, which browsers and feed readers ask for without reading any page.

    A temporary redirect to the static file, served like the other static
    files: its fingerprinted name changes with each deploy, so a permanent
    redirect would outlive it. Pages link the SVG and this file themselves.
    """
    return HttpResponseRedirect(static("favicon.ico"))


@never_cache
def healthz(request):
    """200 while the database and the cache answer, 503 naming what does not (for load balancers)."""
    down = []
    databases = [("database", connection)]
    if getattr(settings, "REPLICA_DATABASE", None):
        databases.append(("database replica", connections[settings.REPLICA_DATABASE]))
    for name, database in databases:
        try:
            with database.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            down.append(name)
    try:
        # A write and a read: a cache that accepts nothing is down too.
        cache.set("healthz", "ok", 10)
        if cache.get("healthz") != "ok":
            down.append("cache")
    except Exception:
        down.append("cache")
    if down:
        return HttpResponse(f"{' and '.join(down)} unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def trivial(request):
    """The benchmark's baseline: a Django view that does nothing (only routed for benchmarks)."""
    return HttpResponse("ok\n", content_type="text/plain")

