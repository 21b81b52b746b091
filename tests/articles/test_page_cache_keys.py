"""The page cache renews only the pages a change touches, and serves a busy page stale while one request renders it."""

import contextlib
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone

from articles import publishing
from articles.models import Article, Topic
from articles.signals import content_changed
from cdn import keys as surrogate_keys
from tests.articles.roles import make_user

pytestmark = pytest.mark.django_db


def visit(client, url):
    """GET ``url``; the response, and what the page cache did (hit, miss, stale, not_modified)."""
    response = client.get(url)
    return response, response.wsgi_request.page_cache


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write's commit callbacks, as a real commit would (``content_changed`` is sent then)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_publishing_an_article_renews_its_pages_and_lists_and_leaves_the_others_cached(
    client, make_article, committed
):
    with committed():  # each write of the setup commits on its own, as it would on the site
        arriving = make_article(title="Arriving scoop", topics=["Space"], status=Article.Status.IN_REVIEW)
        other = make_article(title="Unrelated story", topics=["Cooking"])
        publisher = make_user("publisher")
    untouched = [other.get_absolute_url(), "/topics/cooking/"]
    touched = [arriving.get_absolute_url(), "/topics/space/", "/", "/rss/"]
    for url in untouched + touched:
        visit(client, url)
    for url in untouched:
        assert visit(client, url)[1] == "hit", url

    with committed():
        publishing.publish(arriving, by=publisher)

    for url in untouched:
        response, cache = visit(client, url)
        assert (response.status_code, cache) == (200, "hit"), url
        assert "Arriving scoop" not in response.content.decode()
    for url in touched:
        response, cache = visit(client, url)
        assert (response.status_code, cache) == (200, "miss"), url
        assert "Arriving scoop" in response.content.decode(), url


def test_renaming_a_topic_renews_its_articles_pages(client, make_article, committed):
    with committed():
        tagged = make_article(title="Rockets", topics=["Space"])
        other = make_article(title="Soup", topics=["Cooking"])
    for article in (tagged, other):
        visit(client, article.get_absolute_url())

    topic = Topic.objects.get(name="Space")
    with committed():
        topic.name = "Outer space"
        topic.save()

    response, cache = visit(client, tagged.get_absolute_url())
    assert cache == "miss" and "Outer space" in response.content.decode()
    assert visit(client, other.get_absolute_url())[1] == "hit"


def test_an_unrelated_publish_keeps_a_pages_etag_and_a_related_one_changes_it(client, make_article, committed):
    with committed():
        article = make_article(title="Steady", topics=["Cooking"])
    etag = client.get(article.get_absolute_url())["ETag"]

    with committed():
        make_article(title="Elsewhere", topics=["Space"])
    again = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert again.status_code == 304

    with committed():
        article.title = "Steady, corrected"
        article.save()
    changed = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert changed.status_code == 200 and "Steady, corrected" in changed.content.decode()


def _process_caches(name, shared_dir):
    """One gunicorn worker's caches: pages in its own memory, the version and stamps shared."""
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name},
        "shared": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(shared_dir)},
    }


def test_two_workers_give_a_page_the_same_etag_and_a_change_in_a_third_reaches_both(
    client, settings, make_article, tmp_path
):
    article = make_article(title="Everywhere", topics=["Space"])
    url = article.get_absolute_url()
    etags = {}
    for worker in ("worker-a", "worker-b"):
        settings.CACHES = _process_caches(worker, tmp_path)
        etags[worker] = client.get(url)["ETag"]
    assert etags["worker-a"] == etags["worker-b"]

    settings.CACHES = _process_caches("importer", tmp_path)
    article.title = "Everywhere, updated"
    article.save()

    for worker in ("worker-a", "worker-b"):
        settings.CACHES = _process_caches(worker, tmp_path)
        response = client.get(url, headers={"if-none-match": etags[worker]})
        assert response.status_code == 200 and "Everywhere, updated" in response.content.decode()


def _while_rendering(monkeypatch, client, url):
    """Make the next render of a page meet a second reader of ``url``; returns what that reader got."""
    met = []
    collecting = surrogate_keys.collecting

    @contextlib.contextmanager
    def meeting():
        if not met:
            met.append(None)  # the second reader may render too: meet only once
            met[0] = client.get(url)
        with collecting() as shown:
            yield shown

    monkeypatch.setattr(surrogate_keys, "collecting", meeting)
    return met


