"""The curation screen, under /admin/curation/ (mounted before the admin's own URLs)."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "curation"

urlpatterns = [
    path("front/", admin.site.admin_view(views.screen), name="front"),
    path("topic/", admin.site.admin_view(views.choose_topic), name="choose-topic"),
    path("topics/<str:slug>/", admin.site.admin_view(views.screen), name="topic"),
]
