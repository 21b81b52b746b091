"""Browser tests: Debian's Chromium, driven by Playwright, against a throwaway site.

Run with ``make e2e`` (``pytest e2e -n 0``): one live site and one browser are
shared by the whole session; every test gets fresh browser contexts (cookie
jars), each of which fails its test if the page opens a dialog or throws.
Requests anywhere but the site are refused in the browser: the tests must not
depend on (or reach) the outside world, and pictures hotlinked from the outlets
simply do not load.
"""

import signal
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from .livesite import LiveSite
from .pages import ACTION_MS, NAVIGATION_MS, sign_in

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling Google's
# services, which a closed network refuses (and a test must not wait on).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

expect.set_options(timeout=ACTION_MS)


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots-dir", default=None,
        help="Write the README's screenshots here (make screenshots); without it they are skipped.",
    )


def pytest_configure(config):
    # make e2e's outer timeout ends the run with SIGTERM: end it like Ctrl-C, so the
    # fixtures still stop the server and the browser instead of leaving them running.
    signal.signal(signal.SIGTERM, _interrupt)
    config.addinivalue_line("markers", "incremental: steps of one journey; after a failure the rest are skipped")


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")


# The journey of one article is a sequence of tests (pytest's "incremental" recipe):
# once a step fails, the later ones would only fail for the same reason.
def pytest_runtest_makereport(item, call):
    if "incremental" in item.keywords and call.excinfo is not None and call.when == "call":
        item.parent._failed_step = item


def pytest_runtest_setup(item):
    failed = getattr(item.parent, "_failed_step", None)
    if "incremental" in item.keywords and failed is not None:
        pytest.skip(f"an earlier step failed ({failed.name})")


@pytest.fixture(scope="session")
def site():
    with tempfile.TemporaryDirectory(prefix="newsroom-e2e-") as folder:
        live = LiveSite(Path(folder)).start()
        try:
            yield live
        finally:
            live.stop()
            print(f"\n--- server log (last lines) ---\n{live.log_tail()}")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=NAVIGATION_MS
        )
        yield chromium
        chromium.close()


class Watched:
    """What a browser context did that a test may want to refuse: dialogs, errors, requests."""

    def __init__(self):
        self.dialogs = []
        self.page_errors = []
        self.requests = []
        self.blocked = []


@pytest.fixture
def new_context(site, browser):
    """Make browser contexts (separate people) for this test; each is checked and closed after it.

    ``new_context(user="editor", **options)`` signs the person in first.
    """
    made = []

    def make(user=None, **options):
        context = browser.new_context(base_url=site.url, **options)
        context.set_default_timeout(ACTION_MS)
        context.set_default_navigation_timeout(NAVIGATION_MS)
        watched = Watched()
        context.watched = watched

        def on_dialog(dialog):
            watched.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def on_page(page):
            page.on("pageerror", lambda error: watched.page_errors.append(f"{page.url}: {error}"))

        def route(route):
            if urlsplit(route.request.url).netloc == urlsplit(site.url).netloc:
                route.continue_()
            else:
                watched.blocked.append(route.request.url)
                route.abort("blockedbyclient")

        context.on("dialog", on_dialog)
        context.on("page", on_page)
        context.on("request", lambda request: watched.requests.append(request.url))
        context.route("**/*", route)
        made.append(context)
        if user is not None:
            sign_in(context.new_page(), user, site)
        return context

    yield make
    problems = []
    for context in made:
        problems += [f"dialog opened: {text}" for text in context.watched.dialogs]
        problems += [f"script error: {text}" for text in context.watched.page_errors]
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def reader(new_context):
    """An anonymous reader's page."""
    return new_context().new_page()
