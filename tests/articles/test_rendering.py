"""Untrusted text becomes safe output: URLs, markdown bodies, JSON-LD, XML text."""

import json
import re
from pathlib import Path

import pytest

from articles.rendering import json_ld, render_markdown, web_url, xml_text

from .pages import assert_inert


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "mailto:desk@example.com",
        "//evil.example/x",
        "/relative/path",
        "www.example.com/page",
        "https://",
        "",
        None,
    ],
)
def test_only_absolute_http_urls_survive(url):
    assert web_url(url) == ""


def test_http_and_https_urls_are_kept():
    assert web_url("https://example.com/a?b=1&c=2#d") == "https://example.com/a?b=1&c=2#d"
    assert web_url(" HTTP://Example.com/ ") == "HTTP://Example.com/"


def test_characters_invalid_in_a_url_are_percent_encoded():
    assert web_url('https://example.com/a?q="<b>" c') == "https://example.com/a?q=%22%3Cb%3E%22%20c"
    assert web_url("https://example.com/café") == "https://example.com/caf%C3%A9"


def test_markdown_renders_structure_and_shifts_headings_below_the_page_h1():
    html = render_markdown("# Title\n\n## Part\n\nSome **bold** text.\n\n- one\n- two\n\n> quoted")
    assert "<h2>Title</h2>" in html
    assert "<h3>Part</h3>" in html
    assert "<strong>bold</strong>" in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html
    assert "<h1" not in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="https://ok.example" onclick="alert(1)">x</a>',
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "![pic](javascript:alert(1))",
        "![pic](data:image/svg+xml;base64,PHN2Zz4=)",
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
    ],
)
def test_hostile_markdown_comes_out_inert(source):
    assert_inert(render_markdown(source), allow_script_types=())


def test_body_links_keep_http_and_mailto_but_drop_relative_and_other_schemes():
    html = render_markdown(
        "[web](https://example.com/x) [mail](mailto:desk@example.com) [local](/admin/) [ftp](ftp://x.example/f)"
    )
    assert '<a href="https://example.com/x"' in html
    assert '<a href="mailto:desk@example.com"' in html
    assert "/admin/" not in html
    assert "ftp://" not in html
    # The words stay, as text.
    assert "local" in html and "ftp" in html


def test_body_images_need_an_http_source_and_never_come_out_without_one():
    html = render_markdown("![ok](https://img.example/a.png) ![bad](ftp://x/y.png)")
    assert '<img src="https://img.example/a.png" alt="ok"' in html
    assert html.count("<img") == 1


def test_external_body_links_do_not_pass_authority_or_the_opener():
    html = render_markdown("[web](https://example.com/x)")
    assert 'rel="nofollow noopener noreferrer"' in html


def test_empty_body_renders_nothing():
    assert render_markdown("") == ""


def test_json_ld_cannot_close_its_script_element():
    out = json_ld({"headline": "</script><script>alert(1)</script><!--"})
    inner = out.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "</script" not in inner and "<!--" not in inner
    assert json.loads(inner)["headline"] == "</script><script>alert(1)</script><!--"


def test_xml_text_removes_only_what_xml_forbids():
    assert xml_text("a\x00b\x01c\td\ne\u202bf\ufffe") == "abc\td\ne\u202bf"


# --- Bounded work and memory -------------------------------------------------

MEGABYTE = 1_000_000

