"""The two roles of the help center, with least privilege: nobody can delete what compliance keeps."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Editors": [
        "add_category", "change_category", "view_category",
        "add_entry", "change_entry", "view_entry",
        "add_contactnumber", "change_contactnumber", "view_contactnumber",
        "view_entryrevision", "view_contactnumberrevision",
        "view_approval", "view_auditevent",
    ],
    "Compliance reviewers": [
        "view_category", "view_entry", "view_contactnumber",
        "view_entryrevision", "review_entryrevision",
        "view_contactnumberrevision", "review_contactnumberrevision",
        "add_approval", "view_approval", "view_compliance_report",
        "view_auditevent",
    ],
}  # fmt: skip


def create_roles(apps, schema_editor):
    app_config = apps.get_app_config("faq")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="faq", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0002_integrity_triggers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
