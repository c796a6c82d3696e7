import hashlib
import json
import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, Func, OuterRef, Q, Value
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from faq.markup import render_markdown
from faq.phones import display_phone, tel_href


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Action(models.TextChoices):
    CREATED = "created", "Created"
    SUBMITTED = "submitted", "Submitted for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PUBLISHED = "published", "Published"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    RESTORED = "restored", "Restored as a new draft"


class Category(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="faq_category_slug_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="faq_category_name_not_blank"),
            models.CheckConstraint(condition=~Q(slug=""), name="faq_category_slug_not_blank"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("faq:category", kwargs={"slug": self.slug})


class Approval(models.Model):
    """A state approval of member material: one record covers many revisions and pages."""

    material_id = models.CharField(
        "material ID", max_length=60, help_text="The plan's own material ID, e.g. MOC16078."
    )
    state_tracking_number = models.CharField(
        max_length=60, blank=True, help_text="The tracking number the state assigned, if any."
    )
    approving_body = models.CharField(max_length=200, help_text="e.g. MO HealthNet Division")
    approved_on = models.DateField(help_text="The date of the state's approval.")
    notes = models.TextField(blank=True)
    letter = models.FileField("approval letter", upload_to="approvals/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-approved_on", "material_id"]
        permissions = [
            ("view_compliance_report", "Can see the compliance report and past versions of pages")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(material_id=""), name="faq_approval_material_id_not_blank"
            ),
            models.CheckConstraint(
                condition=~Q(approving_body=""), name="faq_approval_approving_body_not_blank"
            ),
        ]

    def __str__(self):
        return f"{self.material_id} ({self.approved_on:%m/%d/%Y})"


class RevisionQuerySet(models.QuerySet):
    def live(self, at=None):
        """What members see at a moment: per item, the newest approved revision whose go-live
        has passed, unless it has expired or its item was withdrawn."""
        at = at or timezone.now()
        parent = self.model.PARENT_FIELD
        # "No newer approved revision has gone live" rather than DISTINCT ON: Postgres can
        # then start from any other condition (a full-text match, one category) and check
        # each row with one probe of an (item, go-live, id) index; see docs/benchmarks.md.
        newer = self.model._default_manager.filter(
            Q(go_live_at__gt=OuterRef("go_live_at"))
            | Q(go_live_at=OuterRef("go_live_at"), pk__gt=OuterRef("pk")),
            **{parent: OuterRef(parent)},
            status=Status.APPROVED,
            go_live_at__lte=at,
        )
        return (
            self.filter(status=Status.APPROVED, go_live_at__lte=at)
            .exclude(expires_at__lte=at)
            .filter(~Exists(newer))
            .filter(
                Q(**{f"{parent}__withdrawn_at__isnull": True})
                | Q(**{f"{parent}__withdrawn_at__gt": at})
            )
        )


class Revision(models.Model):
    """One saved version of member-facing content, with its review and approval state."""

    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(blank=True)
    approval = models.ForeignKey(
        Approval, models.PROTECT, null=True, blank=True, related_name="%(class)ss"
    )
    go_live_at = models.DateTimeField(
        null=True, blank=True, help_text="When members first see it. Empty: as soon as approved."
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When members stop seeing it. Empty: no expiry."
    )

    objects = RevisionQuerySet.as_manager()

    PARENT_FIELD = ""
    CONTENT_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.APPROVED)
                | Q(approval__isnull=False, go_live_at__isnull=False, reviewed_at__isnull=False),
                name="%(app_label)s_%(class)s_approved_has_approval",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.REJECTED) | ~Q(review_comment=""),
                name="%(app_label)s_%(class)s_rejection_has_comment",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True)
                | Q(created_by__isnull=True)
                | ~Q(reviewed_by=models.F("created_by")),
                name="%(app_label)s_%(class)s_no_self_review",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(go_live_at__isnull=True)
                | Q(expires_at__gt=models.F("go_live_at")),
                name="%(app_label)s_%(class)s_expires_after_go_live",
            ),
        ]

    def save(self, *args, **kwargs):
        self.content_hash = self.compute_hash()
        super().save(*args, **kwargs)

    @property
    def parent(self):
        return getattr(self, self.PARENT_FIELD)

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}

    def compute_hash(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class EntryQuerySet(models.QuerySet):
    def current(self, at=None):
        """Entries not withdrawn at a moment (whether or not anything of them is live)."""
        at = at or timezone.now()
        return self.filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))


class Entry(models.Model):
    """One FAQ. Its words live in revisions; members see only the live one."""

    category = models.ForeignKey(Category, models.PROTECT, related_name="entries")
    slug = models.SlugField(max_length=120)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "position", "pk"]
        verbose_name = "question"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="faq_entry_slug_unique"),
            models.CheckConstraint(condition=~Q(slug=""), name="faq_entry_slug_not_blank"),
        ]

    def __str__(self):
        latest = self.revisions.order_by("-created_at", "-pk").first()
        return latest.question if latest else self.slug

    def get_absolute_url(self):
        return reverse("faq:entry", kwargs={"slug": self.slug})


