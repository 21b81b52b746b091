"""Word count and reading time: counted on what readers read, in whole minutes rounded up."""

import pytest

from articles.rendering import render_markdown
from writing.stats import WORDS_PER_MINUTE, reading_minutes, reading_stats, stats_of_html


def test_an_empty_body_has_no_words_and_no_reading_time():
    stats = reading_stats("")
    assert (stats.words, stats.minutes, stats.text) == (0, 0, "No words yet")


@pytest.mark.parametrize(
    ("words", "minutes"),
    [(1, 1), (WORDS_PER_MINUTE, 1), (WORDS_PER_MINUTE + 1, 2), (10 * WORDS_PER_MINUTE, 10)],
)
def test_reading_time_is_whole_minutes_rounded_up(words, minutes):
    assert reading_minutes(words) == minutes
    stats = reading_stats(" ".join(["word"] * words))
    assert (stats.words, stats.minutes) == (words, minutes)


def test_markup_and_link_addresses_are_not_words():
    body = (
        "## A heading here\n\n**Bold** and _italic_ with [two words](https://example.org/a/very/long/path).\n\n"
        "- don't stop\n- a 24-hour day\n\n![alt text](https://img.example.org/p.jpg)"
    )
    # A heading here (3) Bold and italic with two words (6) don't stop (2) a 24-hour day (3)
    assert reading_stats(body).words == 14


def test_the_text_says_words_and_minutes():
    assert reading_stats("one").text == "1 word · 1 min read"
    assert reading_stats(" ".join(["w"] * 1500)).text == "1,500 words · 7 min read"


def test_the_note_under_a_cut_body_is_not_counted(settings):
    settings.MARKDOWN_MAX_CHARS = 100
    body = " ".join(["word"] * 200)
    assert stats_of_html(render_markdown(body)).words < 30
