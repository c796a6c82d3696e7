"""Compliance evidence: what members can see now, with its approval, and the audit trail."""

import csv
import datetime
from dataclasses import dataclass, field

from django.db.models import Max
from django.http import HttpResponse
from django.utils import timezone

from faq.models import ContactNumberRevision, EntryRevision, Revision, Status

EDITED_SINCE_APPROVAL = "edited since approval — re-approval pending"
UPDATED_AFTER_APPROVAL_DATE = "content dated after its approval date — no re-approval on record"
ANNUAL_REVIEW_DUE = "approval older than 12 months — annual review due"


@dataclass
class ReportRow:
    kind: str
    title: str
    url: str
    revision: Revision
    flags: list[str] = field(default_factory=list)

    @property
    def approval(self):
        return self.revision.approval


def _pending_edits(model: type[Revision]) -> dict[int, datetime.datetime]:
    parent = f"{model.PARENT_FIELD}_id"
    rows = (
        model.objects.filter(status__in=[Status.DRAFT, Status.SUBMITTED])
        .values(parent)
        .annotate(newest=Max("created_at"))
    )
    return {row[parent]: row["newest"] for row in rows}


def compliance_report(at: datetime.datetime | None = None) -> list[ReportRow]:
    """Every piece of content members see at a moment, with what an auditor would ask about it."""
    at = at or timezone.now()
    year_ago = timezone.localtime(at).date() - datetime.timedelta(days=365)
    rows = []
    sources = [
        (
            "Question",
            EntryRevision.objects.live(at).select_related("entry__category", "approval"),
            lambda r: r.question,
        ),
        (
            "Contact number",
            ContactNumberRevision.objects.live(at).select_related("contact", "approval"),
            lambda r: f"{r.label} ({r.number_display})",
        ),
    ]
    for kind, revisions, title in sources:
        pending = _pending_edits(revisions.model)
        for revision in revisions:
            row = ReportRow(kind, title(revision), revision.get_absolute_url(), revision)
            newest_edit = pending.get(revision.parent.pk)
            if newest_edit and newest_edit > revision.created_at:
                row.flags.append(EDITED_SINCE_APPROVAL)
            if timezone.localtime(revision.created_at).date() > revision.approval.approved_on:
                row.flags.append(UPDATED_AFTER_APPROVAL_DATE)
            if revision.approval.approved_on < year_ago:
                row.flags.append(ANNUAL_REVIEW_DUE)
            rows.append(row)
    return rows


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z") if moment else ""


def compliance_report_csv(rows: list[ReportRow], *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Kind", "Content", "Page", "Revision", "Material ID", "State tracking number",
            "Approval date", "Approving body", "Go-live", "Expires", "Content hash (SHA-256)",
            "Flags",
        ]
    )  # fmt: skip
    for row in rows:
        approval = row.approval
        writer.writerow(
            [
                row.kind,
                row.title,
                row.url,
                row.revision.pk,
                approval.material_id,
                approval.state_tracking_number,
                approval.approved_on.strftime("%m/%d/%Y"),
                approval.approving_body,
                _local(row.revision.go_live_at),
                _local(row.revision.expires_at),
                row.revision.content_hash,
                "; ".join(row.flags),
            ]
        )
    return response


def audit_log_csv(events, *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["Time", "Action", "Kind", "Content", "Revision", "Actor", "Comment"])
    events = events.select_related(
        "entry_revision__entry", "contact_revision__contact", "actor"
    ).order_by("at", "pk")
    for event in events:
        subject = event.subject
        writer.writerow(
            [
                _local(event.at),
                event.get_action_display(),
                "Question" if event.entry_revision_id else "Contact number",
                getattr(subject, "question", None) or getattr(subject, "label", ""),
                subject.pk,
                event.actor.get_username() if event.actor else "system",
                event.comment,
            ]
        )
    return response


def verify_content_hashes() -> list[Revision]:
    """Revisions whose stored hash no longer matches their stored words."""
    mismatched = []
    for model in (EntryRevision, ContactNumberRevision):
        for revision in model.objects.iterator():
            if revision.compute_hash() != revision.content_hash:
                mismatched.append(revision)
    return mismatched
