"""Every admin page a desk uses fits a laptop and a phone, and runs without script errors.

The superuser tours the pages once; each page is loaded once and measured at
1280 x 800 and at 390 x 844. A page wider than the window makes the whole page
scroll sideways, which hides the columns and buttons at its right edge: the
fix is in static/admin-newsroom.css, not here. Every problem of the tour is
reported together.
"""

import json

import pytest
from playwright.sync_api import expect

VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]

# A hand-written article (every inline row editable) with the long values a desk meets.
_DESK_DATA = """
import json
from django.contrib.auth.models import User
from django.utils import timezone
from articles import publishing, sharing
from articles.models import Article, Image, ImportRun, Related, Topic, Transition
from ingest.models import ApiToken
from providers.models import Provider
from stories.models import Story

admin = User.objects.get(username="admin")
provider = Provider.objects.order_by("pk").first()
article = Article(
    title="Desk tour: a hand-written article whose headline is long enough to wrap over several lines "
          "of the list and the change form, as real headlines do",
    web_url="https://desk.example/2025/05/a-hand-written-article-with-a-long-address-" + "x" * 80,
    provider=provider, published_at=timezone.now(), excerpt="An excerpt.", body="A body.",
)
article.slug = Article.slug_for(article.title, article.web_url)
publishing.create(article, by=admin)
for position in range(3):
    Image.objects.create(
        article=article, position=position,
        url=f"https://images.desk.example/{'very-long-folder-name/' * 6}{position}.jpg",
        width=1600, height=900, title="A caption that runs on, as captions do, for a line or two " * 2,
        attribution="Photographer Name / Agency Name",
    )
    Related.objects.create(
        article=article, position=position, title=f"A related report number {position} with a long title",
        web_url=f"https://elsewhere.example/{'path/' * 20}{position}", provider_name="Elsewhere",
        published_at=timezone.now(),
    )
sharing.create_link(article, by=admin, expires_at=timezone.now() + timezone.timedelta(days=1))
token = ApiToken(name="Desk tour: a partner's content system with a long name, as they have", provider=provider,
                 scope_read=True, created_by=admin)
token.issue()
token.save()
imported = Article.objects.exclude(source_hash="").exclude(source_hash=None).order_by("pk").first()
story = Story.objects.order_by("pk").first()
# The Tasks page: a failed task with long arguments and a long error, as a bad feed gives.
from django_tasks_db.models import DBTaskResult
failed = DBTaskResult.objects.create(
    task_path="tests.tasks.jobs.needs_file", backend_name="default",
    args_kwargs={"args": ["/srv/feeds/" + "a-long-folder-name/" * 12], "kwargs": {"token": "hidden"}},
)
try:
    raise FileNotFoundError("/srv/feeds/" + "a-long-folder-name/" * 12 + " is missing")
except FileNotFoundError as error:
    failed.set_failed(error)
print(json.dumps({
    "article": article.pk, "imported": imported.pk, "provider": provider.pk,
    "story": story.pk if story else None, "run": ImportRun.objects.order_by("pk").first().pk,
    "topic": Topic.objects.order_by("pk").first().pk, "transition": Transition.objects.order_by("pk").first().pk,
    "user": admin.pk, "token": token.pk, "task": str(failed.id),
}))
"""


@pytest.fixture(scope="module")
def desk(site):
    out = site.manage("shell", "--no-imports", "-c", _DESK_DATA)
    return json.loads(out.strip().splitlines()[-1])


def admin_pages(ids):
    article, imported = f"/admin/articles/article/{ids['article']}", f"/admin/articles/article/{ids['imported']}"
    pages = [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/?published_at__year=2025",
        f"{article}/change/",
        f"{imported}/change/",
        "/admin/articles/article/add/",
        "/admin/articles/article/import/",
        f"{article}/share/",
        f"{article}/history/",
        f"{imported}/history/",
        "/admin/articles/transition/",
        f"/admin/articles/transition/{ids['transition']}/change/",
        "/admin/articles/importrun/",
        f"/admin/articles/importrun/{ids['run']}/change/",
        f"/admin/articles/article/import/{ids['run']}/",
        "/admin/articles/correction/",
        "/admin/articles/sharelink/",
        "/admin/articles/topic/",
        f"/admin/articles/topic/{ids['topic']}/change/",
        "/admin/providers/provider/",
        f"/admin/providers/provider/{ids['provider']}/change/",
        f"/admin/providers/provider/{ids['provider']}/history/",
        "/admin/stories/story/",
        "/admin/stories/membership/",
        "/admin/staff/auditevent/",
        "/admin/auth/user/",
        f"/admin/auth/user/{ids['user']}/change/",
        "/admin/security/",
        "/admin/ingest/apitoken/",
        "/admin/ingest/apitoken/add/",
        f"/admin/ingest/apitoken/{ids['token']}/change/",
        "/admin/tasks/task/",
        f"/admin/tasks/task/{ids['task']}/change/",
    ]
    if ids["story"]:
        pages.append(f"/admin/stories/story/{ids['story']}/change/")
    return pages


SCROLLED_BOXES = """() => [...document.querySelectorAll('#content *')]
    .filter(el => !['TEXTAREA', 'SELECT', 'INPUT', 'PRE'].includes(el.tagName))
    .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
    .filter(el => el.scrollWidth > el.clientWidth + 1)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : '')
         + ' ' + el.scrollWidth + '/' + el.clientWidth + ' px')"""


class Tour:
    """One signed-in page, measured at each viewport; problems are collected, not raised."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        self.console_errors = []
        page.on("console", self._on_console)

    def _on_console(self, message):
        # Pictures hotlinked from outlets are refused by the test browser (conftest): not the page's fault.
        if message.type == "error" and "ERR_BLOCKED_BY_CLIENT" not in message.text:
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        self.measure()

    def measure(self):
        for viewport in VIEWPORTS:
            self.page.set_viewport_size(viewport)
            widths = self.page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if widths[0] > widths[1] + 1:
                self.problems.append(
                    f"{self.page.url} at {viewport['width']} px: {widths[0]} px wide ({self.widest()})"
                )
        self.page.set_viewport_size(VIEWPORTS[0])
        # On a laptop nothing may hide in a box that scrolls sideways either (Django puts the
        # list's table in one): the last columns would be out of sight all the same.
        for box in self.page.evaluate(SCROLLED_BOXES):
            self.problems.append(f"{self.page.url} at 1280 px: {box} scrolls sideways")

    def widest(self):
        """The deepest element sticking out of the window: where to look first."""
        return self.page.evaluate("""() => {
            const out = [...document.querySelectorAll('body *')].filter(
                el => el.getBoundingClientRect().right > window.innerWidth + 1);
            const leaf = out.filter(el => !out.some(other => other !== el && el.contains(other)));
            return leaf.slice(0, 3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                + ' ' + Math.round(el.getBoundingClientRect().right) + 'px').join(', ');
        }""")


def test_every_desk_page_fits_laptop_and_phone_without_script_errors(new_context, desk):
    page = new_context(user="admin", viewport=VIEWPORTS[0]).new_page()
    tour = Tour(page)
    for url in admin_pages(desk):
        tour.visit(url)

    # The step pages the change form offers (schedule, embargo, kill...).
    page.goto(f"/admin/articles/article/{desk['article']}/change/")
    steps = page.locator(".nr-steps a[href*='/step/']")
    expect(steps.first).to_be_visible()
    for href in steps.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        tour.visit(href)

    # A bulk step's confirmation page, reached as a desk does: tick a row, pick the action, Go.
    page.goto("/admin/articles/article/")
    page.locator("#result_list tbody input.action-select").first.check()
    page.locator("select[name=action]").select_option("kill_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kill")
    tour.measure()

    # Merging providers asks which to keep first.
    page.goto("/admin/providers/provider/")
    for box in page.locator("#result_list tbody input.action-select").all()[:2]:
        box.check()
    page.locator("select[name=action]").select_option("merge_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Merge providers")
    tour.measure()

    # The page that shows a new API token once (the answer to the add form, never a GET).
    page.goto("/admin/ingest/apitoken/add/")
    page.locator("input[name=name]").fill("Layout check: a partner system with a rather long name")
    page.locator("input[name=_save]").click()
    expect(page.locator("#api-token")).to_contain_text("nr_")
    tour.measure()

    assert not tour.problems + tour.console_errors, "\n".join(tour.problems + tour.console_errors)
