"""What the API shows of each resource: plain data, the URLs checked, HTML only sanitised.

Text fields carry the stored text as it is; the JSON renderer escapes it, and
a client must treat it as text. The one HTML field, an article's
``body_html`` (and ``editor_note_html``), is the article page's own
sanitised rendering (``articles.rendering.render_markdown``), never the
stored Markdown's raw HTML.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import rendering
from articles.models import Article, Topic
from articles.presenting import path_for, updated_at
from authors import bylines
from authors.models import Author
from providers.models import Provider

from .errors import bad_request
from .presenting import image_data


class ChosenFields:
    """``?fields=a,b``: only those fields; an unknown name is a 400 naming it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        wanted = request.query_params.get("fields", "") if request is not None else ""
        names = [name.strip() for name in wanted.split(",") if name.strip()]
        if not names:
            return
        unknown = [name for name in names if name not in self.fields]
        if unknown:
            raise bad_request(
                "fields",
                f"Unknown field “{unknown[0][:60]}”. Choose among: {', '.join(self.fields)}.",
            )
        for name in set(self.fields) - set(names):
            self.fields.pop(name)


class Link(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.URLField()


def _site_url(request, name, slug):
    return request.build_absolute_uri(path_for(name, slug))


class TopicSerializer(ChosenFields, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = ["name", "slug", "url"]

    def get_url(self, topic) -> str:
        return _site_url(self.context["request"], "articles:topic", topic.slug)


class ProviderSerializer(ChosenFields, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    website = serializers.SerializerMethodField()

    class Meta:
        model = Provider
        fields = ["name", "slug", "domain", "url", "website"]

    def get_url(self, provider) -> str:
        return _site_url(self.context["request"], "providers:detail", provider.slug)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_website(self, provider) -> str | None:
        return rendering.web_url(f"https://{provider.domain}/") or None


class AuthorSerializer(ChosenFields, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Author
        fields = ["name", "slug", "bio", "url", "links"]

    def get_url(self, author) -> str:
        return _site_url(self.context["request"], "authors:detail", author.slug)

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
    def get_links(self, author):
        links = author.links if isinstance(author.links, list) else []
        return [url for url in (rendering.web_url(link) for link in links if isinstance(link, str)) if url]


class Image(serializers.Serializer):
    url = serializers.URLField(help_text="The outlet's original (http or https).")
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    alt = serializers.CharField()
    caption = serializers.CharField()
    credit = serializers.CharField()
    renditions = serializers.ListField(child=serializers.DictField(), help_text=(
        "Our own resized copies: [{url, width, height, format}], by format then width."
    ))
    srcset = serializers.DictField(child=serializers.CharField(), help_text=(
        "Ready-made srcset values per format (jpeg, webp); empty until copies exist."
    ))


class Byline(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField(allow_null=True, help_text="Our author's page; null for an outlet's writer.")


class StoryRef(serializers.Serializer):
    slug = serializers.CharField()
    url = serializers.URLField()
    api_url = serializers.URLField()
    article_count = serializers.IntegerField(help_text="Its live articles.")


class ArticleSerializer(ChosenFields, serializers.ModelSerializer):
    """An article as a list item."""

    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()
    origin = serializers.SerializerMethodField()
    provider = serializers.SerializerMethodField()
    authors = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    story = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id", "slug", "url", "api_url", "title", "excerpt", "category", "published_at",
            "updated_at", "origin", "provider", "authors", "topics", "image", "story",
        ]

    @property
    def request(self):
        return self.context["request"]

    def get_url(self, article) -> str:
        return _site_url(self.request, "articles:detail", article.slug)

    def get_api_url(self, article) -> str:
        return _site_url(self.request, "api:article-detail", article.slug)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_updated_at(self, article):
        """When readers were told it changed (a correction); null otherwise."""
        moment = updated_at(article)
        return serializers.DateTimeField().to_representation(moment) if moment else None

    @extend_schema_field({"type": "string", "enum": ["house", "imported"]})
    def get_origin(self, article):
        return "house" if article.is_house else "imported"

    @extend_schema_field(Link(allow_null=True))
    def get_provider(self, article):
        provider = article.provider
        if provider is None:
            return None
        return {"name": provider.name, "slug": provider.slug,
                "url": _site_url(self.request, "providers:detail", provider.slug)}

    @extend_schema_field(Byline(many=True))
    def get_authors(self, article):
        return [
            {"name": name.name, "url": self.request.build_absolute_uri(name.url) if name.url else None}
            for name in bylines.names(article)
        ]

    @extend_schema_field(Link(many=True))
    def get_topics(self, article):
        return [
            {"name": topic.name, "slug": topic.slug, "url": _site_url(self.request, "articles:topic", topic.slug)}
            for topic in self._topics(article)
        ]

    def _topics(self, article):
        found = getattr(article, "topic_list", None)
        return found if found is not None else article.topics.all()

    @extend_schema_field(Image(allow_null=True))
    def get_image(self, article):
        """The lead picture."""
        for image in getattr(article, "lead_images", None) or ():
            return image_data(self.request, image, article.title)
        return None

    @extend_schema_field(StoryRef(allow_null=True))
    def get_story(self, article):
        """The story (several outlets on one event) it belongs to, when it has other live articles."""
        count = getattr(article, "story_live_count", None) or 0
        slug = getattr(article, "story_slug", None)
        if count < 2 or not slug:
            return None
        return {
            "slug": slug, "url": _site_url(self.request, "stories:detail", slug),
            "api_url": _site_url(self.request, "api:story-detail", slug), "article_count": count,
        }


class Related(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField(allow_null=True, help_text="Our page when we carry it live, else theirs.")
    external_url = serializers.URLField(allow_null=True)
    provider_name = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class Correction(serializers.Serializer):
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ArticleDetailSerializer(ArticleSerializer):
    """An article with everything its page shows."""

    body_html = serializers.SerializerMethodField()
    editor_note_html = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()
    corrections = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()
    amp_url = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [
            *ArticleSerializer.Meta.fields, "editor_note_html", "body_html", "images", "related",
            "corrections", "original_url", "amp_url",
        ]

    def _children(self, article):
        return self.context["children"]

    def _topics(self, article):
        return self._children(article)["topics"]

    @extend_schema_field(Image(allow_null=True))
    def get_image(self, article):
        images = self.get_images(article)
        return images[0] if images else None

    def get_body_html(self, article) -> str:
        """The body as the article page renders it: sanitised HTML."""
        return str(rendering.render_markdown(article.body))

    def get_editor_note_html(self, article) -> str:
        return str(rendering.render_markdown(article.editor_note)) if article.editor_note else ""

    @extend_schema_field(Image(many=True))
    def get_images(self, article):
        found = (image_data(self.request, image, article.title) for image in self._children(article)["images"])
        return [image for image in found if image]

    @extend_schema_field(Related(many=True))
    def get_related(self, article):
        items = []
        for item in self._children(article)["related"]:
            target = item.target
            local = _site_url(self.request, "articles:detail", target.slug) if target and target.is_live() else None
            external = rendering.web_url(item.web_url) or None
            items.append({
                "title": item.title, "url": local or external, "external_url": external,
                "provider_name": item.provider_name or "",
                "published_at": serializers.DateTimeField().to_representation(item.published_at)
                if item.published_at else None,
            })
        return items

    @extend_schema_field(Correction(many=True))
    def get_corrections(self, article):
        return [
            {"note": item.note, "created_at": serializers.DateTimeField().to_representation(item.created_at)}
            for item in self._children(article)["corrections"]
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_original_url(self, article) -> str | None:
        return rendering.web_url(article.web_url) or None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_amp_url(self, article) -> str | None:
        return rendering.web_url(article.amp_url) or None


class StorySerializer(ChosenFields, serializers.Serializer):
    """A story: one event as several outlets reported it, by its newest live report."""

    slug = serializers.CharField(source="story_slug")
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    title = serializers.CharField(source="story_title", help_text="The first live report's headline.")
    article_count = serializers.IntegerField(source="story_live_count")
    latest_at = serializers.DateTimeField(source="published_at")

    def get_url(self, article) -> str:
        return _site_url(self.context["request"], "stories:detail", article.story_slug)

    def get_api_url(self, article) -> str:
        return _site_url(self.context["request"], "api:story-detail", article.story_slug)

