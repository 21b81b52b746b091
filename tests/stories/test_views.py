"""The public story page, the article page's link to it, and the front page showing one event once."""

import pytest

from articles.caching import content_version
from articles.models import Article
from curation.banners import banners_for_pages
from stories.building import build_stories, merge_stories

from ..articles.pages import HOSTILE, assert_inert
from .conftest import link, story_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(at, make_provider):
    """Four reports of one event from three outlets, one of them a draft, and a stray article."""
    wire, daily = make_provider(name="Wire"), make_provider(name="Daily")
    first = at(0, provider=wire, title="Quake hits coastal town")
    update = at(6, provider=wire, title="Quake toll rises overnight")
    daily_report = at(3, provider=daily, title="Town digs out after quake")
    other = at(4, title="Mayor praises rescuers")
    draft = at(5, title="Unpublished take on the quake", status=Article.Status.DRAFT)
    for article in (update, daily_report, other, draft):
        link(article, first)
    at(2, title="Unrelated football result")
    build_stories()
    content_version()
    banners_for_pages()
    return {"first": first, "update": update, "daily": daily_report, "other": other, "draft": draft}


def test_the_story_page_shows_every_live_article_by_outlet_newest_first(client, event):
    html = client.get(story_of(event["first"]).get_absolute_url()).content.decode()
    assert "4 reports from 3 outlets" in html
    assert html.index(">Quake toll rises overnight</a>") < html.index(">Quake hits coastal town</a>")
    assert "Unpublished take" not in html
    assert "Unrelated football" not in html


def test_the_earliest_report_is_marked(client, event):
    html = client.get(story_of(event["first"]).get_absolute_url()).content.decode()
    assert html.count("First report") == 1
    marked = html[html.index("First report"):]
    assert marked.index("Quake hits coastal town") < marked.index("</article>")


def test_the_story_is_headed_by_its_earliest_live_article_not_a_draft(client, event, at):
    early_draft = at(-1, title="Secret early draft headline", status=Article.Status.DRAFT)
    link(early_draft, event["first"])
    build_stories()
    html = client.get(story_of(event["first"]).get_absolute_url()).content.decode()
    assert "<h1 dir=\"auto\">Quake hits coastal town</h1>" in html
    assert "Secret early draft" not in html


def test_the_story_page_runs_a_fixed_number_of_queries(client, event, django_assert_num_queries):
    url = story_of(event["first"]).get_absolute_url()
    # The story, its live articles with their outlets, their pictures.
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


def test_a_story_without_live_articles_is_not_found(client, event):
    story = story_of(event["first"])
    Article.objects.filter(story_membership__story=story).update(status=Article.Status.DRAFT)
    assert client.get(story.get_absolute_url()).status_code == 404


