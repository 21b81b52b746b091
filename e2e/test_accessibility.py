"""axe-core audits of the pages people use most, in both colour schemes.

No violation of impact "serious" or "critical" is allowed: where axe finds
one, the site is fixed, not the check.
"""

import pytest

from .pages import assert_accessible

SCHEMES = ["light", "dark"]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_public_pages(new_context, scheme):
    page = new_context(color_scheme=scheme).new_page()
    page.goto("/")
    assert_accessible(page)

    page.locator(".lead__title a").click()
    page.wait_for_selector(".article__title")
    assert_accessible(page)

    page.get_by_role("navigation", name="Topics").get_by_role("link").first.click()
    page.wait_for_selector(".stories")
    assert_accessible(page)

    page.goto("/search/?q=privacy")
    page.wait_for_selector(".search-results mark")
    assert_accessible(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_admin_change_forms(new_context, scheme):
    page = new_context(user="editor", color_scheme=scheme).new_page()
    # An imported article (its content editable over the source's, workflow panel) ...
    page.goto("/admin/articles/article/")
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_selector(".nr-panel")
    assert_accessible(page)
    # ... and the form of a hand-written one, every field editable.
    page.goto("/admin/articles/article/add/")
    page.wait_for_selector("#article_form")
    assert_accessible(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_staff_security_pages(new_context, scheme):
    page = new_context(user="editor", color_scheme=scheme).new_page()
    page.goto("/admin/security/")
    page.wait_for_selector("#sessions")
    assert_accessible(page)
    page.goto("/admin/security/enrol/")
    page.wait_for_selector("#totp-secret")
    assert_accessible(page)
