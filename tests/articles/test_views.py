"""The public pages: what readers see, and the status codes for live and non-live articles."""

import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles.models import Article, ArticleQuerySet
from articles.views.front import choose_lead

from .pages import add_corrections, add_images, add_related, tags_in

pytestmark = pytest.mark.django_db


def text_of(response):
    """The page's visible text, roughly: tags dropped, entities decoded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def json_ld_of(response):
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    return user


# --- The article page ------------------------------------------------------------


def test_article_page_shows_headline_provider_date_excerpt_and_body(client, make_article, make_provider):
    provider = make_provider(name="KTLA", domain="ktla.com")
    article = make_article(
        title="Police Commission approves drones",
        provider=provider,
        excerpt="The commission voted 3-1.",
        body="## What happens next\n\nThe pilot starts in **June**.",
        published_at=datetime(2024, 5, 1, 10, 30, tzinfo=UTC),
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert re.search(r'<h1[^>]*dir="auto"[^>]*>Police Commission approves drones</h1>', html)
    assert "KTLA" in html
    assert "The commission voted 3-1." in html
    # The body's first heading sits right under the headline, whatever its markdown level.
    assert "<h2>What happens next</h2>" in html
    assert "<strong>June</strong>" in html
    # The date sits between the headline and the body, machine-readable too.
    headline, date, body = (
        html.index("<h1"), html.index('datetime="2024-05-01T10:30:00+00:00"'), html.index("article__body")
    )
    assert headline < date < body
    assert "1 May 2024, 10:30" in text_of(response)


def test_article_page_says_updated_only_when_readers_were_told_of_a_change(client, make_article):
    article = make_article(published_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC))
    article.excerpt = "An ordinary edit."
    article.save()
    assert "Updated" not in text_of(client.get(article.get_absolute_url()))

    article.modified_at = datetime(2024, 5, 2, 8, 15, tzinfo=UTC)
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'Updated <time datetime="2024-05-02T08:15:00\+00:00">2 May 2024, 08:15 UTC</time>', html)
    assert json_ld_of(client.get(article.get_absolute_url()))["dateModified"] == "2024-05-02T08:15:00+00:00"


def test_article_page_links_topics_and_provider(client, make_article):
    article = make_article(topics=["Machine Learning", "AI"])
    html = client.get(article.get_absolute_url()).content.decode()
    for topic in article.topics.all():
        assert f'href="/topics/{topic.slug}/"' in html
    assert f'href="/providers/{article.provider.slug}/"' in html


def test_article_page_shows_every_image_with_size_and_alt_text(client, make_article):
    article = make_article()
    add_images(article, 3)
    html = client.get(article.get_absolute_url()).content.decode()
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 3
    for position, tag in enumerate(images):
        assert f'src="https://img.example.com/{article.pk}/{position}.jpg"' in tag
        assert 'width="800"' in tag and 'height="450"' in tag
        assert f'alt="Caption {position}"' in tag
    assert "Photographer 0" in html


def test_images_without_a_caption_fall_back_to_the_headline_as_alt_text(client, make_article):
    article = make_article(title="Wildfire cameras")
    add_images(article, 1, title=None, width=None, height=None)
    tag = re.search(r"<img [^>]*>", client.get(article.get_absolute_url()).content.decode()).group(0)
    assert 'alt="Wildfire cameras"' in tag
    assert "width=" not in tag


def test_read_at_provider_links_to_the_original_and_amp_is_announced(client, make_article, make_provider):
    article = make_article(
        provider=make_provider(name="The Verge"),
        web_url="https://www.theverge.com/2024/5/1/story",
        amp_url="https://www.theverge.com/platform/amp/2024/5/1/story",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(
        r'<a [^>]*href="https://www.theverge.com/2024/5/1/story"[^>]*>Read at <span dir="auto">The Verge</span></a>',
        html,
    )
    assert '<link rel="amphtml" href="https://www.theverge.com/platform/amp/2024/5/1/story">' in html


def test_no_amphtml_link_without_an_amp_url(client, make_article):
    html = client.get(make_article(amp_url=None).get_absolute_url()).content.decode()
    assert "amphtml" not in html


def test_related_coverage_links_to_our_page_when_the_target_is_live_here(client, make_article):
    target = make_article(title="Our copy of the story")
    article = make_article()
    add_related(article, 1, target=target, title="Their story")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="{target.get_absolute_url()}" dir="auto">Their story</a>' in html
    assert target.web_url not in html.split("Related coverage")[1]
    assert "Other Outlet" in html and "30 Apr 2024" in html


def test_related_coverage_links_out_when_the_target_is_not_live_or_unknown(client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    article = make_article()
    add_related(article, 1, target=draft, title="Draft here")
    add_related_item = add_related(article, 1, title="Elsewhere", start=1)[0]
    related = client.get(article.get_absolute_url()).content.decode().split("Related coverage")[1]
    assert draft.get_absolute_url() not in related
    assert f'href="{draft.web_url}"' in related
    assert f'href="{add_related_item.web_url}"' in related
    assert related.count("(external site)") == 2


def test_correction_notes_are_shown_under_the_article(client, make_article):
    article = make_article()
    add_corrections(article, 2, note="We misnamed the mayor.")
    html = client.get(article.get_absolute_url()).content.decode()
    corrections = html.split('id="corrections-heading">Corrections</h2>')[1]
    assert corrections.count("We misnamed the mayor.") == 2


def test_article_page_carries_canonical_open_graph_and_twitter_tags(client, make_article):
    article = make_article(title="Drones & privacy", excerpt="A short teaser.")
    add_images(article, 2)
    html = client.get(article.get_absolute_url()).content.decode()
    canonical = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:title" content="Drones &amp; privacy">' in html
    assert '<meta property="og:description" content="A short teaser.">' in html
    assert f'<meta property="og:image" content="https://img.example.com/{article.pk}/0.jpg">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_json_ld_describes_a_news_article_with_the_provider_as_publisher(client, make_article, make_provider):
    article = make_article(
        title="Headline here",
        provider=make_provider(name="KTLA", domain="ktla.com"),
        web_url="https://ktla.com/news/story/",
        published_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
    )
    add_images(article, 2)
    data = json_ld_of(client.get(article.get_absolute_url()))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Headline here"
    assert data["image"] == [f"https://img.example.com/{article.pk}/{n}.jpg" for n in (0, 1)]
    assert data["datePublished"] == "2024-05-01T10:00:00+00:00"
    assert data["dateModified"] == "2024-05-01T10:00:00+00:00"
    assert data["publisher"] == {"@type": "Organization", "name": "KTLA", "url": "https://ktla.com/"}
    assert data["author"] == [data["publisher"]]
    assert data["isBasedOn"] == "https://ktla.com/news/story/"
    assert data["mainEntityOfPage"] == f"http://testserver{article.get_absolute_url()}"


def test_right_to_left_titles_are_marked_for_the_browser(client, make_article):
    article = make_article(title="الذكاء الاصطناعي في الشرق الأوسط")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<h1 class="article__title" dir="auto">الذكاء الاصطناعي في الشرق الأوسط</h1>' in html


def test_the_secured_token_and_unknown_keys_never_reach_the_page(client, make_article):
    article = make_article(
        secured="U0VDUkVUUEFZTE9BRA==;SVZJVklW",
        extra={"updatedDateTime": "2024-05-02T00:00:00Z", "locale": "xx-secretlocale", "tags": ["hiddentag"]},
        provider_extra={"twitter": "@hiddenhandle"},
    )
    html = client.get(article.get_absolute_url()).content.decode()
    for leaked in ("U0VDUkVUUEFZTE9BRA", "SVZJVklW", "secretlocale", "hiddentag", "hiddenhandle", "updatedDateTime"):
        assert leaked not in html


# --- Who may see what ------------------------------------------------------------


NOT_LIVE = {
    "draft": {"status": Article.Status.DRAFT},
    "in review": {"status": Article.Status.IN_REVIEW},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "archived": {"status": Article.Status.ARCHIVED},
    "scheduled": {"go_live_at": timezone.now() + timedelta(days=1)},
    "embargoed": {"embargo_until": timezone.now() + timedelta(hours=3)},
    "expired": {"expire_at": timezone.now() - timedelta(hours=1)},
}


@pytest.mark.parametrize("state", NOT_LIVE)
def test_a_non_live_article_is_a_404_for_readers(client, make_article, state):
    article = make_article(title="Not for readers yet", **NOT_LIVE[state])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "Not for readers yet" not in response.content.decode()
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("state", NOT_LIVE)
def test_staff_with_change_permission_preview_a_non_live_article_with_a_banner(client, make_article, staff, state):
    article = make_article(title="Not for readers yet", **NOT_LIVE[state])
    client.force_login(staff)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not for readers yet" in html
    assert re.search(r'<p class="banner" role="status">Preview: [^<]+</p>', html)
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-store" in response["Cache-Control"]


def test_staff_without_change_permission_get_the_404(client, make_article, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(make_article(status=Article.Status.DRAFT).get_absolute_url()).status_code == 404


def test_a_killed_article_is_gone_for_everyone(client, make_article, staff):
    article = make_article(title="Withdrawn story", status=Article.Status.KILLED)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "Withdrawn story" not in response.content.decode()
    assert "withdrawn" in response.content.decode()
    client.force_login(staff)
    assert client.get(article.get_absolute_url()).status_code == 410


def test_an_unknown_slug_is_a_404_in_the_site_style(client, db):
    response = client.get("/articles/no-such-story/")
    assert response.status_code == 404
    assert 'class="site-header"' in response.content.decode()


def test_render_article_renders_any_article_with_an_optional_banner(rf, make_article):
    from articles.presenting import render_article

    article = make_article(title="Shared draft", status=Article.Status.DRAFT)
    response = render_article(rf.get("/share/xyz/"), article, preview_banner="Shared preview link")
    assert response.status_code == 200
    assert "Shared draft" in response.content.decode()
    assert "Shared preview link" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


# --- The front page ------------------------------------------------------------


def test_front_page_leads_with_the_best_recent_story_and_lists_the_rest(client, make_article):
    cold = make_article(title="Cold story", heat=1, quality=10, published_at=datetime(2024, 5, 3, tzinfo=UTC))
    hot = make_article(title="Hot story", heat=900, quality=90, published_at=datetime(2024, 5, 2, tzinfo=UTC))
    add_images(hot, 1)
    add_images(cold, 1)
    make_article(title="Hidden draft", status=Article.Status.DRAFT)
    html = client.get("/").content.decode()
    lead = html.split('class="lead"')[1].split("</section>")[0]
    assert "Hot story" in lead
    latest = html.split('id="latest-heading"')[1]
    assert "Cold story" in latest
    assert "Hot story" not in latest
    assert "Hidden draft" not in html


def test_lead_prefers_stories_with_a_picture_then_heat_and_quality_then_recency():
    def candidate(pk, heat, quality, image=True):
        return type("A", (), {"pk": pk, "heat": heat, "quality": quality, "lead_images": ["picture"] if image else []})()

    newest, older = candidate(1, 10, 50), candidate(2, 10, 50)
    assert choose_lead([newest, older]) is newest
    hot = candidate(3, 500, 50)
    assert choose_lead([newest, hot]) is hot
    good = candidate(4, 10, 100)
    assert choose_lead([newest, good]) is good
    no_picture = candidate(5, 10_000, 100, image=False)
    assert choose_lead([no_picture, newest]) is newest
    uncomputed = candidate(6, -1, 60)
    assert choose_lead([uncomputed, candidate(7, None, 55)]) is uncomputed
    assert choose_lead([]) is None


def test_front_page_pages_backwards_and_forwards_without_repeats(client, make_article):
    base = datetime(2024, 1, 1, tzinfo=UTC)
    titles = {make_article(title=f"Story {n:02d}", published_at=base + timedelta(hours=n)).title for n in range(45)}
    seen, url, pages = [], "/", []
    while url:
        html = client.get(url).content.decode()
        pages.append(html)
        seen += re.findall(r'class="story__title"><a href="[^"]+" dir="auto">(Story \d\d)</a>', html)
        seen += re.findall(r'class="lead__title"><a href="[^"]+" dir="auto">(Story \d\d)</a>', html)
        older = re.search(r'rel="next" href="\?(before=[0-9-]+)"', html)
        url = f"/?{older.group(1)}" if older else None
    assert len(pages) == 3
    assert sorted(seen) == sorted(titles)
    newer = re.search(r'rel="prev" href="\?(after=[0-9-]+)"', pages[2]).group(1)
    back = client.get(f"/?{newer}").content.decode()
    assert re.findall(r"Story \d\d", back) == re.findall(r"Story \d\d", pages[1].split('id="latest-heading"')[1])


def test_a_malformed_page_cursor_is_a_404(client, db):
    assert client.get("/?before=yesterday").status_code == 404


# --- Topic, provider, category and date pages ----------------------------------------


def test_topic_page_lists_only_live_articles_of_that_topic(client, make_article):
    make_article(title="On topic", topics=["Space"])
    make_article(title="Off topic", topics=["Sport"])
    make_article(title="Draft on topic", topics=["Space"], status=Article.Status.DRAFT)
    response = client.get("/topics/space/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1 dir=\"auto\">Space</h1>" in html
    assert "On topic" in html
    assert "Off topic" not in html and "Draft on topic" not in html
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/topics/space/rss/"' in html and 'href="/topics/space/atom/"' in html


@pytest.mark.parametrize("small_topic", [50, 2], ids=["listed by its links", "walked by date"])
def test_topic_pages_list_and_page_the_same_way_for_small_and_big_topics(
    client, make_article, monkeypatch, small_topic
):
    # Up to SMALL_TOPIC articles a topic's list starts from its links; above, from the date index.
    monkeypatch.setattr(ArticleQuerySet, "SMALL_TOPIC", small_topic)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for day in range(25):
        make_article(title=f"Space day {day:02}", topics=["Space"], published_at=start + timedelta(days=day))
    make_article(title="Space draft", topics=["Space"], status=Article.Status.DRAFT)
    make_article(title="Sport day 30", topics=["Sport"], published_at=start + timedelta(days=30))

    first = client.get("/topics/space/").content.decode()
    older = re.search(r'href="\?(before=[^"]+)"', first).group(1)
    second = client.get(f"/topics/space/?{unescape(older)}").content.decode()
    feed = client.get("/topics/space/rss/").content.decode()

    titles = re.findall(r"Space day (\d\d)", first + second)
    assert titles == [f"{day:02}" for day in range(24, -1, -1)]  # newest first, each once
    assert "Space draft" not in first + second + feed and "Sport" not in first + second + feed
    assert "Space day 24" in feed


def test_topic_index_lists_topics_with_live_articles(client, make_article):
    make_article(topics=["Space"])
    make_article(topics=["Secret"], status=Article.Status.DRAFT)
    html = client.get("/topics/").content.decode()
    assert 'href="/topics/space/"' in html
    assert "Secret" not in html


def test_unknown_topic_is_a_404(client, db):
    assert client.get("/topics/nothing-here/").status_code == 404


@pytest.mark.parametrize("url", ["/topics/merger-talks/", "/topics/merger-talks/rss/", "/topics/merger-talks/atom/"])
def test_a_topic_only_unpublished_articles_carry_is_not_found(client, make_article, url):
    """Its name alone would tell readers what tomorrow's story is about."""
    make_article(topics=["Merger talks"], status=Article.Status.DRAFT)
    make_article(topics=["Merger talks"], embargo_until=timezone.now() + timedelta(days=1))
    make_article(topics=["Merger talks"], status=Article.Status.UNPUBLISHED)

    assert client.get(url).status_code == 404
    make_article(topics=["Merger talks"])
    assert client.get(url).status_code == 200


