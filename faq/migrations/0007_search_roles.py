from django.db import migrations

from faq.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [("faq", "0006_public_generation")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
