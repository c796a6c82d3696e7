"""Compliance evidence: what members can see now, with its approval, and the audit trail."""

import csv
import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.utils import timezone, translation

from faq.models import (
    Action,
    AuditEvent,
    ContactNumberRevision,
    EntryRevision,
    NoticeRevision,
    Revision,
    Status,
)

EDITED_SINCE_APPROVAL = "edited since approval — re-approval pending"
UPDATED_AFTER_APPROVAL_DATE = "content dated after its approval date — no re-approval on record"
ANNUAL_REVIEW_DUE = "approval older than 12 months — annual review due"
TRANSLATION_OUTDATED = "translation outdated — the original changed after it was translated"


@dataclass
class ReportRow:
    kind: str
    title: str
    url: str
    revision: Revision
    flags: list[str] = field(default_factory=list)
    # At a past moment: the page as members saw it then, rebuilt (?as_of=), not today's.
    url_then: str = ""

    @property
    def approval(self):
        return self.revision.approval


def _pending_edits(model: type[Revision], at: datetime.datetime | None) -> dict:
    """The newest edit pending at `at` (now) per material (per item, and per language
    where translated): a draft or a version under review. At a past moment, one saved by
    then whose last decision by then, if any, came before it was last put up again (a
    rejected version can be submitted again): its status now cannot tell."""
    fields = [f"{model.PARENT_FIELD}_id", *model.LIVE_PER[1:]]
    if at is None:
        pending = model.objects.filter(status__in=[Status.DRAFT, Status.SUBMITTED])
    else:
        subject = model.events.field.name
        events = AuditEvent.objects.filter(**{subject: OuterRef("pk")}, at__lte=at)

        def last(*actions):
            return Subquery(events.filter(action__in=actions).order_by("-at").values("at")[:1])

        pending = (
            model.objects.filter(created_at__lte=at)
            .alias(
                decided=last(Action.APPROVED, Action.REJECTED),
                put_up=last(Action.CREATED, Action.SUBMITTED, Action.RESTORED),
            )
            .filter(Q(decided__isnull=True) | Q(put_up__gt=F("decided")))
        )
    rows = pending.values(*fields).annotate(newest=Max("created_at"))
    return {tuple(row[f] for f in fields): row["newest"] for row in rows}


def _public_url(revision: Revision) -> str:
    """Where members read it: a translation or a notice on the pages in its own language."""
    language = getattr(revision, "language", settings.LANGUAGE_CODE)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        return revision.get_absolute_url()


def archived_address(url: str, at: datetime.datetime) -> str:
    """A public page's address as compliance reviewers open it at a past moment."""
    page = urlsplit(url)
    return page._replace(query=urlencode({"as_of": timezone.localtime(at).isoformat()})).geturl()


def _material_key(revision: Revision) -> tuple:
    return (revision.parent.pk, *(getattr(revision, f) for f in type(revision).LIVE_PER[1:]))


def _words_first_written(model: type[Revision]) -> Subquery:
    """When the words of each revision were first written in a version of the same material:
    a version saved again with only a new schedule, or restored, carries words older than
    itself, which an approval dated before it may well have approved."""
    same_words = model.objects.filter(
        **{field: OuterRef(field) for field in model.LIVE_PER},
        content_hash=OuterRef("content_hash"),
    )
    return Subquery(same_words.order_by("created_at").values("created_at")[:1])


def compliance_report(at: datetime.datetime | None = None) -> list[ReportRow]:
    """Every piece of content members see at a moment, with what an auditor would ask about it."""
    moment, at = at, at or timezone.now()
    year_ago = timezone.localtime(at).date() - datetime.timedelta(days=365)
    rows = []
    sources = [
        (
            lambda r: "Question" if not r.is_translation else f"Question ({r.language})",
            EntryRevision.objects.live(at)
            .with_live_original(at)
            .with_translation_state(at)
            .select_related("entry__category", "approval")
            .order_by("entry__category__position", "entry__position", "entry_id", "language"),
            lambda r: r.question,
        ),
        (
            lambda r: "Contact number",
            ContactNumberRevision.objects.live(at).select_related("contact", "approval"),
            lambda r: f"{r.label} ({r.number_display})",
        ),
        (
            lambda r: f"{r.notice.get_kind_display()} ({r.notice.language})",
            NoticeRevision.objects.live(at)
            .select_related("notice", "approval")
            .order_by("notice__kind", "notice__position"),
            lambda r: r.title,
        ),
    ]
    for kind, revisions, title in sources:
        pending = _pending_edits(revisions.model, moment)
        revisions = revisions.annotate(words_written_at=_words_first_written(revisions.model))
        for revision in revisions:
            row = ReportRow(kind(revision), title(revision), _public_url(revision), revision)
            if moment is not None:
                row.url_then = archived_address(row.url, moment)
            if getattr(revision, "is_outdated", False):
                row.flags.append(TRANSLATION_OUTDATED)
            newest_edit = pending.get(_material_key(revision))
            if newest_edit and newest_edit > revision.created_at:
                row.flags.append(EDITED_SINCE_APPROVAL)
            if timezone.localtime(revision.words_written_at).date() > revision.approval.approved_on:
                row.flags.append(UPDATED_AFTER_APPROVAL_DATE)
            if revision.approval.approved_on < year_ago:
                row.flags.append(ANNUAL_REVIEW_DUE)
            rows.append(row)
    return rows


def _local(moment: datetime.datetime | None) -> str:
    """A moment to the second, rounded up: the page as members saw it at the time shown
    (an address's ?as_of=) is the page after it, never before it."""
    if not moment:
        return ""
    if moment.microsecond:
        moment += datetime.timedelta(microseconds=1_000_000 - moment.microsecond)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S %Z")


def spreadsheet_csv(header: list[str], rows, *, filename: str) -> HttpResponse:
    """A CSV download whose text cells a spreadsheet shows as text: a leading =, +, - or @
    (a member's query, an editor's question, a reviewer's comment) would run as a formula."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_as_text(cell) if isinstance(cell, str) else cell for cell in row])
    return response


def _as_text(text: str) -> str:
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def compliance_report_csv(rows: list[ReportRow], *, filename: str) -> HttpResponse:
    header = [
        "Kind", "Content", "Page", "Revision", "Material ID", "State tracking number",
        "Approval date", "Approving body", "Go-live", "Expires", "Content hash (SHA-256)",
        "Flags",
    ]  # fmt: skip
    return spreadsheet_csv(
        header,
        (
            [
                row.kind,
                row.title,
                row.url,
                row.revision.pk,
                row.approval.material_id,
                row.approval.state_tracking_number,
                row.approval.approved_on.strftime("%m/%d/%Y"),
                row.approval.approving_body,
                _local(row.revision.go_live_at),
                _local(row.revision.expires_at),
                row.revision.content_hash,
                "; ".join(row.flags),
            ]
            for row in rows
        ),
        filename=filename,
    )


_AUDIT_KINDS = {
    EntryRevision: "Question",
    ContactNumberRevision: "Contact number",
    NoticeRevision: "Notice",
}


def audit_log_csv(events, *, filename: str) -> HttpResponse:
    events = events.select_related(
        "entry_revision__entry", "contact_revision__contact", "notice_revision__notice", "actor"
    ).order_by("at", "pk")
    return spreadsheet_csv(
        ["Time", "Action", "Kind", "Content", "Revision", "Actor", "Comment"],
        (_audit_row(event) for event in events),
        filename=filename,
    )


def _audit_row(event) -> list:
    subject = event.subject
    return [
        _local(event.at),
        event.get_action_display(),
        _AUDIT_KINDS[type(subject)],
        getattr(subject, "question", None)
        or getattr(subject, "label", None)
        or getattr(subject, "title", ""),
        subject.pk,
        event.actor.get_username() if event.actor else "system",
        event.comment,
    ]


def verify_content_hashes() -> list[Revision]:
    """Revisions whose stored hash no longer matches their stored words."""
    mismatched = []
    for model in (EntryRevision, ContactNumberRevision, NoticeRevision):
        for revision in model.objects.iterator():
            if revision.compute_hash() != revision.content_hash:
                mismatched.append(revision)
    return mismatched