def test_while_one_reader_rerenders_an_updated_page_the_others_get_the_previous_one(
    client, make_article, monkeypatch
):
    article = make_article(title="First take")
    url = article.get_absolute_url()
    client.get(url)
    article.title = "Second take"
    article.save()

    met = _while_rendering(monkeypatch, client, url)
    renderer, cache = visit(client, url)

    assert cache == "miss" and "Second take" in renderer.content.decode()
    other = met[0]
    assert other.wsgi_request.page_cache == "stale"
    assert other.status_code == 200 and "First take" in other.content.decode()
    # Nobody may keep the stale copy or revalidate against it.
    assert "ETag" not in other and "no-cache" in other["Cache-Control"] and "Surrogate-Key" not in other
    # Once rendered, everyone gets the new page.
    response, cache = visit(client, url)
    assert cache == "hit" and "Second take" in response.content.decode()


@pytest.mark.parametrize("step", ["kill", "unpublish", "embargo", "delete"])
def test_a_page_is_never_served_stale_after_its_article_is_taken_off(client, make_article, monkeypatch, step):
    article = make_article(title="Soon gone", topics=["Space"])
    urls = [article.get_absolute_url(), "/", "/topics/space/"]
    for url in urls:
        assert "Soon gone" in client.get(url).content.decode()

    publisher = make_user("publisher")
    if step == "kill":
        publishing.kill(article, by=publisher, note="Legal")
    elif step == "unpublish":
        publishing.unpublish(article, by=publisher)
    elif step == "embargo":
        publishing.set_embargo(article, by=publisher, until=timezone.now() + timedelta(hours=1))
    else:
        article.delete()

    for url in urls:
        met = _while_rendering(monkeypatch, client, url)
        response = client.get(url)
        assert "Soon gone" not in response.content.decode(), url
        assert met, "the page was not rendered again"
        assert met[0].wsgi_request.page_cache != "stale", url
        assert "Soon gone" not in met[0].content.decode(), url


def test_a_page_stale_for_longer_than_the_window_is_rendered_by_whoever_asks(
    client, make_article, settings, monkeypatch
):
    settings.PUBLIC_STALE_SECONDS = 0
    article = make_article(title="First take")
    url = article.get_absolute_url()
    client.get(url)
    article.title = "Second take"
    article.save()
    met = _while_rendering(monkeypatch, client, url)
    client.get(url)
    assert met[0].wsgi_request.page_cache == "miss" and "Second take" in met[0].content.decode()


def test_taking_content_off_the_site_is_announced_as_withdrawn_and_an_update_is_not(make_article, committed):
    heard = []
    content_changed.connect(lambda sender, changes, **kw: heard.append(changes), dispatch_uid="test-withdrawn",
                           weak=False)
    try:
        with committed():
            article = make_article()
            publisher = make_user("publisher")

        def withdrawn(write):
            heard.clear()
            with committed():
                write()
            return any(changes.withdrawn for changes in heard)

        def update():
            article.title = "Updated"
            article.save()

        assert not withdrawn(update)
        assert withdrawn(lambda: publishing.unpublish(article, by=publisher))
        assert withdrawn(lambda: make_article().delete())
        assert withdrawn(lambda: publishing.kill(make_article(), by=publisher, note="Legal"))
    finally:
        content_changed.disconnect(dispatch_uid="test-withdrawn")


def test_an_expiry_found_by_the_going_live_job_is_withdrawn(make_article, committed):
    from articles import going_live

    with committed():
        article = make_article(title="Leaving")
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(expire_at=now - timedelta(seconds=1))
    with committed():
        going_live.announce(now=now)  # first look: ten minutes back
    withdrawn = caches["shared"].get(f"public:withdrawn:{surrogate_keys.article(article.pk)}")
    assert withdrawn is not None


def test_killing_an_article_renews_the_pages_that_link_to_it_as_related(client, make_article, committed):
    from articles.models import Related

    with committed():
        linked = make_article(title="Linked scoop")
        linking = make_article(title="Follow-up")
        Related.objects.create(article=linking, title="The original scoop", web_url=linked.web_url, target=linked)
        publisher = make_user("publisher")
    assert linked.get_absolute_url() in client.get(linking.get_absolute_url()).content.decode()

    with committed():
        publishing.kill(linked, by=publisher, note="Legal")

    response, cache = visit(client, linking.get_absolute_url())
    assert cache == "miss"
    assert linked.get_absolute_url() not in response.content.decode()


def test_a_store_that_lost_the_time_of_the_last_change_still_heeds_a_pages_own_keys(
    client, make_article, committed
):
    """A cached page is taken for fresh at a glance only while the shared store says nothing
    changed since its render; a store that lost that time (restarted, culled) still has
    the page's own keys' stamps looked at."""
    from articles import caching

    with committed():
        article = make_article(title="First words", topics=["Space"])
    url = article.get_absolute_url()
    visit(client, url)
    assert visit(client, url)[1] == "hit"

    with committed():
        article.title = "Corrected words"
        article.save()
    caches["shared"].delete(caching.GENERATION_KEY)
    caching._own_changes.__init__()  # as a worker that did not make the change would be

    response, cache = visit(client, url)
    assert cache == "miss" and "Corrected words" in response.content.decode()
