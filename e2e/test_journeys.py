"""The desk's and the readers' journeys, in a real browser, against a live site.

One article goes the whole way: an editor imports it as a draft and edits it,
a publisher schedules and publishes it, readers find, follow and search it, and
the publisher withdraws it again. Each step is a test; they run in order.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from .pages import DATA, upload, workflow

ARTICLE = (DATA / "heliostat.md").read_text()
TITLE = "Harbour town tests a heliostat desalination plant"
EDITED_TITLE = "Harbour town switches on a heliostat desalination plant"
WEB_URL = "https://harbour-gazette.example/2025/03/heliostat-desalination"


@pytest.fixture(scope="module")
def story():
    """What the steps learn about the article and pass on (its admin and public addresses)."""
    return {}


@pytest.mark.incremental
class TestOneArticle:
    def test_editor_imports_edits_and_submits_for_review(self, new_context, story):
        """Journey 1: the import report, an edit by re-import, submit; readers still see nothing."""
        page = new_context(user="editor").new_page()
        report = upload(page, "heliostat.md", ARTICLE)
        expect(report.get_by_role("row", name="Created")).to_contain_text("1")
        expect(report.get_by_role("row", name="Rejected")).to_contain_text("0")

        # A changed file updates an article nobody edited.
        report = upload(page, "heliostat.md", ARTICLE.replace(TITLE, EDITED_TITLE))
        expect(report.get_by_role("row", name="Updated")).to_contain_text("1")
        page.get_by_role("link", name="heliostat.md").click()
        expect(page.locator("#content h2").first).to_contain_text(EDITED_TITLE)
        expect(workflow(page).locator(".nr-status")).to_have_text("Draft")
        expect(page.get_by_label("Title")).to_have_value(EDITED_TITLE)
        story["admin_url"] = page.url
        story["public_url"] = page.get_by_role("link", name="Preview as readers will see it").get_attribute("href")

        page.get_by_role("link", name="Submit for review").click()
        page.get_by_role("button", name="Submit for review").click()
        expect(page.locator(".messagelist")).to_contain_text("Submit for review: done")
        expect(workflow(page).locator(".nr-status")).to_have_text("In review")

        reader = new_context().new_page()
        assert reader.goto(story["public_url"]).status == 404
        reader.goto("/")
        expect(reader.get_by_role("link", name=EDITED_TITLE)).to_have_count(0)

    def test_publisher_schedules_then_publishes_and_a_reader_follows_its_links(self, new_context, story):
        """Journey 2: scheduled is not yet public; published now, it leads the site and links out right."""
        page = new_context(user="publisher").new_page()
        page.goto(story["admin_url"])
        go_live = datetime.now(UTC) + timedelta(minutes=1)
        schedule(page, go_live)
        expect(workflow(page)).to_contain_text("Scheduled to go live at")

        reader = new_context().new_page()
        assert reader.goto(story["public_url"]).status == 404
        reader.goto("/")
        expect(reader.get_by_role("link", name=EDITED_TITLE)).to_have_count(0)

        schedule(page, None)  # no go-live time: live now
        expect(workflow(page)).to_contain_text("Live.")

        reader.goto("/")
        # The newest story: first in the list, unless it was chosen to lead.
        reader.locator(".lead__title, .stories .story__title").get_by_role(
            "link", name=EDITED_TITLE
        ).first.click()
        expect(reader).to_have_url(re.compile(re.escape(story["public_url"]) + "$"))
        expect(reader.get_by_role("heading", level=1)).to_have_text(EDITED_TITLE)

        reader.get_by_role("navigation", name="Topics").get_by_role("link", name="Solar Desalination").click()
        expect(reader.get_by_role("heading", level=1)).to_contain_text("Solar Desalination")
        expect(reader.get_by_role("link", name=EDITED_TITLE)).to_be_visible()
        reader.go_back()

        reader.locator(".byline").get_by_role("link", name="Harbour Gazette").click()
        expect(reader.get_by_role("heading", level=1)).to_contain_text("Harbour Gazette")
        expect(reader.get_by_role("link", name=EDITED_TITLE)).to_be_visible()
        reader.go_back()

        read_at = reader.get_by_role("link", name="Read at Harbour Gazette")
        expect(read_at).to_have_attribute("href", WEB_URL)
        expect(read_at).to_have_attribute("rel", re.compile(r"\bnoopener\b"))

    def test_reader_searches_and_sees_the_word_highlighted(self, reader, story):
        """Journey 4: the header's search box finds the article by a word of its body."""
        reader.goto("/")
        reader.get_by_role("searchbox", name="Search articles").fill("heliostat")
        reader.get_by_role("searchbox", name="Search articles").press("Enter")
        result = reader.locator(".search-results .story").filter(
            has=reader.get_by_role("link", name=EDITED_TITLE)
        )
        expect(result).to_have_count(1)
        expect(result.locator("mark").first).to_have_text(re.compile("heliostat", re.IGNORECASE))
        result.get_by_role("link", name=EDITED_TITLE).click()
        expect(reader).to_have_url(re.compile(re.escape(story["public_url"]) + "$"))

    def test_publisher_unpublishes_and_the_readers_reload_is_gone(self, new_context, story):
        """Journey 5: a reader who has the page open reloads after the withdrawal and gets a 404."""
        reader = new_context().new_page()
        assert reader.goto(story["public_url"]).status == 200
        assert reader.reload().status in (200, 304)  # the page is cached and revalidated now

        page = new_context(user="publisher").new_page()
        page.goto(story["admin_url"])
        page.get_by_role("link", name="Unpublish").click()
        page.get_by_role("button", name="Unpublish").click()
        expect(workflow(page).locator(".nr-status")).to_have_text("Unpublished")

        assert reader.reload().status == 404
        reader.goto("/")
        expect(reader.get_by_role("link", name=EDITED_TITLE)).to_have_count(0)


