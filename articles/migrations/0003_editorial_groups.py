"""Create the Editors and Publishers groups with their model permissions.

Editors write and review: they add and change articles, submit them for review
and send them back. Publishers do everything editors do, plus every step that
changes what readers see (publish, schedule, unpublish, archive, correct, kill),
share links, imports from the admin and provider merges.

Re-running is safe: groups are fetched or created and permissions are added,
never removed, so permissions an administrator granted by hand survive.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PUBLISHERS = "Publishers"

EDITOR_PERMISSIONS = [
    ("articles", "view_article"),
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "submit_article"),
    ("articles", "send_back_article"),
    ("articles", "view_image"),
    ("articles", "add_image"),
    ("articles", "change_image"),
    ("articles", "delete_image"),
    ("articles", "view_related"),
    ("articles", "add_related"),
    ("articles", "change_related"),
    ("articles", "delete_related"),
    ("articles", "view_topic"),
    ("articles", "add_topic"),
    ("articles", "view_transition"),
    ("articles", "view_correction"),
    ("articles", "view_importrun"),
    ("providers", "view_provider"),
]

PUBLISHER_PERMISSIONS = EDITOR_PERMISSIONS + [
    ("articles", "publish_article"),
    ("articles", "schedule_article"),
    ("articles", "unpublish_article"),
    ("articles", "archive_article"),
    ("articles", "correct_article"),
    ("articles", "kill_article"),
    ("articles", "share_article"),
    ("articles", "import_articles"),
    ("articles", "view_sharelink"),
    ("articles", "change_topic"),
    ("providers", "add_provider"),
    ("providers", "change_provider"),
    # Merging providers deletes the merged-away ones.
    ("providers", "delete_provider"),
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate);
    # create them now so the groups can point at them on a fresh database.
    for app_label in ("articles", "providers"):
        app_config = apps.get_app_config(app_label)
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


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, PUBLISHERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow"),
        ("providers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
