"""DRF permissions by token scope: ``HasScope("ingest")`` in a view's ``permission_classes``."""

from rest_framework.permissions import BasePermission

from .models import ApiToken


def HasScope(scope):  # noqa: N802 - reads as a class in permission_classes
    """A permission class letting through requests whose API token has ``scope``."""

    class _HasScope(BasePermission):
        message = f"This API token does not have the {scope!r} scope."
        code = "wrong_scope"

        def has_permission(self, request, view):
            token = request.auth
            if not isinstance(token, ApiToken):
                # No token at all: DRF turns this into 401 with the challenge.
                return False
            return token.has_scope(scope)

    _HasScope.__name__ = f"HasScope_{scope}"
    return _HasScope
