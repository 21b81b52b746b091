"""Who must sign in with a second factor."""

from django.conf import settings
from django_otp import user_has_device


def second_factor_required(user):
    """Superusers, and members of ``STAFF_SECOND_FACTOR_GROUPS`` (Publishers by default)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    groups = settings.STAFF_SECOND_FACTOR_GROUPS
    return bool(groups) and user.groups.filter(name__in=groups).exists()


def second_factor_expected(user):
    """Whether this session must be verified: the user must have a factor, or has one."""
    return second_factor_required(user) or user_has_device(user)
