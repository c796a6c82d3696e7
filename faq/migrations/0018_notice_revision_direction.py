"""A notice's script direction moves from the notice to each of its versions, so that a wrong
direction is corrected by a new version, reviewed and approved like a change of words.

Every existing version takes its notice's direction: the direction members read it in, which
was locked once a version was approved. Approved versions never change (0002's guard), so the
guard on this table is set aside for that one copy, inside this migration's transaction,
while the AddField before it holds the table locked against every other writer.

The stored hash of an existing version covers its title and body, as when it was reviewed,
and is kept as it is: those versions are marked is_direction_hashed = false (the column's
value for rows already there), and NoticeRevision.hashed_content leaves their direction out.
Every version saved from now on has a hash over its direction too.
"""

from django.db import migrations, models

GUARD = "faq_noticerevision_guard_revision"


def copy_directions_to_revisions(apps, schema_editor):
    Notice = apps.get_model("faq", "Notice")
    NoticeRevision = apps.get_model("faq", "NoticeRevision")
    schema_editor.execute(f"ALTER TABLE faq_noticerevision DISABLE TRIGGER {GUARD}")
    for direction in Notice.objects.values_list("direction", flat=True).distinct():
        NoticeRevision.objects.filter(notice__direction=direction).exclude(
            direction=direction
        ).update(direction=direction)
    schema_editor.execute(f"ALTER TABLE faq_noticerevision ENABLE TRIGGER {GUARD}")


def copy_directions_to_notices(apps, schema_editor):
    """Back to one direction per notice: its newest approved version's, else its newest's."""
    Notice = apps.get_model("faq", "Notice")
    NoticeRevision = apps.get_model("faq", "NoticeRevision")
    for notice in Notice.objects.all():
        versions = NoticeRevision.objects.filter(notice=notice).order_by("-created_at", "-pk")
        newest = versions.filter(status="approved").first() or versions.first()
        if newest is not None and newest.direction != notice.direction:
            Notice.objects.filter(pk=notice.pk).update(direction=newest.direction)


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0017_live_from_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="noticerevision",
            name="direction",
            field=models.CharField(
                choices=[
                    ("ltr", "Left to right"),
                    ("rtl", "Right to left (Arabic, Persian, Urdu, Hebrew …)"),
                ],
                default="ltr",
                max_length=3,
                verbose_name="script direction",
            ),
        ),
        # False for the versions already saved; every new one is hashed with its direction.
        migrations.AddField(
            model_name="noticerevision",
            name="is_direction_hashed",
            field=models.BooleanField(default=False, editable=False),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="noticerevision",
            name="is_direction_hashed",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.RunPython(copy_directions_to_revisions, copy_directions_to_notices),
        migrations.AddConstraint(
            model_name="noticerevision",
            constraint=models.CheckConstraint(
                condition=models.Q(("direction__in", ["ltr", "rtl"])),
                name="faq_noticerevision_direction_valid",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="notice",
            name="faq_notice_direction_valid",
        ),
        migrations.RemoveField(
            model_name="notice",
            name="direction",
        ),
    ]
