"""The input of a workflow step: a note for the audit trail, and a step's own fields.

A step names its form (``Step.form_class``); the admin's step page and its
bulk confirmation page both show it, with the step's warnings above it. The
form only collects and checks input; the step decides and writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from revisions import content as contents
from revisions.models import Revision

from .. import editorial
from ..models import Article
from ..widgets import SplitDateTimeWidget
from .visibility import when

# A bulk page names at most this many articles in a warning.
NAMED_IN_NOTICE = 100


@dataclass(frozen=True)
class Notice:
    """A warning above a step's form, optionally naming the articles it is about."""

    text: str
    articles: list = field(default_factory=list)
    more: int = 0  # how many more there are than ``articles`` names


class StepForm(forms.Form):
    """Confirm one workflow step on one article or many, with a note for the audit trail.

    ``articles`` are the articles the step is about to change (a list, or the
    bulk action's queryset); ``bulk`` says which page asks.
    """

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, step, articles=(), bulk=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.articles = articles
        self.bulk = bulk
        note = self.fields["note"]
        note.required = step.note_required
        note.label = step.note_label or note.label
        note.help_text = step.note_help

    def options(self):
        """Keyword arguments for ``Step.execute`` besides the note."""
        return {}

    def notices(self):
        """What the page warns about before the user confirms."""
        return self.step.notices(self.articles, bulk=self.bulk)


class ScheduleForm(StepForm):
    go_live_at = forms.SplitDateTimeField(
        label="Go live at", required=False, widget=SplitDateTimeWidget,
        help_text="Empty: as soon as it is published.",
    )
    expire_at = forms.SplitDateTimeField(
        label="Expire at", required=False, widget=SplitDateTimeWidget,
        help_text="Empty: never.",
    )
    take_offline = forms.BooleanField(
        label="Take live articles offline until the go-live time", required=False,
        help_text="Needed when a live article gets a go-live time in the future: readers stop seeing it until then.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.live, self.live_count = _live(self.articles)
        if not self.live_count:
            # Nothing to take offline: no box to tick.
            del self.fields["take_offline"]

    def clean(self):
        cleaned = super().clean()
        go_live = cleaned.get("go_live_at")
        if self._takes_offline(go_live) and not cleaned.get("take_offline"):
            self.add_error("take_offline", ValidationError(
                f"{self._offline_sentence(go_live)} Tick the box to go ahead; nothing was changed.",
                code="takes_live_offline",
            ))
        return cleaned

    def options(self):
        return {"go_live_at": self.cleaned_data["go_live_at"], "expire_at": self.cleaned_data["expire_at"]}

    def notices(self):
        notices = super().notices()
        if not self.live_count:
            return notices
        go_live = self.cleaned_data.get("go_live_at") if hasattr(self, "cleaned_data") else None
        if self._takes_offline(go_live):
            text = self._offline_sentence(go_live)
        elif self.live_count == 1 and not self.bulk:
            text = "This article is live now: a go-live time in the future takes it off the site until then."
        else:
            text = (
                f"{_these(self.live_count)} live now: a go-live time in the future takes "
                f"{'it' if self.live_count == 1 else 'them'} off the site until then."
            )
        shown = self.live if self.bulk else []
        return [*notices, Notice(text, shown, self.live_count - len(shown) if self.bulk else 0)]

    def _takes_offline(self, go_live):
        return bool(self.live_count and go_live and go_live > timezone.now())

    def _offline_sentence(self, go_live):
        if self.live_count == 1 and not self.bulk:
            subject = "This article is"
        else:
            subject = _these(self.live_count)
        return f"{subject} live now and will disappear from the site until {when(go_live)}."


def _these(count):
    return "This 1 article is" if count == 1 else f"These {count} articles are"


def _live(articles):
    """``(the first live ones, how many are live)`` among ``articles`` (a queryset or a list)."""
    if hasattr(articles, "live"):
        live = articles.live()
        shown = list(live.order_by("pk")[:NAMED_IN_NOTICE])
        return shown, (len(shown) if len(shown) < NAMED_IN_NOTICE else live.count())
    live = [article for article in articles if article.is_live()]
    return live[:NAMED_IN_NOTICE], len(live)


class EmbargoForm(StepForm):
    until = forms.SplitDateTimeField(
        label="Embargo until", required=False, widget=SplitDateTimeWidget,
        help_text="Nothing public shows the article before this time. Empty: no embargo.",
    )

    def options(self):
        return {"until": self.cleaned_data["until"]}


class RestoreForm(StepForm):
    """Which revision to bring back (chosen on the history page), and whether to publish it at once."""

    # Hidden, so its errors are the form's own (``clean``): a hidden field's would not show.
    revision = forms.CharField(widget=forms.HiddenInput, required=False)
    publish = forms.BooleanField(
        label="Publish the restored version now", required=False,
        help_text="Publishers only. Unticked, it waits as the pending version until a publisher "
        "publishes the changes; readers keep the current one meanwhile.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = self.articles[0] if len(self.articles) == 1 else None
        if self.article is None or self.article.status != Article.Status.PUBLISHED:
            # Not published: the restore is written at once, nothing to publish.
            del self.fields["publish"]

    def clean(self):
        cleaned = super().clean()
        revision = self.chosen_revision(cleaned.get("revision"))
        if revision is None:
            raise ValidationError(
                "Choose the version to restore on the article's history page: that one is not one of "
                "this article's.", code="unknown_revision",
            )
        cleaned["revision"] = revision
        return cleaned

    def chosen_revision(self, value):
        try:
            revision_id = int(value)
        except (TypeError, ValueError):
            return None
        if self.article is None or not 0 < revision_id < 2**63:
            return None
        return Revision.objects.filter(pk=revision_id, article=self.article).select_related("user").first()

    def options(self):
        return {"revision": self.cleaned_data["revision"], "publish": self.cleaned_data.get("publish", False)}

    def notices(self):
        value = self.data.get("revision") if self.is_bound else self.initial.get("revision")
        revision = self.chosen_revision(value)
        if revision is None:
            return super().notices()
        changed = contents.changed_fields(editorial.editable_content(self.article), revision.content)
        against = "pending" if self.article.pending_revision_id else "current"
        what = (
            f"Compared with the {against} version it changes: "
            + ", ".join(contents.LABELS[name].lower() for name in changed) + "."
            if changed else f"It is the same as the {against} version: there is nothing to restore."
        )
        texts = [
            f"You are restoring the version of {when(revision.created_at)} by {revision.author()} "
            f"({revision.get_origin_display().lower()}). {what}"
        ]
        if self.article.status == Article.Status.PUBLISHED:
            texts.append(
                "This article is published: the restored version becomes its pending version, and "
                "readers keep the current one until a publisher publishes the changes."
            )
        return [*super().notices(), *(Notice(text) for text in texts)]
