"""The Markdown editor of the admin: a plain textarea, plus a toolbar and a live preview where JS runs.

Without JavaScript the textarea is the whole editor, and the preview beside it
shows the value the form was rendered with (the saved body, or what was typed
when the form's Preview button re-rendered it). With JavaScript
(``static/writing/markdown-editor.js``) the toolbar appears and the preview
follows the typing, from the admin's preview endpoint. Both go through
``articles.rendering.render_markdown``, the public page's renderer and sanitiser.
"""

from django import forms
from django.urls import NoReverseMatch, reverse

from articles.rendering import render_markdown

from .stats import stats_of_html

# The media library's chooser (the ``media`` app); absent until that app is installed.
PICTURE_CHOOSER = "admin:media_picture_chooser"

# (action, visible label, what it does) of the toolbar's buttons, in order.
TOOLS = [
    ("heading", "Heading", "Make the selected lines a heading"),
    ("bold", "Bold", "Make the selection bold"),
    ("italic", "Italic", "Make the selection italic"),
    ("link", "Link", "Make the selection a link"),
    ("quote", "Quote", "Make the selected lines a quotation"),
    ("bullets", "List", "Make the selected lines a bulleted list"),
    ("numbers", "Numbered list", "Make the selected lines a numbered list"),
]


def picture_chooser_url():
    """The media library's picture chooser as a popup, or ``""`` while no app provides one."""
    try:
        return reverse(PICTURE_CHOOSER) + "?_popup=1"
    except NoReverseMatch:
        return ""


class MarkdownEditor(forms.Textarea):
    """A textarea for Markdown, with a toolbar, a preview, the word count and the reading time.

    ``preview_url`` is the admin's preview endpoint (``WritingAdminMixin``);
    ``pictures`` offers the picture button when the media library's chooser exists.
    """

    template_name = "writing/markdown_editor.html"

    class Media:
        css = {"all": ["writing/markdown-editor.css"]}
        js = ["writing/markdown-editor.js"]

    def __init__(self, attrs=None, preview_url="", pictures=True):
        attrs = {"rows": 20, "cols": 80, **(attrs or {})}
        # Not the admin's fixed-width vLargeTextField: the editor sizes its own panes.
        classes = [c for c in attrs.get("class", "").split() if c not in ("vLargeTextField", "nr-writer-input")]
        attrs["class"] = " ".join([*classes, "nr-writer-input"])
        super().__init__(attrs)
        self.preview_url = preview_url
        self.pictures = pictures

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rendered = render_markdown(self.format_value(value) or "")
        input_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["writer"] = {
            "id": input_id,
            "preview_url": self.preview_url,
            "chooser_url": picture_chooser_url() if self.pictures else "",
            "tools": TOOLS,
            "html": rendered,
            "stats": stats_of_html(rendered),
        }
        return context
