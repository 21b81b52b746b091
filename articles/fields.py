"""Model fields of the content app."""

from django.db import models

from .dates import showable


class ShowableDateTimeField(models.DateTimeField):
    """A ``DateTimeField`` whose values always come out of the database showable.

    A row written by the shell, raw SQL or an older import may hold any
    instant Python can represent, and one near the year 1 or 9999 overflows
    when converted to ``TIME_ZONE``: every template, feed, sitemap and admin
    page that shows it would answer 500. Clamping once here, as the value is
    read, protects every one of them (``articles.dates.showable``). Nothing
    changes in the database.
    """

    def from_db_value(self, value, expression, connection):
        return showable(value)

    def deconstruct(self):
        # Stored exactly as a DateTimeField: report itself as one, so no
        # migration (and no table rebuild on SQLite) follows from the subclass.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs
