"""Split an article file and read its front matter as a checked YAML node tree.

This module implements sections 1 and 2 of the format specification
(docs/format.md): size, encoding, NUL and empty checks, the ``---``
delimiters, and safe YAML with an allow-list of tags, no duplicate keys and
limits on depth and size. It stops at the node tree: what the values *mean* is
decided in ``validation``.

YAML is read in three passes, each cheap and each guarding the next:

1. libyaml's event stream, for the nesting depth, the node count, explicit
   tags and escaped NUL characters. libyaml's composer recurses in C and
   kills the whole process with a segmentation fault on very deep nesting, so
   nothing is composed before this pass has seen the depth stay within the
   limit.
2. libyaml's composer, for the node graph (anchors and aliases shared).
3. One walk over the graph, memoised per node, that counts nodes and depth as
   if aliases were expanded (without expanding them), rejects duplicate keys
   and applies merge keys (``<<``).

Values are never constructed here, so no tag can ever run code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .errors import ArticleFileError

try:
    _BaseLoader = yaml.CSafeLoader
    LIBYAML = True
except AttributeError:  # PyYAML built without libyaml: correct, about ten times slower
    _BaseLoader = yaml.SafeLoader
    LIBYAML = False

MAX_FILE_SIZE = 1_048_576  # bytes (1 MiB)
MAX_DEPTH = 32  # nested collections; the root mapping is depth 1
MAX_NODES = 10_000  # scalars + collections, keys included, aliases expanded

# The opening delimiter is line 1, so the YAML text starts on line 2 of the file.
FIRST_YAML_LINE = 2

YAML_TAG_PREFIX = "tag:yaml.org,2002:"
STR_TAG = YAML_TAG_PREFIX + "str"
INT_TAG = YAML_TAG_PREFIX + "int"
FLOAT_TAG = YAML_TAG_PREFIX + "float"
BOOL_TAG = YAML_TAG_PREFIX + "bool"
NULL_TAG = YAML_TAG_PREFIX + "null"
TIMESTAMP_TAG = YAML_TAG_PREFIX + "timestamp"
SEQ_TAG = YAML_TAG_PREFIX + "seq"
MAP_TAG = YAML_TAG_PREFIX + "map"
MERGE_TAG = YAML_TAG_PREFIX + "merge"

_SCALAR_TAGS = frozenset({STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG, TIMESTAMP_TAG})

# The safe loader's own implicit resolvers (plain ``yes`` is a bool, ``2021`` an int...),
# by first character, as PyYAML's Resolver.resolve looks them up.
_IMPLICIT_RESOLVERS = {
    first: tuple(resolvers) for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class _Loader(_BaseLoader):
    """The safe loader with a leaner ``resolve``, which the composer calls for every node.

    Same tags as the safe loader's (its implicit resolvers, no path resolvers),
    about a fifth less time to compose: it skips the per-node path-resolver
    bookkeeping and list concatenations of the general version.
    """

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT_RESOLVERS.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return STR_TAG
        return SEQ_TAG if kind is SequenceNode else MAP_TAG

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


_FOREIGN_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_UTF8_BOM = b"\xef\xbb\xbf"

_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t\f\v]*\n)+")


@dataclass(frozen=True)
class FrontMatter:
    """A checked front matter and the body that follows it.

    ``root`` is a non-empty ``MappingNode`` whose graph passed every check of
    section 2 of docs/format.md. Merge keys are already applied: like PyYAML's own
    constructor, every mapping's ``value`` is the merged list of
    ``(key_node, value_node)`` pairs, without ``<<`` entries, and every key is
    a ``ScalarNode`` whose ``value`` is unique in its mapping.
    """

    root: MappingNode
    body: str
    yaml_text: str
    first_line: int = FIRST_YAML_LINE

    def line_of(self, node_or_mark):
        """The 1-based file line of a node or mark of this front matter."""
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        return _line_at(self.yaml_text, mark.index, self.first_line)


def load_front_matter(data: bytes) -> FrontMatter:
    """Check an article file's bytes and return its front matter and body.

    Raises ``ArticleFileError`` for every problem of sections 1 and 2 of
    docs/format.md, in the order they list.
    """
    text = decode_text(data)
    yaml_text, body = split_front_matter(text)
    root = compose_yaml(yaml_text)
    return FrontMatter(root=root, body=body, yaml_text=yaml_text)


def too_large_error(path="") -> ArticleFileError:
    """The rejection of a file over the 1 MiB limit, the same wherever it is noticed.

    The size is not in the message: readers stop one byte past the limit, so
    the real size is often unknown.
    """
    return ArticleFileError(
        "too_large", f"file is larger than the limit of {MAX_FILE_SIZE:,} bytes (1 MiB)", path=path
    )


def check_size(size: int) -> None:
    """Reject a file of ``size`` bytes if it is over the 1 MiB limit."""
    if size > MAX_FILE_SIZE:
        raise too_large_error()


def decode_text(data: bytes) -> str:
    """Return the text of a file: size, encoding, NUL and empty checks, LF line ends."""
    check_size(len(data))
    for bom, name in _FOREIGN_BOMS:
        if data.startswith(bom):
            raise ArticleFileError(
                "encoding",
                f"file starts with a {name} byte-order mark; only UTF-8 is accepted",
                line=1,
            )
    offset = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = offset + error.start
        raise ArticleFileError(
            "encoding",
            f"not valid UTF-8 at byte {position} ({data[position : position + 4]!r}); "
            "the file must be UTF-8",
            line=data.count(b"\n", 0, position) + 1,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise ArticleFileError(
            "nul_byte", "file contains a NUL character (U+0000)", line=_line_at(text, nul, 1)
        )
    if not text or text.isspace():
        raise ArticleFileError("empty_file", "file is empty or contains only whitespace")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text


def split_front_matter(text: str) -> tuple[str, str]:
    """Split decoded text into the YAML between the ``---`` lines and the body.

    The body loses its leading blank lines and trailing whitespace; it is ""
    when there is none.
    """
    first_end = text.find("\n")
    first_line = text if first_end < 0 else text[:first_end]
    if first_line.rstrip(" \t") != "---":
        raise ArticleFileError(
            "no_front_matter",
            f"line 1 must be '---', found {shorten(first_line)}",
            line=1,
        )
    closing = None if first_end < 0 else _find_closing_line(text, first_end)
    if closing is None:
        raise ArticleFileError(
            "unterminated_front_matter",
            "no closing '---' line after the front matter ('...' does not close it)",
            line=1,
        )
    start, end = closing
    body = _LEADING_BLANK_LINES.sub("", text[end + 1 :], count=1).rstrip()
    return text[first_end + 1 : start], body


def _find_closing_line(text, newline):
    """Start and end of the first line after ``newline`` that is ``---`` plus blanks."""
    # str.find is many times faster than a multi-line regex over the whole text.
    while True:
        newline = text.find("\n---", newline)
        if newline < 0:
            return None
        start = newline + 1
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        if not text[start + 3 : end].strip(" \t"):
            return start, end
        newline = end


def compose_yaml(yaml_text: str, first_line: int = FIRST_YAML_LINE) -> MappingNode:
    """Parse front-matter YAML safely and return its checked root mapping node.

    ``first_line`` is the file line the YAML text starts on, for error lines.
    """
    try:
        _check_events(_Loader(yaml_text), yaml_text, first_line)
        root = _Loader(yaml_text).get_single_node()
    except ArticleFileError:
        raise
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in (error.problem or ""):
            # libyaml 0.2.6+ stops deep flow collections itself, while scanning ahead of the
            # events our own depth check reads: the same limit, so the same kind.
            raise ArticleFileError(
                "yaml_limits",
                f"front matter is nested more than {MAX_DEPTH} levels deep",
                line=_error_line(error, yaml_text, first_line),
            ) from None
        raise ArticleFileError(
            "yaml_syntax",
            _yaml_problem(error, yaml_text, first_line),
            line=_error_line(error, yaml_text, first_line),
        ) from None
    except yaml.reader.ReaderError as error:
        character = error.character
        if isinstance(character, int):
            character = chr(character)
        raise ArticleFileError(
            "yaml_syntax",
            f"invalid YAML: character U+{ord(character):04X} is not allowed ({error.reason})",
            line=_reader_error_line(yaml_text, error, first_line),
        ) from None
    except yaml.YAMLError as error:
        raise ArticleFileError("yaml_syntax", shorten(str(error), 200)) from None
    except RecursionError:
        # Not expected after the event pass; kept so a RecursionError can never escape.
        raise ArticleFileError("yaml_limits", "front matter is nested too deeply") from None
    if not isinstance(root, MappingNode) or not root.value:
        raise ArticleFileError(
            "not_a_mapping",
            f"front matter must be a non-empty mapping of fields, but it is {_describe_root(root)}",
            line=first_line,
        )
    _GraphCheck(yaml_text, first_line).check(root)
    return root


def _check_events(loader, yaml_text, first_line):
    """First pass over libyaml's events: depth, node count, tags, one document.

    Stops at the first offending event, before anything deep is composed.
    """
    get_event = loader.get_event
    depth = nodes = documents = 0
    while True:
        event = get_event()
        cls = event.__class__
        if cls is ScalarEvent:
            nodes += 1
            if event.tag is not None and event.tag not in _SCALAR_TAGS:
                _event_error(
                    yaml_text, first_line, event, "yaml_forbidden_tag", _tag_problem(event)
                )
            if "\x00" in event.value:
                # A raw NUL was refused with the file's text; an escape ("\0",
                # "\x00", "\u0000") makes the same character, which PostgreSQL
                # cannot store in any text or JSON column. Keys and unknown
                # keys' values count too: they are stored in ``extra``.
                _event_error(
                    yaml_text,
                    first_line,
                    event,
                    "nul_byte",
                    "a quoted string contains an escaped NUL character (U+0000)",
                )
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            nodes += 1
            depth += 1
            if depth > MAX_DEPTH:
                _event_error(
                    yaml_text,
                    first_line,
                    event,
                    "yaml_limits",
                    f"front matter is nested more than {MAX_DEPTH} levels deep",
                )
            if event.tag is not None and event.tag != (
                MAP_TAG if cls is MappingStartEvent else SEQ_TAG
            ):
                _event_error(
                    yaml_text, first_line, event, "yaml_forbidden_tag", _tag_problem(event)
                )
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            depth -= 1
        elif cls is AliasEvent:
            nodes += 1
        elif cls is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise ArticleFileError(
                    "yaml_syntax",
                    "front matter must be a single YAML document, found another one",
                    line=_line_at(yaml_text, event.start_mark.index, first_line),
                )
        elif cls is StreamEndEvent:
            return
        if nodes > MAX_NODES:
            raise ArticleFileError("yaml_limits", f"front matter has more than {MAX_NODES:,} nodes")


def _tag_problem(event):
    tag = event.tag
    shown = "!!" + tag[len(YAML_TAG_PREFIX) :] if tag.startswith(YAML_TAG_PREFIX) else tag
    where = {
        ScalarEvent: "a scalar",
        MappingStartEvent: "a mapping",
        SequenceStartEvent: "a list",
    }[event.__class__]
    return (
        f"tag {shorten(shown)} is not allowed on {where}; allowed tags are "
        "!!str !!int !!float !!bool !!null !!timestamp (scalars), !!seq and !!map"
    )


def _event_error(yaml_text, first_line, event, kind, message):
    raise ArticleFileError(
        kind,
        message,
        field=_event_path(yaml_text, event),
        line=_line_at(yaml_text, event.start_mark.index, first_line),
    )


def _event_path(yaml_text, target):
    """The field path of the node behind event ``target``, found by replaying the events.

    Only runs when reporting an error, so the first pass stays free of
    path bookkeeping. Events are replayed only up to the target, so this is
    as safe as the first pass on deep input.
    """
    get_event = _Loader(yaml_text).get_event
    target_key = (target.__class__, target.start_mark.index)
    # One frame per open collection: [path, is_mapping, key or next index, expecting a key]
    stack = []
    try:
        while True:
            event = get_event()
            cls = event.__class__
            if cls is StreamEndEvent:
                return ""
            if cls is MappingEndEvent or cls is SequenceEndEvent:
                stack.pop()
                continue
            if cls not in (ScalarEvent, AliasEvent, MappingStartEvent, SequenceStartEvent):
                continue
            path = ""
            if stack:
                frame = stack[-1]
                if not frame[1]:
                    path = f"{frame[0]}[{frame[2]}]"
                    frame[2] += 1
                elif frame[3]:  # a key: report the mapping it belongs to
                    path = frame[0]
                    frame[2] = event.value if cls is ScalarEvent else "?"
                    frame[3] = False
                else:
                    path = _join_field(frame[0], frame[2])
                    frame[3] = True
            if (cls, event.start_mark.index) == target_key:
                return path
            if cls is MappingStartEvent:
                stack.append([path, True, None, True])
            elif cls is SequenceStartEvent:
                stack.append([path, False, 0, False])
    except yaml.YAMLError:
        return ""


class _GraphCheck:
    """The walk of pass 3: limits with aliases expanded, duplicate keys, merges.

    ``_visit`` memoises ``(node count, height)`` per collection node, so an
    alias costs one dictionary look-up however large its target, and a
    "billion laughs" document is rejected after a few thousand steps. A node
    met again while it is still being visited refers to itself: its expansion
    is infinite, which is a limit error too. Recursion is bounded by
    ``MAX_DEPTH`` because depth is checked before descending.

    Mappings with merge keys (or repeated keys) are rewritten in place, as
    PyYAML's constructor does, after their counts are taken: the limits
    count the document as written, with aliases expanded.
    """

    def __init__(self, yaml_text, first_line):
        self.yaml_text = yaml_text
        self.first_line = first_line
        self.memo = {}
        self.root = None

    def check(self, root):
        self.root = root
        self._visit(root, 1)

    def _visit(self, node, depth):
        """``(count, height)`` of the collection ``node`` met at ``depth``, aliases expanded.

        The caller checks the limits on the result, so an error names the
        place where the limit is crossed, even through an alias.
        """
        memo = self.memo
        key = id(node)
        if key in memo:
            done = memo[key]
            if done is None:
                self._fail("yaml_limits", "an alias refers to a collection that contains it", node)
            return done
        memo[key] = None  # in progress
        count = height = 1
        if node.__class__ is MappingNode:
            pairs = node.value
            merges = False
            for key_node, value_node in pairs:
                if key_node.__class__ is not ScalarNode:
                    self._fail(
                        "yaml_syntax", "mapping keys must be scalars, not collections", key_node
                    )
                if key_node.tag == MERGE_TAG:
                    merges = True
                if value_node.__class__ is ScalarNode:
                    count += 2
                else:
                    place = key_node.value
                    sub_count, sub_height = self._visit_child(node, value_node, place, depth)
                    count += 1 + sub_count
                    if sub_height >= height:
                        height = sub_height + 1
                    if count > MAX_NODES:
                        self._too_many(node, value_node, place)
            if merges or len({key_node.value for key_node, _ in pairs}) != len(pairs):
                node.value = self._merged_pairs(node)
        else:
            for index, item in enumerate(node.value):
                if item.__class__ is ScalarNode:
                    count += 1
                else:
                    sub_count, sub_height = self._visit_child(node, item, index, depth)
                    count += sub_count
                    if sub_height >= height:
                        height = sub_height + 1
                    if count > MAX_NODES:
                        self._too_many(node, item, index)
        if count > MAX_NODES:
            self._too_many(node)
        memo[key] = done = (count, height)
        return done

    def _visit_child(self, parent, child, place, depth):
        """Visit the collection at ``place`` (key or index) in ``parent`` and check its depth."""
        # Checked before descending too, so recursion never goes past MAX_DEPTH.
        if depth == MAX_DEPTH:
            self._too_deep(parent, child, place)
        done = self._visit(child, depth + 1)
        if depth + done[1] > MAX_DEPTH:
            self._too_deep(parent, child, place)
        return done

    def _too_deep(self, parent, child, place):
        self._fail(
            "yaml_limits",
            f"front matter is nested more than {MAX_DEPTH} levels deep once aliases are expanded",
            child,
            parent,
            place,
        )

    def _too_many(self, node, child=None, place=None):
        self._fail(
            "yaml_limits",
            f"front matter has more than {MAX_NODES:,} nodes once aliases are expanded",
            node if child is None else child,
            None if child is None else node,
            place,
        )

    def _merged_pairs(self, node):
        """The pairs of a mapping with merge keys applied; rejects duplicates.

        Explicit keys override merged ones; among merged mappings the first
        one listed wins, as the YAML merge-key specification says. The merged
        mappings were visited (and so merged themselves) before this call.
        """
        own = {}
        sources = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                sources.extend(self._merge_sources(value_node))
            elif key_node.value in own:
                self._fail(
                    "yaml_duplicate_key",
                    f"key {shorten(key_node.value)} appears more than once in this mapping",
                    key_node,
                    node,
                    key_node.value,
                )
            else:
                own[key_node.value] = (key_node, value_node)
        merged = {}
        for source in sources:
            for key_node, value_node in source.value:
                if key_node.value not in own and key_node.value not in merged:
                    merged[key_node.value] = (key_node, value_node)
        return [*merged.values(), *own.values()]

    def _merge_sources(self, value_node):
        if value_node.__class__ is MappingNode:
            return [value_node]
        if value_node.__class__ is SequenceNode and all(
            item.__class__ is MappingNode for item in value_node.value
        ):
            return value_node.value
        self._fail(
            "yaml_syntax", "a merge key (<<) needs a mapping or a list of mappings", value_node
        )

    def _fail(self, kind, message, node, parent=None, place=None):
        """Raise ``kind`` at ``node``, named by its ``place`` (key or index) in ``parent`` if given.

        An aliased node has several places; the one in ``parent`` is the one
        that broke the rule.
        """
        if parent is None:
            field = _path_to(self.root, node)
        elif isinstance(place, int):
            field = f"{_path_to(self.root, parent)}[{place}]"
        else:
            field = _join_field(_path_to(self.root, parent), place)
        raise ArticleFileError(
            kind,
            message,
            field=field or "",
            line=_line_at(self.yaml_text, node.start_mark.index, self.first_line),
        )


def _path_to(root, target):
    """The field path (``images[2].url``) of ``target`` in the graph, for errors only."""
    seen = set()
    stack = [(root, "")]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if id(node) in seen or node.__class__ is ScalarNode:
            continue
        seen.add(id(node))
        if node.__class__ is MappingNode:
            for key_node, value_node in reversed(node.value):
                if key_node is target:
                    return path
                stack.append((value_node, _join_field(path, key_node.value)))
        else:
            for index in reversed(range(len(node.value))):
                stack.append((node.value[index], f"{path}[{index}]"))
    return None


def _join_field(path, key):
    return f"{path}.{key}" if path else str(key)


def _line_at(text, index, first_line):
    return first_line + text.count("\n", 0, index)


def _reader_error_line(yaml_text, error, first_line):
    position = error.position
    if LIBYAML:  # libyaml reports a byte offset into the UTF-8 encoding
        position = len(yaml_text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    return _line_at(yaml_text, position, first_line)


def _error_line(error, yaml_text, first_line):
    """The file line to report for a YAML syntax error.

    libyaml gives two marks: the construct it was reading (``while scanning a
    quoted scalar``, at the opening quote) and where it gave up. When it gave
    up at the end of the front matter, something opened was never closed and
    the end of the text (the closing ``---``) says nothing: the construct's
    line is where the mistake is. Marks carry libyaml's own 0-based line.
    """
    problem, context = error.problem_mark, error.context_mark
    if context is not None and (problem is None or _at_end(problem, yaml_text)):
        return first_line + context.line
    if problem is not None:
        return first_line + problem.line
    return None


def _at_end(mark, yaml_text):
    """Whether ``mark`` is past the last non-blank line of the YAML text."""
    return mark.line >= yaml_text.rstrip().count("\n") + 1


def _yaml_problem(error, yaml_text, first_line):
    problem = error.problem
    if problem and error.problem_mark is not None:
        if _at_end(error.problem_mark, yaml_text):
            problem = f"{problem} before the closing '---'"
        elif error.context and error.context_mark is not None:
            # Two places: the error's line is the construct's, so say where it broke too.
            problem = f"{problem} (line {first_line + error.problem_mark.line})"
    context = error.context
    if error.context_mark is not None and context:
        context = f"{context} that starts on line {first_line + error.context_mark.line}"
    return "invalid YAML: " + "; ".join(part for part in (context, problem) if part)


def _describe_root(root):
    if root is None or not root.value:
        return "empty"
    if isinstance(root, SequenceNode):
        return "a list"
    if root.tag == NULL_TAG:
        return "null"
    return f"a single value ({shorten(root.value)})"


def shorten(value, limit=60) -> str:
    """``repr`` of a value cut to ``limit`` characters, to quote it in an error message."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return repr(text)
