"""The writing tool in the admin: the Markdown editor on a model admin's text fields, and its preview.

``WritingAdminMixin`` gives a ``ModelAdmin``:

- the ``MarkdownEditor`` widget on the fields named in ``markdown_fields``;
- ``admin:<app>_<model>_markdown_preview``, the endpoint the editor's script
  posts to while someone types (JSON: html, words, minutes, text);
- the form's no-JavaScript "Preview" button (``name="_preview"``): the add or
  change form comes back with what was typed and its preview, and nothing is
  saved. The admin's own view does the work: the form is checked as usual, so
  mistakes show, but never counts as valid, so Django's save path (and with it
  the workflow's revisions, versions and audit) is never reached.
"""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse

from articles.importing.frontmatter import MAX_FILE_SIZE

from . import previewing
from .widgets import MarkdownEditor

PREVIEW = "_preview"


def is_preview(request):
    """Whether ``request`` is the form's Preview button rather than a save."""
    return request.method == "POST" and PREVIEW in request.POST


class PreviewOnlyForm:
    """Mixed into the admin form for a preview: checked (errors show) but never valid, so never saved."""

    def is_valid(self):
        super().is_valid()
        return False


class WritingAdminMixin:
    """The Markdown editor and its preview for ``markdown_fields`` (see the module's docstring)."""

    # field name -> textarea rows
    markdown_fields = {"body": 24, "editor_note": 4}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if is_preview(request):
            # First: a ModelForm subclass builds its model fields afresh, widgets included.
            form = type(form.__name__, (PreviewOnlyForm, form), {})
        preview_url = reverse(f"{self.admin_site.name}:{self._preview_url_name()}")
        for name, rows in self.markdown_fields.items():
            field = form.base_fields.get(name)
            if field is None:
                continue
            # A copy: a field declared on the form class is shared with every other use of it.
            field = form.base_fields[name] = copy.deepcopy(field)
            attrs = {**field.widget.attrs, "rows": rows}
            field.widget = MarkdownEditor(attrs, preview_url=preview_url, pictures=name == "body")
        return form

    def render_change_form(self, request, context, *args, **kwargs):
        if is_preview(request):
            messages.info(
                request,
                "Preview only: nothing has been saved. The preview is beside the text; save when it is ready.",
            )
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        return [
            path(
                "markdown-preview/", self.admin_site.admin_view(self.markdown_preview_view),
                name=self._preview_url_name(),
            ),
            *super().get_urls(),
        ]

    def _preview_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_markdown_preview"

    def markdown_preview_view(self, request):
        """The preview of the posted ``body`` as JSON; for staff who may change these objects.

        The admin's wrapper has already required a signed-in staff member,
        checked the CSRF token and marked the answer uncacheable.
        """
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        declared = _content_length(request)
        if declared > MAX_FILE_SIZE + previewing.FORM_OVERHEAD:
            return _too_long()
        source = request.POST.get("body", "")
        if len(source.encode("utf-8", "surrogatepass")) > MAX_FILE_SIZE:
            return _too_long()
        return JsonResponse(previewing.preview(source))


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_long():
    return JsonResponse({"error": previewing.TOO_LONG}, status=413)
