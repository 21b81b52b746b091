"""API tokens: who may push articles (or read beyond the public API), stored hashed.

A token reads ``nr_<prefix>_<secret>``. The prefix is stored in clear to find
the row (and to tell tokens apart in the admin and logs); the whole token is
stored only as its SHA-256. The secret is 32 random bytes from ``secrets``, so
a fast hash is enough: password hashers (PBKDF2, Argon2) are slow on purpose
to make guessing low-entropy passwords expensive, but 256 random bits cannot
be guessed however fast the hash, and a slow hash would cost every API
request tens of milliseconds of CPU for nothing.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "nr_"
SCOPES = ("ingest", "read")


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    name = models.CharField(
        max_length=100, help_text="Who uses it, e.g. the partner and system: “Example News CMS”."
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scope_ingest = models.BooleanField(
        "may push articles", default=True, help_text="POST /api/v1/ingest/ with article files."
    )
    scope_read = models.BooleanField(
        "may read beyond public", default=False,
        help_text="The read API with this token's own, higher rate limit.",
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, null=True, blank=True,
        related_name="api_tokens",
        help_text="If set, the token may only create or update this provider's articles.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The imports this token ran, for its poll endpoint (only its own runs).
    runs = models.ManyToManyField("articles.ImportRun", blank=True, related_name="+", editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"
        permissions = [("revoke_apitoken", "Can revoke API tokens")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def has_scope(self, scope):
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        return getattr(self, f"scope_{scope}")

    @property
    def scopes(self):
        return [scope for scope in SCOPES if self.has_scope(scope)]

    def issue(self):
        """Give this (unsaved) token a new secret; return the full token, the only time it exists."""
        self.prefix = secrets.token_hex(6)
        token = f"{TOKEN_PREFIX}{self.prefix}_{secrets.token_urlsafe(32)}"
        self.secret_hash = hash_token(token)
        return token

    def matches(self, token):
        return hmac.compare_digest(self.secret_hash, hash_token(token))

    @staticmethod
    def prefix_of(token):
        """The prefix part of a presented token, or "" when it is not shaped like one of ours."""
        if not token.startswith(TOKEN_PREFIX):
            return ""
        prefix, sep, secret = token[len(TOKEN_PREFIX):].partition("_")
        return prefix if sep and secret and len(prefix) == 12 else ""
