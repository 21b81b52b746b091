"""Our own journalism in a real browser: from a library picture to the pinned lead, and back to the formula.

An editor puts a picture into the media library and sets its focal point,
writes a house article in the Markdown editor (live preview, the picture
inserted from the library's chooser, a byline, the picture as its lead),
previews it and submits it. A publisher publishes it and pins it as the front
page's lead until a time a little ahead. A reader finds it as the lead, on its
author's page and in the author's feed; once the pin's time has passed, the
formula's lead is back, with no job run and no cache cleared; "Our reporting"
lists it and no outlet's article.
"""

import io
import re
import time
from datetime import UTC, datetime, timedelta

import feedparser
from PIL import Image as PILImage
from playwright.sync_api import expect

from .pages import workflow

TITLE = "Our reporters walk the new harbour wall"
AUTHOR = "Eda Editor"
AUTHOR_SLUG = "eda-editor"
PICTURE = "Harbour wall at low tide"
ALT = "A long stone wall with the sea on its left"
# The pin ends this far ahead: long enough for the reader's visits, short enough to wait for.
PIN_SECONDS = 45


def picture_file(tmp_path):
    """A PNG whose subject (a red square) sits in the top-left corner."""
    image = PILImage.new("RGB", (1600, 900), "#c8d8e8")
    image.paste((200, 30, 30), (80, 60, 480, 360))
    path = tmp_path / "harbour-wall.png"
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def front_lead(reader):
    reader.goto("/")
    return reader.locator(".lead__title").inner_text()


