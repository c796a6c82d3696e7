import datetime
import io
import random
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from faq.approvals import (
    item_withdraw,
    revision_approve,
    revision_reject,
    revision_restore,
    revision_submit,
    stamp_for,
)
from faq.models import Action, Approval, AuditEvent, EntryRevision, Status
from tests.factories import (
    add_revision,
    add_translation,
    make_approval,
    make_entry,
    make_user,
    publish,
)

pytestmark = pytest.mark.django_db


def public_bodies(client, entry) -> str:
    urls = [
        reverse("faq:index"),
        reverse("faq:contact"),
        entry.get_absolute_url(),
        entry.category.get_absolute_url(),
        "/sitemap-topics.xml",
        "/sitemap-questions.xml",
        "/search/?q=zanzibar",
    ]
    return " ".join(client.get(url).content.decode() for url in urls)


def test_an_edit_is_a_draft_and_members_keep_the_live_words(client):
    entry = make_entry(answer="The approved answer.")
    add_revision(entry, answer="A secret draft answer.")
    body = client.get(entry.get_absolute_url()).content.decode()
    assert "The approved answer." in body
    assert "secret draft" not in body


@pytest.mark.parametrize("state", ["draft", "submitted", "rejected"])
def test_unapproved_words_never_appear_in_any_public_response(client, state):
    entry = make_entry(answer="The approved answer.")
    draft = add_revision(entry, question="Zanzibar question?", answer="Zanzibar draft answer.")
    reviewer = make_user(role="reviewer")
    if state in ("submitted", "rejected"):
        revision_submit(revision=draft, by=None)
    if state == "rejected":
        revision_reject(revision=draft, by=reviewer, comment="Not plain enough.")
    never_live = make_entry(question="Zanzibar new question?", answer="Zanzibar words.", live=False)
    body = public_bodies(client, entry)
    assert "The approved answer." in body
    for words in (
        "Zanzibar question?",
        "Zanzibar draft answer.",
        "Zanzibar new",
        "Zanzibar words.",
    ):
        assert words not in body
    assert client.get(never_live.get_absolute_url()).status_code == 404


def test_approval_makes_the_new_words_and_stamp_live(client):
    entry = make_entry(answer="Old words.")
    editor, reviewer = make_user(role="editor"), make_user(role="reviewer")
    draft = add_revision(entry, answer="New words.", by=editor)
    revision_submit(revision=draft, by=editor)
    approval = make_approval(material_id="MOC26001", approved_on=datetime.date(2026, 3, 2))
    revision_approve(revision=draft, by=reviewer, approval=approval)
    body = client.get(entry.get_absolute_url()).content.decode()
    assert "New words." in body and "Old words." not in body
    today = timezone.localdate()
    assert f"03/02/2026 MOC26001 Last Updated On: {today.month}/{today.day}/{today.year}" in body


def test_self_approval_is_refused_even_for_superusers():
    boss = make_user(is_superuser=True)
    entry = make_entry()
    draft = add_revision(entry, answer="Mine.", by=boss)
    revision_submit(revision=draft, by=boss)
    with pytest.raises(ValidationError, match="someone else must approve"):
        revision_approve(revision=draft, by=boss, approval=make_approval())
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_only_submitted_revisions_can_be_approved_or_rejected():
    entry = make_entry()
    live = entry.revisions.get()
    draft = add_revision(entry, answer="Draft.")
    reviewer = make_user(role="reviewer")
    for revision in (live, draft):
        with pytest.raises(ValidationError):
            revision_approve(revision=revision, by=reviewer, approval=make_approval())
        with pytest.raises(ValidationError):
            revision_reject(revision=revision, by=reviewer, comment="No.")


