"""``Authorization: Bearer <token>`` for DRF views: the request's ``auth`` is the ``ApiToken``.

The user is a ``TokenUser``: authenticated, but no staff account and no
permission, so a token never passes for the publisher who created it.
Tokens are looked up on the primary database, never a read replica, so a
revoked token stops working at once.
"""

from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken

# A token's last use is written at most this often (not one write per request).
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenUser:
    """Who a token-authenticated request is: the token, with none of a staff user's rights."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, token):
        self.token = token

    def __str__(self):
        return f"API token {self.token}"

    def get_username(self):
        return ""

    def has_perm(self, perm, obj=None):
        return False

    def has_perms(self, perms, obj=None):
        return False

    def has_module_perms(self, app_label):
        return False


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _, presented = header.strip().partition(" ")
        if keyword.lower() != self.keyword.lower():
            # Another scheme (Basic, a session...): not ours to judge.
            return None
        presented = presented.strip()
        if not presented or " " in presented:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>'.", code="invalid_token"
            )
        prefix = ApiToken.prefix_of(presented)
        token = (
            ApiToken.objects.db_manager(DEFAULT_DB_ALIAS).select_related("provider")
            .filter(prefix=prefix).first()
            if prefix else None
        )
        if token is None or not token.matches(presented):
            raise exceptions.AuthenticationFailed("Unknown API token.", code="invalid_token")
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(
                "This API token has been revoked.", code="revoked_token"
            )
        self._touch(token)
        return TokenUser(token), token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when the token is missing or wrong.
        return f'{self.keyword} realm="api"'

    @staticmethod
    def _touch(token):
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
