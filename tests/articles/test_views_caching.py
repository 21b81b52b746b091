"""Conditional GET, Cache-Control, and a page cache that never shows a withdrawn article."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles import publishing
from articles.caching import invalidate_public_pages
from articles.models import Article

from .pages import add_images

pytestmark = pytest.mark.django_db


def test_pages_carry_validators_and_revalidate_on_every_view(client, make_article):
    response = client.get(make_article().get_absolute_url())
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "must-revalidate"} <= cache_control
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("url", ["/", "/topics/", "/providers/", "/rss/", "/atom/", "/sitemap.xml"])
def test_list_feed_and_sitemap_responses_answer_304_when_unchanged(client, make_article, url):
    make_article(topics=["Space"])
    first = client.get(url)
    assert first.status_code == 200
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304


def test_feeds_may_be_kept_a_few_minutes_and_crawler_files_longer(client, db):
    assert "max-age=300" in client.get("/rss/")["Cache-Control"]
    assert "max-age=3600" in client.get("/sitemap.xml")["Cache-Control"]
    assert "max-age=86400" in client.get("/robots.txt")["Cache-Control"]


def test_a_304_costs_no_query(client, make_article, django_assert_num_queries):
    article = make_article()
    etag = client.get(article.get_absolute_url())["ETag"]
    with django_assert_num_queries(0):
        assert client.get(article.get_absolute_url(), headers={"if-none-match": etag}).status_code == 304


def test_a_change_gives_every_page_a_new_etag(client, make_article):
    article = make_article(title="Before")
    etag = client.get(article.get_absolute_url())["ETag"]
    article.title = "After"
    article.save()
    response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "After" in response.content.decode()


def test_changes_to_images_show_at_once(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url())
    add_images(article, 1, url="https://img.example.com/new.jpg")
    assert "https://img.example.com/new.jpg" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "status, code", [(Article.Status.UNPUBLISHED, 404), (Article.Status.DRAFT, 404), (Article.Status.KILLED, 410)]
)
def test_a_withdrawn_article_leaves_every_cached_page_at_once(client, make_article, status, code):
    article = make_article(title="Soon withdrawn", topics=["Space"])
    pages = [article.get_absolute_url(), "/", "/topics/space/", "/rss/", "/sitemap.xml"]
    for url in pages:
        assert "Soon withdrawn" in client.get(url).content.decode() or url == "/sitemap.xml"

    article.status = status
    article.save()

    assert client.get(article.get_absolute_url()).status_code == code
    for url in pages[1:]:
        assert article.get_absolute_url() not in client.get(url).content.decode()


def test_bulk_writers_make_pages_fresh_by_calling_invalidate(client, make_article):
    article = make_article()
    assert client.get(article.get_absolute_url()).status_code == 200
    # A queryset update sends no signal: the page stays cached until told.
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    assert client.get(article.get_absolute_url()).status_code == 200
    invalidate_public_pages()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_go_live_and_expiry_show_without_any_write(client, make_article):
    # The database's clock decides what is live, so the test waits for real; the
    # margin keeps the "before" half true on a slow, loaded machine.
    soon = timezone.now() + timedelta(seconds=4)
    arriving = make_article(title="Arriving story", go_live_at=soon)
    leaving = make_article(title="Leaving story", expire_at=soon)
    front = client.get("/").content.decode()
    assert "Leaving story" in front and "Arriving story" not in front
    assert client.get(leaving.get_absolute_url()).status_code == 200

    # The cached version lapses at the scheduled moment; nothing is written.
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.3)

    front = client.get("/").content.decode()
    assert "Arriving story" in front and "Leaving story" not in front
    assert client.get(leaving.get_absolute_url()).status_code == 404
    assert client.get(arriving.get_absolute_url()).status_code == 200


def test_a_go_live_scheduled_under_pages_cached_for_a_day_still_shows_at_its_time(
    client, make_article, settings, django_capture_on_commit_callbacks
):
    """The front page was cached, to be kept a day, before the article was scheduled."""
    settings.PUBLIC_CACHE_SECONDS = 86400
    make_article(title="Already here")
    assert "Already here" in client.get("/").content.decode()

    soon = timezone.now() + timedelta(seconds=3)
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Arriving story", go_live_at=soon)
    assert "Arriving story" not in client.get("/").content.decode()

    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.3)
    assert "Arriving story" in client.get("/").content.decode()


def test_staff_pages_are_private_and_never_reach_readers(client, make_article, django_user_model):
    article = make_article(title="Embargoed scoop", embargo_until=timezone.now() + timedelta(hours=1))
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(user)
    staff_view = client.get(article.get_absolute_url())
    assert staff_view.status_code == 200
    assert "private" in staff_view["Cache-Control"]
    client.logout()
    reader_view = client.get(article.get_absolute_url())
    assert reader_view.status_code == 404
    assert "Embargoed scoop" not in reader_view.content.decode()


def test_pages_are_served_fresh_when_the_cache_is_unreachable(client, make_article, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache is down")

    article = make_article(title="Still readable")
    monkeypatch.setattr(cache, "get", down)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Still readable" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/", "/topics/", "/rss/", "/sitemap.xml", "article"])
def test_tracking_parameters_share_one_cached_page(client, make_article, django_assert_num_queries, path):
    """?utm_source= floods: a page read once is served from the cache whatever else is appended."""
    article = make_article(topics=["Space"])
    path = article.get_absolute_url() if path == "article" else path
    first = client.get(path, {"utm_source": "newsletter"})
    assert first.status_code == 200
    for n in range(3):
        with django_assert_num_queries(0):
            again = client.get(path, {"utm_source": f"flood-{n}", "fbclid": n, "x": "y" * n})
        assert again.status_code == 200
        assert again["ETag"] == first["ETag"]


def test_the_canonical_link_never_carries_a_readers_parameters(client, make_article):
    make_article()
    page = client.get("/", {"utm_source": "newsletter", "ref": "<evil>"}).content.decode()
    assert 'rel="canonical" href="http://testserver/"' in page
    assert "utm_source" not in page and "evil" not in page


def test_the_parameters_a_page_reads_still_make_pages_of_their_own(client, make_article):
    for n in range(25):
        make_article(title=f"Story {n:02}", published_at=timezone.now() - timedelta(hours=n))
    front = client.get("/")
    older = front.context["page_obj"].next_query
    assert older.startswith("before=")
    second = client.get(f"/?{older}&utm_source=x")
    assert second.status_code == 200
    assert second["ETag"] != front["ETag"]
    assert "Story 00" in front.content.decode() and "Story 00" not in second.content.decode()
    # The same page, whatever order or padding its parameters come in.
    assert client.get(f"/?utm_medium=y&{older}&after=")["ETag"] == second["ETag"]


def test_numbered_index_pages_are_told_apart(client, make_article, monkeypatch):
    from articles.views import lists

    monkeypatch.setattr(lists.TopicIndexView, "paginate_by", 1)
    make_article(topics=["Alpha"])
    make_article(topics=["Beta"])
    one = client.get("/topics/", {"page": 1, "utm_source": "x"}).content.decode()
    two = client.get("/topics/", {"page": 2, "utm_source": "y"}).content.decode()
    assert "Alpha" in one and "Beta" not in one
    assert "Beta" in two and "Alpha" not in two


def _process_caches(name, shared_dir):
    """The caches of one app server process: its own local memory, and the shared version."""
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name},
        "shared": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                   "LOCATION": str(shared_dir)},
    }


def test_a_kill_in_one_process_leaves_the_pages_another_process_cached(
    client, settings, make_article, django_user_model, tmp_path
):
    """Two workers (or a worker and the importer) each keep pages in local memory;
    the content version they share makes a kill in one visible in the other at once."""
    article = make_article(title="Soon killed", topics=["Space"])
    pages = [article.get_absolute_url(), "/", "/topics/space/"]
    settings.CACHES = _process_caches("worker-b", tmp_path)
    for url in pages:
        assert "Soon killed" in client.get(url).content.decode()

    settings.CACHES = _process_caches("shell-a", tmp_path)
    publisher = django_user_model.objects.create_superuser("publisher", "p@example.com", "pw")
    publishing.kill(article, by=publisher, note="Legal")

    settings.CACHES = _process_caches("worker-b", tmp_path)
    assert client.get(article.get_absolute_url()).status_code == 410
    for url in pages[1:]:
        assert "Soon killed" not in client.get(url).content.decode()


@pytest.mark.parametrize("url", ["article", "/", "/topics/space/", "/rss/", "/sitemap.xml"])
def test_a_copy_from_the_cache_carries_every_header_of_its_render(client, make_article, url):
    """Cached copies are answered before most of the middleware; readers must not tell."""
    article = make_article(topics=["Space"])
    url = article.get_absolute_url() if url == "article" else url
    first = client.get(url)
    again = client.get(url)
    assert (first.wsgi_request.page_cache, again.wsgi_request.page_cache) == ("miss", "hit")
    assert again.content == first.content
    assert dict(again.headers) == dict(first.headers)
    assert again["X-Frame-Options"] == "DENY" and again["Content-Length"] == str(len(first.content))


def test_a_signed_in_reader_never_gets_the_anonymous_copy(client, make_article, django_user_model):
    article = make_article(title="Seen by all")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url).wsgi_request.page_cache == "hit"
    client.force_login(django_user_model.objects.create_user("reader", password="pw", is_staff=True))
    response = client.get(url)
    assert response.wsgi_request.page_cache == "private"
    assert "private" in response["Cache-Control"]
