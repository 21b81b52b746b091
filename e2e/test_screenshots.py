"""The README's screenshots: front page, an article and search, wide and narrow, light and dark.

Taken only with ``--screenshots-dir`` (``make screenshots``); ``make e2e`` skips them.
Pictures are hotlinked from the outlets, which the tests never reach: in the
screenshots a plain grey-blue placeholder stands in for each.
"""

import re
from pathlib import Path

import pytest
from PIL import Image

VIEWPORTS = {"wide": {"width": 1280, "height": 800}, "narrow": {"width": 390, "height": 844}}
SCHEMES = ["light", "dark"]
# The front page's lead article, and a search with many results.
SEARCH = "/search/?q=privacy"
PLACEHOLDER = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900">'
    '<linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="#8fa3b8"/>'
    '<stop offset="1" stop-color="#c9d3dc"/></linearGradient>'
    '<rect width="1600" height="900" fill="url(#g)"/></svg>'
)


@pytest.fixture
def screenshots_dir(request):
    folder = request.config.getoption("--screenshots-dir")
    if not folder:
        pytest.skip("screenshots are taken by make screenshots (--screenshots-dir)")
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", VIEWPORTS)
def test_screenshots(new_context, screenshots_dir, width, scheme):
    context = new_context(viewport=VIEWPORTS[width], color_scheme=scheme)
    context.route(
        re.compile(r"^https?://(?!127\.0\.0\.1[:/])"),
        lambda route: route.fulfill(content_type="image/svg+xml", body=PLACEHOLDER),
    )
    page = context.new_page()
    page.goto("/")
    article_url = page.locator(".lead__title a").get_attribute("href")
    for name, url in [("front", "/"), ("article", article_url), ("search", SEARCH)]:
        page.goto(url)
        path = screenshots_dir / f"{name}-{width}-{scheme}.png"
        page.screenshot(path=path, animations="disabled", caret="hide")
        shrink(path)


def shrink(path):
    """A 256-colour palette: a page of text loses nothing visible and the file a lot."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
