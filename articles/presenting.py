"""How the public site presents articles: list items, the article page's context, JSON-LD.

Pure presentation shared by the views, the signed share links and other apps'
lists; no module here is a view, so anything may import it.
"""

import copy
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from authors import bylines
from cdn import keys as surrogate_keys

from . import editorial, rendering, workflow
from .models import Image, Topic
from .queries import article_children, lead_image_prefetch
from .templatetags.pictures import fallback_rendition, picture


@dataclass
class Story:
    """One article as a list shows it, formatted in Python.

    Lists are the costliest pages to render; a dozen template filters per item
    cost more than the page's queries, so the values are prepared once here.
    """

    url: str
    title: str
    excerpt: str
    # Empty for a house article: the site itself is its publisher.
    provider_name: str
    provider_url: str
    published_iso: str
    published_text: str
    image: dict | None
    # ``authors.bylines.Name`` items: our authors (linked) or the outlet's names (plain).
    bylines: tuple = ()
    # The article's story, when it has more than one live article.
    coverage_url: str = ""
    coverage_count: int = 0

    @property
    def credit(self):
        """Who it is by, as the list's meta line shows it (safe HTML): "By A, B, Outlet"."""
        return credit_html(self.bylines, self.provider_name, self.provider_url)

    def html(self, level):
        """The list item (``<li>``) with a heading of ``level``, as safe HTML.

        Written out in Python rather than a template loop: rendered twenty to
        thirty times per list page, the loop's variables, conditions and picture
        tag were a third of the uncached front page. Every value is escaped.
        """
        parts = [
            f'<li class="story">\n  <article>\n    <h{level} class="story__title"><a href="{escape(self.url)}" '
            f'dir="auto">{escape(self.title)}</a></h{level}>\n'
            f'    <p class="meta">{self.credit} · <time datetime="{escape(self.published_iso)}">'
            f'{escape(self.published_text)}</time></p>\n    ',
        ]
        if self.excerpt:
            parts.append(f'<p class="story__excerpt" dir="auto">{escape(self.excerpt)}</p>')
        parts.append("\n    ")
        if self.coverage_url:
            parts.append(
                f'<p class="story__coverage"><a href="{escape(self.coverage_url)}">'
                f"Full coverage: {int(self.coverage_count)} reports</a></p>"
            )
        parts.append("\n    ")
        if self.image:
            parts.append(picture(self.image, css_class="story__image", crop="16:9", sizes=LIST_IMAGE_SIZES))
        parts.append("\n  </article>\n</li>\n")
        return "".join(parts)


# A list thumbnail's width: a column on wide screens, the whole screen on phones.
LIST_IMAGE_SIZES = "(min-width: 48rem) 22rem, 100vw"


def story_list_html(items, level):
    """``<ol class="stories">`` of ``Story`` items with headings of ``level`` (safe HTML)."""
    try:
        level = min(max(int(level), 1), 6)  # from the template; never markup
    except (TypeError, ValueError):
        level = 2
    return mark_safe(  # noqa: S308 - each item escapes its values (Story.html)
        '<ol class="stories">\n' + "".join(item.html(level) for item in items) + "</ol>"
    )


def credit_html(names, provider_name, provider_url):
    """"By <names>, <outlet>": our authors linked to their pages, an outlet's writers as text,
    the outlet linked to its page; a house article without a byline is the site's own.

    Built in Python, once per item: as template tags, the loop over names cost a list
    page more than its queries.
    """
    # The standard library's escape: Django's lazy-aware one costs a list page a tenth of a
    # millisecond here. Every value is text from the database (or a URL we built).
    parts = [
        f'<a href="{escape(name.url)}" rel="author" dir="auto">{escape(name.name)}</a>' if name.url
        else f'<span dir="auto">{escape(name.name)}</span>'
        for name in names
    ]
    if provider_name:
        parts.append(f'<a href="{escape(provider_url)}" dir="auto">{escape(provider_name)}</a>')
    elif not parts:
        return mark_safe(escape(getattr(settings, "SITE_NAME", "Newsroom")))
    return mark_safe(("By " if names else "") + ", ".join(parts))  # each part escaped above


