"""Provider pages: an index of outlets with live articles, and each outlet's live articles."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_provider_index_lists_outlets_with_live_articles_a_to_z(client, make_article, make_provider):
    zed = make_provider(name="Zed Times", slug="zed")
    abc = make_provider(name="ABC News", slug="abc")
    quiet = make_provider(name="Quiet Outlet", slug="quiet")
    make_article(provider=zed)
    make_article(provider=abc)
    make_article(provider=quiet, status=Article.Status.DRAFT)
    html = client.get("/providers/").content.decode()
    assert html.index("ABC News") < html.index("Zed Times")
    assert "Quiet Outlet" not in html
    assert 'href="/providers/abc/"' in html


def test_provider_page_lists_its_live_articles_and_links_out(client, make_article, make_provider):
    provider = make_provider(name="KTLA", domain="ktla.com", slug="ktla-com")
    make_article(title="Ours, live", provider=provider)
    make_article(title="Ours, draft", provider=provider, status=Article.Status.DRAFT)
    make_article(title="Someone else's")
    response = client.get("/providers/ktla-com/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 dir="auto">KTLA</h1>' in html
    assert "Ours, live" in html
    assert "Ours, draft" not in html and "Someone else" not in html
    assert 'href="https://ktla.com/"' in html
    assert 'href="/providers/ktla-com/rss/"' in html and 'href="/providers/ktla-com/atom/"' in html


@pytest.mark.parametrize("url", ["/providers/quiet/", "/providers/quiet/rss/", "/providers/quiet/atom/"])
def test_a_provider_only_unpublished_articles_come_from_is_not_found(client, make_article, make_provider, url):
    """Its name alone would tell readers an outlet's story is coming."""
    quiet = make_provider(name="Quiet", slug="quiet")
    make_article(provider=quiet, status=Article.Status.DRAFT)
    make_article(provider=quiet, embargo_until=timezone.now() + timedelta(days=1))
    make_article(provider=quiet, status=Article.Status.KILLED)

    assert client.get(url).status_code == 404
    make_article(provider=quiet)
    assert client.get(url).status_code == 200


def test_unknown_provider_is_a_404(client, db):
    assert client.get("/providers/nobody/").status_code == 404


def test_provider_page_is_paginated_newest_first(client, make_article, make_provider):
    provider = make_provider(slug="busy")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(25):
        make_article(title=f"Item {n:02d}", provider=provider, published_at=start + timedelta(days=n))
    first = client.get("/providers/busy/").content.decode()
    assert first.index("Item 24") < first.index("Item 05")
    assert "Item 04" not in first
    older = first.split('rel="next" href="')[1].split('"')[0]
    second = client.get(f"/providers/busy/{older}").content.decode()
    assert "Item 04" in second and "Item 00" in second and "Item 05" not in second


def test_a_quiet_providers_page_says_when_its_latest_article_was(client, make_article, make_provider):
    provider = make_provider(slug="old-news")
    make_article(provider=provider, published_at=datetime(2021, 1, 13, 0, 17, tzinfo=UTC))
    make_article(provider=provider, published_at=datetime(2023, 2, 3, 9, 0, tzinfo=UTC), status=Article.Status.DRAFT)
    html = client.get("/providers/old-news/").content.decode()
    assert "No articles in the last 30 days; the latest is from" in html
    assert '<time datetime="2021-01-13T00:17:00+00:00">13 January 2021</time>' in html
    assert "<svg" not in html


def test_an_active_providers_page_keeps_its_chart(client, make_article, make_provider):
    provider = make_provider(slug="busy")
    make_article(provider=provider, published_at=timezone.now() - timedelta(days=1))
    html = client.get("/providers/busy/").content.decode()
    assert "<svg" in html and "No articles in the last 30 days" not in html