def test_rejection_needs_a_comment_and_can_be_resubmitted():
    entry = make_entry()
    draft = add_revision(entry, answer="Draft.")
    revision_submit(revision=draft, by=None)
    reviewer = make_user(role="reviewer")
    with pytest.raises(ValidationError, match="Say why"):
        revision_reject(revision=draft, by=reviewer, comment="  ")
    revision_reject(revision=draft, by=reviewer, comment="Use plain words.")
    draft.refresh_from_db()
    assert (draft.status, draft.review_comment) == (Status.REJECTED, "Use plain words.")
    revision_submit(revision=draft, by=None)
    assert draft.status == Status.SUBMITTED


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE faq_approval SET material_id = 'FORGED' WHERE id = %s",
        "UPDATE faq_approval SET approved_on = '2030-01-01' WHERE id = %s",
        "DELETE FROM faq_approval WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_delete_an_approval(sql):
    approval = make_approval(material_id="MOC16078")
    with pytest.raises(IntegrityError, match="compliance records"):
        raw(sql, [approval.pk])
    assert Approval.objects.get(pk=approval.pk).material_id == "MOC16078"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE faq_entryrevision SET answer = 'Forged.' WHERE id = %s",
        "UPDATE faq_entryrevision SET go_live_at = now() - interval '1 year' WHERE id = %s",
        "UPDATE faq_entryrevision SET status = 'draft' WHERE id = %s",
        "DELETE FROM faq_entryrevision WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_delete_an_approved_revision(sql):
    revision = make_entry(answer="Approved words.").revisions.get()
    with pytest.raises(IntegrityError):
        raw(sql, [revision.pk])
    revision.refresh_from_db()
    assert (revision.answer, revision.status) == ("Approved words.", Status.APPROVED)


def test_draft_words_never_change_but_their_workflow_state_does():
    draft = add_revision(make_entry(), answer="Draft words.")
    with pytest.raises(IntegrityError, match="words never change"):
        raw("UPDATE faq_entryrevision SET answer = 'Changed.' WHERE id = %s", [draft.pk])
    raw("UPDATE faq_entryrevision SET status = 'submitted' WHERE id = %s", [draft.pk])


def test_audit_events_and_entries_cannot_be_deleted_or_edited():
    entry = make_entry()
    event = AuditEvent.objects.filter(entry_revision__entry=entry).first()
    for sql, pk in [
        ("UPDATE faq_auditevent SET comment = 'x' WHERE id = %s", event.pk),
        ("DELETE FROM faq_auditevent WHERE id = %s", event.pk),
        ("DELETE FROM faq_entry WHERE id = %s", entry.pk),
    ]:
        with pytest.raises(IntegrityError):
            raw(sql, [pk])


def test_a_withdrawal_cannot_be_undone_by_sql(client):
    entry = make_entry()
    item_withdraw(item=entry, by=None)
    with pytest.raises(IntegrityError, match="withdrawal"):
        raw("UPDATE faq_entry SET withdrawn_at = NULL WHERE id = %s", [entry.pk])
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_scheduled_revision_goes_live_at_request_time_without_any_job(client):
    entry = make_entry(answer="Before.")
    go_live = timezone.now() + datetime.timedelta(seconds=1.5)
    draft = add_revision(entry, answer="After.", go_live_at=go_live)
    publish(draft)
    assert "Before." in client.get(entry.get_absolute_url()).content.decode()
    time.sleep(max(0, (go_live - timezone.now()).total_seconds()) + 0.1)
    body = client.get(entry.get_absolute_url()).content.decode()
    assert "After." in body and "Before." not in body


def test_expired_revision_disappears(client):
    entry = make_entry(answer="Old.")
    expires = timezone.now() + datetime.timedelta(seconds=1.5)
    publish(add_revision(entry, answer="Seasonal.", expires_at=expires))
    assert "Seasonal." in client.get(entry.get_absolute_url()).content.decode()
    time.sleep(max(0, (expires - timezone.now()).total_seconds()) + 0.1)
    assert client.get(entry.get_absolute_url()).status_code == 404
    assert "Seasonal." not in client.get(reverse("faq:index")).content.decode()


def test_a_go_live_in_the_past_is_moved_to_the_approval_time():
    entry = make_entry()
    draft = add_revision(
        entry, answer="New.", go_live_at=timezone.now() - datetime.timedelta(days=3)
    )
    before = timezone.now()
    publish(draft)
    assert draft.go_live_at >= before


