"""Every page carries a Content-Security-Policy that the site's own pages satisfy."""

import pytest
from lxml import html

from articles.models import Article

ALLOWED_SCRIPT_TYPES = {"application/json", "application/ld+json"}


@pytest.fixture
def pages(make_article):
    article = make_article(title="Harbour reopens", topics=["Shipping"])
    make_article(title="Second story", status=Article.Status.PUBLISHED)
    return [
        "/", article.get_absolute_url(), "/topics/", "/topics/shipping/",
        "/search/?q=harbour", "/providers/", "/archive/", "/no-such-page/",
    ]


def csp_violations(document, inline_styles=False):
    """What in ``document`` a browser would block under the site's policy.

    ``inline_styles``: the admin's policy, which allows ``style-src 'unsafe-inline'``.
    """
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "style" and not inline_styles:
            found.append("inline <style>")
        if element.tag == "script" and not element.get("src") and element.get("type") not in ALLOWED_SCRIPT_TYPES:
            found.append("inline <script>")
        if element.get("style") is not None and not inline_styles:
            found.append(f"style attribute on <{element.tag}>")
        found += [f"{name} handler on <{element.tag}>" for name in element.attrib if name.startswith("on")]
        loads = element.tag == "script" or (
            element.tag == "link" and {"stylesheet", "preload", "icon"} & set(element.get("rel", "").split())
        )
        source = element.get("src") or element.get("href") or ""
        if loads and source.startswith(("http:", "https:", "//")):
            found.append(f"third-party {element.tag} {source}")
        if element.get("href", "").startswith("javascript:"):
            found.append("javascript: link")
    return found


def test_public_pages_and_the_admin_sign_in_satisfy_the_policy(client, pages):
    for path in pages:
        response = client.get(path)
        assert "style-src 'self';" in response["Content-Security-Policy"], path
        assert csp_violations(html.fromstring(response.content)) == [], path


def test_the_admin_satisfies_its_policy(client, admin_client, make_article):
    article = make_article()
    response = client.get("/admin/login/")
    assert csp_violations(html.fromstring(response.content), inline_styles=True) == []
    for path in ["/admin/", "/admin/articles/article/", f"/admin/articles/article/{article.pk}/change/",
                 f"/admin/articles/article/{article.pk}/step/unpublish/"]:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert csp_violations(html.fromstring(response.content), inline_styles=True) == [], path


def test_pages_tell_browsers_not_to_sniff_frame_or_leak_referrers(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_every_response_refuses_the_browser_features_the_site_does_not_use(client, admin_client, pages):
    """Pages, errors, static files and the admin all carry the Permissions-Policy."""
    responses = [client.get(path) for path in [*pages, "/static/site.css", "/healthz"]]
    responses.append(admin_client.get("/admin/"))
    for response in responses:
        policy = response.get("Permissions-Policy", "")
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy, (
            response.status_code, response.get("Content-Type"),
        )


def test_the_policy_check_catches_what_a_browser_would_block():
    """The checker itself: an inline script and a style attribute are reported."""
    page = html.fromstring('<html><body><p style="color:red">x</p><script>alert(1)</script></body></html>')
    assert csp_violations(page) == ["style attribute on <p>", "inline <script>"]

