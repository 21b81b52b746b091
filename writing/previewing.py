"""What the editor's live preview shows: the public page's rendering of a body, and its length."""

from articles.importing.frontmatter import MAX_FILE_SIZE
from articles.rendering import render_markdown

from .stats import stats_of_html

# Room for the multipart framing and the CSRF token around a body of the largest size.
FORM_OVERHEAD = 64 * 1024
TOO_LONG = (
    f"The text is too long to preview: at most {MAX_FILE_SIZE:,} bytes (1 MiB), "
    "the most an article file may hold."
)


def preview(source):
    """``{"html", "words", "minutes", "text"}`` for the Markdown ``source``."""
    rendered = render_markdown(source)
    stats = stats_of_html(rendered)
    return {"html": str(rendered), "words": stats.words, "minutes": stats.minutes, "text": stats.text}
