"""Editing a live imported article in a real browser: the change waits, a publisher publishes it.

Then the issue's whole journey: the publisher compares before publishing; a
re-import with a changed source title keeps the editor's headline and flags
it; the history lists every version; restoring the first brings its headline
back once a publisher publishes the change.

Also checks that the change form, with its pending-changes notice, the
source's values beside the fields and the pictures, fits a laptop and a phone
without sideways scrolling.
"""

from playwright.sync_api import expect

from .pages import DATA, upload, workflow

SOURCE = (DATA / "heliostat.md").read_text()
TITLE = "Ferry company tests a tidal-powered crossing"
EDITED = "Ferry company switches on a tidal-powered crossing"
SOURCE_NEW = "Ferry company delays its tidal-powered crossing"
ARTICLE = (
    SOURCE.replace("Harbour town tests a heliostat desalination plant", TITLE)
    .replace("2025/03/heliostat-desalination", "2025/03/tidal-ferry")
    .replace("published: false", "published: true")
)
VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_editors_headline_waits_for_a_publisher_and_the_form_fits(new_context):
    editor = new_context(user="editor").new_page()
    upload(editor, "tidal-ferry.md", ARTICLE)
    editor.get_by_role("link", name="tidal-ferry.md").click()
    admin_url = editor.url
    public_url = editor.get_by_role("link", name="View on site").get_attribute("href")

    editor.get_by_label("Title").fill(EDITED)
    editor.get_by_role("button", name="Save as pending changes").click()
    expect(editor.locator(".messagelist")).to_contain_text("Saved as pending changes")

    reader = new_context().new_page()
    reader.goto(public_url)
    expect(reader.locator("h1")).to_have_text(TITLE)

    for viewport in VIEWPORTS:
        page = new_context(user="publisher", viewport=viewport).new_page()
        page.goto(admin_url)
        expect(workflow(page)).to_contain_text("Changes await review")
        expect(page.locator(".nr-source").first).to_contain_text(TITLE)
        assert fits(page), f"the change form scrolls sideways at {viewport['width']} px"

    history_url = admin_url.replace("/change/", "/history/")
    page.goto(history_url)
    page.get_by_role("link", name="Compare the pending version with the live one").click()
    headline = page.get_by_role("region", name="Headline")
    expect(headline.locator("ins")).to_contain_text("switches on")
    expect(headline.locator("del")).to_contain_text("tests")
    expect(page.get_by_role("region", name="Body (unchanged)")).to_be_visible()

    page.goto(admin_url)
    page.get_by_role("link", name="Publish changes").click()
    page.get_by_role("button", name="Publish changes").click()
    expect(page.locator(".messagelist")).to_contain_text("Publish changes: done")

    reader.goto(public_url)
    expect(reader.locator("h1")).to_have_text(EDITED)
    expect(reader.locator(".byline")).to_contain_text("Updated")

    # The outlet changes its headline: the editor's stays, flagged, the source's beside it.
    upload(editor, "tidal-ferry.md", ARTICLE.replace(TITLE, SOURCE_NEW))
    page.goto(admin_url)
    expect(page.get_by_label("Title")).to_have_value(EDITED)
    expect(page.locator("#content-main")).to_contain_text("Source changed since your edit")
    expect(page.locator("#content-main")).to_contain_text(SOURCE_NEW)
    reader.goto(public_url)
    expect(reader.locator("h1")).to_have_text(EDITED)

    # The history: the import, the editor's version (now live), the re-import.
    page.goto(history_url)
    expect(page.locator("input[name=b]")).to_have_count(3)

    # Restoring the first version waits for a publisher, then brings its headline back.
    page.locator(".nr-restore").last.click()
    page.get_by_role("button", name="Restore this version").click()
    expect(page.locator(".messagelist")).to_contain_text("done")
    reader.goto(public_url)
    expect(reader.locator("h1")).to_have_text(EDITED)
    page.goto(admin_url)
    page.get_by_role("link", name="Publish changes").click()
    page.get_by_role("button", name="Publish changes").click()
    reader.goto(public_url)
    expect(reader.locator("h1")).to_have_text(TITLE)
    page.goto(history_url)
    expect(page.locator("input[name=b]")).to_have_count(4)
