"""Receivers that keep the audit log and the session records in step with what happens.

Sign-ins, failures and lockouts come from Django's and axes' signals; factor
and password changes from the models' own saves, so a change made anywhere
(views, admin, shell, commands) is logged and ends the user's other sessions.
"""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import audit, sessions
from .models import AuditEvent
from .policy import second_factor_expected

User = get_user_model()
FACTORS = (TOTPDevice, StaticDevice, WebAuthnCredential)


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    sessions.start(request, user)
    # With a second factor to come, the sign-in is only complete once it is verified.
    expected = second_factor_expected(user) and not getattr(user, "otp_device", None)
    kind = AuditEvent.Kind.PASSWORD_ACCEPTED if expected else AuditEvent.Kind.SIGNED_IN
    audit.record(kind, request=request, user=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    record = sessions.record_of(request.session) if request is not None else None
    if record is not None:
        sessions.end(record, "signed out", request=request)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    audit.record(AuditEvent.Kind.SIGN_IN_FAILED, request=request, username=username)


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit.record(AuditEvent.Kind.LOCKED_OUT, request=request, username=username or "")


@receiver(post_delete, sender=AccessAttempt)
def _lockout_cleared(sender, instance, **kwargs):
    audit.record(
        AuditEvent.Kind.LOCKOUT_CLEARED, username=instance.username,
        detail=f"{instance.failures_since_start} failure(s) from {instance.ip_address} forgotten",
    )


@receiver(post_save)
def _factor_saved(sender, instance, created, update_fields=None, **kwargs):
    if sender not in FACTORS or not instance.confirmed:
        return
    # A confirmation (created confirmed, or confirmed now) adds a factor; other saves
    # (last use, throttling) are routine.
    if created or (update_fields and "confirmed" in update_fields):
        audit.record(AuditEvent.Kind.FACTOR_ADDED, user=instance.user, detail=f"{instance.name}")
        sessions.end_others(instance.user, "second factor added")


@receiver(post_delete)
def _factor_deleted(sender, instance, **kwargs):
    if sender not in FACTORS or not instance.confirmed:
        return
    user = User.objects.filter(pk=instance.user_id).first()
    if user is None:
        return
    audit.record(AuditEvent.Kind.FACTOR_REMOVED, user=user, detail=f"{instance.name}")
    sessions.end_others(user, "second factor removed")


@receiver(pre_save, sender=User)
def _password_changing(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._staff_password_changed = old is not None and old != instance.password


@receiver(post_save, sender=User)
def _password_changed(sender, instance, created, **kwargs):
    if getattr(instance, "_staff_password_changed", False):
        instance._staff_password_changed = False
        audit.record(AuditEvent.Kind.PASSWORD_CHANGED, user=instance)
        sessions.end_others(instance, "password changed")