def test_a_merged_storys_address_redirects_to_the_one_it_joined(client, event, at):
    a, b = at(300), at(301)
    link(a, b)
    build_stories()
    keep, gone = story_of(event["first"]), story_of(a)
    merge_stories(keep, [gone])
    response = client.get(gone.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == keep.get_absolute_url()


def test_the_story_page_escapes_headlines_and_outlet_names(client, at, make_provider):
    a = at(0, title=HOSTILE, provider=make_provider(name=HOSTILE))
    b = at(1)
    link(b, a)
    build_stories()
    html = client.get(story_of(a).get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert_inert(html)


def test_the_article_page_links_to_its_story(client, event):
    html = client.get(event["update"].get_absolute_url()).content.decode()
    assert f'href="{story_of(event["first"]).get_absolute_url()}"' in html
    assert "Full coverage: 4 reports" in html


def test_no_story_link_when_the_story_has_no_other_live_article(client, at):
    a = at(0)
    b = at(1, status=Article.Status.DRAFT)
    link(a, b)
    build_stories()
    assert story_of(a) is not None
    assert "Full coverage" not in client.get(a.get_absolute_url()).content.decode()


def test_the_article_page_keeps_its_query_count_with_a_story(client, event, django_assert_num_queries):
    with django_assert_num_queries(5):
        assert client.get(event["first"].get_absolute_url()).status_code == 200


def test_the_front_page_shows_an_event_once_with_a_link_to_its_coverage(client, event):
    html = client.get("/").content.decode()
    titles = ["Quake hits coastal town", "Quake toll rises overnight", "Town digs out after quake", "Mayor praises rescuers"]
    assert sum(html.count(f">{title}</a>") for title in titles) == 1
    # The newest report stands for the story.
    assert ">Quake toll rises overnight</a>" in html
    assert "Full coverage: 4 reports" in html
    assert ">Unrelated football result</a>" in html


def test_the_front_page_keeps_three_queries_with_stories(client, event, django_assert_num_queries):
    # The newest articles, the desk's pins, their pictures.
    with django_assert_num_queries(3):
        assert client.get("/").status_code == 200


def test_the_story_is_renamed_when_its_earliest_live_article_is_killed_and_old_links_follow(
    client, event
):
    from articles import publishing

    from ..articles.roles import make_user

    story = story_of(event["first"])
    old_url = story.get_absolute_url()
    assert "quake-hits-coastal-town" in old_url

    publishing.kill(event["first"], by=make_user("superuser"), note="Legal")

    story.refresh_from_db()
    assert "quake-hits-coastal-town" not in story.slug
    assert story.slug.startswith("town-digs-out-after-quake-")
    response = client.get(old_url)
    assert response.status_code == 301 and response["Location"] == story.get_absolute_url()
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Quake hits coastal town" not in html


def test_publishing_an_earlier_draft_names_the_story_after_it(client, event, at):
    from articles import publishing

    from ..articles.roles import make_user

    early = at(-1, title="Early wire flash", status=Article.Status.DRAFT)
    link(early, event["first"])
    build_stories()
    story = story_of(event["first"])
    assert "early-wire-flash" not in story.slug

    publishing.publish(early, by=make_user("superuser"))

    story.refresh_from_db()
    assert story.slug.startswith("early-wire-flash-")


@pytest.mark.parametrize("slug", ["no-id-here", "quake-99999999999999999999999", "x-0"])
def test_a_slug_that_names_no_story_is_not_found(client, event, slug):
    assert client.get(f"/stories/{slug}/").status_code == 404


def test_the_stories_index_lists_each_story_once_with_its_size_and_outlets(client, event, at, make_provider):
    second = at(30, title="Bridge closes for repairs", provider=make_provider(name="Gazette"))
    link(at(31, title="Bridge repairs begin", provider=make_provider(name="Ledger")), second)
    build_stories()
    content_version()
    banners_for_pages()
    html = client.get("/stories/").content.decode()
    assert html.count('class="story"') == 2
    # Newest report first: the bridge story's latest is at hour 31, the quake's at hour 6.
    assert html.index("Bridge repairs begin") < html.index("Quake toll rises overnight")
    assert f'href="{story_of(event["first"]).get_absolute_url()}"' in html
    assert "4 reports from 3 outlets" in html and "2 reports from 2 outlets" in html
    assert "Daily" in html and "Wire" in html and "Gazette" in html
    assert "Unpublished take" not in html and "Unrelated football" not in html


def test_the_stories_index_leaves_out_stories_with_one_live_article(client, event, at):
    for name in ("update", "daily", "other"):
        event[name].status = Article.Status.UNPUBLISHED
        event[name].save()
    content_version()
    banners_for_pages()
    assert "No stories yet." in client.get("/stories/").content.decode()


def test_the_stories_index_pages_by_cursor(client, at, make_provider, settings, monkeypatch):
    import articles.views.base
    for hour in range(0, 60, 10):
        first = at(hour, title=f"Event at hour {hour} begins")
        link(at(hour + 1, title=f"Event at hour {hour} continues"), first)
    build_stories()
    content_version()
    banners_for_pages()
    monkeypatch.setattr(articles.views.base.PublicSiteMixin, "paginate_by", 4)
    page = client.get("/stories/").content.decode()
    assert page.count('class="story"') == 4 and 'rel="next"' in page
    older = page.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    rest = client.get("/stories/" + older).content.decode()
    assert rest.count('class="story"') == 2
    assert "Event at hour 0 continues" in rest and "Event at hour 50" not in rest


def test_the_stories_index_runs_a_fixed_number_of_queries(client, event, django_assert_num_queries):
    # The newest article of each story, their pictures, the stories' outlets.
    with django_assert_num_queries(3):
        assert client.get("/stories/").status_code == 200


def test_the_navigation_links_the_stories_index(client, event):
    assert '<a href="/stories/">Stories</a>' in client.get("/").content.decode()


def test_the_story_page_describes_its_coverage_as_an_item_list(client, event):
    import json
    import re

    url = story_of(event["first"]).get_absolute_url()
    html = client.get(url).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "CollectionPage" and data["url"] == f"http://testserver{url}"
    items = data["mainEntity"]["itemListElement"]
    assert data["mainEntity"]["numberOfItems"] == len(items) == 4
    assert items[0] == {
        "@type": "ListItem", "position": 1, "name": "Quake toll rises overnight",
        "url": f"http://testserver{event['update'].get_absolute_url()}",
    }
    assert "Unpublished take" not in json.dumps(data)