def schedule(page, go_live):
    """Take the Schedule step from the change form, with a go-live time (UTC) or none."""
    page.get_by_role("link", name="Schedule").click()
    date, time = page.locator("#id_go_live_at_0"), page.locator("#id_go_live_at_1")
    date.fill(go_live.strftime("%Y-%m-%d") if go_live else "")
    time.fill(go_live.strftime("%H:%M:%S") if go_live else "")
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator(".messagelist")).to_contain_text("Schedule: done")
    expect(workflow(page).locator(".nr-status")).to_have_text("Published")


def test_second_save_of_the_same_version_is_refused_and_keeps_the_typing(new_context, site):
    """Journey 3: two people edit one article; the later save names the first and keeps its text."""
    article_id = site.manage("shell", "--no-imports", "-c", MAKE_HAND_WRITTEN).strip()
    url = f"/admin/articles/article/{article_id}/change/"
    first = new_context(user="editor").new_page()
    second = new_context(user="editor2").new_page()
    first.goto(url)
    second.goto(url)

    first.get_by_label("Excerpt").fill("The first editor's excerpt.")
    first.get_by_role("button", name="Save and continue editing").click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    typed = "The second editor's excerpt, typed at the same time."
    second.get_by_label("Excerpt").fill(typed)
    second.get_by_role("button", name="Save and continue editing").click()
    expect(second.locator(".errornote, .errorlist").first).to_be_visible()
    expect(second.locator("#content-main")).to_contain_text("This article was changed by Eda Editor")
    expect(second.locator("#content-main")).to_contain_text("Your changes have not been saved")
    expect(second.get_by_label("Excerpt")).to_have_value(typed)

    first.reload()
    expect(first.get_by_label("Excerpt")).to_have_value("The first editor's excerpt.")


MAKE_HAND_WRITTEN = """
from django.contrib.auth.models import User
from django.utils import timezone
from articles import publishing
from articles.models import Article
from providers.models import Provider
article = Article(
    title="Ferry timetable changes for the winter", excerpt="Fewer crossings from November.",
    body="The last ferry leaves at 19:00.", web_url="https://harbour-gazette.example/ferry-winter",
    provider=Provider.objects.get(domain="ktla.com"), published_at=timezone.now(),
)
article.slug = Article.slug_for(article.title, article.web_url)
publishing.create(article, by=User.objects.get(username="editor"))
print(article.pk)
"""
