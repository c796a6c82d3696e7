"""Spelling corrections look only among words that approved text or editors' synonyms use.

0005 collected the words of every revision as it was saved, drafts included, so that a member
typing "glorbenfaks" beside a real word read "Also searched for: glorbenfax", a word only an
unannounced draft used. Words are now collected when a version is saved approved (as the
benchmark's bulk load does) or becomes approved, and the list is rebuilt from approved
versions and synonyms.
"""

from django.db import migrations

WORDS_OF = """
    SELECT DISTINCT {table}.language, lexeme
    FROM {table}, unnest(to_tsvector('simple', {table}.question || ' ' || regexp_replace(
        {table}.answer_html, '\\[\\[phone:[A-Za-z0-9_-]+\\]\\]', ' ', 'g')))
    WHERE {table}.status = 'approved' AND lexeme ~ '^[[:alpha:]]{{3,40}}$'
"""
WORDS_OF_SYNONYMS = """
    SELECT DISTINCT faq_searchsynonym.language, lexeme
    FROM faq_searchsynonym, unnest(to_tsvector('simple',
        faq_searchsynonym.term || ' ' || array_to_string(faq_searchsynonym.equivalents, ' ')))
    WHERE lexeme ~ '^[[:alpha:]]{3,40}$'
"""
APPROVED_ONLY = f"""
CREATE OR REPLACE FUNCTION faq_searchword_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO faq_searchword (language, word) {WORDS_OF.format(table="new_revisions")}
    ON CONFLICT (language, word) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER faq_entryrevision_searchword_approved AFTER UPDATE ON faq_entryrevision
    REFERENCING NEW TABLE AS new_revisions
    FOR EACH STATEMENT EXECUTE FUNCTION faq_searchword_collect();

DELETE FROM faq_searchword;
INSERT INTO faq_searchword (language, word) {WORDS_OF.format(table="faq_entryrevision")}
ON CONFLICT (language, word) DO NOTHING;
INSERT INTO faq_searchword (language, word) {WORDS_OF_SYNONYMS}
ON CONFLICT (language, word) DO NOTHING;
"""
EVERY_REVISION = f"""
DROP TRIGGER faq_entryrevision_searchword_approved ON faq_entryrevision;

CREATE OR REPLACE FUNCTION faq_searchword_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO faq_searchword (language, word)
    {WORDS_OF.format(table="new_revisions").replace("new_revisions.status = 'approved' AND ", "")}
    ON CONFLICT (language, word) DO NOTHING;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0018_notice_revision_direction"),
    ]

    operations = [migrations.RunSQL(APPROVED_ONLY, EVERY_REVISION)]
