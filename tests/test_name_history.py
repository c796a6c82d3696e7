"""Topics' names and numbers' labels change in place, without review: archived views show the
words recorded as shown at their moment, not today's."""

import datetime
import tomllib

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from faq.models import (
    Category,
    CategoryTextRecord,
    CategoryTranslation,
    ContactNumberLabelRecord,
    ContactNumberTranslation,
)
from faq.names import category_text_record, contact_labels_record, name_history_begin
from tests.factories import (
    add_translation,
    make_category,
    make_contact,
    make_entry,
    make_user,
)
from tests.test_admin_typed_numbers import contact_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user(role="editor")


@pytest.fixture
def reviewer():
    return make_user(role="reviewer")


def pharmacy(*, spanish=True):
    """A topic with one live question (in Spanish too), its words recorded as the admin does."""
    category = make_category(name="Pharmacy", description="Medicine you pick up.")
    if spanish:
        CategoryTranslation.objects.create(
            category=category, language="es", name="Farmacia", description="Medicina que recoge."
        )
        category_text_record(category=category, by=None)
    entry = make_entry(category=category, question="How do I get my medicine?")
    add_translation(entry, question="¿Cómo consigo mi medicina?")
    return category, entry


def category_form(category, **changes):
    """The topic's admin form as it stands, with its translations, and `changes`."""
    translations = list(category.translations.all())
    data = {
        "name": category.name,
        "slug": category.slug,
        "description": category.description,
        "position": category.position,
        "translations-TOTAL_FORMS": len(translations),
        "translations-INITIAL_FORMS": len(translations),
    }
    for n, named in enumerate(translations):
        data |= {
            f"translations-{n}-id": named.pk,
            f"translations-{n}-category": category.pk,
            f"translations-{n}-language": named.language,
            f"translations-{n}-name": named.name,
            f"translations-{n}-description": named.description,
        }
    return {**data, **changes}