# Bodies that cost markdown-it 8-16 s of CPU each at a megabyte, or nest deep.
PATHOLOGICAL = {
    "nested quotes": ">" * MEGABYTE,
    "nested lists": "".join("  " * (i % 400) + "- item\n" for i in range(MEGABYTE // 400)),
    "emphasis runs": "*a_" * (MEGABYTE // 3),
    "open brackets": "[" * MEGABYTE,
    "open images": "![" * (MEGABYTE // 2),
    "link references": "".join(f"[r{i}]: https://example.com/{i}\n" for i in range(20_000))
    + "[r1] [r2] " * 50_000,
    "huge table": "|" + "a|" * 5_000 + "\n|" + "-|" * 5_000 + "\n" + "|x|\n" * 100_000,
}


@pytest.fixture
def parsed_lengths(monkeypatch):
    """The length of every source markdown-it is asked to parse."""
    from articles import rendering

    rendering._memo.clear()
    lengths = []
    parse = rendering._markdown.parse

    def counting_parse(source, env=None):
        lengths.append(len(source))
        return parse(source, env)

    monkeypatch.setattr(rendering._markdown, "parse", counting_parse)
    yield lengths
    rendering._memo.clear()


@pytest.mark.parametrize("source", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_hostile_bodies_are_rendered_from_a_bounded_prefix(settings, parsed_lengths, source):
    """However long the file's body, markdown-it sees at most MARKDOWN_MAX_CHARS of it."""
    settings.MARKDOWN_MAX_CHARS = 4_000
    html = render_markdown(source)
    assert parsed_lengths and max(parsed_lengths) <= 4_000
    assert html.endswith("This article is too long to show in full here.</em></p>")
    assert_inert(html, allow_script_types=())


def test_a_long_body_is_cut_at_a_paragraph_with_a_note(settings, parsed_lengths):
    settings.MARKDOWN_MAX_CHARS = 100
    html = render_markdown("First paragraph, " * 4 + "\n\n" + "Second paragraph " * 20)
    assert "First paragraph" in html and "Second" not in html
    assert html.count("<p") == 2 and "too long to show in full" in html


def test_by_default_a_megabyte_body_renders_only_its_first_fifty_thousand_characters(parsed_lengths):
    html = render_markdown("A plain sentence of a long read. " * (MEGABYTE // 33))
    assert max(parsed_lengths) <= 50_000
    assert "too long to show in full" in html


def test_a_body_within_the_limit_is_rendered_whole(parsed_lengths):
    source = "Word " * 2_000
    assert "too long" not in render_markdown(source)
    assert parsed_lengths == [len(source)]


@pytest.mark.parametrize(
    "source",
    [">" * 10_000 + " deep", "".join("  " * i + "- a\n" for i in range(2_000))],
    ids=["quotes", "lists"],
)
def test_nesting_stops_at_twenty_levels(source):
    html = render_markdown(source)
    assert html.count("<blockquote>") + html.count("<ul>") <= 21


def test_rendered_bodies_are_memoised_within_a_memory_budget(settings, parsed_lengths):
    """Each worker keeps rendered bodies up to MARKDOWN_MEMO_BYTES, keyed by hash, not by text."""
    from articles.rendering import _memo

    settings.MARKDOWN_MEMO_BYTES = 300_000
    bodies = [f"Body {n}. " + "Some words of a story. " * 2_000 for n in range(30)]  # ~46 kB each
    for body in bodies:
        render_markdown(body)
    assert 0 < _memo.bytes <= 300_000
    assert 0 < len(_memo) < 30
    # The newest is kept and served without parsing again; the oldest made room.
    parsed = len(parsed_lengths)
    render_markdown(bodies[-1])
    assert len(parsed_lengths) == parsed
    render_markdown(bodies[0])
    assert len(parsed_lengths) == parsed + 1


def test_body_headings_start_below_the_headline_and_never_skip_a_level():
    html = render_markdown("### Deep first\n\ntext\n\n# Top\n\n#### Jump\n\n## Back\n\n###### Deepest")
    assert re.findall(r"<(h\d)>", html) == ["h2", "h2", "h3", "h3", "h4"]


def test_setext_and_long_outlines_stop_at_h6():
    html = render_markdown("Title\n=====\n\nSub\n---\n\n### a\n\n#### b\n\n##### c\n\n###### d")
    assert re.findall(r"<(h\d)>", html) == ["h2", "h3", "h4", "h5", "h6", "h6"]


def _font_sizes(selector):
    css = (Path(__file__).resolve().parents[2] / "static" / "site.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    sizes = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if selector in [s.strip() for s in selectors.split(",")]:
            sizes += re.findall(r"font-size:\s*([\d.]+)em\b", body)
    return [float(size) for size in sizes]


@pytest.mark.parametrize("level", [2, 3, 4, 5, 6])
def test_no_body_heading_is_drawn_smaller_than_the_body_text(level):
    sizes = _font_sizes(f".article__body h{level}")
    assert sizes and min(sizes) >= 1, f"h{level} keeps the browser's smaller default"
