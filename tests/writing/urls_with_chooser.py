"""The site's URLs plus a stand-in for the media library's picture chooser (``admin:media_picture_chooser``).

The ``media`` app provides the real one; the editor only needs its name to
resolve, and the chooser to answer ``newsroom:picture-chosen`` messages.
"""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path

from newsroom import urls as site

CHOOSER_PATH = "media/picture/choose/"


def fake_chooser(request):
    return HttpResponse("<!doctype html><title>Choose a picture</title><p>Pictures</p>")


admin_urls = [
    path(CHOOSER_PATH, admin.site.admin_view(fake_chooser), name="media_picture_chooser"),
    *admin.site.get_urls(),
]
urlpatterns = [
    path("admin/", (admin_urls, "admin", admin.site.name)) if str(pattern.pattern) == "admin/" else pattern
    for pattern in site.urlpatterns
]
handler404 = site.handler404
handler500 = site.handler500
