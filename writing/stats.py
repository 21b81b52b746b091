"""Word count and reading time of a Markdown body: one function, for the admin and the public site.

Counted on the text readers get (the sanitised rendering, tags stripped), so a
link counts its words, not its address, and raw HTML shown as text counts as
text. Pure: no database, no settings besides the renderer's own.
"""

import html
import math
import re
from dataclasses import dataclass

from django.utils.html import strip_tags

from articles.rendering import TRUNCATED_NOTE, render_markdown

# Adults read news prose at 200-250 words a minute; the usual figure.
WORDS_PER_MINUTE = 230
# A word: letters or digits, with inner apostrophes or hyphens ("don't", "24-hour").
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")


@dataclass(frozen=True)
class ReadingStats:
    words: int
    minutes: int

    @property
    def text(self):
        """``"1,234 words · 6 min read"``, or ``"No words yet"``."""
        if not self.words:
            return "No words yet"
        noun = "word" if self.words == 1 else "words"
        return f"{self.words:,} {noun} · {self.minutes} min read"


def count_words(text):
    return len(_WORD.findall(text))


def reading_minutes(words):
    """Whole minutes, rounded up: a 50-word brief is a 1-minute read, an empty body 0."""
    return math.ceil(words / WORDS_PER_MINUTE) if words > 0 else 0


def stats_of_html(rendered):
    """``ReadingStats`` of a body already rendered by ``render_markdown``."""
    rendered = str(rendered).removesuffix(TRUNCATED_NOTE)  # our note, not the writer's words
    words = count_words(html.unescape(strip_tags(rendered)))
    return ReadingStats(words=words, minutes=reading_minutes(words))


def reading_stats(markdown):
    """``ReadingStats`` of a Markdown body, as the public page renders it."""
    return stats_of_html(render_markdown(markdown or ""))
