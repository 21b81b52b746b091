"""The breaking-news banner on every public page (curation/)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from curation.models import Banner
from tests.articles.pages import HOSTILE, HOSTILE_URL

pytestmark = pytest.mark.django_db


def banner_html(html):
    if 'class="breaking"' not in html:
        return ""
    start = html.index('class="breaking"')
    return html[start: html.index("</section>", start)]


@pytest.mark.parametrize("url", ["/", "/topics/", "/search/?q=x", "/no-such-page/"])
def test_a_current_banner_shows_on_public_pages(client, make_article, url):
    make_article()
    Banner.objects.create(text="Polls have closed", link="https://example.com/live", level="breaking")
    html = client.get(url).content.decode()
    shown = banner_html(html)
    assert 'aria-label="Breaking news"' in shown
    assert '<a href="https://example.com/live" dir="auto">Polls have closed</a>' in shown


def test_banner_text_is_escaped_and_only_http_links_are_links(client):
    Banner.objects.create(text=HOSTILE, link=HOSTILE_URL, level="urgent")
    shown = banner_html(client.get("/").content.decode())
    assert "<script>" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "javascript:" not in shown and "<a " not in shown


def test_the_admin_refuses_a_link_that_is_not_http(admin_client):
    response = admin_client.post("/admin/curation/banner/add/", {
        "text": "Storm warning", "link": "javascript:alert(1)", "level": "urgent",
    })
    assert response.status_code == 200
    assert not Banner.objects.exists()


def test_an_unknown_stored_level_shows_as_information(client):
    Banner.objects.create(text="Odd level", level="<b>weird</b>")
    response = client.get("/")
    assert response.status_code == 200
    assert "breaking__item--info" in banner_html(response.content.decode())


def test_a_banner_appears_and_expires_at_its_times_through_the_page_cache(client, settings, clock_caches):
    settings.PUBLIC_CACHE_SECONDS = 86400
    now = timezone.now()
    Banner.objects.create(text="Count starts", starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(hours=1))
    assert banner_html(client.get("/").content.decode()) == ""
    with time_machine.travel(now + timedelta(minutes=11), tick=False):
        assert "Count starts" in banner_html(client.get("/").content.decode())
    with time_machine.travel(now + timedelta(hours=1, seconds=1), tick=False):
        assert banner_html(client.get("/").content.decode()) == ""


def test_saving_or_deleting_a_banner_shows_at_once(client):
    client.get("/")
    banner = Banner.objects.create(text="Road closed")
    assert "Road closed" in client.get("/").content.decode()
    banner.delete()
    assert "Road closed" not in client.get("/").content.decode()


def test_banners_cost_no_query_once_read_for_the_content_version(client, django_assert_num_queries):
    Banner.objects.create(text="Once")
    client.get("/")
    from curation.banners import banners_for_pages

    with django_assert_num_queries(0):
        assert [b["text"] for b in banners_for_pages()] == ["Once"]
