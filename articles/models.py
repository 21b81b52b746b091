"""The content model: articles, their images and related coverage, and topics.

What readers may see is decided in exactly one place, ``ArticleQuerySet.live()``
(mirrored by ``Article.is_live()``); every public view, feed, sitemap and search
starts from it.
"""

import hashlib
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase
from taggit.utils import require_instance_manager

from .fields import ShowableDateTimeField
from .topic_names import topic_key, topic_name, topic_name_problem

URL_MAX_LENGTH = 2048


class TopicQuerySet(models.QuerySet):
    def live(self):
        """Topics a live article carries: the only ones whose names readers may see.

        A topic that only drafts, embargoed or withdrawn articles use is
        unpublished news in itself (a name in tomorrow's scoop).
        """
        return self.filter(
            Exists(
                TaggedArticle.objects.filter(
                    tag=OuterRef("pk"), content_object__in=Article.objects.live()
                )
            )
        )


class Topic(TagBase):
    """A subject tag. Identity is ``key``, the case-folded name (``AI`` == ``ai``).

    The rule is ``articles.topic_names``; every way of writing a topic applies it.
    """

    key = models.CharField(max_length=100, unique=True, editable=False)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def clean(self):
        super().clean()
        self.name = topic_name(self.name or "")
        problem = topic_name_problem(self.name)
        if problem:
            raise ValidationError({"name": ValidationError(problem, code="invalid_topic")})
        same = Topic.objects.filter(key=topic_key(self.name)).exclude(pk=self.pk).first()
        if same is not None:
            raise ValidationError({"name": ValidationError(
                f"This is the topic “{same.name}”: names that differ only in case or "
                "spacing are one topic.",
                code="duplicate_topic",
            )})

    def save(self, *args, **kwargs):
        self.name = topic_name(self.name)
        self.key = topic_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})

    @staticmethod
    def key_for(name):
        return topic_key(name)


