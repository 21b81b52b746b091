"""The editor as the change form serves it: textarea first, toolbar and preview around it, no inline code."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import Article
from articles.rendering import render_markdown
from tests.articles.roles import make_user
from writing.widgets import MarkdownEditor

from .helpers import PREVIEW_URL, change_url

pytestmark = pytest.mark.django_db

BODY = "## Kicker\n\nFirst **bold** paragraph with five words."
TOOLS = ["Heading", "Bold", "Italic", "Link", "Quote", "List", "Numbered list", "Picture"]


class Elements(HTMLParser):
    """Start tags (with attributes) and text inside the editor of the textarea ``input``."""

    def __init__(self, input_id):
        super().__init__()
        self.input_id = input_id
        self.depth = 0
        self.tags, self.text = [], []
        self.writers = 0
        self._buttons = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth == 0 and attrs.get("data-input") == self.input_id:
            self.writers += 1
            self.depth = 1
            self.tags.append((tag, attrs))
            return
        if self.depth:
            self.tags.append((tag, attrs))
            if tag == "div":
                self.depth += 1

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def writer_of(html, input_id="id_body"):
    parser = Elements(input_id)
    parser.feed(html)
    assert parser.writers == 1
    return parser


def buttons(parser):
    return [attrs for tag, attrs in parser.tags if tag == "button"]


@pytest.fixture
def editor():
    return make_user("editor")


@pytest.fixture
def page(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT, body=BODY, editor_note="A *note*.")
    client.force_login(editor)
    response = client.get(change_url(article))
    assert response.status_code == 200
    return response


def test_the_body_is_a_textarea_inside_the_editor_with_the_preview_beside_it(page):
    html = page.content.decode()
    writer = writer_of(html)
    root = writer.tags[0][1]

    assert root["data-preview-url"] == PREVIEW_URL
    assert root["data-input"] == "id_body"
    textarea = [attrs for tag, attrs in writer.tags if tag == "textarea"]
    assert [t["name"] for t in textarea] == ["body"]
    assert "nr-writer-input" in textarea[0]["class"] and "vLargeTextField" not in textarea[0]["class"]
    # The server's preview of the stored body: the public renderer's HTML and its length.
    assert str(render_markdown(BODY)) in html
    assert "7 words · 1 min read" in "".join(writer.text)
    live = [attrs for tag, attrs in writer.tags if attrs.get("aria-live")]
    assert [a["aria-live"] for a in live] == ["polite"] and "nr-writer-preview" in live[0]["class"]


def test_the_toolbar_is_labelled_buttons_shown_by_the_script_only(page):
    writer = writer_of(page.content.decode())

    toolbar = [attrs for tag, attrs in writer.tags if "nr-writer-toolbar" in (attrs.get("class") or "")][0]
    assert toolbar["role"] == "group" and toolbar["aria-label"] == "Formatting"
    assert "hidden" in toolbar  # without JavaScript it would do nothing
    tools = [b for b in buttons(writer) if b.get("data-action")]
    assert [b["type"] for b in tools] == ["button"] * len(TOOLS)
    assert all(b["aria-controls"] == "id_body" and b["title"] for b in tools)
    text = "".join(writer.text)
    assert all(label in text for label in TOOLS)
    # The form's Preview: a real submit button for browsers without JavaScript.
    submit = [b for b in buttons(writer) if b.get("type") == "submit"]
    assert [(b["name"], b["value"]) for b in submit] == [("_preview", "body")]


def test_the_picture_button_opens_the_media_librarys_chooser_as_a_popup(client, page):
    writer = writer_of(page.content.decode())

    chooser = writer.tags[0][1]["data-chooser-url"]
    assert chooser == reverse("admin:media_picture_chooser") + "?_popup=1"
    picture = [b for b in buttons(writer) if b.get("data-action") == "picture"]
    assert len(picture) == 1 and picture[0]["type"] == "button"
    chosen = client.get(chooser)
    assert chosen.status_code == 200 and b"Choose a picture" in chosen.content


def test_the_editors_note_gets_the_editor_without_pictures(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT, editor_note="A *note*.")
    client.force_login(editor)
    writer = writer_of(client.get(change_url(article)).content.decode(), "id_editor_note")

    assert writer.tags[0][1]["data-preview-url"] == PREVIEW_URL
    assert "data-chooser-url" not in writer.tags[0][1]
    assert [attrs["rows"] for tag, attrs in writer.tags if tag == "textarea"] == ["4"]
    assert "picture" not in [b.get("data-action") for b in buttons(writer)]


def test_the_page_loads_the_editor_from_the_site_and_keeps_the_strict_policy(page):
    html = page.content.decode()

    assert '<script src="/static/writing/markdown-editor.js"></script>' in html
    assert 'href="/static/writing/markdown-editor.css"' in html
    policy = page["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy


def test_the_widget_has_no_inline_script_or_style():
    html = MarkdownEditor(preview_url="/preview/").render("body", BODY, attrs={"id": "id_body"})

    assert "<script" not in html and "<style" not in html
    assert not re.search(r"\sstyle=", html) and not re.search(r"\son[a-z]+=", html)


def test_the_editor_script_and_styles_are_served(client):
    for path in ("/static/writing/markdown-editor.js", "/static/writing/markdown-editor.css"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_the_editor_applies_to_a_body_the_form_declares_itself(rf, make_article):
    """Another part may declare the body field on the form (house articles): the editor still applies."""
    from django import forms
    from django.contrib import admin

    from articles.admin import ArticleAdmin
    from articles.forms import ArticleAdminForm

    class DeclaringForm(ArticleAdminForm):
        body = forms.CharField(required=False, widget=forms.Textarea(attrs={"class": "vLargeTextField"}))

    class DeclaringAdmin(ArticleAdmin):
        form = DeclaringForm

    request = rf.get("/")
    request.user = make_user("superuser")
    form = DeclaringAdmin(Article, admin.site).get_form(request, make_article(), change=True)

    widget = form.base_fields["body"].widget
    assert isinstance(widget, MarkdownEditor) and widget.preview_url == PREVIEW_URL
    assert widget.attrs["class"] == "nr-writer-input"
    assert not isinstance(DeclaringForm.base_fields["body"].widget, MarkdownEditor)  # the class is untouched
