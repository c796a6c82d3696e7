from django.db import migrations


class Migration(migrations.Migration):
    """The public content generation, committed with the content it stands for, so a read
    replica can tell whether it has caught up with a change (see faq/replica.py)."""

    dependencies = [("faq", "0007_search_roles")]

    operations = [
        migrations.RunSQL(
            """
            CREATE TABLE faq_public_generation_mark (
                id smallint PRIMARY KEY CONSTRAINT faq_public_generation_mark_one_row
                    CHECK (id = 1),
                value bigint NOT NULL
            );
            INSERT INTO faq_public_generation_mark (id, value)
                SELECT 1, last_value FROM faq_public_generation;
            """,
            "DROP TABLE faq_public_generation_mark",
        )
    ]
