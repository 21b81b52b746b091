"""The article page: live for everyone, a preview for staff, 410 once killed."""

from django.http import Http404
from django.shortcuts import render
from django.views.generic import DetailView

from articles.models import Article
from articles.presenting import preview_reason, render_article
from articles.queries import article_by_slug

from .base import PublicSiteMixin


class ArticleDetailView(PublicSiteMixin, DetailView):
    """An article at its permanent URL: live for everyone, a preview for staff, 410 once killed."""

    query_parameters = ()

    def get_object(self, queryset=None):
        found = article_by_slug(self.kwargs["slug"])
        if not found:
            raise Http404("No such article.")
        return found[0]

    def get(self, request, *args, **kwargs):
        article = self.get_object()
        if article.status == Article.Status.KILLED:
            return gone(request)
        if article.is_live():
            return render_article(request, article)
        if self.can_preview():
            return render_article(request, article, preview_banner=preview_reason(article))
        raise Http404("No such article.")


def gone(request):
    """410 for a killed article: it existed, and it will not come back."""
    return render(request, "410.html", status=410)

