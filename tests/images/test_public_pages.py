"""Pictures on the public site: our renditions once cached, no extra queries, nothing of non-live articles."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.caching import content_version
from articles.images import caching
from articles.models import Article
from curation.banners import banners_for_pages

from .conftest import picture_bytes


@pytest.fixture
def cached(media, make_image):
    """``cached(article, **fields)``: an image of ``article`` stored from a 900 x 600 JPEG."""

    def make(article, **fields):
        image = make_image(article=article, url=f"https://cdn.example.com/{article.pk}.jpg", **fields)
        caching.store(image, picture_bytes(900, 600), caching.key_for(image.url), now=timezone.now())
        image.save()
        return image

    return make


def test_the_article_page_serves_our_renditions_without_extra_queries(
    client, make_article, cached, django_assert_num_queries
):
    article = make_article(title="Storm <warning>")
    lead = cached(article, position=0)
    cached(article, position=1, title="Second")
    content_version()  # minted once per content change, shared by every page
    banners_for_pages()  # read once per content version, shared by every page

    # The same five queries as without pictures (tests/articles/test_views_queries.py).
    with django_assert_num_queries(5):
        page = client.get(article.get_absolute_url()).content.decode()

    folder = lead.file.rsplit("/", 1)[0]
    assert f'<source type="image/webp" srcset="/media/{folder}/320.webp 320w,' in page
    assert f'/media/{folder}/900.jpg 900w" sizes="' in page
    assert 'width="900" height="600" alt="Storm &lt;warning&gt;" decoding="async">' in page
    assert page.count('loading="lazy"') == 1  # the second picture, not the lead


def test_an_uncached_picture_keeps_the_remote_url_and_its_dimensions(client, make_article, make_image):
    article = make_article()
    make_image(article=article, url="https://cdn.example.com/x.jpg", width=840, height=473, title="Cap")

    page = client.get(article.get_absolute_url()).content.decode()

    assert '<img src="https://cdn.example.com/x.jpg" width="840" height="473" alt="Cap"' in page


@pytest.mark.parametrize("url", ["/", "/rss/", "/atom/", "/sitemap.xml", "/sitemap-news.xml"])
def test_pictures_of_non_live_articles_appear_in_no_listing(client, make_article, cached, url):
    recent = timezone.now() - timedelta(hours=1)  # news sitemaps list the last two days
    live = make_article(published_at=recent)
    cached(live)
    draft = make_article(status=Article.Status.DRAFT, published_at=recent)
    hidden = cached(draft)

    page = client.get(url).content.decode()

    assert live.slug in page  # the listing works, and lists the live article
    assert hidden.file.rsplit("/", 1)[0] not in page
    assert f"cdn.example.com/{draft.pk}.jpg" not in page


def test_lists_serve_our_renditions_too(client, make_article, cached):
    article = make_article(title="Listed story")
    lead = cached(article, position=0)
    make_article(title="Another story")  # the lead of the front page is one; lists show the rest

    page = client.get("/").content.decode()

    folder = lead.file.rsplit("/", 1)[0]
    assert f"/media/{folder}/320.webp 320w" in page
    assert "https://cdn.example.com/" not in page


def test_social_cards_and_json_ld_show_our_copy_once_cached(client, make_article, cached, make_image):
    article = make_article()
    lead = cached(article, position=0)
    make_image(article=article, position=1, url="https://cdn.example.com/not-yet.jpg", width=640, height=480)

    page = client.get(article.get_absolute_url()).content.decode()

    ours = f"http://testserver/media/{lead.file.rsplit('/', 1)[0]}/900.jpg"
    assert f'<meta property="og:image" content="{ours}">' in page
    assert '<meta property="og:image:width" content="900">' in page
    assert f'<meta name="twitter:image" content="{ours}">' in page
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    # The picture not cached yet keeps its original address.
    assert json.loads(json_ld)["image"] == [ours, "https://cdn.example.com/not-yet.jpg"]


@pytest.mark.parametrize("stored", [
    "not a list", 7, {"name": "a.jpg"}, [1, "two", None],
    [{"format": "jpeg"}],
    [{"format": "jpeg", "name": "a.jpg", "width": "wide", "height": 3}],
    [{"format": "jpeg", "name": None, "width": 100, "height": 50}],
    [{"format": "jpeg", "name": "a.jpg", "width": True, "height": 1}],
    [{"format": "jpeg", "name": "a.jpg", "width": 100, "height": 50, "crop": ["16:9"]}],
], ids=repr)
def test_renditions_of_any_shape_never_break_a_page(client, make_article, make_image, stored):
    """A row holding renditions of a wrong shape shows the remote picture; no page answers 500."""
    article = make_article(title="Odd pictures")
    make_image(article=article, url="https://cdn.example.com/odd.jpg", width=640, height=480, renditions=stored)

    for url in (article.get_absolute_url(), "/", "/rss/", f"/api/v1/articles/{article.slug}/"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<img src="https://cdn.example.com/odd.jpg" width="640" height="480"' in page


def test_well_formed_renditions_beside_broken_ones_are_still_served(client, make_article, make_image):
    article = make_article()
    good = {"format": "jpeg", "name": "images/ab/good/640.jpg", "width": 640, "height": 480}
    make_image(article=article, url="https://cdn.example.com/x.jpg", renditions=[good, {"format": "jpeg"}, 3])

    page = client.get(article.get_absolute_url()).content.decode()

    assert 'srcset="/media/images/ab/good/640.jpg 640w"' in page
