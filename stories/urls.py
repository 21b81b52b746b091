"""Story pages on the public site."""

from django.urls import path

from articles.caching import public_page

from . import views

app_name = "stories"

urlpatterns = [
    path("", public_page(max_age=0)(views.StoryIndexView.as_view()), name="index"),
    path("<str:slug>/", public_page(max_age=0)(views.StoryDetailView.as_view()), name="detail"),
]