class TopicManager(_TaggableManager):
    """taggit's tag manager, finding topics by ``Topic.key`` rather than by exact name.

    taggit looks a string up by ``name`` (``iexact`` at best) and creates a tag
    when that misses, so ``topics.add("computer  vision")`` beside an existing
    "Computer Vision" tried to insert a second row with the same key: an
    IntegrityError, and a 500 in the admin. Here strings are matched and
    created by key, so they resolve to the existing topic.
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        model = self.through.tag_model()
        manager = model._default_manager.using(router.db_for_write(self.through, instance=self.instance))
        keys = [topic_key(tag) for tag in tags if isinstance(tag, str)]
        found = {topic.key: topic for topic in manager.filter(key__in=keys, **tag_kwargs)}
        topics = []
        for tag in tags:
            if isinstance(tag, str):
                problem = topic_name_problem(tag)
                if problem:
                    raise ValueError(f"{problem}: {tag[:60]!r}")
                key = topic_key(tag)
                if key not in found:
                    found[key], _ = manager.get_or_create(
                        key=key, defaults={"name": topic_name(tag)}, **tag_kwargs
                    )
                tag = found[key]
            elif not isinstance(tag, model):
                raise ValueError(f"Cannot add {tag!r} ({type(tag)}). Expected {model} or str.")
            if tag not in topics:
                topics.append(tag)
        return topics

    @require_instance_manager
    def remove(self, *tags):
        # taggit removes by exact name; find the stored names by key first.
        keys = [topic_key(tag) if isinstance(tag, str) else tag.key for tag in tags]
        names = self.through.tag_model()._default_manager.filter(key__in=keys).values_list("name", flat=True)
        return super().remove(*names)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_topics"
    )
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_articles")
    # The article's date, copied by the database's triggers (articles/link_dates.py),
    # never by Django: a big topic lists its own links newest first.
    published_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_topic"),
        ]
        indexes = [
            models.Index(fields=["tag", "-published_at", "-content_object"], name="article_topic_date"),
        ]


class ArticleQuerySet(models.QuerySet):
    # A topic with at most this many articles is listed from its own links.
    SMALL_TOPIC = 2_000

    def tagged(self, topic):
        """The articles on ``topic``, filtered the way that stays fast for its size.

        Lists on a topic walk the articles newest first and keep the topic's,
        which suits a big topic. A small one (a name that came up in a few
        stories years ago) would make that walk cross every article: seconds at
        a million. Databases estimate every topic at the average size, so they
        cannot tell the two apart; this method looks, with one query of at
        most ``SMALL_TOPIC + 1`` keys, and filters a small topic's articles by key.
        """
        ids = self.small_topic_ids(topic)
        if ids is not None:
            return self.filter(pk__in=ids)
        return self.on_topic(topic)

    def small_topic_ids(self, topic):
        """The ids of ``topic``'s articles if it has at most ``SMALL_TOPIC``, else None (one query)."""
        ids = list(
            TaggedArticle.objects.filter(tag=topic)
            .values_list("content_object_id", flat=True)[: self.SMALL_TOPIC + 1]
        )
        return ids if len(ids) <= self.SMALL_TOPIC else None

    def on_topic(self, topic):
        """The articles on ``topic`` (a Topic or its id) by a join: how a big topic is listed.

        Newest first by the link's copy of the article's date (``listed_at``,
        ``listed_key``: the order and the cursor's fields, see
        ``articles.pagination``), so the database walks the topic's own links
        rather than every article to find the topic's.
        """
        return (
            self.filter(tagged_topics__tag=topic)
            .alias(listed_at=F("tagged_topics__published_at"), listed_key=F("tagged_topics__content_object_id"))
            .order_by("-listed_at", "-listed_key")
        )

    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def live(self):
        """What readers may see: published, past go-live and embargo, not expired.

        Compared with the database's clock at query time, so a scheduled
        article goes live (and expires) on time without any job running.
        """
        now = Now()
        return self.published().filter(
            Q(go_live_at__isnull=True) | Q(go_live_at__lte=now),
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
            Q(expire_at__isnull=True) | Q(expire_at__gt=now),
        )

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def scheduled(self):
        """Published, but waiting for its go-live time or embargo to pass."""
        now = Now()
        return self.published().filter(Q(go_live_at__gt=now) | Q(embargo_until__gt=now))

    def expired(self):
        return self.published().filter(expire_at__lte=Now())

    def house(self):
        """The newsroom's own articles: no provider, the site is the publisher."""
        return self.filter(provider__isnull=True)

    def imported(self):
        """Articles from the outlets' files."""
        return self.filter(provider__isnull=False)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        ARCHIVED = "archived", "Archived"
        KILLED = "killed", "Killed"

    # Content, as imported (docs/format.md, section 4.1).
    title = models.CharField(max_length=1000)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    excerpt = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Markdown source.")
    category = models.CharField(max_length=100, blank=True, null=True)
    type = models.CharField(max_length=50, default="article")
    published_at = ShowableDateTimeField("published date")
    web_url = models.CharField(
        "web URL", max_length=URL_MAX_LENGTH, unique=True, blank=True, null=True,
        help_text="Canonical URL on the provider's site: an imported article's identity "
        "(a house article has none).",
    )
    original_url = models.CharField("original URL", max_length=URL_MAX_LENGTH, blank=True, null=True)
    amp_url = models.CharField("AMP URL", max_length=URL_MAX_LENGTH, blank=True, null=True)
    cdn_amp_url = models.CharField("CDN AMP URL", max_length=URL_MAX_LENGTH, blank=True, null=True)
    quality = models.SmallIntegerField(blank=True, null=True)
    heat = models.IntegerField(blank=True, null=True, help_text="-1 means not computed.")
    # None for a house article: one the newsroom wrote, published by the site itself.
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="articles", null=True, blank=True,
    )
    # The outlet's byline as an imported file names it (plain names, never our Authors).
    source_authors = models.JSONField("source's byline", default=list, blank=True, editable=False)
    topics = TaggableManager("topics", through=TaggedArticle, blank=True, manager=TopicManager)
    # Opaque upstream token: stored verbatim, never decoded, logged or rendered.
    secured = models.TextField(blank=True, null=True)
    # Keys the format does not define, kept so nothing upstream sends is lost.
    extra = models.JSONField(default=dict, blank=True)
    provider_extra = models.JSONField(default=dict, blank=True)

    # Editorial state (the transitions live in articles/workflow/).
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    go_live_at = ShowableDateTimeField("go-live time", blank=True, null=True)
    expire_at = ShowableDateTimeField("expiry time", blank=True, null=True)
    embargo_until = ShowableDateTimeField(blank=True, null=True)
    # Optimistic locking: every save through the workflow or admin bumps it.
    version = models.PositiveIntegerField(default=1, editable=False)
    # The "updated" date readers see: a correction sets it, ordinary saves don't.
    modified_at = ShowableDateTimeField("modified date", blank=True, null=True, editable=False)

    # The editorial layer over the source (articles/editorial.py). The columns
    # above hold the live content; the source's own value of a field an editor
    # changed is kept in ``source_values``, and a live article's next version
    # waits in ``pending_revision`` until a publisher publishes it.
    editor_note = models.TextField(
        "editor's note", blank=True, help_text="Shown to readers above the body."
    )
    edited_fields = models.JSONField(default=list, blank=True, editable=False)
    source_values = models.JSONField(default=dict, blank=True, editable=False)
    # Edited fields whose source value changed since the edit ("source changed since your edit").
    source_changed = models.JSONField(default=list, blank=True, editable=False)
    pending_revision = models.ForeignKey(
        "revisions.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        editable=False,
    )
    pending_sent_back = models.BooleanField(default=False, editable=False)

    # Bookkeeping.
    source_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_date"),
            models.Index(fields=["provider", "status", "-published_at"], name="article_provider_date"),
            # Category pages: an unknown or rare category must not walk every article.
            models.Index(fields=["category", "status", "-published_at", "-id"], name="article_category_date"),
            # The admin list's default order and its date hierarchy, over every status.
            models.Index(fields=["-published_at", "-id"], name="article_date"),
        ]
        # One permission per workflow step (articles/workflow/steps.py); the
        # Editors and Publishers groups bundle them (migration 0003).
        permissions = [
            ("submit_article", "Can submit articles for review"),
            ("send_back_article", "Can send articles in review back to draft"),
            ("publish_article", "Can publish articles"),
            ("schedule_article", "Can schedule articles"),
            ("unpublish_article", "Can unpublish articles"),
            ("archive_article", "Can archive articles"),
            ("correct_article", "Can add corrections to live articles"),
            ("kill_article", "Can kill articles"),
            ("share_article", "Can create share links for unpublished articles"),
            ("import_articles", "Can import article files"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quality__isnull=True) | Q(quality__gte=0, quality__lte=100),
                name="article_quality_range",
            ),
            models.CheckConstraint(
                condition=Q(heat__isnull=True) | Q(heat__gte=-1), name="article_heat_range"
            ),
            # An imported article is identified by its URL; a house article has neither.
            models.CheckConstraint(
                condition=Q(provider__isnull=True, web_url__isnull=True)
                | Q(provider__isnull=False, web_url__isnull=False),
                name="article_house_or_imported",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_house(self):
        """Written by the newsroom: no provider, no external URL."""
        return self.provider_id is None

    @staticmethod
    def house_slug_for(title, exclude_pk=None):
        """A readable slug for a house article, unique by a numeric suffix when taken."""
        base = slugify(title, allow_unicode=True)[:200].strip("-") or "article"
        slug, n = base, 1
        while Article.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def tag_uri(self):
        """A ``tag:`` URI (RFC 4151) naming this article for good, as feeds' entry ids.

        Built from the site's domain (``SITE_DOMAIN``), the day we first stored
        the article and its key: none of them changes with its slug, title or
        the host a request came in on.
        """
        return f"tag:{settings.SITE_DOMAIN},{self.created_at.astimezone(UTC):%Y-%m-%d}:article:{self.pk}"

    def is_live(self, now=None):
        """Instance mirror of ``ArticleQuerySet.live()``."""
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and (self.go_live_at is None or self.go_live_at <= now)
            and (self.embargo_until is None or self.embargo_until <= now)
            and (self.expire_at is None or self.expire_at > now)
        )

    is_live.boolean = True
    is_live.short_description = "live"

    @staticmethod
    def slug_for(title, web_url):
        """A readable, Unicode-aware slug that is unique because it ends in a hash of the URL.

        Deriving it from the identity keeps it stable across re-imports and
        databases, and needs no query to be unique.
        """
        base = slugify(title, allow_unicode=True)[:200].strip("-") or "article"
        digest = hashlib.sha1(web_url.encode()).hexdigest()[:8]
        return f"{base}-{digest}"


