from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff accounts: second factors, lockout, sessions and the security audit log."""

    name = "staff"
    verbose_name = "Staff security"

    def ready(self):
        from . import signals  # noqa: F401  (connects the audit and session receivers)
