"""Second factors: enrolling an authenticator app, recovery codes, verifying, resetting.

Built on django-otp: a TOTP device per authenticator app (it refuses a code
already used, and slows down repeated wrong codes), and one static device
holding single-use recovery codes. Views and commands only call these.
"""

from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .models import AuditEvent

RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "Recovery codes"


def pending_totp(user):
    """The unconfirmed authenticator being enrolled, made on first call; its secret is shown once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def confirm_totp(device, token):
    """Confirm an enrolment with a code from the app; True when the code matched."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def new_recovery_codes(user):
    """Replace the user's recovery codes with fresh ones; returns them (shown once)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user, token):
    """The device (authenticator or recovery codes) that accepts ``token`` now, or None.

    Each device checks its own throttle and replay rules; a recovery code is
    deleted as it is accepted.
    """
    token = "".join((token or "").split())
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(token):
                return device
    return None


def reset_factors(user, *, by):
    """Remove every second factor of ``user`` (a lost phone): they enrol again at next sign-in."""
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    audit.record(AuditEvent.Kind.FACTORS_RESET, user=user, actor=by, detail=f"{removed} factor(s) removed")
    return removed
