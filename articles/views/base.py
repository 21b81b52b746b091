"""What every public list page shares: live articles, newest first, a cursor page at a time."""

from articles.pagination import paginate_by_cursor
from articles.presenting import stories
from articles.queries import listed_articles

PAGE_SIZE = 20
INDEX_PAGE_SIZE = 200


class PublicSiteMixin:
    """What every public page shares: live articles, newest first, a page at a time.

    Staff with change permission may preview what is not live (the article
    page asks ``can_preview``); nothing else on the public site differs for them.
    """

    paginate_by = PAGE_SIZE
    heading = ""
    lists_articles = True
    # What the page cache keys on (articles/caching.py): the cursor, nothing else.
    query_parameters = ("before", "after")

    def get_queryset(self):
        return listed_articles()

    def paginate_queryset(self, queryset, page_size):
        page = paginate_by_cursor(queryset, self.request, page_size)
        return None, page, page.object_list, page.has_other_pages()

    def can_preview(self):
        return self.request.user.has_perm("articles.change_article")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("heading", self.heading)
        context = super().get_context_data(**kwargs)
        if self.lists_articles:
            context["stories"] = self.stories_for(context["object_list"])
        return context

    def stories_for(self, articles):
        return stories(articles)
