"""Questions in Spanish: translations are revisions with their own approval, flagged when
the English they translate changes, searched with Spanish stemming and synonyms."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from faq.approvals import revision_approve, revision_restore, revision_submit
from faq.models import CategoryTranslation, EntryRevision, SearchSynonym
from faq.reports import TRANSLATION_OUTDATED, compliance_report
from tests.factories import (
    add_revision,
    add_translation,
    make_approval,
    make_category,
    make_entry,
    make_synonym,
    make_user,
    publish,
)
from tests.test_admin import read_csv, signed_in

pytestmark = pytest.mark.django_db


def test_spanish_pages_show_the_approved_spanish_version_with_its_stamp(demo_content, client):
    response = client.get("/es/questions/lost-member-id-card/")
    assertContains(response, "<h1>¿Qué pasa si pierdo mi tarjeta de identificación")
    assertContains(response, "<article>")
    assertNotContains(response, "translation-note")
    assertContains(response, 'href="tel:+18003226027"')
    # Its own approval, and the English numbers' in the page's frame, in Spanish words.
    assertContains(
        response,
        "Aprobado por el estado: 06/22/2016 MOC16078; 10/06/2020 MOC16078-ES-DEMO "
        "Última actualización: 10/6/2020",
    )
    topic = client.get("/es/topics/urgent-and-emergency-care/")
    assertContains(topic, "<h1>Atención urgente y de emergencia</h1>")
    assertNotContains(topic, "translation-note")
    english = client.get("/questions/lost-member-id-card/")
    assertContains(english, "<h1>What if I lose my Missouri Care member ID card?</h1>")
    assertNotContains(english, "MOC16078-ES-DEMO")


def test_every_seed_question_has_a_demo_translation_marked_as_such(demo_content):
    spanish = EntryRevision.objects.live().filter(language="es").select_related("approval")
    assert spanish.count() == EntryRevision.objects.live().originals().count() == 9
    for revision in spanish:
        assert "Demo translation" in revision.approval.notes
        assert revision.source_revision.language == "en"
    assert EntryRevision.objects.outdated().count() == 0


def test_an_unapproved_spanish_revision_is_never_shown(client):
    entry = make_entry(question="How do I get a ride?", answer="Call us.")
    draft = add_translation(entry, question="¿Cómo consigo transporte?", live=False)
    page = f"/es/questions/{entry.slug}/"
    topic = f"/es/topics/{entry.category.slug}/"
    for state in ("draft", "submitted"):
        for url in (page, topic, "/es/", "/es/search/?q=transporte"):
            assertNotContains(client.get(url), "¿Cómo consigo transporte?", msg_prefix=state)
        assertContains(client.get(page), "How do I get a ride?")
        if state == "draft":
            revision_submit(revision=draft, by=None)
    revision_approve(revision=draft, by=None, approval=make_approval())
    assertContains(client.get(page), "¿Cómo consigo transporte?")
    assertContains(client.get("/es/search/?q=transporte"), "¿Cómo consigo transporte?")
    assertNotContains(client.get(f"/questions/{entry.slug}/"), "transporte")


def test_a_newer_spanish_draft_leaves_the_approved_spanish_in_place(client):
    entry = make_entry()
    add_translation(entry, question="¿Pregunta aprobada?")
    add_translation(entry, question="¿Borrador nuevo?", live=False)
    response = client.get(f"/es/questions/{entry.slug}/")
    assertContains(response, "¿Pregunta aprobada?")
    assertNotContains(response, "¿Borrador nuevo?")


def test_changing_the_english_source_flags_the_spanish_translation_as_outdated(client):
    entry = make_entry(answer="Call us on weekdays.")
    translation = add_translation(entry, answer="Llámenos entre semana.")
    assert not EntryRevision.objects.outdated().exists()
    draft = add_revision(entry, answer="Call us any day.")
    assert not EntryRevision.objects.outdated().exists()  # members still see what it translates
    publish(draft)
    assert list(EntryRevision.objects.outdated()) == [translation]
    # Members reading Spanish still see the approved translation: it is approved material.
    assertContains(client.get(f"/es/questions/{entry.slug}/"), "Llámenos entre semana.")

    reviewer = make_user(role="reviewer")
    signed_in(client, reviewer)
    rows = read_csv(client.get(reverse("admin:faq_compliance_report") + "?format=csv"))
    flagged = [row for row in rows if TRANSLATION_OUTDATED in row[-1]]
    assert [(row[0], row[3]) for row in flagged] == [("Question (es)", str(translation.pk))]
    review = client.get(reverse("admin:faq_entryrevision_change", args=[translation.pk]))
    assertContains(review, "Outdated:")
    assertContains(review, "Call us on weekdays.")  # the English it translates

    editor = make_user(role="editor")
    signed_in(client, editor)
    listing = client.get(reverse("admin:faq_entry_changelist") + "?translation=es:outdated")
    assertContains(listing, "Español: outdated")
    form = client.get(reverse("admin:faq_entry_change", args=[entry.pk]))
    assertContains(form, "Outdated:")

    # Going back to the words it translates clears the flag: compared by content.
    publish(revision_restore(revision=entry.revisions.originals().order_by("pk").first(), by=None))
    assert not EntryRevision.objects.outdated().exists()


def test_a_translation_must_say_what_it_translates():
    entry = make_entry()
    with (
        pytest.raises(IntegrityError, match="faq_entryrevision_translation_has_source"),
        transaction.atomic(),
    ):
        EntryRevision.objects.create(entry=entry, language="es", question="¿Q?", answer="R.")
    with (
        pytest.raises(IntegrityError, match="faq_entryrevision_language_valid"),
        transaction.atomic(),
    ):
        EntryRevision.objects.create(
            entry=entry,
            language="xx",
            source_revision=entry.revisions.get(),
            question="Q?",
            answer="A.",
        )


def test_an_editor_writes_the_spanish_version_beside_the_english(client):
    entry = make_entry(question="How do I get a ride?", answer="Call now.")
    english = entry.revisions.get()
    editor, reviewer = make_user(role="editor"), make_user(role="reviewer")
    signed_in(client, editor)
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    form = {
        "question": english.question,
        "answer": "Call us now.",
        "category": entry.category_id,
        "slug": entry.slug,
        "position": entry.position,
        "base_revision": english.pk,
        "question_es": "¿Cómo consigo transporte?",
        "answer_es": "",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assertContains(refused, "Give both the question and the answer in Español.")
    assert entry.revisions.count() == 1  # nothing half-saved

    form["answer_es"] = "Llame a [[phone:nowhere]]."
    assertContains(client.post(url, form), "No contact number matches [[phone:nowhere]]")

    form["answer_es"] = "Llámenos ahora."
    response = client.post(url, {**form, "_submit": "1"})
    assert response.status_code == 302
    new_english = entry.revisions.originals().order_by("-pk").first()
    spanish = entry.revisions.get(language="es")
    assert spanish.status == "submitted" and new_english.status == "submitted"
    assert spanish.source_revision == new_english and spanish.created_by == editor

    signed_in(client, reviewer)
    decision = {
        "decision": "approve",
        "material_id": "MOC-ES-1",
        "approving_body": "MO HealthNet Division",
        "approved_on": "2026-11-01",
    }
    ids = f"{new_english.pk},{spanish.pk}"
    review = client.post(reverse("admin:faq_entryrevision_review") + f"?ids={ids}", decision)
    assert review.status_code == 302
    page = client.get(f"/es/questions/{entry.slug}/")
    assertContains(page, "¿Cómo consigo transporte?")
    assertContains(page, "MOC-ES-1")
    assert not EntryRevision.objects.outdated().exists()


def test_unchanged_spanish_words_save_no_new_revision(client):
    entry = make_entry()
    translation = add_translation(entry)
    signed_in(client, make_user(role="editor"))
    form = client.get(reverse("admin:faq_entry_change", args=[entry.pk])).context["adminform"]
    assert form.form.initial["question_es"] == translation.question
    english = entry.revisions.originals().get()
    response = client.post(
        reverse("admin:faq_entry_change", args=[entry.pk]),
        {
            "question": english.question,
            "answer": english.answer,
            "category": entry.category_id,
            "slug": entry.slug,
            "position": entry.position,
            "base_revision": english.pk,
            "question_es": translation.question,
            "answer_es": translation.answer,
            "base_revision_es": translation.pk,
        },
    )
    assert response.status_code == 302
    assert entry.revisions.count() == 2


def test_topic_names_are_translated_on_spanish_pages(client):
    entry = make_entry()
    CategoryTranslation.objects.create(
        category=entry.category, language="es", name="Transporte", description="Viajes."
    )
    topic = client.get(f"/es/topics/{entry.category.slug}/")
    assertContains(topic, "<h1>Transporte</h1>")
    assertContains(topic, '<p class="lead">Viajes.</p>')
    assertContains(client.get("/es/"), ">Transporte</a>")
    assertContains(client.get(f"/topics/{entry.category.slug}/"), f"<h1>{entry.category.name}")
    with pytest.raises(IntegrityError, match="faq_categorytranslation_one_per_language"):
        CategoryTranslation.objects.create(category=entry.category, language="es", name="Otra")


def test_spanish_search_for_sala_de_emergencia_finds_the_emergency_questions(demo_content, client):
    response = client.get("/es/search/", {"q": "sala de emergencia"})
    body = response.content.decode()
    assert "/es/questions/emergency-room-when-pcp-unavailable/" in body
    assert "/es/questions/advice-at-night-or-out-of-town/" in body
    assert "<mark>" in body
    # Spanish stemming: "emergencias" and "emergencia" are one word to Spanish search.
    plural = client.get("/es/search/", {"q": "emergencias"}).content.decode()
    assert "/es/questions/emergency-room-when-pcp-unavailable/" in plural
    # English pages search English words with English stemming.
    assertContains(client.get("/search/", {"q": "emergency rooms"}), "emergency-room-when-pcp")


def test_a_spanish_topic_name_named_by_the_query_ranks_its_questions_first(client):
    other = make_category(name="Other things", position=1)
    dental = make_category(name="Dental care", position=2)
    CategoryTranslation.objects.create(category=other, language="es", name="Otras cosas")
    CategoryTranslation.objects.create(category=dental, language="es", name="Atención dental")
    for category in (other, dental):
        entry = make_entry(
            slug=f"limpiezas-{category.pk}",
            category=category,
            question="Are cleanings covered?",
            answer="Yes, twice a year.",
        )
        add_translation(entry, question="¿Cubren las limpiezas?", answer="Sí, dos veces al año.")
    body = client.get("/es" + reverse("faq:search"), {"q": "limpiezas atención"}).content
    found = re.findall(r'<h2><a href="/es/questions/([^/]+)/"', body.decode())
    assert found == [f"limpiezas-{dental.pk}", f"limpiezas-{other.pk}"]


def test_synonyms_are_per_language(demo_content, client):
    spanish = client.get("/es/search/", {"q": "urgencias"}).content.decode()
    assert "/es/questions/emergency-room-when-pcp-unavailable/" in spanish
    languages = SearchSynonym.objects.filter(term="urgencias").values_list("language", flat=True)
    assert list(languages) == ["es"]


def test_a_spanish_synonym_does_not_apply_to_english_searches(client):
    make_entry(question="Where is the pharmacy?", answer="Near you.")
    make_synonym(term="farmacia", equivalents=["pharmacy"], language="es")
    english = client.get("/search/", {"q": "farmacia"}).content.decode()
    assert "Where is the pharmacy?" not in english
    spanish = client.get("/es/search/", {"q": "farmacia"}).content.decode()
    assert "Where is the pharmacy?" in spanish  # untranslated, found through the synonym


def test_a_synonym_term_is_unique_per_language_only():
    make_synonym(term="doctor", equivalents=["provider"])
    make_synonym(term="doctor", equivalents=["médico"], language="es")
    with pytest.raises(ValidationError):
        make_synonym(term="doctor", equivalents=["physician"], language="es")


def test_spanish_misspellings_are_corrected_from_spanish_words(demo_content, client):
    body = client.get("/es/search/", {"q": "especialsta"}).content.decode()
    assert "/es/questions/need-a-specialist/" in body


def test_number_labels_are_translated_and_the_numbers_stay_the_approved_ones(demo_content, client):
    spanish = client.get("/es/contact/")
    assertContains(spanish, "<h3>Servicios para Miembros</h3>")
    assertContains(spanish, 'href="tel:+18003226027"')
    header = client.get("/es/").content.decode()
    assert '<p class="call-us"><span>Servicios para Miembros</span>' in header
    english = client.get("/contact/")
    assertContains(english, "<h3>Member Services</h3>")
    assertNotContains(english, "Servicios para Miembros")


def test_an_untranslated_number_label_is_marked_english(client):
    from faq.models import ContactNumberTranslation
    from tests.factories import make_contact

    contact = make_contact(key="member-services", label="Member Services")
    spanish = client.get("/es/contact/")
    assertContains(spanish, '<h3 lang="en">Member Services</h3>')
    ContactNumberTranslation.objects.create(
        contact=contact, language="es", label="Servicios para Miembros"
    )
    from faq.cache import public_content_changed

    public_content_changed()
    assertContains(client.get("/es/contact/"), "<h3>Servicios para Miembros</h3>")


def test_an_editor_translates_a_number_label_in_the_admin(client):
    from faq.models import ContactNumber
    from tests.factories import make_contact

    contact = make_contact(key="member-services", label="Member Services")
    revision = contact.revisions.get()
    signed_in(client, make_user(role="editor"))
    response = client.post(
        reverse("admin:faq_contactnumber_change", args=[contact.pk]),
        {
            "label": "Member Services",
            "number": "1-800-322-6027",
            "tty_number": "",
            "hours": "",
            "key": "member-services",
            "purpose": "member_services",
            "position": contact.position,
            "base_revision": revision.pk,
            "translations-TOTAL_FORMS": 1,
            "translations-INITIAL_FORMS": 0,
            "translations-0-language": "es",
            "translations-0-label": "Servicios para Miembros",
        },
    )
    assert response.status_code == 302
    assert ContactNumber.objects.get().revisions.count() == 1  # the number itself unchanged
    assertContains(client.get("/es/contact/"), "<h3>Servicios para Miembros</h3>")


def test_each_topics_count_is_what_its_pages_show_in_every_language():
    from collections import Counter

    from faq.approvals import item_withdraw

    topic, other = make_category(), make_category()
    make_entry(category=topic)  # the original only
    add_translation(make_entry(category=topic))  # the original and its translation
    add_translation(make_entry(category=topic), live=False)  # a translation not approved yet
    add_translation(make_entry(category=other))
    withdrawn = make_entry(category=topic)
    add_translation(withdrawn)
    item_withdraw(item=withdrawn, by=None)
    # The original expires, and its translation with it.
    expiring = make_entry(category=topic)
    add_translation(expiring)
    soon = timezone.now() + datetime.timedelta(minutes=1)
    publish(add_revision(expiring, expires_at=soon))
    later = soon + datetime.timedelta(minutes=1)
    for at in (None, later):
        for language in ("en", "es"):
            shown = EntryRevision.objects.shown_in(language, at).select_related("entry")
            expected = Counter(revision.entry.category_id for revision in shown)
            assert dict(EntryRevision.objects.shown_per_category(at)) == expected
    assert dict(EntryRevision.objects.shown_per_category())[topic.pk] == 4
    assert dict(EntryRevision.objects.shown_per_category(later))[topic.pk] == 3


def _moment(**delta):
    return timezone.now() + datetime.timedelta(**delta)


def _spanish_words(client, entry) -> str:
    response = client.get(f"/es/questions/{entry.slug}/")
    return response.content.decode() if response.status_code == 200 else ""


def test_a_translation_expires_with_its_original(client, monkeypatch):
    entry = make_entry(answer="Rides to the clinic.")
    add_translation(entry, answer="Viajes a la clínica con ardillas.")
    soon = _moment(minutes=1)
    publish(add_revision(entry, expires_at=soon))  # the English is set to expire
    assert "ardillas" in _spanish_words(client, entry)
    assert reported(compliance_report()) == {"en", "es"}

    later = _moment(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _spanish_words(client, entry) == ""
    assert client.get(f"/es/topics/{entry.category.slug}/").status_code == 404
    assert entry.slug not in client.get("/es/").content.decode()
    assert entry.slug not in client.get("/es/search/", {"q": "ardillas"}).content.decode()
    assert reported(compliance_report(later)) == set()


def reported(rows) -> set[str]:
    """The languages of the compliance report's rows for the one question a test made."""
    return {row.revision.language for row in rows if isinstance(row.revision, EntryRevision)
            and row.revision.entry.slug.startswith("question-")}  # fmt: skip


