"""Snippets: untrusted text escaped first, then the matches marked."""

from search.highlight import END, START, render, snippet, words
from search.query import Term, parse


def marked(text):
    """Engine output, written with « » for the highlight markers."""
    return text.replace("«", START).replace("»", END)


def test_marked_words_are_wrapped_in_mark():
    assert render(marked("the «solar» panel")) == "the <mark>solar</mark> panel"


def test_text_is_escaped_before_marking():
    html = render(marked('<script>alert("x")</script> «solar» & <b>«wind»</b>'))

    assert html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>solar</mark> &amp; "
        "&lt;b&gt;<mark>wind</mark>&lt;/b&gt;"
    )


def test_stray_markers_in_the_source_still_give_balanced_markup():
    html = render(f"{END}a{START}{START}b{END}{END}c{START}d")

    assert html == "a<mark>b</mark>c<mark>d</mark>"


def test_substrings_are_marked_without_regard_to_case():
    assert render("Norvex 发布新一代芯片 NORVEX", ["芯片", "norvex"]) == (
        "<mark>Norvex</mark> 发布新一代<mark>芯片</mark> <mark>NORVEX</mark>"
    )


def test_markdown_syntax_is_dropped_from_body_snippets():
    body = marked("## What happened\n\n- «Solar» [farms](https://x.example/a) grow\n> **Quoted**")

    assert render(body, markdown=True) == "What happened <mark>Solar</mark> farms grow Quoted"


def test_long_text_is_cut():
    html = render("word " * 200, limit=20)

    assert html == "word word word word…"


def test_long_text_is_cut_around_its_first_match():
    html = render(marked("x " * 300 + "«solar» farm " + "y " * 300), limit=100)

    assert html.startswith("…x x")
    assert "<mark>solar</mark> farm y" in html
    assert html.endswith("y…")


def test_the_first_text_with_a_marked_match_wins():
    assert snippet([("no match here", False), (marked("a «hit»"), False)]) == "a <mark>hit</mark>"


def test_unmarked_texts_are_cut_around_a_substring_match():
    body = "x" * 100 + " 芯片短缺持续"

    html = snippet([("An excerpt", False), (body, False)], ["芯片"])

    assert html.startswith("…x")
    assert "<mark>芯片</mark>短缺持续" in html


def test_without_any_match_the_first_text_is_shown():
    assert snippet([("", False), ("An excerpt", False), ("A body", True)]) == "An excerpt"


def test_headline_words_are_marked_after_escaping_so_entities_and_tags_stay_whole():
    # "t" alone is a stop word the parser drops, so the terms are given as the engine sees them.
    terms = parse("amp lt class quot").terms + (Term(("t",)),)
    html = words('AT&T <b class="x">bold</b> news', terms)
    assert html == 'AT&amp;<mark>T</mark> &lt;b <mark>class</mark>=&quot;x&quot;&gt;bold&lt;/b&gt; news'
