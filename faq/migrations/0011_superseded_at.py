"""When each approved revision stops being the newest: superseded_at, kept by triggers.

A revision is superseded when a newer approved revision of the same material (the item, or
the item in one language for questions) goes live; "newer" orders by (go_live_at, id), as
live() always has. Approved revisions never change and never stop being approved, so the
moment can only come earlier as revisions are approved. A BEFORE trigger computes a row's own
moment from the newer approved revisions on every write (whatever the client wrote there);
an AFTER trigger, when a revision is approved, touches the older ones so theirs is computed
again. The guard on approved revisions lets this one column change.
"""

from django.conf import settings
from django.db import migrations, models

# The table of each kind of revision, and the columns naming the material it is a version of.
MATERIAL = {
    "faq_entryrevision": ("entry_id", "language"),
    "faq_contactnumberrevision": ("contact_id",),
    "faq_noticerevision": ("notice_id",),
}

WORKFLOW_COLUMNS = (
    "ARRAY['status', 'submitted_at', 'reviewed_at', 'reviewed_by_id', 'review_comment', "
    "'approval_id', 'go_live_at', 'expires_at']"
)


def _guard_revision(kept_out: str) -> str:
    """0005's guard on revisions, leaving out the `kept_out` columns (see 0005)."""
    return f"""
CREATE OR REPLACE FUNCTION faq_guard_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'approved' THEN
        IF (to_jsonb(NEW){kept_out}) IS DISTINCT FROM (to_jsonb(OLD){kept_out}) THEN
            RAISE EXCEPTION 'UPDATE on %: an approved revision cannot change', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
    ELSIF (to_jsonb(NEW){kept_out} - {WORKFLOW_COLUMNS}) IS DISTINCT FROM (to_jsonb(OLD){kept_out} - {WORKFLOW_COLUMNS}) THEN
        RAISE EXCEPTION 'UPDATE on %: a revision''s words never change; save a new revision',
            TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
"""


def _same_material(alias: str, columns: tuple[str, ...]) -> str:
    return " AND ".join(f"{alias}.{column} = NEW.{column}" for column in columns)


def _superseding(table: str, columns: tuple[str, ...]) -> str:
    return f"""
CREATE FUNCTION {table}_superseded() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.superseded_at := CASE WHEN NEW.status = 'approved' THEN (
        SELECT min(newer.go_live_at) FROM {table} newer
        WHERE {_same_material("newer", columns)} AND newer.status = 'approved'
            AND (newer.go_live_at, newer.id) > (NEW.go_live_at, NEW.id)
    ) END;
    RETURN NEW;
END $$;
CREATE TRIGGER {table}_superseded BEFORE INSERT OR UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_superseded();

CREATE FUNCTION {table}_supersede() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {table} older SET superseded_at = NEW.go_live_at
    WHERE {_same_material("older", columns)} AND older.status = 'approved'
        AND (older.go_live_at, older.id) < (NEW.go_live_at, NEW.id)
        AND (older.superseded_at IS NULL OR older.superseded_at > NEW.go_live_at);
    RETURN NULL;
END $$;
CREATE TRIGGER {table}_supersede AFTER INSERT OR UPDATE OF status ON {table}
    FOR EACH ROW WHEN (NEW.status = 'approved') EXECUTE FUNCTION {table}_supersede();

UPDATE {table} SET superseded_at = NULL WHERE status = 'approved';  -- each computed by the above
"""


def _no_superseding(table: str) -> str:
    return f"""
DROP TRIGGER {table}_supersede ON {table}; DROP FUNCTION {table}_supersede();
DROP TRIGGER {table}_superseded ON {table}; DROP FUNCTION {table}_superseded();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0010_contact_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="contactnumberrevision",
            name="superseded_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="entryrevision",
            name="superseded_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="noticerevision",
            name="superseded_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(
            _guard_revision(" - 'search_vector' - 'superseded_at'"),
            _guard_revision(" - 'search_vector'"),
        ),
        *(
            migrations.RunSQL(_superseding(table, columns), _no_superseding(table))
            for table, columns in MATERIAL.items()
        ),
        migrations.AddConstraint(
            model_name="contactnumberrevision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("superseded_at__isnull", True),
                    models.Q(
                        ("status", "approved"), ("superseded_at__gte", models.F("go_live_at"))
                    ),
                    _connector="OR",
                ),
                name="faq_contactnumberrevision_superseded_after_go_live",
            ),
        ),
        migrations.AddConstraint(
            model_name="entryrevision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("superseded_at__isnull", True),
                    models.Q(
                        ("status", "approved"), ("superseded_at__gte", models.F("go_live_at"))
                    ),
                    _connector="OR",
                ),
                name="faq_entryrevision_superseded_after_go_live",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticerevision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("superseded_at__isnull", True),
                    models.Q(
                        ("status", "approved"), ("superseded_at__gte", models.F("go_live_at"))
                    ),
                    _connector="OR",
                ),
                name="faq_noticerevision_superseded_after_go_live",
            ),
        ),
    ]
