"""Language access: translations of questions as revisions with their own approvals, topic
names per language, synonyms and spelling words per language, and the language assistance
page's notices and taglines."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import faq.models
from faq.roles import roles_sync

# As 0002 guards entries and contact numbers: notices are compliance records too.
GUARD_NOTICES = """
CREATE TRIGGER faq_noticerevision_refuse_change BEFORE DELETE ON faq_noticerevision
    FOR EACH ROW EXECUTE FUNCTION faq_refuse_change();
CREATE TRIGGER faq_noticerevision_guard_revision BEFORE UPDATE ON faq_noticerevision
    FOR EACH ROW EXECUTE FUNCTION faq_guard_revision();
CREATE TRIGGER faq_notice_refuse_change BEFORE DELETE ON faq_notice
    FOR EACH ROW EXECUTE FUNCTION faq_refuse_change();
CREATE TRIGGER faq_notice_guard_withdrawal BEFORE UPDATE ON faq_notice
    FOR EACH ROW EXECUTE FUNCTION faq_guard_withdrawal();
"""
DROP_GUARD_NOTICES = """
DROP TRIGGER faq_noticerevision_refuse_change ON faq_noticerevision;
DROP TRIGGER faq_noticerevision_guard_revision ON faq_noticerevision;
DROP TRIGGER faq_notice_refuse_change ON faq_notice;
DROP TRIGGER faq_notice_guard_withdrawal ON faq_notice;
"""

# 0005's collection of spelling words, now per language: a Spanish word is no correction for
# an English search.
WORDS_OF = """
    SELECT DISTINCT {table}.language, lexeme
    FROM {table}, unnest(to_tsvector('simple', {table}.question || ' ' || regexp_replace(
        {table}.answer_html, '\\[\\[phone:[A-Za-z0-9_-]+\\]\\]', ' ', 'g')))
    WHERE lexeme ~ '^[[:alpha:]]{{3,40}}$'
"""
COLLECT_WORDS = f"""
CREATE OR REPLACE FUNCTION faq_searchword_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO faq_searchword (language, word) {WORDS_OF.format(table="new_revisions")}
    ON CONFLICT (language, word) DO NOTHING;
    RETURN NULL;
