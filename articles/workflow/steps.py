"""The workflow steps: one class each, holding everything about the step.

A step class says where it may start (``sources``), where it leads
(``target``), who may take it (``permission``), what it asks for (its note and
``form_class``), what it checks beyond that (``refusal``, ``check_options``) and
what it writes (``changes``, ``execute``). Registered with ``@register``, it
appears everywhere by itself: ``take``/``apply_many``, the change form's
buttons, the step page and, with a ``bulk`` description, an action on the
admin list (with a confirmation page when it needs input). The shape follows
Wagtail's ``wagtail.actions`` (a class per action with its checks,
permission and ``execute()``), minus the per-call state: a step object is
shared, and everything about one use arrives as arguments.

Every write goes through ``Step.write``: the version claim, the change and one
audit row (``Transition``) in one transaction, or a ``WorkflowError`` and
nothing changed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from revisions import content as contents
from revisions.models import Revision

from .. import editorial
from ..models import Article, Correction, ShareLink, Transition
from .errors import NotPermitted, TransitionNotAllowed
from .forms import EmbargoForm, Notice, RestoreForm, ScheduleForm, StepForm
from .records import audit_pair, claim, content_changes, stale
from .visibility import when

Status = Article.Status
NOT_KILLED = frozenset(set(Status) - {Status.KILLED})

# The registry, in workflow order (the order of buttons and bulk actions).
STEPS: dict[str, Step] = {}


def register(cls):
    """Class decorator: make the step ``cls`` available everywhere under ``cls.name``."""
    STEPS[cls.name] = cls()
    return cls


class Step:
    """One kind of workflow step. Subclasses set the attributes and override the hooks."""

    name = ""  # also the audit row's action
    label = ""  # button text
    verb = ""  # for messages: "You may not <verb> articles."
    permission = ""
    sources = frozenset()  # states it may start from
    target = None  # where it leads; None: the state stays as it is
    note_required = False
    # Takes the article off the site: its share links stop working too, or a
    # link would go on showing it (and whatever a later re-import wrote).
    withdraws = False
    note_label = ""  # the note field's label; empty: "Note"
    note_help = ""
    form_class = StepForm
    bulk = ""  # the admin list's action description; empty: no bulk action
    # Whether the change form offers it as a button. A step that needs a choice
    # made elsewhere (restore: which revision) is opened from that page instead.
    button = True
    # Form fields a step page opened with ``?name=value`` starts with (the choice made elsewhere).
    query_fields = ()
    warning = ""  # shown on the step page before confirming
    bulk_warning = ""  # the same, on the bulk confirmation page

    def __repr__(self):
        return f"<Step {self.name}>"

    # --- questions ---

    def refusal(self, user, article=None):
        """The refusal ``user`` would meet (a ``WorkflowError``, not raised), or None.

        Checks the permission, and with ``article`` its state too; the step's
        own input (notes, times) is checked when it is taken.
        """
        if user is None or not user.has_perm(self.permission):
            return NotPermitted(f"You may not {self.verb} articles.")
        if article is not None and article.status not in self.sources:
            return TransitionNotAllowed(
                f"You cannot {self.verb} an article that is {article.get_status_display().lower()}.",
                code="illegal_transition",
            )
        return None

    @property
    def needs_input(self):
        """Whether taking it asks for more than a confirmation (a bulk action then asks first)."""
        return self.note_required or bool(set(self.form_class.base_fields) - set(StepForm.base_fields))

    # --- the form ---

    def form(self, data=None, *, articles=(), bulk=False, initial=None):
        """The step's form about ``articles``, bound to ``data`` if given."""
        return self.form_class(data, step=self, articles=articles, bulk=bulk, initial=initial)

    def initial(self, article):
        """The form's starting values for ``article``: the version it shows, and the step's own."""
        return {"version": article.version}

    def notices(self, articles, *, bulk=False):
        """Warnings to show before the user confirms the step on ``articles``."""
        text = self.bulk_warning if bulk else self.warning
        return [Notice(text)] if text else []

    # --- taking it ---

    def execute(self, article, *, by, note="", expected_version=None, **options):
        """Take the step on ``article`` as ``by``; returns the audit row.

        Raises ``StaleArticle`` if the article changed since ``expected_version``,
        ``NotPermitted`` or ``TransitionNotAllowed`` if refused; then nothing changed.
        """
        self.check(article, by, note=note, expected_version=expected_version, **options)
        return self.write(
            article, by, note=note, expected_version=expected_version, changes=self.changes(article, **options)
        )

    def check(self, article, by, *, note="", expected_version=None, **options):
        """Raise the refusal the step meets, if any: a stale version, the rules, the input."""
        if expected_version is not None and expected_version != article.version:
            raise stale(article)
        refusal = self.refusal(by, article)
        if refusal is not None:
            raise refusal
        if self.note_required and not note.strip():
            raise TransitionNotAllowed(f"Say why you {self.verb} it: a note is required.", code="note_required")
        self.check_options(article, by, **options)

    def check_options(self, article, by, **options):
        """Raise a ``WorkflowError`` if the step's own input is wrong for ``article``."""

    def changes(self, article, **options):
        """The fields the step writes besides ``status`` (set from ``target``)."""
        return {}

    def apply(self, article):
        """Change the article's content, inside ``write``'s transaction after the claim.

        Returns ``{field: [old, new]}`` for the audit row; most steps change
        only the fields of ``changes`` and leave this as it is.
        """
        return {}

    def write(self, article, by, *, note, expected_version, changes=None):
        """Claim the version, write ``changes`` and one audit row, in one transaction.

        The audit row keeps the old and new value of each field the step
        changed (the status is its from/to columns).
        """
        changes = dict(changes or {})
        if self.target is not None:
            changes["status"] = self.target
        from_status = article.status
        with transaction.atomic():
            claim(article, expected_version)
            recorded = {
                name: audit_pair(name, getattr(article, name), value)
                for name, value in changes.items() if name != "status" and getattr(article, name) != value
            }
            for name, value in changes.items():
                setattr(article, name, value)
            article.save(update_fields=[*changes, "version", "updated_at"])
            recorded.update(self.apply(article))
            entry = Transition.objects.create(
                article=article, action=self.name, from_status=from_status,
                to_status=article.status, user=by, note=note, changes=recorded,
            )
            if self.withdraws:
                ShareLink.objects.filter(article=article, revoked_at__isnull=True).update(
                    revoked_at=entry.at, revoked_by=by
                )
            return entry


