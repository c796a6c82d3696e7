"""Contact numbers' labels in other languages, kept by editors like topic names."""

import django.db.models.deletion
from django.db import migrations, models

import faq.models
from faq.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0009_language_access"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContactNumberTranslation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "language",
                    models.CharField(choices=faq.models.translation_languages, max_length=10),
                ),
                ("label", models.CharField(max_length=120)),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="translations",
                        to="faq.contactnumber",
                    ),
                ),
            ],
            options={
                "ordering": ["contact", "language"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("contact", "language"),
                        name="faq_contactnumbertranslation_one_per_language",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("label", ""), _negated=True),
                        name="faq_contactnumbertranslation_label_not_blank",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("language__in", ["en", "es"]),
                            models.Q(("language", "en"), _negated=True),
                        ),
                        name="faq_contactnumbertranslation_language_valid",
                    ),
                ],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