class EntryRevision(Revision):
    entry = models.ForeignKey(Entry, models.PROTECT, related_name="revisions")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown: blank lines between paragraphs, “- ” for lists.")
    answer_html = models.TextField(editable=False)
    # Computed by Postgres from the revision's own words, so it never changes once they are
    # saved. The category name is on another table, out of a generated column's reach:
    # faq.search adds it, weighted C, at query time. Phone tokens ([[phone:key]], see
    # faq.tokens) are left out: members read a number there, not "phone" or the key.
    search_vector = models.GeneratedField(
        expression=SearchVector("question", weight="A", config="english")
        + SearchVector(
            Func(
                "answer_html",
                Value(r"\[\[phone:[A-Za-z0-9_-]+\]\]"),
                Value(" "),
                Value("g"),
                function="regexp_replace",
                output_field=models.TextField(),
            ),
            weight="B",
            config="english",
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    PARENT_FIELD = "entry"
    CONTENT_FIELDS = ("question", "answer")

    class Meta(Revision.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = "question revision"
        permissions = [("review_entryrevision", "Can approve or reject question revisions")]
        indexes = [
            models.Index(
                fields=["entry", "-go_live_at"],
                condition=Q(status="approved"),
                name="faq_entryrev_live_idx",
            ),
            # Lets live() read the newest approved revision of each entry from the index
            # alone: every public page, and each search, starts there.
            models.Index(
                fields=["entry", "-go_live_at", "-id"],
                condition=Q(status="approved"),
                name="faq_entryrev_newest_idx",
            ),
            GinIndex(fields=["search_vector"], name="faq_entryrev_search_idx"),
        ]
        constraints = [
            *Revision.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(question=""), name="faq_entryrevision_question_not_blank"
            ),
            models.CheckConstraint(
                condition=~Q(answer=""), name="faq_entryrevision_answer_not_blank"
            ),
        ]

    def __str__(self):
        return f"{self.question} ({self.get_status_display()}, {self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        self.answer_html = render_markdown(self.answer)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.entry.get_absolute_url()

    @property
    def answer_markup(self) -> SafeString:
        """The stored answer HTML, which render_markdown has already sanitised."""
        return mark_safe(self.answer_html)


class ContactPurpose(models.TextChoices):
    """What a number is for: the contact page groups numbers under these, in this order."""

    MEMBER_SERVICES = "member_services", _("Questions about your plan and care")
    ENROLLMENT = "enrollment", _("Enrolling or changing health plans")
    EMERGENCY = "emergency", _("Emergencies")
    OTHER = "other", _("Other numbers")


class ContactNumberQuerySet(models.QuerySet):
    def current(self, at=None):
        at = at or timezone.now()
        return self.filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))


class ContactNumber(models.Model):
    """A number members call. A changed number is a changed material: details live in revisions."""

    key = models.SlugField(
        max_length=60, help_text="How answers refer to this number, e.g. member-services."
    )
    purpose = models.CharField(
        max_length=20,
        choices=ContactPurpose,
        default=ContactPurpose.OTHER,
        help_text="The heading the contact page lists this number under.",
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ContactNumberQuerySet.as_manager()

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="faq_contactnumber_key_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="faq_contactnumber_key_not_blank"),
            models.CheckConstraint(
                condition=Q(purpose__in=ContactPurpose.values),
                name="faq_contactnumber_purpose_valid",
            ),
        ]

    def __str__(self):
        return self.key

    def get_absolute_url(self):
        return reverse("faq:contact") + f"#{self.key}"


