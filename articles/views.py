"""The public site's article pages. Everything starts from ``Article.objects.live()``."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article, Topic


class LiveArticlesMixin:
    """Public pages only ever show live articles."""

    paginate_by = 20

    def get_queryset(self):
        return Article.objects.live().select_related("provider")


class ArticleListView(LiveArticlesMixin, ListView):
    template_name = "articles/article_list.html"


class ArticleDetailView(LiveArticlesMixin, DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("images", "topics", "related_items")


class TopicView(LiveArticlesMixin, ListView):
    template_name = "articles/article_list.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return super().get_queryset().filter(topics=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.topic.name, **kwargs)
