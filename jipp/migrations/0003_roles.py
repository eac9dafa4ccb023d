"""The four roles as groups, with the model permissions that go with them.

Later apps add their permissions to these groups in their own migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "innovator": ["view_institution", "view_province"],
    "ministry": [
        "view_user",
        "add_user",
        "change_user",
        "view_institution",
        "add_institution",
        "change_institution",
        "view_province",
        "view_auditevent",
        "view_notification",
    ],
    "bappeda": ["view_institution", "view_province"],
    "forum_admin": ["view_institution", "view_province"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make them exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="jipp", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("jipp", "0002_provinces"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