class Image(models.Model):
    """An image of an article, in file order: position 0 is the lead image."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    url = models.CharField("URL", max_length=URL_MAX_LENGTH)
    width = models.PositiveIntegerField(blank=True, null=True)
    height = models.PositiveIntegerField(blank=True, null=True)
    is_cached = models.BooleanField(default=False)
    title = models.TextField(blank=True, null=True)
    attribution = models.TextField(blank=True, null=True)
    extra = models.JSONField(default=dict, blank=True)

    # Our own copy (articles/images/). All nullable or with a database default,
    # because the importer inserts image rows with raw SQL that names only the
    # columns above. ``is_cached`` is the upstream CDN's flag, not ours.
    file = models.CharField(
        "cached file", max_length=255, blank=True, null=True,
        help_text="Storage name of the cleaned original; empty until cached.",
    )
    # [{"width", "height", "format", "name"}, ...], narrowest first.
    renditions = models.JSONField(blank=True, null=True)
    cached_at = models.DateTimeField(blank=True, null=True)
    fetch_attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    fetch_error = models.TextField("last fetch error", blank=True, null=True)
    last_attempt_at = models.DateTimeField(blank=True, null=True)
    next_attempt_at = models.DateTimeField(
        blank=True, null=True, help_text="A failed fetch is retried after this time."
    )
    # A picture from the media library (media/): the row carries a copy of its
    # files and alt text (medialibrary.library.image_fields), kept in step when the
    # picture is edited, so public pages never join the library. A picture in
    # use cannot be deleted from under an article.
    picture = models.ForeignKey(
        "media.Picture", on_delete=models.PROTECT, null=True, blank=True, related_name="images",
        help_text="A picture from the media library; its file, alt text and crops are used.",
    )
    alt = models.TextField("alt text", blank=True, null=True)

    class Meta:
        # By the column, not the relation: ordering by "article" would join the
        # article table and sort by its own ordering on every query.
        ordering = ["article_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="unique_image_position"),
            models.CheckConstraint(
                condition=Q(width__isnull=True) | Q(width__gte=1, width__lte=100_000),
                name="image_width_range",
            ),
            models.CheckConstraint(
                condition=Q(height__isnull=True) | Q(height__gte=1, height__lte=100_000),
                name="image_height_range",
            ),
        ]

    def __str__(self):
        return self.title or self.url


class Related(models.Model):
    """Another outlet's coverage of the same story, as the file describes it.

    ``target`` points at our own copy of that article when one exists with the
    same ``web_url``; it is resolved whatever order files arrive in.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=1000)
    web_url = models.CharField("web URL", max_length=URL_MAX_LENGTH, db_index=True)
    excerpt = models.TextField(blank=True)
    published_at = ShowableDateTimeField(blank=True, null=True)
    provider_name = models.CharField(max_length=200, blank=True, null=True)
    provider_domain = models.CharField(max_length=253, blank=True, null=True)
    # The whole normalised item in the file's own keys (images, unknown keys...),
    # so the exporter can write it back unchanged.
    data = models.JSONField(default=dict, blank=True)
    target = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="referenced_by"
    )

    class Meta:
        # By the column, not the relation: ordering by "article" would join the
        # article table and sort by its own ordering on every query.
        ordering = ["article_id", "position"]
        verbose_name = "related item"
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="unique_related_position"),
        ]

    def __str__(self):
        return self.title


