"""A question's topic, address and position change in place, without review: each change is
recorded, and an address members were given keeps leading to the question."""

import re
from urllib.parse import urlencode

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from faq.approvals import item_withdraw
from faq.models import (
    Category,
    CategoryAddressRecord,
    CategoryTranslation,
    ContactNumber,
    ContactPurpose,
    Entry,
    EntryPlacementRecord,
)
from faq.names import category_text_record, placement_history_begin, placement_record
from tests.factories import (
    add_translation,
    make_category,
    make_contact_number,
    make_entry,
    make_user,
    publish,
)
from tests.test_admin import change_url, entry_form
from tests.test_name_history import category_form
from tests.test_name_history import save_in_admin as save_topic_in_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user(role="editor")


def save_in_admin(client, user, entry, **changes):
    """The question's admin form as it stands, its translations' words too, and `changes`."""
    latest = entry.revisions.originals().order_by("-created_at", "-pk").first()
    words = {"question": latest.question, "answer": latest.answer, "base_revision": latest.pk}
    for translation in entry.revisions.exclude(language="en").order_by("language", "pk"):
        code = translation.language
        words |= {f"question_{code}": translation.question, f"answer_{code}": translation.answer}
    client.force_login(user)
    response = client.post(change_url(entry), entry_form(entry, **(words | changes)))
    assert response.status_code == 302, response.context["errors"]
    client.logout()
    entry.refresh_from_db()


def placements(entry):
    return [
        (r.category_id, r.slug, r.position, r.recorded_by)
        for r in entry.placement_records.order_by("pk")
    ]


def test_a_renamed_address_leads_members_to_the_question(client, editor):
    entry = make_entry(slug="lost-card", question="What if I lose my ID card?")
    add_translation(entry, question="¿Qué hago si pierdo mi tarjeta?")
    save_in_admin(client, editor, entry, slug="replace-id-card")
    response = client.get("/questions/lost-card/")
    assert response.status_code == 302
    assert response["Location"] == "/questions/replace-id-card/"
    assertContains(client.get(response["Location"]), "What if I lose my ID card?")
    spanish = client.get("/es/questions/lost-card/")
    assert (spanish.status_code, spanish["Location"]) == (302, "/es/questions/replace-id-card/")
    assertContains(client.get(spanish["Location"]), "¿Qué hago si pierdo mi tarjeta?")
    # A reviewer's archived view of an old address keeps its moment.
    client.force_login(make_user(role="reviewer"))
    moment = timezone.now().isoformat()
    archived = client.get("/questions/lost-card/", {"as_of": moment})
    assert archived["Location"] == f"/questions/replace-id-card/?{urlencode({'as_of': moment})}"
    assertContains(client.get(archived["Location"]), 'class="archive-note"')


def test_a_rename_undone_sends_nobody_round_in_a_loop(client, editor):
    entry = make_entry(slug="x-card", question="Where is my card?")
    save_in_admin(client, editor, entry, slug="y-card")
    first = client.get("/questions/x-card/")
    save_in_admin(client, editor, entry, slug="x-card")
    second = client.get("/questions/y-card/")
    assert (first["Location"], second["Location"]) == ("/questions/y-card/", "/questions/x-card/")
    # Neither is kept by browsers: one that had kept the first would now go x, y, x, ...
    for response in (first, second):
        assert response.status_code == 302
        assert "no-cache" in response["Cache-Control"]
    assertContains(client.get("/questions/x-card/"), "Where is my card?")


def test_a_draft_given_an_old_address_leaves_it_leading_members_where_it_did(client, editor):
    old = make_entry(slug="dental", question="Is dental care covered?")
    save_in_admin(client, editor, old, slug="dental-care")
    draft = make_entry(slug="teeth", live=False, question="Where is a dentist?")
    client.force_login(editor)
    response = client.post(change_url(draft), entry_form(draft, slug="dental"), follow=True)
    assertContains(
        response,
        "/questions/dental/ was the address of the question “Is dental care covered?” before. "
        "Members who follow it reach this question once a version of it is approved, not "
        "that question.",
    )
    client.logout()
    # Members never saw the draft: the address still leads them to the question they knew.
    assert client.get("/questions/dental/")["Location"] == "/questions/dental-care/"
    publish(draft.revisions.get())
    assertContains(client.get("/questions/dental/"), "Where is a dentist?")


