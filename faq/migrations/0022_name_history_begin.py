"""The history of topics' names and number labels begins with the words every site has now.

When those words were first shown is not known, so they are recorded as in place before the
history began (shown_at empty): an archived view of any earlier moment shows them, the best
knowledge there is, and each change from now on is recorded with its moment. (Topics'
words before every record, e.g. a topic made after this, show its earliest record.)
"""

from django.db import migrations

from faq.names import name_history_begin


def begin(apps, schema_editor):
    name_history_begin(apps)


class Migration(migrations.Migration):
    dependencies = [("faq", "0021_name_history")]

    operations = [migrations.RunPython(begin, migrations.RunPython.noop)]
