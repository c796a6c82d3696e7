import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_keys_alike(apps, schema_editor):
    """Say which current numbers' keys differ only in case, rather than fail on the
    constraint: which answers should name which number is an editor's choice."""
    ContactNumber = apps.get_model("faq", "ContactNumber")
    alike = (
        ContactNumber.objects.filter(withdrawn_at__isnull=True)
        .values(lowered=Lower("key"))
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list("lowered", flat=True)
    )
    if alike:
        keys = ", ".join(f"“{key}”" for key in alike)
        raise RuntimeError(
            f"Contact numbers have keys that differ only in case ({keys}): point the answers "
            "at one of them and withdraw the other in the admin, then migrate."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0028_placement_history"),
    ]

    operations = [
        migrations.RunPython(refuse_keys_alike, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="contactnumber",
            name="faq_contactnumber_key_unique_among_current",
        ),
        migrations.AddConstraint(
            model_name="contactnumber",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("key"),
                condition=models.Q(("withdrawn_at__isnull", True)),
                name="faq_contactnumber_key_unique_among_current",
                violation_error_message="A contact number with this key is already on the site. Choose another, or withdraw that number first.",
            ),
        ),
    ]