# --- the steps, in workflow order ------------------------------------------------


@register
class Submit(Step):
    """Send a draft (or a withdrawn article) to the publishers for review."""

    name, label, verb = "submit", "Submit for review", "submit"
    permission = "articles.submit_article"
    sources = frozenset({Status.DRAFT, Status.UNPUBLISHED})
    target = Status.IN_REVIEW
    bulk = "Submit selected articles for review"


@register
class SendBack(Step):
    """Return an article in review to draft; the note tells the author why."""

    name, label, verb = "send_back", "Send back to draft", "send back"
    permission = "articles.send_back_article"
    sources = frozenset({Status.IN_REVIEW})
    target = Status.DRAFT
    note_required = True
    note_help = "Tell the author what to change."


@register
class Publish(Step):
    """Publish now. An embargo still holds: ``live()`` hides the article until it passes.

    Publishers are the reviewers, so they may publish a draft directly.
    """

    name, label, verb = "publish", "Publish", "publish"
    permission = "articles.publish_article"
    sources = frozenset({Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED, Status.ARCHIVED})
    target = Status.PUBLISHED
    bulk = "Publish selected articles"

    def changes(self, article, **options):
        # A house article is dated when it is first published, not when its draft was begun
        # (an imported one keeps the date its file gives).
        if article.is_house and not article.transitions.filter(
            action__in=[Transition.Action.PUBLISH, Transition.Action.SCHEDULE]
        ).exists():
            return {"published_at": timezone.now()}
        return {}

    def notices(self, articles, *, bulk=False):
        now = timezone.now()
        held = [a for a in ([] if bulk else articles) if a.embargo_until and a.embargo_until > now]
        return [
            *super().notices(articles, bulk=bulk),
            *(Notice(f"The embargo still holds after publishing: readers see the article from "
                     f"{when(article.embargo_until)}.") for article in held),
        ]


