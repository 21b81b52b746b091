"""Which articles report the same event: a pure algorithm, no database.

Two articles are *joined* when they were published within ``WINDOW`` of each
other and either

1. one lists the other among its related items (a "related" link), or
2. their headlines share at least ``MIN_SHARED`` significant words, and the
   shared words are at least ``SIMILARITY`` of all significant words of the two
   headlines (Jaccard). Significant words are what is left after case-folding,
   dropping accents and punctuation, a small list of stop words, one-letter
   words, and a plural "s".

Joins are transitive (union-find): a chain of links makes one story, as long
as each link spans at most ``WINDOW``. Only groups of two or more articles are
stories.

Editors overrule the algorithm with two decisions, passed in as data:
``together`` (sets of articles an editor put in one story: always joined) and
``alone`` (articles an editor moved out: never joined to anything).
"""

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

WINDOW = timedelta(hours=72)
MIN_SHARED = 3
SIMILARITY = 2 / 3

STOP_WORDS = frozenset(
    """
    a an and are as at be been but by can could de did do does for from had has have he her his
    how i if in into is it its la le may more most new not now of on or our over says she so
    than that the their them then there these they this to up us was we were what when where which
    who why will with would you your after about amid just than out off
    """.split()
)

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Item:
    """What the algorithm knows of an article."""

    id: int
    published_at: datetime
    title: str


@dataclass
class Grouping:
    """The result: groups (sorted article ids, each of two or more) and why each pair joined."""

    groups: list = field(default_factory=list)
    # (a, b) -> "related" or "headline: word, word, ..." for every join made.
    reasons: dict = field(default_factory=dict)


def significant_words(title):
    """The set of words of ``title`` that say what it is about."""
    text = unicodedata.normalize("NFKD", title.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = set()
    for word in _WORD.findall(text.replace("_", " ")):
        if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def headline_match(words_a, words_b):
    """The shared words if two headlines' word sets are similar enough, else an empty set."""
    shared = words_a & words_b
    if len(shared) < MIN_SHARED:
        return frozenset()
    if len(shared) < SIMILARITY * len(words_a | words_b):
        return frozenset()
    return shared


class _UnionFind:
    def __init__(self, ids):
        self.parent = {i: i for i in ids}

    def find(self, i):
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller id stays the root, so results do not depend on input order.
            ra, rb = min(ra, rb), max(ra, rb)
            self.parent[rb] = ra
            return True
        return False


def group(items, links=(), *, together=(), alone=frozenset(), window=WINDOW):
    """Group ``items`` into stories; returns a ``Grouping``.

    ``links`` are (article id, related article id) pairs; pairs naming an
    unknown article are ignored. ``together`` and ``alone`` are the editors'
    decisions (see the module docstring).
    """
    items = {item.id: item for item in items}
    alone = set(alone)
    found = _UnionFind(items)
    result = Grouping()

    for members in together:
        members = sorted(m for m in members if m in items and m not in alone)
        for other in members[1:]:
            found.union(members[0], other)

    def join(a, b, reason):
        if a == b or a in alone or b in alone:
            return
        if abs(items[a].published_at - items[b].published_at) > window:
            return
        if found.union(a, b):
            result.reasons[(min(a, b), max(a, b))] = reason

    for a, b in links:
        if a in items and b in items:
            join(a, b, "related")

    # Headlines: compare each article with the earlier ones inside the window
    # that share a word with it (an inverted index keeps this near-linear).
    ordered = sorted(items.values(), key=lambda item: (item.published_at, item.id))
    words = {item.id: significant_words(item.title) for item in ordered}
    index = defaultdict(list)  # word -> ids of articles, oldest first
    start = 0
    for item in ordered:
        while item.published_at - ordered[start].published_at > window:
            old = ordered[start]
            for word in words[old.id]:
                index[word].remove(old.id)
            start += 1
        counts = Counter(other for word in words[item.id] for other in index[word])
        for other, n in counts.items():
            if n >= MIN_SHARED:
                shared = headline_match(words[item.id], words[other])
                if shared:
                    join(other, item.id, "headline: " + ", ".join(sorted(shared)))
        for word in words[item.id]:
            index[word].append(item.id)

    members = defaultdict(list)
    for i in items:
        members[found.find(i)].append(i)
    result.groups = sorted(
        (sorted(ids) for ids in members.values() if len(ids) > 1), key=lambda ids: ids[0]
    )
    return result


def label(groups, current, pinned):
    """Decide which existing story each group continues, so story IDs stay stable.

    ``current`` maps article id -> its story id now; ``pinned`` maps article
    id -> the story an editor put it in. A group continues the story of its
    pinned members if it has any, else the story most of its members are in
    (ties: the older, lower id). Bigger groups choose first; a story goes to
    one group only, and a group left without one gets a new story (None).
    Returns [(story id or None, group)].
    """
    claimed, labelled = set(), []
    for ids in sorted(groups, key=lambda ids: (-len(ids), ids[0])):
        choice = None
        for source in (pinned, current):
            votes = Counter(source[i] for i in ids if source.get(i) is not None)
            ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
            choice = next((story for story, _ in ranked if story not in claimed), None)
            if choice is not None:
                break
        if choice is not None:
            claimed.add(choice)
        labelled.append((choice, ids))
    return labelled
