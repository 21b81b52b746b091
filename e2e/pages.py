"""What the journeys do on pages: sign in, find things, audit accessibility."""

import json
from pathlib import Path

from playwright.sync_api import expect

from .livesite import USERS

# A step that takes longer than this is hung, not slow.
ACTION_MS = 10_000
NAVIGATION_MS = 20_000
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
DATA = Path(__file__).parent / "data"


def sign_in(page, username, password):
    """Sign in to the admin as a person would, through the login form."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    first_name = USERS[username]["name"][0]
    expect(page.locator("#user-tools")).to_contain_text(first_name, ignore_case=True)
    return page


def serious_violations(page):
    """axe-core's violations of impact "serious" or "critical" on the page as it is now."""
    # Evaluated through the debugging protocol, so the site's CSP (script-src 'self') allows it
    # without the site ever serving axe.
    page.evaluate(AXE)
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def assert_accessible(page):
    violations = serious_violations(page)
    assert not violations, f"{page.url}:\n" + json.dumps(violations, indent=2, ensure_ascii=False)


def upload(page, name, text):
    """Import one article file through the admin's upload page; returns the report."""
    page.goto("/admin/articles/article/import/")
    page.get_by_label("Article files").set_input_files(
        {"name": name, "mimeType": "text/markdown", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Import").click()
    report = page.get_by_role("region", name="Report")
    expect(report).to_be_visible()
    return page.locator("#content-main")


def workflow(page):
    """The change form's workflow panel: status badge, visibility, step buttons."""
    return page.get_by_role("region", name="Workflow")
