"""Let Publishers see the Tasks page and retry or cancel tasks (tasks.manage_tasks)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHERS = "Publishers"
PUBLISHER_PERMISSIONS = [("tasks", "view_task"), ("tasks", "manage_tasks")]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("tasks")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PUBLISHERS)
    for app_label, codename in PUBLISHER_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=PUBLISHERS):
        for app_label, codename in PUBLISHER_PERMISSIONS:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_workers"),
        ("articles", "0003_editorial_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
