"""Publishers create, see and revoke API tokens; Editors get nothing here.

Like articles/migrations/0003_editorial_groups.py: the group is fetched or
created and permissions only added, so rights granted by hand survive.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHERS = "Publishers"
PUBLISHER_PERMISSIONS = [
    ("ingest", "view_apitoken"),
    ("ingest", "add_apitoken"),
    ("ingest", "revoke_apitoken"),
]


def add_permissions(apps, schema_editor):
    app_config = apps.get_app_config("ingest")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PUBLISHERS)
    for app_label, codename in PUBLISHER_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=PUBLISHERS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="ingest"))


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0001_initial"),
        ("articles", "0003_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
