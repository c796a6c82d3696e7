"""No state approved Medicaid member material before Title XIX was signed (07/30/1965)."""

import datetime

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0022_name_history_begin"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="approval",
            constraint=models.CheckConstraint(
                condition=models.Q(("approved_on__gte", datetime.date(1965, 7, 30))),
                name="faq_approval_approved_on_since_medicaid",
            ),
        ),
    ]
