"""fuzzystrmatch, for the edit distance that bounds members' spelling corrections
(faq.search.max_spelling_edits). A trusted extension: the database's owner may create it."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0013_entry_topic_order_index"),
    ]

    operations = [
        CreateExtension("fuzzystrmatch"),
    ]
