"""Builders for the people of the editorial workflow, shared by the workflow and admin tests.

Users get their rights from the Editors and Publishers groups that the data
migration creates, so these tests also check that migration.
"""

import itertools

from django.contrib.auth.models import Group, User

_numbers = itertools.count(1)

GROUPS = {"editor": "Editors", "publisher": "Publishers"}


def make_user(role, **fields):
    """A staff user with ``role``: ``editor``, ``publisher``, ``superuser`` or ``staff`` (no group)."""
    n = next(_numbers)
    fields.setdefault("username", f"{role}{n}")
    fields.setdefault("first_name", role.title())
    fields.setdefault("last_name", str(n))
    user = User.objects.create_user(
        password="correct horse battery staple", is_staff=True,
        is_superuser=role == "superuser", **fields,
    )
    if role in GROUPS:
        user.groups.add(Group.objects.get(name=GROUPS[role]))
    return user
