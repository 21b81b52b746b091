"""An article's history page and compare page: which versions it had, and how two differ.

The history lists revisions newest first, a page at a time: an article can
have hundreds, and each holds a whole body. Only the shown page's contents
are read (plus the one just before it), so "what changed" costs one query
whatever the length of the history. The compare page sets any two versions
side by side: a revision, or the article's live content or pending version
as they are now.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404

from revisions import content as contents
from revisions import diffing
from revisions.models import Revision

from . import editorial
from .workflow import when

PER_PAGE = 50
# The compare page's names for the two versions that are not a fixed revision.
LIVE, PENDING = "live", "pending"


@dataclass
class Row:
    """One revision as the history lists it."""

    revision: Revision
    changed: list  # field labels changed since the revision before it; None for the first one
    state: str  # "live", "current", "pending", "sent_back", "was_live" or ""
    state_text: str
    editable: bool  # what an editor starts from now: restoring it would change nothing


def revisions_page(article, number):
    """``(page, rows)``: the ``number``-th page of ``article``'s revisions, newest first.

    One query counts (on the article's revision index) and one reads the
    page's revisions and the revision just older than the page, whose content
    the last row is compared with.
    """
    ordered = Revision.objects.filter(article=article).order_by("-created_at", "-id")
    paginator = Paginator(ordered.values_list("pk", flat=True), PER_PAGE)
    page = paginator.get_page(number)  # a page number out of range or not a number: the nearest page
    start = page.start_index() - 1 if paginator.count else 0
    fetched = list(ordered.select_related("user")[start:start + PER_PAGE + 1])
    shown = fetched[:PER_PAGE]
    states = _states(article)
    rows = []
    for index, revision in enumerate(shown):
        older = fetched[index + 1] if index + 1 < len(fetched) else None
        changed = (
            [contents.LABELS[name] for name in contents.changed_fields(older.content, revision.content)]
            if older is not None else None
        )
        state = states.get(revision.pk) or ("was_live" if revision.was_live else "")
        editable = state in ("pending", "sent_back") or (
            state in ("live", "current") and article.pending_revision_id is None
        )
        rows.append(Row(revision, changed, state, STATE_TEXT[state], editable))
    return page, rows


STATE_TEXT = {
    "live": "Live now",
    "current": "Current (not public)",
    "pending": "Pending: waits for a publisher",
    "sent_back": "Pending, sent back to its editor",
    "was_live": "Was live",
    "": "",
}


def _states(article):
    """``{revision id: state}`` for the revision readers see now (or the current one) and the pending one."""
    states = {}
    pending_id = article.pending_revision_id
    others = Revision.objects.filter(article=article).exclude(pk=pending_id).order_by("-created_at", "-id")
    if article.is_live():
        live_id = others.filter(was_live=True).values_list("pk", flat=True).first()
        if live_id is not None:
            states[live_id] = "live"
    else:
        current_id = others.values_list("pk", flat=True).first()
        if current_id is not None:
            states[current_id] = "current"
    if pending_id is not None:
        states[pending_id] = "sent_back" if article.pending_sent_back else "pending"
    return states


# --- the compare page ------------------------------------------------------------------------


@dataclass
class Side:
    """One of the two versions compared."""

    key: str  # what the form sends: a revision id, "live" or "pending"
    title: str
    content: dict
    revision: Revision | None = None

    @property
    def describe(self):
        revision = self.revision
        if revision is None:
            return self.title
        return (
            f"{self.title}: {when(revision.created_at)}, {revision.get_origin_display().lower()} "
            f"by {revision.author()}"
        )


def side(article, key):
    """The version ``key`` names (a revision id of this article, "live" or "pending"), or 404."""
    key = (key or "").strip()
    if key == LIVE:
        title = "Live version" if article.is_live() else "Current version (not public)"
        return Side(LIVE, title, editorial.live_content(article))
    if key == PENDING:
        content = editorial.pending_content(article)
        if content is None:
            raise Http404("This article has no pending version.")
        return Side(PENDING, "Pending version", content, article.pending_revision)
    if not key.isdigit() or not 0 < int(key) < 2**63:
        raise Http404("No such version.")
    revision = Revision.objects.filter(article=article, pk=int(key)).select_related("user").first()
    if revision is None:
        raise Http404("No such version of this article.")
    return Side(key, f"Version {revision.pk}", contents.normalise(revision.content), revision)


def compare(article, old_key, new_key):
    """``(old side, new side, field diffs)`` for the compare page."""
    old, new = side(article, old_key), side(article, new_key)
    return old, new, diffing.compare(old.content, new.content)
