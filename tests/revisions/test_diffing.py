"""How the compare page tells two versions apart: word diffs, topics, pictures."""

from revisions import diffing
from revisions.content import image_entry


def content(**fields):
    return {"title": "Headline", "body": "", "topics": [], "images": [], **fields}


def by_name(diffs):
    return {diff.name: diff for diff in diffs}


def test_a_word_diff_marks_only_the_changed_words_and_keeps_the_rest_as_it_was():
    html = diffing.word_diff("One two three.\n\nFour five.", "One 2 three.\n\nFour five six.")

    assert html.startswith("One <del>")
    assert "[removed: </span>two<" in html and "[added: </span>2<" in html
    assert "three.\n\nFour five" in html
    assert "Four five<ins><span class=\"nr-sr-only\">[added: </span> six<" in html


def test_a_word_diff_escapes_both_sides():
    html = diffing.word_diff("<b>old</b>", "<script>alert(1)</script>")

    assert "<script>" not in html and "<b>" not in html
    assert "&lt;" in html and "&gt;" in html and "alert" in html


def test_a_long_body_with_one_edit_diffs_that_edit():
    body = " ".join(f"word{n}" for n in range(20_000))
    html = diffing.word_diff(body, body.replace("word10000 ", "changed "))

    assert html.count("<del>") == 1 and html.count("<ins>") == 1
    assert "[removed: </span>word10000<" in html


def test_pictures_show_what_was_added_removed_moved_and_recaptioned():
    a, b, c = (image_entry(f"https://cdn.example/{name}.jpg", title=name.upper()) for name in "abc")
    recaptioned = dict(b, title="A better caption", attribution="Reuters")

    diff = by_name(diffing.compare(content(images=[a, b]), content(images=[recaptioned, c, a])))["images"]

    assert diff.changed and diff.order_changed
    assert diff.added == ["2. c.jpg — C"]
    assert diff.removed == []
    assert "a.jpg: from position 1 to 3" in diff.moved
    assert diff.recaptioned == [("b.jpg", "B", "A better caption; credit: Reuters")]
    assert diff.pictures[0] == "1. b.jpg (lead picture) — A better caption; credit: Reuters"


def test_topics_are_a_set_and_unchanged_fields_say_so():
    diffs = by_name(diffing.compare(content(topics=["Politics", "Budget"]), content(topics=["Budget", "Health"])))

    assert diffs["topics"].added == ["Health"] and diffs["topics"].removed == ["Politics"]
    assert not diffs["title"].changed and not diffs["body"].changed
