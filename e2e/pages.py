"""What the journeys do on pages: sign in, find things, audit accessibility."""

import json
import time
from base64 import b32decode
from pathlib import Path

from django_otp.oath import TOTP
from playwright.sync_api import expect

from .livesite import USERS

# A step that takes longer than this is hung, not slow.
ACTION_MS = 10_000
NAVIGATION_MS = 20_000
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
DATA = Path(__file__).parent / "data"


def sign_in(page, username, site):
    """Sign in to the admin as a person would: the login form, then the second factor if asked.

    A person without one who must have one (publishers) is sent to enrolment on
    the first sign-in: the secret shown there goes to ``site.totp_secrets``, as
    it would go into the person's phone, and later sign-ins use codes made from it.
    """
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(site.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if "/admin/security/enrol/" in page.url:
        enrol(page, username, site)
        page.get_by_role("link", name="Continue").click()
    elif "/admin/security/verify/" in page.url:
        page.get_by_label("Code").fill(totp_code(site, username))
        page.get_by_role("button", name="Verify").click()
    first_name = USERS[username]["name"][0]
    expect(page.locator("#user-tools")).to_contain_text(first_name, ignore_case=True)
    return page


def enrol(page, username, site):
    """Set up the authenticator from the secret on the enrolment page; returns the recovery codes."""
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    site.totp_secrets[username] = secret
    page.get_by_label("Code").fill(totp_code(site, username))
    page.get_by_role("button", name="Confirm").click()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    return codes.all_inner_texts()


def totp_code(site, username, step=30):
    """The code the person's authenticator app shows now, from the secret it was set up with.

    The site refuses a code twice (replay), so a second sign-in within the same
    30 s uses the next step's code, which the site accepts one step early, and
    waits for the clock only when even that one is spent.
    """
    totp = TOTP(b32decode(site.totp_secrets[username]), step=step)
    now = totp.t()
    used = site.totp_steps.get(username, -1)
    t = max(now, used + 1)
    if t > now + 1:
        time.sleep((t - 1) * step - time.time() + 0.5)
    site.totp_steps[username] = t
    totp.time = t * step + 1
    return f"{totp.token():06d}"


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