def test_category_page_lists_live_articles_of_the_category(client, make_article):
    make_article(title="Science story", category="science")
    make_article(title="News story", category="news")
    html = client.get("/categories/science/").content.decode()
    assert "Science story" in html and "News story" not in html
    assert client.get("/categories/nonexistent/").status_code == 404


def test_date_archive_by_year_and_month(client, make_article):
    make_article(title="May story", published_at=datetime(2023, 5, 10, tzinfo=UTC))
    make_article(title="June story", published_at=datetime(2023, 6, 10, tzinfo=UTC))
    make_article(title="Other year", published_at=datetime(2022, 6, 10, tzinfo=UTC))
    year = client.get("/archive/2023/").content.decode()
    assert "May story" in year and "June story" in year and "Other year" not in year
    assert 'href="/archive/2023/05/"' in year and 'href="/archive/2023/06/"' in year
    month = client.get("/archive/2023/05/").content.decode()
    assert "May story" in month and "June story" not in month
    index = client.get("/archive/").content.decode()
    assert 'href="/archive/2022/06/"' in index and 'href="/archive/2023/05/"' in index
    assert client.get("/archive/2023/13/").status_code == 404
    assert client.get("/archive/1999/").status_code == 404


# --- Site files and errors ------------------------------------------------------------


