"""The query language: what people type, as the engines will see it."""

import pytest

from search.query import MAX_QUERY_CHARS, MAX_TERMS, Term, parse


def words(*groups):
    """Expected groups, written as strings: ``words("a", "b c")`` -> ((a,), (b c,))."""
    return tuple(tuple(Term(tuple(alt.split())) for alt in group.split(" | ")) for group in groups)


def test_words_must_all_match():
    assert parse("solar battery").groups == words("solar", "battery")


def test_quoted_text_is_one_phrase():
    assert parse('"supply chain" shortage').groups == words("supply chain", "shortage")


def test_minus_excludes_a_word_or_a_phrase():
    query = parse('chips -crypto -"press release"')

    assert query.groups == words("chips")
    assert query.excluded == (Term(("crypto",)), Term(("press", "release")))


def test_or_joins_the_terms_on_either_side_and_binds_tighter_than_and():
    assert parse("drones OR robots california").groups == words("drones | robots", "california")


def test_lowercase_or_is_no_operator():
    assert parse("cats or dogs").groups == words("cats", "dogs")


def test_dangling_or_is_ignored():
    assert parse("OR drones OR").groups == words("drones")


def test_an_unclosed_quote_runs_to_the_end():
    assert parse('"supply chain').groups == words("supply chain")


def test_punctuation_splits_words_and_never_reaches_the_engine():
    assert parse("NEAR(a, b) c++ foo-bar 'x'").groups == words("near a", "b", "c", "foo bar", "x")


@pytest.mark.parametrize("text", ["", "   ", "*", '"', '""', "-", "()", "OR", "-crypto", "^ : ,"])
def test_nothing_searchable_gives_an_empty_query(text):
    assert not parse(text)


def test_cjk_and_hangul_terms_are_matched_as_substrings():
    assert parse("半導体").terms[0].needs_substring_match
    assert parse("반도체").terms[0].needs_substring_match
    assert not parse("الذكاء").terms[0].needs_substring_match
    assert not parse("résumé").terms[0].needs_substring_match


def test_decomposed_accents_are_composed_first():
    assert parse("re\u0301sume\u0301").groups == words("résumé")


def test_huge_input_is_cut_to_a_bounded_query():
    query = parse("word " * 10_000)

    assert len(query.text) == MAX_QUERY_CHARS
    assert len(query.terms) == 1  # the same word, once

    query = parse(" ".join(f"w{n}" for n in range(1000)))
    assert len(query.terms) == MAX_TERMS


def test_repeated_terms_are_kept_once_whatever_their_case():
    assert parse("solar Solar SOLAR -x -X").groups == words("solar")
    assert parse("solar Solar SOLAR -x -X").excluded == (Term(("x",)),)


def test_and_is_what_two_words_side_by_side_already_mean():
    assert parse("solar AND battery") == parse("solar battery")


def test_not_excludes_the_next_term_like_a_minus():
    assert parse('solar NOT crypto NOT "press release"') == parse('solar -crypto -"press release"')


def test_lowercase_and_and_not_are_words_and_english_stop_words_are_dropped():
    assert parse("rock and roll").groups == words("rock", "roll")
    assert parse("not guilty").groups == words("guilty")
    assert not parse("the of and")


def test_stop_words_inside_a_phrase_stay():
    assert parse('"state of the art"').groups == words("state of the art")
