"""Surrogate keys: which cached pages show what, named so a purge can find them.

A page carries a key for each thing it shows; a change purges the keys of
what it changed. Entity keys (``article-12``, ``topic-3``, ``provider-1``,
``story-5``, ``author-2``) are on every page that shows that thing's own
words: an article's page carries its topics', provider's and story's keys, so
renaming a topic refreshes them. List keys (``topic-h<hash of its slug>-list``, the same
for providers and authors) are only on the lists of that thing's articles, and ``lists``
on the site-wide ones (front page, feeds, sitemaps, archive, indexes, search),
so a publish refreshes the lists its article is on and nothing else.
``site`` is on every page: purging it empties the CDN of this site.

List keys are named after the slug in the URL, not the row, so that a list
with nothing live yet (a ``404``) is filed under the same key that the first
article to arrive there purges. Keys are built from ids, and any text (a slug)
is hashed: a stored name or a URL, whatever it contains (spaces, commas,
newlines, any script), never reaches a header.
"""

import contextlib
import contextvars
import hashlib
import re

SITE = "site"
LISTS = "lists"
# The exact set a key may use: Fastly and Varnish split on spaces, Cloudflare on commas.
SAFE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


def key(kind, value, suffix=""):
    """``kind-<id>[-suffix]`` for an integer id, ``kind-h<hash>`` for any other text."""
    if isinstance(value, int) and not isinstance(value, bool):
        name = f"{kind}-{value}"
    else:
        name = f"{kind}-h{hashlib.sha256(str(value).encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"
    name = f"{name}-{suffix}" if suffix else name
    if not SAFE_KEY.match(name):
        raise ValueError(f"not a safe surrogate key: {name!r}")
    return name


def article(pk):
    return key("article", pk)


def topic(pk):
    return key("topic", pk)


def topic_list(slug):
    return key("topic", str(slug), "list")


def provider(pk):
    return key("provider", pk)


def provider_list(slug):
    return key("provider", str(slug), "list")


def story(pk):
    return key("story", pk)


def author(pk):
    return key("author", pk)


def author_list(slug):
    return key("author", str(slug), "list")


# --- what the page being rendered shows ---------------------------------------------

_collected = contextvars.ContextVar("surrogate_keys", default=None)


@contextlib.contextmanager
def collecting():
    """Collect the keys ``shows()`` is told about while a page renders; yields the set."""
    found = set()
    token = _collected.set(found)
    try:
        yield found
    finally:
        _collected.reset(token)


def shows(*names):
    """Record that the page being rendered shows these keys (no-op outside a public page)."""
    found = _collected.get()
    if found is not None:
        found.update(name for name in names if name)


def story_id_from_slug(slug):
    """A story's slug ends in its id (``Story.slug_for``); None when it does not."""
    tail = str(slug or "").rpartition("-")[2]
    return int(tail) if tail.isdigit() else None


def shows_article(item, topics=()):
    """Record an article page: the article, its topics, provider and story."""
    shows(
        article(item.pk),
        # Stored topics only: a preview's stand-ins have no id (and are never shared).
        *(topic(t.pk) for t in topics if isinstance(getattr(t, "pk", None), int)),
        provider(item.provider_id) if item.provider_id else None,
    )
    story_pk = story_id_from_slug(getattr(item, "story_slug", None))
    if story_pk is not None:
        shows(story(story_pk))


# Site-wide lists, by URL name: what a purge of ``lists`` reaches, plus a key of their own.
_NAMED = {
    "articles:index": ("front",),
    "articles:rss": ("feeds",),
    "articles:atom": ("feeds",),
    "sitemap": ("sitemap",),
    "sitemap-news": ("sitemap",),
    "sitemap-section": ("sitemap",),
}


def for_page(request, collected):
    """The keys of a public page: what it recorded, else it is a site-wide list."""
    names = set(collected)
    if not names:
        match = getattr(request, "resolver_match", None)
        names.add(LISTS)
        names.update(_NAMED.get(match.view_name if match else "", ()))
    names.add(SITE)
    return sorted(names)


# --- which pages a change touches ---------------------------------------------------


def for_changes(changes):
    """The surrogate keys of every page that shows something in ``changes`` (a ``Changes``).

    An article's own page, and the lists it is on: its topics', provider's and
    authors' lists, its story, and the site-wide lists. Looked up now, after
    the commit, so they are the article's topics and story as they stand.
    Both tiers ask this one function: the CDN purge (``cdn.purging``) and the
    page cache (``articles.caching``). An article that did not exist before
    (``changes.created``) had no page anyone could keep, so only its lists are
    named: an import of 10,000 new files names a few hundred keys, not 10,000.
    """
    from articles.models import Article, TaggedArticle
    from authors.models import Byline
    from stories.models import Membership

    if changes.everything:
        return [SITE]
    found = set()
    if changes.lists:
        found.add(LISTS)
    ids = sorted(changes.articles)
    if ids:
        found.add(LISTS)
        found.update(article(pk) for pk in ids if pk not in changes.created)
        tagged = TaggedArticle.objects.filter(content_object_id__in=ids).values_list("tag__slug", flat=True)
        found.update(topic_list(slug) for slug in set(tagged))
        providers = Article.objects.filter(pk__in=ids, provider__isnull=False).values_list("provider__slug", flat=True)
        found.update(provider_list(slug) for slug in set(providers))
        stories = Membership.objects.filter(article_id__in=ids, story__isnull=False).values_list("story_id", flat=True)
        found.update(story(pk) for pk in set(stories))
        authors = Byline.objects.filter(article_id__in=ids).values_list("author__slug", flat=True)
        found.update(author_list(slug) for slug in set(authors))
    found.update(topic(pk) for pk in changes.topics)
    found.update(provider(pk) for pk in changes.providers)
    found.update(story(pk) for pk in changes.stories)
    found.update(author(pk) for pk in changes.authors)
    return sorted(found)
