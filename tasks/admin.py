"""The admin's *Tasks* page: the queue as it is, and retry / cancel for publishers.

Read-only otherwise: nobody adds, edits or deletes a task here. Arguments and
return values are shown with every value under a secret-looking key
(token, password, secret, key) replaced, so the page never shows a credential
a task was given.
"""

import json
import re

from django.contrib import admin, messages
from django.db.models import DurationField, ExpressionWrapper, F
from django.utils import timezone
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult

from newsroom.logging import redact as redact_text

from .models import Task

SECRET_KEY_RE = re.compile(r"token|password|passwd|secret|key|credential|auth", re.IGNORECASE)
REDACTED = "[redacted]"
LIST_TEXT_MAX = 120


def redacted(value):
    """``value`` (JSON data) with every secret-looking key's value and secret-looking text replaced.

    Tasks take ids, never credentials (docs/tasks.md); this is the net under that
    rule: an API token, a ``Bearer`` header or a share link in any string is hidden
    as the logs hide it (``newsroom.logging.redact``).
    """
    if isinstance(value, dict):
        return {
            key: REDACTED if SECRET_KEY_RE.search(str(key)) else redacted(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redacted(item) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def as_text(value):
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(value)


class Cancelled(Exception):
    """A queued task was cancelled from the admin before any worker started it."""


if admin.site.is_registered(DBTaskResult):
    # django-tasks-db's own page shows the same rows without redaction or actions: one page only.
    admin.site.unregister(DBTaskResult)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "arguments_summary", "enqueued_at", "started_at", "duration",
                    "attempts", "error")
    list_filter = ("status", "queue_name")
    search_fields = ("task_path",)
    ordering = ("-enqueued_at",)
    list_per_page = 50
    actions = ("retry", "cancel")
    fields = ("task_path", "status", "queue_name", "priority", "arguments", "enqueued_at",
              "run_after", "started_at", "finished_at", "duration", "attempts", "workers",
              "result", "error", "traceback_text")
    readonly_fields = fields

    class Media:
        css = {"all": ["tasks/admin.css"]}

    # Read-only: the rows are written by the workers.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_manage_permission(self, request):
        return request.user.has_perm("tasks.manage_tasks")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            took=ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
        )

    @admin.display(description="task", ordering="task_path")
    def name(self, obj):
        return obj.task_path.rsplit(".", 1)[-1]

    @admin.display(description="arguments")
    def arguments_summary(self, obj):
        text = self._arguments(obj)
        return text if len(text) <= LIST_TEXT_MAX else text[: LIST_TEXT_MAX - 1] + "…"

    @admin.display(description="arguments")
    def arguments(self, obj):
        return format_html('<pre class="task-text">{}</pre>', self._arguments(obj))

    def _arguments(self, obj):
        data = obj.args_kwargs if isinstance(obj.args_kwargs, dict) else {}
        args, kwargs = data.get("args", []), data.get("kwargs", {})
        parts = [as_text(redacted(arg)) for arg in (args if isinstance(args, list) else [args])]
        if isinstance(kwargs, dict):
            parts += [f"{key}={REDACTED if SECRET_KEY_RE.search(str(key)) else as_text(redacted(value))}"
                      for key, value in kwargs.items()]
        return ", ".join(parts) or "—"

    @admin.display(description="took")
    def duration(self, obj):
        took = getattr(obj, "took", None)
        if took is None and obj.started_at and obj.finished_at:
            took = obj.finished_at - obj.started_at
        if took is None:
            if obj.status == "RUNNING" and obj.started_at:
                return f"running {(timezone.now() - obj.started_at).total_seconds():.0f} s"
            return "—"
        return f"{took.total_seconds():.1f} s"

    @admin.display(description="attempts")
    def attempts(self, obj):
        return len(obj.worker_ids) if isinstance(obj.worker_ids, list) else 0

    @admin.display(description="workers")
    def workers(self, obj):
        return ", ".join(map(str, obj.worker_ids)) if isinstance(obj.worker_ids, list) else "—"

    @admin.display(description="result")
    def result(self, obj):
        if obj.return_value is None:
            return "—"
        return format_html('<pre class="task-text">{}</pre>', as_text(redacted(obj.return_value)))

    @admin.display(description="error")
    def error(self, obj):
        if obj.status != "FAILED":
            return "—"
        first = (obj.traceback or "").strip().splitlines()
        return redact_text((first[-1] if first else obj.exception_class_path)[:LIST_TEXT_MAX]) or "—"

    @admin.display(description="traceback")
    def traceback_text(self, obj):
        if not obj.traceback:
            return "—"
        return format_html('<pre class="task-text">{}</pre>', redact_text(obj.traceback))

    # --- actions ---------------------------------------------------------------

    @admin.action(description="Retry selected failed tasks", permissions=["manage"])
    def retry(self, request, queryset):
        queued, skipped = 0, 0
        for row in queryset:
            if row.status != "FAILED":
                skipped += 1
                continue
            try:
                task = row.task.using(run_after=None)
                data = row.args_kwargs
                task.enqueue(*data.get("args", []), **data.get("kwargs", {}))
            except Exception as error:  # noqa: BLE001 - an unimportable task is reported, not a 500
                self.message_user(request, f"Task {row.id} ({row.task_path}) cannot be queued again: "
                                  f"{type(error).__name__}: {error}", messages.ERROR)
                continue
            queued += 1
        if queued:
            self.message_user(request, f"{queued} task(s) queued again, as new tasks; the failed "
                              "ones keep their error.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} task(s) skipped: only failed tasks can be retried.",
                              messages.WARNING)

    @admin.action(description="Cancel selected queued tasks", permissions=["manage"])
    def cancel(self, request, queryset):
        reason = f"Cancelled by {request.user.get_username()} before any worker started it."
        path = f"{Cancelled.__module__}.{Cancelled.__qualname__}"
        # One conditional update: a task a worker claims meanwhile is RUNNING and left alone.
        cancelled = queryset.filter(status="READY").update(
            status="FAILED", finished_at=timezone.now(), exception_class_path=path,
            traceback=f"{path}: {reason}\n",
        )
        skipped = queryset.count() - cancelled
        if cancelled:
            self.message_user(request, f"{cancelled} queued task(s) cancelled.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} task(s) not cancelled: only queued tasks can be.",
                              messages.WARNING)
