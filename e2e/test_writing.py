"""The body editor in a real browser: live preview, toolbar, a picture from a chooser, both layouts.

The media library's chooser is another helper's app; here a same-origin popup
stands in for it and sends the message the real one sends
(``newsroom:picture-chosen``), so the editor's side of the contract is what
is tested. Nothing is saved.
"""

import re

from playwright.sync_api import expect

# A sample article (fixtures/002_*.md), whose body starts with a heading; opened, never saved.
SAMPLE = "Caltech researchers unveil earthquake early-warning upgrade"
PICTURE = "![Mirrors at dawn](https://img.example.org/mirrors.jpg)"


def test_the_preview_follows_the_typing_and_the_toolbar_and_chooser_edit_the_text(new_context):
    context = new_context(user="editor", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    policy_errors = []
    page.on("console", lambda message: policy_errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto("/admin/articles/article/?q=Caltech+earthquake")
    page.get_by_role("link", name=re.compile(SAMPLE)).first.click()

    body = page.get_by_label("Body")
    editor = page.locator('.nr-writer[data-input="id_body"]')
    preview = editor.get_by_role("region", name="Preview")
    expect(preview.locator("h2").first).to_have_text("What changes for phone alerts")  # server-rendered
    toolbar = editor.get_by_role("group", name="Formatting")
    expect(toolbar).to_be_visible()
    expect(page.locator('button[name="_preview"][value="body"]')).to_be_hidden()  # the live preview replaces it

    # Typing: the preview, word count and reading time follow.
    body.fill("Mirrors boil seawater")
    expect(preview.locator(".nr-writer-rendered")).to_have_text("Mirrors boil seawater")
    expect(preview.locator(".nr-writer-stats")).to_have_text("3 words · 1 min read")

    # A toolbar button edits the selection.
    body.focus()
    page.keyboard.press("Control+A")
    toolbar.get_by_role("button", name="Bold").click()
    expect(body).to_have_value("**Mirrors boil seawater**")
    expect(preview.locator("strong")).to_have_text("Mirrors boil seawater")
    page.keyboard.press("End")
    page.keyboard.type("\n\nHow it works")
    toolbar.get_by_role("button", name="Heading").click()
    expect(preview.locator("h2")).to_have_text("How it works")
    toolbar.get_by_role("button", name="Heading").click()  # a second press takes it off
    expect(body).to_have_value("**Mirrors boil seawater**\n\nHow it works")
    toolbar.get_by_role("button", name="Heading").focus()
    page.keyboard.press("Enter")  # the keyboard works the toolbar too
    expect(body).to_have_value("**Mirrors boil seawater**\n\n## How it works")

    # A picture chosen in the (stand-in) chooser lands at the cursor, after a message of
    # another kind was ignored.
    page.keyboard.press("Control+End")
    with context.expect_page() as opened:
        page.evaluate("window.open('/admin/', 'newsroom-picture-chooser', 'width=600,height=500')")
    chooser = opened.value
    chooser.wait_for_load_state()
    chooser.evaluate(
        """markdown => {
            window.opener.postMessage({type: 'something-else', markdown: 'WRONG'}, window.location.origin);
            window.opener.postMessage({type: 'newsroom:picture-chosen', id: 7, url: 'https://img.example.org/mirrors.jpg',
                                       alt: 'Mirrors at dawn', title: '', caption: '', markdown}, window.location.origin);
        }""",
        PICTURE,
    )
    expect(body).to_have_value(f"**Mirrors boil seawater**\n\n## How it works\n\n{PICTURE}\n\n")
    expect(preview.locator("img")).to_have_attribute("alt", "Mirrors at dawn")
    chooser.close()

    # Side by side on a laptop, stacked on a phone, never wider than the screen.
    source_box, preview_box = body.bounding_box(), preview.bounding_box()
    assert preview_box["x"] >= source_box["x"] + source_box["width"], "not side by side at 1280 px"
    page.set_viewport_size({"width": 390, "height": 844})
    source_box, preview_box = body.bounding_box(), preview.bounding_box()
    assert preview_box["y"] >= source_box["y"] + source_box["height"], "not stacked at 390 px"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not policy_errors, policy_errors