def test_point_in_time_returns_what_members_saw():
    entry = make_entry(answer="First words.")
    first_live = entry.revisions.get().go_live_at
    time.sleep(0.01)
    publish(add_revision(entry, answer="Second words."))
    then = EntryRevision.objects.live(first_live + datetime.timedelta(microseconds=1))
    assert then.get(entry=entry).answer == "First words."
    assert EntryRevision.objects.live().get(entry=entry).answer == "Second words."
    before_anything = first_live - datetime.timedelta(seconds=1)
    assert not EntryRevision.objects.live(before_anything).filter(entry=entry).exists()


def test_restore_copies_an_earlier_revision_into_a_new_draft():
    entry = make_entry(answer="Original.")
    author, editor = make_user(role="editor"), make_user(role="editor")
    original = add_revision(entry, answer="Original words.", by=author)
    publish(add_revision(entry, answer="Replaced."))
    restored = revision_restore(revision=original, by=editor)
    # The words stay their author's; the record says who brought them back.
    assert (restored.status, restored.answer, restored.created_by) == (
        Status.DRAFT,
        "Original words.",
        author,
    )
    assert restored.content_hash == original.content_hash
    event = restored.events.get()
    assert (event.action, event.actor) == (Action.RESTORED, editor)
    assert f"written by {author}" in event.comment


def test_whoever_wrote_rejected_words_cannot_approve_them_once_another_restores_them():
    author = make_user(role="editor")
    entry = make_entry(answer="Approved words.")
    rejected = add_revision(entry, answer="Words the reviewer refused.", by=author)
    revision_submit(revision=rejected, by=author)
    revision_reject(revision=rejected, by=make_user(role="reviewer"), comment="Not approved.")
    restored = revision_restore(revision=rejected, by=make_user(role="editor"))
    revision_submit(revision=restored, by=None)
    with pytest.raises(ValidationError, match="You wrote this revision"):
        revision_approve(revision=restored, by=author, approval=make_approval())
    restored.refresh_from_db()
    assert restored.status == Status.SUBMITTED


def test_whoever_restores_words_cannot_approve_or_reject_them_alone():
    # One person with both roles (a superuser) restores words a reviewer refused.
    author, admin = make_user(role="editor"), make_user(is_superuser=True)
    entry = make_entry(answer="Approved words.")
    rejected = add_revision(entry, answer="Words the reviewer refused.", by=author)
    revision_submit(revision=rejected, by=author)
    revision_reject(revision=rejected, by=make_user(role="reviewer"), comment="Not approved.")
    restored = revision_restore(revision=rejected, by=admin)
    revision_submit(revision=restored, by=admin)
    made = f"You made this draft of {author}'s words, so someone else must"
    with pytest.raises(ValidationError, match=made + " approve it"):
        revision_approve(revision=restored, by=admin, approval=make_approval())
    with pytest.raises(ValidationError, match=made + " review it"):
        revision_reject(revision=restored, by=admin, comment="Changed my mind.")
    revision_approve(revision=restored, by=make_user(role="reviewer"), approval=make_approval())
    restored.refresh_from_db()
    assert restored.status == Status.APPROVED


def test_every_transition_is_in_the_audit_log():
    entry = make_entry()
    editor, reviewer = make_user(role="editor"), make_user(role="reviewer")
    draft = add_revision(entry, answer="New.", by=editor)
    revision_submit(revision=draft, by=editor)
    revision_reject(revision=draft, by=reviewer, comment="Shorter, please.")
    revision_submit(revision=draft, by=editor)
    revision_approve(revision=draft, by=reviewer, approval=make_approval())
    actions = list(draft.events.order_by("pk").values_list("action", "actor"))
    assert actions == [
        (Action.CREATED, editor.pk),
        (Action.SUBMITTED, editor.pk),
        (Action.REJECTED, reviewer.pk),
        (Action.SUBMITTED, editor.pk),
        (Action.APPROVED, reviewer.pk),
        (Action.PUBLISHED, reviewer.pk),
    ]