@lru_cache(maxsize=50_000)
def _path(name, slug, prefix):
    return reverse(name, kwargs={"slug": slug})


def path_for(name, slug):
    """``reverse(name, slug=slug)``, memoised: a list page links forty of them.

    Reversing is pure (the URLconf does not change while running) and costs
    more than the list's queries, so each URL is built once per process.
    """
    return _path(name, slug, get_script_prefix())


def stories(articles):
    """``Story`` items for ``articles``, with their lead pictures in one query."""
    # The front page brings its own pictures: building the prefetch's queryset alone cost it 4 %.
    if any(not hasattr(article, "lead_images") for article in articles):
        prefetch_related_objects(articles, lead_image_prefetch())
    bylines.attach(articles)
    # Read once for the list rather than once per link and date: both are thread-locals.
    prefix, zone = get_script_prefix(), timezone.get_current_timezone()
    items = []
    for article in articles:
        provider = article.provider
        published = article.published_at.astimezone(zone)
        image = article.lead_images[0] if article.lead_images else None
        src = rendering.web_url(image.url) if image else ""
        coverage = getattr(article, "story_live_count", None) or 0
        items.append(
            Story(
                url=_path("articles:detail", article.slug, prefix),
                title=article.title,
                excerpt=article.excerpt,
                provider_name=provider.name if provider else "",
                provider_url=_path("providers:detail", provider.slug, prefix) if provider else "",
                bylines=tuple(bylines.names(article)),
                published_iso=published.replace(microsecond=0).isoformat(),
                published_text=f"{published.day} {published:%b %Y, %H:%M} {published.tzname()}",
                image={
                    "src": src, "alt": image.alt or image.title or article.title,
                    "width": image.width, "height": image.height,
                    "renditions": image.renditions,
                } if src else None,
                coverage_url=_path("stories:detail", article.story_slug, prefix) if coverage > 1 else "",
                coverage_count=coverage,
            )
        )
    return items


def feed_links(rss_name, atom_name, json_name=None, **kwargs):
    """(type, label, URL) of the RSS, Atom (and JSON) feeds, for <link rel="alternate"> and footers."""
    links = [
        ("application/rss+xml", "RSS", reverse(rss_name, kwargs=kwargs)),
        ("application/atom+xml", "Atom", reverse(atom_name, kwargs=kwargs)),
    ]
    if json_name:
        links.append(("application/feed+json", "JSON Feed", reverse(json_name, kwargs=kwargs)))
    return links


def preview_reason(article):
    """Why a staff member's preview of ``article`` is not what readers see.

    The workflow's own explanation, so the banner and the admin say the same
    thing, at the same times in the same zone.
    """
    return workflow.visibility(article).preview_banner


PENDING_BANNER = (
    "Preview of the changes awaiting review: readers see the live version until a publisher "
    "publishes them."
)


@dataclass(frozen=True)
class PreviewTopic:
    """A topic of a pending version that no article carries yet: a name without a page."""

    name: str

    def get_absolute_url(self):
        return ""


def with_pending(article):
    """A copy of ``article`` showing its pending version (or ``article`` if it has none); nothing is saved.

    Its columns, topics and pictures are the pending content's; a picture the
    article already has keeps our cached copy of it.
    """
    content = editorial.pending_content(article)
    if content is None:
        return article
    shown = copy.copy(article)
    shown._state = copy.copy(article._state)
    for name in ("title", "excerpt", "editor_note", "body"):
        setattr(shown, name, content[name])
    shown.category = content["category"] or None
    shown.shown_content = content
    return shown


