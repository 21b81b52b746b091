"""Passkeys and security keys (WebAuthn) count as a second factor, and are offered where codes are."""

from django_otp_webauthn.models import WebAuthnCredential

from staff.models import AuditEvent

from .conftest import sign_in


def passkey(user):
    return WebAuthnCredential.objects.create(
        user=user, name="Security key", confirmed=True, credential_id=b"\x01" * 16, public_key=b"\x02" * 32,
    )


def test_a_passkey_is_a_second_factor_offered_after_the_password(browser, publisher):
    passkey(publisher)
    person = browser()
    sign_in(person, publisher.username)
    response = person.get("/admin/")
    assert response["Location"].startswith("/admin/security/verify/")
    page = person.get(response["Location"]).content.decode()
    assert 'id="passkey-verification-button"' in page
    # The page's script can start the ceremony before the admin opens.
    begin = person.post("/admin/security/webauthn/authentication/begin/")
    assert begin.status_code == 200 and "challenge" in begin.json()


def test_adding_and_removing_a_passkey_is_audited(publisher):
    key = passkey(publisher)
    key.delete()
    kinds = list(AuditEvent.objects.filter(user=publisher).values_list("kind", flat=True))
    assert AuditEvent.Kind.FACTOR_ADDED in kinds and AuditEvent.Kind.FACTOR_REMOVED in kinds


def test_a_passkey_cannot_sign_in_without_the_password(browser, publisher):
    passkey(publisher)
    begin = browser().post("/admin/security/webauthn/authentication/begin/")
    assert begin.status_code in (401, 403)
