"""A question's address, a number's key and a notice's kind and language are unique among the
items not withdrawn. A withdrawal cannot be undone, so with the constraints over every item a
withdrawn notice of nondiscrimination could never be replaced, nor a withdrawn question's
address (printed on member materials) serve again."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0019_search_words_approved_only"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="contactnumber",
            name="faq_contactnumber_key_unique",
        ),
        migrations.RemoveConstraint(
            model_name="entry",
            name="faq_entry_slug_unique",
        ),
        migrations.RemoveConstraint(
            model_name="notice",
            name="faq_notice_one_per_kind_and_language",
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["slug"], name="faq_entry_slug_idx"),
        ),
        migrations.AddConstraint(
            model_name="contactnumber",
            constraint=models.UniqueConstraint(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=("key",),
                name="faq_contactnumber_key_unique_among_current",
                violation_error_message="A contact number with this key is already on the site. Choose another, or withdraw that number first.",
            ),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=("slug",),
                name="faq_entry_slug_unique_among_current",
                violation_error_message="A question with this slug is already on the site. Choose another, or withdraw that question first.",
            ),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=("kind", "language"),
                name="faq_notice_one_current_per_kind_and_language",
                violation_error_message="A notice of this kind in this language already exists. Edit it, or withdraw it first.",
            ),
        ),
    ]
