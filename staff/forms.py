"""The admin's sign-in form with the per-user lockout, and the second-factor code form."""

import math

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from newsroom.clients import client_address

from . import lockout


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Refuses a user name under attack from addresses it has never signed in from.

    The per-address-pair lockout is django-axes' (its backend refuses, its
    middleware answers with the lockout page); this adds the per-user limit.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked_out": (
            "Too many failed sign-in attempts for this account. For your security, sign-in from "
            "this address is paused: try again in %(minutes)s minutes, from an address you have "
            "signed in from before, or ask a publisher to clear the lockout."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if lockout.user_locked_out(username, client_address(self.request)):
            raise ValidationError(
                self.error_messages["locked_out"], code="locked_out",
                params={"minutes": math.ceil(settings.LOGIN_LOCKOUT_SECONDS / 60)},
            )
        return super().clean()


class CodeForm(forms.Form):
    """A code from an authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code", max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )
