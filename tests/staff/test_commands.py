"""reset_factors: the person who lost a phone enrols again; the reset is audited."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp import user_has_device

from staff import factors
from staff.models import AuditEvent, StaffSession

from .conftest import authenticator, sign_in


def reset(*args):
    out = StringIO()
    call_command("reset_factors", *args, stdout=out)
    return out.getvalue()


def test_a_reset_removes_every_factor_ends_the_sessions_and_is_audited(browser, publisher):
    authenticator(publisher)
    factors.new_recovery_codes(publisher)
    person = browser()
    sign_in(person, publisher.username)

    output = reset(publisher.username, "--by", "desk chief, ticket 4711")
    assert "Removed 2 factor(s)" in output
    assert not user_has_device(publisher, confirmed=None)
    assert not StaffSession.objects.active().filter(user=publisher).exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FACTORS_RESET)
    assert (event.user, event.actor) == (publisher, "desk chief, ticket 4711")

    again = browser()
    sign_in(again, publisher.username)
    assert again.get("/admin/")["Location"].startswith("/admin/security/enrol/")


def test_a_dry_run_changes_nothing(publisher):
    authenticator(publisher)
    assert "Would remove 1 factor(s)" in reset(publisher.username, "--by", "me", "--dry-run")
    assert user_has_device(publisher)
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.FACTORS_RESET).exists()


def test_an_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="No user named"):
        reset("nobody", "--by", "me")
