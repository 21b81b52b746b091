"""The public search page, as a reader uses it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from search import menus
from search.results import SearchResults

from .test_search import HOSTILE

pytestmark = pytest.mark.django_db

URL = reverse("search:results")


def headlines(response):
    """The result headlines as text, without their highlighting."""
    found = re.findall(r'class="story__title"><a [^>]*>(.*?)</a>', response.content.decode())
    return [re.sub(r"</?mark>", "", headline) for headline in found]


def test_results_show_headline_provider_date_and_highlighted_snippet(client, make_article, make_provider):
    provider = make_provider(name="The Daily Circuit")
    make_article(
        title="Geothermal plant opens", provider=provider,
        published_at=datetime(2024, 3, 9, 14, 30, tzinfo=UTC),
        excerpt="The geothermal plant will power 40,000 homes.",
    )

    response = client.get(URL, {"q": "geothermal"})

    assert response.status_code == 200
    assert headlines(response) == ["Geothermal plant opens"]
    html = response.content.decode()
    assert "The Daily Circuit" in html
    assert "9 Mar 2024" in html
    assert "The <mark>geothermal</mark> plant will power" in html
    assert "1 result for" in html


def test_article_text_is_escaped_and_only_the_match_is_marked(client, make_article):
    make_article(
        title='<img src=x onerror="alert(1)"> Geyser',
        excerpt="<script>alert('geyser')</script> Old Faithful geyser erupts.",
    )

    html = client.get(URL, {"q": "geyser"}).content.decode()

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;" in html
    assert "Old Faithful <mark>geyser</mark> erupts." in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>Geyser</mark>" in html


def test_no_results_page_echoes_the_query_escaped(client, make_article):
    make_article(title="Something else")

    response = client.get(URL, {"q": "<b>zebrafish</b>"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "No results" in html
    assert "&lt;b&gt;zebrafish&lt;/b&gt;" in html
    assert "<b>zebrafish" not in html


def test_drafts_never_appear_on_the_page(client, make_article):
    make_article(title="Aurora tonight", status=Article.Status.DRAFT)

    assert "No results" in client.get(URL, {"q": "aurora"}).content.decode()


def test_filters_narrow_by_topic_provider_and_dates(client, make_article, make_provider):
    daily = make_provider(name="Daily", slug="daily")
    make_article(title="Quake in March", provider=daily, topics=["Earthquakes"],
                 published_at=datetime(2024, 3, 10, tzinfo=UTC))
    make_article(title="Quake in May", provider=daily, published_at=datetime(2024, 5, 10, tzinfo=UTC))
    make_article(title="Quake elsewhere", topics=["Earthquakes"],
                 published_at=datetime(2024, 5, 10, tzinfo=UTC))

    def titles(**filters):
        return set(headlines(client.get(URL, {"q": "quake", **filters})))

    assert titles(topic="earthquakes") == {"Quake in March", "Quake elsewhere"}
    assert titles(provider="daily") == {"Quake in March", "Quake in May"}
    assert titles(published_after="2024-04-01") == {"Quake in May", "Quake elsewhere"}
    assert titles(published_before="2024-03-10") == {"Quake in March"}
    assert titles(provider="daily", published_after="2024-04-01", published_before="2024-05-31") == {
        "Quake in May"
    }


def test_every_form_field_has_a_label(client, make_article):
    html = client.get(URL, {"q": "x"}).content.decode()

    field_ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
    assert {"id_q", "id_topic", "id_provider", "id_published_after", "id_published_before"} <= set(field_ids)
    for field_id in field_ids:
        if field_id != "site-search":  # the header's own form, labelled by base.html
            assert f'for="{field_id}"' in html


def test_results_are_paginated_keeping_the_query_and_filters(client, make_article, make_provider):
    provider = make_provider(slug="wire")
    for n in range(25):
        make_article(title=f"Tide report {n}", provider=provider)

    first = client.get(URL, {"q": "tide", "provider": "wire"})
    second = client.get(URL, {"q": "tide", "provider": "wire", "page": 2})

    assert len(headlines(first)) == 20
    assert len(headlines(second)) == 5
    assert not set(headlines(first)) & set(headlines(second))
    assert 'href="?q=tide&amp;provider=wire&amp;page=2"' in first.content.decode()
    assert "25 results" in first.content.decode()


def test_past_the_most_results_shown_the_page_says_there_are_more(client, make_article, monkeypatch):
    monkeypatch.setattr(SearchResults, "max_results", 3)
    for n in range(5):
        make_article(title=f"Tide report {n}")

    response = client.get(URL, {"q": "tide"})

    html = response.content.decode()
    assert len(headlines(response)) == 3
    assert "More than 3 results" in html
    assert "try more words" in html


@pytest.mark.parametrize("page", ["999", "abc", "-1", "\x00"])
def test_a_bad_page_number_shows_a_page_not_an_error(client, make_article, page):
    make_article(title="Tide report")

    response = client.get(URL, {"q": "tide", "page": page})

    assert response.status_code == 200
    assert headlines(response) == ["Tide report"]


@pytest.mark.parametrize("query", ["comet", "彗星"])
@pytest.mark.parametrize("results", [2, 25])
def test_a_results_page_runs_a_fixed_number_of_queries(
    client, make_article, django_assert_num_queries, results, query
):
    for n in range(results):
        make_article(title=f"Comet sighting {n}", body="Seen as 彗星 in Tokyo.", topics=["Space"])

    client.get(URL)  # builds the topic and source menus, kept until the content changes

    # The count, the page of articles with their providers, the snippets of that page. On
    # PostgreSQL the count takes four: whether the RUM index is there, the planner's estimate
    # of the matches (or the newest window's matches), the newest matches, their ranks. On
    # SQLite a word query's count takes two: how many documents match (up to COMMON + 1),
    # then the ranking (of them all, or of the newest for a common word).
    sqlite = 4 if query.isascii() else 3
    with django_assert_num_queries(sqlite if connection.vendor == "sqlite" else 6):
        response = client.get(URL, {"q": query})

    assert len(headlines(response)) == min(results, 20)


def test_an_empty_search_shows_the_form_only(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert 'id="id_q"' in response.content.decode()
    assert "No results" not in response.content.decode()


def test_an_inverted_date_range_is_explained(client):
    response = client.get(URL, {"q": "x", "published_after": "2024-05-01", "published_before": "2024-04-01"})

    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_give_an_error_page(client, make_article, query):
    make_article(title="A normal article about x and y")

    response = client.get(URL, {"q": query, "topic": query[:50], "provider": query[:50],
                                "published_after": query[:50]})

    assert response.status_code == 200


# --- Rate limit ----------------------------------------------------------------


@pytest.fixture
def three_a_minute(settings, make_article, monkeypatch):
    settings.SEARCH_REQUESTS_PER_MINUTE = 3
    # Half-way through a window, however long the test takes: the count never restarts under it.
    monkeypatch.setattr("newsroom.ratelimit.clock", lambda: 1_800_000_030.0)
    make_article(title="Harbour reopens")


def search_from(client, address, forwarded_for=None, q="harbour"):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.get(URL, {"q": q}, REMOTE_ADDR=address, headers=headers)


def test_a_reader_who_searches_too_often_gets_a_readable_429_with_retry_after(client, three_a_minute):
    for _ in range(3):
        assert search_from(client, "203.0.113.7").status_code == 200
    refused = search_from(client, "203.0.113.7")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]
    html = refused.content.decode()
    assert "<h1>Too many searches</h1>" in html
    assert f"wait {refused['Retry-After']} second" in html
    assert headlines(refused) == []


def test_the_limit_is_per_client_address(client, three_a_minute):
    for _ in range(4):
        search_from(client, "203.0.113.7")
    assert search_from(client, "198.51.100.2").status_code == 200


def test_a_forged_forwarded_for_does_not_escape_the_limit_without_a_declared_proxy(client, three_a_minute):
    for n in range(3):
        search_from(client, "203.0.113.7", forwarded_for=f"192.0.2.{n}")
    assert search_from(client, "203.0.113.7", forwarded_for="192.0.2.99").status_code == 429


def test_behind_a_declared_proxy_each_forwarded_client_is_counted(client, three_a_minute, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(4):
        search_from(client, "10.0.0.1", forwarded_for="203.0.113.7")
    assert search_from(client, "10.0.0.1", forwarded_for="203.0.113.7").status_code == 429
    # Every reader comes through the same proxy; only the one who searched too much waits.
    assert search_from(client, "10.0.0.1", forwarded_for="198.51.100.2").status_code == 200


def test_staff_are_not_limited(client, three_a_minute, django_user_model):
    client.force_login(django_user_model.objects.create_user("desk", password="pw", is_staff=True))
    for _ in range(6):
        assert search_from(client, "203.0.113.7").status_code == 200


def test_the_empty_form_is_never_refused(client, three_a_minute):
    for _ in range(4):
        search_from(client, "203.0.113.7")
    assert client.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_the_count_lives_in_the_shared_cache(client, three_a_minute, empty_caches):
    """Every app server reads the same count: it is in the cache, not in a process."""
    for _ in range(4):
        search_from(client, "203.0.113.7")
    empty_caches()
    assert search_from(client, "203.0.113.7").status_code == 200


def test_searches_still_work_when_the_cache_is_unreachable(client, three_a_minute, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache is down")

    monkeypatch.setattr(cache, "add", down)
    for _ in range(5):
        assert search_from(client, "203.0.113.7").status_code == 200


def menu(response, name):
    """The (value, label) options of the ``name`` menu, without "Any ..."."""
    select = re.search(rf'<select name="{name}".*?</select>', response.content.decode(), re.S).group(0)
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select)


def test_the_menus_name_only_what_live_articles_use(client, make_article, make_provider):
    secret = make_provider(name="Secret Wire", slug="secret-wire")
    make_article(topics=["Harbour"])
    make_article(topics=["Merger talks"], provider=secret, status=Article.Status.DRAFT)
    make_article(topics=["Embargoed summit"], provider=secret,
                 embargo_until=timezone.now() + timedelta(days=1))

    response = client.get(URL)

    assert [label for _, label in menu(response, "topic")] == ["Harbour"]
    assert "Secret Wire" not in [label for _, label in menu(response, "provider")]
    html = response.content.decode()
    assert "Merger talks" not in html and "Embargoed summit" not in html


def test_a_topic_only_drafts_carry_cannot_be_searched_by(client, make_article):
    make_article(title="Harbour news", topics=["Harbour"])
    make_article(title="Harbour merger", topics=["Merger talks"], status=Article.Status.DRAFT)

    response = client.get(URL, {"q": "harbour", "topic": "merger-talks"})

    assert headlines(response) == []
    assert "Merger talks" not in response.content.decode()


def test_the_menus_are_bounded_and_keep_the_most_used(client, make_article, monkeypatch):
    """Thousands of topics must not make every search page megabytes long."""
    monkeypatch.setattr(menus, "MENU_SIZE", 3)
    for n, topic in enumerate(["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]):
        for _ in range(5 - n):
            make_article(topics=[topic])

    response = client.get(URL)

    assert [label for _, label in menu(response, "topic")] == ["Alpha", "Beta", "Gamma"]


def test_a_live_topic_beyond_the_menu_can_still_be_chosen(client, make_article, monkeypatch):
    monkeypatch.setattr(menus, "MENU_SIZE", 1)
    make_article(title="Tide one", topics=["Tides"])
    make_article(title="Tide two", topics=["Tides"])
    make_article(title="Tide at the harbour", topics=["Harbour"])

    response = client.get(URL, {"q": "tide", "topic": "harbour"})

    assert headlines(response) == ["Tide at the harbour"]
    assert ("harbour", "Harbour") in menu(response, "topic")
    assert 'value="harbour" selected' in response.content.decode()


def test_the_menus_are_built_once_until_the_content_changes(
    client, make_article, django_assert_num_queries
):
    make_article(topics=["Harbour"])
    client.get(URL)

    with django_assert_num_queries(0):
        client.get(URL)
    make_article(topics=["Lighthouse"])
    assert ("lighthouse", "Lighthouse") in menu(client.get(URL), "topic")


def test_query_words_are_highlighted_in_headlines_and_the_headline_stays_escaped(client, make_article):
    make_article(title="<b>Drones</b> over Zürich & more", excerpt="Nothing to see.")

    html = client.get(URL, {"q": "drone zurich"}).content.decode()

    assert "&lt;b&gt;<mark>Drones</mark>&lt;/b&gt; over <mark>Zürich</mark> &amp; more</a>" in html
    assert "<b>" not in html


def test_filters_without_words_list_the_filtered_live_articles_newest_first(client, make_article, make_provider):
    wire = make_provider(name="Wire", slug="wire")
    make_article(title="Older wire story", provider=wire, published_at=datetime(2024, 5, 1, tzinfo=UTC))
    make_article(title="Newer wire story", provider=wire, published_at=datetime(2024, 5, 2, tzinfo=UTC))
    make_article(title="Draft wire story", provider=wire, status=Article.Status.DRAFT)
    make_article(title="Someone else's story")

    html = client.get(URL, {"provider": "wire"}).content.decode()

    assert "Latest articles with these filters" in html
    assert html.index("Newer wire story") < html.index("Older wire story")
    assert "Draft wire story" not in html and "Someone else" not in html


def test_filters_without_words_page_on_keeping_the_filters(client, make_article, make_provider, monkeypatch):
    import search.views

    monkeypatch.setattr(search.views, "RESULTS_PER_PAGE", 2)
    wire = make_provider(slug="wire")
    for day in range(1, 6):
        make_article(title=f"Wire day {day}", provider=wire, published_at=datetime(2024, 5, day, tzinfo=UTC))
    make_article(title="Elsewhere")

    first = client.get(URL, {"provider": "wire"}).content.decode()
    older = re.search(r'rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    assert older.startswith("provider=wire&before=")
    second = client.get(f"{URL}?{older}").content.decode()
    assert "Wire day 3" in second and "Wire day 2" in second and "Wire day 5" not in second


def test_filters_matching_nothing_say_so(client, make_article, make_provider):
    # Both are live, but no article of that source carries that topic.
    make_article(provider=make_provider(slug="quiet"), topics=["Weather"])
    make_article(topics=["Space"])

    html = client.get(URL, {"provider": "quiet", "topic": "space"}).content.decode()

    assert "No live articles match these filters" in html


def test_the_search_form_controls_are_styled():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "site.css").read_text()
    for control in ("input", "select", "button"):
        assert re.search(rf"\.search-form [^{{]*\b{control}\b[^{{]*\{{", css), control


def test_a_filtered_listing_runs_a_fixed_number_of_queries(client, make_article, make_provider, django_assert_num_queries):
    wire = make_provider(slug="wire")
    for n in range(25):
        make_article(title=f"Wire {n}", provider=wire, topics=["Space"])

    # The content version (the next scheduled change, the next pin or banner change), the
    # breaking-news banners, topic and source menus (all once per content version), the
    # provider filter's lookup among live sources, the page of articles, their pictures.
    with django_assert_num_queries(8):
        response = client.get(URL, {"provider": "wire"})

    assert len(headlines(response)) == 20
