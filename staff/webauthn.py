"""Passkeys and security keys (WebAuthn) as a second factor, through django-otp-webauthn.

Its own views do the ceremonies; the only change is that a completed
verification is written to the audit log, as a code is. Passwordless sign-in
is off (settings): a passkey is a second factor after the password, never a
way around the password and its lockout.
"""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views

from . import audit
from .models import AuditEvent


class CompleteVerification(views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        super().complete_auth(device)
        audit.record(AuditEvent.Kind.SIGNED_IN, request=self.request, user=device.user, detail=device.name)
        return device.user


# The names django-otp-webauthn's template tags reverse, with the audited view in place.
app_name = "otp_webauthn"
urlpatterns = [
    path("registration/begin/", views.BeginCredentialRegistrationView.as_view(),
         name="credential-registration-begin"),
    path("registration/complete/", views.CompleteCredentialRegistrationView.as_view(),
         name="credential-registration-complete"),
    path("authentication/begin/", views.BeginCredentialAuthenticationView.as_view(),
         name="credential-authentication-begin"),
    path("authentication/complete/", CompleteVerification.as_view(),
         name="credential-authentication-complete"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