def test_an_address_goes_to_its_last_holder_in_the_order_it_was_held(client, editor):
    first = make_entry(slug="q2", question="First to hold it?")
    placement_record(item=first, by=editor)  # as the admin records a question it adds
    save_in_admin(client, editor, first, slug="r2")
    # Made later without a record (from the shell), it held q2 after the first question.
    second = make_entry(slug="q2", question="Second to hold it?")
    save_in_admin(client, editor, second, slug="s2")
    assert client.get("/questions/q2/")["Location"] == "/questions/s2/"


def test_an_address_renamed_twice_leads_to_the_newest(client, editor):
    entry = make_entry(slug="pcp")
    save_in_admin(client, editor, entry, slug="primary-care")
    save_in_admin(client, editor, entry, slug="your-primary-care-provider")
    for old in ("pcp", "primary-care"):
        response = client.get(f"/questions/{old}/")
        assert response["Location"] == "/questions/your-primary-care-provider/"


def test_an_old_address_another_question_took_shows_that_question(client, editor):
    entry = make_entry(slug="dental", question="Is dental care covered?")
    save_in_admin(client, editor, entry, slug="dental-care")
    other = make_entry(slug="new-question", question="Where is a dentist near me?")
    save_in_admin(client, editor, other, slug="dental")
    assertContains(client.get("/questions/dental/"), "Where is a dentist near me?")
    # Once that one is withdrawn too, the address was last its: it is not found, rather
    # than leading members to the question that had it before.
    item_withdraw(item=other, by=editor)
    assert client.get("/questions/dental/").status_code == 404
    assertContains(client.get("/questions/dental-care/"), "Is dental care covered?")


def test_an_old_address_of_a_withdrawn_question_is_not_found(client, editor):
    entry = make_entry(slug="flu-shot")
    save_in_admin(client, editor, entry, slug="flu-shots")
    item_withdraw(item=entry, by=editor)
    for address in ("/questions/flu-shot/", "/questions/flu-shots/"):
        assert client.get(address).status_code == 404


def test_an_address_nobody_had_is_still_not_found(client):
    make_entry(slug="flu-shot")
    assert client.get("/questions/flu-shoot/").status_code == 404


def test_the_admin_records_who_moved_or_renamed_a_question_and_only_then(client, editor):
    first, second = make_category(name="Your doctors"), make_category(name="Your benefits")
    entry = make_entry(category=first, slug="specialist", position=3)
    other = make_user(role="editor")
    save_in_admin(client, editor, entry, answer="New words only.")
    # Made without a record (as the factories do): where it was is recorded as it stood
    # before the history began; new words alone move nothing, so nothing else.
    assert placements(entry) == [(first.pk, "specialist", 3, None)]
    assert entry.placement_records.get().shown_at is None
    save_in_admin(client, other, entry, category=second.pk, position=1)
    save_in_admin(client, editor, entry, slug="see-a-specialist")
    assert placements(entry) == [
        (first.pk, "specialist", 3, None),
        (second.pk, "specialist", 1, other),
        (second.pk, "see-a-specialist", 1, editor),
    ]
    client.force_login(editor)
    page = client.get(change_url(entry))
    assertContains(page, "Topic and address history")
    assertContains(page, "Before this history began")
    assertContains(page, f"<td>{other.username}</td>", html=True)
    assertContains(page, "<td>/questions/see-a-specialist/</td>", html=True)


def test_a_question_added_in_the_admin_is_recorded_where_it_is(client, editor):
    category = make_category()
    data = entry_form(make_entry(category=category), slug="brand-new", position=9)
    data |= {"question": "Brand new?", "answer": "Yes.", "base_revision": ""}
    client.force_login(editor)
    assert client.post(reverse("admin:faq_entry_add"), data).status_code == 302
    created = Entry.objects.get(slug="brand-new")
    record = created.placement_records.get()
    assert (record.category, record.slug, record.position, record.recorded_by) == (
        category,
        "brand-new",
        9,
        editor,
    )
    assert record.shown_at is not None


