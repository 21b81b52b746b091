"""The search box's query language, parsed once and compiled by each engine.

People type what web search engines taught them::

    solar battery            both words (AND)
    "supply chain"           a phrase
    -crypto  -"press release" exclude a word or a phrase
    drones OR robots         either one; OR binds tighter than AND, so
                             ``drones OR robots california`` is
                             ``(drones OR robots) AND california``
    solar AND battery        the same as ``solar battery``
    NOT crypto               the same as ``-crypto``

English stop words ("the", "of", "and"...) typed as words of their own are
dropped here, for both engines: PostgreSQL's English configuration ignores
them anyway, and SQLite's index would otherwise demand them literally, so the
same query found different articles on the two. Inside a phrase, or a token
that punctuation splits ("AT&T"), they stay.

The parser is pure Python and never fails: any text, however hostile
(unbalanced quotes, SQL, FTS5 operators such as ``NEAR(`` or a lone ``*``,
10 KB of noise), becomes a ``Query``, possibly an empty one. Engines never see
the raw text: only the word tokens found here (runs of letters and digits),
which they quote themselves, so nothing the user types can be read as engine
syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Longer input is cut off: no real query is this long, and it bounds the work
# (and the size of the engine expression) a single request can cause.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_WORD_CHARS = 100

# Scripts written without spaces between words (and Hangul, whose particles
# attach to the word), where a "word" can only be found as a substring.
# Shared with both engines so the index and the query agree on them.
NO_SPACE_SCRIPT_RANGES = (
    ("\u1100", "\u11ff"),  # Hangul Jamo
    ("\u3040", "\u30ff"),  # Hiragana, Katakana
    ("\u3130", "\u318f"),  # Hangul compatibility Jamo
    ("\u3400", "\u4dbf"),  # CJK Unified Ideographs Extension A
    ("\u4e00", "\u9fff"),  # CJK Unified Ideographs
    ("\uac00", "\ud7af"),  # Hangul syllables
    ("\uf900", "\ufaff"),  # CJK Compatibility Ideographs
    ("\uff66", "\uff9f"),  # Halfwidth Katakana
)
NO_SPACE_SCRIPT_CLASS = "".join(f"{a}-{b}" for a, b in NO_SPACE_SCRIPT_RANGES)

# PostgreSQL's English stop-word list (Snowball's), so both engines drop the same words.
STOP_WORDS = frozenset({
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
    "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself",
    "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which",
    "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was", "were", "be",
    "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an",
    "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by",
    "for", "with", "about", "against", "between", "into", "through", "during", "before",
    "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over",
    "under", "again", "further", "then", "once", "here", "there", "when", "where", "why",
    "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no",
    "nor", "not", "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will",
    "just", "don", "should", "now",
})

_WORD = re.compile(r"[^\W_]+")
_NO_SPACE = re.compile(f"[{NO_SPACE_SCRIPT_CLASS}]")
# A quoted phrase (the closing quote may be missing at the very end), or a bare token.
_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')


@dataclass(frozen=True)
class Term:
    """A word or a phrase, as the word tokens it contains."""

    words: tuple[str, ...]

    @property
    def text(self):
        return " ".join(self.words)

    @property
    def needs_substring_match(self):
        """True for CJK and Hangul, where a word is found inside longer runs of text."""
        return bool(_NO_SPACE.search(self.text))


@dataclass(frozen=True)
class Query:
    """``groups`` must all match (AND); any term of a group may (OR). ``excluded`` must not."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    text: str = field(default="", compare=False)

    def __bool__(self):
        # A query of exclusions only would list the whole site: treat it as empty.
        return bool(self.groups)

    @property
    def terms(self):
        """Every term that must match, for highlighting."""
        return tuple(term for group in self.groups for term in group)


def parse(text: str) -> Query:
    """Parse what a reader typed into a ``Query``; never raises."""
    text = unicodedata.normalize("NFC", str(text or ""))[:MAX_QUERY_CHARS]
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = pending_not = False
    count = 0
    for match in _TOKEN.finditer(text):
        if count >= MAX_TERMS:
            break
        negated, phrase, bare = match.groups()
        if phrase is None:
            if bare == "OR":
                # Only between two positive terms; a leading or doubled OR is ignored.
                pending_or = bool(groups)
                continue
            if bare == "AND":
                continue  # what two terms side by side already mean
            if bare == "NOT":
                pending_not = True
                continue
            negated = bare.startswith("-") and len(bare) > 1
            phrase = bare[1:] if negated else bare
            term = _term(phrase)
            # A lone stop word is dropped; "AT&T" (two stop words as one token) is kept.
            if term is not None and len(term.words) == 1 and term.words[0] in STOP_WORDS:
                continue
        else:
            term = _term(phrase)
        if term is None:
            continue
        negated = bool(negated) or pending_not
        pending_not = False
        count += 1
        if negated:
            excluded.append(term)
            pending_or = False
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    return Query(
        groups=_unique(_unique(g) for g in groups),
        excluded=_unique(excluded),
        text=text,
    )


def _term(text):
    # Both engines fold case; folding here too makes "AI" and "ai" one term.
    words = tuple(w[:MAX_WORD_CHARS].lower() for w in _WORD.findall(text))
    return Term(words) if words else None


def _unique(terms):
    return tuple(dict.fromkeys(terms))
