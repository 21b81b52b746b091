"""The grouping algorithm on hand-made cases: links, the time window, headlines, editors."""

from datetime import UTC, datetime, timedelta

from stories.grouping import Item, group, label, significant_words

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def item(id, hours=0, title=None):
    return Item(id, T0 + timedelta(hours=hours), title or f"Unrelated headline number {id} zz{id}")


def test_a_chain_of_related_links_makes_one_story():
    items = [item(1), item(2, 10), item(3, 20), item(4, 30)]
    found = group(items, links=[(1, 2), (3, 2), (3, 4)])
    assert found.groups == [[1, 2, 3, 4]]
    assert found.reasons[(2, 3)] == "related"


def test_a_link_outside_the_window_does_not_join():
    items = [item(1), item(2, 71), item(3, 71 + 73)]
    found = group(items, links=[(1, 2), (2, 3)])
    assert found.groups == [[1, 2]]


def test_articles_without_any_link_are_no_story():
    assert group([item(1), item(2)]).groups == []


def test_links_to_unknown_articles_are_ignored():
    assert group([item(1), item(2)], links=[(1, 99)]).groups == []


def test_near_identical_headlines_join_without_links():
    items = [
        item(1, 0, "Wildfire forces evacuation of Malibu canyon homes"),
        item(2, 5, "Wildfires force evacuations of Malibu canyon homes"),
    ]
    found = group(items)
    assert found.groups == [[1, 2]]
    assert found.reasons[(1, 2)].startswith("headline: ")
    assert "malibu" in found.reasons[(1, 2)]


def test_similar_but_different_headlines_do_not_merge():
    items = [
        item(1, 0, "Storm closes schools in Boston"),
        item(2, 1, "Storm closes schools in Denver"),
        item(3, 2, "Apple unveils new iPhone with faster chip"),
        item(4, 3, "Samsung unveils new phone with faster chip"),
    ]
    assert group(items).groups == []


def test_identical_headlines_far_apart_in_time_do_not_join():
    title = "Council approves budget for new city library"
    assert group([item(1, 0, title), item(2, 24 * 30, title)]).groups == []


def test_significant_words_ignore_case_accents_punctuation_and_stop_words():
    assert significant_words("The Café’s NEW menus: a review") == {"cafe", "menu", "review"}


def test_editors_together_joins_and_alone_never_joins():
    items = [item(1), item(2, 1), item(3, 2), item(4, 3)]
    found = group(items, links=[(1, 2), (3, 4)], together=[{2, 3}], alone={4})
    assert found.groups == [[1, 2, 3]]


def test_an_article_moved_out_breaks_a_chain_through_it():
    items = [item(1), item(2, 1), item(3, 2)]
    assert group(items, links=[(1, 2), (2, 3)], alone={2}).groups == []


def test_labels_keep_the_story_most_members_are_in():
    groups = [[1, 2, 3], [4, 5]]
    current = {1: 10, 2: 10, 3: 11, 4: 11}
    assert label(groups, current, pinned={}) == [(10, [1, 2, 3]), (11, [4, 5])]


def test_a_split_story_keeps_its_id_for_the_bigger_part_only():
    groups = [[1, 2], [3, 4, 5]]
    current = {i: 10 for i in range(1, 6)}
    assert label(groups, current, pinned={}) == [(10, [3, 4, 5]), (None, [1, 2])]


def test_pinned_members_decide_the_label():
    groups = [[1, 2, 3]]
    assert label(groups, {1: 10, 2: 10, 3: 20}, pinned={3: 20}) == [(20, [1, 2, 3])]
