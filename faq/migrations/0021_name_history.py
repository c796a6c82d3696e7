"""A history of the words members read that change in place without review: topics' names
and descriptions (in every language) and numbers' labels in other languages. Rows are only
ever added: triggers refuse UPDATE and DELETE whatever client writes (faq_refuse_change,
migration 0002)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

RECORD_TABLES = ("faq_categorytextrecord", "faq_contactnumberlabelrecord")


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0020_current_items_unique"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CategoryTextRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "language",
                    models.CharField(choices=[("en", "English"), ("es", "Español")], max_length=10),
                ),
                (
                    "shown_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When members began to read these words. Empty: already in place when this history began (the words of that day, the earliest known).",
                        null=True,
                    ),
                ),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("name", models.CharField(blank=True, max_length=120)),
                ("description", models.CharField(blank=True, max_length=300)),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="text_records",
                        to="faq.category",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": [
                    "category",
                    "language",
                    models.OrderBy(models.F("shown_at"), nulls_first=True),
                    "pk",
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("category", "language", "shown_at"),
                        name="faq_categorytextrecord_one_per_moment",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("shown_at__isnull", True)),
                        fields=("category", "language"),
                        name="faq_categorytextrecord_one_undated",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("language__in", ["en", "es"])),
                        name="faq_categorytextrecord_language_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("name", ""), _negated=True),
                            models.Q(("language", "en"), _negated=True),
                            _connector="OR",
                        ),
                        name="faq_categorytextrecord_original_has_name",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("name", ""), _negated=True),
                            ("description", ""),
                            _connector="OR",
                        ),
                        name="faq_categorytextrecord_removal_has_no_description",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ContactNumberLabelRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "language",
                    models.CharField(choices=[("en", "English"), ("es", "Español")], max_length=10),
                ),
                (
                    "shown_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When members began to read these words. Empty: already in place when this history began (the words of that day, the earliest known).",
                        null=True,
                    ),
                ),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("label", models.CharField(blank=True, max_length=120)),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="label_records",
                        to="faq.contactnumber",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": [
                    "contact",
                    "language",
                    models.OrderBy(models.F("shown_at"), nulls_first=True),
                    "pk",
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("contact", "language", "shown_at"),
                        name="faq_contactnumberlabelrecord_one_per_moment",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("shown_at__isnull", True)),
                        fields=("contact", "language"),
                        name="faq_contactnumberlabelrecord_one_undated",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("language__in", ["en", "es"]),
                            models.Q(("language", "en"), _negated=True),
                        ),
                        name="faq_contactnumberlabelrecord_language_valid",
                    ),
                ],
            },
        ),
        migrations.RunSQL(
            "\n".join(
                f"CREATE TRIGGER {table}_refuse_change BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION faq_refuse_change();"
                for table in RECORD_TABLES
            ),
            "\n".join(f"DROP TRIGGER {table}_refuse_change ON {table};" for table in RECORD_TABLES),
        ),
    ]
