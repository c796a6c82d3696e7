"""Settings that decide how members read approved material cannot change without review."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from faq.models import ContactNumber, Notice, NoticeKind, NoticeRevision
from tests.factories import make_contact, make_entry, make_user, publish

pytestmark = pytest.mark.django_db


def contact_form(contact, **changes):
    latest = contact.revisions.order_by("-created_at", "-pk").first()
    data = {
        "label": latest.label,
        "number": latest.number_display,
        "tty_number": latest.tty_display,
        "hours": latest.hours,
        "key": contact.key,
        "purpose": contact.purpose,
        "position": contact.position,
        "go_live_at": "",
        "expires_at": "",
        "base_revision": latest.pk,
        "translations-TOTAL_FORMS": 0,
        "translations-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def make_notice(*, live=True, direction="rtl", **kwargs):
    kwargs.setdefault("kind", NoticeKind.TAGLINE)
    kwargs.setdefault("language", "ar")
    notice = Notice.objects.create(**kwargs)
    from faq.approvals import revision_create

    revision = revision_create(
        model=NoticeRevision,
        parent=notice,
        by=None,
        title="العربية",
        body="نص.",
        direction=direction,
    )
    if live:
        publish(revision)
    return notice


def notice_form(notice, **changes):
    latest = notice.revisions.order_by("-created_at", "-pk").first()
    data = {
        "title": latest.title,
        "body": latest.body,
        "kind": notice.kind,
        "language": notice.language,
        "direction": latest.direction,
        "position": notice.position,
        "go_live_at": "",
        "expires_at": "",
        "base_revision": latest.pk,
    }
    data.update(changes)
    return data


@pytest.fixture
def editor(client):
    user = make_user(role="editor")
    client.force_login(user)
    return user


def test_an_approved_numbers_key_cannot_be_changed(client, editor):
    contact = make_contact(key="hhs-ocr-tdd")
    make_entry(answer="TDD: [[phone:hhs-ocr-tdd]].")
    url = reverse("admin:faq_contactnumber_change", args=[contact.pk])
    form = client.get(url)
    assertContains(form, "Locked: this number has been approved or is used")
    assertContains(form, "[[phone:hhs-ocr-tdd]]")
    response = client.post(url, contact_form(contact, key="hhs-ocr-tdd-x"))
    assert response.status_code == 302
    assert ContactNumber.objects.get(pk=contact.pk).key == "hhs-ocr-tdd"


def test_the_key_of_a_number_an_answer_under_review_names_cannot_be_changed(client, editor):
    contact = make_contact(key="nurse-line", live=False)
    from faq.approvals import revision_submit

    entry = make_entry(live=False, answer="Call [[phone:nurse-line]].")
    revision_submit(revision=entry.revisions.get(), by=None)
    url = reverse("admin:faq_contactnumber_change", args=[contact.pk])
    client.post(url, contact_form(contact, key="nurse"))
    assert ContactNumber.objects.get(pk=contact.pk).key == "nurse-line"


def test_a_new_numbers_key_can_still_be_corrected(client, editor):
    contact = make_contact(key="nurse-lien", live=False)
    url = reverse("admin:faq_contactnumber_change", args=[contact.pk])
    client.post(url, contact_form(contact, key="nurse-line"))
    assert ContactNumber.objects.get(pk=contact.pk).key == "nurse-line"


def test_an_approved_notices_kind_and_language_cannot_be_changed(client, editor):
    notice = make_notice()
    url = reverse("admin:faq_notice_change", args=[notice.pk])
    assertContains(client.get(url), "Locked: a version of this notice has been approved", count=2)
    changed = notice_form(notice, kind=NoticeKind.NONDISCRIMINATION, language="fa")
    assert client.post(url, changed).status_code == 302
    notice.refresh_from_db()
    assert (notice.kind, notice.language) == ("tagline", "ar")
    assert notice.revisions.count() == 1  # the words and their direction are unchanged
    client.logout()
    assertContains(client.get("/language-assistance/"), 'lang="ar" dir="rtl"')


def test_an_approved_notices_direction_changes_only_by_a_new_version(client, editor):
    notice = make_notice()
    url = reverse("admin:faq_notice_change", args=[notice.pk])
    assert client.post(url, notice_form(notice, direction="ltr")).status_code == 302
    approved, draft = notice.revisions.order_by("created_at", "pk")
    assert (approved.direction, approved.status) == ("rtl", "approved")
    assert (draft.direction, draft.status, draft.title) == ("ltr", "draft", approved.title)
    client.logout()
    assertContains(client.get("/language-assistance/"), 'lang="ar" dir="rtl"')


def test_a_notice_not_yet_approved_can_still_be_corrected(client, editor):
    notice = make_notice(live=False, language="fa")
    url = reverse("admin:faq_notice_change", args=[notice.pk])
    client.post(url, notice_form(notice, language="ar"))
    notice.refresh_from_db()
    assert notice.language == "ar"


def test_reviewers_read_an_approved_number_and_notice(client):
    # Reviewers may only view: their forms have no fields, and so nothing to lock.
    contact = make_contact(key="hhs-ocr-tdd")
    notice = make_notice()
    client.force_login(make_user(role="reviewer"))
    for obj in (contact, notice):
        url = reverse(f"admin:faq_{obj._meta.model_name}_change", args=[obj.pk])
        assert client.get(url).status_code == 200, url


def test_the_forms_say_translated_names_show_without_review(client, editor):
    # Topic names and number labels in other languages have no approval of their own.
    contact = make_contact(key="pharmacy")
    category = make_entry().category
    for obj in (contact, category):
        url = reverse(f"admin:faq_{obj._meta.model_name}_change", args=[obj.pk])
        assertContains(client.get(url), "see it as soon as you save, without review")
