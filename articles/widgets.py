"""Form widgets shared by the editorial admin's forms (the article form, workflow steps, share links)."""

from django.contrib.admin import widgets
from django.db import models
from django.utils.html import format_html


class SplitDateTimeWidget(widgets.AdminSplitDateTime):
    """The admin's date and time inputs, each labelled by its visible "Date:" / "Time:".

    Django writes those words beside the inputs as plain text that is not tied to
    them, so a screen reader meets two unnamed inputs (axe: "Form elements must
    have labels"). Here each word is the ``<label>`` of its input.
    """

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        date, time = context["widget"]["subwidgets"]
        context["date_label"] = _label_for(date, context["date_label"])
        context["time_label"] = _label_for(time, context["time_label"])
        return context


def _label_for(subwidget, text):
    input_id = subwidget["attrs"].get("id")
    if not input_id:
        return text
    return format_html('<label for="{}" class="nr-datetime-label">{}</label>', input_id, text)


# For ModelAdmin.formfield_overrides: every date-time field of the article admin.
DATETIME_OVERRIDES = {models.DateTimeField: {"widget": SplitDateTimeWidget}}
