"""The help center's two roles, with least privilege: nobody can delete what compliance keeps."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS = "Editors"
REVIEWERS = "Compliance reviewers"

ROLES = {
    EDITORS: [
        "add_category", "change_category", "view_category",
        "add_categorytranslation", "change_categorytranslation",
        "delete_categorytranslation", "view_categorytranslation",
        "add_notice", "change_notice", "view_notice", "view_noticerevision",
        "add_contactnumbertranslation", "change_contactnumbertranslation",
        "delete_contactnumbertranslation", "view_contactnumbertranslation",
        "add_entry", "change_entry", "view_entry",
        "add_contactnumber", "change_contactnumber", "view_contactnumber",
        "view_entryrevision", "view_contactnumberrevision",
        "view_approval", "view_auditevent",
        "add_searchsynonym", "change_searchsynonym", "delete_searchsynonym",
        "view_searchsynonym", "view_searchlog",
    ],
    REVIEWERS: [
        "view_category", "view_categorytranslation", "view_entry", "view_contactnumber",
        "view_notice", "view_noticerevision", "review_noticerevision",
        "view_contactnumbertranslation",
        "view_entryrevision", "review_entryrevision",
        "view_contactnumberrevision", "review_contactnumberrevision",
        "add_approval", "view_approval", "view_compliance_report",
        "view_auditevent", "view_searchsynonym", "view_searchlog",
    ],
}  # fmt: skip


def roles_sync(apps=global_apps, *, strict: bool = True) -> None:
    """Create the groups and give them exactly their permissions (safe to run again).

    Migrations pass strict=False: at their point in history, models that later migrations
    add have no permissions yet, and the last migration that syncs roles grants them.
    """
    app_config = apps.get_app_config("faq")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True  # a migration state stub: let create_permissions run
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="faq", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing and strict:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group.permissions.set(permissions)
