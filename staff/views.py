"""Staff security pages in the admin: verify a code, enrol an authenticator, manage factors and sessions."""

from base64 import b32encode

import segno
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import audit, factors, sessions
from .forms import CodeForm
from .models import AuditEvent, StaffSession
from .policy import second_factor_required


def _next(request):
    """Where to go after this step: a local path from ``next``, or the admin's index."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _page(request, template, title, **context):
    return render(request, template, {**admin.site.each_context(request), "title": title, **context})


@never_cache
@sensitive_post_parameters("code")
@staff_member_required
def verify(request):
    """Second step of signing in: a code from the authenticator app, or a recovery code."""
    next_url = _next(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not user_has_device(request.user):
        return redirect(reverse("staff:enrol") + "?" + urlencode({"next": next_url}))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = factors.verify(request.user, form.cleaned_data["code"])
        if device is None:
            audit.record(AuditEvent.Kind.SECOND_FACTOR_FAILED, request=request, user=request.user)
            form.add_error("code", ValidationError(
                "That code was not accepted. Codes can be used once; after several wrong ones, "
                "wait a little before the next try.", code="invalid_code",
            ))
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = factors.recovery_codes_left(request.user)
                audit.record(AuditEvent.Kind.RECOVERY_CODE_USED, request=request, user=request.user,
                             detail=f"{left} left")
                messages.warning(request, f"You signed in with a recovery code; {left} left.")
            audit.record(AuditEvent.Kind.SIGNED_IN, request=request, user=request.user, detail=device.name)
            return redirect(next_url)
    return _page(
        request, "staff/verify.html", "Enter your sign-in code", form=form, next=next_url,
        has_passkey=WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists(),
    )


@never_cache
@sensitive_post_parameters("code")
@staff_member_required
def enrol(request):
    """Set up an authenticator app: show its secret, confirm it with a code, then give recovery codes."""
    next_url = _next(request)
    device = factors.pending_totp(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if factors.confirm_totp(device, form.cleaned_data["code"]):
            completes_sign_in = not request.user.is_verified()
            device.refresh_from_db()
            otp_login(request, device)
            if completes_sign_in:
                audit.record(AuditEvent.Kind.SIGNED_IN, request=request, user=request.user, detail=device.name)
            codes = factors.new_recovery_codes(request.user) if not factors.recovery_codes_left(request.user) else []
            return _page(request, "staff/recovery_codes.html", "Your recovery codes", codes=codes, next=next_url)
        form.add_error("code", ValidationError(
            "That code does not match. Check the app shows the account just added, and try the current code.",
            code="invalid_code",
        ))
    secret = b32encode(device.bin_key).decode()
    return _page(
        request, "staff/enrol.html", "Set up your authenticator app", form=form, next=next_url,
        secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        qr=segno.make(device.config_url, error="m").svg_data_uri(scale=4),
        required=second_factor_required(request.user),
    )


@never_cache
@staff_member_required
def overview(request):
    """The signed-in person's factors and sessions."""
    user = request.user
    current = sessions.record_of(request.session)
    return _page(
        request, "staff/overview.html", "Your sign-in and sessions",
        authenticators=TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at"),
        passkeys=WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"),
        recovery_codes_left=factors.recovery_codes_left(user),
        required=second_factor_required(user),
        sessions=StaffSession.objects.active().filter(user=user),
        current=current.pk if current else None,
    )


@never_cache
@require_POST
@staff_member_required
def recovery_codes(request):
    """Replace the recovery codes (the old ones stop working) and show the new ones once."""
    if not user_has_device(request.user):
        return redirect("staff:enrol")
    codes = factors.new_recovery_codes(request.user)
    return _page(request, "staff/recovery_codes.html", "Your recovery codes", codes=codes,
                 next=reverse("staff:overview"))


@require_POST
@staff_member_required
def remove_authenticator(request, pk):
    device = get_object_or_404(TOTPDevice, pk=pk, user=request.user, confirmed=True)
    device.delete()
    messages.success(request, "The authenticator app was removed.")
    return redirect("staff:overview")


@require_POST
@staff_member_required
def remove_passkey(request, pk):
    get_object_or_404(WebAuthnCredential, pk=pk, user=request.user).delete()
    messages.success(request, "The passkey was removed.")
    return redirect("staff:overview")


@require_POST
@staff_member_required
def end_session(request, pk):
    """End one of the person's sessions; ending this one signs out."""
    record = get_object_or_404(StaffSession.objects.active(), pk=pk, user=request.user)
    sessions.end(record, "ended by its owner", request=request)
    current = sessions.record_of(request.session)
    if current is not None and current.pk == record.pk:
        logout(request)
        return redirect("admin:login")
    messages.success(request, "The session was ended.")
    return redirect("staff:overview")
