"""Two-factor sign-in: forced enrolment, TOTP codes (never twice), recovery codes (once each)."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import AuditEvent
from tests.articles.roles import make_user

from .conftest import authenticator, code, sign_in

ENROL = "/admin/security/enrol/"
VERIFY = "/admin/security/verify/"


def enrolment_secret(response):
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', response.content.decode())
    return secret.group(1).replace(" ", "")


def test_a_publisher_without_a_factor_is_taken_to_enrolment_and_nothing_else_opens(browser, publisher):
    person = browser()
    assert sign_in(person, publisher.username).status_code == 302
    for page in ("/admin/", "/admin/articles/article/", "/admin/auth/user/", "/admin/security/"):
        response = person.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(ENROL), page


def test_a_superuser_is_taken_to_enrolment_too(browser):
    admin = make_user("superuser")
    person = browser()
    sign_in(person, admin.username)
    assert person.get("/admin/")["Location"].startswith(ENROL)


def test_enrolling_with_a_code_from_the_shown_secret_opens_the_admin_and_gives_recovery_codes(browser, publisher):
    person = browser()
    sign_in(person, publisher.username)
    page = person.get(ENROL + "?next=/admin/articles/article/")
    device = TOTPDevice.objects.get(user=publisher, confirmed=False)
    assert enrolment_secret(page) == __import__("base64").b32encode(device.bin_key).decode()

    done = person.post(ENROL, {"code": code(device), "next": "/admin/articles/article/"})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert 'href="/admin/articles/article/"' in done.content.decode()
    assert person.get("/admin/articles/article/").status_code == 200
    assert AuditEvent.objects.filter(user=publisher, kind=AuditEvent.Kind.FACTOR_ADDED).count() == 2


def test_a_wrong_enrolment_code_keeps_the_admin_closed(browser, publisher):
    person = browser()
    sign_in(person, publisher.username)
    person.get(ENROL)
    response = person.post(ENROL, {"code": "000000"})
    assert response.context["form"].has_error("code", "invalid_code")
    assert person.get("/admin/")["Location"].startswith(ENROL)


def test_an_editor_signs_in_with_a_password_and_may_enrol(browser, editor):
    person = browser()
    sign_in(person, editor.username)
    assert person.get("/admin/").status_code == 200
    assert person.get(ENROL).status_code == 200


def test_which_groups_must_enrol_is_a_setting(browser, settings, editor, publisher):
    settings.STAFF_SECOND_FACTOR_GROUPS = ["Editors"]
    person, other = browser(), browser()
    sign_in(person, editor.username)
    assert person.get("/admin/")["Location"].startswith(ENROL)
    sign_in(other, publisher.username)
    assert other.get("/admin/").status_code == 200


def test_a_code_from_the_app_completes_sign_in(browser, publisher):
    device = authenticator(publisher)
    person = browser()
    sign_in(person, publisher.username)
    assert person.get("/admin/")["Location"].startswith(VERIFY)
    response = person.post(VERIFY, {"code": code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert person.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(user=publisher, kind=AuditEvent.Kind.SIGNED_IN).exists()


def test_a_code_is_refused_the_second_time_even_in_another_session(browser, publisher):
    device = authenticator(publisher)
    first, thief = browser(), browser("203.0.113.66")
    used = code(device)
    sign_in(first, publisher.username)
    assert first.post(VERIFY, {"code": used}).status_code == 302
    sign_in(thief, publisher.username)
    response = thief.post(VERIFY, {"code": used})
    assert response.context["form"].has_error("code", "invalid_code")
    assert thief.get("/admin/")["Location"].startswith(VERIFY)
    assert AuditEvent.objects.filter(user=publisher, kind=AuditEvent.Kind.SECOND_FACTOR_FAILED).count() == 1


def test_an_editor_who_enrolled_must_use_the_factor(browser, editor):
    authenticator(editor)
    person = browser()
    sign_in(person, editor.username)
    assert person.get("/admin/")["Location"].startswith(VERIFY)


def test_a_recovery_code_signs_in_once(browser, publisher):
    from staff import factors

    authenticator(publisher)
    recovery = factors.new_recovery_codes(publisher)[0]
    first, second = browser(), browser()
    sign_in(first, publisher.username)
    assert first.post(VERIFY, {"code": recovery}).status_code == 302
    assert first.get("/admin/").status_code == 200
    assert factors.recovery_codes_left(publisher) == 9
    assert AuditEvent.objects.filter(user=publisher, kind=AuditEvent.Kind.RECOVERY_CODE_USED).exists()

    sign_in(second, publisher.username)
    assert second.post(VERIFY, {"code": recovery}).context["form"].has_error("code", "invalid_code")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/admin/"])
def test_after_the_code_only_a_local_page_opens(browser, publisher, target):
    device = authenticator(publisher)
    person = browser()
    sign_in(person, publisher.username)
    response = person.post(VERIFY, {"code": code(device), "next": target})
    assert response["Location"] == "/admin/"


def test_public_pages_are_not_gated(browser, publisher, make_article):
    person = browser()
    sign_in(person, publisher.username)
    assert person.get(make_article().get_absolute_url()).status_code == 200