END $$;
"""
DROP_COLLECT_WORDS = """
CREATE OR REPLACE FUNCTION faq_searchword_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO faq_searchword (word) SELECT DISTINCT lexeme
    FROM new_revisions, unnest(to_tsvector('simple', new_revisions.question || ' ' ||
        regexp_replace(new_revisions.answer_html, '\\[\\[phone:[A-Za-z0-9_-]+\\]\\]', ' ', 'g')))
    WHERE lexeme ~ '^[[:alpha:]]{3,40}$'
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END $$;
"""


def sync_roles(apps, schema_editor):
    roles_sync(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0008_public_generation_mark"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CategoryTranslation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "language",
                    models.CharField(choices=faq.models.translation_languages, max_length=10),
                ),
                ("name", models.CharField(max_length=120)),
                ("description", models.CharField(blank=True, max_length=300)),
            ],
            options={
                "ordering": ["category", "language"],
            },
        ),
        migrations.CreateModel(
            name="Notice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("nondiscrimination", "Notice of nondiscrimination"),
                            ("tagline", "Tagline (free language help)"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        help_text="Its language as a BCP 47 code, e.g. es, zh-Hant, ar.",
                        max_length=15,
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("ltr", "Left to right"),
                            ("rtl", "Right to left (Arabic, Persian, Urdu, Hebrew …)"),
                        ],
                        default="ltr",
                        max_length=3,
                        verbose_name="script direction",
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, editable=False, null=True)),
            ],
            options={
                "ordering": ["kind", "position", "language"],
            },
        ),
        migrations.CreateModel(
            name="NoticeRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted for review"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                        ],
                        default="draft",
                        max_length=20,
                    ),
                ),
                ("content_hash", models.CharField(editable=False, max_length=64)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                ("review_comment", models.TextField(blank=True)),
                (
                    "go_live_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When members first see it. Empty: as soon as approved.",
                        null=True,
                    ),
                ),
                (
                    "expires_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When members stop seeing it. Empty: no expiry.",
                        null=True,
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        help_text="For a tagline, the language's own name for itself, e.g. Español, 中文.",
                        max_length=200,
                    ),
                ),
                (
                    "body",
                    models.TextField(
                        help_text="Markdown. Name numbers as [[phone:member-services]], never their digits."
                    ),
                ),
                ("body_html", models.TextField(editable=False)),
            ],
            options={
                "verbose_name": "notice revision",
                "ordering": ["-created_at", "-pk"],
                "permissions": [
                    ("review_noticerevision", "Can approve or reject notice revisions")
                ],
                "abstract": False,
            },
        ),
        migrations.AlterModelOptions(
            name="searchsynonym",
            options={"ordering": ["language", "term"]},
        ),
        migrations.AlterModelOptions(
            name="searchword",
            options={"ordering": ["language", "word"]},
        ),
        migrations.RemoveConstraint(
            model_name="auditevent",
            name="faq_auditevent_one_subject",
        ),
        migrations.RemoveConstraint(
            model_name="searchsynonym",
            name="faq_searchsynonym_term_unique",
        ),
        migrations.RemoveConstraint(
            model_name="searchword",
            name="faq_searchword_word_unique",
        ),
        migrations.RemoveIndex(
            model_name="entryrevision",
            name="faq_entryrev_newest_idx",
        ),
        migrations.AddField(
            model_name="entryrevision",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("es", "Español")],
                default="en",
                help_text="The language of these words. Each language is approved on its own.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="entryrevision",
            name="source_revision",
            field=models.ForeignKey(
                blank=True,
                help_text="For a translation: the original revision these words translate.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="translations",
                to="faq.entryrevision",
                verbose_name="translated from",
            ),
        ),
        migrations.AddField(
            model_name="searchsynonym",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("es", "Español")],
                default="en",
                help_text="Applies to searches from pages in this language.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="searchword",
            name="language",
            field=models.CharField(default="en", max_length=10),
        ),
        # A generated column's expression cannot be altered: it is dropped and computed again
        # for every row, with each row's language.
        migrations.RemoveIndex(model_name="entryrevision", name="faq_entryrev_search_idx"),
        migrations.RemoveField(model_name="entryrevision", name="search_vector"),
        migrations.AddField(
            model_name="entryrevision",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        "question",
                        config=models.Case(
                            models.When(
                                language="es",
                                then=django.contrib.postgres.search.SearchConfig("spanish"),
                            ),
                            default=django.contrib.postgres.search.SearchConfig("english"),
                            output_field=models.TextField(),
                        ),
                        weight="A",
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
                        config=models.Case(
                            models.When(
                                language="es",
                                then=django.contrib.postgres.search.SearchConfig("spanish"),
                            ),
                            default=django.contrib.postgres.search.SearchConfig("english"),
                            output_field=models.TextField(),
                        ),
                        weight="B",
                    ),
                    django.contrib.postgres.search.SearchConfig(
                        models.Case(
                            models.When(
                                language="es",
                                then=django.contrib.postgres.search.SearchConfig("spanish"),
                            ),
                            default=django.contrib.postgres.search.SearchConfig("english"),
                            output_field=models.TextField(),
                        )
                    ),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="entryrevision",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="faq_entryrev_search_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="entryrevision",
            index=models.Index(
                condition=models.Q(("status", "approved")),
                fields=["entry", "language", "-go_live_at", "-id"],
                name="faq_entryrev_newest_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="entryrevision",
            constraint=models.CheckConstraint(
                condition=models.Q(("language__in", ["en", "es"])),
                name="faq_entryrevision_language_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="entryrevision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("language", "en"), ("source_revision__isnull", True)),
                    models.Q(
                        models.Q(("language", "en"), _negated=True),
                        ("source_revision__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="faq_entryrevision_translation_has_source",
            ),
        ),
        migrations.AddConstraint(
            model_name="searchsynonym",
            constraint=models.UniqueConstraint(
                fields=("language", "term"), name="faq_searchsynonym_term_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="searchword",
            constraint=models.UniqueConstraint(
                fields=("language", "word"), name="faq_searchword_word_unique"
            ),
        ),
        migrations.AddField(
            model_name="categorytranslation",
            name="category",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="translations",
                to="faq.category",
            ),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(
                fields=("kind", "language"), name="faq_notice_one_per_kind_and_language"
            ),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["nondiscrimination", "tagline"])),
                name="faq_notice_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.CheckConstraint(
                condition=models.Q(("direction__in", ["ltr", "rtl"])),
                name="faq_notice_direction_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.CheckConstraint(
                condition=models.Q(("language__regex", "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")),
                name="faq_notice_language_tag",
            ),
        ),
        migrations.AddField(
            model_name="noticerevision",
            name="approval",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="faq.approval",
            ),
        ),
        migrations.AddField(
            model_name="noticerevision",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="noticerevision",
            name="notice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="revisions",
                to="faq.notice",
            ),
        ),
        migrations.AddField(
            model_name="noticerevision",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="notice_revision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="faq.noticerevision",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("contact_revision__isnull", True),
                        ("entry_revision__isnull", False),
                        ("notice_revision__isnull", True),
                    ),
                    models.Q(
                        ("contact_revision__isnull", False),
                        ("entry_revision__isnull", True),
                        ("notice_revision__isnull", True),
                    ),
                    models.Q(
                        ("contact_revision__isnull", True),
                        ("entry_revision__isnull", True),
                        ("notice_revision__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="faq_auditevent_one_subject",
            ),
        ),
        migrations.AddConstraint(
            model_name="categorytranslation",
            constraint=models.UniqueConstraint(
                fields=("category", "language"), name="faq_categorytranslation_one_per_language"
            ),
        ),
        migrations.AddConstraint(
            model_name="categorytranslation",
            constraint=models.CheckConstraint(
                condition=models.Q(("name", ""), _negated=True),
                name="faq_categorytranslation_name_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="categorytranslation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("language__in", ["en", "es"]), models.Q(("language", "en"), _negated=True)
                ),
                name="faq_categorytranslation_language_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticerevision",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "submitted", "approved", "rejected"])),
                name="faq_noticerevision_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticerevision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "approved"), _negated=True),
                    models.Q(
                        ("approval__isnull", False),
                        ("go_live_at__isnull", False),
                        ("reviewed_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="faq_noticerevision_approved_has_approval",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticerevision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "rejected"), _negated=True),
                    models.Q(("review_comment", ""), _negated=True),
                    _connector="OR",
                ),
                name="faq_noticerevision_rejection_has_comment",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticerevision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reviewed_by__isnull", True),
                    ("created_by__isnull", True),
                    models.Q(("reviewed_by", models.F("created_by")), _negated=True),
                    _connector="OR",
                ),
                name="faq_noticerevision_no_self_review",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticerevision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("expires_at__isnull", True),
                    ("go_live_at__isnull", True),
                    ("expires_at__gt", models.F("go_live_at")),
                    _connector="OR",
                ),
                name="faq_noticerevision_expires_after_go_live",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticerevision",
            constraint=models.CheckConstraint(
                condition=models.Q(("title", ""), _negated=True),
                name="faq_noticerevision_title_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticerevision",
            constraint=models.CheckConstraint(
                condition=models.Q(("body", ""), _negated=True),
                name="faq_noticerevision_body_not_blank",
            ),
        ),
        migrations.RunSQL(GUARD_NOTICES + COLLECT_WORDS, DROP_GUARD_NOTICES + DROP_COLLECT_WORDS),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
