"""Staff see where they are signed in and end any session; changes and idle time end sessions too."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from staff import sessions
from staff.models import AuditEvent, StaffSession

from .conftest import authenticator, sign_in

OVERVIEW = "/admin/security/"


def test_the_overview_lists_each_session_with_its_device_and_address(browser, editor):
    laptop = browser("198.51.100.7", agent="Firefox on the desk laptop")
    phone = browser("192.0.2.44", agent='<script>alert("phone")</script>')
    sign_in(laptop, editor.username)
    sign_in(phone, editor.username)
    html = laptop.get(OVERVIEW).content.decode()
    assert "Firefox on the desk laptop" in html and "198.51.100.7" in html
    assert "192.0.2.44" in html
    assert "&lt;script&gt;alert(&quot;phone&quot;)&lt;/script&gt;" in html and "<script>alert" not in html
    assert html.count("(this session)") == 1


def test_ending_another_session_signs_it_out_at_once(browser, editor):
    laptop, phone = browser(), browser("192.0.2.44")
    sign_in(laptop, editor.username)
    sign_in(phone, editor.username)
    other = StaffSession.objects.get(user=editor, address="192.0.2.44")
    response = laptop.post(f"/admin/security/sessions/{other.pk}/end/")
    assert response.status_code == 302
    assert phone.get("/admin/")["Location"].startswith("/admin/login/")
    assert laptop.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(user=editor, kind=AuditEvent.Kind.SESSION_ENDED).exists()


def test_no_one_ends_someone_elses_session(browser, editor, publisher):
    mine, theirs = browser(), browser()
    sign_in(mine, editor.username)
    sign_in(theirs, publisher.username)
    record = StaffSession.objects.get(user=publisher)
    assert mine.post(f"/admin/security/sessions/{record.pk}/end/").status_code == 404
    assert StaffSession.objects.get(pk=record.pk).ended_at is None


def test_changing_the_password_ends_the_other_sessions_only(browser, editor):
    laptop, phone = browser(), browser("192.0.2.44")
    sign_in(laptop, editor.username)
    sign_in(phone, editor.username)
    response = laptop.post("/admin/password_change/", {
        "old_password": "correct horse battery staple",
        "new_password1": "a brand new and long passphrase", "new_password2": "a brand new and long passphrase",
    })
    assert response.status_code == 302
    assert laptop.get("/admin/").status_code == 200
    assert phone.get("/admin/")["Location"].startswith("/admin/login/")
    assert AuditEvent.objects.filter(user=editor, kind=AuditEvent.Kind.PASSWORD_CHANGED).exists()


def test_a_common_password_is_refused(browser, editor):
    laptop = browser()
    sign_in(laptop, editor.username)
    response = laptop.post("/admin/password_change/", {
        "old_password": "correct horse battery staple",
        "new_password1": "password1234", "new_password2": "password1234",
    })
    assert response.context["form"].has_error("new_password2", "password_too_common")


def test_adding_a_factor_ends_the_other_sessions(browser, editor):
    laptop, phone = browser(), browser("192.0.2.44")
    sign_in(laptop, editor.username)
    sign_in(phone, editor.username)
    authenticator(editor)
    assert phone.get("/admin/")["Location"].startswith("/admin/login/")


def test_an_idle_session_ends(browser, editor, settings):
    laptop = browser()
    sign_in(laptop, editor.username)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS + 5)):
        assert laptop.get("/admin/")["Location"].startswith("/admin/login/")
    assert StaffSession.objects.get(user=editor).end_reason == "idle too long"


def test_a_busy_session_still_ends_at_its_maximum_age(browser, editor, settings):
    laptop = browser()
    sign_in(laptop, editor.username)
    start = timezone.now()
    end = start + timedelta(seconds=settings.STAFF_SESSION_MAX_AGE_SECONDS)
    step = timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS // 2)
    moment = start + step
    while moment < end:
        with time_machine.travel(moment, tick=False):
            assert laptop.get("/admin/").status_code == 200
        moment += step
    with time_machine.travel(end + timedelta(seconds=5), tick=False):
        assert laptop.get("/admin/")["Location"].startswith("/admin/login/")
    assert StaffSession.objects.get(user=editor).end_reason == "reached its maximum age"


def test_a_session_with_a_broken_record_id_signs_out_instead_of_failing(browser, editor):
    laptop = browser()
    sign_in(laptop, editor.username)
    session = laptop.session
    session[sessions.SESSION_KEY] = "not-a-uuid"
    session.save()
    assert laptop.get("/admin/")["Location"].startswith("/admin/login/")
    assert laptop.get("/").status_code == 200


def test_every_admin_page_links_to_the_sessions_page(client, editor):
    client.force_login(editor)
    assert f'href="{OVERVIEW}"' in client.get("/admin/").content.decode()
