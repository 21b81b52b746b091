"""The public site's article pages and feeds; each is cached per content version."""

from django.urls import path, re_path

from . import feeds
from .caching import public_page
from .views import archive, detail, front, lists

app_name = "articles"

# HTML revalidates on every view (a cheap 304) so a withdrawn article is gone at
# once; feed readers poll, so feeds may be kept a few minutes.
page = public_page(max_age=0)
feed = public_page(max_age=300)

urlpatterns = [
    path("", page(front.FrontPageView.as_view()), name="index"),
    path("rss/", feed(feeds.LatestArticlesFeed()), name="rss"),
    path("atom/", feed(feeds.LatestArticlesAtomFeed()), name="atom"),
    path("json/", feed(feeds.LatestArticlesJSONFeed()), name="json"),
    path("articles/<str:slug>/", page(detail.ArticleDetailView.as_view()), name="detail"),
    path("topics/", page(lists.TopicIndexView.as_view()), name="topics"),
    path("topics/<str:slug>/", page(lists.TopicView.as_view()), name="topic"),
    path("topics/<str:slug>/rss/", feed(feeds.TopicFeed()), name="topic-rss"),
    path("topics/<str:slug>/atom/", feed(feeds.TopicAtomFeed()), name="topic-atom"),
    path("topics/<str:slug>/json/", feed(feeds.TopicJSONFeed()), name="topic-json"),
    path("categories/<path:category>/", page(lists.CategoryView.as_view()), name="category"),
    path("archive/", page(archive.ArchiveIndexView.as_view()), name="archive"),
    path("archive/<int:year>/", page(archive.YearArchiveView.as_view()), name="archive-year"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        page(archive.MonthArchiveView.as_view()),
        name="archive-month",
    ),
]
