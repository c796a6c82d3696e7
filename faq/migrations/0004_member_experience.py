from django.db import migrations, models

# Numbers an existing install already has under the demo's keys; anything else stays "other".
KNOWN_PURPOSES = {
    "member-services": "member_services",
    "enrollment-help-line": "enrollment",
    "emergency": "emergency",
}


def set_known_purposes(apps, schema_editor):
    ContactNumber = apps.get_model("faq", "ContactNumber")
    for key, purpose in KNOWN_PURPOSES.items():
        ContactNumber.objects.filter(key=key, purpose="other").update(purpose=purpose)


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0003_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactnumber",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("member_services", "Questions about your plan and care"),
                    ("enrollment", "Enrolling or changing health plans"),
                    ("emergency", "Emergencies"),
                    ("other", "Other numbers"),
                ],
                default="other",
                help_text="The heading the contact page lists this number under.",
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="contactnumber",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("purpose__in", ["member_services", "enrollment", "emergency", "other"])
                ),
                name="faq_contactnumber_purpose_valid",
            ),
        ),
        migrations.RunPython(set_known_purposes, migrations.RunPython.noop, elidable=True),
    ]
