from django.db import migrations


class Migration(migrations.Migration):
    """The generation of public content that cached pages are keyed on (see faq/cache.py)."""

    dependencies = [("faq", "0005_search")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE faq_public_generation", "DROP SEQUENCE faq_public_generation"
        )
    ]