@register
class Schedule(Step):
    """Publish with a go-live and/or expiry time (None: now / never).

    Publishing an article that is not published yet also needs the publish
    permission. An expiry must lie in the future and after the go-live time.
    A go-live time ahead takes a live article offline until then; the form
    asks the user to confirm that.
    """

    name, label, verb = "schedule", "Schedule", "schedule"
    permission = "articles.schedule_article"
    sources = NOT_KILLED
    target = Status.PUBLISHED
    form_class = ScheduleForm
    bulk = "Schedule selected articles…"

    def refusal(self, user, article=None):
        refusal = super().refusal(user, article)
        if refusal is None and article is not None and article.status != Status.PUBLISHED:
            # Scheduling an unpublished article publishes it.
            return STEPS["publish"].refusal(user)
        return refusal

    def initial(self, article):
        return {**super().initial(article), "go_live_at": article.go_live_at, "expire_at": article.expire_at}

    def check_options(self, article, by, go_live_at=None, expire_at=None):
        if expire_at is None:
            return
        if expire_at <= timezone.now():
            raise TransitionNotAllowed(
                "The expiry time has already passed; unpublish the article instead.", code="expiry_in_past"
            )
        if go_live_at is not None and expire_at <= go_live_at:
            raise TransitionNotAllowed(
                "The expiry time must be after the go-live time.", code="expiry_before_go_live"
            )

    def changes(self, article, go_live_at=None, expire_at=None):
        return {"go_live_at": go_live_at, "expire_at": expire_at}


@register
class Embargo(Step):
    """Set, move or lift (``until=None``) the embargo.

    Anyone who may change articles may hold a story back; bringing a published
    article's embargo forward or lifting it lets readers see it sooner, so that
    needs the publish permission.
    """

    name, label, verb = "embargo", "Embargo", "embargo"
    permission = "articles.change_article"
    sources = NOT_KILLED
    form_class = EmbargoForm

    def initial(self, article):
        return {**super().initial(article), "until": article.embargo_until}

    def check_options(self, article, by, until=None):
        current = article.embargo_until
        loosens = current is not None and current > timezone.now() and (until is None or until < current)
        if loosens and article.status == Status.PUBLISHED and not by.has_perm(STEPS["publish"].permission):
            raise NotPermitted("You may not lift or shorten the embargo of a published article.")

    def changes(self, article, until=None):
        return {"embargo_until": until}


@register
class Unpublish(Step):
    """Withdraw a published article; it may be submitted or published again later.

    Its share links stop working: a new one may be made for the next draft.
    """

    name, label, verb = "unpublish", "Unpublish", "unpublish"
    permission = "articles.unpublish_article"
    sources = frozenset({Status.PUBLISHED})
    target = Status.UNPUBLISHED
    withdraws = True
    bulk = "Unpublish selected articles"


@register
class Archive(Step):
    """Take a published or withdrawn article off the site and keep it for the record.

    Its share links stop working.
    """

    name, label, verb = "archive", "Archive", "archive"
    permission = "articles.archive_article"
    sources = frozenset({Status.PUBLISHED, Status.UNPUBLISHED})
    target = Status.ARCHIVED
    withdraws = True
    bulk = "Archive selected articles"


@register
class Correct(Step):
    """Attach a dated correction to a live article; ``execute`` returns the ``Correction``.

    The note is shown to readers and the article's modified date moves to now.
    """

    name, label, verb = "correct", "Add correction", "correct"
    permission = "articles.correct_article"
    sources = frozenset({Status.PUBLISHED})
    note_required = True
    note_label = "Correction"
    note_help = "Shown to readers under the article, with today's date."

    def refusal(self, user, article=None):
        refusal = super().refusal(user, article)
        if refusal is None and article is not None and not article.is_live():
            return TransitionNotAllowed(
                "Only a live article can carry a correction; edit it before it goes live.", code="not_live"
            )
        return refusal

    def execute(self, article, *, by, note="", expected_version=None):
        self.check(article, by, note=note, expected_version=expected_version)
        now = timezone.now()
        with transaction.atomic():
            self.write(article, by, note=note, expected_version=expected_version, changes={"modified_at": now})
            editorial.record_correction(article, by=by, note=note)
            return Correction.objects.create(article=article, note=note, created_at=now, created_by=by)


@register
class PublishChanges(Step):
    """Make a published article's pending version (an editor's changes) what readers see.

    The page shows "Updated" from now on. Open only while there are changes
    waiting; a publisher may also save and publish in one go from the form.
    """

    name, label, verb = "publish_changes", "Publish changes", "publish changes of"
    permission = "articles.publish_article"
    sources = frozenset({Status.PUBLISHED})
    bulk = "Publish changes of selected articles"

    def refusal(self, user, article=None):
        refusal = super().refusal(user, article)
        if refusal is None and article is not None and article.pending_revision_id is None:
            return TransitionNotAllowed("There are no changes waiting to be published.", code="no_changes")
        return refusal

    def apply(self, article):
        before = editorial.live_content(article)
        editorial.publish_pending(article)
        return content_changes(before, editorial.live_content(article))


