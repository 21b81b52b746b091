"""``/api/``: the read API (v1), its OpenAPI schema and reference page; JSON 404 for the rest.

Every endpoint answers with or without its trailing slash. Lists and details
go through ``api_page``: rate limit, then the public pages' conditional GET
and cache (``articles.caching.public_page``), keyed on the declared query
parameters only.
"""

from django.urls import path, re_path
from django.views.decorators.cache import cache_control
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .filters import ArticleFilter
from .http import api_page

app_name = "api"

PAGED = ("cursor", "page_size", "fields")
LIST_PARAMS = (*PAGED, *ArticleFilter.PARAMETERS)


def endpoint(route, view, name, params=("fields",)):
    """``route`` with and without its final slash, served through ``api_page``."""
    wrapped = api_page(params=params)(view.as_view())
    return re_path(rf"^{route}/?$", wrapped, name=name)


class ReferencePage(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's static files; its start-up script is a file too (CSP: 'self')."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


urlpatterns = [
    endpoint("v1/articles", views.ArticleList, "article-list", LIST_PARAMS),
    endpoint(r"v1/articles/(?P<slug>[^/]+)", views.ArticleDetail, "article-detail"),
    endpoint("v1/topics", views.TopicList, "topic-list", PAGED),
    endpoint(r"v1/topics/(?P<slug>[^/]+)", views.TopicDetail, "topic-detail"),
    endpoint("v1/providers", views.ProviderList, "provider-list", PAGED),
    endpoint(r"v1/providers/(?P<slug>[^/]+)", views.ProviderDetail, "provider-detail"),
    endpoint("v1/authors", views.AuthorList, "author-list", PAGED),
    endpoint(r"v1/authors/(?P<slug>[^/]+)", views.AuthorDetail, "author-detail"),
    endpoint("v1/stories", views.StoryList, "story-list", PAGED),
    endpoint(r"v1/stories/(?P<slug>[^/]+)", views.StoryDetail, "story-detail"),
    # The schema changes only with a deployment: browsers and CDNs may keep it an hour.
    path("schema/", cache_control(public=True, max_age=3600)(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", ReferencePage.as_view(), name="docs"),
]
# Any other path under /api/ is a JSON 404 too: newsroom.views.page_not_found
# answers the site's 404s under /api/ with api.errors' body, so the ingest API's
# routes (their own include) are never shadowed by a catch-all here.
