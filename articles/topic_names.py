"""What makes two topic names one topic: the single rule every writer applies.

The importer, taggit's ``add``/``set``/``remove`` (``articles.models.TopicManager``),
``Topic.save`` and the admin forms all call these, so "Computer  Vision",
"computer vision" and "COMPUTER VISION" are one topic wherever they come from,
and no path can write a name whose key another topic already has.

Pure Python: the importer's parser uses it in worker processes.
"""

MAX_LENGTH = 100  # Topic.name and Topic.key columns


def topic_name(text: str) -> str:
    """The name as stored and shown: trimmed, each run of whitespace one space."""
    return " ".join(text.split())


def topic_key(text: str) -> str:
    """The identity of a topic: its name, case-folded (``AI`` == ``ai``)."""
    return topic_name(text).casefold()


def topic_name_problem(text: str) -> str | None:
    """Why ``text`` cannot name a topic, or None."""
    name = topic_name(text)
    if not name:
        return "a topic name cannot be empty"
    # Case folding can lengthen a name (ß -> ss), and the key has a column too.
    longest = max(len(name), len(name.casefold()))
    if longest > MAX_LENGTH:
        return f"a topic name is at most {MAX_LENGTH} characters long, got {longest:,}"
    return None
