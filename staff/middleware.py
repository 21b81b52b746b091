"""Two gates on every signed-in request: a live staff session, then the second factor."""

from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from . import sessions
from .policy import second_factor_expected


class StaffSessionMiddleware:
    """Sign out a session its owner ended, or that is idle or too old (staff/sessions.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Set for this request only: a thread serves many people in turn.
        token = sessions.current.set(None)
        try:
            if request.user.is_authenticated:
                record = sessions.check(request)
                if record is None:
                    logout(request)
                else:
                    sessions.current.set(record.pk)
            return self.get_response(request)
        finally:
            sessions.current.reset(token)


class SecondFactorMiddleware:
    """No admin page opens for a password-only session that needs a second factor.

    Such a user is sent to verify a code (when they have a factor) or to enrol
    one (when they must have one and do not yet); only signing in, signing out
    and those two pages answer until then.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin = None

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff and not user.is_verified():
            if request.path.startswith(self.admin_prefix) and not self._open(request.path):
                if second_factor_expected(user):
                    step = "staff:verify" if user_has_device(user) else "staff:enrol"
                    target = reverse(step) + "?" + urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(target)
        return self.get_response(request)

    @property
    def admin_prefix(self):
        if self._admin is None:
            self._admin = reverse("admin:index")
        return self._admin

    def _open(self, path):
        # The passkey ceremonies (JSON endpoints the verify and enrol pages call) included.
        return path.startswith(reverse("otp_webauthn:js-i18n-catalog").removesuffix("jsi18n/")) or path in {
            reverse("admin:login"), reverse("admin:logout"), reverse("staff:verify"), reverse("staff:enrol"),
        }
