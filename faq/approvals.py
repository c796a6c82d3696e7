"""The review workflow: every transition of a revision, each with its audit record."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext

from faq.cache import public_content_changed
from faq.models import (
    Action,
    Approval,
    AuditEvent,
    ContactNumber,
    ContactNumberRevision,
    EntryRevision,
    Notice,
    NoticeRevision,
    Revision,
    Status,
)
from faq.tokens import (
    answers_using,
    notices_using,
    phone_keys,
    phone_token,
    unknown_phone_tokens,
    use_state,
)

_SUBJECT_FIELDS = {
    EntryRevision: "entry_revision",
    ContactNumberRevision: "contact_revision",
    NoticeRevision: "notice_revision",
}


def _record(revision: Revision, action: str, *, by, at: datetime, comment: str = "") -> AuditEvent:
    subject = {_SUBJECT_FIELDS[type(revision)]: revision}
    return AuditEvent.objects.create(action=action, actor=by, at=at, comment=comment, **subject)


@transaction.atomic
def revision_create(
    *, model: type[Revision], parent, by, at: datetime | None = None, comment: str = "", **content
) -> Revision:
    """Save new words for an entry or contact number as a draft; what members see is unchanged."""
    at = at or timezone.now()
    revision = model(**{model.PARENT_FIELD: parent}, created_by=by, created_at=at, **content)
    # Field values are checked here; the check constraints are the database's to enforce
    # (the admin's forms explain each one first). Validating them in Python costs a query
    # per constraint, about 5 ms a revision.
    revision.full_clean(exclude=[model.PARENT_FIELD], validate_constraints=False)
    revision.save()
    _record(revision, Action.CREATED, by=by, at=at, comment=comment)
    return revision


@transaction.atomic
def translation_relink(
    *, translation: EntryRevision, source: EntryRevision, by, at: datetime | None = None
) -> EntryRevision:
    """A translation draft's words, unchanged, as a new draft translating `source`, the
    original draft that replaced the one they translated. The words keep their author
    (created_by), so that nobody approves their own words because another saved them; the
    audit record says who made the new draft, and from which."""
    at = at or timezone.now()
    relinked = EntryRevision(
        entry=translation.entry,
        language=translation.language,
        source_revision=source,
        created_by=translation.created_by,
        created_at=at,
        **translation.content(),
    )
    relinked.full_clean(exclude=["entry"], validate_constraints=False)
    relinked.save()
    author = translation.created_by or "system"
    _record(
        relinked,
        Action.CREATED,
        by=by,
        at=at,
        comment=(
            f"The words of #{translation.pk}, written by {author}, unchanged, now translating "
            f"version #{source.pk} of the original (#{translation.source_revision_id} was "
            "replaced before it was approved)."
        ),
    )
    return relinked


def own_part(revision: Revision, user) -> str:
    """What `user` had to do with `revision` that leaves its review to someone else, in a
    few words ("wrote this revision"), or "" if nothing: whoever wrote its words, and
    whoever put someone else's words up as a draft (restoring them, or carrying a
    translation over to a newer original), in this version or in another of the same
    material with the same words (saving a version again with only a new schedule credits
    it to whoever saved it), as four eyes see more than two."""
    if user is None:
        return ""
    if user.pk == revision.created_by_id:
        return "wrote this revision"
    same_words = (
        type(revision)
        .objects.filter(**same_material(revision), content_hash=revision.content_hash)
        .order_by("pk")
    )
    if earlier := same_words.filter(created_by=user).first():
        return f"wrote these words (version #{earlier.pk})"
    put_up = Q(events__action__in=[Action.CREATED, Action.RESTORED], events__actor=user)
    if made := same_words.filter(put_up).first():
        if made.pk == revision.pk:
            return f"made this draft of {revision.created_by or 'system'}'s words"
        return f"made a draft of these words before (version #{made.pk})"
    return ""


def local_moment(moment: datetime | None) -> str:
    """A moment as editors and reviewers read it: the plan's local time, US date order."""
    return timezone.localtime(moment).strftime("%m/%d/%Y %H:%M") if moment else "—"


def withdrawn_warning(item) -> str:
    """What editors and reviewers must know about a withdrawn item's versions."""
    kind = item._meta.verbose_name
    withdrawn = local_moment(item.withdrawn_at)
    return (
        f"This {kind} is withdrawn ({withdrawn}): members will not see it, whatever is "
        "approved, and a withdrawal cannot be undone. To show these words to members again, "
        f"add a new {kind} with them and submit that for review."
    )


def withdrawn_check(revision: Revision) -> None:
    """Refuse to send a withdrawn item's version on: members would never read it."""
    if revision.parent.withdrawn_at is not None:
        raise ValidationError(withdrawn_warning(revision.parent))


def replaced_source_check(revision: Revision) -> None:
    """Refuse a translation of an original draft that a newer draft replaced before anyone
    approved it: those words will never be live, so nor can a translation of them."""
    source = getattr(revision, "source_revision", None)
    if source is None or source.status == Status.APPROVED:
        return
    newest = source.parent.revisions.originals().order_by("-created_at", "-pk").first()
    if newest != source:
        raise ValidationError(
            f"It translates version #{source.pk} of the original, which was replaced by "
            f"#{newest.pk} before it was approved. Save the question again: the "
            "translation then translates the newest original, and can be submitted with it."
        )


def same_material(revision: Revision) -> dict:
    """The lookups naming what `revision` is a version of: its item, and for a question its
    language (what members see one live revision of, LIVE_PER)."""
    return {field: getattr(revision, field) for field in type(revision).LIVE_PER}


def newer_approved_check(revision: Revision) -> None:
    """Refuse to approve words older than an approved version of the same material: they
    would replace the newer words members read, or are about to."""
    newer = (
        type(revision)
        .objects.filter(
            **same_material(revision), status=Status.APPROVED, created_at__gt=revision.created_at
        )
        .order_by("-created_at")
        .first()
    )
    if newer is not None:
        raise ValidationError(
            f"Version #{newer.pk}, written after this one, is already approved: approving "
            "this one would put older words in its place. Reject this one, or restore it as "
            "a new draft if its words are wanted."
        )


def one_version_each_check(revisions: Iterable[Revision]) -> None:
    """Refuse to approve two versions of the same material in one review: one would replace
    the other at once, or (scheduled later) take its place later, with the warning the review
    page gives for a version already approved never shown."""
    seen: dict[tuple, Revision] = {}
    for revision in revisions:
        material = (type(revision), *same_material(revision).values())
        if (first := seen.setdefault(material, revision)) is not revision:
            kind = revision.parent._meta.verbose_name
            if getattr(revision, "is_translation", False):
                kind += f" in {revision.get_language_display()}"
            raise ValidationError(
                f"{revision_named(first)} and {revision_named(revision)} are versions of the "
                f"same {kind}: approve them one at a time, so that the review page shows "
                "what each does to the other, or reject the one not wanted."
            )


def own_go_live(revision: Revision, at: datetime) -> datetime:
    """When `revision`, approved at `at`, goes live by its own schedule: never before it is
    approved. (A translation also waits for the words it translates: revision_approve.)"""
    return max(revision.go_live_at or at, at)


def scheduled_to_replace(revision: Revision, at: datetime | None = None) -> Revision | None:
    """An approved version of the same material, written before `revision`, that goes live
    later than `revision` would: at that moment it replaces `revision`'s words with its own
    (live() orders approved versions by go-live). Intended for a fix to today's words while
    next year's are scheduled; a loss when `revision` was written from the scheduled words."""
    at = at or timezone.now()
    return (
        type(revision)
        .objects.filter(
            **same_material(revision),
            status=Status.APPROVED,
            created_at__lt=revision.created_at,
            go_live_at__gt=own_go_live(revision, at),
        )
        .order_by("-go_live_at", "-pk")
        .first()
    )


def replaced_at(revision: Revision, *, go_live_at: datetime) -> datetime | None:
    """When an approved version of the same material going live after `go_live_at` would
    replace `revision` (its superseded_at once approved): members read `revision` until then."""
    later = Q(status=Status.APPROVED, go_live_at__gt=go_live_at)
    return (
        type(revision)
        .objects.filter(later, **same_material(revision))
        .exclude(pk=revision.pk)
        .aggregate(at=Min("go_live_at"))["at"]
    )


@transaction.atomic
def revision_submit(*, revision: Revision, by, at: datetime | None = None) -> Revision:
    at = at or timezone.now()
    withdrawn_check(revision)
    if revision.status not in (Status.DRAFT, Status.REJECTED):
        raise ValidationError(
            f"Only a draft or a rejected revision can be submitted, not one "
            f"that is {revision.get_status_display().lower()}."
        )
    replaced_source_check(revision)
    if isinstance(revision, EntryRevision | NoticeRevision):
        # A number may have been withdrawn since this draft was written.
        keys = ContactNumber.objects.current(at).values_list("key", flat=True)
        text = revision.answer if isinstance(revision, EntryRevision) else revision.body
        if unknown := unknown_phone_tokens(text, keys):
            raise ValidationError(
                f"This text names {', '.join(dict.fromkeys(unknown))}, which no current "
                "contact number has any more. Edit it, then submit it."
            )
    revision.status = Status.SUBMITTED
    revision.submitted_at = at
    revision.save(update_fields=["status", "submitted_at"])
    _record(revision, Action.SUBMITTED, by=by, at=at)
    return revision


def revision_named(revision: Revision) -> str:
    """A revision as reviewers tell it from the others of a review: #pk and its words' title."""
    title = next(getattr(revision, name) for name in type(revision).CONTENT_FIELDS)
    return f"#{revision.pk} (“{title}”)"


def undecided_check(revision: Revision, *, decision: str) -> None:
    """Lock the revision, read it again and refuse unless it still awaits a decision: two
    reviewers deciding it at once are taken one after the other, and the second is told
    who decided first (instead of a database error, or a rejection wiped by an approval)."""
    revision.refresh_from_db(from_queryset=type(revision).objects.select_for_update())
    if revision.status == Status.SUBMITTED:
        return
    named = revision_named(revision)
    if revision.status in (Status.APPROVED, Status.REJECTED):
        who = revision.reviewed_by or "system"
        when = f" at {local_moment(revision.reviewed_at)}" if revision.reviewed_at else ""
        raise ValidationError(
            f"Only a revision submitted for review can be {decision}: {named} was already "
            f"{revision.get_status_display().lower()} by {who}{when}. Nothing was recorded."
        )
    raise ValidationError(
        f"Only a revision submitted for review can be {decision}; {named} is "
        f"{revision.get_status_display().lower()}."
    )


def approvals_locked() -> None:
    """Hold, until the transaction ends, the right to record a state approval: two reviewers
    recording the same one at once are taken one after the other, and the second finds the
    first's record. A lock rather than a unique constraint: approval records cannot be
    changed or deleted, so one recorded twice before the forms refused it stays, and a
    constraint could never be added over it."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("Lock approvals inside a transaction.")
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Approval._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


@transaction.atomic
def approval_record(
    *,
    material_id: str,
    approved_on: date,
    approving_body: str,
    by,
    at: datetime | None = None,
    **details,
) -> Approval:
    """Record a state approval given to member material, unless it is on record already."""
    approvals_locked()
    recorded = Approval.objects.on_record(
        material_id=material_id, approved_on=approved_on, approving_body=approving_body
    )
    if recorded is not None:  # recorded by another reviewer since this one's form was checked
        raise ValidationError(
            f"{recorded} is already on record from {recorded.approving_body} (recorded by "
            f"{recorded.recorded_by or 'system'} at {local_moment(recorded.recorded_at)}): "
            "choose it as the existing approval rather than record it again, so each "
            "approval has one record. Nothing was recorded."
        )
    return Approval.objects.create(
        material_id=material_id,
        approved_on=approved_on,
        approving_body=approving_body,
        recorded_by=by,
        recorded_at=at or timezone.now(),
        **details,
    )


@transaction.atomic
def revision_approve(
    *,
    revision: Revision,
    by,
    approval: Approval,
    at: datetime | None = None,
    comment: str = "",
    historic_go_live_at: datetime | None = None,
) -> Revision:
    """Record the state's approval; the revision goes live at its go-live time (or now).

    A go-live in the past would rewrite what members saw, so it is moved to now, except for
    ``historic_go_live_at``: importing content that was already live, as the demo loader does.
    """
    at = at or timezone.now()
    undecided_check(revision, decision="approved")
    if part := own_part(revision, by):
        raise ValidationError(f"You {part}, so someone else must approve it.")
    withdrawn_check(revision)
    if approval.approved_on > timezone.localdate():
        raise ValidationError(
            f"The approval {approval} is dated in the future: a version can be approved only "
            "by an approval the state has given."
        )
    if historic_go_live_at is None:
        newer_approved_check(revision)
        replaced_source_check(revision)
    source = getattr(revision, "source_revision", None)
    if source and source.status != Status.APPROVED and historic_go_live_at is None:
        raise ValidationError(
            f"This translates a version that is {source.get_status_display().lower()}, not "
            "approved: approve that version first, or select both and review them together."
        )
    if isinstance(revision, NoticeRevision) and revision.expires_at and revision.notice.is_required:
        raise ValidationError(REQUIRED_NOTICE_EXPIRY)
    if isinstance(revision, ContactNumberRevision):
        number_expiry_check(revision, at=at)
    own_go_live_at = historic_go_live_at or own_go_live(revision, at)
    go_live_at = own_go_live_at
    # A translation goes live with the words it translates, not before: until then members
    # keep reading the translation it replaces.
    if source and historic_go_live_at is None:
        go_live_at = max(go_live_at, source.go_live_at)
    if isinstance(revision, EntryRevision | NoticeRevision) and historic_go_live_at is None:
        text = revision.answer if isinstance(revision, EntryRevision) else revision.body
        # Members read it until it expires or a version scheduled after it replaces it.
        ends = [revision.expires_at, replaced_at(revision, go_live_at=go_live_at)]
        end = min((moment for moment in ends if moment is not None), default=None)
        numbers_live_check(text=text, start=go_live_at, end=end)
    if revision.expires_at and revision.expires_at <= go_live_at:
        raise ValidationError(
            f"This version expires at {local_moment(revision.expires_at)}, before it could go live"
            f"{' with the version it translates' if go_live_at > own_go_live_at else ''}, "
            "so members would never see it. Ask its editor to change or remove the expiry "
            "and submit it again, or reject it."
        )
    revision.status = Status.APPROVED
    revision.approval = approval
    revision.reviewed_by = by
    revision.reviewed_at = at
    revision.review_comment = comment
    revision.go_live_at = go_live_at
    revision.save(
        update_fields=[
            "status", "approval", "reviewed_by", "reviewed_at", "review_comment", "go_live_at"
        ]
    )  # fmt: skip
    _record(revision, Action.APPROVED, by=by, at=at, comment=f"{approval}. {comment}".strip())
    # Go-live and expiry happen at request time, with no job to run; their records are
    # written now, stamped with the moment they take effect.
    _record(revision, Action.PUBLISHED, by=by, at=revision.go_live_at)
    if revision.expires_at:
        _record(revision, Action.EXPIRED, by=by, at=revision.expires_at)
    public_content_changed()
    return revision


def number_unlive_from(key: str, *, start: datetime, end: datetime | None) -> datetime | None:
    """The first moment from `start` until `end` (None: for good) when no approved version of
    the current number `key` is live, if there is one."""
    versions = (
        ContactNumberRevision.objects.filter(status=Status.APPROVED, contact__key=key)
        .of_current_items(start)
        .order_by("go_live_at")
        .values_list("go_live_at", "expires_at", "superseded_at")
    )
    moment = start
    for go_live_at, *ends in versions:
        if go_live_at > moment:
            break
        stops = [stop for stop in ends if stop is not None]
        if not stops:
            return None
        moment = max(moment, min(stops))
        if end is not None and moment >= end:
            return None
    return moment


def numbers_live_check(*, text: str, start: datetime, end: datetime | None) -> None:
    """Refuse words that would name a number while no approved version of it is live: members
    would read its name with nothing to call (a number not approved yet, or expiring first)."""
    for key in sorted(phone_keys(text)):
        unlive = number_unlive_from(key, start=start, end=end)
        if unlive is None:
            continue
        if unlive == start:
            raise ValidationError(
                f"This text names {phone_token(key)}, which has no approved number live at "
                f"{local_moment(start)}, when this version would go live: members would read "
                "its name with no number to call. Approve a version of the number first."
            )
        raise ValidationError(
            f"This text names {phone_token(key)}, whose approved versions end at "
            f"{local_moment(unlive)}, while this version "
            f"{'has no expiry' if end is None else f'is read until {local_moment(end)}'}: "
            "members would then read its name with no number to call. Approve a version of "
            "the number for after that first, or give this version an expiry no later than "
            "that."
        )


@transaction.atomic
def revision_reject(
    *, revision: Revision, by, comment: str, at: datetime | None = None
) -> Revision:
    at = at or timezone.now()
    undecided_check(revision, decision="rejected")
    if part := own_part(revision, by):
        raise ValidationError(
            f"You {part}, so someone else must review it: to change its words, save a new "
            "version instead."
        )
    if not comment.strip():
        raise ValidationError("Say why it is rejected: the author will read this.")
    revision.status = Status.REJECTED
    revision.reviewed_by = by
    revision.reviewed_at = at
    revision.review_comment = comment.strip()
    revision.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    _record(revision, Action.REJECTED, by=by, at=at, comment=revision.review_comment)
    return revision


@transaction.atomic
def revision_restore(*, revision: Revision, by, at: datetime | None = None) -> Revision:
    """Copy an earlier revision's words into a new draft, to edit or resubmit. The words
    keep their author (created_by), as in translation_relink: otherwise whoever wrote a
    rejected version could approve it once another editor restored it. The audit record
    says who restored it. A withdrawn item's words are not: no draft of it can be submitted."""
    at = at or timezone.now()
    withdrawn_check(revision)
    model = type(revision)
    # A restored translation still translates what it translated then, so it is flagged
    # outdated if the original has changed since.
    language = (
        {"language": revision.language, "source_revision": revision.source_revision}
        if isinstance(revision, EntryRevision)
        else {}
    )
    restored = model(
        **{model.PARENT_FIELD: revision.parent},
        created_by=revision.created_by,
        created_at=at,
        **language,
        **revision.content(),
    )
    restored.save()
    written = timezone.localtime(revision.created_at)
    _record(
        restored,
        Action.RESTORED,
        by=by,
        at=at,
        comment=(
            f"Restored from revision {revision.pk} of {written:%Y-%m-%d %H:%M}, written by "
            f"{revision.created_by or 'system'}."
        ),
    )
    return restored


@transaction.atomic
def item_withdraw(*, item, by, comment: str = "", at: datetime | None = None) -> None:
    """Retire an entry or contact number: members stop seeing it; every record is kept."""
    at = at or timezone.now()
    withdraw_check(item=item, at=at)
    revisions = item.revisions.originals()
    live = revisions.live(at).first() or revisions.order_by("-created_at").first()
    item.withdrawn_at = at
    item.save(update_fields=["withdrawn_at", "updated_at"])
    public_content_changed()
    if live is not None:
        _record(live, Action.WITHDRAWN, by=by, at=at, comment=comment)


@dataclass(frozen=True)
class Stamp:
    """The approval stamp a page carries, derived from the revisions shown on it."""

    approvals: tuple[Approval, ...]
    last_updated: date | None

    def __str__(self):
        # In the page's language; dates stay in the US form the state's stamp uses.
        approved = "; ".join(f"{a.approved_on:%m/%d/%Y} {a.material_id}" for a in self.approvals)
        text = (
            gettext("State Approved: %(approvals)s") % {"approvals": approved} if approved else ""
        )
        if self.last_updated:
            day = self.last_updated
            updated = f"{day.month}/{day.day}/{day.year}"
            text += " " + gettext("Last Updated On: %(day)s") % {"day": updated}
        return text.strip()


def stamp_for(revisions: Iterable[Revision]) -> Stamp:
    approvals: dict[int, Approval] = {}
    last_live: datetime | None = None
    for revision in revisions:
        if revision.approval_id is None:
            continue
        approvals.setdefault(revision.approval_id, revision.approval)
        if last_live is None or revision.go_live_at > last_live:
            last_live = revision.go_live_at
    # The same approval recorded twice (two records of one material and date) is one
    # approval to the member reading the stamp.
    distinct = {(a.approved_on, a.material_id): a for a in approvals.values()}
    return Stamp(
        approvals=tuple(distinct[said] for said in sorted(distinct)),
        last_updated=timezone.localtime(last_live).date() if last_live else None,
    )


def withdraw_check(*, item, at: datetime | None = None) -> None:
    """Refuse to retire what must stay: a number still named, the required notice."""
    if item.withdrawn_at is not None:
        raise ValidationError(f"“{item}” was already withdrawn.")
    if isinstance(item, ContactNumber):
        contact_withdraw_check(contact=item, at=at)
    if isinstance(item, Notice):
        notice_withdraw_check(notice=item)


REQUIRED_NOTICE_EXPIRY = (
    "The notice of nondiscrimination in English cannot expire: members must always be able "
    "to read it (Section 1557). Remove the expiry; a new version replaces this one when it is "
    "approved."
)


def notice_withdraw_check(*, notice: Notice) -> None:
    """Refuse to retire the notice of nondiscrimination in the original language: Section 1557
    requires it on the page, and every language without its own shows it."""
    if notice.is_required:
        raise ValidationError(
            f"“{notice}” cannot be withdrawn: members must always be able to read the notice "
            "of nondiscrimination (Section 1557), and pages in every language without their "
            "own show this one. To change its words, edit it and have the new version approved."
        )


def number_expiry_check(revision: ContactNumberRevision, *, at: datetime | None = None) -> None:
    """Refuse a number's version that expires while answers or notices still name the number:
    expired, it is off every page that names it, as if withdrawn then. Unless an approved
    version goes live by then and takes over (replaced_at)."""
    if not revision.expires_at:
        return
    at = at or timezone.now()
    # A new number's first version (its form, before the number is saved) has no other.
    replaced = (
        replaced_at(revision, go_live_at=own_go_live(revision, at)) if revision.contact.pk else None
    )
    if replaced is not None and replaced <= revision.expires_at:
        return
    contact_withdraw_check(contact=revision.contact, at=revision.expires_at, expiring=True)


def contact_withdraw_check(
    *, contact: ContactNumber, at: datetime | None = None, expiring: bool = False
) -> None:
    """Refuse to retire a number that answers members see, or are about to see, still name:
    withdrawn now, or (`expiring`) by a version that expires at `at`."""
    at = at or timezone.now()
    uses = [*answers_using(contact.key, at=at), *notices_using(contact.key, at=at)]
    if not uses:
        return
    raise ValidationError(
        "“%(key)s” cannot %(retired)s: answers use %(token)s. %(where)s. Change those answers "
        "first.",
        code="contact_in_use",
        params={
            "key": contact.key,
            "retired": f"expire at {local_moment(at)}" if expiring else "be withdrawn",
            "token": phone_token(contact.key),
            "where": "; ".join(
                f"“{getattr(r, 'question', None) or r.title}” ({use_state(r, at=at)})" for r in uses
            ),
        },
    )
