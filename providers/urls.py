"""Provider (news outlet) pages and feeds on the public site."""

from django.urls import path

from articles import feeds
from articles.caching import public_page

from . import views

app_name = "providers"

page = public_page(max_age=0)
feed = public_page(max_age=300)

urlpatterns = [
    path("", page(views.ProviderIndexView.as_view()), name="index"),
    path("<str:slug>/", page(views.ProviderDetailView.as_view()), name="detail"),
    path("<str:slug>/rss/", feed(feeds.ProviderFeed()), name="rss"),
    path("<str:slug>/atom/", feed(feeds.ProviderAtomFeed()), name="atom"),
    path("<str:slug>/json/", feed(feeds.ProviderJSONFeed()), name="json"),
]
