"""Counted searches from before the search log kept members' own numbers and email
addresses as "#" are kept that way too (faq.search.search_log_redact): they held member
IDs, phone numbers and dates of birth as typed, for the whole retention."""

from django.db import migrations

from faq.search import search_log_redact


def redact(apps, schema_editor):
    search_log_redact(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0030_order_history"),
    ]

    operations = [
        migrations.RunPython(redact, migrations.RunPython.noop),
    ]
