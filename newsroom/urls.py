"""URL map: the admin, the public site (articles, providers), feeds, sitemaps, robots.txt, health."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.text import format_lazy

from articles import sitemaps
from articles.caching import public_page
from newsroom import views
from staff.forms import StaffAuthenticationForm

# Crawlers fetch these often and they change with every import: an hour is plenty.
crawler_file = public_page(max_age=3600)

# Repeated sign-in failures pause sign-in (staff/lockout.py).
admin.site.login_form = StaffAuthenticationForm

# The admin names the site, not "Django administration"; read on each page, so a
# changed SITE_NAME (or a test's) shows without a restart of this module.
site_name = lazy(lambda: settings.SITE_NAME, str)()
admin.site.site_header = admin.site.site_title = site_name
admin.site.index_title = format_lazy("{} desk", site_name)

urlpatterns = [
    # Second factor, enrolment, sessions: before the admin, which would claim the path.
    path("admin/security/webauthn/", include("staff.webauthn")),
    path("admin/security/", include("staff.urls")),
    # The front page's and topic pages' curation screen (curation/), before the admin too.
    path("admin/curation/", include("curation.urls")),
    path("admin/", admin.site.urls),
    path("robots.txt", public_page(max_age=86400)(views.robots_txt), name="robots"),
    path("healthz", views.healthz, name="healthz"),
    # Prometheus metrics: a 404 for anyone without the token or an allowed address (metrics/).
    path("metrics", include("metrics.urls")),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", crawler_file(sitemaps.sitemap_xml), name="sitemap"),
    path("sitemap-news.xml", public_page(max_age=300)(sitemaps.news_sitemap), name="sitemap-news"),
    path(
        "sitemap-<slug:section>.xml",
        public_page(max_age=3600, params=["p"])(sitemaps.sitemap_section),
        name="sitemap-section",
    ),
    # Push ingest and its API tokens (ingest/): before any other api/ include.
    path("api/v1/ingest/", include("ingest.urls")),
    # The public read API, its OpenAPI schema and reference page (api/).
    path("api/", include("api.urls")),
    path("providers/", include("providers.urls")),
    path("search/", include("search.urls")),
    path("stories/", include("stories.urls")),
    path("", include("authors.urls")),
    path("share/", include("articles.sharing")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    # Cached and uploaded images on a development machine; production serves
    # media from its storage backend (or a CDN in front of it).
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.BENCHMARK_VIEWS:
    # Only for make bench: the baseline "does nothing" Django view.
    urlpatterns.append(path("bench/trivial", views.trivial))

handler404 = "newsroom.views.page_not_found"
handler500 = "newsroom.views.server_error"