def test_stamp_lists_every_distinct_approval_and_the_latest_update():
    a = make_approval(material_id="MOC16078", approved_on=datetime.date(2016, 6, 22))
    b = make_approval(material_id="MOC25001", approved_on=datetime.date(2025, 1, 5))
    first = make_entry(approval=a).revisions.get()
    second = make_entry(approval=b).revisions.get()
    third = make_entry(approval=a).revisions.get()
    stamp = str(stamp_for([first, second, third]))
    today = timezone.localdate()
    assert stamp == (
        "State Approved: 06/22/2016 MOC16078; 01/05/2025 MOC25001 "
        f"Last Updated On: {today.month}/{today.day}/{today.year}"
    )


def test_stamp_names_an_approval_recorded_twice_once():
    day = datetime.date(2016, 6, 22)
    first = make_entry(approval=make_approval(material_id="MOC16078", approved_on=day))
    again = make_entry(approval=make_approval(material_id="MOC16078", approved_on=day))
    revisions = [first.revisions.get(), again.revisions.get()]
    assert str(stamp_for(revisions)).startswith("State Approved: 06/22/2016 MOC16078 Last")


def test_hash_check_finds_words_changed_behind_the_triggers_back():
    from django.core.management import CommandError, call_command

    entry = make_entry(answer="Approved words.")
    revision = entry.revisions.get()
    out = io.StringIO()
    call_command("verify_content_hashes", stdout=out)
    assert "All 1 revision hashes verified." in out.getvalue()
    with connection.cursor() as cursor:
        # Only a database owner can do this; the check exists to catch exactly such a change.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE faq_entryrevision SET answer = 'Tampered.' WHERE id = %s", [revision.pk]
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 revisions fail the hash check"):
        call_command("verify_content_hashes", stdout=io.StringIO(), stderr=err)
    assert f"MISMATCH entryrevision {revision.pk}" in err.getvalue()


def _newest_live(revisions, at):
    """live()'s definition, in Python: per material, the newest approved revision by
    (go-live, id) that has gone live, unless it has expired."""
    newest = {}
    for revision in revisions:
        if revision.status == Status.APPROVED and revision.go_live_at <= at:
            material = (revision.entry_id, revision.language)
            key = (revision.go_live_at, revision.pk)
            if material not in newest or key > (newest[material].go_live_at, newest[material].pk):
                newest[material] = revision
    return {r.pk for r in newest.values() if r.expires_at is None or r.expires_at > at}


def test_live_is_the_newest_approved_revision_whatever_order_revisions_are_approved_in():
    # superseded_at is kept by triggers; this checks it against the definition over random
    # histories: go-lives past and future, ties, expiries, two languages, any approval order.
    rng = random.Random(20261128)
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    for _ in range(6):
        entry = make_entry()
        original = entry.revisions.get()
        drafts = []
        for number in range(6):
            spanish = rng.random() < 0.4
            draft = (
                add_translation(entry, source=original, live=False, answer=f"Versión {number}.")
                if spanish
                else add_revision(entry, answer=f"Version {number}.")
            )
            if rng.random() < 0.3:
                draft.expires_at = now + rng.choice([-3, 2, 30]) * hour
            drafts.append(draft)
        rng.shuffle(drafts)
        for draft in drafts[:5]:  # the last one stays a draft
            go_live = now + rng.choice([-48, -24, -24, -2, 1, 24, 24]) * hour
            if draft.expires_at is not None and draft.expires_at <= go_live:
                draft.expires_at = go_live + hour
            draft.save(update_fields=["expires_at"])
            revision_submit(revision=draft, by=None)
            revision_approve(
                revision=draft, by=None, approval=make_approval(), historic_go_live_at=go_live
            )
        revisions = list(entry.revisions.all())
        approved = [r for r in revisions if r.status == Status.APPROVED]
        assert len(approved) == 6
        for revision in approved:
            newer = [
                other.go_live_at
                for other in approved
                if other.language == revision.language
                and (other.go_live_at, other.pk) > (revision.go_live_at, revision.pk)
            ]
            assert revision.superseded_at == (min(newer) if newer else None)
        assert all(r.superseded_at is None for r in revisions if r not in approved)
        for moment in (-72, -30, -24, -3, -1, 0, 1.5, 12, 25, 40, 100):
            at = now + moment * hour
            live = set(
                EntryRevision.objects.filter(entry=entry).live(at).values_list("pk", flat=True)
            )
            assert live == _newest_live(revisions, at), moment