def _shown_children(article, children):
    """The page's pictures and topics from the content ``with_pending`` put on ``article``."""
    content = getattr(article, "shown_content", None)
    if content is None:
        return children
    rows = {image.url: image for image in children["images"]}
    images = []
    for position, entry in enumerate(content["images"]):
        old = rows.get(entry["url"])
        images.append(Image(
            article_id=article.pk, position=position, url=entry["url"], title=entry["title"] or None,
            attribution=entry["attribution"] or None, width=old.width if old else entry["width"],
            height=old.height if old else entry["height"], renditions=old.renditions if old else None,
            alt=old.alt if old else None,
        ))
    known = {topic.key: topic for topic in Topic.objects.filter(
        key__in=[Topic.key_for(name) for name in content["topics"]]
    )}
    topics = [known.get(Topic.key_for(name)) or PreviewTopic(name) for name in content["topics"]]
    return {**children, "images": images, "topics": topics}


def render_article(request, article, *, preview_banner=None):
    """Render the public article page for ``article``, whatever its state.

    The public view calls it for live articles; previews and signed share links
    call it for any article, with ``preview_banner`` shown above the headline.
    A page with a banner is never cached or indexed.
    """
    context = article_context(request, article, preview_banner)
    response = render(request, "articles/article_detail.html", context)
    if preview_banner:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    else:
        # What a CDN files the page under (cdn/keys.py); a preview is never shared.
        surrogate_keys.shows_article(article, context["topics"])
        # Its related items link to our own articles while they are live: a kill renews this page too.
        surrogate_keys.shows(*(surrogate_keys.article(item.target_id) for item in context["related"]
                               if item.target_id))
    return response


