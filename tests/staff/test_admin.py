"""The security audit log: superusers read it in the admin, nobody edits it."""

from django.urls import reverse

from staff.models import AuditEvent
from tests.articles.roles import make_user

from .conftest import sign_in

HOSTILE = '<img src=x onerror="alert(1)">'


def test_superusers_read_the_audit_log_with_hostile_user_names_escaped(browser, client):
    sign_in(browser("192.0.2.9"), HOSTILE, "guess")
    client.force_login(make_user("superuser"))
    html = client.get(reverse("admin:staff_auditevent_changelist")).content.decode()
    assert "Sign-in failed" in html and "192.0.2.9" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert HOSTILE not in html


def test_publishers_do_not_see_the_audit_log(client, publisher):
    client.force_login(publisher)
    assert client.get(reverse("admin:staff_auditevent_changelist")).status_code == 403


def test_nobody_edits_or_deletes_the_log(client, browser, editor):
    sign_in(browser(), editor.username, "guess")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_FAILED)
    client.force_login(make_user("superuser"))
    assert client.get(reverse("admin:staff_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:staff_auditevent_delete", args=[event.pk])).status_code == 403
    client.post(reverse("admin:staff_auditevent_change", args=[event.pk]), {"detail": "tampered"})
    event.refresh_from_db()
    assert event.detail == ""
