"""unaccent, so that members' words match editors' synonyms and the content's spellings
whatever their accents ("depresion", "médico"): faq.search.without_accents. A trusted
extension: the database's owner may create it."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0014_fuzzystrmatch"),
    ]

    operations = [
        UnaccentExtension(),
    ]
