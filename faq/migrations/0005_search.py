"""Search: a stored search vector on question revisions, editors' synonyms, the words that
misspellings are matched to, and anonymous search counts."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

WORKFLOW_COLUMNS = (
    "ARRAY['status', 'submitted_at', 'reviewed_at', 'reviewed_by_id', 'review_comment', "
    "'approval_id', 'go_live_at', 'expires_at']"
)


def _guard_revision(generated: str) -> str:
    """0002's guard on revisions, leaving out `generated` columns: in a BEFORE trigger
    Postgres has not computed them yet, so NEW holds NULL there and every workflow update
    would look like a change of words. They are computed from the guarded columns."""
    return f"""
CREATE OR REPLACE FUNCTION faq_guard_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'approved' THEN
        IF (to_jsonb(NEW){generated}) IS DISTINCT FROM (to_jsonb(OLD){generated}) THEN
            RAISE EXCEPTION 'UPDATE on %: an approved revision cannot change', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
    ELSIF (to_jsonb(NEW){generated} - {WORKFLOW_COLUMNS}) IS DISTINCT FROM (to_jsonb(OLD){generated} - {WORKFLOW_COLUMNS}) THEN
        RAISE EXCEPTION 'UPDATE on %: a revision''s words never change; save a new revision',
            TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
"""


# The words of every new revision, however it was saved (admin, demo loader, bulk insert),
# one statement at a time; phone tokens left out, as in search_vector. Draft words land here
# too: they only steer spelling corrections, and results always come from live content.
WORDS_OF = """
    SELECT DISTINCT lexeme
    FROM {table}, unnest(to_tsvector('simple', {table}.question || ' ' || regexp_replace(
        {table}.answer_html, '\\[\\[phone:[A-Za-z0-9_-]+\\]\\]', ' ', 'g')))
    WHERE lexeme ~ '^[[:alpha:]]{{3,40}}$'
"""
COLLECT_WORDS = f"""
CREATE FUNCTION faq_searchword_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO faq_searchword (word) {WORDS_OF.format(table="new_revisions")}
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER faq_entryrevision_searchword_collect AFTER INSERT ON faq_entryrevision
    REFERENCING NEW TABLE AS new_revisions
    FOR EACH STATEMENT EXECUTE FUNCTION faq_searchword_collect();

INSERT INTO faq_searchword (word) {WORDS_OF.format(table="faq_entryrevision")}
ON CONFLICT (word) DO NOTHING;
"""
DROP_COLLECT_WORDS = """
DROP TRIGGER faq_entryrevision_searchword_collect ON faq_entryrevision;
DROP FUNCTION faq_searchword_collect();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0004_member_experience"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                (
                    "query",
                    models.CharField(
                        help_text="As searched: lowercased, single spaces.", max_length=200
                    ),
                ),
                ("searches", models.PositiveIntegerField(default=0)),
                (
                    "zero_result_searches",
                    models.PositiveIntegerField(
                        default=0, verbose_name="searches that found nothing"
                    ),
                ),
                (
                    "result_count",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="How many results the latest of these searches found.",
                        verbose_name="results",
                    ),
                ),
            ],
            options={
                "verbose_name": "search",
                "verbose_name_plural": "searches",
                "ordering": ["-day", "-searches", "query"],
            },
        ),
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "term",
                    models.CharField(
                        help_text="What members type, e.g. “er” or “mental health”.", max_length=100
                    ),
                ),
                (
                    "equivalents",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=100),
                        help_text="What the questions and answers say instead, separated by commas, e.g. “emergency room, emergency department”.",
                        size=None,
                    ),
                ),
                (
                    "is_two_way",
                    models.BooleanField(
                        default=True,
                        help_text="Searching for one of the equivalents also finds the term and the others.",
                        verbose_name="two-way",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["term"],
            },
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=40)),
            ],
            options={
                "ordering": ["word"],
            },
        ),
        migrations.AddField(
            model_name="entryrevision",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        "question", config="english", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        models.Func(
                            "answer_html",
                            models.Value("\\[\\[phone:[A-Za-z0-9_-]+\\]\\]"),
                            models.Value(" "),
                            models.Value("g"),
                            function="regexp_replace",
                            output_field=models.TextField(),
                        ),
                        config="english",
                        weight="B",
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="entryrevision",
            index=models.Index(
                condition=models.Q(("status", "approved")),
                fields=["entry", "-go_live_at", "-id"],
                name="faq_entryrev_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="entryrevision",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="faq_entryrev_search_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="searchlog",
            constraint=models.UniqueConstraint(
                fields=("day", "query"), name="faq_searchlog_day_query_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="searchlog",
            constraint=models.CheckConstraint(
                condition=models.Q(("query", ""), _negated=True),
                name="faq_searchlog_query_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="searchlog",
            constraint=models.CheckConstraint(
                condition=models.Q(("zero_result_searches__lte", models.F("searches"))),
                name="faq_searchlog_zero_results_counted",
            ),
        ),
        migrations.AddConstraint(
            model_name="searchsynonym",
            constraint=models.UniqueConstraint(
                fields=("term",), name="faq_searchsynonym_term_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="searchsynonym",
            constraint=models.CheckConstraint(
                condition=models.Q(("term", ""), _negated=True),
                name="faq_searchsynonym_term_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="searchsynonym",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "term",
                        django.db.models.functions.text.Lower(
                            django.db.models.functions.text.Trim("term")
                        ),
                    )
                ),
                name="faq_searchsynonym_term_normalized",
            ),
        ),
        migrations.AddConstraint(
            model_name="searchsynonym",
            constraint=models.CheckConstraint(
                condition=models.Q(("equivalents__len__gt", 0)),
                name="faq_searchsynonym_has_equivalents",
            ),
        ),
        migrations.AddIndex(
            model_name="searchword",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["word"], name="faq_searchword_trgm_idx", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddConstraint(
            model_name="searchword",
            constraint=models.UniqueConstraint(fields=("word",), name="faq_searchword_word_unique"),
        ),
        migrations.RunSQL(_guard_revision(" - 'search_vector'"), _guard_revision("")),
        migrations.RunSQL(COLLECT_WORDS, DROP_COLLECT_WORDS),
    ]