def test_the_history_begins_with_every_question_where_it_is():
    """What the migration placement_history does on an existing site."""
    recorded, unrecorded = make_entry(slug="recorded"), make_entry(slug="unrecorded")
    placement_record(item=recorded, by=None)
    assert placement_history_begin(kind="entry") == 1
    assert placement_history_begin(kind="entry") == 0  # safe to run again
    assert unrecorded.placement_records.get().shown_at is None
    assert recorded.placement_records.get().shown_at is not None
    topics = Category.objects.count()
    assert placement_history_begin(kind="category") == topics > 0
    assert placement_history_begin(kind="category") == 0
    assert not CategoryAddressRecord.objects.exclude(shown_at=None).exists()


def test_recording_the_same_place_again_adds_nothing():
    entry = make_entry(slug="same")
    assert placement_record(item=entry, by=None) is not None
    assert placement_record(item=entry, by=None) is None
    assert placement_record(item=entry, by=None, at=timezone.now()) is None
    entry.position += 1
    assert placement_record(item=entry, by=None).position == entry.position


@pytest.mark.parametrize("table", ["faq_entryplacementrecord", "faq_categoryaddressrecord"])
def test_recorded_places_cannot_be_changed_or_deleted(table):
    entry = make_entry(slug="kept", category=make_category(slug="kept"))
    placement_record(item=entry, by=None)
    placement_record(item=entry.category, by=None)
    for sql in (f"UPDATE {table} SET slug = 'forged'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert entry.placement_records.get().slug == "kept"
    assert entry.category.address_records.get().slug == "kept"


def test_the_demo_records_where_its_questions_are_since_its_last_update(demo_content):
    entries = Entry.objects.all()
    records = EntryPlacementRecord.objects.all()
    assert records.count() == entries.count() > 0
    for entry in entries:
        record = entry.placement_records.get()
        assert (record.category_id, record.slug, record.position) == (
            entry.category_id,
            entry.slug,
            entry.position,
        )
        assert record.shown_at == entry.created_at
    for category in Category.objects.all():
        record = category.address_records.get()
        assert (record.slug, record.shown_at) == (category.slug, entries[0].created_at)


def test_a_topic_renamed_in_the_admin_keeps_its_old_address_leading_to_it(client, editor):
    category = make_category(name="Pharmacy", slug="pharmacy")
    make_entry(category=category, question="How do I get my medicine?")
    save_topic(client, editor, category, slug="prescriptions")
    save_topic(client, editor, category, slug="your-prescriptions")
    for old in ("pharmacy", "prescriptions"):
        response = client.get(f"/topics/{old}/", {"page": "2"})
        assert (response.status_code, response["Location"]) == (
            302,
            "/topics/your-prescriptions/?page=2",
        )
    spanish = client.get("/es/topics/pharmacy/")
    assert spanish["Location"] == "/es/topics/your-prescriptions/"
    assertContains(client.get("/topics/your-prescriptions/"), "How do I get my medicine?")
    assert [(r.slug, r.recorded_by) for r in category.address_records.order_by("pk")] == [
        ("pharmacy", None),
        ("prescriptions", editor),
        ("your-prescriptions", editor),
    ]
    client.force_login(editor)
    form = client.get(reverse("admin:faq_category_change", args=[category.pk]))
    assertContains(form, "Address and order history")
    assertContains(form, "<td>/topics/pharmacy/</td>", html=True)
    client.logout()
    # The name alone moves no address; its place in the list of topics is recorded apart.
    save_topic(client, editor, category, name="Medicine")
    assert category.address_records.count() == 3
    was = category.position
    save_topic(client, editor, category, name="Medicine", position=was + 1)
    assert [(r.slug, r.position) for r in category.address_records.order_by("-pk")][:2] == [
        ("your-prescriptions", was + 1),
        ("your-prescriptions", was),
    ]
    assert client.get("/topics/unknown/").status_code == 404


def test_a_topic_address_another_topic_took_shows_that_topic(client, editor):
    first = make_category(name="Dental", slug="dental")
    make_entry(category=first, question="Is dental care covered?")
    save_topic(client, editor, first, slug="dental-care")
    second = make_category(name="Teeth", slug="teeth")
    make_entry(category=second, question="Where is a dentist?")
    client.force_login(editor)
    url = reverse("admin:faq_category_change", args=[second.pk])
    response = client.post(url, category_form(second, slug="dental"), follow=True)
    assertContains(
        response,
        "/topics/dental/ was the address of the topic “Dental” before. Members who follow it "
        "now reach this topic, not that topic.",
    )
    assertContains(client.get("/topics/dental/"), "Where is a dentist?")


def save_topic(client, user, category, **changes):
    save_topic_in_admin(client, user, category, **changes)
    client.logout()
    category.refresh_from_db()


@pytest.fixture
def reviewer():
    return make_user(role="reviewer")


def archived(client, reviewer, url, moment, **query):
    client.force_login(reviewer)
    response = client.get(url, {**query, "as_of": moment.isoformat()})
    client.logout()
    assertContains(response, 'class="archive-note"')
    return response


def test_archived_pages_show_a_moved_question_where_it_was_then(client, editor, reviewer):
    pharmacy = make_category(name="Pharmacy", slug="pharmacy", position=1)
    benefits = make_category(name="Your benefits", slug="benefits", position=2)
    CategoryTranslation.objects.create(category=pharmacy, language="es", name="Farmacia")
    category_text_record(category=pharmacy, by=None)
    medicine = make_entry(category=pharmacy, slug="medicine", question="How do I get medicine?")
    add_translation(medicine, question="¿Cómo consigo medicina?")
    refill = make_entry(category=pharmacy, slug="refill", question="How do I refill medicine?")
    make_entry(category=benefits, slug="rides", question="Can I get a ride?")
    for entry in (medicine, refill):
        placement_record(item=entry, by=None)
    before = timezone.now()
    save_in_admin(client, editor, medicine, category=benefits.pk, slug="get-medicine", position=0)
    after = timezone.now()

    # Then: under Pharmacy, on the home page, the topic page and the question's own.
    asked = "How do I get medicine?"
    home = archived(client, reviewer, "/", before).content.decode()
    assert home.index("Pharmacy") < home.index(asked) < home.index("Your benefits")
    assertContains(archived(client, reviewer, "/topics/pharmacy/", before), asked)
    assertNotContains(archived(client, reviewer, "/topics/benefits/", before), asked)
    question = archived(client, reviewer, "/questions/get-medicine/", before)
    assertContains(question, 'href="/topics/pharmacy/"')
    assertContains(question, "How do I refill medicine?")  # its neighbours then
    found = archived(client, reviewer, "/search/", before, q="medicine")
    assertContains(found, '<a href="/topics/pharmacy/">Pharmacy</a>', html=True)
    spanish = archived(client, reviewer, "/es/questions/get-medicine/", before)
    assertContains(spanish, "Farmacia")
    # After the move: under Your benefits, first there.
    home = archived(client, reviewer, "/", after).content.decode()
    assert home.index("Your benefits") < home.index(asked) < home.index("Can I get a ride?")
    assertNotContains(archived(client, reviewer, "/topics/pharmacy/", after), asked)
    assertContains(archived(client, reviewer, "/topics/benefits/", after), asked)
    # Members now see what the archived view of now shows.
    assertContains(client.get("/topics/benefits/"), asked)
    assertNotContains(client.get("/topics/pharmacy/"), asked)


def test_an_archived_topic_lists_its_questions_in_their_order_then(client, editor, reviewer):
    topic = make_category(name="Pharmacy", slug="pharmacy")
    first = make_entry(category=topic, slug="first", position=1, question="Asked first then?")
    second = make_entry(category=topic, slug="second", position=2, question="Asked second then?")
    for entry in (first, second):
        placement_record(item=entry, by=None)
    before = timezone.now()
    save_in_admin(client, editor, first, position=3)
    page = archived(client, reviewer, "/topics/pharmacy/", before).content.decode()
    assert page.index("Asked first then?") < page.index("Asked second then?")
    page = client.get("/topics/pharmacy/").content.decode()
    assert page.index("Asked second then?") < page.index("Asked first then?")


def test_an_archived_address_shows_the_question_that_had_it_then(client, editor, reviewer):
    dental = make_entry(slug="dental", question="Is dental care covered?")
    placement_record(item=dental, by=None)
    before = timezone.now()
    save_in_admin(client, editor, dental, slug="dental-care")
    renamed = timezone.now()
    other = make_entry(slug="teeth", question="Where is a dentist near me?")
    save_in_admin(client, editor, other, slug="dental")
    # Members read "Is dental care covered?" at /questions/dental/ then, and were sent on
    # to it from there after the rename: the archive says so, not "not found".
    assertContains(archived(client, reviewer, "/questions/dental/", before), "Is dental care")
    response = archived_response(client, reviewer, "/questions/dental/", renamed)
    assert response["Location"].startswith("/questions/dental-care/?as_of=")
    assertContains(archived(client, reviewer, "/questions/dental/", timezone.now()), "a dentist")


def test_an_archived_topic_address_shows_the_topic_that_had_it_then(client, editor, reviewer):
    first = make_category(name="Dental", slug="dental")
    make_entry(category=first, question="Is dental care covered?")
    placement_record(item=first, by=None)
    before = timezone.now()
    save_topic(client, editor, first, slug="dental-care")
    renamed = timezone.now()
    second = make_category(name="Teeth", slug="teeth")
    make_entry(category=second, question="Where is a dentist?")
    save_topic(client, editor, second, slug="dental")
    assertContains(archived(client, reviewer, "/topics/dental/", before), "Is dental care")
    response = archived_response(client, reviewer, "/topics/dental/", renamed)
    assert response["Location"].startswith("/topics/dental-care/?as_of=")
    assertContains(archived(client, reviewer, "/topics/dental/", timezone.now()), "a dentist")


def archived_response(client, reviewer, url, moment):
    client.force_login(reviewer)
    response = client.get(url, {"as_of": moment.isoformat()})
    client.logout()
    return response


def test_a_past_search_lists_equal_answers_in_their_order_then(client, editor, reviewer):
    topic = make_category(name="Pharmacy", slug="pharmacy")
    first = make_entry(category=topic, position=1, question="Refills one?", answer="Refill.")
    second = make_entry(category=topic, position=2, question="Refills two?", answer="Refill.")
    for entry in (first, second):
        placement_record(item=entry, by=None)
    before = timezone.now()
    save_in_admin(client, editor, second, position=0)
    page = archived(client, reviewer, "/search/", before, q="refill").content.decode()
    assert page.index("Refills one?") < page.index("Refills two?")
    page = client.get("/search/", {"q": "refill"}).content.decode()
    assert page.index("Refills two?") < page.index("Refills one?")


def test_archived_pages_list_topics_in_their_order_then(client, editor, reviewer):
    first = make_category(name="Pharmacy", slug="pharmacy", position=1)
    second = make_category(name="Your benefits", slug="benefits", position=2)
    make_entry(category=first, question="How do I get medicine?")
    make_entry(category=second, question="Can I get a ride?")
    for topic in (first, second):
        placement_record(item=topic, by=None)
    before = timezone.now()
    save_topic_in_admin(client, editor, second, position=0)
    assert [(r.position, r.recorded_by) for r in second.address_records.order_by("pk")] == [
        (2, None),
        (0, editor),
    ]
    for url, query in [("/", {}), ("/search/", {"q": "zzxqv"})]:  # no results: the topics
        page = archived(client, reviewer, url, before, **query).content.decode()
        assert page.index("Pharmacy") < page.index("Your benefits"), url
        page = client.get(url, query).content.decode()
        assert page.index("Your benefits") < page.index("Pharmacy"), url


def number_form(contact, **changes):
    latest = contact.revisions.get()
    return {
        "label": latest.label, "number": latest.number_display, "tty_number": "",
        "hours": latest.hours, "key": contact.key, "purpose": contact.purpose,
        "position": contact.position, "go_live_at": "", "expires_at": "",
        "base_revision": latest.pk, "translations-TOTAL_FORMS": 0,
        "translations-INITIAL_FORMS": 0, **changes,
    }  # fmt: skip


def contact_headings(page: str) -> dict[str, str]:
    """Each number's key on the contact page, with the heading it is listed under."""
    found = re.findall(r'<h2 id="purpose-([a-z_]+)">|<li id="([\w-]+)">', page)
    headings, current = {}, None
    for purpose, key in found:
        current = purpose or current
        if key:
            headings[key] = current
    return headings


def test_the_archived_contact_page_lists_a_number_under_its_heading_then(client, editor, reviewer):
    nurse = make_contact_number(key="nurse-line", purpose=ContactPurpose.OTHER, position=5)
    rides = make_contact_number(key="rides", label="Rides", purpose=ContactPurpose.OTHER)
    placement_history_begin(kind="contactnumber")
    before = timezone.now()
    client.force_login(editor)
    url = reverse("admin:faq_contactnumber_change", args=[nurse.pk])
    response = client.post(url, number_form(nurse, purpose="member_services", position=0))
    assert response.status_code == 302, response.context["errors"]
    assert nurse.revisions.count() == 1  # words unchanged: no new version to review
    assert [(r.purpose, r.position, r.recorded_by) for r in nurse.place_records.all()] == [
        ("other", 5, None),
        ("member_services", 0, editor),
    ]
    assertContains(client.get(url), "Heading and order history")
    then = contact_headings(archived(client, reviewer, "/contact/", before).content.decode())
    now = contact_headings(client.get("/contact/").content.decode())
    assert (then["nurse-line"], then["rides"]) == ("other", "other")
    assert (now["nurse-line"], now["rides"]) == ("member_services", "other")
    assert rides.place_records.count() == 1


def test_recorded_places_of_numbers_cannot_be_changed_or_deleted():
    nurse = make_contact_number(key="nurse-line")
    placement_record(item=nurse, by=None)
    table = "faq_contactnumberplacerecord"
    for sql in (f"UPDATE {table} SET position = 9", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert nurse.place_records.get().position == nurse.position


def test_the_demo_records_where_its_numbers_are_listed(demo_content):
    for contact in ContactNumber.objects.all():
        record = contact.place_records.get()
        assert (record.purpose, record.position) == (contact.purpose, contact.position)
        assert record.shown_at == contact.created_at


def test_a_past_search_lists_equal_answers_in_their_topics_order_then(client, editor, reviewer):
    first = make_category(name="Pharmacy", slug="pharmacy", position=1)
    second = make_category(name="Your benefits", slug="benefits", position=2)
    make_entry(category=first, question="Refills one?", answer="Refill.")
    make_entry(category=second, question="Refills two?", answer="Refill.")
    for topic in (first, second):
        placement_record(item=topic, by=None)
    before = timezone.now()
    save_topic_in_admin(client, editor, second, position=0)
    page = archived(client, reviewer, "/search/", before, q="refill").content.decode()
    assert page.index("Refills one?") < page.index("Refills two?")
    page = client.get("/search/", {"q": "refill"}).content.decode()
    assert page.index("Refills two?") < page.index("Refills one?")


def test_a_past_search_weighs_a_question_by_its_topic_then(client, editor, reviewer):
    pharmacy = make_category(name="Pharmacy", slug="pharmacy", position=1)
    benefits = make_category(name="Your benefits", slug="benefits", position=0)
    moved = make_entry(category=pharmacy, question="How do I get a refill?", answer="Online.")
    stayed = make_entry(category=benefits, question="Can I get a refill?", answer="Online.")
    for entry in (moved, stayed):
        placement_record(item=entry, by=None)
    before = timezone.now()
    save_in_admin(client, editor, moved, category=benefits.pk, position=stayed.position + 1)
    # "pharmacy" names the topic the first was in then: it ranked first then, not now.
    page = archived(client, reviewer, "/search/", before, q="pharmacy refill").content.decode()
    assert page.index("How do I get a refill?") < page.index("Can I get a refill?")
    page = client.get("/search/", {"q": "pharmacy refill"}).content.decode()
    assert page.index("Can I get a refill?") < page.index("How do I get a refill?")
