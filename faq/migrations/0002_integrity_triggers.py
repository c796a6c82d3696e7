"""Compliance records are kept, unchanged, in the database itself, whatever client writes to it."""

from django.db import migrations

WORKFLOW_COLUMNS = (
    "ARRAY['status', 'submitted_at', 'reviewed_at', 'reviewed_by_id', 'review_comment', "
    "'approval_id', 'go_live_at', 'expires_at']"
)

FUNCTIONS = f"""
CREATE FUNCTION faq_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on %: compliance records are kept unchanged and cannot be deleted',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;

CREATE FUNCTION faq_guard_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'approved' THEN
        IF to_jsonb(NEW) IS DISTINCT FROM to_jsonb(OLD) THEN
            RAISE EXCEPTION 'UPDATE on %: an approved revision cannot change', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
    ELSIF (to_jsonb(NEW) - {WORKFLOW_COLUMNS}) IS DISTINCT FROM (to_jsonb(OLD) - {WORKFLOW_COLUMNS}) THEN
        RAISE EXCEPTION 'UPDATE on %: a revision''s words never change; save a new revision',
            TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION faq_guard_withdrawal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS DISTINCT FROM OLD.withdrawn_at THEN
        RAISE EXCEPTION 'UPDATE on %: a withdrawal cannot be undone or moved', TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
"""

TRIGGERS = [
    ("faq_approval", "BEFORE UPDATE OR DELETE", "faq_refuse_change"),
    ("faq_auditevent", "BEFORE UPDATE OR DELETE", "faq_refuse_change"),
    ("faq_entryrevision", "BEFORE DELETE", "faq_refuse_change"),
    ("faq_entryrevision", "BEFORE UPDATE", "faq_guard_revision"),
    ("faq_contactnumberrevision", "BEFORE DELETE", "faq_refuse_change"),
    ("faq_contactnumberrevision", "BEFORE UPDATE", "faq_guard_revision"),
    ("faq_entry", "BEFORE DELETE", "faq_refuse_change"),
    ("faq_entry", "BEFORE UPDATE", "faq_guard_withdrawal"),
    ("faq_contactnumber", "BEFORE DELETE", "faq_refuse_change"),
    ("faq_contactnumber", "BEFORE UPDATE", "faq_guard_withdrawal"),
]


def _name(table, function):
    return f"{table}_{function.removeprefix('faq_')}"


CREATE = FUNCTIONS + "\n".join(
    f"CREATE TRIGGER {_name(table, function)} {when} ON {table} "
    f"FOR EACH ROW EXECUTE FUNCTION {function}();"
    for table, when, function in TRIGGERS
)
DROP = "\n".join(
    f"DROP TRIGGER {_name(table, function)} ON {table};" for table, when, function in TRIGGERS
) + (
    "\nDROP FUNCTION faq_refuse_change(); DROP FUNCTION faq_guard_revision();"
    " DROP FUNCTION faq_guard_withdrawal();"
)


class Migration(migrations.Migration):
    dependencies = [("faq", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
