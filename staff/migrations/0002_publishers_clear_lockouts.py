"""Let Publishers see and clear sign-in lockouts (axes' Access attempts in the admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHERS = "Publishers"
PUBLISHER_PERMISSIONS = [
    ("axes", "view_accessattempt"),
    # Deleting an attempt forgets its failures: that is how a lockout is cleared.
    ("axes", "delete_accessattempt"),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("axes")
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
        ("staff", "0001_initial"),
        ("articles", "0003_editorial_groups"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
