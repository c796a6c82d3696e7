import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from faq.models import (
    Category,
    ContactNumberRevision,
    Entry,
    EntryRevision,
    Notice,
    NoticeRevision,
    Status,
)
from faq.phones import display_phone, normalize_phone
from tests.factories import make_category, make_contact, make_entry, make_user

pytestmark = pytest.mark.django_db


def test_duplicate_category_slug_is_rejected_by_the_database():
    make_category(slug="doctors")
    with pytest.raises(IntegrityError, match="faq_category_slug_unique"):
        Category.objects.create(name="Other", slug="doctors")


def test_duplicate_entry_slug_is_rejected_by_the_database():
    entry = make_entry(slug="lost-card")
    with pytest.raises(IntegrityError, match="faq_entry_slug_unique_among_current"):
        Entry.objects.create(category=entry.category, slug="lost-card")


def test_duplicate_slug_is_a_friendly_form_error_not_a_crash():
    make_category(slug="doctors")
    with pytest.raises(ValidationError) as error:
        Category(name="Doctors", slug="doctors").full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1-800-322-6027", "+18003226027"),
        ("(800) 348-6627", "+18003486627"),
        ("+1 800 322 6027", "+18003226027"),
    ],
)
def test_phone_numbers_are_stored_in_e164(typed, stored):
    assert normalize_phone(typed) == stored


def test_short_codes_are_allowed_only_where_asked_for():
    assert normalize_phone("911", allow_short=True) == "911"
    assert normalize_phone("711", allow_short=True) == "711"
    with pytest.raises(ValidationError):
        normalize_phone("911")


@pytest.mark.parametrize(
    "typed", ["555", "1-800-CALL-NOW-PLEASE-X", "12", "hello", "+1 000 000 0000"]
)
def test_bad_phone_numbers_are_rejected_with_a_clear_message(typed):
    with pytest.raises(ValidationError) as error:
        normalize_phone(typed, allow_short=True)
    assert "not" in error.value.messages[0] and "1-800-555-0123" in error.value.messages[0]


@pytest.mark.parametrize(
    "typed", ["1-800-322-6027 ext 5", "1-800-322-6027 x12", "711x", "1-800-FLOWERS"]
)
def test_a_number_a_phone_would_dial_otherwise_is_refused(typed):
    # libphonenumber keeps the extension apart and drops the letters: both would go unseen.
    with pytest.raises(ValidationError, match="is not digits alone: a tap to call would drop"):
        normalize_phone(typed, allow_short=True)


@pytest.mark.parametrize(
    ("typed", "region"),
    [
        ("(809) 555-0199", "Dominican Republic"),
        ("+1 876 555 0199", "Jamaica"),
        ("+52 55 5555 5555", "Mexico"),
    ],
)
def test_a_number_outside_the_us_is_refused(typed, region):
    with pytest.raises(ValidationError, match=f"is a number in {region}: members calling it"):
        normalize_phone(typed, allow_short=True)
    assert normalize_phone("+1 787 555 0199") == "+17875550199"  # Puerto Rico


def test_a_premium_rate_number_is_refused():
    with pytest.raises(ValidationError, match="premium-rate number: members who call it are"):
        normalize_phone("1-900-555-0199")
    assert normalize_phone("１-800-322-6027") == "+18003226027"  # fullwidth digits are digits


def test_us_numbers_display_as_members_read_them():
    assert display_phone("+18003226027") == "1-800-322-6027"
    assert display_phone("911") == "911"


def test_an_unnormalised_number_cannot_reach_the_table():
    contact = make_contact()
    revision = contact.revisions.get()
    with pytest.raises(IntegrityError, match="number_normalized"), transaction.atomic():
        ContactNumberRevision.objects.create(
            contact=contact, label="Member Services", number="1-800-322-6027"
        )
    assert revision.number == "+18003226027"


def test_approved_revision_must_carry_an_approval():
    entry = make_entry(live=False)
    with pytest.raises(IntegrityError, match="approved_has_approval"):
        EntryRevision.objects.create(
            entry=entry, question="Q?", answer="A.", status=Status.APPROVED
        )


def test_nobody_can_review_their_own_revision_even_by_raw_save():
    author = make_user(is_superuser=True)
    entry = make_entry(live=False)
    with pytest.raises(IntegrityError, match="no_self_review"):
        EntryRevision.objects.create(
            entry=entry, question="Q?", answer="A.", created_by=author, reviewed_by=author
        )


def test_content_hash_covers_the_member_visible_words():
    entry = make_entry(question="What is a PCP?", answer="Your main provider.")
    revision = entry.revisions.get()
    same = EntryRevision(question="What is a PCP?", answer="Your main provider.")
    different = EntryRevision(question="What is a PCP?", answer="Your main provider!")
    assert revision.content_hash == same.compute_hash() != different.compute_hash()
    assert len(revision.content_hash) == 64


def test_a_notices_content_hash_covers_its_direction():
    words = {"title": "العربية", "body": "نص."}
    rtl, ltr = NoticeRevision(**words, direction="rtl"), NoticeRevision(**words, direction="ltr")
    assert rtl.compute_hash() != ltr.compute_hash()


def test_a_direction_that_is_none_is_refused_by_the_database():
    notice = Notice.objects.create(kind="tagline", language="ar")
    with pytest.raises(IntegrityError, match="faq_noticerevision_direction_valid"):
        NoticeRevision.objects.create(notice=notice, title="العربية", body="نص.", direction="up")


def test_a_revision_is_named_with_the_local_time_it_was_written():
    # The admin's titles and the review page say "Written ... on" in the plan's time zone.
    from django.utils import timezone

    revision = make_entry().revisions.get()
    assert f"{timezone.localtime(revision.created_at):%Y-%m-%d %H:%M}" in str(revision)
    assert f"{revision.created_at:%Y-%m-%d %H:%M}" not in str(revision)  # not UTC's
