"""Builders for the people of the editorial workflow, shared by the workflow and admin tests.

Users get their rights from the Editors and Publishers groups that the data
migration creates (checked on its own in test_publishing.py). A transactional
test flushes the database, groups included; ``make_user`` then rebuilds a
group from the migration's own lists, so test order never matters.
"""

import importlib
import itertools

from django.contrib.auth.models import Group, Permission, User

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
        user.groups.add(_group(GROUPS[role]))
    return user


def _group(name):
    """The migration's group; rebuilt from its lists when a transactional test flushed it."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        migration = importlib.import_module("articles.migrations.0003_editorial_groups")
        security = importlib.import_module("staff.migrations.0002_publishers_clear_lockouts")
        curation = importlib.import_module("curation.migrations.0002_curation_groups")
        authors = importlib.import_module("authors.migrations.0002_editorial_group_permissions")
        library = importlib.import_module("medialibrary.migrations.0002_editorial_groups")
        tokens = importlib.import_module("ingest.migrations.0002_publishers_manage_tokens")
        tasks = importlib.import_module("tasks.migrations.0002_publishers_manage_tasks")
        wanted = {
            migration.EDITORS: migration.EDITOR_PERMISSIONS + curation.EDITOR_PERMISSIONS
            + authors.EDITOR_PERMISSIONS + library.EDITOR_PERMISSIONS,
            migration.PUBLISHERS: migration.PUBLISHER_PERMISSIONS + security.PUBLISHER_PERMISSIONS
            + curation.PUBLISHER_PERMISSIONS + authors.PUBLISHER_PERMISSIONS + library.PUBLISHER_PERMISSIONS
            + tokens.PUBLISHER_PERMISSIONS
            + tasks.PUBLISHER_PERMISSIONS,
        }[name]
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group