def save_in_admin(client, user, category, **changes):
    client.force_login(user)
    url = reverse("admin:faq_category_change", args=[category.pk])
    response = client.post(url, category_form(category, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]


def pages(category, entry, language):
    prefix = "" if language == "en" else f"/{language}"
    word = "medicine" if language == "en" else "medicina"
    with translation.override("en"):
        return [
            (prefix + reverse("faq:index"), {}),
            (prefix + category.get_absolute_url(), {}),
            (prefix + entry.get_absolute_url(), {}),
            (prefix + reverse("faq:search"), {"q": word}),
            (prefix + reverse("faq:search"), {"q": "zzxqv"}),  # no results: the topics instead
        ]


def as_of(client, reviewer, url, query, moment):
    client.force_login(reviewer)
    response = client.get(url, {**query, "as_of": moment.isoformat()})
    assertContains(response, 'class="archive-note"')
    return response


def test_a_renamed_topic_shows_its_old_words_in_the_archive_and_its_new_after(
    client, editor, reviewer
):
    category, entry = pharmacy()
    topic = category.get_absolute_url()
    before = timezone.now()
    save_in_admin(
        client,
        editor,
        category,
        name="Prescriptions",
        description="Refills and pickups.",
        **{"translations-0-name": "Recetas", "translations-0-description": "Resurtidos."},
    )
    after = timezone.now()
    for language, old, new in [
        ("en", "Pharmacy", "Prescriptions"),
        ("es", "Farmacia", "Recetas"),
    ]:
        for url, query in pages(category, entry, language):
            then = as_of(client, reviewer, url, query, before)
            assertContains(then, old)
            assertNotContains(then, new)
            later = as_of(client, reviewer, url, query, after)
            assertContains(later, new)
            assertNotContains(later, old)
            client.logout()
            assertContains(client.get(url, query), new)
    assertContains(as_of(client, reviewer, topic, {}, before), "Medicine you pick up.")
    assertContains(as_of(client, reviewer, topic, {}, after), "Refills and pickups.")
    assertContains(as_of(client, reviewer, "/es" + topic, {}, before), "Medicina que recoge.")
    assertContains(as_of(client, reviewer, "/es" + topic, {}, after), "Resurtidos.")


def test_a_translation_added_later_is_not_in_the_archive_before_it(client, editor, reviewer):
    category, entry = pharmacy(spanish=False)
    before = timezone.now()
    save_in_admin(
        client,
        editor,
        category,
        **{
            "translations-TOTAL_FORMS": 1,
            "translations-0-language": "es",
            "translations-0-name": "Farmacia",
            "translations-0-description": "Medicina que recoge.",
        },
    )
    after = timezone.now()
    for url, query in pages(category, entry, "es"):
        then = as_of(client, reviewer, url, query, before)
        assertContains(then, ' lang="en">Pharmacy<')
        assertNotContains(then, "Farmacia")
        assertContains(as_of(client, reviewer, url, query, after), "Farmacia")


def test_a_removed_translation_shows_the_original_again_after_its_removal(client, editor, reviewer):
    category, entry = pharmacy()
    topic = "/es" + category.get_absolute_url()
    before = timezone.now()
    save_in_admin(client, editor, category, **{"translations-0-DELETE": "on"})
    assert not category.translations.exists()
    after = timezone.now()
    assert category.text_records.get(language="es", shown_at__gt=before).name == ""
    for url, query in pages(category, entry, "es"):
        assertContains(as_of(client, reviewer, url, query, before), "Farmacia")
        later = as_of(client, reviewer, url, query, after)
        assertNotContains(later, "Farmacia")
        assertContains(later, ' lang="en">Pharmacy<')
    assertContains(as_of(client, reviewer, topic, {}, after), "Medicine you pick up.")


def test_a_numbers_changed_spanish_label_shows_in_the_archive_as_it_was(client, editor, reviewer):
    contact = make_contact(key="member-services", label="Member Services")
    ContactNumberTranslation.objects.create(
        contact=contact, language="es", label="Línea del Afiliado"
    )
    contact_labels_record(contact=contact, by=None)
    make_entry(question="How do I get my medicine?")
    translation = contact.translations.get()
    before = timezone.now()
    client.force_login(editor)
    url = reverse("admin:faq_contactnumber_change", args=[contact.pk])
    changes = {
        "translations-TOTAL_FORMS": 1,
        "translations-INITIAL_FORMS": 1,
        "translations-0-id": translation.pk,
        "translations-0-contact": contact.pk,
        "translations-0-language": "es",
        "translations-0-label": "Línea de Afiliados",
    }
    assert client.post(url, contact_form(contact, **changes)).status_code == 302
    after = timezone.now()
    assert contact.revisions.count() == 1  # a label translation is no new revision
    for page in ("/es/contact/", "/es/", "/es/language-assistance/"):  # and every frame
        then = as_of(client, reviewer, page, {}, before)
        assertContains(then, "Línea del Afiliado")
        assertNotContains(then, "Línea de Afiliados")
        later = as_of(client, reviewer, page, {}, after)
        assertContains(later, "Línea de Afiliados")
        assertNotContains(later, "Línea del Afiliado")
    # Removed, the English label shows again from then on.
    client.force_login(editor)
    changes |= {"translations-0-DELETE": "on"}
    assert client.post(url, contact_form(contact, **changes)).status_code == 302
    removed = timezone.now()
    then = as_of(client, reviewer, "/es/contact/", {}, after)
    assertContains(then, "Línea de Afiliados")
    now = as_of(client, reviewer, "/es/contact/", {}, removed)
    assertNotContains(now, "Afiliado")
    assertContains(now, ">Member Services<")


def test_a_past_search_offers_a_number_by_its_spanish_label_then(client, reviewer):
    contact = make_contact(key="member-services", label="Member Services")
    ContactNumberTranslation.objects.create(contact=contact, language="es", label="Afiliados")
    contact_labels_record(contact=contact, by=None)
    make_entry(question="How do I get my medicine?")
    before = timezone.now()
    translation = contact.translations.get()
    translation.label = "Línea de Ayuda"
    translation.save()
    contact_labels_record(contact=contact, by=None)
    # Members searching "afiliados" were offered the number, under the label they read.
    then = as_of(client, reviewer, "/es/search/", {"q": "afiliados"}, before)
    assertContains(then, "<h3>Afiliados</h3>", html=True)
    assertNotContains(as_of(client, reviewer, "/es/search/", {"q": "ayuda"}, before), "<h3>")
    now = as_of(client, reviewer, "/es/search/", {"q": "ayuda"}, timezone.now())
    assertContains(now, "<h3>Línea de Ayuda</h3>", html=True)


def test_the_admin_records_the_words_only_when_they_change(client, editor):
    category, _entry = pharmacy()
    recorded = category.text_records.count()
    save_in_admin(client, editor, category)  # saved unchanged
    save_in_admin(client, editor, category, position=99)  # an order is not words
    changelist = reverse("admin:faq_category_changelist")
    response = client.post(
        changelist,
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": category.pk,
            "form-0-position": 7,
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.position == 7
    assert category.text_records.count() == recorded
    save_in_admin(client, editor, category, **{"translations-0-name": "Recetas"})
    (spanish,) = category.text_records.filter(recorded_by=editor)
    assert (spanish.language, spanish.name) == ("es", "Recetas")
    assert spanish.description == "Medicina que recoge."
    save_in_admin(client, editor, category, description="Refills.")
    (english,) = category.text_records.filter(recorded_by=editor, language="en")
    assert (english.name, english.description) == ("Pharmacy", "Refills.")
    assert category.text_records.count() == recorded + 2


def test_a_numbers_form_saved_without_a_new_label_records_nothing(client, editor):
    contact = make_contact(key="member-services")
    client.force_login(editor)
    url = reverse("admin:faq_contactnumber_change", args=[contact.pk])
    assert client.post(url, contact_form(contact)).status_code == 302
    assert not ContactNumberLabelRecord.objects.exists()
    added = {
        "translations-TOTAL_FORMS": 1,
        "translations-0-language": "es",
        "translations-0-label": "Línea del Afiliado",
    }
    assert client.post(url, contact_form(contact, **added)).status_code == 302
    (record,) = ContactNumberLabelRecord.objects.all()
    assert (record.language, record.label, record.recorded_by) == (
        "es",
        "Línea del Afiliado",
        editor,
    )


def test_a_new_topic_in_the_admin_is_recorded_with_its_translation(client, editor):
    client.force_login(editor)
    form = {
        "name": "Dental care",
        "slug": "dental",
        "description": "",
        "position": 1,
        "translations-TOTAL_FORMS": 1,
        "translations-INITIAL_FORMS": 0,
        "translations-0-language": "es",
        "translations-0-name": "Atención dental",
        "translations-0-description": "",
    }
    assert client.post(reverse("admin:faq_category_add"), form).status_code == 302
    records = CategoryTextRecord.objects.order_by("language")
    assert [(r.language, r.name, r.recorded_by) for r in records] == [
        ("en", "Dental care", editor),
        ("es", "Atención dental", editor),
    ]


def test_the_history_begins_with_the_words_in_place_and_shows_them_for_earlier_moments(
    client, reviewer
):
    """What the migration name_history_begin does on an existing site."""
    # Words saved before there was a history: nothing is recorded for them.
    category = Category.objects.create(name="Pharmacy", slug="pharmacy")
    CategoryTranslation.objects.create(category=category, language="es", name="Farmacia")
    entry = make_entry(category=category, question="How do I get my medicine?")
    add_translation(entry)
    contact = make_contact(key="member-services", label="Member Services")
    ContactNumberTranslation.objects.create(contact=contact, language="es", label="Servicios")
    moment = timezone.now()
    assert name_history_begin() == 3
    assert name_history_begin() == 0  # safe to run again
    records = [*category.text_records.all(), *contact.label_records.all()]
    assert [(r.language, r.words, r.shown_at) for r in records] == [
        ("en", "Pharmacy", None),
        ("es", "Farmacia", None),
        ("es", "Servicios", None),
    ]
    # A moment before the history began shows the words in place when it began.
    then = as_of(client, reviewer, "/es" + category.get_absolute_url(), {}, moment)
    assertContains(then, "<h1>Farmacia</h1>", html=True)
    assertContains(then, ">Servicios<")
    # A later change is dated: those words still show for the moments before it.
    before = timezone.now()
    category.translations.update(name="Recetas")
    category_text_record(category=category, by=None)
    assertContains(as_of(client, reviewer, "/es/", {}, before), "Farmacia")
    assertNotContains(as_of(client, reviewer, "/es/", {}, timezone.now()), "Farmacia")


def test_a_topic_shows_its_first_recorded_words_for_a_moment_before_them():
    """A question moved into a topic made after it went live is shown under the topic's
    first words, for a moment before the question's place was recorded."""
    category = make_category(name="Pharmacy")
    moment = category.text_records.get().shown_at - datetime.timedelta(microseconds=1)
    category.name = "Prescriptions"
    category.save()
    category_text_record(category=category, by=None)
    (then,) = Category.objects.filter(pk=category.pk).shown_in("en", moment)
    assert then.shown_name == "Pharmacy"
    (then,) = Category.objects.filter(pk=category.pk).shown_in("es", moment)
    assert (then.shown_name, then.shown_language) == ("Pharmacy", "en")
    (now,) = Category.objects.filter(pk=category.pk).shown_in("es", timezone.now())
    assert (now.shown_name, now.shown_language) == ("Prescriptions", "en")


def test_recorded_words_cannot_be_changed_or_deleted():
    category = make_category(name="Pharmacy")
    for sql in (
        "UPDATE faq_categorytextrecord SET name = 'Forged'",
        "DELETE FROM faq_categorytextrecord",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert category.text_records.get().name == "Pharmacy"


def test_a_topic_with_recorded_words_cannot_be_deleted():
    from django.db.models import ProtectedError

    category = make_category(name="Pharmacy")
    with pytest.raises(ProtectedError):
        category.delete()


def test_the_demo_records_its_topics_and_labels_as_shown_since_its_last_update(demo_content):
    from faq.demo.loader import DEMO_FILE, _local_midnight

    last_updated = _local_midnight(
        tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))["published"]["last_updated_on"]
    )
    for category in Category.objects.all():
        words = {r.language: (r.name, r.shown_at) for r in category.text_records.all()}
        assert words == {
            "en": (category.name, last_updated),
            "es": (category.translations.get().name, last_updated),
        }
    assert ContactNumberLabelRecord.objects.count() == ContactNumberTranslation.objects.count()
    assert not ContactNumberLabelRecord.objects.exclude(shown_at=last_updated).exists()


def test_a_past_search_weighs_topics_by_their_names_then(client, reviewer):
    other = make_category(name="Other things", position=1)
    cards = make_category(name="Cards", position=2)
    plain = make_entry(category=other, question="How do I replace my card?")
    boosted = make_entry(category=cards, question="How do I replace my card?")
    with translation.override("en"):
        first, second = plain.get_absolute_url(), boosted.get_absolute_url()
    before = timezone.now()
    cards.name = "Membership"
    cards.save()
    category_text_record(category=cards, by=None)

    def order(response):
        body = response.content.decode()
        return sorted([first, second], key=body.index)

    query = {"q": "card"}
    assert order(as_of(client, reviewer, "/search/", query, before)) == [second, first]
    assert order(as_of(client, reviewer, "/search/", query, timezone.now())) == [first, second]