def test_robots_txt_names_the_sitemaps_by_absolute_url(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Sitemap: http://testserver/sitemap-news.xml" in body
    assert "Disallow: /admin/" in body


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    from django.db import DatabaseError, connection

    def broken(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(connection, "cursor", broken)
    assert client.get("/healthz").status_code == 503


def test_a_server_error_shows_the_site_500_page(client, db, monkeypatch):
    import articles.views.front

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(articles.views.front.FrontPageView, "get", explode)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_topic_index_sorts_as_readers_expect_ignoring_case_and_accents(client, make_article):
    make_article(topics=["Wildfires", "facial recognition", "Zoo", "Éclairage", "Elections", "apple"])
    html = client.get("/topics/").content.decode()
    names = re.findall(r'<li><a href="/topics/[^"]+/" dir="auto">([^<]+)</a></li>', html)
    assert names == ["apple", "Éclairage", "Elections", "facial recognition", "Wildfires", "Zoo"]


def test_pages_link_a_favicon_and_browsers_asking_for_favicon_ico_get_one(client, make_article):
    from django.contrib.staticfiles import finders

    html = client.get(make_article().get_absolute_url()).content.decode()
    icons = {attrs["href"]: attrs.get("type") for tag, attrs in tags_in(html) if tag == "link" and attrs.get("rel") == "icon"}
    assert "image/svg+xml" in icons.values()
    for href in icons:
        assert finders.find(href.removeprefix("/static/")), href
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_the_article_page_puts_story_related_coverage_and_topics_in_a_side_column(client, make_article):
    from lxml import html as lxml_html

    article = make_article(topics=["Space"], body="Some text.")
    add_related(article, 2)
    page = lxml_html.fromstring(client.get(article.get_absolute_url()).content)
    layout = page.find_class("article-layout")[0]
    main_column, side = list(layout)
    assert main_column.tag == "article" and side.tag == "aside"
    assert side.xpath(".//h2[text()='Related coverage']") and side.xpath(".//a[@href='/topics/space/']")
    assert not main_column.xpath(".//*[contains(@class, 'topics') or contains(@class, 'related')]")
    assert main_column.find_class("article__body")


def test_the_side_column_sits_beside_the_text_only_on_wide_screens():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "site.css").read_text()
    wide = re.search(r"@media \(min-width: (\d+)rem\) \{([^@]*?\.article-layout \{[^}]*\})", css)
    assert wide, "no wide-screen layout for the article page"
    assert int(wide.group(1)) >= 48  # phones and small tablets keep one column
    assert re.search(r"\.article-layout \{[^}]*grid-template-columns:[^;]*minmax\([^;]*1fr", wide.group(2))
    assert not re.search(r"(?m)^\.article-layout \{[^}]*grid", css), "single column below the breakpoint"
