"""Pins on the front page and topic pages, as readers see them (curation/)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import publishing
from articles.models import Article, Topic
from articles.views.base import PAGE_SIZE
from curation.models import Pin
from tests.articles.pages import add_images
from tests.articles.roles import make_user

pytestmark = pytest.mark.django_db


def section(html, marker):
    """The HTML of the <section> that contains ``marker``."""
    start = html.index(marker)
    return html[start: html.index("</section>", start)]


def titles(html):
    return re.findall(r'<a href="/articles/[^"]+" dir="auto">([^<]+)</a>', html)


@pytest.fixture
def newsroom(make_article):
    """A hot story the formula leads with, and a list of plainer ones, newest first."""
    hot = make_article(title="Formula lead", heat=900, quality=90, published_at=datetime(2024, 5, 2, tzinfo=UTC))
    add_images(hot, 1)
    plain = [
        make_article(title=f"Plain {n}", heat=1, quality=1, published_at=datetime(2024, 5, 1, 12, n, tzinfo=UTC))
        for n in range(5)
    ]
    return hot, plain


def test_a_lead_pin_overrides_the_formula_and_top_stories_follow_in_order(client, newsroom):
    hot, plain = newsroom
    Pin.objects.create(article=plain[0], position=0)
    Pin.objects.create(article=plain[3], position=1)
    Pin.objects.create(article=plain[1], position=2)

    html = client.get("/").content.decode()

    assert titles(section(html, 'class="lead"')) == ["Plain 0"]
    assert titles(section(html, 'id="top-stories-heading"')) == ["Plain 3", "Plain 1"]
    latest = titles(section(html, 'id="latest-heading"'))
    # The formula's own lead is an ordinary item now; nothing pinned repeats.
    assert latest == ["Formula lead", "Plain 4", "Plain 2"]


def test_without_pins_the_formula_leads(client, newsroom):
    html = client.get("/").content.decode()
    assert titles(section(html, 'class="lead"')) == ["Formula lead"]
    assert "top-stories-heading" not in html


def test_top_stories_are_capped_by_the_setting(client, newsroom, settings):
    _, plain = newsroom
    settings.CURATION_TOP_STORIES = 2
    for position, article in enumerate(plain):
        Pin.objects.create(article=article, position=position)
    html = client.get("/").content.decode()
    assert titles(section(html, 'id="top-stories-heading"')) == ["Plain 1", "Plain 2"]
    # Beyond the cap a pin is not shown above, so the list keeps it.
    assert "Plain 3" in titles(section(html, 'id="latest-heading"'))


def test_pinned_articles_do_not_repeat_on_later_pages(client, make_article):
    articles = [
        make_article(title=f"Item {n:02d}", published_at=datetime(2024, 5, 1, tzinfo=UTC) + timedelta(minutes=n))
        for n in range(PAGE_SIZE * 2 + 5)
    ]
    # An old article pinned as lead, and one a later page would show as a top story.
    Pin.objects.create(article=articles[0], position=0)
    Pin.objects.create(article=articles[3], position=1)

    seen, url = [], "/"
    for _ in range(5):
        html = client.get(url).content.decode()
        seen += titles(section(html, 'id="latest-heading"'))
        following = re.search(r'rel="next" href="\?(before=[0-9-]+)"', html)
        if not following:
            break
        url = f"/?{following.group(1)}"
    assert "Item 00" not in seen and "Item 03" not in seen
    assert len(seen) == len(set(seen))
    # Everything else is listed once (the formula's lead shows in the list, pins lead).
    assert len(seen) == len(articles) - 2


def test_a_pin_ends_at_its_time_even_through_the_page_cache(client, newsroom, settings, clock_caches):
    hot, plain = newsroom
    # Pages would otherwise be kept a day: only the pin's end may end them sooner.
    settings.PUBLIC_CACHE_SECONDS = 86400
    now = timezone.now()
    Pin.objects.create(article=plain[2], position=0, ends_at=now + timedelta(hours=2))

    first = client.get("/").content.decode()
    assert titles(section(first, 'class="lead"')) == ["Plain 2"]
    # Served from the cache: the same page.
    assert client.get("/").content.decode() == first

    with time_machine.travel(now + timedelta(hours=2, seconds=1), tick=False):
        later = client.get("/").content.decode()
    assert titles(section(later, 'class="lead"')) == ["Formula lead"]
    assert "Plain 2" in titles(section(later, 'id="latest-heading"'))


def test_a_pin_starts_at_its_time(client, newsroom, clock_caches):
    _, plain = newsroom
    now = timezone.now()
    Pin.objects.create(article=plain[4], position=0, starts_at=now + timedelta(hours=1))
    assert titles(section(client.get("/").content.decode(), 'class="lead"')) == ["Formula lead"]
    with time_machine.travel(now + timedelta(hours=1, seconds=1), tick=False):
        assert titles(section(client.get("/").content.decode(), 'class="lead"')) == ["Plain 4"]


@pytest.mark.parametrize("step", ["unpublish", "kill"])
def test_unpublishing_or_killing_a_pinned_article_removes_it_at_once(client, newsroom, step):
    _, plain = newsroom
    Pin.objects.create(article=plain[1], position=0)
    assert titles(section(client.get("/").content.decode(), 'class="lead"')) == ["Plain 1"]

    publisher = make_user("publisher")
    if step == "kill":
        publishing.kill(plain[1], by=publisher, note="Legal")
    else:
        publishing.unpublish(plain[1], by=publisher)

    html = client.get("/").content.decode()
    assert titles(section(html, 'class="lead"')) == ["Formula lead"]
    assert "Plain 1" not in html


def test_an_expired_pinned_article_is_not_shown(client, newsroom):
    _, plain = newsroom
    Pin.objects.create(article=plain[1], position=0)
    Article.objects.filter(pk=plain[1].pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    client.get("/")  # any cached page is from before the expiry; the update bypassed signals
    from articles.caching import invalidate_public_pages

    invalidate_public_pages()
    assert "Plain 1" not in client.get("/").content.decode()


def test_pins_with_stored_bad_values_never_break_the_page(client, newsroom):
    _, plain = newsroom
    now = timezone.now()
    # Ends before it starts, a huge position, a pin on a draft: all simply not shown.
    Pin.objects.create(article=plain[0], position=0, starts_at=now + timedelta(days=1), ends_at=now - timedelta(days=1))
    Pin.objects.create(article=plain[1], position=32000)
    draft = Article.objects.create(
        title="Draft pinned", slug="draft-pinned", web_url="https://example.com/d", provider=plain[0].provider,
        published_at=datetime(2024, 5, 3, tzinfo=UTC), status=Article.Status.DRAFT,
    )
    Pin.objects.create(article=draft, position=0)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert titles(section(html, 'class="lead"')) == ["Plain 1"]
    assert "Draft pinned" not in html


def test_topic_pages_have_their_own_pins(client, make_article):
    topic_articles = [
        make_article(title=f"Climate {n}", topics=["Climate"], published_at=datetime(2024, 5, 1, n, tzinfo=UTC))
        for n in range(4)
    ]
    other = make_article(title="Elsewhere", topics=["Sport"])
    topic = Topic.objects.get(name="Climate")
    Pin.objects.create(topic=topic, article=topic_articles[0], position=0)
    Pin.objects.create(topic=topic, article=topic_articles[1], position=1)
    # A front-page pin does not lead the topic page, nor the other way round.
    Pin.objects.create(article=other, position=0)

    html = client.get(topic.get_absolute_url()).content.decode()
    assert titles(section(html, 'class="lead"')) == ["Climate 0"]
    assert titles(section(html, 'id="top-stories-heading"')) == ["Climate 1"]
    listed = titles(html[html.index("</section>", html.index('id="top-stories-heading"')):])
    assert listed == ["Climate 3", "Climate 2"]

    front = client.get("/").content.decode()
    assert titles(section(front, 'class="lead"')) == ["Elsewhere"]


def test_a_pin_saved_under_pages_cached_for_a_day_still_ends_at_its_time(
    client, newsroom, settings, clock_caches, django_capture_on_commit_callbacks
):
    """The front page was cached before the pin existed, to be kept a day; the pin's end ends it."""
    _, plain = newsroom
    settings.PUBLIC_CACHE_SECONDS = 86400
    now = timezone.now()
    assert titles(section(client.get("/").content.decode(), 'class="lead"')) == ["Formula lead"]

    with django_capture_on_commit_callbacks(execute=True):
        Pin.objects.create(article=plain[2], position=0, ends_at=now + timedelta(minutes=5))
    assert titles(section(client.get("/").content.decode(), 'class="lead"')) == ["Plain 2"]

    with time_machine.travel(now + timedelta(minutes=5, seconds=1), tick=False):
        assert titles(section(client.get("/").content.decode(), 'class="lead"')) == ["Formula lead"]
