"""Every content state an article has had, as a JSON snapshot (the Wagtail manner).

A revision is written for each creation, editor save, re-import that changed
something, restore and correction, by ``articles.editorial`` and the importer's
bulk path. Its ``content`` is what ``revisions.content.snapshot`` produces:
the fields readers see, in one shape whoever wrote them, so any two revisions
compare field by field and any one can be restored.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Revision(models.Model):
    class Origin(models.TextChoices):
        CREATE = "create", "Created"
        IMPORT = "import", "Imported"
        EDIT = "edit", "Edited"
        SOURCE = "source", "Source value taken"
        RESTORE = "restore", "Restored"
        CORRECTION = "correction", "Corrected"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(default=timezone.now)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An import's revisions name the run, the file and the file's content hash.
    import_run = models.ForeignKey(
        "articles.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.CharField(max_length=1000, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)
    content = models.JSONField()
    # Readers saw this version at some point: the prune command never removes it.
    was_live = models.BooleanField(default=False)
    restored_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "-created_at", "-id"], name="revision_article")]

    def __str__(self):
        return f"{self.get_origin_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def author(self):
        """Who made this version, in words: a person, or the import run and file."""
        if self.user_id is not None and self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        if self.origin == self.Origin.IMPORT:
            run = f"import run {self.import_run_id}" if self.import_run_id else "an import"
            return f"{run} ({self.file})" if self.file else run
        return "a script"
