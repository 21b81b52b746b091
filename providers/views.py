"""Provider pages on the public site."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.views import LiveArticlesMixin

from .models import Provider


class ProviderDetailView(LiveArticlesMixin, ListView):
    template_name = "articles/article_list.html"

    def get_queryset(self):
        self.provider = get_object_or_404(Provider, slug=self.kwargs["slug"])
        return super().get_queryset().filter(provider=self.provider)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.provider.name, **kwargs)
