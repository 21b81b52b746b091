"""URL map: the admin, the public site (articles, providers)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("providers/", include("providers.urls")),
    path("", include("articles.urls")),
]
