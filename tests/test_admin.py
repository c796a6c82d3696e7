import csv
import datetime
import io
import re
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from faq.models import (
    Action,
    Approval,
    AuditEvent,
    Category,
    CategoryTranslation,
    ContactNumber,
    Entry,
    EntryRevision,
    Status,
)
from faq.reports import ANNUAL_REVIEW_DUE, EDITED_SINCE_APPROVAL, UPDATED_AFTER_APPROVAL_DATE
from tests.factories import (
    PASSWORD,
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


@pytest.fixture
def editor(client):
    return make_user(role="editor")


@pytest.fixture
def reviewer():
    return make_user(role="reviewer")


def signed_in(client, user):
    client.force_login(user)
    return client


def entry_form(entry, **changes):
    latest = entry.revisions.order_by("-created_at", "-pk").first()
    data = {
        "question": latest.question,
        "answer": latest.answer,
        "category": entry.category_id,
        "slug": entry.slug,
        "position": entry.position,
        "go_live_at": "",
        "expires_at": "",
        "base_revision": latest.pk,
    }
    for translation in entry.revisions.exclude(language="en").order_by("language", "-pk"):
        data.setdefault(f"base_revision_{translation.language}", translation.pk)
    data.update(changes)
    return data


def change_url(obj):
    return reverse(f"admin:faq_{obj._meta.model_name}_change", args=[obj.pk])


def review_url(revision):
    return reverse("admin:faq_entryrevision_review") + f"?ids={revision.pk}"


def approve_data(**changes):
    data = {
        "decision": "approve",
        "comment": "",
        "material_id": "MOC26001",
        "state_tracking_number": "MO-2026-0042",
        "approving_body": "MO HealthNet Division",
        "approved_on": "2026-03-02",
        "notes": "",
    }
    data.update(changes)
    return data


def test_editor_saving_creates_a_draft_and_members_keep_the_old_words(client, editor):
    entry = make_entry(answer="Old words.")
    response = signed_in(client, editor).post(
        change_url(entry), entry_form(entry, answer="New words."), follow=True
    )
    assertContains(response, "Saved as a new draft")
    assertNotContains(response, "was changed successfully")  # as if members saw it
    draft = entry.revisions.order_by("-pk").first()
    assert (draft.status, draft.answer, draft.created_by) == (Status.DRAFT, "New words.", editor)
    client.logout()
    assertContains(client.get(entry.get_absolute_url()), "Old words.")


def test_members_see_now_shows_the_live_numbers_not_tokens(client, editor):
    from tests.factories import make_contact

    make_contact(key="member-services", number="+18003226027")
    entry = make_entry(answer="Call [[phone:member-services]] today.")
    response = signed_in(client, editor).get(change_url(entry))
    assertContains(response, 'href="tel:+18003226027"')
    preview = response.content.decode().split("Members see now", 1)[1].split("History", 1)[0]
    assert "[[phone:" not in preview


def test_the_history_tables_of_a_form_are_named(client, editor):
    """A screen reader moving from table to table hears which history each one is: the form
    has two side by side, named only by a label that is tied to neither (WCAG 1.3.1)."""
    caption = '<table><caption class="visually-hidden">'
    entry = make_entry()
    response = signed_in(client, editor).get(change_url(entry))
    assertContains(response, caption + "Every version of this question, newest first</caption>")
    assertContains(response, caption + "Topics and addresses of this question, newest first<")
    response = client.get(reverse("admin:faq_category_change", args=[entry.category.pk]))
    assertContains(response, caption + "Addresses and positions of this topic, newest first<")
    number = make_contact_number(key="nurse-line")
    response = client.get(reverse("admin:faq_contactnumber_change", args=[number.pk]))
    assertContains(response, caption + "Headings and positions of this number, newest first<")


def test_editor_can_save_and_submit_in_one_step(client, editor):
    entry = make_entry()
    data = entry_form(entry, answer="New words.", _submit="Save and submit for review")
    signed_in(client, editor).post(change_url(entry), data)
    assert entry.revisions.order_by("-pk").first().status == Status.SUBMITTED


def test_editor_adds_a_question_with_its_first_draft(client, editor):
    entry = make_entry()
    data = entry_form(entry, question="Brand new?", answer="Yes.", slug="brand-new", position=9)
    data["base_revision"] = ""
    signed_in(client, editor).post(reverse("admin:faq_entry_add"), data)
    created = Entry.objects.get(slug="brand-new")
    assert created.revisions.get().status == Status.DRAFT


def test_second_editor_gets_a_conflict_and_loses_nothing(client, editor):
    entry = make_entry(answer="Live.")
    other = make_user(role="editor")
    stale = entry_form(entry, answer="Second editor's careful rewrite.")
    signed_in(client, other).post(change_url(entry), entry_form(entry, answer="First editor."))
    response = signed_in(client, editor).post(change_url(entry), stale)
    assert response.status_code == 200
    assertContains(response, "saved a newer version")
    assertContains(response, "Second editor&#x27;s careful rewrite.")
    assert not entry.revisions.filter(answer__startswith="Second editor").exists()
    # Saving again, after reading the warning, keeps the second editor's words as a new draft.
    newest = entry.revisions.order_by("-pk").first()
    resubmitted = {**stale, "base_revision": newest.pk}
    client.post(change_url(entry), resubmitted)
    assert entry.revisions.order_by("-pk").first().answer == "Second editor's careful rewrite."


def test_saving_unchanged_words_creates_no_revision(client, editor):
    entry = make_entry()
    response = signed_in(client, editor).post(
        change_url(entry), entry_form(entry, position=7), follow=True
    )
    assert entry.revisions.count() == 1
    assertContains(response, "was changed successfully")  # the order: no draft to say so


def test_editor_schedule_errors_are_friendly(client, editor):
    entry = make_entry()
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in(client, editor).post(
        change_url(entry), entry_form(entry, answer="x", expires_at=past)
    )
    assertContains(response, "The expiry time must be in the future.")
    response = client.post(change_url(entry), entry_form(entry, answer="x", go_live_at="soon"))
    assertContains(response, "Enter a valid date/time.")
    assert entry.revisions.count() == 1


def test_contact_number_form_rejects_a_bad_number(client, editor):
    contact = ContactNumber.objects.create(key="member-services")
    response = signed_in(client, editor).post(
        reverse("admin:faq_contactnumber_change", args=[contact.pk]),
        {"label": "Member Services", "number": "555-CALL", "key": "member-services",
         "position": 0, "tty_number": "", "hours": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assertContains(response, "is not digits alone")
    assert contact.revisions.count() == 0


def test_reviewer_sees_the_diff_and_approves(client, editor, reviewer):
    entry = make_entry(answer="Call us today.")
    draft = add_revision(entry, answer="Call us tonight.", by=editor)
    from faq.approvals import revision_submit

    revision_submit(revision=draft, by=editor)
    response = signed_in(client, reviewer).get(change_url(draft))
    assertContains(response, "<del>today.</del>", html=False)
    assertContains(response, "<ins>tonight.</ins>", html=False)
    response = client.post(review_url(draft), approve_data())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED
    assert draft.approval.material_id == "MOC26001"
    assert draft.approval.recorded_by == reviewer
    client.logout()
    assertContains(client.get(entry.get_absolute_url()), "03/02/2026 MOC26001")


def test_one_approval_covers_many_revisions(client, editor, reviewer):
    drafts = []
    for _ in range(3):
        draft = add_revision(make_entry(), answer="Reworded.", by=editor)
        from faq.approvals import revision_submit

        drafts.append(revision_submit(revision=draft, by=editor))
    ids = ",".join(str(d.pk) for d in drafts)
    signed_in(client, reviewer).post(
        reverse("admin:faq_entryrevision_review") + f"?ids={ids}", approve_data()
    )
    approval = Approval.objects.get(material_id="MOC26001")
    assert approval.entryrevisions.count() == 3


def test_two_versions_of_one_question_are_not_approved_in_one_review(client, editor, reviewer):
    # Approved together, the older draft was never shown (the newer replaced it at once), or,
    # scheduled for next week, replaced today's fix then with no warning to the reviewer.
    from faq.approvals import revision_submit

    entry = make_entry(question="Lost card?", answer="Today's words.")
    next_week = timezone.now() + datetime.timedelta(days=7)
    scheduled = add_revision(entry, answer="Next week's words.", by=editor, go_live_at=next_week)
    fix = add_revision(entry, answer="A fix for today.", by=editor)
    other = add_revision(make_entry(), answer="Other words.", by=editor)
    for revision in (scheduled, fix, other):
        revision_submit(revision=revision, by=editor)
    review = reverse("admin:faq_entryrevision_review") + f"?ids={scheduled.pk},{fix.pk},{other.pk}"
    response = signed_in(client, reviewer).post(review, approve_data())
    assertContains(
        response,
        f"#{scheduled.pk} (“Lost card?”) and #{fix.pk} (“Lost card?”) are versions of the same "
        "question: approve them one at a time",
        status_code=400,
    )
    assert set(entry.revisions.values_list("status", flat=True)) == {"approved", "submitted"}
    assert entry.revisions.filter(status=Status.SUBMITTED).count() == 2
    assert not Approval.objects.filter(material_id="MOC26001").exists()
    # One at a time, the reviewer is warned that next week's words replace the fix.
    response = client.post(review_url(scheduled), approve_data())
    assert response.status_code == 302
    assertContains(client.get(review_url(fix)), f"version #{scheduled.pk}, approved under")


def test_a_translation_and_its_original_are_approved_in_one_review(client, editor, reviewer):
    entry = make_entry()
    english = add_revision(entry, answer="Reworded.", by=editor)
    spanish = add_translation(entry, source=english, live=False, answer="Otras palabras.")
    from faq.approvals import revision_submit

    for revision in (spanish, english):
        revision_submit(revision=revision, by=editor)
    ids = f"{spanish.pk},{english.pk}"
    response = signed_in(client, reviewer).post(
        reverse("admin:faq_entryrevision_review") + f"?ids={ids}", approve_data()
    )
    assert response.status_code == 302
    assert set(Approval.objects.get(material_id="MOC26001").entryrevisions.all()) == {
        english,
        spanish,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (approve_data(material_id=""), "Enter the material ID"),
        (approve_data(approved_on="2999-01-01"), "cannot be in the future"),
        (approve_data(approved_on="0001-01-01"), "before Medicaid began (07/30/1965)"),
        (approve_data(approved_on="06/31/2026x"), "Enter a valid date"),
        (approve_data(approving_body=""), "Enter who approved it"),
        ({"decision": "reject", "comment": ""}, "Say why you reject it"),
        ({"decision": "maybe"}, "Select a valid choice"),
    ],
)
def test_bad_review_input_gets_a_clear_error_not_a_500(client, editor, reviewer, data, message):
    draft = add_revision(make_entry(), answer="New.", by=editor)
    from faq.approvals import revision_submit

    revision_submit(revision=draft, by=editor)
    response = signed_in(client, reviewer).post(review_url(draft), data)
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert not Approval.objects.filter(material_id="MOC26001").exists()


def test_approving_an_already_approved_revision_is_a_clear_error(client, reviewer):
    live = make_entry().revisions.get()
    response = signed_in(client, reviewer).post(review_url(live), approve_data())
    assert response.status_code == 400
    assertContains(
        response, "Only a revision submitted for review can be approved", status_code=400
    )
    assert not Approval.objects.filter(material_id="MOC26001").exists()


def test_a_review_of_several_says_which_cannot_be_decided_together(client, reviewer):
    # No decision form is offered for the group: the reviewer is told why, version by version.
    from faq.approvals import revision_submit

    theirs = revision_submit(revision=add_revision(make_entry(), answer="Theirs."), by=None)
    mine = add_revision(make_entry(), question="Mine?", answer="Mine.", by=reviewer)
    revision_submit(revision=mine, by=reviewer)
    live = make_entry(question="Live?").revisions.get()
    ids = f"{theirs.pk},{mine.pk},{live.pk}"
    response = signed_in(client, reviewer).get(
        reverse("admin:faq_entryrevision_review") + f"?ids={ids}"
    )
    assertNotContains(response, "Record decision")
    assertContains(response, "These versions cannot be approved or rejected together")
    assertContains(
        response,
        f"#{mine.pk} (“Mine?”): you wrote this revision, so another reviewer must decide.",
    )
    assertContains(response, f"#{live.pk} (“Live?”) is approved, not submitted for review.")
    assertNotContains(response, f"#{theirs.pk} (“")
    # Without them, the reviewer decides on the one left.
    assertContains(client.get(review_url(theirs)), "Record decision")


def test_reviewer_cannot_approve_their_own_revision_in_the_admin(client):
    boss = make_user(is_superuser=True)
    draft = add_revision(make_entry(), answer="Mine.", by=boss)
    from faq.approvals import revision_submit

    revision_submit(revision=draft, by=boss)
    response = signed_in(client, boss).get(change_url(draft))
    assertContains(response, "another reviewer must approve")
    assertNotContains(response, "Record decision")
    response = client.post(review_url(draft), approve_data())
    assert response.status_code == 400
    assertContains(response, "someone else must approve", status_code=400)
    # Nor reject it (the database would refuse: a 500 once).
    response = client.post(review_url(draft), {"decision": "reject", "comment": "Not mine."})
    assertContains(response, "someone else must review it", status_code=400)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_rejection_reason_reaches_the_author_who_can_resubmit(client, editor, reviewer):
    draft = add_revision(make_entry(), answer="New.", by=editor)
    from faq.approvals import revision_submit

    revision_submit(revision=draft, by=editor)
    signed_in(client, reviewer).post(
        review_url(draft), {"decision": "reject", "comment": "Say 'doctor', not 'PCP'."}
    )
    response = signed_in(client, editor).get(change_url(draft))
    assertContains(response, "Say &#x27;doctor&#x27;, not &#x27;PCP&#x27;.")
    assertContains(response, "Resubmit for review")
    client.post(reverse("admin:faq_entryrevision_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_editor_cannot_approve(client, editor):
    draft = add_revision(make_entry(), answer="New.", by=make_user(role="editor"))
    from faq.approvals import revision_submit

    revision_submit(revision=draft, by=None)
    response = signed_in(client, editor).post(review_url(draft), approve_data())
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_reviewer_cannot_edit_content(client, reviewer):
    entry = make_entry(answer="Live.")
    response = signed_in(client, reviewer).post(change_url(entry), entry_form(entry, answer="x"))
    assert response.status_code == 403
    assert entry.revisions.count() == 1


def test_restore_makes_a_new_draft_from_history(client, editor):
    entry = make_entry(answer="Original.")
    author = make_user(role="editor")
    original = add_revision(entry, answer="Original words.", by=author)
    add_revision(entry, answer="Changed.")
    response = signed_in(client, editor).post(
        reverse("admin:faq_entryrevision_restore", args=[original.pk]), follow=True
    )
    newest = entry.revisions.order_by("-pk").first()
    assert (newest.answer, newest.status, newest.created_by) == (
        "Original words.",
        Status.DRAFT,
        author,
    )
    assertContains(response, f"still credited to {author}, who wrote the words")


def test_a_withdrawn_questions_version_is_not_restored_as_a_draft(client, editor):
    from faq.approvals import item_withdraw

    entry = make_entry(answer="Original words.")
    original = entry.revisions.get()
    item_withdraw(item=entry, by=editor)
    page = signed_in(client, editor).get(change_url(original))
    assertNotContains(page, "Restore as a new draft")
    response = client.post(
        reverse("admin:faq_entryrevision_restore", args=[original.pk]), follow=True
    )
    assert entry.revisions.count() == 1
    assertNotContains(response, "Submit it for review when ready")
    assertContains(response, "This question is withdrawn")


def test_the_review_page_says_who_restored_a_version_and_keeps_them_from_deciding(client):
    author, both = make_user(role="editor"), make_user(role="editor")
    both.groups.add(*make_user(role="reviewer").groups.all())
    entry = make_entry(answer="Original.")
    original = add_revision(entry, answer="Original words.", by=author)
    add_revision(entry, answer="Changed.")
    signed_in(client, both).post(reverse("admin:faq_entryrevision_restore", args=[original.pk]))
    restored = entry.revisions.order_by("-pk").first()
    client.post(reverse("admin:faq_entryrevision_submit", args=[restored.pk]))
    page = client.get(review_url(restored))
    assertContains(page, f"Restored by {both} on ")
    assertContains(page, f"Restored from revision {original.pk} of ")
    assertContains(page, f"written by {author}.")
    assertContains(page, f"You made this draft of {author}&#x27;s words, so another reviewer")
    assertNotContains(page, "Record decision")
    assertContains(
        signed_in(client, make_user(role="reviewer")).get(review_url(restored)), "Record decision"
    )


def test_a_restored_version_is_checked_as_a_form_would_before_review(client, editor):
    # Written before typed numbers were refused, an old version must not reach review by
    # being restored: the submit checks what the form would have.
    make_contact(key="member-services")
    entry = make_entry(question="Call 1-800-322-6027?", answer="Call 1-800-322-6027. <b>Now</b>")
    old = entry.revisions.get()
    add_revision(entry, question="How do I call?", answer="Call [[phone:member-services]].")
    signed_in(client, editor).post(reverse("admin:faq_entryrevision_restore", args=[old.pk]))
    restored = entry.revisions.order_by("-pk").first()
    response = client.post(
        reverse("admin:faq_entryrevision_submit", args=[restored.pk]), follow=True
    )
    assertContains(response, "Question: Do not type phone numbers here")
    assertContains(response, "Answer: Members would not see this as you wrote it")
    restored.refresh_from_db()
    assert restored.status == Status.DRAFT
    fixed = add_revision(entry, question="How do I call?", answer="Call [[phone:member-services]].")
    client.post(reverse("admin:faq_entryrevision_submit", args=[fixed.pk]))
    fixed.refresh_from_db()
    assert fixed.status == Status.SUBMITTED


@pytest.mark.parametrize(
    "model", ["entry", "contactnumber", "entryrevision", "approval", "auditevent"]
)
def test_nobody_can_delete_compliance_records_in_the_admin(client, model):
    make_entry()
    obj = {
        "entry": Entry,
        "contactnumber": ContactNumber,
        "entryrevision": EntryRevision,
        "approval": Approval,
        "auditevent": AuditEvent,
    }[model].objects.first() or ContactNumber.objects.create(key="x")
    boss = make_user(is_superuser=True)
    response = signed_in(client, boss).post(
        reverse(f"admin:faq_{model}_delete", args=[obj.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_withdrawing_keeps_records_and_hides_the_page(client, editor):
    entry = make_entry(question="Is dental covered?")
    chosen = {"action": "withdraw_selected", "_selected_action": [entry.pk]}
    url = reverse("admin:faq_entry_changelist")
    confirm = signed_in(client, editor).post(url, chosen)
    assertContains(confirm, "Members stop seeing these questions at once")
    assertContains(confirm, "<strong>Is dental covered?</strong>: Live since")
    assertContains(confirm, 'name="post" value="yes"')
    entry.refresh_from_db()
    assert entry.withdrawn_at is None  # nothing happens before the editor confirms
    client.post(url, {**chosen, "post": "yes"})
    entry.refresh_from_db()
    assert entry.withdrawn_at is not None
    client.logout()
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_admin_lists_answer(client, editor, reviewer, demo_content):
    signed_in(client, editor)
    for name in ("entry", "contactnumber", "category", "entryrevision", "approval", "auditevent"):
        response = client.get(reverse(f"admin:faq_{name}_changelist"))
        assert response.status_code == 200, name
    response = client.get(reverse("admin:faq_entry_changelist") + "?q=PCP")
    assertContains(response, "What is a primary care provider (PCP)?")
    assertContains(response, "Live since 10/06/2020")


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_compliance_report_lists_every_live_item_with_flags(client, reviewer, demo_content):
    entry = Entry.objects.get(slug="what-is-a-pcp")
    add_revision(entry, answer="Pending rewrite.")
    signed_in(client, reviewer)
    response = client.get(reverse("admin:faq_compliance_report"))
    # 9 questions and 3 numbers under MOC16078, 9 Spanish questions under MOC16078-ES-DEMO.
    assertContains(response, "MOC16078", count=12 + 9)
    rows = read_csv(client.get(reverse("admin:faq_compliance_report") + "?format=csv"))
    header, rows = rows[0], rows[1:]
    assert "Content hash (SHA-256)" in header and "State tracking number" in header
    # 9 questions in each language, 6 numbers, 2 notices of nondiscrimination, 20 taglines.
    assert len(rows) == 9 * 2 + 6 + 2 + 20
    spanish = [row for row in rows if row[0] == "Question (es)"]
    assert len(spanish) == 9 and all(row[2].startswith("/es/questions/") for row in spanish)
    assert {row[4] for row in spanish} == {"MOC16078-ES-DEMO"}
    by_title = {row[1]: row for row in rows}
    pcp = by_title["What is a primary care provider (PCP)?"]
    assert pcp[4] == "MOC16078" and pcp[6] == "06/22/2016" and pcp[7] == "MO HealthNet Division"
    assert pcp[10] == entry.revisions.live().originals().get().content_hash
    assert EDITED_SINCE_APPROVAL in pcp[11]
    assert UPDATED_AFTER_APPROVAL_DATE in pcp[11] and ANNUAL_REVIEW_DUE in pcp[11]
    assert EDITED_SINCE_APPROVAL not in by_title["What if I need a specialist?"][11]


def test_the_compliance_report_page_shows_when_content_expires(client, reviewer):
    soon = timezone.now() + datetime.timedelta(days=30)
    entry = make_entry(question="Flu shots this winter?", live=False)
    publish(add_revision(entry, expires_at=soon))
    response = signed_in(client, reviewer).get(reverse("admin:faq_compliance_report"))
    assertContains(response, '<th scope="col">Expires</th>')
    assertContains(response, f"<td>{timezone.localtime(soon):%m/%d/%Y %H:%M}</td>")


def test_words_saved_again_or_restored_are_not_flagged_as_written_after_their_approval():
    # The state approved the words 10 days ago; an editor gives them an expiry today (a new
    # version of the same words) and a reviewer approves it under the same approval.
    from faq.approvals import revision_create, revision_restore
    from faq.reports import compliance_report

    approval = make_approval(approved_on=timezone.localdate() - datetime.timedelta(days=10))
    written = timezone.now() - datetime.timedelta(days=20)
    entry = Entry.objects.create(category=make_category(), slug="rides")
    first = revision_create(
        model=EntryRevision, parent=entry, by=None, at=written, question="Rides?", answer="Call."
    )
    publish(first, approval=approval, at=written)
    expiring = add_revision(entry, expires_at=timezone.now() + datetime.timedelta(days=90))
    publish(expiring, approval=approval)

    def flags():
        (row,) = [row for row in compliance_report() if row.revision.entry == entry]
        return row.flags

    assert UPDATED_AFTER_APPROVAL_DATE not in flags()
    edited = add_revision(entry, answer="Call us.")
    publish(edited, approval=approval)
    assert UPDATED_AFTER_APPROVAL_DATE in flags()
    publish(revision_restore(revision=first, by=None), approval=approval)
    assert UPDATED_AFTER_APPROVAL_DATE not in flags()


def test_the_compliance_report_marks_each_title_with_its_language(client, reviewer, demo_content):
    """A screen reader reads a Spanish question or an Arabic tagline in its own voice (WCAG
    3.1.2); English titles and numbers need no mark on the English page."""
    signed_in(client, reviewer)
    response = client.get(reverse("admin:faq_compliance_report"))
    assertContains(response, 'lang="es">¿Qué es un proveedor de atención primaria (PCP)?</a>')
    assertContains(response, 'lang="ar">العربية</a>')
    assertContains(response, '"/questions/what-is-a-pcp/">What is a primary care provider (PCP)?')
    assertNotContains(response, 'lang="en">')


def test_the_compliance_report_can_be_rebuilt_at_a_past_moment(client, editor, reviewer):
    entry = make_entry(question="Old question?", live=False)
    then = timezone.now() - datetime.timedelta(days=3)
    publish(entry.revisions.get(), approval=make_approval(material_id="OLD00001"), at=then)
    moment = then + datetime.timedelta(days=1)
    publish(
        add_revision(entry, question="New question?"),
        approval=make_approval(material_id="NEW00001"),
    )
    add_revision(entry, question="Draft of today?", by=editor)
    report = reverse("admin:faq_compliance_report")
    page = signed_in(client, reviewer).get(report, {"as_of": moment.isoformat()})
    assertContains(page, f"what members saw on {timezone.localtime(moment):%m/%d/%Y at %H:%M:%S}")
    assertContains(page, "OLD00001")
    assertNotContains(page, "NEW00001")
    assertNotContains(page, EDITED_SINCE_APPROVAL)  # the draft came later
    rows = read_csv(client.get(report, {"as_of": moment.isoformat(), "format": "csv"}))
    assert [(row[1], row[4]) for row in rows[1:]] == [("Old question?", "OLD00001")]
    now = read_csv(client.get(report, {"format": "csv"}))
    assert [(row[1], row[4]) for row in now[1:]] == [("New question?", "NEW00001")]
    assert EDITED_SINCE_APPROVAL in now[1][11]
    refused = client.get(report, {"as_of": "2099-01-01T00:00"}, follow=True)
    assertContains(refused, "That is not a past moment since 1965")
    assertContains(refused, "NEW00001")


def test_a_past_report_links_to_the_pages_as_members_saw_them_then(client, reviewer):
    # Today's page has other words, or none (a withdrawn question's address is a 404).
    from faq.approvals import item_withdraw
    from faq.reports import archived_address

    entry = make_entry(question="Old question?", live=False)
    then = timezone.now() - datetime.timedelta(days=3)
    publish(entry.revisions.get(), at=then)
    moment = then + datetime.timedelta(days=1)
    item_withdraw(item=entry, by=None)
    page = signed_in(client, reviewer).get(
        reverse("admin:faq_compliance_report"), {"as_of": moment.isoformat()}
    )
    (row,) = page.context["rows"]
    assert row.url_then == archived_address(entry.get_absolute_url(), moment)
    assertContains(page, f'<a href="{row.url_then}">Old question?</a>', html=False)
    assertContains(client.get(row.url_then), "<h1>Old question?</h1>")
    # A notice's address names its place on the page: the moment goes before it.
    address = archived_address("/language-assistance/#tagline-so", moment)
    assert address.startswith("/language-assistance/?as_of=2")
    assert address.endswith("#tagline-so")


def test_a_moment_in_the_hour_that_happened_twice_is_offered_both_ways(client, reviewer):
    # On 11/02/2025 Chicago's clocks went back from 02:00 CDT to 01:00 CST: members saw
    # pages at 01:30 twice, and this question only the second time.
    from zoneinfo import ZoneInfo

    from faq.reports import archived_address

    entry = make_entry(question="Rides?", live=False)
    publish(entry.revisions.get(), at=datetime.datetime(2025, 11, 2, 7, 15, tzinfo=datetime.UTC))
    first, second = (
        datetime.datetime(2025, 11, 2, 1, 30, tzinfo=ZoneInfo("America/Chicago"), fold=fold)
        for fold in (0, 1)
    )
    report = reverse("admin:faq_compliance_report")
    page = signed_in(client, reviewer).get(report, {"as_of": "2025-11-02T01:30"}, follow=True)
    # (Equal to Python, as on one clock: only their offsets tell them apart.)
    at_first, at_second = (f"?{urlencode({'as_of': at.isoformat()})}" for at in (first, second))
    assertContains(
        page,
        "01:30:00 on 11/02/2025 happened twice in the plan's time, as the clocks went back an "
        f'hour: choose <a href="{at_first}">01:30:00 CDT</a> or '
        f'<a href="{at_second}">01:30:00 CST</a>.',
    )
    assert at_first.endswith("-05%3A00") and at_second.endswith("-06%3A00")
    assertNotContains(client.get(report + at_first), "Rides?")
    assertContains(client.get(report + at_second), "Rides?")
    form = client.get(reverse("admin:faq_as_of"), {"at": "2025-11-02T01:30:00", "path": "/"})
    assertContains(form, f'<a href="{archived_address("/", second)}">01:30:00 CST</a>')
    # The hour skipped when the clocks went forward is no moment at all.
    page = client.get(report, {"as_of": "2025-03-09T02:30"}, follow=True)
    assertContains(page, "02:30:00 on 03/09/2025 did not happen in the plan&#x27;s time")


def test_a_rejected_version_submitted_again_is_an_edit_pending_now_and_then(editor, reviewer):
    from faq.approvals import revision_reject, revision_submit
    from faq.reports import compliance_report

    entry = make_entry(question="Live words?")
    draft = add_revision(entry, answer="Edited words.", by=editor)
    revision_submit(revision=draft, by=editor)
    revision_reject(revision=draft, by=reviewer, comment="Fix it.")
    rejected_then = timezone.now()
    revision_submit(revision=draft, by=editor)

    def flags(at=None):
        return [flag for row in compliance_report(at) for flag in row.flags]

    assert EDITED_SINCE_APPROVAL in flags()
    assert EDITED_SINCE_APPROVAL not in flags(rejected_then)
    assert EDITED_SINCE_APPROVAL in flags(timezone.now())


def test_compliance_report_needs_its_permission(client, editor):
    response = signed_in(client, editor).get(reverse("admin:faq_compliance_report"))
    assert response.status_code == 403


def test_audit_log_exports_every_event_as_csv(client, reviewer, demo_content):
    rows = read_csv(signed_in(client, reviewer).get(reverse("admin:faq_auditevent_export")))
    assert rows[0] == ["Time", "Action", "Kind", "Content", "Revision", "Actor", "Comment"]
    # 9 questions, 6 numbers, 9 Spanish questions, 22 notices and taglines: 4 events each.
    assert len(rows) - 1 == AuditEvent.objects.count() == (9 + 6 + 9 + 22) * 4
    assert {row[2] for row in rows[1:]} == {"Question", "Contact number", "Notice"}
    assert {row[1] for row in rows[1:]} == {
        "Created", "Submitted for review", "Approved", "Published"
    }  # fmt: skip


def test_an_expiry_at_the_moment_the_next_version_goes_live_is_in_the_audit_log():
    # A plan year's words end as the next year's begin.
    entry = make_entry(question="Plan year?")
    new_year = timezone.now() + datetime.timedelta(seconds=30)
    old = publish(add_revision(entry, answer="This year's words.", expires_at=new_year))
    new = publish(add_revision(entry, answer="Next year's words.", go_live_at=new_year))
    after = AuditEvent.objects.happened(new_year + datetime.timedelta(seconds=1))
    assert after.filter(action=Action.EXPIRED, entry_revision=old).exists()
    assert after.filter(action=Action.PUBLISHED, entry_revision=new).exists()


def test_the_audit_log_lists_a_go_live_only_once_it_has_happened(client, editor, reviewer):
    from faq.approvals import item_withdraw

    soon = timezone.now() + datetime.timedelta(minutes=3)
    scheduled = make_entry(question="Scheduled then withdrawn?")
    draft = add_revision(scheduled, answer="Words for later.", go_live_at=soon)
    publish(draft)
    replaced = make_entry(question="Scheduled then replaced?")
    later = publish(add_revision(replaced, answer="Words for later.", go_live_at=soon))
    # Approved for the same moment, the newer version is what members will see then.
    publish(add_revision(replaced, answer="Other words for later.", go_live_at=soon))

    def published(at=None):
        events = AuditEvent.objects.happened(at).filter(action=Action.PUBLISHED)
        return set(events.values_list("entry_revision", flat=True))

    assert draft.pk not in published() and later.pk not in published()
    rows = read_csv(signed_in(client, reviewer).get(reverse("admin:faq_auditevent_export")))
    assert not [
        row for row in rows if row[1] == "Published" and row[4] in (str(draft.pk), str(later.pk))
    ]
    assert draft.pk in published(soon)  # had nothing stopped it, it would have gone live
    item_withdraw(item=scheduled, by=editor)
    after = soon + datetime.timedelta(seconds=1)
    assert draft.pk not in published(after)
    assert later.pk not in published(after)  # replaced as it went live: never shown
    review = client.get(review_url(draft))
    assertNotContains(review, "Published by")


def test_an_exported_moment_opens_the_page_as_it_was_after_the_event(client, reviewer):
    entry = make_entry(answer="Old words.", live=False)
    went_live = (timezone.now() - datetime.timedelta(minutes=5)).replace(microsecond=750_000)
    publish(entry.revisions.get(), at=went_live - datetime.timedelta(minutes=5))
    new = publish(add_revision(entry, answer="New words."), at=went_live)
    rows = read_csv(signed_in(client, reviewer).get(reverse("admin:faq_auditevent_export")))
    shown = next(row[0] for row in rows if row[1] == "Published" and row[4] == str(new.pk))
    # Rounded up to the second: at the moment written, the event had happened.
    second = timezone.localtime(went_live).replace(microsecond=0) + datetime.timedelta(seconds=1)
    assert shown == second.strftime("%Y-%m-%d %H:%M:%S %Z")
    form = {"at": second.strftime("%Y-%m-%dT%H:%M:%S"), "path": entry.get_absolute_url()}
    page = client.get(reverse("admin:faq_as_of"), form, follow=True)
    assertContains(page, "New words.")
    assertContains(page, f"at {second:%H:%M:%S %Z}.")
    form["at"] = (second - datetime.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assertContains(client.get(reverse("admin:faq_as_of"), form, follow=True), "Old words.")
    assertContains(client.get(reverse("admin:faq_as_of")), 'step="1"')


def test_an_archived_page_says_its_moment_in_its_title(client, reviewer):
    # A reviewer with the page of now and of then in two tabs tells them apart (WCAG 2.4.2).
    entry = make_entry(question="Where do I go?")
    moment = timezone.localtime().replace(microsecond=0)
    signed_in(client, reviewer)
    for prefix, archived in (("", "archived"), ("/es", "archivada")):
        page = client.get(prefix + entry.get_absolute_url(), {"as_of": moment.isoformat()})
        title = f"({archived}: {moment:%m/%d/%Y %H:%M:%S %Z}) | "
        assert title in re.search(r"<title>(.*?)</title>", page.content.decode())[1]
    now = client.get(entry.get_absolute_url()).content.decode()
    assert "archived" not in re.search(r"<title>(.*?)</title>", now)[1]


def test_exports_never_hand_a_spreadsheet_a_formula(client, editor, reviewer):
    from faq.approvals import revision_reject, revision_submit

    entry = make_entry(question='=HYPERLINK("http://evil.example","x")')
    draft = add_revision(entry, answer="New.", by=editor)
    revision_submit(revision=draft, by=editor)
    revision_reject(revision=draft, by=reviewer, comment="@SUM(A1:A9) and -2+3")
    rows = read_csv(signed_in(client, reviewer).get(reverse("admin:faq_auditevent_export")))
    rejected = next(row for row in rows if row[1] == "Rejected")
    assert rejected[6] == "'@SUM(A1:A9) and -2+3"
    assert rejected[3] == '\'=HYPERLINK("http://evil.example","x")'
    report = read_csv(client.get(reverse("admin:faq_compliance_report") + "?format=csv"))
    assert [row[1] for row in report[1:]] == ['\'=HYPERLINK("http://evil.example","x")']


def test_reviewer_sees_a_page_as_it_was_at_a_past_moment(client, reviewer):
    entry = make_entry(answer="Words of 2025.")
    first = entry.revisions.get()
    from tests.factories import publish

    publish(
        add_revision(entry, answer="Words of today."), approval=make_approval(material_id="NEW1")
    )
    moment = timezone.localtime(first.go_live_at + datetime.timedelta(microseconds=500))
    form = {"at": moment.strftime("%Y-%m-%dT%H:%M:%S.%f"), "path": entry.get_absolute_url()}
    response = signed_in(client, reviewer).get(reverse("admin:faq_as_of"), form)
    assert response.status_code == 302
    past = client.get(response["Location"])
    assertContains(past, "Words of 2025.")
    assertContains(past, "Archived view for compliance review")
    assertNotContains(past, "NEW1")
    assert "no-store" in past["Cache-Control"]
    client.logout()
    assertContains(client.get(response["Location"]), "Words of today.")


def test_a_past_moment_keeps_the_pages_own_query(client, reviewer):
    before = (timezone.localtime() - datetime.timedelta(hours=1)).replace(microsecond=0)
    form = {"at": before.strftime("%Y-%m-%dT%H:%M:%S"), "path": "/search/?q=lost+card&page=2"}
    response = signed_in(client, reviewer).get(reverse("admin:faq_as_of"), form)
    assert response.status_code == 302
    page = urlsplit(response["Location"])
    assert page.path == "/search/"
    query = parse_qs(page.query)
    assert query["q"] == ["lost card"] and query["page"] == ["2"]
    assert query["as_of"] == [before.isoformat()]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"at": "2999-01-01T00:00", "path": "/"}, "Choose a moment in the past"),
        ({"at": "yesterday", "path": "/"}, "Enter a valid date/time"),
        ({"at": "0001-01-01T00:00", "path": "/"}, "Choose a moment since 1965"),
        ({"at": "2024-01-01T00:00", "path": "https://evil.example/"}, "public page address"),
        ({"at": "2024-01-01T00:00", "path": "//evil.example/"}, "public page address"),
        # urlsplit drops tabs and line breaks: these would redirect to //evil.example.
        ({"at": "2024-01-01T00:00", "path": "/\t/evil.example"}, "public page address"),
        ({"at": "2024-01-01T00:00", "path": "/\n/evil.example"}, "public page address"),
        ({"at": "2024-01-01T00:00", "path": "/\r/evil.example"}, "public page address"),
        ({"at": "2024-01-01T00:00", "path": "/\\evil.example"}, "public page address"),
        ({"at": "2024-01-01T00:00", "path": "/admin/"}, "public page address"),
    ],
)
def test_point_in_time_form_rejects_bad_input(client, reviewer, form, message):
    response = signed_in(client, reviewer).get(reverse("admin:faq_as_of"), form)
    assert response.status_code == 200
    assertContains(response, message)


@pytest.mark.parametrize(
    "moment",
    [
        "garbage",
        "2999-01-01T00:00",
        "99999-01-01",
        "1964-01-01",  # before Medicaid: as the point-in-time form refuses it
        "2024-03-10T02:30",  # never shown on a Chicago clock: it went from 01:59 to 03:00
        "2024-11-03T01:30",  # shown twice on a Chicago clock: which one is not known
    ],
)
def test_a_reviewer_is_told_when_the_moment_in_an_address_cannot_be_rebuilt(
    client, reviewer, moment
):
    make_entry(slug="today", answer="Words of today.")
    page = signed_in(client, reviewer).get("/questions/today/", {"as_of": moment})
    assertContains(page, "Not an archived view:")
    assertContains(page, "Words of today.")
    client.logout()
    assertNotContains(client.get("/questions/today/", {"as_of": moment}), "archived view")


def test_approval_records_are_read_only_in_the_admin(client, reviewer):
    approval = make_approval()
    response = signed_in(client, reviewer).post(
        change_url(approval),
        {"material_id": "FORGED", "approving_body": "x", "approved_on": "2020-01-01"},
    )
    assert response.status_code == 403
    approval.refresh_from_db()
    assert approval.material_id != "FORGED"


def test_create_staff_user_gives_the_role(monkeypatch):
    monkeypatch.setenv("HELPCENTER_NEW_USER_PASSWORD", PASSWORD)
    call_command("create_staff_user", "rita", "--role", "reviewer", stdout=io.StringIO())
    rita = get_user_model().objects.get(username="rita")
    assert rita.is_staff and not rita.is_superuser
    assert rita.has_perm("faq.review_entryrevision")
    assert not rita.has_perm("faq.change_entry")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a b"], "username: Enter a valid username."),
        ([""], "username: This field cannot be blank."),
        (["u" * 151], "username: Ensure this value has at most 150 characters (it has 151)."),
        (["carl", "--email", "carl-at-plan"], "email: Enter a valid email address."),
        (["RITA"], "A user named 'rita' already exists."),
    ],
)
def test_create_staff_user_refuses_what_the_admin_form_refuses(monkeypatch, args, message):
    monkeypatch.setenv("HELPCENTER_NEW_USER_PASSWORD", PASSWORD)
    make_user(username="rita")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("create_staff_user", *args, "--role", "editor", stdout=io.StringIO())
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["rita"]


def test_approving_a_version_whose_expiry_passed_in_the_queue_is_a_clear_error(
    client, editor, reviewer, monkeypatch
):
    entry = make_entry()
    soon = timezone.now() + datetime.timedelta(minutes=1)
    draft = add_revision(entry, answer="For a minute.", by=editor, expires_at=soon)
    from faq.approvals import revision_submit

    revision_submit(revision=draft, by=editor)
    signed_in(client, reviewer)
    later = soon + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.post(review_url(draft), approve_data())
    assert response.status_code == 400
    expires = timezone.localtime(soon)
    assertContains(
        response,
        f"This version expires at {expires:%m/%d/%Y %H:%M}, before it could go live, so "
        "members would never see it.",
        status_code=400,
    )
    assertContains(response, 'value="MOC26001"', status_code=400)  # nothing typed is lost
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert not Approval.objects.filter(material_id="MOC26001").exists()


def test_a_translation_that_would_expire_before_its_original_goes_live_is_refused(reviewer):
    from django.core.exceptions import ValidationError

    from faq.approvals import revision_approve, revision_submit
    from tests.factories import publish

    entry = make_entry()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    original = add_revision(entry, answer="From tomorrow.", go_live_at=tomorrow)
    publish(original)
    translation = add_translation(
        entry, source=original, live=False, expires_at=tomorrow - datetime.timedelta(hours=1)
    )
    revision_submit(revision=translation, by=None)
    with pytest.raises(ValidationError, match="before it could go live with the version it"):
        revision_approve(revision=translation, by=reviewer, approval=make_approval())
    translation.refresh_from_db()
    assert translation.status == Status.SUBMITTED


def test_an_approval_dated_in_the_future_cannot_be_recorded_or_chosen(client, editor, reviewer):
    future = timezone.localdate() + datetime.timedelta(days=1)
    form = {
        "material_id": "QA-2099",
        "approving_body": "MO HealthNet Division",
        "approved_on": future.isoformat(),
        "state_tracking_number": "",
        "notes": "",
    }
    response = signed_in(client, reviewer).post(reverse("admin:faq_approval_add"), form)
    assertContains(response, "The approval date cannot be in the future.")
    response = client.post(reverse("admin:faq_approval_add"), {**form, "approved_on": "0001-01-01"})
    assertContains(response, "The approval date is before Medicaid began")
    assert not Approval.objects.filter(material_id="QA-2099").exists()

    with (
        pytest.raises(IntegrityError, match="faq_approval_approved_on_since_medicaid"),
        transaction.atomic(),
    ):
        make_approval(approved_on=datetime.date(1, 1, 1))

    # One recorded otherwise (an import, the shell) is not offered, nor accepted.
    dated_later = make_approval(material_id="QA-LATER", approved_on=future)
    draft = add_revision(make_entry(), answer="New.", by=editor)
    from faq.approvals import revision_submit

    revision_submit(revision=draft, by=editor)
    page = client.get(review_url(draft))
    assertNotContains(page, "QA-LATER")
    response = client.post(
        review_url(draft), {"decision": "approve", "existing_approval": dated_later.pk}
    )
    assertContains(response, "Select a valid choice", status_code=400)
    from django.core.exceptions import ValidationError

    from faq.approvals import revision_approve

    with pytest.raises(ValidationError, match="is dated in the future"):
        revision_approve(revision=draft, by=reviewer, approval=dated_later)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_a_withdrawn_questions_address_can_serve_a_new_question(client, editor):
    from faq.approvals import item_withdraw

    old = make_entry(slug="dental", answer="The old answer.")
    before = timezone.now()
    item_withdraw(item=old, by=editor)
    new = make_entry(slug="dental", answer="The new answer.")
    assertContains(client.get("/questions/dental/"), "The new answer.")
    signed_in(client, reviewer_user := make_user(role="reviewer"))
    past = client.get("/questions/dental/", {"as_of": before.isoformat()})
    assertContains(past, "The old answer.")
    assert reviewer_user and new.slug == old.slug


def test_an_address_key_or_notice_already_on_the_site_is_a_form_error_not_a_500(client, editor):
    from faq.models import Notice

    make_entry(slug="what-is-a-pcp")
    other = make_entry(slug="another")
    response = signed_in(client, editor).post(
        change_url(other), entry_form(other, slug="what-is-a-pcp")
    )
    assert response.status_code == 200
    assertContains(response, "A question with this slug is already on the site.")
    assert other.revisions.count() == 1

    ContactNumber.objects.create(key="member-services")
    form = {"label": "Member Services", "number": "1-800-322-6027", "tty_number": "",
            "hours": "", "key": "member-services", "purpose": "member_services", "position": 0,
            "translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0}  # fmt: skip
    response = client.post(reverse("admin:faq_contactnumber_add"), form)
    assertContains(response, "A contact number with this key is already on the site.")
    assert ContactNumber.objects.count() == 1

    Notice.objects.create(kind="tagline", language="es")
    form = {"title": "Español", "body": "Llame.", "kind": "tagline", "language": "es",
            "direction": "ltr", "position": 1}  # fmt: skip
    response = client.post(reverse("admin:faq_notice_add"), form)
    assertContains(response, "A notice of this kind in this language already exists.")
    assert Notice.objects.count() == 1


def test_a_number_key_differing_only_in_capitals_is_taken_and_a_new_key_is_lower_case(
    client, editor
):
    ContactNumber.objects.create(key="member-services")
    form = {"label": "Member Services", "number": "1-800-322-6027", "tty_number": "",
            "hours": "", "key": "Member-Services", "purpose": "member_services", "position": 0,
            "translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0}  # fmt: skip
    response = signed_in(client, editor).post(reverse("admin:faq_contactnumber_add"), form)
    assertContains(response, "A contact number with this key is already on the site.")
    assert ContactNumber.objects.count() == 1
    client.post(reverse("admin:faq_contactnumber_add"), {**form, "key": "Nurse-Line"})
    assert ContactNumber.objects.filter(key="nurse-line").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactNumber.objects.create(key="NURSE-LINE")


@pytest.mark.django_db(transaction=True)
def test_an_address_taken_while_the_form_is_saved_is_a_form_error(client, editor, monkeypatch):
    # Two editors save the same new address at once: both forms find it free, and the
    # database refuses the second save. The second editor must read why and keep their text.
    from faq.forms import EntryAdminForm

    entry = make_entry()
    checked = EntryAdminForm.validate_unique
    raced = []

    def validate_unique_while_another_editor_saves(form):
        checked(form)
        if not raced:  # between this form's check and its save, the other editor's lands
            raced.append(True)
            other = threading.Thread(target=_save_elsewhere, args=(entry.category,))
            other.start()
            other.join()

    monkeypatch.setattr(
        EntryAdminForm, "validate_unique", validate_unique_while_another_editor_saves
    )
    data = entry_form(entry, question="Mine?", answer="My careful words.", slug="taken-now")
    data["base_revision"] = ""
    response = signed_in(client, editor).post(reverse("admin:faq_entry_add"), data)
    assert raced
    assert response.status_code == 200
    assertContains(response, "A question with this slug is already on the site")
    assertContains(response, "My careful words.")
    assert not EntryRevision.objects.filter(answer="My careful words.").exists()


def _save_elsewhere(category):
    from django.db import connection

    try:
        make_entry(category=category, slug="taken-now")
    finally:
        connection.close()


def test_a_new_address_is_saved_in_lower_case_and_cannot_shadow_one_in_use(client, editor):
    entry = make_entry(slug="what-is-a-pcp")
    data = entry_form(entry, question="Shadow?", answer="Words.", slug="WHAT-IS-A-PCP")
    data["base_revision"] = ""
    response = signed_in(client, editor).post(reverse("admin:faq_entry_add"), data)
    assertContains(response, "A question with this slug is already on the site")
    assert Entry.objects.count() == 1
    data["slug"] = "Lost-ID-Card"
    assert client.post(reverse("admin:faq_entry_add"), data).status_code == 302
    assert Entry.objects.filter(slug="lost-id-card").exists()


def test_a_topic_address_is_saved_in_lower_case(client):
    signed_in(client, make_user(is_superuser=True))
    data = {"name": "Pharmacy", "slug": "Pharmacy", "description": "", "position": 3}
    data |= {"translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0}
    assert client.post(reverse("admin:faq_category_add"), data).status_code == 302
    assert Category.objects.filter(slug="pharmacy").exists()


@pytest.mark.parametrize("moment", ["9999-12-31T23:59", "0001-01-01T00:00", "2100-01-01T00:00"])
@pytest.mark.parametrize("field", ["go_live_at", "expires_at"])
def test_a_schedule_year_no_one_means_is_a_form_error_not_a_500(client, editor, field, moment):
    category = make_category()
    data = {"question": "When is my renewal?", "answer": "Every year.", "category": category.pk,
            "slug": "renewal", "position": 0, "go_live_at": "", "expires_at": "",
            "base_revision": ""}  # fmt: skip
    signed_in(client, editor)
    response = client.post(reverse("admin:faq_entry_add"), data | {field: moment})
    assertContains(response, "Enter a time between 1965 and 2099: check the year.")
    assertContains(response, "When is my renewal?")  # what the editor typed is kept
    assert not Entry.objects.exists()


def test_a_second_click_on_save_says_so_instead_of_blaming_another_editor(client, editor):
    entry = make_entry()
    data = entry_form(entry, answer="A clearer answer.")
    signed_in(client, editor).post(change_url(entry), data)
    again = client.post(change_url(entry), data)
    assertContains(again, "You already saved a version of this at")
    assertNotContains(again, f"{editor} saved a newer version")
    assert entry.revisions.count() == 2
    other = make_user(role="editor", username="second-editor")
    stale = signed_in(client, other).post(change_url(entry), data | {"answer": "Mine."})
    assertContains(stale, f"{editor} saved a newer version at")


def test_two_topics_cannot_share_a_name(client):
    signed_in(client, make_user(is_superuser=True))
    data = {"name": "Pharmacy", "slug": "pharmacy", "description": "", "position": 3}
    data |= {"translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0}
    assert client.post(reverse("admin:faq_category_add"), data).status_code == 302
    response = client.post(
        reverse("admin:faq_category_add"), data | {"name": "pharmacy", "slug": "pharmacy-2"}
    )
    assertContains(response, "A topic with this name already exists.")
    assert Category.objects.count() == 1


def test_a_name_with_other_spaces_is_the_same_name(client):
    signed_in(client, make_user(is_superuser=True))
    data = {"name": "Your doctors", "slug": "your-doctors", "description": "", "position": 3}
    data |= {"translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0}
    assert client.post(reverse("admin:faq_category_add"), data).status_code == 302
    for name in ("Your\u00a0doctors", " Your  doctors ", "YOUR\tDOCTORS"):
        response = client.post(
            reverse("admin:faq_category_add"), data | {"name": name, "slug": "other"}
        )
        assertContains(response, "A topic with this name already exists.")
    assert list(Category.objects.values_list("name", flat=True)) == ["Your doctors"]


def test_two_topics_cannot_share_a_name_in_another_language(client):
    signed_in(client, make_user(is_superuser=True))
    CategoryTranslation.objects.create(
        category=make_category(name="Your doctors"), language="es", name="Sus médicos"
    )
    other = make_category(name="Your care team")
    change = reverse("admin:faq_category_change", args=[other.pk])
    data = {"name": other.name, "slug": other.slug, "description": "", "position": 1}
    data |= {"translations-TOTAL_FORMS": 1, "translations-INITIAL_FORMS": 0}
    data |= {"translations-0-language": "es", "translations-0-description": ""}
    for name in ("Sus médicos", "SUS MÉDICOS", "Sus\u00a0médicos"):
        response = client.post(change, data | {"translations-0-name": name})
        assertContains(response, "Another topic already has this name in this language.")
    assert not other.translations.exists()
    response = client.post(change, data | {"translations-0-name": "Su equipo de atención"})
    assert response.status_code == 302
    assert other.translations.get().name == "Su equipo de atención"


def test_an_existing_approval_and_a_new_one_typed_together_is_a_form_error(
    client, editor, reviewer
):
    from faq.approvals import revision_submit

    on_record = make_approval(material_id="MOC16078")
    draft = add_revision(make_entry(), answer="New.", by=editor)
    revision_submit(revision=draft, by=editor)
    signed_in(client, reviewer)
    response = client.post(review_url(draft), approve_data(existing_approval=on_record.pk))
    assertContains(response, "Choose an existing approval or record a new one", status_code=400)
    assertContains(response, "Material ID, State tracking number, Approved on", status_code=400)
    assertContains(response, 'value="MOC26001"', status_code=400)  # what was typed is kept
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert not Approval.objects.filter(material_id="MOC26001").exists()
    # The approving body alone comes filled in: choosing an approval with it is no conflict.
    response = client.post(
        review_url(draft),
        {"decision": "approve", "existing_approval": on_record.pk,
         "approving_body": "MO HealthNet Division"},
    )  # fmt: skip
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.approval == on_record


def test_an_approval_typed_again_points_to_the_one_on_record(client, editor, reviewer):
    from faq.approvals import revision_submit

    make_approval(material_id="MOC26001", approved_on=datetime.date(2026, 3, 2))
    draft = add_revision(make_entry(), answer="New.", by=editor)
    revision_submit(revision=draft, by=editor)
    signed_in(client, reviewer)
    response = client.post(review_url(draft), approve_data(material_id=" moc26001 "))
    assertContains(
        response,
        "MOC26001 (03/02/2026) is already on record from MO HealthNet Division: choose it",
        status_code=400,
    )
    assert Approval.objects.filter(material_id__iexact="MOC26001").count() == 1
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    # Another date of the same material is another approval (a resubmission).
    response = client.post(review_url(draft), approve_data(approved_on="2026-03-03"))
    assert response.status_code == 302
    assert Approval.objects.filter(material_id="MOC26001").count() == 2


def test_an_approval_on_record_is_not_recorded_again_on_its_own(client, reviewer):
    make_approval(material_id="MOC26001", approved_on=datetime.date(2026, 3, 2))
    form = {"material_id": "moc26001 ", "state_tracking_number": "", "notes": "",
            "approving_body": "MO HealthNet Division", "approved_on": "2026-03-02"}  # fmt: skip
    response = signed_in(client, reviewer).post(reverse("admin:faq_approval_add"), form)
    assertContains(
        response, "MOC26001 (03/02/2026) is already on record from MO HealthNet Division"
    )
    assert Approval.objects.filter(material_id__iexact="MOC26001").count() == 1
    response = client.post(reverse("admin:faq_approval_add"), {**form, "approved_on": "2026-03-03"})
    assert response.status_code == 302
    assert Approval.objects.filter(material_id__iexact="MOC26001").count() == 2


def _record_while_another_waits(recorded: list, **fields) -> threading.Thread:
    """Another reviewer records an approval and holds it uncommitted until a second
    transaction waits to record approvals too (or five seconds pass: nothing waits)."""
    from django.db import connection

    from faq.approvals import approval_record

    holding = threading.Event()

    def record():
        try:
            with transaction.atomic():
                recorded.append(approval_record(by=make_user(username="first"), **fields))
                holding.set()
                with connection.cursor() as cursor:
                    for _ in range(100):
                        cursor.execute(
                            "SELECT EXISTS (SELECT FROM pg_locks WHERE NOT granted "
                            "AND relation = 'faq_approval'::regclass)"
                        )
                        if cursor.fetchone()[0]:
                            break
                        time.sleep(0.05)
        finally:
            holding.set()
            connection.close()

    thread = threading.Thread(target=record)
    thread.start()
    holding.wait()
    return thread


@pytest.mark.django_db(transaction=True)
def test_an_approval_recorded_by_another_reviewer_at_the_same_moment_is_not_recorded_twice(
    client, editor, reviewer
):
    # Both review forms find MOC26001 of 03/02/2026 not on record; the second reviewer's
    # decision waits for the first's record, and is refused with the form kept.
    from faq.approvals import revision_submit

    draft = revision_submit(revision=add_revision(make_entry(), answer="New.", by=editor), by=None)
    recorded = []
    fields = {"material_id": "MOC26001", "approving_body": "MO HealthNet Division"}
    other = _record_while_another_waits(recorded, **fields, approved_on=datetime.date(2026, 3, 2))
    response = signed_in(client, reviewer).post(review_url(draft), approve_data())
    other.join()
    assertContains(
        response,
        "MOC26001 (03/02/2026) is already on record from MO HealthNet Division (recorded by "
        "first at ",
        status_code=400,
    )
    assertContains(response, 'value="MOC26001"', status_code=400)
    assert list(Approval.objects.filter(material_id="MOC26001")) == recorded
    draft.refresh_from_db()
    assert (draft.status, draft.approval) == (Status.SUBMITTED, None)


@pytest.mark.django_db(transaction=True)
def test_an_approval_recorded_in_a_review_at_the_same_moment_is_refused_on_its_own_form(
    client, reviewer
):
    recorded = []
    fields = {"material_id": "MOC26001", "approving_body": "MO HealthNet Division"}
    other = _record_while_another_waits(recorded, **fields, approved_on=datetime.date(2026, 3, 2))
    form = {**fields, "state_tracking_number": "", "notes": "", "approved_on": "2026-03-02"}
    response = signed_in(client, reviewer).post(reverse("admin:faq_approval_add"), form)
    other.join()
    assertContains(
        response, "MOC26001 (03/02/2026) is already on record from MO HealthNet Division"
    )
    assert list(Approval.objects.filter(material_id="MOC26001")) == recorded


def test_editing_from_a_scheduled_version_keeps_its_go_live_and_the_reviewer_is_warned(
    client, editor, reviewer
):
    """A fix typed over words approved for next week went live at once with them, and next
    week the scheduled version took its place again, without the fix."""
    from faq.approvals import revision_approve, revision_submit

    entry = make_entry(answer="Words of today.")
    next_week = timezone.now() + datetime.timedelta(days=7)
    scheduled = add_revision(entry, answer="Words of next week.", go_live_at=next_week)
    publish(scheduled)
    signed_in(client, editor)
    page = client.get(change_url(entry))
    local = timezone.localtime(next_week)
    assertContains(page, f'value="{local:%Y-%m-%dT%H:%M}"')
    assertContains(page, f"starts from version #{scheduled.pk}, approved to go live at")
    typed = f"{local:%Y-%m-%dT%H:%M}"
    fixed = entry_form(entry, answer="Words of next week, fixed.", go_live_at=typed)
    client.post(change_url(entry), fixed | {"_submit": "1"})
    fix = entry.revisions.order_by("-pk").first()
    assert fix.answer == "Words of next week, fixed." and fix.go_live_at is not None
    assert fix.status == Status.SUBMITTED
    assert (
        not signed_in(client, reviewer)
        .get(review_url(fix))
        .context["items"][0]["replaced_later_by"]
    )
    revision_approve(revision=fix, by=reviewer, approval=make_approval())
    assert entry.revisions.live().get().answer == "Words of today."
    later = next_week + datetime.timedelta(minutes=1)
    assert entry.revisions.live(later).get().answer == "Words of next week, fixed."
    # Cleared (or written from today's words), the reviewer is told what happens next week.
    hurried = add_revision(entry, answer="Words of next week, fixed again.", by=editor)
    revision_submit(revision=hurried, by=editor)
    page = client.get(review_url(hurried))
    assertContains(page, f"version #{fix.pk}, approved under")
    assertContains(page, f"#{fix.pk}'s words replace it at that time")


def test_a_reviewer_deciding_after_another_is_told_who_decided_first(client, editor):
    from faq.approvals import revision_submit

    rev1, rev2 = make_user(username="rev1", role="reviewer"), make_user(role="reviewer")
    draft = add_revision(make_entry(question="Lost card?"), answer="New.", by=editor)
    other = add_revision(make_entry(question="Rides?"), answer="New.", by=editor)
    for revision in (draft, other):
        revision_submit(revision=revision, by=editor)
    ids = f"{draft.pk},{other.pk}"
    review = reverse("admin:faq_entryrevision_review") + f"?ids={ids}"
    signed_in(client, rev1).post(review_url(draft), approve_data())

    refused = signed_in(client, rev2).post(review, {"decision": "reject", "comment": "No."})
    assertContains(
        refused,
        f"#{draft.pk} (“Lost card?”) was already approved by rev1 at",
        status_code=400,
    )
    assert [item["revision"].status for item in refused.context["items"]] == [
        Status.APPROVED,
        Status.SUBMITTED,
    ]
    other.refresh_from_db()
    assert other.status == Status.SUBMITTED  # nothing of the review was kept
