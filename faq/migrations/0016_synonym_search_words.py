"""The words of editors' synonyms join the words spelling corrections look among, so that a
typo of a word only a synonym uses ("docter": the English answers say "provider") is read as
that word, and the synonym applies (faq.search._alternatives)."""

from django.db import migrations

WORDS_OF_SYNONYMS = """
    SELECT DISTINCT {table}.language, lexeme
    FROM {table}, unnest(to_tsvector('simple',
        {table}.term || ' ' || array_to_string({table}.equivalents, ' ')))
    WHERE lexeme ~ '^[[:alpha:]]{{3,40}}$'
"""
COLLECT_SYNONYM_WORDS = f"""
CREATE FUNCTION faq_searchword_collect_synonym() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO faq_searchword (language, word) {WORDS_OF_SYNONYMS.format(table="new_synonyms")}
    ON CONFLICT (language, word) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER faq_searchsynonym_searchword_insert AFTER INSERT ON faq_searchsynonym
    REFERENCING NEW TABLE AS new_synonyms
    FOR EACH STATEMENT EXECUTE FUNCTION faq_searchword_collect_synonym();
CREATE TRIGGER faq_searchsynonym_searchword_update AFTER UPDATE ON faq_searchsynonym
    REFERENCING NEW TABLE AS new_synonyms
    FOR EACH STATEMENT EXECUTE FUNCTION faq_searchword_collect_synonym();

INSERT INTO faq_searchword (language, word) {WORDS_OF_SYNONYMS.format(table="faq_searchsynonym")}
ON CONFLICT (language, word) DO NOTHING;
"""
DROP_COLLECT_SYNONYM_WORDS = """
DROP TRIGGER faq_searchsynonym_searchword_update ON faq_searchsynonym;
DROP TRIGGER faq_searchsynonym_searchword_insert ON faq_searchsynonym;
DROP FUNCTION faq_searchword_collect_synonym();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0015_unaccent"),
    ]

    operations = [
        migrations.RunSQL(COLLECT_SYNONYM_WORDS, DROP_COLLECT_SYNONYM_WORDS),
    ]
