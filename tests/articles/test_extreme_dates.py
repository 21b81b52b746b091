"""A date at either end of the calendar, however it was stored, never makes a page answer 500.

The importer and the admin form refuse such dates now, but the shell, raw SQL
or an older import can still have left one in a row; every page that shows,
lists, links or filters by a date must survive it, in any time zone.
"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from articles.models import Article, Correction, Related
from stories.building import build_stories

from .roles import make_user

pytestmark = pytest.mark.django_db

EXTREMES = {
    "year 9999": datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    "year 1": datetime(1, 1, 1, tzinfo=UTC),
}
# East of UTC overflows past 9999, west of it before the year 1.
ZONES = ["UTC", "Asia/Tokyo", "Pacific/Kiritimati", "America/New_York", "Pacific/Pago_Pago"]

PUBLIC_PAGES = [
    "/",
    "/rss/",
    "/atom/",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap-articles.xml",
    "/archive/",
    "/archive/9999/",
    "/archive/9998/",
    "/archive/0001/",
    "/archive/0001/01/",
    "/archive/9999/12/",
    "/search/?q=Calendar",
    "/search/?q=Calendar&published_after=0001-01-01&published_before=9999-12-31",
    "/search/?q=Calendar&published_after=9999-12-31",
    "/search/?q=Calendar&published_before=0001-01-01",
]


@pytest.fixture(params=list(EXTREMES), ids=list(EXTREMES))
def extreme(request):
    return EXTREMES[request.param]


@pytest.fixture(params=ZONES)
def zone(request, settings):
    settings.TIME_ZONE = request.param
    return request.param


@pytest.fixture
def stored(make_article, extreme):
    """A live article whose every date is ``extreme``, written behind the importer's back."""
    article = make_article(title="Calendar edge storm", topics=["Weather"])
    other = make_article(title="Calendar edge storm again")
    Related.objects.create(
        article=article, title="Elsewhere", web_url=other.web_url, target=other, published_at=extreme
    )
    Correction.objects.create(article=article, note="A fix.", created_at=extreme)
    # update() writes the values as they are, as the shell or raw SQL would.
    Article.objects.filter(pk__in=[article.pk, other.pk]).update(
        published_at=extreme, modified_at=extreme
    )
    build_stories()
    return article


def assert_answers(client, url):
    response = client.get(url)
    assert response.status_code in (200, 301, 302, 404), (url, response.status_code)
    return response


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_answer_whatever_date_is_stored(client, stored, zone, url):
    assert_answers(client, url)


def test_the_articles_own_pages_show_the_extreme_date(client, stored, zone):
    urls = [
        stored.get_absolute_url(),
        stored.provider.get_absolute_url(),
        reverse("providers:rss", kwargs={"slug": stored.provider.slug}),
        reverse("articles:topic", kwargs={"slug": "weather"}),
        reverse("articles:topic-atom", kwargs={"slug": "weather"}),
    ]
    for url in urls:
        assert assert_answers(client, url).status_code == 200, url


def test_the_archive_never_links_a_month_it_cannot_show(client, stored, zone):
    response = client.get("/archive/")

    assert response.status_code == 200
    assert b"/archive/0001/" not in response.content


def test_admin_pages_answer_whatever_date_is_stored(client, stored, zone):
    client.force_login(make_user("publisher"))
    changelist = reverse("admin:articles_article_changelist")
    for url in [
        changelist,
        f"{changelist}?published_at__year=2024",
        f"{changelist}?q=Calendar",
        reverse("admin:articles_article_change", args=[stored.pk]),
        reverse("admin:articles_article_history", args=[stored.pk]),
        reverse("admin:articles_correction_changelist"),
        reverse("admin:articles_transition_changelist"),
        reverse("admin:articles_sharelink_changelist"),
        reverse("admin:stories_story_changelist"),
        reverse("admin:providers_provider_changelist"),
        reverse("admin:index"),
    ]:
        assert_answers(client, url)


@pytest.mark.parametrize(
    "query",
    [
        "published_at__year=9999",
        "published_at__year=9999&published_at__month=12",
        "published_at__year=9999&published_at__month=12&published_at__day=31",
        "published_at__year=1",
        "published_at__year=0001&published_at__month=1",
        "published_at__year=abc",
        "published_at__year=2024&published_at__month=13",
        "published_at__year=99999999999999999999",
    ],
)
def test_the_admin_date_drill_down_refuses_years_it_cannot_compute(client, db, settings, query):
    settings.TIME_ZONE = "Asia/Tokyo"
    client.force_login(make_user("publisher"))

    response = client.get(f"{reverse('admin:articles_article_changelist')}?{query}")

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_the_admin_date_drill_down_lists_only_sensible_years(client, stored, zone):
    client.force_login(make_user("publisher"))

    response = client.get(reverse("admin:articles_article_changelist"))

    assert response.status_code == 200
    assert b"published_at__year=9999" not in response.content
    assert b"published_at__year=1&" not in response.content

