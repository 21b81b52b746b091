"""Signed share links: show one unpublished article to someone without an account.

A link's URL carries only a signature of its ``ShareLink`` id, so it cannot
be guessed or altered; the row holds the expiry and the revocation, so a
publisher can withdraw a link after sending it. Taking an article off the site
(unpublish, archive, kill) revokes its links in the same step (``workflow``).

Included from the project's URLconf at ``share/``.
"""

from django.core import signing
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from . import workflow
from .models import Article, ShareLink
from .presenting import render_article, with_pending

SALT = "articles.sharing"
PERMISSION = "articles.share_article"


def create_link(article, *, by, expires_at, pending=False):
    """A new share link for ``article`` until ``expires_at``; audited on the article.

    ``pending``: the link shows the article's pending version (the changes
    awaiting review) while it has one, instead of the live one.
    """
    if not by.has_perm(PERMISSION):
        raise workflow.NotPermitted("You may not share unpublished articles.")
    if article.status == Article.Status.KILLED:
        raise workflow.TransitionNotAllowed("A killed article cannot be shared.", code="killed")
    if expires_at <= timezone.now():
        raise workflow.TransitionNotAllowed("A share link must expire in the future.", code="in_past")
    with transaction.atomic():
        link = ShareLink.objects.create(
            article=article, created_by=by, expires_at=expires_at, shows_pending=pending
        )
        workflow.record_share(link, by=by)
    return link


def revoke_link(link, *, by):
    """Stop ``link`` working from now on (revoking twice changes nothing)."""
    if not by.has_perm(PERMISSION):
        raise workflow.NotPermitted("You may not revoke share links.")
    if link.revoked_at is not None:
        return link
    with transaction.atomic():
        link.revoked_at = timezone.now()
        link.revoked_by = by
        link.save(update_fields=["revoked_at", "revoked_by"])
        workflow.record_share(link, by=by, revoked=True)
    return link


def token_for(link):
    """The signed part of ``link``'s URL.

    Deterministic (no timestamp inside): a link keeps one URL however often
    it is shown. Expiry and revocation live on the ShareLink row, where they
    can be changed after the URL has been handed out.
    """
    return signing.Signer(salt=SALT).sign(str(link.pk))


def url_for(link, request=None):
    """``link``'s URL, absolute when ``request`` is given."""
    url = reverse("sharing:article", kwargs={"token": token_for(link)})
    return request.build_absolute_uri(url) if request is not None else url


def shared_article(request, token):
    """The article behind a share link, as readers will see it, with a banner.

    A tampered token is a 404 (nothing was ever there); an expired or revoked
    link, or a killed article, is a 410 (it was there and will not return).
    """
    try:
        link_id = int(signing.Signer(salt=SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise Http404("No such link.") from None
    link = ShareLink.objects.select_related("article__provider").filter(pk=link_id).first()
    if link is None:
        raise Http404("No such link.")
    now = timezone.now()
    if link.revoked_at is not None or link.article.status == Article.Status.KILLED:
        return _gone(request, "This share link has been withdrawn.")
    if link.expires_at <= now:
        return _gone(request, "This share link has expired.")
    expires = timezone.localtime(link.expires_at)
    article = link.article
    if link.shows_pending and article.pending_revision_id is not None:
        article = with_pending(article)
        what = "Shared preview of changes awaiting review, not yet public."
    else:
        what = "Shared preview, not yet public."
    response = render_article(
        request, article, preview_banner=f"{what} This link expires {expires:%d %b %Y %H:%M %Z}.",
    )
    # The token is the key to the page: keep it out of Referer headers sent to linked sites.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _gone(request, message):
    response = render(request, "admin/articles/share_gone.html", {"message": message}, status=410)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


app_name = "sharing"
urlpatterns = [path("<str:token>/", shared_article, name="article")]
