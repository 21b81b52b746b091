"""The article page: live for everyone, a preview for staff, 410 once killed."""

from django.http import Http404
from django.shortcuts import render
from django.views.generic import DetailView

from articles.models import Article
from articles.presenting import PENDING_BANNER, preview_reason, render_article, with_pending
from articles.queries import article_by_slug
from cdn import keys as surrogate_keys

from .base import PublicSiteMixin


class ArticleDetailView(PublicSiteMixin, DetailView):
    """An article at its permanent URL: live for everyone, a preview for staff, 410 once killed.

    Staff see an article's pending version (the changes awaiting review),
    with a banner saying so; readers always get the live one.
    """

    query_parameters = ()

    def get_object(self, queryset=None):
        found = article_by_slug(self.kwargs["slug"])
        if not found:
            raise Http404("No such article.")
        return found[0]

    def get(self, request, *args, **kwargs):
        article = self.get_object()
        if article.status == Article.Status.KILLED:
            # A CDN may keep the "gone" too: a restore purges it by the article's key.
            surrogate_keys.shows(surrogate_keys.article(article.pk))
            return gone(request)
        preview = self.can_preview()
        pending = preview and article.pending_revision_id is not None
        if article.is_live():
            if pending:
                # Staff see what a publisher would publish; readers keep the live version.
                return render_article(request, with_pending(article), preview_banner=PENDING_BANNER)
            return render_article(request, article)
        if preview:
            banner = preview_reason(article)
            if pending:
                banner = f"{banner} It shows the changes awaiting review."
            return render_article(request, with_pending(article), preview_banner=banner)
        raise Http404("No such article.")


def gone(request):
    """410 for a killed article: it existed, and it will not come back."""
    return render(request, "410.html", status=410)