def related_html(items):
    """The ``<li>`` items of the article page's related coverage, as safe HTML.

    Each needs ``local_url`` and ``external_url`` (``article_context`` sets them).
    Written in Python, as ``Story.html``: a dozen template conditions per item
    were the article page's costliest loop. Every value is escaped.
    """
    parts = []
    for item in items:
        title = escape(item.title or "")
        if item.local_url:
            link = f'<a href="{escape(item.local_url)}" dir="auto">{title}</a>'
        elif item.external_url:
            link = (
                f'<a href="{escape(item.external_url)}" rel="external noopener" dir="auto">{title}</a> '
                '<span class="external">(external site)</span>'
            )
        else:
            link = f'<span dir="auto">{title}</span>'
        meta = []
        if item.provider_name:
            meta.append(f'<span dir="auto">{escape(item.provider_name)}</span>')
        if item.published_at:
            local = timezone.localtime(item.published_at)
            meta.append(
                f'<time datetime="{local.replace(microsecond=0).isoformat()}">'
                f"{local.day} {local:%b %Y}</time>"
            )
        meta_html = f'<span class="meta">{" · ".join(meta)}</span>' if meta else ""
        parts.append(f"\n    <li>{link}\n      {meta_html}</li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


def topic_links(topics):
    """``(name, url)`` of the article's topics; the URL is empty for a topic without a page."""
    return [
        (topic.name, path_for("articles:topic", topic.slug) if getattr(topic, "slug", "") else "")
        for topic in topics
    ]


@lru_cache(maxsize=10_000)
def _category_path(category, prefix):
    return reverse("articles:category", args=[category])


def updated_at(article):
    """When readers were told the article changed (a correction), or None."""
    if article.modified_at and article.modified_at > article.published_at:
        return article.modified_at
    return None


def article_context(request, article, preview_banner=None):
    """Everything the article template shows, with every URL already checked."""
    children = _shown_children(article, article_children(article))
    images = [image for image in children["images"] if rendering.web_url(image.url)]
    for image in images:
        image.src = rendering.web_url(image.url)
        image.card = card_picture(request, image)
    for item in children["related"]:
        # Our own page only while that article is live here; otherwise theirs.
        target = item.target
        item.local_url = path_for("articles:detail", target.slug) if target and target.is_live() else ""
        item.external_url = rendering.web_url(item.web_url)
    canonical = request.build_absolute_uri(path_for("articles:detail", article.slug))
    modified = updated_at(article)
    topics = children["topics"]
    story_count = getattr(article, "story_live_count", None) or 0
    return {
        "article": article,
        # Its story's full coverage, when there is more than this one article to see.
        "story_url": path_for("stories:detail", article.story_slug) if story_count > 1 else "",
        "story_count": story_count,
        "preview_banner": preview_banner,
        "lead_image": images[0] if images else None,
        "more_images": images[1:],
        "topics": topics,
        "topic_links": topic_links(topics),
        "related": children["related"],
        "related_html": related_html(children["related"]),
        "category_url": _category_path(article.category, get_script_prefix()) if article.category else "",
        "provider_page_url": path_for("providers:detail", article.provider.slug) if article.provider else "",
        "corrections": children["corrections"],
        "body_html": rendering.render_markdown(article.body),
        # Shown above the body, through the same sanitising renderer.
        "editor_note_html": rendering.render_markdown(article.editor_note) if article.editor_note else "",
        "description": _clip(article.excerpt or article.title, 300),
        "published": _moment(article.published_at),
        "updated": _moment(modified) if modified else None,
        "canonical_url": canonical,
        "original_url": rendering.web_url(article.web_url),
        "amp_url": rendering.web_url(article.amp_url),
        "provider_url": rendering.web_url(f"https://{article.provider.domain}/") if article.provider else "",
        "bylines": bylines.names(article),
        "json_ld": rendering.json_ld(news_article_data(request, article, canonical, images, topics, modified)),
    }


def card_picture(request, image):
    """``{"src", "width", "height"}`` of ``image`` for social cards and JSON-LD.

    Our own Pillow-checked copy once cached, by absolute URL, as the page itself
    shows; until then the original http(s) URL.
    """
    copy = fallback_rendition(image.renditions)
    if copy:
        src = request.build_absolute_uri(default_storage.url(copy["name"]))
        return {"src": src, "width": copy["width"], "height": copy["height"]}
    return {"src": image.src, "width": image.width, "height": image.height}


def site_organization(request):
    """schema.org ``Organization`` naming this site: the publisher of house articles."""
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": request.build_absolute_uri("/")}


def news_article_data(request, article, canonical, images, topics, modified):
    """schema.org ``NewsArticle`` for ``article``.

    An imported article's publisher is its outlet, and its author the outlet's
    named writers (or the outlet itself when the file names none). A house
    article's publisher is this site and its authors our ``Person`` pages.
    """
    names = bylines.names(article)
    if article.provider is None:
        publisher = site_organization(request)
        authors = [
            {"@type": "Person", "name": name.name, "url": request.build_absolute_uri(name.url)}
            for name in names
        ] or [publisher]
    else:
        publisher = {"@type": "Organization", "name": article.provider.name}
        provider_url = rendering.web_url(f"https://{article.provider.domain}/")
        if provider_url:
            publisher["url"] = provider_url
        authors = [{"@type": "Person", "name": name.name} for name in names] or [publisher]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": canonical,
        "mainEntityOfPage": canonical,
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(modified or article.published_at),
        "author": authors,
        "publisher": publisher,
        "image": [image.card["src"] for image in images],
    }
    based_on = rendering.web_url(article.web_url)
    if based_on:
        data["isBasedOn"] = based_on
    if article.excerpt:
        data["description"] = article.excerpt
    if article.category:
        data["articleSection"] = article.category
    if topics:
        data["keywords"] = [topic.name for topic in topics]
    return data


def _iso(moment):
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _moment(moment):
    """``{"iso", "text"}`` for a ``<time>`` element; cheaper than two template filters."""
    local = timezone.localtime(moment)
    return {
        "iso": local.replace(microsecond=0).isoformat(),
        "text": f"{local.day} {local:%B %Y, %H:%M} {local.tzname()}",
    }


def _clip(text, limit):
    """``text`` cut to ``limit`` characters at a word boundary, for meta descriptions."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip() + "…"
