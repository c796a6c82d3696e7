"""Answers and notices name numbers by token: a number typed out is refused, and nothing else."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from faq.forms import typed_phone_numbers
from faq.models import EntryRevision, Notice, NoticeRevision
from tests.factories import make_contact, make_contact_number, make_entry, make_user
from tests.test_admin import entry_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("Or call 1-800-555-1234.", ["1-800-555-1234"]),
        ("Call (314) 555-0199 today.", ["(314) 555-0199"]),
        ("Llame al 1 800 322 6027.", ["1 800 322 6027"]),
        ("[Call us](tel:+18003226027)", ["+18003226027"]),
        ("In a true emergency, call 911.", ["911"]),
        ("TTY: 711", ["711"]),
        ("Deaf members can dial 711, then ask for us.", ["711"]),
        ("En una emergencia, marque el 911.", ["911"]),
        ("In St. Louis, call us at 322-6027.", ["322-6027"]),
        ("Call 1-800-FLOWERS or (888) GO-DOCTOR.", ["1-800-FLOWERS", "(888) GO-DOCTOR"]),
        ("Call 1-800-MEDICARE.", ["1-800-MEDICARE"]),
        ("Code `911` aside, call 911.", ["911"]),
        # As members read them, whatever the Markdown: entities, escapes, emphasis.
        ("Call 1&#45;800&#45;555&#45;0199.", ["1-800-555-0199"]),
        ("Call 1\\-800\\-555\\-0199.", ["1-800-555-0199"]),
        ("Call 1-800-**555**-0199.", ["1-800-555-0199"]),
        ("Call 1·800·555·0199 or 314/555/0199.", ["1-800-555-0199", "314-555-0199"]),
        ("Call 3226027.", ["3226027"]),
        ("Call Member Services at 322-6027.", ["322-6027"]),
        ("[Call us](https://wa.me/&#49;8005550199)", ["18005550199"]),
        # A letter O or l for a zero or a one: members dial the digit.
        ("Call 1-800-555-O199.", ["1-800-555-0199"]),
        ("Call (8OO) 322-6O27 or 1-800-555-0l99.", ["(800) 322-6027", "1-800-555-0199"]),
    ],
)
def test_typed_numbers_are_found(text, typed):
    assert typed_phone_numbers(text) == typed


@pytest.mark.parametrize(
    "text",
    [
        "Write to 200 Independence Avenue SW, Room 509F, Washington, DC 20201.",
        "Approved on 06/22/2016, updated on 10/6/2020 and 2020-10-06.",
        "In 2026 the copay is $1,234.50, or $3 a visit, for 12 months.",
        "Your case number looks like 2024-0042-17.",
        "The 911 operator sends help. Form 711 is not a phone number.",
        "Call [[phone:member-services]] (TTY: [[phone:relay]]) from 8 a.m. to 5 p.m.",
        "Call [[phone:line-2024]] today.",
        "Your claim number, such as `314-555-0199`, is on the letter.",
        "See form HCA-314-7, section 438-10, or plan 800-ABC.",
        "Order part 200-XYZ123 from the catalog.",  # nine digits: no number
        "[Claims](https://example.org/claims?id=8005550199), [form](/forms/314-555-0199.pdf).",
        "Call between 8/1 and 9/30 to enroll; ZIP 63101-1234; children under 19.",
        "Llame entre el 22/06/2016 y el 10/6/2020 a las 8:00.",
        "Call us on 12/31 at 5 p.m., or at 8:30 on 1/2.",
        "Box 322-6027 of the archive, 555 1234 copies.",
        "Only 10 lollipops in 2024, Ohio; room 1O1.",
    ],
)
def test_what_is_not_a_number_to_call_is_not_refused(text):
    assert typed_phone_numbers(text) == []


def test_demo_answers_and_notices_have_no_typed_numbers(demo_content):
    for revision in EntryRevision.objects.all():
        assert typed_phone_numbers(revision.answer) == [], revision.question
    for revision in NoticeRevision.objects.all():
        assert typed_phone_numbers(revision.body) == [], revision.title


@pytest.fixture
def editor(client):
    user = make_user(role="editor")
    client.force_login(user)
    return user


def test_an_answer_with_a_typed_number_is_refused_with_the_token_to_use(client, editor):
    make_contact(key="member-services", number="+18003226027")
    entry = make_entry(answer="Call [[phone:member-services]].")
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    typed = "Or call 1-800-555-1234, or 1-800-322-6027."
    response = client.post(url, entry_form(entry, answer=typed, _submit="1"))
    assert response.status_code == 200
    assertContains(response, "Do not type phone numbers: “1-800-555-1234”, “1-800-322-6027”")
    assertContains(response, "“1-800-322-6027” is [[phone:member-services]]")
    assertContains(response, "Tokens: [[phone:member-services]]")
    assertContains(response, "write it as code between backticks: `2024-555-0142`")
    assertContains(response, typed)  # the editor's words are still in the form
    assert entry.revisions.count() == 1


def test_a_spanish_answer_with_a_typed_number_is_refused(client, editor):
    make_contact(key="member-services")
    entry = make_entry()
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    form = entry_form(entry, question_es="¿Pregunta?", answer_es="Llame al 1-800-322-6027.")
    assertContains(client.post(url, form), "Do not type phone numbers: “1-800-322-6027”")
    assert entry.revisions.count() == 1


def test_a_notice_body_with_a_typed_number_is_refused(client, editor):
    make_contact(key="relay", number="711")
    form = {
        "title": "Español",
        "body": "Llame al TTY: 711.",
        "kind": "tagline",
        "language": "es",
        "direction": "ltr",
        "position": 1,
    }
    response = client.post(reverse("admin:faq_notice_add"), form)
    assertContains(response, "Do not type phone numbers: “711”")
    assertContains(response, "“711” is [[phone:relay]]")
    assert not Notice.objects.exists()


def test_a_typed_tty_is_named_by_the_token_of_its_own_number(client, editor):
    # 711 is the relay's number, though Member Services gives it as its TTY too.
    make_contact_number(key="member-services", number="+18003226027", tty_number="711")
    make_contact_number(key="relay", label="Relay Missouri", number="711")
    entry = make_entry(answer="Call us.")
    response = client.post(
        reverse("admin:faq_entry_change", args=[entry.pk]), entry_form(entry, answer="TTY: 711")
    )
    assertContains(response, "“711” is [[phone:relay]]")


def test_a_reference_number_written_as_code_is_accepted(client, editor):
    make_contact(key="member-services")
    entry = make_entry(answer="Call [[phone:member-services]].")
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    answer = "Your case number looks like `314-555-0199`. Call [[phone:member-services]]."
    response = client.post(url, entry_form(entry, answer=answer, _submit="1"))
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = entry.revisions.order_by("-created_at", "-pk").first()
    assert latest.answer == answer
    assert "<code>314-555-0199</code>" in latest.answer_html


def test_demo_names_questions_labels_and_hours_have_no_typed_numbers(demo_content):
    from faq.models import Category, CategoryTranslation, ContactNumberRevision

    words = [*EntryRevision.objects.values_list("question", flat=True)]
    for revision in ContactNumberRevision.objects.all():
        words += [revision.label, revision.hours]
    for category in [*Category.objects.all(), *CategoryTranslation.objects.all()]:
        words += [category.name, category.description]
    assert [text for text in words if typed_phone_numbers(text)] == []


def contact_form(contact, **changes):
    revision = contact.revisions.get()
    data = {
        "label": revision.label,
        "number": revision.number,
        "tty_number": revision.tty_number,
        "hours": revision.hours,
        "key": contact.key,
        "purpose": contact.purpose,
        "position": contact.position,
        "base_revision": revision.pk,
        "translations-TOTAL_FORMS": 0,
        "translations-INITIAL_FORMS": 0,
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": "8 a.m. to 5 p.m.; after hours call 1-800-555-1234"}, "hours"),
        ({"label": "Member Services 1-800-322-6027"}, "label"),
        (
            {
                "translations-TOTAL_FORMS": 1,
                "translations-0-language": "es",
                "translations-0-label": "Servicios, llame al 1-800-322-6027",
            },
            "translations-0-label",
        ),
    ],
)
def test_a_number_with_a_typed_number_in_its_words_is_refused(client, editor, changes, field):
    from faq.models import ContactNumberTranslation

    contact = make_contact(key="member-services")
    url = reverse("admin:faq_contactnumber_change", args=[contact.pk])
    response = client.post(url, contact_form(contact, **changes))
    assert response.status_code == 200
    assertContains(response, "Do not type phone numbers here: “")
    (translations,) = response.context["inline_admin_formsets"]
    errors = {
        **response.context["adminform"].form.errors,
        **{f"translations-{n}-{name}": e for n, f in enumerate(translations.formset.forms)
           for name, e in f.errors.items()},
    }  # fmt: skip
    assert list(errors) == [field]
    assert contact.revisions.count() == 1
    assert not ContactNumberTranslation.objects.exists()


def test_a_question_with_a_typed_number_is_refused_in_every_language(client, editor):
    make_contact(key="member-services")
    entry = make_entry(answer="Call [[phone:member-services]].")
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    for changes in (
        {"question": "Is 1-800-322-6027 the right number?"},
        {"question_es": "¿Es el 1-800-322-6027?", "answer_es": "Sí."},
    ):
        response = client.post(url, entry_form(entry, **changes))
        assertContains(response, "Do not type phone numbers here: “1-800-322-6027”")
        assert entry.revisions.count() == 1


def test_a_topic_with_a_typed_number_in_its_name_or_description_is_refused(client, editor):
    from faq.models import Category, CategoryTranslation

    form = {
        "name": "Pharmacy",
        "slug": "pharmacy",
        "description": "Prescriptions and refills.",
        "position": 1,
        "translations-TOTAL_FORMS": 1,
        "translations-INITIAL_FORMS": 0,
        "translations-0-language": "es",
        "translations-0-name": "Farmacia",
        "translations-0-description": "Recetas.",
    }
    url = reverse("admin:faq_category_add")
    for changes in (
        {"description": "Questions? Call 1-800-555-1234."},
        {"translations-0-description": "¿Preguntas? Llame al 1-800-555-1234."},
    ):
        response = client.post(url, {**form, **changes})
        assertContains(response, "Do not type phone numbers here: “1-800-555-1234”")
        assert not Category.objects.exists() and not CategoryTranslation.objects.exists()
    assert client.post(url, form).status_code == 302
    assert CategoryTranslation.objects.get().name == "Farmacia"


@pytest.mark.parametrize(
    "answer",
    [
        "[Call Member Services](tel:%2B18005550199)",
        "[Call Member Services](tel:+1%20800%20555%200199)",
        "[Call](tel:911) or [text us](SMS:+18005550199).",
        "[Call][us]\n\n[us]: tel:988",
        "[Call Member Services](te&#108;:&#43;&#49;&#56;&#48;&#48;5550199)",
    ],
)
def test_an_answer_linking_to_a_phone_number_is_refused(client, editor, answer):
    make_contact(key="member-services")
    entry = make_entry(answer="Call [[phone:member-services]].")
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    response = client.post(url, entry_form(entry, answer=answer, _submit="1"))
    assertContains(response, "Do not link to phone numbers: “")
    assertContains(response, "Tokens: [[phone:member-services]]")
    assert entry.revisions.count() == 1


def test_percent_encoded_digits_are_a_typed_number():
    assert typed_phone_numbers("See https://wa.me/%2B18005550199 now") == ["+18005550199"]


def test_a_notice_title_with_a_typed_number_is_refused(client, editor):
    make_contact(key="member-services")
    form = {
        "title": "Appelez 1-800-555-0199",
        "body": "Appelez [[phone:member-services]].",
        "kind": "tagline",
        "language": "fr",
        "direction": "ltr",
        "position": 1,
    }
    response = client.post(reverse("admin:faq_notice_add"), form)
    assertContains(response, "Do not type phone numbers here: “1-800-555-0199”")
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": "\u202eWho is my doctor?"}, "question"),
        ({"answer": "Call [[phone:member-services]] \u2066now\u2069."}, "answer"),
        ({"question_es": "¿Quién es\u202d mi médico?", "answer_es": "Llame."}, "question_es"),
    ],
)
def test_direction_overrides_are_refused_in_questions_and_answers(client, editor, changes, field):
    make_contact(key="member-services")
    entry = make_entry(answer="Call [[phone:member-services]].")
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    response = client.post(url, entry_form(entry, **changes))
    assert response.status_code == 200
    assert "Remove the invisible direction marks" in str(
        response.context["adminform"].form.errors[field]
    )
    assert entry.revisions.count() == 1


def test_a_topic_name_with_a_direction_override_is_refused(client, editor):
    from faq.models import Category

    form = {"name": "Pharmacy\u202e", "slug": "pharmacy", "description": "", "position": 1,
            "translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0}  # fmt: skip
    response = client.post(reverse("admin:faq_category_add"), form)
    assertContains(response, "Remove the invisible direction marks")
    assert not Category.objects.exists()


def test_an_answer_longer_than_a_page_should_be_is_refused(client, editor):
    from faq.forms import TEXT_MAX_LENGTH

    entry = make_entry()
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    answer = "word " * (TEXT_MAX_LENGTH // 5 + 1)
    for changes in ({"answer": answer}, {"question_es": "¿Larga?", "answer_es": answer}):
        response = client.post(url, entry_form(entry, **changes))
        assertContains(response, f"Ensure this value has at most {TEXT_MAX_LENGTH} characters")
        assert entry.revisions.count() == 1


def test_an_answer_members_would_not_see_as_written_is_refused(client, editor):
    entry = make_entry(answer="An answer.")
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    for changes in (
        {"answer": "# Your card\n\n![Card](https://example.org/card.png)"},
        {"question_es": "¿Tarjeta?", "answer_es": "<b>Su tarjeta</b>"},
    ):
        response = client.post(url, entry_form(entry, **changes))
        assertContains(response, "Members would not see this as you wrote it: ")
        assert entry.revisions.count() == 1
