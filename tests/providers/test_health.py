"""Provider health: the public page's chart, topics and quality; the admin's quiet flag and trends."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.caching import content_version
from articles.models import Article
from curation.banners import banners_for_pages
from providers import health
from providers.models import Provider

from ..articles.pages import HOSTILE, assert_inert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday():
    """Run at noon (UTC) today, so "5 minutes ago" is always today's bar."""
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=True):
        yield


@pytest.fixture
def outlet(make_provider, make_article):
    """An outlet with articles today, yesterday (two) and 40 days ago, and a draft today."""
    provider = make_provider(name="Outlet", slug="outlet")
    now = timezone.now()
    make_article(provider=provider, published_at=now - timedelta(minutes=5), quality=80, topics=["Climate"])
    make_article(provider=provider, published_at=now - timedelta(days=1), quality=60, topics=["Climate", "Energy"])
    make_article(provider=provider, published_at=now - timedelta(days=1, minutes=1), quality=70)
    make_article(provider=provider, published_at=now - timedelta(days=40), quality=10)
    make_article(provider=provider, published_at=now, status=Article.Status.DRAFT, quality=0, topics=["Secret"])
    content_version()
    banners_for_pages()
    return provider


def bars(svg):
    return re.findall(r'<rect [^>]*height="([0-9.]+)"[^>]*><title>([^<]*)</title>', svg)


def test_the_chart_has_one_bar_per_day_for_thirty_days_counting_live_articles(client, outlet):
    html = client.get("/providers/outlet/").content.decode()
    found = bars(html)
    assert len(found) == 30
    assert found[-1][1].endswith(": 1")  # today: the draft does not count
    assert found[-2][1].endswith(": 2")
    assert float(found[-2][0]) > float(found[-1][0]) > 0
    assert "3 articles in the last 30 days" in html


def test_the_page_shows_average_quality_and_topics_of_live_articles(client, outlet):
    html = client.get("/providers/outlet/").content.decode()
    assert "average quality <strong>55</strong>/100" in html  # (80 + 60 + 70 + 10) / 4
    assert html.index(">Climate</a>") < html.index(">Energy</a>")  # most used first
    assert "Secret" not in html


def test_the_provider_page_keeps_its_query_count(client, outlet, django_assert_num_queries):
    # The provider with its quality, its chart's days, its top topics, its articles, their pictures.
    with django_assert_num_queries(5):
        assert client.get("/providers/outlet/").status_code == 200


def test_the_average_quality_is_that_of_the_newest_live_articles(client, make_provider):
    """An outlet's page costs the same after ten years as after ten days: its oldest articles drop out."""
    provider = make_provider(name="Long-lived", slug="long-lived")
    now = timezone.now()
    Article.objects.bulk_create(
        Article(provider=provider, title=f"Story {n}", slug=f"story-{n}", web_url=f"https://example.com/{n}",
                status=Article.Status.PUBLISHED, quality=50 if n < health.TOPICS_SAMPLE else 100,
                published_at=now - timedelta(hours=n))
        for n in range(health.TOPICS_SAMPLE + 100)
    )

    html = client.get("/providers/long-lived/").content.decode()

    assert "average quality <strong>50</strong>/100" in html  # over every article it would be 58


def test_a_quiet_outlet_shows_its_latest_date_without_counting_its_days(
    client, make_provider, make_article, django_assert_num_queries
):
    provider = make_provider(name="Quiet", slug="quiet")
    make_article(provider=provider, published_at=timezone.now() - timedelta(days=45), quality=40)
    content_version()
    banners_for_pages()
    # The provider with its quality, its top topics, its articles, their pictures: no day counts.
    with django_assert_num_queries(4):
        html = client.get("/providers/quiet/").content.decode()
    assert "No articles in the last 30 days; the latest is from <time" in html
    assert "Average quality <strong>40</strong>/100." in html
    assert not bars(html)


def test_the_chart_escapes_the_provider_name(make_provider):
    svg = health.activity_chart(HOSTILE, [(timezone.now().date(), 2)])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert_inert(svg)


def test_an_empty_month_draws_no_bars_but_a_valid_chart(make_provider):
    provider = health.with_public_health(Provider.objects.filter(pk=make_provider().pk)).get()
    numbers = health.public_health(provider)
    svg = health.activity_chart("Quiet", numbers.days)
    assert numbers.total == 0 and numbers.average_quality is None
    assert all(height == "0.0" for height, _ in bars(svg))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")


def test_a_daily_provider_silent_for_three_days_is_flagged_quiet(make_provider, make_article):
    provider = make_provider()
    now = timezone.now()
    for day in range(3, 17):
        make_article(provider=provider, published_at=now - timedelta(days=day))
    assert health.is_quiet(provider, now=now)
    assert not health.is_quiet(provider, now=now - timedelta(days=2))


def test_an_occasional_provider_is_not_flagged_quiet(make_provider, make_article):
    provider = make_provider()
    now = timezone.now()
    for day in (3, 8, 13):
        make_article(provider=provider, published_at=now - timedelta(days=day))
    assert not health.is_quiet(provider, now=now)