def test_superseded_at_is_the_databases_to_write_and_approved_revisions_still_cannot_change():
    entry = make_entry()
    first = entry.revisions.get()
    second = publish(add_revision(entry, answer="Newer words."))
    first.refresh_from_db()
    assert first.superseded_at == second.go_live_at
    EntryRevision.objects.filter(pk=first.pk).update(superseded_at=None)  # a client's mistake
    first.refresh_from_db()
    assert first.superseded_at == second.go_live_at  # computed again
    with pytest.raises(IntegrityError), transaction.atomic():
        EntryRevision.objects.filter(pk=first.pk).update(answer="Changed words.")


def test_a_withdrawn_items_versions_are_neither_submitted_nor_approved():
    # The admin hides the buttons; the workflow itself refuses, whoever calls it.
    entry = make_entry()
    draft = add_revision(entry, answer="Words nobody will read.")
    submitted = add_revision(entry, answer="Words sent before the withdrawal.")
    revision_submit(revision=submitted, by=None)
    item_withdraw(item=entry, by=None)
    with pytest.raises(ValidationError, match="is withdrawn"):
        revision_submit(revision=draft, by=None)
    with pytest.raises(ValidationError, match="is withdrawn"):
        revision_approve(revision=submitted, by=None, approval=make_approval())
    assert [r.status for r in entry.revisions.order_by("pk")] == [
        "approved",
        "draft",
        "submitted",
    ]


