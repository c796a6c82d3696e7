import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from faq.approvals import item_withdraw, revision_submit
from faq.forms import EntryAdminForm
from faq.models import Category, ContactNumber, ContactPurpose, Entry, EntryRevision, Status
from faq.search import search_entries, search_terms
from faq.sitemaps import sitemaps
from faq.tokens import answer_text, answers_using, expand_phone_tokens, html_to_text, use_state
from faq.views import live_entries
from tests.factories import (
    add_revision,
    add_translation,
    make_approval,
    make_category,
    make_contact,
    make_contact_number,
    make_entry,
    make_user,
    publish,
)

pytestmark = pytest.mark.django_db

NURSE_LINK = (
    '<a class="phone" href="tel:+18005550199">1-800-555-0199</a>'
    ' (TTY: <a class="phone" href="tel:711">711</a>)'
)
BUDGET_BYTES = 60 * 1024


@pytest.fixture
def nurse_line():
    return make_contact_number(key="nurse-line", tty_number="711", hours="24 hours a day")


def demo_pages() -> list[str]:
    pages = [reverse("faq:index"), reverse("faq:contact")]
    pages += [c.get_absolute_url() for c in Category.objects.all()]
    pages += [e.get_absolute_url() for e in Entry.objects.all()]
    return pages


def head_value(body: str, pattern: str) -> str:
    match = re.search(pattern, body)
    assert match, pattern
    return match.group(1)


def visible_text(fragment: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def json_ld(body: str) -> list:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return [json.loads(block) for block in blocks]


# Phone tokens


def test_token_becomes_the_live_number_as_a_tel_link_with_its_tty(client, nurse_line):
    entry = make_entry(answer="Call the Nurse Line at [[phone:nurse-line]] any time.")
    for url in (entry.get_absolute_url(), entry.category.get_absolute_url()):
        body = client.get(url).content.decode()
        assert f"Call the Nurse Line at {NURSE_LINK} any time." in body
        assert "[[phone:" not in body


def test_the_stored_answer_keeps_the_token_not_the_digits(nurse_line):
    entry = make_entry(answer="Call [[phone:nurse-line]].")
    revision = entry.revisions.get()
    assert revision.answer_html == "<p>Call [[phone:nurse-line]].</p>\n"
    assert "555" not in revision.answer_html


def test_a_token_inside_link_text_or_an_attribute_never_breaks_the_markup(nurse_line):
    contacts = {"nurse-line": nurse_line.revisions.get()}
    entry = make_entry(
        answer='[Call [[phone:nurse-line]]](https://example.org "[[phone:nurse-line]]")'
    )
    html = expand_phone_tokens(entry.revisions.get().answer_html, contacts)
    assert html.count("<a ") == 1
    assert ">Call 1-800-555-0199 (TTY: 711)</a>" in html
    assert 'title="[[phone:nurse-line]]"' in html


def test_answer_text_around_a_token_stays_escaped(client, nurse_line):
    entry = make_entry(answer="Use <b>[[phone:nurse-line]]</b> & `<i>[[phone:nurse-line]]</i>`")
    body = client.get(entry.get_absolute_url()).content.decode()
    assert "<b>" not in body and "<i>" not in body
    assert "&amp;" in body
    assert "<code>&lt;i&gt;1-800-555-0199 (TTY: 711)&lt;/i&gt;</code>" in body


@pytest.mark.parametrize(
    "answer",
    [
        '[Call [[phone:nurse-line]]](https://example.org "[[phone:nurse-line]]") now.',
        "Use <b>[[phone:nurse-line]]</b> & `<i>[[phone:nurse-line]]</i>`",
        "- one [[phone:nurse-line]]\n- two [[phone:other-line]]\n\n```\n[[phone:nurse-line]]\n```",
        "No number &amp; no token.",
    ],
)
def test_answer_text_reads_as_the_answer_page_does_without_its_tags(nurse_line, answer):
    # Plain text for descriptions and structured data: the words of the expanded answer. The
    # other line is left out of the numbers given, as a number withdrawn since would be.
    make_contact(key="other-line")
    revision = make_entry(answer=answer).revisions.get()
    contacts = {"nurse-line": nurse_line.revisions.get()}
    expected = html_to_text(expand_phone_tokens(revision.answer_html, contacts))
    assert answer_text(revision, contacts) == expected


def test_a_token_for_a_number_that_is_not_live_reads_without_a_link(client):
    # Approval refuses this (numbers_live_check); rows written otherwise may still name one.
    make_contact(key="old-line", live=False)
    entry = make_entry(answer="Call [[phone:old-line]] today.", live=False)
    EntryRevision.objects.filter(entry=entry).update(
        status=Status.APPROVED, approval=make_approval(), go_live_at=timezone.now(),
        reviewed_at=timezone.now(),
    )  # fmt: skip
    response = client.get(entry.get_absolute_url())
    assertContains(response, 'Call <span class="phone-missing">Old Line</span> today.')
    assertNotContains(response, "[[phone:")


def test_a_changed_number_shows_on_every_page_that_uses_it(client, nurse_line):
    first = make_entry(answer="Call [[phone:nurse-line]].")
    second = make_entry(answer="Or call [[phone:nurse-line]] at night.")
    pages = [
        first.get_absolute_url(),
        first.category.get_absolute_url(),
        second.get_absolute_url(),
        second.category.get_absolute_url(),
    ]
    for url in pages:
        assertContains(client.get(url), 'href="tel:+18005550199">1-800-555-0199</a>')
    publish(add_revision(nurse_line, number="+18005550142"))
    for url in pages:
        body = client.get(url).content.decode()
        assert 'href="tel:+18005550142">1-800-555-0142</a>' in body, url
        assert "1-800-555-0199" not in body, url
    assert first.revisions.count() == second.revisions.count() == 1


def test_a_reviewer_looking_back_sees_the_number_members_saw_then(client, nurse_line):
    entry = make_entry(answer="Call [[phone:nurse-line]].")
    before = timezone.now()
    publish(add_revision(nurse_line, number="+18005550142"))
    reviewer = make_user(role="reviewer")
    client.force_login(reviewer)
    response = client.get(entry.get_absolute_url(), {"as_of": before.isoformat()})
    assertContains(response, 'href="tel:+18005550199"')
    assertNotContains(response, "1-800-555-0142")


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "2020-02-30T00:00",
        "x",
        "1965-01-01T00:00:00+14:00",  # 1964 in the plan's time
    ],
)
def test_a_moment_that_cannot_be_is_read_as_now(client, moment):
    entry = make_entry(answer="Flu shots at the pharmacy.")
    client.force_login(make_user(role="reviewer"))
    search = reverse("faq:search")
    pages = [(entry.get_absolute_url(), {}), ("/", {}), ("/es/", {}), (search, {"q": "flu"})]
    for url, query in pages:
        response = client.get(url, {**query, "as_of": moment})
        assert response.status_code == 200, url
        assertNotContains(response, "Archived view for compliance review")