def test_admin_health_compares_this_weeks_quality_with_last_weeks(make_provider, make_article):
    provider = make_provider()
    now = timezone.now()
    make_article(provider=provider, published_at=now - timedelta(days=1), quality=90, heat=10)
    make_article(provider=provider, published_at=now - timedelta(days=9), quality=50, heat=-1)
    numbers = health.admin_health(provider, now=now)
    quality, heat = numbers["trends"]
    assert (quality.this_week, quality.last_week, quality.change) == (90, 50, 40)
    assert heat.last_week is None  # "not computed" heat is no heat
    assert numbers["day"] == 1 and numbers["week"] == 1


def test_the_admin_list_flags_a_quiet_provider_and_shows_recent_counts(client, make_provider, make_article):
    from django.urls import reverse

    from tests.articles.roles import make_user

    client.force_login(make_user("publisher"))
    silent = make_provider(name="Silent Daily")
    now = timezone.now()
    for day in range(3, 17):
        make_article(provider=silent, published_at=now - timedelta(days=day))
    rows = client.get(reverse("admin:providers_provider_changelist")).context["cl"].result_list
    row = next(p for p in rows if p.name == "Silent Daily")
    assert health.is_quiet(row)
    assert (row.articles_24h, row.articles_7d) == (0, 4)  # days 3 to 6 ago


def test_the_admin_list_warns_only_about_the_quiet_provider(client, make_provider, make_article):
    from django.urls import reverse

    from tests.articles.roles import make_user

    client.force_login(make_user("publisher"))
    now = timezone.now()
    silent, steady = make_provider(name="Silent Daily"), make_provider(name="Steady Daily")
    for day in range(3, 17):
        make_article(provider=silent, published_at=now - timedelta(days=day))
    for day in range(0, 17):
        make_article(provider=steady, published_at=now - timedelta(days=day))

    html = client.get(reverse("admin:providers_provider_changelist")).content.decode()
    rows = {name: row for row in re.findall(r"<tr>.*?</tr>", html, re.S) for name in ("Silent", "Steady") if name in row}

    assert "Gone quiet" in rows["Silent"]
    assert "Gone quiet" not in rows["Steady"] and "icon-no" not in rows["Steady"]
    assert "icon-no" not in html


def test_the_admin_change_page_shows_the_health_panel(client, outlet):
    from django.urls import reverse

    from tests.articles.roles import make_user

    client.force_login(make_user("publisher"))
    html = client.get(reverse("admin:providers_provider_change", args=[outlet.pk])).content.decode()
    assert "Articles in the last 24 hours: 2; 7 days: 4" in html
    assert "Sending as usual." in html


def test_the_health_panel_lists_the_providers_rejected_files(client, write_article):
    from django.urls import reverse

    from articles.importing.loader import import_paths
    from tests.articles.roles import make_user

    outlet = {"name": "Outlet", "domain": "outlet.example"}
    good = write_article("good.md", provider=outlet)
    bad = write_article("bad.md", provider={**outlet, "domain": " Outlet.EXAMPLE"}, quality=300)
    other = write_article("other.md", provider={"name": "Else", "domain": "else.example"}, heat=-9)
    import_paths([good, bad, other])

    client.force_login(make_user("publisher"))
    provider = Provider.objects.get(domain="outlet.example")
    html = client.get(reverse("admin:providers_provider_change", args=[provider.pk])).content.decode()

    assert "Rejected files in the latest imports: 1" in html
    assert f"{bad}: invalid_value at quality" in html
    assert str(other) not in html


@pytest.mark.parametrize("mode", ["on", "off"])
def test_the_page_row_counts_the_same_days_on_either_path(outlet, make_article, settings, mode):
    """The provider page's row is compiled once (newsroom.prepared); its day bounds are placeholders."""
    settings.PREPARED_QUERIES = mode
    now = timezone.now()
    for days_ago in (0, 1, 1, 6, 29, 30):
        make_article(provider=outlet, published_at=now - timedelta(days=days_ago, minutes=5))
    expected = health.with_public_health(Provider.objects.live().filter(slug="outlet")).get()
    found = health.live_provider_with_public_health("outlet")
    fields = [f"day_{i}" for i in range(health.DAYS)] + ["avg_quality", "latest_live_at"]
    assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert sum(getattr(found, f"day_{i}") for i in range(health.DAYS)) >= 5
    # Another day, other bounds: the compiled query takes them as values.
    later = health.live_provider_with_public_health("outlet", now=now + timedelta(days=2))
    assert sum(getattr(later, f"day_{i}") for i in range(health.DAYS)) < sum(
        getattr(found, f"day_{i}") for i in range(health.DAYS))
    assert health.live_provider_with_public_health("no-such-outlet") is None


def test_top_topics_are_those_of_the_newest_live_articles(outlet, monkeypatch):
    """Ranked over a fixed number of the newest, so an outlet's page costs the same at any size."""
    assert [name for _, name in health.top_topics(outlet)] == ["Climate", "Energy"]
    monkeypatch.setattr(health, "TOPICS_SAMPLE", 1)
    assert [name for _, name in health.top_topics(outlet)] == ["Climate"]


def test_top_topics_are_ranked_again_after_a_content_change(client, outlet, make_article):
    """Kept once per content version: a new article's topic shows at the next change."""
    assert ">Energy</a>" in client.get("/providers/outlet/").content.decode()
    for _ in range(3):
        make_article(provider=outlet, published_at=timezone.now(), topics=["Water"])
    html = client.get("/providers/outlet/").content.decode()
    assert html.index(">Water</a>") < html.index(">Climate</a>")
