"""Editors and Publishers may pick, add and edit authors and write bylines.

Editors write house articles with bylines, so they see and add authors (the
byline's autocomplete needs it) and change bylines; Publishers may also
delete them. Permissions are added, never removed, like
articles/migrations/0003_editorial_groups.py.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("authors", "view_author"),
    ("authors", "add_author"),
    ("authors", "change_author"),
    ("authors", "view_byline"),
    ("authors", "add_byline"),
    ("authors", "change_byline"),
    ("authors", "delete_byline"),
]
PUBLISHER_PERMISSIONS = EDITOR_PERMISSIONS + [("authors", "delete_author")]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("authors")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in (("Editors", EDITOR_PERMISSIONS), ("Publishers", PUBLISHER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0001_authors_and_bylines"),
        ("articles", "0003_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