@pytest.mark.parametrize("offset", ["-23:59", "+23:59", "+15:00"])
def test_a_moment_with_any_offset_python_reads_rebuilds_the_pages(client, offset):
    # PostgreSQL refuses offsets beyond 15:59 that Python accepts: the moment is read in
    # the plan's own time before any query sees it.
    make_entry(answer="Flu shots at the pharmacy.")
    moment = (timezone.now() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")
    client.force_login(make_user(role="reviewer"))
    for url, query in [("/", {}), ("/contact/", {}), (reverse("faq:search"), {"q": "flu"})]:
        response = client.get(url, {**query, "as_of": moment + offset})
        assertContains(response, "Archived view for compliance review")


def test_the_stamp_counts_the_numbers_a_pages_answers_use(client):
    contact = make_contact(key="nurse-line", live=False)
    publish(contact.revisions.get(), approval=make_approval(material_id="NUR00001"))
    uses = make_entry(answer="Call [[phone:nurse-line]].", approval=make_approval())
    other = make_entry(answer="No number here.")
    for url in (uses.get_absolute_url(), uses.category.get_absolute_url()):
        assertContains(client.get(url), "NUR00001")
    assertNotContains(client.get(other.get_absolute_url()), "NUR00001")


# Editors


def entry_data(category, answer):
    return {
        "question": "How do I reach the nurse?",
        "answer": answer,
        "category": category.pk,
        "slug": "reach-the-nurse",
        "position": 1,
        "go_live_at": "",
        "expires_at": "",
        "base_revision": "",
    }


@pytest.mark.parametrize(
    "token",
    ["[[phone:nurse-lines]]", "[[phone: nurse-line]]", "[[Phone:nurse-line]]", "[[phone:]]"],
)
def test_an_answer_naming_an_unknown_number_is_refused(nurse_line, token):
    make_contact(key="member-services")
    form = EntryAdminForm(data=entry_data(make_category(), f"Call {token}."))
    assert not form.is_valid()
    message = form.errors["answer"][0]
    assert token in message
    assert "[[phone:member-services]], [[phone:nurse-line]]" in message


def test_an_answer_naming_a_withdrawn_number_is_refused(nurse_line):
    item_withdraw(item=nurse_line, by=None)
    form = EntryAdminForm(data=entry_data(make_category(), "Call [[phone:nurse-line]]."))
    assert not form.is_valid()
    assert "No contact number matches [[phone:nurse-line]]" in form.errors["answer"][0]


def test_an_answer_naming_a_known_number_is_accepted(nurse_line):
    form = EntryAdminForm(data=entry_data(make_category(), "Call [[phone:nurse-line]]."))
    assert form.is_valid(), form.errors


def test_the_admin_refuses_to_save_an_answer_with_an_unknown_token(client, nurse_line):
    client.force_login(make_user(role="editor"))
    category = make_category()
    response = client.post(
        reverse("admin:faq_entry_add"), entry_data(category, "Call [[phone:nurse-lines]].")
    )
    assert response.status_code == 200
    assertContains(response, "No contact number matches [[phone:nurse-lines]]")
    assertContains(response, "[[phone:nurse-line]]")
    assert not Entry.objects.filter(slug="reach-the-nurse").exists()
    assert not EntryRevision.objects.filter(answer__contains="nurse-lines").exists()


# Withdrawing a number in use


def test_a_number_a_live_answer_uses_cannot_be_withdrawn(nurse_line):
    make_entry(question="How do I reach the nurse?", answer="Call [[phone:nurse-line]].")
    with pytest.raises(ValidationError) as error:
        item_withdraw(item=nurse_line, by=None)
    assert "“How do I reach the nurse?” (live)" in error.value.messages[0]
    nurse_line.refresh_from_db()
    assert nurse_line.withdrawn_at is None


def test_a_number_an_answer_awaiting_review_uses_cannot_be_withdrawn(nurse_line):
    entry = make_entry(question="Night care?", answer="No number yet.")
    revision_submit(revision=add_revision(entry, answer="Call [[phone:nurse-line]]."), by=None)
    with pytest.raises(ValidationError, match="submitted for review"):
        item_withdraw(item=nurse_line, by=None)


def test_a_number_no_answer_uses_any_more_can_be_withdrawn(nurse_line):
    entry = make_entry(answer="Call [[phone:nurse-line]].")
    publish(add_revision(entry, answer="Call us."))
    make_entry(answer="A draft: [[phone:nurse-line]].", live=False)
    item_withdraw(item=nurse_line, by=None)
    nurse_line.refresh_from_db()
    assert nurse_line.withdrawn_at is not None


def test_a_number_a_live_answer_uses_cannot_be_approved_to_expire(nurse_line, client):
    # Expired, it would leave the answer saying "Call Nurse Line." with no number to call.
    entry = make_entry(question="How do I reach the nurse?", answer="Call [[phone:nurse-line]].")
    soon = timezone.now() + datetime.timedelta(days=7)
    draft = add_revision(nurse_line, expires_at=soon)
    with pytest.raises(ValidationError) as error:
        publish(draft)
    assert "“nurse-line” cannot expire at" in error.value.messages[0]
    assert "“How do I reach the nurse?” (live)" in error.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assertContains(client.get(entry.get_absolute_url()), NURSE_LINK)


def test_a_number_may_expire_once_an_approved_version_takes_over_before(nurse_line):
    # Next week's number is approved; until then a temporary one, which may expire then.
    make_entry(answer="Call [[phone:nurse-line]].")
    soon = timezone.now() + datetime.timedelta(days=3)
    publish(add_revision(nurse_line, number="+18005550143", go_live_at=soon))
    temporary = add_revision(nurse_line, number="+18005550142", expires_at=soon)
    assert publish(temporary).status == Status.APPROVED
    # Expiring before next week's goes live, it would leave the answer with no number.
    earlier = soon - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot expire at"):
        publish(add_revision(nurse_line, expires_at=earlier))


def test_a_number_may_expire_when_the_first_of_two_scheduled_versions_takes_over(nurse_line):
    # Next week's number and next month's are both approved: next week's takes over from a
    # temporary number expiring then, though next month's goes live after it expires.
    make_entry(answer="Call [[phone:nurse-line]].")
    soon = timezone.now() + datetime.timedelta(days=7)
    publish(add_revision(nurse_line, number="+18005550143", go_live_at=soon))
    publish(
        add_revision(
            nurse_line, number="+18005550144", go_live_at=soon + datetime.timedelta(days=30)
        )
    )
    temporary = add_revision(nurse_line, number="+18005550142", expires_at=soon)
    assert publish(temporary).status == Status.APPROVED
    with pytest.raises(ValidationError, match="cannot expire at"):
        publish(add_revision(nurse_line, expires_at=soon - datetime.timedelta(days=1)))


def test_a_number_can_expire_with_the_answers_that_use_it(nurse_line):
    soon = timezone.now() + datetime.timedelta(days=7)
    entry = make_entry(answer="Call [[phone:nurse-line]].")
    publish(add_revision(entry, expires_at=soon))
    assert publish(add_revision(nurse_line, expires_at=soon)).status == Status.APPROVED


def test_a_number_may_expire_after_a_version_scheduled_to_replace_it(nurse_line, client):
    # Holiday hours until the new hours begin: the new hours replace them before they expire.
    make_entry(answer="Call [[phone:nurse-line]].")
    next_week = timezone.now() + datetime.timedelta(days=7)
    publish(add_revision(nurse_line, hours="8 a.m. to 8 p.m.", go_live_at=next_week))
    holiday = add_revision(nurse_line, hours="Closed", expires_at=next_week)
    assert publish(holiday).status == Status.APPROVED
    later_day = datetime.timedelta(days=1)
    later = add_revision(nurse_line, hours="Closed", expires_at=next_week + later_day)
    assert publish(later).status == Status.APPROVED
    # The number's form lets the editor save it too.
    client.force_login(make_user(role="editor"))
    latest = nurse_line.revisions.order_by("-created_at").first()
    response = client.post(
        reverse("admin:faq_contactnumber_change", args=[nurse_line.pk]),
        {"label": latest.label, "number": latest.number_display, "tty_number": "711",
         "hours": "Closed today", "key": nurse_line.key, "purpose": nurse_line.purpose,
         "position": nurse_line.position, "go_live_at": "",
         "expires_at": timezone.localtime(next_week + later_day).strftime("%Y-%m-%dT%H:%M"),
         "base_revision": latest.pk,
         "translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 302
    # Expiring after the last version, it is still refused.
    last = add_revision(nurse_line, go_live_at=next_week, expires_at=next_week + later_day)
    with pytest.raises(ValidationError, match="“nurse-line” cannot expire at"):
        publish(last)


def test_an_answer_naming_a_number_not_approved_yet_cannot_be_approved(client):
    make_contact(key="new-line", live=False)
    draft = make_entry(answer="Call [[phone:new-line]].", live=False).revisions.get()
    with pytest.raises(ValidationError) as error:
        publish(draft)
    assert "names [[phone:new-line]], which has no approved number live at" in str(error.value)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_an_answer_cannot_outlive_a_number_it_names(nurse_line):
    soon = timezone.now() + datetime.timedelta(days=7)
    publish(add_revision(nurse_line, expires_at=soon))
    draft = make_entry(answer="Call [[phone:nurse-line]].", live=False).revisions.get()
    with pytest.raises(ValidationError) as error:
        publish(draft)
    assert "whose approved versions end at" in str(error.value)
    assert "while this version has no expiry" in str(error.value)
    # Expiring with the number, or once a version of the number follows, it may go live.
    assert publish(add_revision(draft.entry, expires_at=soon)).status == Status.APPROVED
    publish(add_revision(nurse_line, go_live_at=soon - datetime.timedelta(days=1)))
    assert publish(add_revision(draft.entry)).status == Status.APPROVED


def test_todays_words_may_name_a_number_ending_when_scheduled_words_replace_them(nurse_line):
    # A number replaced by another in steps: next week's answer names the new line and the
    # old one expires then. A fix to this week's words, replaced next week, names the old.
    make_contact_number(key="new-line")
    entry = make_entry(answer="Call [[phone:nurse-line]].")
    next_week = timezone.now() + datetime.timedelta(days=7)
    publish(add_revision(entry, answer="Call [[phone:new-line]].", go_live_at=next_week))
    publish(add_revision(nurse_line, expires_at=next_week))
    fix = publish(add_revision(entry, answer="Please call [[phone:nurse-line]]."))
    assert fix.status == Status.APPROVED
    # Words replaced only after the number ends are still refused, and told until when.
    other = make_entry(answer="Call us.")
    publish(add_revision(other, go_live_at=next_week + datetime.timedelta(days=7)))
    with pytest.raises(ValidationError, match="while this version is read until"):
        publish(add_revision(other, answer="Call [[phone:nurse-line]]."))


def test_the_number_form_says_an_expiry_would_take_the_number_off_answers(client, nurse_line):
    make_entry(question="How do I reach the nurse?", answer="Call [[phone:nurse-line]].")
    client.force_login(make_user(role="editor"))
    soon = timezone.localtime() + datetime.timedelta(days=7)
    latest = nurse_line.revisions.get()
    response = client.post(
        reverse("admin:faq_contactnumber_change", args=[nurse_line.pk]),
        {"label": latest.label, "number": latest.number_display, "tty_number": "711",
         "hours": latest.hours, "key": nurse_line.key, "purpose": nurse_line.purpose,
         "position": nurse_line.position, "go_live_at": "",
         "expires_at": soon.strftime("%Y-%m-%dT%H:%M"), "base_revision": latest.pk,
         "translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0},
    )  # fmt: skip
    assertContains(response, "“nurse-line” cannot expire at")
    assertContains(response, "How do I reach the nurse?")
    assert nurse_line.revisions.count() == 1


def test_a_new_number_may_be_written_with_an_expiry(client):
    # A temporary line: its form checks the expiry before the number has any version.
    client.force_login(make_user(role="editor"))
    soon = timezone.localtime() + datetime.timedelta(days=7)
    response = client.post(
        reverse("admin:faq_contactnumber_add"),
        {"label": "Flu shot line", "number": "1-800-555-0142", "tty_number": "",
         "hours": "", "key": "flu-shots", "purpose": "other", "position": 0,
         "go_live_at": "", "expires_at": soon.strftime("%Y-%m-%dT%H:%M"),
         "translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 302
    draft = ContactNumber.objects.get(key="flu-shots").revisions.get()
    assert timezone.localtime(draft.expires_at).date() == soon.date()


def test_a_translation_hidden_while_its_english_expired_still_holds_its_number(
    nurse_line, monkeypatch
):
    # It shows again, number and all, once a new English version is approved.
    entry = make_entry(answer="Call the nurse.")
    add_translation(entry, answer="Llame a la enfermera: [[phone:nurse-line]].")
    soon = timezone.now() + datetime.timedelta(minutes=1)
    publish(add_revision(entry, expires_at=soon))  # the English expires, and the Spanish with it
    assert [use_state(r) for r in answers_using("nurse-line")] == ["live"]
    later = soon + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert [use_state(r) for r in answers_using("nurse-line")] == [
        "not shown while no English version is live; shown again when one is"
    ]
    with pytest.raises(ValidationError, match="not shown while no English version is live"):
        item_withdraw(item=nurse_line, by=None)
    publish(add_revision(entry, answer="Call the nurse again."))
    assert [use_state(r) for r in answers_using("nurse-line")] == ["live"]


def test_a_draft_naming_a_number_withdrawn_since_cannot_be_submitted(nurse_line):
    draft = make_entry(answer="A draft: [[phone:nurse-line]].", live=False).revisions.get()
    item_withdraw(item=nurse_line, by=None)
    with pytest.raises(ValidationError, match=r"names \[\[phone:nurse-line\]\], which no"):
        revision_submit(revision=draft, by=None)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_admin_withdraw_action_says_where_a_number_is_used(client, nurse_line):
    make_entry(question="How do I reach the nurse?", answer="Call [[phone:nurse-line]].")
    client.force_login(make_user(role="editor"))
    response = client.post(
        reverse("admin:faq_contactnumber_changelist"),
        {"action": "withdraw_selected", "_selected_action": [nurse_line.pk], "post": "yes"},
        follow=True,
    )
    assertContains(response, "cannot be withdrawn")
    assertContains(response, "How do I reach the nurse?")
    nurse_line.refresh_from_db()
    assert nurse_line.withdrawn_at is None


def test_the_admin_shows_where_each_number_is_used(client, nurse_line):
    entry = make_entry(question="How do I reach the nurse?", answer="Call [[phone:nurse-line]].")
    make_entry(question="Another nurse question?", answer="Or [[phone:nurse-line]].")
    unused = make_contact(key="unused-line")
    client.force_login(make_user(role="editor"))
    change = client.get(reverse("admin:faq_contactnumber_change", args=[nurse_line.pk]))
    assertContains(change, "How do I reach the nurse?")
    assertContains(change, reverse("admin:faq_entry_change", args=[entry.pk]))
    listing = client.get(reverse("admin:faq_contactnumber_changelist")).content.decode()
    assert re.search(r'class="field-uses">2<', listing)
    assert re.search(r'class="field-uses">0<', listing)
    change = client.get(reverse("admin:faq_contactnumber_change", args=[unused.pk]))
    assertContains(change, "No live or pending answer uses [[phone:unused-line]].")


def test_a_withdrawn_number_whose_key_is_used_again_is_not_said_to_be_used(client):
    old = make_contact(key="nurse-line", number="+18005550199")
    item_withdraw(item=old, by=None)
    make_contact(key="nurse-line", number="+18005550100")
    make_entry(question="How do I reach the nurse?", answer="Call [[phone:nurse-line]].")
    client.force_login(make_user(role="editor"))
    listing = client.get(reverse("admin:faq_contactnumber_changelist")).content.decode()
    assert sorted(re.findall(r'class="field-uses">([^<]*)<', listing)) == ["1", "—"]
    change = client.get(reverse("admin:faq_contactnumber_change", args=[old.pk]))
    assertContains(change, "Nothing: it is withdrawn.")
    assertNotContains(change, "How do I reach the nurse?")


# Demo content


def test_demo_answers_name_numbers_by_token_never_by_digits(demo_content):
    for revision in EntryRevision.objects.all():
        assert not re.search(r"\d{3}-\d{4}|\b911\b", revision.answer), revision.question
    uses = EntryRevision.objects.filter(answer__contains="[[phone:member-services]]")
    assert uses.originals().count() == 5 and uses.filter(language="es").count() == 5


def test_demo_numbers_have_their_purposes(demo_content):
    assert dict(ContactNumber.objects.values_list("key", "purpose")) == {
        "member-services": ContactPurpose.MEMBER_SERVICES,
        "enrollment-help-line": ContactPurpose.ENROLLMENT,
        "emergency": ContactPurpose.EMERGENCY,
        "relay": ContactPurpose.OTHER,
        "hhs-ocr": ContactPurpose.OTHER,
        "hhs-ocr-tdd": ContactPurpose.OTHER,
    }


def test_a_purpose_outside_the_choices_is_refused_by_the_database():
    with pytest.raises(IntegrityError, match="faq_contactnumber_purpose_valid"):
        ContactNumber.objects.create(key="odd", purpose="sales")


# Pages


def test_home_has_a_search_box_and_member_services_with_hours_and_tty(client):
    make_contact_number(
        key="member-services",
        label="Member Services",
        number="+18003226027",
        tty_number="711",
        hours="Monday to Friday, 8 a.m. to 8 p.m.",
    )
    make_entry()
    response = client.get(reverse("faq:index"))
    body = response.content.decode()
    form = head_value(body, r'(<form class="search search-large"[^>]*>)')
    assert 'role="search"' in form and 'method="get"' in form
    assert re.search(r'action="/search/"', form)
    assertContains(response, '<label for="home-search">')
    assertContains(response, "Monday to Friday, 8 a.m. to 8 p.m.")
    assertContains(
        response,
        '<a class="phone" href="tel:+18003226027">1-800-322-6027</a>'
        ' (TTY: <a class="phone" href="tel:711">711</a>)',
    )
    assertContains(response, "In an emergency, call")


def test_contact_page_groups_every_number_by_purpose(client, nurse_line):
    make_contact_number(key="member-services", label="Member Services", purpose="member_services")
    make_contact_number(key="emergency", label="Emergency", number="911", purpose="emergency")
    body = client.get(reverse("faq:contact")).content.decode()
    headings = re.findall(r"<h2 [^>]*>(.*?)</h2>", body)
    assert headings == ["Questions about your plan and care", "Emergencies", "Other numbers"]
    other = body.split("Other numbers</h2>")[1]
    assert NURSE_LINK in other and "24 hours a day" in other
    assert '<a class="phone" href="tel:911">911</a>' in body.split("Emergencies</h2>")[1]


def test_question_page_lists_related_questions_from_its_category(client):
    category = make_category()
    entry = make_entry(category=category, question="Where is my card?")
    sibling = make_entry(category=category, question="Can I get a second card?")
    make_entry(category=category, question="Not yet approved?", live=False)
    elsewhere = make_entry(question="Something else entirely?")
    response = client.get(entry.get_absolute_url())
    related = response.content.decode().split("Related questions")[1]
    assert f'<a href="{sibling.get_absolute_url()}">Can I get a second card?</a>' in related
    assert "Where is my card?" not in related
    assert "Not yet approved?" not in related
    assert elsewhere.get_absolute_url() not in related


def test_related_questions_take_one_query_however_many(client, django_assert_max_num_queries):
    category = make_category()
    entries = [make_entry(category=category) for _ in range(12)]
    client.get(entries[1].get_absolute_url())  # a first request after a change does more
    with django_assert_max_num_queries(3):
        response = client.get(entries[0].get_absolute_url())
    assert response.content.decode().count('<li><a href="/questions/') == 5


def test_editing_an_answer_does_not_move_its_question_among_equal_positions(client):
    category = make_category()
    first, second, third = (
        make_entry(category=category, position=0, question=f"Question {name}?")
        for name in ("one", "two", "three")
    )
    publish(add_revision(first, answer="A newer answer."))  # its revision is now the newest

    def order(body: str) -> list[str]:
        return re.findall(r"Question (one|two|three)\?", body)

    topic = client.get(category.get_absolute_url()).content.decode()
    assert order(topic.split("<h1")[1])[::2] == ["one", "two", "three"]
    related = client.get(third.get_absolute_url()).content.decode().split("Related questions")[1]
    assert order(related) == ["one", "two"]
    assert [r.entry for r in search_entries(live_entries(), search_terms("question"))] == [
        first,
        second,
        third,
    ]


def test_category_questions_have_stable_anchors_and_permalinks(demo_content, client):
    response = client.get("/topics/your-doctors/")
    assertContains(response, '<details id="what-is-a-pcp" class="qa">')
    assertContains(response, 'href="/questions/what-is-a-pcp/"')


# Search engines


def test_faq_json_ld_parses_and_matches_the_visible_questions_and_answers(demo_content, client):
    for category in Category.objects.all():
        body = client.get(category.get_absolute_url()).content.decode()
        [data] = json_ld(body)
        shown = re.findall(
            r"<summary>(.*?)</summary>\s*<div class=\"answer\">(.*?)</div>", body, re.S
        )
        assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
        assert [
            (q["@type"], q["name"], q["acceptedAnswer"]["@type"], q["acceptedAnswer"]["text"])
            for q in data["mainEntity"]
        ] == [("Question", visible_text(q), "Answer", visible_text(a)) for q, a in shown]
    body = client.get("/topics/contact-us/").content.decode()
    [data] = json_ld(body)
    assert data["mainEntity"][0]["acceptedAnswer"]["text"] == (
        "Just give us a call. Our toll-free number is 1-800-322-6027."
    )


def test_faq_json_ld_survives_quotes_and_a_closing_script_tag(client):
    entry = make_entry(
        question='Is "</script><script>alert(1)</script>" safe?',
        answer='He said "hi" & left </script><!-- x',
    )
    body = client.get(entry.category.get_absolute_url()).content.decode()
    assert body.count("</script>") == 1
    [data] = json_ld(body)
    question = data["mainEntity"][0]
    assert question["name"] == 'Is "</script><script>alert(1)</script>" safe?'
    assert question["acceptedAnswer"]["text"] == 'He said "hi" & left </script><!-- x'


def test_only_category_pages_carry_faq_json_ld(demo_content, client):
    for url in (reverse("faq:index"), reverse("faq:contact"), "/questions/what-is-a-pcp/"):
        assert json_ld(client.get(url).content.decode()) == []


SITEMAP_NAMESPACES = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


def sitemap_pages(client) -> list[ET.Element]:
    """Every page of the sitemap, read from its index as a crawler does."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ET.fromstring(response.content)
    pages = []
    for loc in index.findall("s:sitemap/s:loc", SITEMAP_NAMESPACES):
        assert loc.text.startswith("http://testserver/sitemap-"), loc.text
        page = client.get(loc.text.removeprefix("http://testserver"))
        assert page.status_code == 200, loc.text
        pages.append(ET.fromstring(page.content))
    return pages


def sitemap_paths(client) -> set[str]:
    locations = [
        loc.text
        for page in sitemap_pages(client)
        for loc in page.findall("s:url/s:loc", SITEMAP_NAMESPACES)
    ]
    assert all(loc.startswith("http://testserver/") for loc in locations)
    assert len(locations) == len(set(locations))
    return {loc.removeprefix("http://testserver") for loc in locations}


def test_sitemap_lists_exactly_the_public_pages(demo_content, client, monkeypatch):
    draft_only = make_category(slug="drafts-only")
    make_entry(category=draft_only, slug="a-draft", live=False)
    item_withdraw(item=make_entry(slug="withdrawn-question"), by=None)
    expiring = make_entry(slug="expiring-question", live=False)
    publish(add_revision(expiring, expires_at=timezone.now() + datetime.timedelta(minutes=1)))
    public = {"/", "/contact/", "/language-assistance/"}
    public |= {f"/topics/{slug}/" for slug in DEMO_TOPICS}
    public |= {f"/questions/{slug}/" for slug in DEMO_QUESTIONS}
    public |= {f"/es{path}" for path in public}
    soon_gone = {expiring.get_absolute_url(), expiring.category.get_absolute_url()}
    soon_gone |= {f"/es{path}" for path in soon_gone}
    assert sitemap_paths(client) == public | soon_gone

    later = timezone.now() + datetime.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert sitemap_paths(client) == public


@pytest.mark.parametrize("limit", [3, 4])  # 3: a page can end between two languages
def test_sitemap_is_read_in_pages_of_a_bounded_size(
    demo_content, client, monkeypatch, django_assert_max_num_queries, limit
):
    everything = sitemap_paths(client)
    for sitemap in sitemaps.values():
        monkeypatch.setattr(sitemap, "limit", limit)
    cache.clear()  # the pages kept for this generation were cut at the full size
    pages = sitemap_pages(client)
    assert len(pages) > len(sitemaps) and all(len(page) <= limit for page in pages)
    assert sum(len(page) for page in pages) == len(everything)
    assert sitemap_paths(client) == everything
    # However many questions there are, a page reads them in a fixed number of queries,
    # and only the questions it lists.
    cache.clear()
    with django_assert_max_num_queries(4) as queries:
        assert client.get("/sitemap-questions.xml", {"p": "2"}).status_code == 200
    first, last = limit // 2, -(-2 * limit // 2)
    (rows,) = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "faq_entryrevision"')
    ]
    assert rows.endswith(f"LIMIT {last - first} OFFSET {first}"), rows


def test_sitemap_names_each_pages_other_language_as_the_page_does(demo_content, client):
    namespace = SITEMAP_NAMESPACES
    urls = [url for page in sitemap_pages(client) for url in page.findall("s:url", namespace)]
    assert len(urls) > 20
    for url in urls:
        loc = url.find("s:loc", namespace).text
        links = {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", namespace)
        }
        english = loc.replace("http://testserver/es/", "http://testserver/")
        assert links == {
            "en": english,
            "es": english.replace("http://testserver/", "http://testserver/es/"),
            "x-default": english,
        }, loc


DEMO_TOPICS = [
    "contact-us",
    "your-doctors",
    "urgent-and-emergency-care",
    "your-membership",
    "behavioral-health",
]
DEMO_QUESTIONS = [
    "contact-member-services",
    "what-is-a-pcp",
    "need-a-specialist",
    "advice-at-night-or-out-of-town",
    "emergency-room-when-pcp-unavailable",
    "lost-member-id-card",
    "change-health-plans",
    "keep-behavioral-health-provider",
    "outpatient-behavioral-health-now",
]


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_every_page_has_a_unique_title_and_description(demo_content, client):
    titles, descriptions = {}, {}
    for url in demo_pages():
        body = client.get(url).content.decode()
        titles[url] = head_value(body, r"<title>(.*?)</title>")
        descriptions[url] = head_value(body, r'<meta name="description" content="([^"]*)">')
        assert "[[phone:" not in descriptions[url]
        assert len(descriptions[url]) >= 40, url
    assert len(set(titles.values())) == len(titles)
    assert len(set(descriptions.values())) == len(descriptions)
    assert descriptions["/questions/contact-member-services/"] == (
        "Just give us a call. Our toll-free number is 1-800-322-6027."
    )


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("MO HealthNet and QA Benefits", "MO HealthNet and QA Benefits"),
        ("Your membership", "your membership"),
        ("HealthNet rides", "HealthNet rides"),
        ("Vision", "vision"),
    ],
)
def test_a_topics_description_reads_its_name_as_a_sentence_does(client, name, read):
    entry = make_entry(category=make_category(name=name))
    body = client.get(entry.category.get_absolute_url()).content.decode()
    description = head_value(body, r'<meta name="description" content="([^"]*)">')
    assert f"about {read} for" in description


def test_every_page_says_members_can_have_it_on_paper_for_free(demo_content, client):
    # 42 CFR 438.10(c)(6)(v): information given electronically must say it is available on
    # paper free of charge, sent within 5 business days of a request.
    pages = [*demo_pages(), reverse("faq:language_assistance"), reverse("faq:search") + "?q=pcp"]
    for url in pages:
        assertContains(
            client.get(url),
            '<p class="paper-copy">Want this on paper? Call Member Services at '
            '<a class="phone" href="tel:+18003226027">1-800-322-6027</a>. We will mail you a '
            "free copy within 5 business days.</p>",
            html=False,
        )
    assertContains(
        client.get("/es/"),
        "¿Lo quiere en papel? Llame a Servicios para Miembros al "
        '<a class="phone" href="tel:+18003226027">1-800-322-6027</a>. Le enviaremos una copia '
        "gratis por correo en un plazo de 5 días hábiles.",
    )


def test_canonical_link_is_the_page_address_without_its_query(demo_content, client):
    for url in demo_pages():
        # A page number past the end leads to the last page (a category's first, here).
        response = client.get(url, {"utm_source": "mail", "page": "2"}, follow=True)
        body = response.content.decode()
        canonical = head_value(body, r'<link rel="canonical" href="([^"]*)">')
        assert canonical == f"http://testserver{url}"
    response = client.get("/questions/no-such-question/")
    assertNotContains(response, 'rel="canonical"', status_code=404)


# Weight


def stylesheets(body: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', body)


def test_every_page_type_fits_the_weight_budget_without_scripts_or_fonts(demo_content, client):
    from faq.demo.generated import generated_content_publish
    from faq.views import CATEGORY_QUESTIONS_PER_PAGE

    # A full topic page: the generated answers are as long as the benchmark's (3-6 sentences).
    generated_content_publish(CATEGORY_QUESTIONS_PER_PAGE * 12)
    full_topic = max(
        Category.objects.filter(slug__startswith="bench-"), key=lambda c: c.entries.count()
    )
    assert full_topic.entries.count() >= CATEGORY_QUESTIONS_PER_PAGE
    pages = [
        reverse("faq:index"),
        reverse("faq:contact"),
        "/topics/urgent-and-emergency-care/",
        full_topic.get_absolute_url(),
        "/questions/advice-at-night-or-out-of-town/",
        "/search/?q=card",
        "/search/?q=zzzqqq",
        "/questions/no-such-question/",
        "/es/",
        full_topic.get_absolute_url().replace("/topics/", "/es/topics/"),
    ]
    for url in pages:
        body = client.get(url).content
        css = stylesheets(body.decode())
        assert css, url
        css_bytes = 0
        for href in css:
            path = finders.find(href.removeprefix("/static/"))
            assert path, href
            with open(path, "rb") as sheet:
                text = sheet.read()
            css_bytes += len(text)
            assert b"@font-face" not in text and b"@import" not in text
        assert len(body) + css_bytes <= BUDGET_BYTES, (url, len(body), css_bytes)
        scripts = re.findall(rb"<script[^>]*>", body)
        assert all(b'type="application/ld+json"' in tag for tag in scripts), url
