"""A publisher's sign-in with two factors, in a real browser: enrol, sign in with a code, end a session.

The code is made in the test from the secret the enrolment page shows, as the
person's authenticator app would make it.
"""

import re

import pytest
from playwright.sync_api import expect

from .pages import enrol, totp_code


def password_step(page, site, username):
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(site.password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.incremental
class TestPublisherSignIn:
    def test_first_sign_in_requires_enrolment_before_the_admin_opens(self, new_context, site):
        page = new_context().new_page()
        password_step(page, site, "chief")
        expect(page).to_have_url(re.compile("/admin/security/enrol/"))
        # Nothing else in the admin opens before the factor is set up.
        page.goto("/admin/articles/article/")
        expect(page).to_have_url(re.compile("/admin/security/enrol/"))
        codes = enrol(page, "chief", site)
        assert len(set(codes)) == 10
        page.get_by_role("link", name="Continue").click()
        expect(page.locator("#user-tools")).to_contain_text("Chi", ignore_case=True)
        page.goto("/admin/articles/article/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("article")

    def test_a_later_sign_in_takes_a_code_from_the_app_and_refuses_a_wrong_one(self, new_context, site):
        page = new_context().new_page()
        password_step(page, site, "chief")
        expect(page).to_have_url(re.compile("/admin/security/verify/"))
        page.get_by_label("Code").fill("000000")
        page.get_by_role("button", name="Verify").click()
        expect(page.locator(".errorlist")).to_contain_text("not accepted")
        page.get_by_label("Code").fill(totp_code(site, "chief"))
        page.get_by_role("button", name="Verify").click()
        expect(page.locator("#user-tools")).to_contain_text("Chi", ignore_case=True)

    def test_the_publisher_ends_her_other_sessions_from_the_sessions_page(self, new_context, site):
        phone = new_context(user="chief").new_page()
        laptop = new_context(user="chief").new_page()
        laptop.goto("/admin/security/")
        rows = laptop.locator("#sessions tbody tr")
        expect(rows.filter(has_text="(this session)")).to_have_count(1)
        others = rows.filter(has_not_text="(this session)")
        while others.count():
            before = rows.count()
            others.first.get_by_role("button", name="End").click()
            expect(laptop.locator(".messagelist")).to_contain_text("The session was ended")
            expect(rows).to_have_count(before - 1)
        phone.goto("/admin/")
        expect(phone).to_have_url(re.compile("/admin/login/"))
        laptop.goto("/admin/")
        expect(laptop.locator("#user-tools")).to_contain_text("Chi", ignore_case=True)
