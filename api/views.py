"""The read API's endpoints: read-only, and only what the public pages show.

Every queryset starts from the pages' own: ``listed_articles()`` (live
articles, the list columns), ``Topic/Provider/Author.objects.live()``, the
story index's ``newest_of_each_story``; an article's detail is the article
page's ``article_by_slug`` and ``article_children``, shown only while
``is_live()``, and 410 once killed, as the page answers.
"""

from django.db.models import F, Prefetch, prefetch_related_objects
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics

from articles.models import Article, Image, TaggedArticle, Topic
from articles.queries import article_by_slug, article_children, listed_articles
from authors import bylines
from authors.models import Author
from cdn import keys as surrogate_keys
from providers.models import Provider
from stories.models import Story, newest_of_each_story, with_story

from . import serializers
from .errors import Gone
from .filters import ArticleFilter
from .pagination import ByKey, NewestFirst

FIELDS = OpenApiParameter(
    "fields", str, description="Comma-separated fields to return (an unknown one is a 400)."
)
# Anonymous, or an API token with the read scope (its own rate limit: api/http.py).
TOKEN_OR_NONE = [{}, {"apiToken": []}]
# What a list item's lead picture needs: the list thumbnail's columns and its credit.
_LEAD_IMAGE = Prefetch(
    "images",
    queryset=Image.objects.filter(position=0)
    .only("article_id", "url", "width", "height", "title", "alt", "attribution", "renditions").order_by(),
    to_attr="lead_images",
)


def attach_topics(articles):
    """Set ``article.topic_list`` on each of ``articles``, in one query, in the order they were added.

    ``article.topics.all()`` over a prefetch still builds a filtered queryset
    per article in taggit's manager: a fifth of a list's time for 20 items.
    """
    found = {article.pk: [] for article in articles}
    links = (
        TaggedArticle.objects.filter(content_object_id__in=list(found)).select_related("tag")
        .only("content_object_id", "tag__name", "tag__slug").order_by("id")
    )
    for link in links:
        found[link.content_object_id].append(link.tag)
    for article in articles:
        article.topic_list = found[article.pk]


class ReadOnly:
    """What every endpoint shares: GET (and HEAD, OPTIONS) only."""

    http_method_names = ["get", "head", "options"]


class ArticlePage(ReadOnly):
    """Live articles, as the public lists show them (newest first, cursor pages)."""

    pagination_class = NewestFirst

    def get_queryset(self):
        return with_story(listed_articles())


@extend_schema_view(get=extend_schema(auth=TOKEN_OR_NONE, parameters=[FIELDS], summary="Live articles, newest first"))
class ArticleList(ArticlePage, generics.ListAPIView):
    serializer_class = serializers.ArticleSerializer
    filter_backends = [ArticleFilter]

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # Topics, lead pictures and our bylines for the whole page: three queries.
        articles = list(page)
        if articles:
            prefetch_related_objects(articles, _LEAD_IMAGE)
            attach_topics(articles)
            bylines.attach(articles)
        return articles


@extend_schema_view(get=extend_schema(auth=TOKEN_OR_NONE, parameters=[FIELDS], summary="One live article, as its page shows it"))
class ArticleDetail(ReadOnly, generics.RetrieveAPIView):
    serializer_class = serializers.ArticleDetailSerializer
    lookup_field = "slug"

    def get_object(self):
        found = article_by_slug(self.kwargs["slug"])
        article = found[0] if found else None
        if article is not None and article.status == Article.Status.KILLED:
            # A CDN may keep the "gone" too: a restore purges it by the article's key.
            surrogate_keys.shows(surrogate_keys.article(article.pk))
            raise Gone()
        if article is None or not article.is_live():
            raise exceptions.NotFound("No such article.")
        return article

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "_children", None) is not None:
            context["children"] = self._children
        return context

    def retrieve(self, request, *args, **kwargs):
        article = self.get_object()
        self._children = article_children(article)
        # Filed like the article's page, so its purge (cdn/keys.py) reaches this answer too.
        surrogate_keys.shows_article(article, self._children["topics"])
        bylines.attach([article])
        return super().retrieve(request, *args, **kwargs)

    def get_queryset(self):
        # For the schema only: the object comes from the page's own query (get_object).
        return Article.objects.none()


@extend_schema_view(get=extend_schema(auth=TOKEN_OR_NONE, parameters=[FIELDS], summary="Topics that have a live article"))
class TopicList(ReadOnly, generics.ListAPIView):
    serializer_class = serializers.TopicSerializer
    pagination_class = ByKey

    def get_queryset(self):
        return Topic.objects.live().only("name", "slug")


@extend_schema_view(get=extend_schema(auth=TOKEN_OR_NONE, parameters=[FIELDS]))
class TopicDetail(ReadOnly, generics.RetrieveAPIView):
    serializer_class = serializers.TopicSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Topic.objects.live()


@extend_schema_view(get=extend_schema(auth=TOKEN_OR_NONE, parameters=[FIELDS], summary="Sources that have a live article"))
class ProviderList(ReadOnly, generics.ListAPIView):
    serializer_class = serializers.ProviderSerializer
    pagination_class = ByKey

    def get_queryset(self):
        return Provider.objects.live()


@extend_schema_view(get=extend_schema(auth=TOKEN_OR_NONE, parameters=[FIELDS]))
class ProviderDetail(ReadOnly, generics.RetrieveAPIView):
    serializer_class = serializers.ProviderSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Provider.objects.live()


@extend_schema_view(get=extend_schema(auth=TOKEN_OR_NONE, parameters=[FIELDS], summary="Our authors with a live article"))
class AuthorList(ReadOnly, generics.ListAPIView):
    serializer_class = serializers.AuthorSerializer
    pagination_class = ByKey

    def get_queryset(self):
        return Author.objects.live().only("name", "slug", "bio", "links")


@extend_schema_view(get=extend_schema(auth=TOKEN_OR_NONE, parameters=[FIELDS]))
class AuthorDetail(ReadOnly, generics.RetrieveAPIView):
    serializer_class = serializers.AuthorSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Author.objects.live()


class StoryPage(ReadOnly):
    serializer_class = serializers.StorySerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return newest_of_each_story(
            Article.objects.live().only("published_at")
        ).annotate(story_title=F("story_membership__story__title"))


@extend_schema_view(get=extend_schema(
    auth=TOKEN_OR_NONE, parameters=[FIELDS], summary="Stories (events reported more than once), by their newest report"
))
class StoryList(StoryPage, generics.ListAPIView):
    pass


@extend_schema_view(get=extend_schema(auth=TOKEN_OR_NONE, parameters=[FIELDS]))
class StoryDetail(StoryPage, generics.RetrieveAPIView):
    """A story while it has more than one live article; its articles are ``/articles/?story=<slug>``."""

    def get_object(self):
        story = Story.objects.filter(slug=self.kwargs["slug"], merged_into__isnull=True).first()
        if story is None:
            raise Http404
        found = self.get_queryset().filter(story_membership__story=story).first()
        if found is None:
            raise Http404
        return found