def _decide_at_once(revision_pk, first, second) -> Exception | None:
    """Two reviewers decide one revision together: each read it as submitted, and the
    second decides while the first's decision holds the row, not committed yet. What the
    second decision raised, if anything."""
    import threading

    both_read, first_decided = threading.Barrier(2), threading.Event()
    raised = {}

    def decide(how, wait_for_first):
        try:
            stale = EntryRevision.objects.get(pk=revision_pk)
            both_read.wait()
            if wait_for_first:
                first_decided.wait()
                how(stale)
                return
            with transaction.atomic():
                how(stale)
                first_decided.set()
                time.sleep(0.3)  # the second decision waits on the row meanwhile
        except Exception as error:  # what the second reviewer would meet, whatever it is
            raised[wait_for_first] = error
        finally:
            first_decided.set()
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(first, False)),
        threading.Thread(target=decide, args=(second, True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert False not in raised, raised.get(False)
    return raised.get(True)


@pytest.mark.django_db(transaction=True)
def test_a_second_reviewer_approving_at_the_same_moment_is_told_who_approved_first():
    editor = make_user(role="editor")
    rev1, rev2 = make_user(username="rev1"), make_user(username="rev2")
    draft = revision_submit(revision=add_revision(make_entry(), answer="New.", by=editor), by=None)
    first_approval, second_approval = make_approval(), make_approval()

    raised = _decide_at_once(
        draft.pk,
        lambda r: revision_approve(revision=r, by=rev1, approval=first_approval),
        lambda r: revision_approve(revision=r, by=rev2, approval=second_approval),
    )
    assert isinstance(raised, ValidationError)
    assert f"#{draft.pk} (“Question" in raised.messages[0]
    assert "was already approved by rev1 at" in raised.messages[0]
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by, draft.approval) == (
        Status.APPROVED,
        rev1,
        first_approval,
    )
    assert AuditEvent.objects.filter(entry_revision=draft, action=Action.APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rejection_at_the_same_moment_as_an_approval_is_refused_not_wiped():
    editor = make_user(role="editor")
    rev1, rev2 = make_user(username="rev1"), make_user(username="rev2")
    draft = revision_submit(revision=add_revision(make_entry(), answer="New.", by=editor), by=None)
    approval = make_approval()

    raised = _decide_at_once(
        draft.pk,
        lambda r: revision_approve(revision=r, by=rev1, approval=approval),
        lambda r: revision_reject(revision=r, by=rev2, comment="Wrong number."),
    )
    assert isinstance(raised, ValidationError)
    assert "can be rejected: " in raised.messages[0]
    assert "was already approved by rev1" in raised.messages[0]
    draft.refresh_from_db()
    assert (draft.status, draft.review_comment) == (Status.APPROVED, "")
    actions = AuditEvent.objects.filter(entry_revision=draft).values_list("action", flat=True)
    assert Action.REJECTED not in actions

    # The other way round: the approval after a rejection is refused, the comment kept.
    draft = revision_submit(revision=add_revision(make_entry(), answer="New.", by=editor), by=None)
    raised = _decide_at_once(
        draft.pk,
        lambda r: revision_reject(revision=r, by=rev2, comment="Wrong number."),
        lambda r: revision_approve(revision=r, by=rev1, approval=approval),
    )
    assert "was already rejected by rev2" in raised.messages[0]
    draft.refresh_from_db()
    assert (draft.status, draft.review_comment) == (Status.REJECTED, "Wrong number.")


def test_whoever_wrote_the_words_cannot_approve_them_saved_again_with_a_new_schedule():
    # One person with both roles writes the words; another editor changes only the expiry,
    # which saves the same words as a version credited to that editor.
    admin, editor = make_user(is_superuser=True), make_user(role="editor")
    entry = make_entry(answer="Approved words.")
    written = add_revision(entry, answer="Words the admin wrote.", by=admin)
    rescheduled = add_revision(
        entry, by=editor, expires_at=timezone.now() + datetime.timedelta(days=90)
    )
    assert (rescheduled.content_hash, rescheduled.created_by) == (written.content_hash, editor)
    revision_submit(revision=rescheduled, by=editor)
    with pytest.raises(ValidationError, match=f"You wrote these words \\(version #{written.pk}\\)"):
        revision_approve(revision=rescheduled, by=admin, approval=make_approval())
    revision_approve(revision=rescheduled, by=make_user(role="reviewer"), approval=make_approval())


def test_whoever_restored_words_cannot_approve_them_once_another_saves_them_again():
    author, other = make_user(role="editor"), make_user(role="editor")
    restorer = make_user(is_superuser=True)
    entry = make_entry(answer="Approved words.")
    rejected = add_revision(entry, answer="Rejected words.", by=author)
    revision_submit(revision=rejected, by=author)
    revision_reject(revision=rejected, by=make_user(role="reviewer"), comment="No.")
    restored = revision_restore(revision=rejected, by=restorer)
    resaved = add_revision(entry, by=other, expires_at=timezone.now() + datetime.timedelta(days=9))
    assert resaved.content_hash == restored.content_hash
    revision_submit(revision=resaved, by=other)
    made = f"made a draft of these words before \\(version #{restored.pk}\\)"
    with pytest.raises(ValidationError, match=made):
        revision_approve(revision=resaved, by=restorer, approval=make_approval())


def test_a_translator_may_review_an_original_whose_words_their_translation_shares():
    from faq.approvals import own_part, revision_create

    translator = make_user(role="editor")
    entry = make_entry(question="Medicaid?", answer="Medicaid.")
    live = entry.revisions.get()
    revision_create(
        model=EntryRevision,
        parent=entry,
        by=translator,
        language="es",
        source_revision=live,
        question="Medicaid?",
        answer="Medicaid.",
    )
    # Words alike in both languages are still each language's own version.
    original = add_revision(entry, answer="Medicaid.", expires_at=None)
    assert original.content_hash == live.content_hash
    assert own_part(original, translator) == ""