def test_a_house_article_from_the_library_to_the_pinned_lead_and_back(new_context, site, tmp_path):
    reader = new_context().new_page()
    formula_lead = front_lead(reader)
    assert formula_lead != TITLE

    # The editor puts a picture into the library, then clicks its subject for the focal point.
    editor = new_context(user="editor").new_page()
    editor.goto("/admin/media/picture/add/")
    editor.get_by_label("File").set_input_files(picture_file(tmp_path))
    editor.get_by_label("Title").fill(PICTURE)
    editor.get_by_label("Alt text").fill(ALT)
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    picture_id = re.search(r"/picture/(\d+)/change/", editor.url).group(1)
    subject = editor.locator("[data-focal-picker] img")
    box = subject.bounding_box()
    subject.click(position={"x": box["width"] * 0.18, "y": box["height"] * 0.23})
    focal_x = float(editor.get_by_label("Focal point x").input_value())
    focal_y = float(editor.get_by_label("Focal point y").input_value())
    assert 0.1 < focal_x < 0.25 and 0.15 < focal_y < 0.3, (focal_x, focal_y)
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(editor.get_by_label("Focal point x")).to_have_value(str(focal_x))

    # Their author profile, for the byline.
    editor.goto("/admin/authors/author/add/")
    editor.get_by_label("Name").press_sequentially(AUTHOR)
    expect(editor.get_by_label("Slug")).to_have_value(AUTHOR_SLUG)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")

    # The house article: no provider, no URL; Markdown with a live preview.
    editor.goto("/admin/articles/article/")
    editor.get_by_role("link", name="Add house article").click()
    expect(editor.get_by_label("Web URL")).to_have_count(0)
    editor.locator("#id_title").fill(TITLE)
    editor.get_by_label("Excerpt").fill("Two kilometres of stone, walked end to end at low tide.")
    body = editor.locator("textarea#id_body")
    body.fill("## At low tide\n\nThe wall runs **two kilometres** out to sea.\n\n")
    writer = editor.locator('.nr-writer[data-input="id_body"]')
    preview = writer.locator(".nr-writer-rendered")
    expect(preview.locator("h2")).to_have_text("At low tide")
    expect(preview.locator("strong")).to_have_text("two kilometres")

    # A picture from the library, through the chooser.
    body.press("End")
    with editor.expect_popup() as popup_info:
        writer.get_by_role("button", name="Picture").click()
    chooser = popup_info.value
    chooser.wait_for_load_state()
    chooser.get_by_role("searchbox").fill("harbour wall")
    chooser.get_by_role("searchbox").press("Enter")
    chooser.get_by_role("link", name="Choose").first.click()
    expect(body).to_have_value(re.compile(r"!\[A long stone wall"))
    expect(preview.locator("img")).to_have_attribute("alt", ALT)

    # The byline and the lead picture.
    byline = editor.locator("#bylines-group")
    byline.locator(".select2-selection").first.click()
    editor.locator(".select2-search__field").fill("Eda")
    editor.locator(".select2-results__option", has_text=AUTHOR).click()
    editor.locator("#images-group").get_by_role("button", name="Add another Image").click()
    editor.locator("#id_images-0-picture").fill(picture_id)
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    admin_url = editor.url

    # Preview as readers will see it: the byline links to the author, no "Read at".
    preview_url = editor.get_by_role("link", name="Preview as readers will see it").get_attribute("href")
    page = new_context(user="editor").new_page()
    page.goto(preview_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".byline").get_by_role("link", name=AUTHOR)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Read at"))).to_have_count(0)
    expect(page.locator(".article__body img")).to_have_attribute("alt", ALT)
    assert reader.goto(preview_url).status == 404

    editor.goto(admin_url)
    editor.get_by_role("link", name="Submit for review").click()
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".messagelist")).to_contain_text("Submit for review: done")

    # The publisher publishes it and pins it as the lead until a little ahead.
    publisher = new_context(user="publisher").new_page()
    publisher.goto(admin_url)
    publisher.get_by_role("link", name="Publish", exact=True).click()
    publisher.get_by_role("button", name="Publish", exact=True).click()
    expect(publisher.locator(".messagelist")).to_contain_text("Publish: done")
    expect(workflow(publisher)).to_contain_text("Live.")

    publisher.goto("/admin/curation/front/")
    publisher.get_by_role("link", name="Pin an article").click()
    publisher.locator(".field-article .select2-selection").click()
    publisher.locator(".select2-search__field").fill("harbour wall")
    publisher.locator(".select2-results__option", has_text=TITLE).click()
    ends = datetime.now(UTC) + timedelta(seconds=PIN_SECONDS)
    publisher.locator("#id_ends_at_0").fill(ends.strftime("%Y-%m-%d"))
    publisher.locator("#id_ends_at_1").fill(ends.strftime("%H:%M:%S"))
    publisher.get_by_role("button", name="Save", exact=True).click()
    expect(publisher.locator(".messagelist")).to_contain_text("was added successfully")
    publisher.goto("/admin/curation/front/")
    expect(publisher.locator("#content-main")).to_contain_text(TITLE)

    # The reader finds it as the lead (the page cache notwithstanding), with its byline and crop.
    assert front_lead(reader) == TITLE
    lead = reader.locator(".lead")
    expect(lead.get_by_role("link", name=AUTHOR)).to_be_visible()
    expect(lead.locator("img")).to_have_attribute("alt", ALT)
    lead.get_by_role("link", name=AUTHOR).click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text(AUTHOR)
    expect(reader.get_by_role("link", name=TITLE)).to_be_visible()
    feed_url = reader.locator(
        f'link[rel=alternate][type="application/rss+xml"][href*="/authors/{AUTHOR_SLUG}/"]'
    ).get_attribute("href")
    feed = feedparser.parse(reader.request.get(feed_url).body())
    assert [entry.title for entry in feed.entries] == [TITLE]

    # After the pin's end time the formula's lead is back, by itself.
    remaining = (ends - datetime.now(UTC)).total_seconds()
    time.sleep(max(0, remaining) + 1)
    assert front_lead(reader) == formula_lead
    reader.goto(f"/authors/{AUTHOR_SLUG}/")
    expect(reader.get_by_role("link", name=TITLE)).to_be_visible()
    # "Our reporting" lists only the house's own articles.
    reader.get_by_role("link", name="Our reporting").first.click()
    expect(reader.locator("main").get_by_role("link", name=TITLE)).to_be_visible()
    expect(reader.locator("main").get_by_role("link", name=formula_lead)).to_have_count(0)