def test_a_translation_goes_live_with_the_original_it_translates(client, monkeypatch):
    entry = make_entry(answer="Dental cleanings twice a year.", live=False)
    in_two_days = _moment(days=2)
    english = publish(add_revision(entry, go_live_at=in_two_days))
    spanish = add_translation(entry, source=english, answer="Limpiezas dentales con ardillas.")
    assert spanish.go_live_at == english.go_live_at  # moved to the original's go-live
    assert client.get(f"/questions/{entry.slug}/").status_code == 404
    assert _spanish_words(client, entry) == ""
    assert entry.slug not in client.get("/es/search/", {"q": "ardillas"}).content.decode()

    later = _moment(days=2, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "ardillas" in _spanish_words(client, entry)


def test_members_keep_the_live_translation_until_the_next_goes_live_with_its_original(
    client, monkeypatch
):
    entry = make_entry(answer="Vision exams once a year.")
    add_translation(entry, answer="Exámenes de la vista con búhos.")
    in_two_days = _moment(days=2)
    english = publish(add_revision(entry, answer="Vision exams twice.", go_live_at=in_two_days))
    add_translation(entry, source=english, answer="Exámenes de la vista con nutrias.")
    words = _spanish_words(client, entry)
    assert "búhos" in words and "nutrias" not in words

    later = _moment(days=2, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    words = _spanish_words(client, entry)
    assert "nutrias" in words and "búhos" not in words


def test_a_translation_is_approved_only_after_the_words_it_translates(client):
    entry = make_entry(answer="Pharmacy hours.")
    add_translation(entry, answer="Horario de la farmacia con pingüinos.")
    english = add_revision(entry, answer="New pharmacy hours.")
    revision_submit(revision=english, by=None)  # in review, not approved yet
    spanish = add_translation(entry, source=english, live=False, answer="Horario con flamencos.")
    revision_submit(revision=spanish, by=None)
    with pytest.raises(ValidationError, match="translates a version that is submitted for review"):
        revision_approve(revision=spanish, by=None, approval=make_approval())
    spanish.refresh_from_db()
    assert spanish.status == "submitted"
    words = _spanish_words(client, entry)
    assert "pingüinos" in words and "flamencos" not in words

    approval = make_approval()
    revision_approve(revision=english, by=None, approval=approval)
    revision_approve(revision=spanish, by=None, approval=approval)
    assert "flamencos" in _spanish_words(client, entry)


def test_a_new_questions_translation_is_not_outdated():
    entry = make_entry(live=False)  # nothing of it is live
    english = entry.revisions.get()
    spanish = add_translation(entry, source=english, live=False)

    def is_outdated() -> bool:
        return EntryRevision.objects.with_translation_state().get(pk=spanish.pk).is_outdated

    assert is_outdated() is False
    publish(english)
    publish(spanish)
    assert is_outdated() is False
    publish(add_revision(entry, answer="Other words."))
    assert is_outdated() is True


def test_the_home_pages_see_all_link_names_its_topic_mid_sentence(demo_content, client):
    # "Ver las 7 preguntas sobre su membresía", as the topic's own pages say "Más preguntas
    # sobre su membresía": not "sobre Su membresía", read by screen readers and copied.
    from faq.models import Category
    from faq.views import HOME_QUESTIONS_PER_CATEGORY

    category = Category.objects.get(slug="your-membership")
    for n in range(HOME_QUESTIONS_PER_CATEGORY):
        make_entry(category=category, position=100 + n)
    total = HOME_QUESTIONS_PER_CATEGORY + 2
    assertContains(
        client.get("/es/"),
        f'Ver las {total} preguntas<span class="visually-hidden"> sobre su membresía</span>',
    )
    assertContains(
        client.get("/"),
        f'See all {total} questions<span class="visually-hidden"> about your membership</span>',
    )


def test_faq_json_ld_says_the_language_of_each_question(demo_content, client):
    # A Spanish topic page shows a question not translated yet in English: its structured
    # data says so, as the page's lang="en" does, instead of passing it off as Spanish.
    from faq.models import Category
    from tests.test_member_experience import json_ld

    category = Category.objects.get(slug="your-doctors")
    make_entry(category=category, question="How do I find a dentist?", position=100)
    [data] = json_ld(client.get("/es/topics/your-doctors/").content.decode())
    assert data["inLanguage"] == "es"
    assert [(q["name"], q["inLanguage"]) for q in data["mainEntity"]] == [
        ("¿Qué es un proveedor de atención primaria (PCP)?", "es"),
        ("¿Qué pasa si necesito un especialista?", "es"),
        ("How do I find a dentist?", "en"),
    ]
    [english] = json_ld(client.get("/topics/your-doctors/").content.decode())
    assert english["inLanguage"] == "en"
    assert {q["inLanguage"] for q in english["mainEntity"]} == {"en"}


def test_the_home_page_says_which_topics_questions_are_shown_in_english(demo_content, client):
    # The home page lists a question not translated yet in English, as topic and question
    # pages do, and like them says why, under that topic only.
    from faq.models import Category

    category = Category.objects.get(slug="your-doctors")
    make_entry(category=category, question="How do I find a dentist?", position=100)
    body = client.get("/es/").content.decode()
    assert body.count('class="translation-note"') == 1
    section = body[body.index('id="topic-your-doctors"') : body.index('id="topic-urgent')]
    assert "Algunas de estas preguntas todavía no están traducidas" in section
    assert 'lang="en">How do I find a dentist?</a>' in section
    assertNotContains(client.get("/"), "translation-note")


def test_the_review_page_says_a_translation_goes_live_with_its_scheduled_original(client):
    entry = make_entry(answer="Old words.")
    next_week = timezone.now() + datetime.timedelta(days=7)
    scheduled = publish(add_revision(entry, answer="New words.", go_live_at=next_week))
    translation = add_translation(entry, source=scheduled, answer="Palabras nuevas.", live=False)
    revision_submit(revision=translation, by=None)
    client.force_login(make_user(role="reviewer"))
    url = reverse("admin:faq_entryrevision_review") + f"?ids={translation.pk}"
    shown = timezone.localtime(scheduled.go_live_at).strftime("%m/%d/%Y %H:%M")
    assertContains(client.get(url), f"Go-live: {shown}, with the original it translates.")
    # Approved, it goes live then, as the page said.
    approved = revision_approve(revision=translation, by=None, approval=make_approval())
    assert approved.go_live_at == scheduled.go_live_at


def test_spanish_words_in_the_admin_say_their_language(client):
    """WCAG 3.1.2: a screen reader reads the Spanish in lists and forms in a Spanish voice."""
    from faq.models import ContactNumberTranslation
    from tests.factories import make_contact

    category = make_category(name="Your card")
    CategoryTranslation.objects.create(category=category, language="es", name="Su tarjeta")
    contact = make_contact(key="member-services")
    ContactNumberTranslation.objects.create(
        contact=contact, language="es", label="Servicios para Miembros"
    )
    entry = make_entry(
        category=category, question="Lost card?", answer="Call [[phone:member-services]]."
    )
    add_translation(entry, question="¿Tarjeta perdida?", answer="Llame [[phone:member-services]].")
    make_synonym(term="tarjeta perdida", equivalents=["reemplazo"], language="es")
    signed_in(client, make_user(role="editor"))

    revisions = client.get(reverse("admin:faq_entryrevision_changelist"))
    assertContains(revisions, '<span lang="es">¿Tarjeta perdida?</span>')
    assertNotContains(revisions, '<span lang="es">Lost card?</span>')
    log = client.get(reverse("admin:faq_auditevent_changelist"))
    assertContains(log, '<span lang="es">¿Tarjeta perdida?</span>')
    synonyms = client.get(reverse("admin:faq_searchsynonym_changelist"))
    assertContains(synonyms, '<span lang="es">tarjeta perdida</span>')
    assertContains(synonyms, '<span lang="es">reemplazo</span>')
    topic = client.get(reverse("admin:faq_category_change", args=[category.pk])).content.decode()
    assert re.search(r'<input[^>]*value="Su tarjeta"[^>]*lang="es"', topic)
    number = client.get(reverse("admin:faq_contactnumber_change", args=[contact.pk]))
    number = number.content.decode()
    assert re.search(r'<input[^>]*value="Servicios para Miembros"[^>]*lang="es"', number)
    assert '<span lang="es">¿Tarjeta perdida?</span>' in number  # used in its answers
