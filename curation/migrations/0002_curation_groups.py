"""Publishers curate (pins and banners); Editors may look at the curation screen.

Editors see what the front page shows and why (which slots are pinned, until
when), so they can ask a publisher; changing it changes what readers see,
which the workflow keeps for publishers. Re-running is safe: permissions are
added, never removed.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PUBLISHERS = "Publishers"

EDITOR_PERMISSIONS = [
    ("curation", "view_pin"),
    ("curation", "view_banner"),
]

PUBLISHER_PERMISSIONS = EDITOR_PERMISSIONS + [
    ("curation", "curate"),
    ("curation", "add_pin"),
    ("curation", "change_pin"),
    ("curation", "delete_pin"),
    ("curation", "add_banner"),
    ("curation", "change_banner"),
    ("curation", "delete_banner"),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("curation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ((EDITORS, EDITOR_PERMISSIONS), (PUBLISHERS, PUBLISHER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=[EDITORS, PUBLISHERS]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="curation"))


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0001_pins_and_banners"),
        ("articles", "0003_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