class ContactNumberRevision(Revision):
    contact = models.ForeignKey(ContactNumber, models.PROTECT, related_name="revisions")
    label = models.CharField(max_length=120, help_text="e.g. Member Services")
    number = models.CharField(
        max_length=20, help_text="Stored in international (E.164) form, e.g. +18003226027."
    )
    tty_number = models.CharField(
        "TTY number", max_length=20, blank=True, help_text="For deaf or hard-of-hearing members."
    )
    hours = models.CharField(max_length=200, blank=True, help_text="e.g. 24 hours a day")

    PARENT_FIELD = "contact"
    CONTENT_FIELDS = ("label", "number", "tty_number", "hours")

    class Meta(Revision.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = "contact number revision"
        permissions = [
            ("review_contactnumberrevision", "Can approve or reject contact number revisions")
        ]
        constraints = [
            *Revision.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(label=""), name="faq_contactnumberrevision_label_not_blank"
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^(\+[1-9][0-9]{6,14}|[0-9]{3,6})$"),
                name="faq_contactnumberrevision_number_normalized",
            ),
            models.CheckConstraint(
                condition=Q(tty_number="")
                | Q(tty_number__regex=r"^(\+[1-9][0-9]{6,14}|[0-9]{3,6})$"),
                name="faq_contactnumberrevision_tty_normalized",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.number_display} ({self.get_status_display()})"

    def get_absolute_url(self):
        return self.contact.get_absolute_url()

    @property
    def number_display(self) -> str:
        return display_phone(self.number)

    @property
    def number_href(self) -> str:
        return tel_href(self.number)

    @property
    def tty_display(self) -> str:
        return display_phone(self.tty_number) if self.tty_number else ""

    @property
    def tty_href(self) -> str:
        return tel_href(self.tty_number) if self.tty_number else ""


class AuditEvent(models.Model):
    """An append-only record of one transition of one revision."""

    action = models.CharField(max_length=20, choices=Action)
    entry_revision = models.ForeignKey(
        EntryRevision, models.PROTECT, null=True, blank=True, related_name="events"
    )
    contact_revision = models.ForeignKey(
        ContactNumberRevision, models.PROTECT, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=Action.values), name="faq_auditevent_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(entry_revision__isnull=False, contact_revision__isnull=True)
                | Q(entry_revision__isnull=True, contact_revision__isnull=False),
                name="faq_auditevent_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.subject} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def subject(self):
        return self.entry_revision or self.contact_revision


def search_words(text: str) -> list[str]:
    """The words of a query or a synonym, lowercased: how both are compared."""
    return re.findall(r"\w+", text.lower())


class SearchSynonym(models.Model):
    """What members type, and the words the content uses for it: editors keep these."""

    term = models.CharField(
        max_length=100, help_text="What members type, e.g. “er” or “mental health”."
    )
    equivalents = ArrayField(
        models.CharField(max_length=100),
        help_text="What the questions and answers say instead, separated by commas, "
        "e.g. “emergency room, emergency department”.",
    )
    is_two_way = models.BooleanField(
        "two-way",
        default=True,
        help_text="Searching for one of the equivalents also finds the term and the others.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["term"], name="faq_searchsynonym_term_unique"),
            models.CheckConstraint(condition=~Q(term=""), name="faq_searchsynonym_term_not_blank"),
            # Queries are compared lowercased and trimmed; a term stored otherwise never matches.
            models.CheckConstraint(
                condition=Q(term=Lower(Trim("term"))), name="faq_searchsynonym_term_normalized"
            ),
            models.CheckConstraint(
                condition=Q(equivalents__len__gt=0), name="faq_searchsynonym_has_equivalents"
            ),
        ]

    def __str__(self):
        arrow = "↔" if self.is_two_way else "→"
        return f"{self.term} {arrow} {', '.join(self.equivalents)}"

    def clean(self):
        self.term = " ".join(search_words(self.term or ""))
        if not self.term:
            raise ValidationError({"term": "Type a word or a phrase members search for."})
        equivalents = [" ".join(search_words(e)) for e in self.equivalents or []]
        self.equivalents = [e for e in dict.fromkeys(equivalents) if e and e != self.term]
        if not self.equivalents:
            raise ValidationError({"equivalents": "Give at least one other word or phrase."})


class SearchWord(models.Model):
    """A word that questions or answers use: members' misspellings are matched against these.

    A database trigger (migration 0005_search) adds the words of every new revision, whatever
    saved it. A word here never makes anything findable: results only come from live content.
    """

    word = models.CharField(max_length=40)

    class Meta:
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(fields=["word"], name="faq_searchword_word_unique"),
        ]
        indexes = [
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="faq_searchword_trgm_idx")
        ]

    def __str__(self):
        return self.word


class SearchLog(models.Model):
    """How often members searched for one query on one day and what they found; nothing about
    who searched (no IP address, no user)."""

    day = models.DateField()
    query = models.CharField(max_length=200, help_text="As searched: lowercased, single spaces.")
    searches = models.PositiveIntegerField(default=0)
    zero_result_searches = models.PositiveIntegerField("searches that found nothing", default=0)
    result_count = models.PositiveIntegerField(
        "results", default=0, help_text="How many results the latest of these searches found."
    )

    class Meta:
        ordering = ["-day", "-searches", "query"]
        verbose_name = "search"
        verbose_name_plural = "searches"
        constraints = [
            models.UniqueConstraint(fields=["day", "query"], name="faq_searchlog_day_query_unique"),
            models.CheckConstraint(condition=~Q(query=""), name="faq_searchlog_query_not_blank"),
            models.CheckConstraint(
                condition=Q(zero_result_searches__lte=models.F("searches")),
                name="faq_searchlog_zero_results_counted",
            ),
        ]

    def __str__(self):
        return f"“{self.query}” on {self.day:%m/%d/%Y}: {self.searches}"
