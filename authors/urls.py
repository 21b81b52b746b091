"""Author pages and feeds, and the newsroom's own reporting."""

from django.urls import path

from articles.caching import public_page

from . import feeds, views

app_name = "authors"

page = public_page(max_age=0)
feed = public_page(max_age=300)

urlpatterns = [
    path("our-reporting/", page(views.HouseView.as_view()), name="house"),
    path("our-reporting/rss/", feed(feeds.HouseFeed()), name="house-rss"),
    path("our-reporting/atom/", feed(feeds.HouseAtomFeed()), name="house-atom"),
    path("authors/<str:slug>/", page(views.AuthorDetailView.as_view()), name="detail"),
    path("authors/<str:slug>/rss/", feed(feeds.AuthorFeed()), name="rss"),
    path("authors/<str:slug>/atom/", feed(feeds.AuthorAtomFeed()), name="atom"),
]