class ImportRun(models.Model):
    """One run of the importer (command, admin upload, watched folder or API push), for the dashboard.

    A queued run (``articles.importing.queue``) is saved before a worker starts it;
    its counters grow chunk by chunk while it runs, so its page shows progress.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    LABEL_LENGTH = 200

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(blank=True, null=True)
    source = models.CharField(max_length=20, default="command")
    # Runs that end in the same request or command are saved already running.
    state = models.CharField(max_length=10, choices=State, default=State.RUNNING)
    # Files to read, when known before the run starts (queued uploads); 0 when not.
    total = models.PositiveIntegerField(default=0)
    user = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who ran it when no user did: an API push names its token here (ingest/).
    label = models.CharField(max_length=LABEL_LENGTH, blank=True, default="")
    seen = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # [{"path", "kind", "field", "line", "message"}, ...], capped for huge runs.
    rejections = models.JSONField(default=list, blank=True)
    # Uploaded members that were not article files (names), and the first files
    # written ({"path", "outcome", "article_id"}), both capped, for the run's page.
    ignored = models.JSONField(default=list, blank=True)
    written = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Import {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    # The stored report as pages read it. A row may hold anything (an older release,
    # a hand edit, a restored backup): a malformed entry is left out, never an error.
    REPORT_FIELDS = ("path", "kind", "field", "location", "line", "message")

    def report_rejections(self):
        """Rejected files, each ``{path, kind, field, location, line, message}`` as text."""
        return [entry for entry in self._report_entries() if entry["kind"] != "step_failed"]

    def step_errors(self):
        """Messages of the steps after the writes that failed (grouping, linking...)."""
        return [entry["message"] for entry in self._report_entries() if entry["kind"] == "step_failed"]

    def report_written(self):
        """Files created or updated, ``{path, outcome, article_id}``, each with an article to link."""
        written = self.written if isinstance(self.written, list) else []
        return [
            {"path": _report_text(entry.get("path")), "outcome": entry["outcome"], "article_id": entry["article_id"]}
            for entry in written
            if isinstance(entry, dict) and entry.get("outcome") in ("created", "updated")
            and _positive_id(entry.get("article_id"))
        ]

    def ignored_names(self):
        """Uploaded members that were not article files, as text."""
        ignored = self.ignored if isinstance(self.ignored, list) else []
        return [_report_text(name) for name in ignored if isinstance(name, str | int)]

    def _report_entries(self):
        rejections = self.rejections if isinstance(self.rejections, list) else []
        return [
            {name: _report_text(entry.get(name)) for name in self.REPORT_FIELDS}
            for entry in rejections
            if isinstance(entry, dict)
        ]


def _report_text(value):
    return str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def _positive_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class Transition(models.Model):
    """One entry of an article's audit trail: who did what, when, from which state to which.

    Written only by ``articles.workflow``; edits and imports are recorded too,
    so the latest row always names whoever last changed the article.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        IMPORT = "import", "Imported"
        EDIT = "edit", "Edited"
        SUBMIT = "submit", "Submitted for review"
        SEND_BACK = "send_back", "Sent back to draft"
        PUBLISH = "publish", "Published"
        SCHEDULE = "schedule", "Scheduled"
        EMBARGO = "embargo", "Embargo changed"
        UNPUBLISH = "unpublish", "Unpublished"
        ARCHIVE = "archive", "Archived"
        CORRECT = "correct", "Corrected"
        KILL = "kill", "Killed"
        RESTORE = "restore", "Restored a version"
        SHARE = "share", "Share link created"
        REVOKE_SHARE = "revoke_share", "Share link revoked"
        PUBLISH_CHANGES = "publish_changes", "Changes published"
        SEND_BACK_CHANGES = "send_back_changes", "Changes sent back"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20, choices=Action.choices)
    # Empty for an article's first row (it had no state before).
    from_status = models.CharField(max_length=20, choices=Article.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices)
    user = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = ShowableDateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    # What the entry changed, old and new: {field: [old, new]}, in plain JSON
    # (times as ISO text, a long body clipped: its revision has the whole).
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = ["at", "id"]
        indexes = [
            models.Index(fields=["article", "-at"], name="transition_article"),
            models.Index(fields=["-at"], name="transition_recent"),
            models.Index(fields=["user", "-at"], name="transition_user"),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.article_id}"

    # Labels of the content fields in ``changes`` (revisions.content.LABELS, without the import).
    CHANGE_LABELS = {"title": "Headline", "images": "Pictures and captions", "editor_note": "Editor's note"}

    def change_list(self):
        """``[(label, old, new)]`` of ``changes`` for people: times in the site's zone, "—" for nothing.

        Plain text: templates escape it.
        """
        rows = []
        for name, pair in (self.changes or {}).items():
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                continue
            rows.append((self._change_label(name), *(self._change_text(name, value) for value in pair)))
        return rows

    @staticmethod
    def _change_label(name):
        if name in Transition.CHANGE_LABELS:
            return Transition.CHANGE_LABELS[name]
        try:
            return str(Article._meta.get_field(name).verbose_name).capitalize()
        except Exception:  # a field since removed, or topics' manager
            return name.replace("_", " ").capitalize()

    @staticmethod
    def _change_text(name, value):
        if value in (None, ""):
            return "—"
        if isinstance(value, str):
            try:
                moment = parse_datetime(value) if len(value) >= 16 and value[4:5] == "-" else None
            except ValueError:
                moment = None
            if moment is not None and timezone.is_aware(moment):
                return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")
        return str(value)


class Correction(models.Model):
    """A dated correction note on a live article, shown to readers under it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField()
    created_at = ShowableDateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Correction of {self.created_at:%Y-%m-%d %H:%M}"


class ShareLink(models.Model):
    """A signed link that shows one article to someone without an account, until it expires.

    The URL carries only a signature of this row's id; the row holds the
    expiry and revocation, so a link can be withdrawn after it was sent.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="share_links")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = ShowableDateTimeField()
    revoked_at = ShowableDateTimeField(blank=True, null=True)
    revoked_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Shows the article's pending version (the changes awaiting review) instead of the live one.
    shows_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Share link {self.pk} for article {self.article_id}"

    def is_active(self, now=None):
        """Not revoked and not yet expired."""
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