@register
class SendBackChanges(Step):
    """Return an article's pending changes to their editor with a note; readers keep the live version.

    The changes stay (the editor goes on from them) but leave the review queue
    until the next save.
    """

    name, label, verb = "send_back_changes", "Send changes back", "send back changes of"
    permission = "articles.publish_article"  # publishers review changes; editors make them
    sources = NOT_KILLED
    note_required = True
    note_help = "Tell the editor what to change; it is shown on the article's page in the admin."

    def refusal(self, user, article=None):
        refusal = super().refusal(user, article)
        if refusal is None and article is not None and (
            article.pending_revision_id is None or article.pending_sent_back
        ):
            return TransitionNotAllowed("There are no changes waiting for review.", code="no_changes")
        return refusal

    def apply(self, article):
        editorial.send_back_pending(article)
        return {}


@register
class Kill(Step):
    """Withdraw an article for legal reasons, for good: its URL answers 410 Gone.

    Share links to it stop working too.
    """

    name, label, verb = "kill", "Kill", "kill"
    permission = "articles.kill_article"
    sources = NOT_KILLED
    target = Status.KILLED
    note_required = True
    withdraws = True
    note_label = "Legal reason"
    note_help = "Kept in the audit trail; readers only see that the article was withdrawn."
    bulk = "Kill selected articles…"
    warning = (
        "Killing withdraws the article for good: its public address will answer “410 Gone”, its share "
        "links stop working and it can no longer be edited or republished."
    )
    bulk_warning = (
        "Are you sure? Killing withdraws these articles for good: their public addresses will answer "
        "“410 Gone” and they cannot be republished."
    )


@register
class Restore(Step):
    """Bring an old revision's content back as the article's next version; returns the audit row.

    On a published article the restored content becomes the pending version:
    readers keep the live one until a publisher publishes the changes, unless
    a publisher explicitly asks to publish it at once. On any other article it
    is written straight away. Taken from the history page, which names the
    revision (``revision=``, a ``Revision`` of this article or its id), so the
    change form has no button for it.
    """

    name, label, verb = "restore", "Restore this version", "restore"
    permission = "articles.change_article"
    sources = NOT_KILLED
    form_class = RestoreForm
    button = False
    query_fields = ("revision",)

    def check_options(self, article, by, revision=None, publish=False):
        if revision is None or revision.article_id != article.pk:
            raise TransitionNotAllowed(
                "Choose the version to restore on the article's history page.", code="no_revision"
            )
        if publish and article.status == Status.PUBLISHED and not by.has_perm(STEPS["publish"].permission):
            raise NotPermitted("You may not publish changes: restore it as the pending version instead.")
        unchanged = not contents.changed_fields(
            editorial.editable_content(article), editorial.restorable_content(article, revision)[0]
        )
        if unchanged and not (publish and article.pending_revision_id):
            raise TransitionNotAllowed(
                "That version is the same as the current one: nothing to restore.", code="nothing_to_restore"
            )

    def execute(self, article, *, by, note="", expected_version=None, revision=None, publish=False):
        revision = self._revision(article, revision)
        self.check(article, by, note=note, expected_version=expected_version, revision=revision, publish=publish)
        publish = publish and article.status == Status.PUBLISHED
        restored, missing = editorial.restorable_content(article, revision)
        changed = contents.changed_fields(editorial.editable_content(article), restored)
        if not editorial.holds_changes(article):
            outcome = "written at once"
        elif publish:
            outcome = "published at once"
        else:
            outcome = "as the pending version, for a publisher to publish"
        audit = (
            f"Restored the version of {when(revision.created_at)} (revision {revision.pk}, "
            f"{revision.author()}), {outcome}."
            + (f" Changed: {', '.join(contents.LABELS[name].lower() for name in changed)}." if changed else "")
            + (f" Left out of the byline, deleted since: {', '.join(missing)}." if missing else "")
            + (f"\n{note.strip()}" if note.strip() else "")
        )
        with transaction.atomic():
            entry = self.write(article, by, note=audit, expected_version=expected_version)
            editorial.restore(article, revision, by=by, message=note.strip(), publish=publish)
            return entry

    @staticmethod
    def _revision(article, revision):
        """``revision`` as a ``Revision`` of ``article`` (an id is looked up), or None."""
        if revision is None or isinstance(revision, Revision):
            return revision
        return Revision.objects.filter(pk=revision, article=article).first()
