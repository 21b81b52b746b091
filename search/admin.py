"""The admin's article search, on the same engine as the public site."""

from django.contrib.admin.views.main import ORDER_VAR


class FullTextSearchMixin:
    """``ModelAdmin`` mixin: the changelist search box uses the full-text engine.

    It searches every article (drafts included), with the public query syntax,
    and lists the best matches first unless the user sorts by a column.
    Put it before ``admin.ModelAdmin``::

        class ArticleAdmin(FullTextSearchMixin, admin.ModelAdmin): ...

    The admin shows the search box only when ``search_fields`` is set; its
    value does not matter here.
    """

    def get_search_results(self, request, queryset, search_term):
        from . import search

        if not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        return search(search_term, live_only=False, queryset=queryset).queryset, False

    def get_changelist(self, request, **kwargs):
        return _ranked(super().get_changelist(request, **kwargs))


def _ranked(changelist_class):
    class RankedChangeList(changelist_class):
        def get_ordering(self, request, queryset):
            ordering = super().get_ordering(request, queryset)
            # The admin puts its default order (newest first) before the
            # queryset's own; while searching, relevance comes first.
            if "rank" in queryset.query.annotations and not self.params.get(ORDER_VAR):
                ordering = ["-rank", *ordering]
            return ordering

    return RankedChangeList
