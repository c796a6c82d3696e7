"""Search counts per language of the page searched from. Counts kept before this were not
per language; they are recorded as the original language's."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0011_superseded_at"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="searchlog",
            name="faq_searchlog_day_query_unique",
        ),
        migrations.AddField(
            model_name="searchlog",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("es", "Español")],
                default="en",
                help_text="The language of the page searched from.",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="searchlog",
            constraint=models.UniqueConstraint(
                fields=("day", "language", "query"), name="faq_searchlog_day_language_query_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="searchlog",
            constraint=models.CheckConstraint(
                condition=models.Q(("language__in", ["en", "es"])),
                name="faq_searchlog_language_valid",
            ),
        ),
    ]
