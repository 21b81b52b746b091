"""The front page: the lead story, the desk's top stories, then the latest live articles."""

from django.utils.functional import cached_property
from django.views.generic import ListView

from articles.pagination import CursorPage, cursor_for, paginate_by_cursor
from articles.presenting import stories
from articles.queries import lead_images, listed_articles
from curation.pages import front_page_pins
from newsroom.prepared import PreparedQuerySet
from stories.models import one_per_story, with_story

from .base import PublicSiteMixin, older_rows

# The lead story is picked among this many of the newest live articles; the
# rest make the front page's first page, so there must be more than a page.
LEAD_CANDIDATES = 30


def choose_lead(candidates):
    """The front page's lead story among ``candidates`` (newest first), or None.

    Each candidate scores half for its heat, as its rank among the candidates
    (the hottest 1, the coolest 0; heat -1 "not computed" and missing count as
    coolest), and half for its quality (0-100 scaled to 0-1, missing as 0).
    Candidates with a picture are preferred: if any has one, only those
    compete. The highest score wins; on a tie, the newer story.
    """
    candidates = list(candidates)
    pool = [a for a in candidates if a.lead_images] or candidates
    if not pool:
        return None
    heats = sorted(max(a.heat or 0, 0) for a in pool)

    def score(article):
        heat = max(article.heat or 0, 0)
        cooler = sum(1 for h in heats if h < heat)
        heat_rank = cooler / (len(pool) - 1) if len(pool) > 1 else 0
        return heat_rank / 2 + (article.quality or 0) / 200

    # max() keeps the first of equal scores, and candidates come newest first.
    return max(pool, key=score)


# The busiest query of the site, compiled once per process (newsroom.prepared).
# Each candidate comes with its story, so one event shows once (see stories.models).
_front_page_candidates = PreparedQuerySet(lambda: with_story(listed_articles())[:LEAD_CANDIDATES])
# Their pictures, found by the same cut of the live articles rather than a list
# of ids, so that this query too is compiled only once.
_front_page_lead_images = PreparedQuerySet(
    lambda: lead_images().filter(article__in=listed_articles().values("pk")[:LEAD_CANDIDATES])
)


def front_page_articles():
    """The front page's list: live articles, each with its story (one event shows once)."""
    return with_story(listed_articles())


def older_front_page(published_at, pk, limit, leave_out=()):
    """The front page's articles after the cursor ``(published_at, pk)``: ``limit`` of them."""
    return older_rows(front_page_articles, (), published_at, pk, limit, leave_out)


class FrontPageView(PublicSiteMixin, ListView):
    """The lead story, the desk's top stories, then the latest live articles.

    The desk's first live pin is the lead, the next ones are the top stories
    (``curation``); without a pin the formula chooses the lead (``choose_lead``).
    The list never repeats what is shown above it, on any page.

    The first page is cut from the lead's candidates themselves, so the
    busiest page of the site costs three queries: the newest articles, the
    pinned ones, and the pictures of both. Older pages add the list itself.
    """

    template_name = "articles/front_page.html"
    heading = "Latest news"

    @cached_property
    def pinned(self):
        return front_page_pins()

    @cached_property
    def candidates(self):
        candidates = _front_page_candidates()
        images = {image.article_id: image for image in _front_page_lead_images()}
        # Pinned articles older than the candidates: their pictures too (only when pinned).
        older = [article.pk for article in self.pinned if article.pk not in images]
        if older:
            images.update((image.article_id, image) for image in lead_images().filter(article__in=older))
        for article in [*candidates, *self.pinned]:
            article.lead_images = [images[article.pk]] if article.pk in images else []
        return candidates

    @cached_property
    def lead(self):
        if self.pinned:
            return self.pinned[0]
        return choose_lead(self.candidates)

    @cached_property
    def shown_above(self):
        """Ids of the lead and the pinned top stories: the list leaves them out."""
        return {article.pk for article in [*self.pinned, *([self.lead] if self.lead else [])]}

    @cached_property
    def first_page(self):
        return not (self.request.GET.get("before") or self.request.GET.get("after"))

    def get_queryset(self):
        if self.first_page:
            # Cut from the candidates (paginate_queryset): no queryset to build.
            return self.candidates
        articles = front_page_articles()
        return articles.exclude(pk__in=self.shown_above) if self.shown_above else articles

    def paginate_queryset(self, queryset, page_size):
        if not self.first_page:
            shown_above = self.shown_above
            page = paginate_by_cursor(
                queryset, self.request, page_size,
                fetch_older=lambda published_at, pk, limit: older_front_page(published_at, pk, limit, shown_above),
            )
            return None, page, page.object_list, page.has_other_pages()
        rest = [article for article in self.candidates if article.pk not in self.shown_above]
        page = CursorPage(
            rest[:page_size],
            next_query=f"before={cursor_for(rest[page_size - 1])}" if len(rest) > page_size else "",
        )
        return None, page, page.object_list, page.has_other_pages()

    def stories_for(self, articles):
        # The lead and top stories open the front page only; older pages are plain lists.
        if not self.lead or not self.first_page:
            return stories(one_per_story(articles))
        # One story shows once, whether above or in the list; the lead and the
        # top stories come first, so they are the ones kept.
        kept = one_per_story([self.lead, *self.pinned[1:], *articles])
        above = sum(1 for article in kept if article.pk in self.shown_above)
        # One query for the pictures of the lead, the top stories and the list together.
        items = stories(kept)
        self.lead_story, self.top_stories = items[0], items[1:above]
        return items[above:]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lead"] = getattr(self, "lead_story", None)
        context["top_stories"] = getattr(self, "top_stories", [])
        return context
