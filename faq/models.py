import datetime
import hashlib
import json
import math
import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchConfig, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, Trim
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


class CategoryQuerySet(models.QuerySet):
    def shown_in(self, language: str, at=None):
        """Each category annotated with its name and description as members reading
        `language` see them, now or at a past moment (see category_text)."""
        return self.annotate(**category_text(language, "", at))

    def moved_from(self, slug: str, at=None):
        """The topic that last had the address `slug`, if it has another now; at a past
        moment `at`, the one that last had it by then, if it had another then (annotated
        address_then, see addressed_at)."""
        return moved_from(self, CategoryAddressRecord.objects, slug, at)

    def addressed_at(self, slug: str, at):
        """The topics whose address at a past moment `at` was `slug` (address_then)."""
        return addressed_at(self, CategoryAddressRecord.objects, slug, at)

    def in_order(self, at=None):
        """In the order of topics members saw at `at` (now): by position, then name."""
        if at is None:
            return self.order_by("position", "name")
        return self.alias(position_then=topic_position_at(OuterRef("pk"), at)).order_by(
            "position_then", "name"
        )

    def with_questions_shown_in(self, language: str, at=None):
        """The categories with at least one question members reading `language` see. Each
        stops at its first live question in the newest-revision index: 0.3 ms of Postgres
        time at 10,000 questions (0.6 ms on Spanish pages), where joining every live
        question and removing the duplicates took 15 ms (62 ms; docs/benchmarks.md)."""
        shown = EntryRevision.objects.shown_in(language, at).placed_at(at)
        return self.filter(Exists(shown.filter(placed_category_id=OuterRef("pk"))))


class Category(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="faq_category_slug_unique"),
            # Members would see two headings alike and not know where to look.
            models.UniqueConstraint(
                Lower("name"),
                name="faq_category_name_unique",
                violation_error_message=(
                    "A topic with this name already exists. Add the questions to that topic, "
                    "or give this one a name members can tell apart."
                ),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="faq_category_name_not_blank"),
            models.CheckConstraint(condition=~Q(slug=""), name="faq_category_slug_not_blank"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("faq:category", kwargs={"slug": self.slug})

    def show_as(self, row) -> None:
        """This page's words, from a row annotated by category_text (the category itself or
        one of its revisions); the instance is never saved."""
        self.name, self.description = row.shown_name, row.shown_description
        self.language = row.shown_language


def configured_language() -> Q:
    """The condition that a row's language is one of the configured LANGUAGES."""
    return Q(language__in=[code for code, _ in settings.LANGUAGES])


def translation_languages() -> list[tuple[str, str]]:
    """The languages content is translated into: every configured one but the original."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class CategoryTranslation(models.Model):
    """A topic's name and description in another language. Topics are headings, not member
    material with an approval of their own: a change shows at once, as with the original."""

    category = models.ForeignKey(Category, models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, choices=translation_languages)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["category", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language"], name="faq_categorytranslation_one_per_language"
            ),
            # As for topics' names in the original (faq_category_name_unique).
            models.UniqueConstraint(
                Lower("name"),
                "language",
                name="faq_categorytranslation_name_unique",
                violation_error_message=(
                    "Another topic already has this name in this language. Give this one a "
                    "name members can tell apart."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="faq_categorytranslation_name_not_blank"
            ),
            models.CheckConstraint(
                condition=configured_language() & ~Q(language=settings.LANGUAGE_CODE),
                name="faq_categorytranslation_language_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"


def category_text(language: str, path: str, at=None) -> dict:
    """Annotations shown_name, shown_description and shown_language: a category's words in
    `language` where they are translated, else the original; at a past moment `at`, the
    words recorded then (category_text_at). `path` leads from the queried model to the
    category ("" for categories themselves, "entry__category__")."""
    if at is not None:
        return category_text_at(language, path, at)
    original = settings.LANGUAGE_CODE
    name, description = F(f"{path}name"), F(f"{path}description")
    if language == original:
        return {
            "shown_name": name,
            "shown_description": description,
            "shown_language": Value(original),
        }
    # One join (a category has at most one translation per language), not a subquery for
    # each word: compiling three subqueries cost Spanish pages more than their queries did.
    translation = FilteredRelation(
        f"{path}translations", condition=Q(**{f"{path}translations__language": language})
    )
    return {
        "category_translation": translation,
        "shown_name": Coalesce(F("category_translation__name"), name),
        "shown_description": Coalesce(F("category_translation__description"), description),
        "shown_language": Case(
            When(category_translation__isnull=False, then=Value(language)),
            default=Value(original),
        ),
    }


class WordsRecordQuerySet(models.QuerySet):
    def said_at(self, at, *, or_earliest: bool = False):
        """The records in effect at `at`, the newest first: one shown from `at` or before,
        or one from before history was kept (shown_at empty, the oldest). With
        `or_earliest`, the records shown only later follow, the earliest first: for a moment
        before anything was recorded, the first words known are the best knowledge there is."""
        in_effect = Q(shown_at__isnull=True) | Q(shown_at__lte=at)
        newest_in_effect = Case(When(in_effect, then=F("shown_at"))).desc(nulls_last=True)
        if not or_earliest:
            return self.filter(in_effect).order_by(newest_in_effect, "-pk")
        first_in_effect = Case(When(in_effect, then=Value(0)), default=Value(1))
        return self.order_by(first_in_effect, newest_in_effect, "shown_at", "-pk")


class WordsRecord(models.Model):
    """Words members read that change in place, without review (a topic's name, a number's
    label in another language): one row per change, from a moment on, never changed or
    deleted (database triggers, migration name_history), so that archived views show the
    words of their moment. An empty name or label in a translation language: no translation from
    then on."""

    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    shown_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When members began to read these words. Empty: already in place when this "
        "history began (the words of that day, the earliest known).",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = WordsRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        since = f"from {self.shown_at:%Y-%m-%d %H:%M}" if self.shown_at else "before records"
        return f"{self.words or '(no translation)'} ({self.language}, {since})"


class CategoryTextRecord(WordsRecord):
    """What a topic's name and description said in one language, from a moment on."""

    category = models.ForeignKey(Category, models.PROTECT, related_name="text_records")
    name = models.CharField(max_length=120, blank=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["category", "language", F("shown_at").asc(nulls_first=True), "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language", "shown_at"],
                name="faq_categorytextrecord_one_per_moment",
            ),
            models.UniqueConstraint(
                fields=["category", "language"],
                condition=Q(shown_at__isnull=True),
                name="faq_categorytextrecord_one_undated",
            ),
            models.CheckConstraint(
                condition=configured_language(), name="faq_categorytextrecord_language_valid"
            ),
            # A topic always has a name; only a translation can be taken away.
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(language=settings.LANGUAGE_CODE),
                name="faq_categorytextrecord_original_has_name",
            ),
            models.CheckConstraint(
                condition=~Q(name="") | Q(description=""),
                name="faq_categorytextrecord_removal_has_no_description",
            ),
        ]

    @property
    def words(self) -> str:
        return self.name


class PlaceRecord(models.Model):
    """Where an item was from a moment on (EntryPlacementRecord, CategoryAddressRecord):
    one row per change, never changed or deleted (database triggers, migration
    placement_history)."""

    shown_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When members began to find it here. Empty: already here when this "
        "history began.",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = WordsRecordQuerySet.as_manager()

    class Meta:
        abstract = True


def one_place_a_moment(parent: str, record: str) -> list[models.UniqueConstraint]:
    """A place record's constraints: one record of an item per moment, and at most one from
    before its history began (shown_at empty)."""
    return [
        models.UniqueConstraint(fields=[parent, "shown_at"], name=f"faq_{record}_one_per_moment"),
        models.UniqueConstraint(
            fields=[parent],
            condition=Q(shown_at__isnull=True),
            name=f"faq_{record}_one_undated",
        ),
    ]


class CategoryAddressRecord(PlaceRecord):
    """A topic's address and its place in the order of topics from a moment on, as
    EntryPlacementRecord keeps a question's: an address members were given keeps leading to
    the topic after it changes, and archived views list topics in their order of then."""

    category = models.ForeignKey(Category, models.PROTECT, related_name="address_records")
    slug = models.SlugField(max_length=120)
    position = models.PositiveIntegerField(default=0)

    PARENT_FIELD = "category"

    class Meta:
        ordering = ["category", F("shown_at").asc(nulls_first=True), "pk"]
        indexes = [models.Index(fields=["slug"], name="faq_categoryaddress_slug_idx")]
        constraints = [
            *one_place_a_moment("category", "categoryaddressrecord"),
            models.CheckConstraint(
                condition=~Q(slug=""), name="faq_categoryaddressrecord_slug_not_blank"
            ),
        ]

    def __str__(self):
        since = f"from {self.shown_at:%Y-%m-%d %H:%M}" if self.shown_at else "before records"
        return f"/{self.slug}/ ({since})"


def topic_position_at(category, at):
    """The position of the topic `category` (an id or an OuterRef) at a past moment `at`:
    the one recorded then, else (a topic made since) its position now."""
    recorded = CategoryAddressRecord.objects.filter(category=category).said_at(at)
    now = Category.objects.filter(pk=category).values("position")[:1]
    return Coalesce(Subquery(recorded.values("position")[:1]), Subquery(now))


def last_to_hold(records, slug: str):
    """The item (its id) whose address `slug` was last: of `records`, place records of one
    kind (EntryPlacementRecord, CategoryAddressRecord). In the order they were recorded:
    an item made without a record is recorded as in place before the history began when it
    first moves, later than others' dated records of the same address."""
    return records.filter(slug=slug).order_by("-pk").values(records.model.PARENT_FIELD)[:1]


def with_address_at(items, records, at):
    """`items` (questions or topics) annotated address_then: the address each had at a past
    moment `at`, from `records`, their place records of that kind: the one in effect then;
    none in effect, though it has records, the item was not there yet (none); no record at
    all, its address now."""
    said = records.filter(**{records.model.PARENT_FIELD: OuterRef("pk")})
    return items.annotate(
        address_then=Case(
            When(Exists(said), then=Subquery(said.said_at(at).values("slug")[:1])),
            default=F("slug"),
        )
    )


def addressed_at(items, records, slug: str, at):
    """Those of `items` whose address at a past moment `at` was `slug` (with_address_at):
    the page members read there then. Only those with the address now or in a record are
    read."""
    held = Q(slug=slug) | Q(pk__in=records.filter(slug=slug).values(records.model.PARENT_FIELD))
    return with_address_at(items.filter(held), records, at).filter(address_then=slug)


def moved_from(items, records, slug: str, at=None):
    """Of `items`, the one that last had the address `slug` (last_to_hold, among `records`),
    if it has another now; at a past moment `at`, the one that last had it by then, if it
    had another then, annotated address_then: where members were sent from it then."""
    if at is None:
        return items.filter(pk=Subquery(last_to_hold(records, slug))).exclude(slug=slug)
    last = last_to_hold(records.said_at(at), slug)
    return with_address_at(items.filter(pk=Subquery(last)), records, at).exclude(address_then=slug)


def category_text_at(language: str, path: str, at) -> dict:
    """category_text's annotations at a past moment: the words recorded as shown then
    (CategoryTextRecord), in `language` where a translation was recorded, else the original.
    A topic with no record at all in the original shows its words of now."""
    original = settings.LANGUAGE_CODE

    def recorded(code: str, **said_at) -> FilteredRelation:
        # One join to the record in effect, not a subquery for each word.
        said = CategoryTextRecord.objects.filter(category=OuterRef(f"{path}pk"), language=code)
        return FilteredRelation(
            f"{path}text_records",
            condition=Q(
                **{
                    f"{path}text_records__pk": Subquery(
                        said.said_at(at, **said_at).values("pk")[:1]
                    )
                }
            ),
        )

    annotations = {"category_text_then": recorded(original, or_earliest=True)}
    name = Coalesce(F("category_text_then__name"), F(f"{path}name"))
    description = Coalesce(F("category_text_then__description"), F(f"{path}description"))
    if language == original:
        return annotations | {
            "shown_name": name,
            "shown_description": description,
            "shown_language": Value(original),
        }
    # A translation recorded as removed has an empty name: the original shows again.
    translated = Q(category_translation_then__name__gt="")
    return annotations | {
        "category_translation_then": recorded(language),
        "shown_name": Case(
            When(translated, then=F("category_translation_then__name")), default=name
        ),
        "shown_description": Case(
            When(translated, then=F("category_translation_then__description")),
            default=description,
        ),
        "shown_language": Case(When(translated, then=Value(language)), default=Value(original)),
    }


# Title XIX of the Social Security Act was signed on this day: no state approved Medicaid
# member material before it.
MEDICAID_BEGAN = datetime.date(1965, 7, 30)


MAX_LETTER_MEGABYTES = 20  # a scanned letter of a few pages is well under


def letter_is_a_pdf(letter) -> None:
    """An approval letter is the state's PDF: by its first bytes, not only its name, so a
    web page or a program named .pdf is refused before anyone downloads it."""
    if letter.size > MAX_LETTER_MEGABYTES * 1024 * 1024:
        # Rounded up to a tenth: a letter just over the limit is not said to be at it.
        megabytes = math.ceil(letter.size / 1024 / 1024 * 10) / 10
        raise ValidationError(
            f"The letter is {megabytes:.1f} MB; the limit is "
            f"{MAX_LETTER_MEGABYTES} MB. Save the scan at a lower resolution and choose it again."
        )
    letter.seek(0)
    start = letter.read(5)
    letter.seek(0)
    if start != b"%PDF-":
        raise ValidationError("Choose the letter as a PDF file: this file is not one.")


class ApprovalQuerySet(models.QuerySet):
    def given_by(self, day: datetime.date | None = None):
        """The approvals dated on or before `day` (today): none can approve anything before
        the state gave it."""
        return self.filter(approved_on__lte=day or timezone.localdate())

    def on_record(self, *, material_id: str, approved_on: datetime.date, approving_body: str):
        """The record of this approval, if there is one: the same material ID, date and
        approving body, in any case (one approval has one record)."""
        return self.filter(
            material_id__iexact=material_id.strip(),
            approved_on=approved_on,
            approving_body__iexact=approving_body.strip(),
        ).first()


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
    letter = models.FileField(
        "approval letter",
        upload_to="approvals/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), letter_is_a_pdf],
        help_text=f"The state's letter, as a PDF of at most {MAX_LETTER_MEGABYTES} MB.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ApprovalQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=Q(approved_on__gte=MEDICAID_BEGAN),
                name="faq_approval_approved_on_since_medicaid",
            ),
        ]

    def __str__(self):
        return f"{self.material_id} ({self.approved_on:%m/%d/%Y})"


def not_withdrawn(at, through: str = "") -> Q:
    """Items (entries, numbers, notices) not withdrawn at a moment; `through` names the
    relation to them, as "entry__" from a revision."""
    return Q(**{f"{through}withdrawn_at__isnull": True}) | Q(**{f"{through}withdrawn_at__gt": at})


class ItemQuerySet(models.QuerySet):
    def current(self, at=None):
        """Items not withdrawn at a moment (whether or not anything of them is live)."""
        return self.filter(not_withdrawn(at or timezone.now()))


class RevisionQuerySet(models.QuerySet):
    def of_current_items(self, at):
        """Revisions whose item is not withdrawn at `at`."""
        return self.filter(not_withdrawn(at, f"{self.model.PARENT_FIELD}__"))

    def live(self, at=None):
        """What members see at a moment: per item, the newest approved revision whose go-live
        has passed, unless it has expired or its item was withdrawn."""
        at = at or timezone.now()
        # "Newest" is a test on the row: superseded_at is when a newer approved revision of
        # the same material (the item, or the item in one language) went or goes live. A
        # search can then start from the full-text index with no probe of other revisions
        # (docs/benchmarks.md).
        return (
            self.filter(status=Status.APPROVED, go_live_at__lte=at)
            .exclude(expires_at__lte=at)
            .exclude(superseded_at__lte=at)
            .of_current_items(at)
        )

    def originals(self):
        """Revisions in the language content is written in first (translations left out)."""
        if "language" not in self.model.LIVE_PER:
            return self
        return self.filter(language=settings.LANGUAGE_CODE)


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
    # When a newer approved revision of the same material goes live: kept by database
    # triggers (migration 0011) whoever writes, so that "live" is a test on the row itself.
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RevisionQuerySet.as_manager()

    PARENT_FIELD = ""
    CONTENT_FIELDS: tuple[str, ...] = ()
    # What members see one live revision of: the item, or the item in each language.
    LIVE_PER: tuple[str, ...] = ()

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
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True)
                | Q(status=Status.APPROVED, superseded_at__gte=models.F("go_live_at")),
                name="%(app_label)s_%(class)s_superseded_after_go_live",
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

    def hashed_content(self) -> dict[str, str]:
        """What the content hash covers: the content, unless the revision predates a field."""
        return self.content()

    def compute_hash(self) -> str:
        canonical = json.dumps(self.hashed_content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class EntryQuerySet(ItemQuerySet):
    def with_translation_states(self):
        """Per translation language <code>: <code>_live (a translation members see),
        <code>_outdated (it translates words the original no longer has) and <code>_pending
        (a newer translation in draft or review)."""
        annotations = {}
        for code, _name in translation_languages():
            in_language = EntryRevision.objects.filter(entry=OuterRef("pk"), language=code)
            live = in_language.live().with_live_original()
            annotations[f"{code}_live"] = Exists(live)
            annotations[f"{code}_outdated"] = Exists(
                live.with_translation_state().filter(is_outdated=True)
            )
            annotations[f"{code}_pending"] = Exists(
                in_language.filter(status__in=[Status.DRAFT, Status.SUBMITTED])
            )
        return self.annotate(**annotations)

    def moved_from(self, slug: str, at=None):
        """The question that last had the address `slug`, if it has another now: addresses
        members were given (on paper, in a text message) keep leading to it. At a past
        moment `at`, the one that last had it by then, if it had another then (annotated
        address_then, see addressed_at)."""
        # A question members have never been shown has not taken the address from them.
        shown = EntryRevision.objects.filter(
            entry=OuterRef("entry"),
            status=Status.APPROVED,
            language=settings.LANGUAGE_CODE,
            go_live_at__lte=at or timezone.now(),
        )
        return moved_from(self, EntryPlacementRecord.objects.filter(Exists(shown)), slug, at)

    def addressed_at(self, slug: str, at):
        """The questions whose address at a past moment `at` was `slug` (address_then)."""
        return addressed_at(self, EntryPlacementRecord.objects, slug, at)


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
        indexes = [
            # A topic's questions in order: the related questions beside one are read
            # without sorting the whole topic (docs/benchmarks.md).
            models.Index(fields=["category", "position", "id"], name="faq_entry_topic_order_idx"),
            # A question's page finds it by address, withdrawn or not (the unique index
            # below holds only those not withdrawn).
            models.Index(fields=["slug"], name="faq_entry_slug_idx"),
        ]
        constraints = [
            # Among questions not withdrawn: a withdrawal cannot be undone, and the address
            # printed on member materials must be able to serve a new question.
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(withdrawn_at__isnull=True),
                name="faq_entry_slug_unique_among_current",
                violation_error_message=(
                    "A question with this slug is already on the site. "
                    "Choose another, or withdraw that question first."
                ),
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="faq_entry_slug_not_blank"),
        ]

    def __str__(self):
        latest = self.revisions.originals().order_by("-created_at", "-pk").first()
        return latest.question if latest else self.slug

    def get_absolute_url(self):
        return reverse("faq:entry", kwargs={"slug": self.slug})


class EntryPlacementRecord(PlaceRecord):
    """Where a question was from a moment on: its topic, its address and its place among
    the topic's questions. These change in place, without review, and show at once; one row
    per change, never changed or deleted (database triggers, migration placement_history),
    so that an address members were given still leads to the question, and reviewers can
    tell who moved or renamed what, and when."""

    entry = models.ForeignKey(Entry, models.PROTECT, related_name="placement_records")
    category = models.ForeignKey(Category, models.PROTECT, related_name="+")
    slug = models.SlugField(max_length=120)
    position = models.PositiveIntegerField()

    PARENT_FIELD = "entry"

    class Meta:
        ordering = ["entry", F("shown_at").asc(nulls_first=True), "pk"]
        indexes = [
            # An old address is looked up when no question has it now.
            models.Index(fields=["slug"], name="faq_entryplacement_slug_idx"),
        ]
        constraints = [
            *one_place_a_moment("entry", "entryplacementrecord"),
            models.CheckConstraint(
                condition=~Q(slug=""), name="faq_entryplacementrecord_slug_not_blank"
            ),
        ]

    def __str__(self):
        since = f"from {self.shown_at:%Y-%m-%d %H:%M}" if self.shown_at else "before records"
        return f"/{self.slug}/ in topic #{self.category_id}, position {self.position} ({since})"


# Text-search configurations by content language: stemming and stop words per language.
SEARCH_CONFIGS = {"en": "english", "es": "spanish"}


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language, "simple")


def search_config_of_row(language_field: str = "language") -> Case:
    """The row's own language's configuration (read from `language_field`), each written as
    a constant: a generated column accepts only immutable expressions, and a cast of a
    column's text to regconfig is not."""
    return Case(
        *(
            When(**{language_field: code}, then=SearchConfig(config))
            for code, config in SEARCH_CONFIGS.items()
            if code != settings.LANGUAGE_CODE
        ),
        default=SearchConfig(search_config(settings.LANGUAGE_CODE)),
        output_field=models.TextField(),
    )


class EntryRevisionQuerySet(RevisionQuerySet):
    def with_live_original(self, at=None):
        """Originals, and the translations whose question has a live original at a moment: a
        Spanish answer never outlives the English it was approved beside. (Nor does it go
        live before the words it translates: faq.approvals.revision_approve sees to that.)"""
        original = settings.LANGUAGE_CODE
        originals = self.model._default_manager.live(at).filter(
            language=original, entry=OuterRef("entry")
        )
        return self.filter(Q(language=original) | Exists(originals))

    def shown_in(self, language: str, at=None):
        """What members reading `language` see: per entry, its live revision in that language
        while it has a live original (with_live_original), else its live revision in the
        original language (shown with a note)."""
        at = at or timezone.now()  # one moment for the revision and its translation's test
        live = self.live(at)
        original = settings.LANGUAGE_CODE
        if language == original:
            return live.filter(language=original)
        translated = self.model._default_manager.live(at).filter(
            language=language, entry=OuterRef("entry")
        )
        return live.filter(
            Q(language=language) | Q(language=original) & ~Exists(translated)
        ).with_live_original(at)

    def shown_per_category(self, at=None):
        """(category id, how many questions it shows) pairs, in every language as many as
        shown_in gives: a translation is shown only while its original is live
        (with_live_original), so each language shows the questions with a live original.
        Counted so, with no test for a translation beside each (35 ms became 11.5 ms at
        10,000 questions; docs/benchmarks.md). At a past moment, by the topics they were in
        then (placed_at)."""
        topic = "entry__category_id" if at is None else "placed_category_id"
        return (
            self.live(at)
            .filter(language=settings.LANGUAGE_CODE)
            .placed_at(at)
            .order_by()
            .values(topic)
            .annotate(shown=Count("pk"))
            .values_list(topic, "shown")
        )

    def placed_at(self, at=None):
        """Where each revision's question is, to filter and order by: placed_category_id and
        placed_position. Now (`at` None) they are the question's own columns, as aliases, so
        the SQL is what it would be without them. At a past moment they come from the
        question's place records (EntryPlacementRecord: the one in effect then, else its
        first; none, where it is now), annotated, for show_categories to put each question
        under its topic of then."""
        if at is None:
            return self.alias(
                placed_category_id=F("entry__category_id"), placed_position=F("entry__position")
            )
        said = EntryPlacementRecord.objects.filter(entry=OuterRef("entry_id"))
        said = said.said_at(at, or_earliest=True)
        # Only a question moved since then can have been elsewhere: the records are read for
        # those alone (the archived home page at 10,000 questions took 411 ms reading them
        # for every question in every topic, 46 ms before there were any; docs/benchmarks.md).
        moved_since = Q(
            entry_id__in=EntryPlacementRecord.objects.filter(shown_at__gt=at).values("entry_id")
        )

        def then(field: str, output_field):
            return Case(
                When(
                    moved_since,
                    then=Coalesce(Subquery(said.values(field)[:1]), F(f"entry__{field}")),
                ),
                default=F(f"entry__{field}"),
                output_field=output_field,
            )

        return self.annotate(
            placed_category_id=then("category_id", models.BigIntegerField()),
            placed_position=then("position", models.PositiveIntegerField()),
        )

    def in_topic_order(self, at=None):
        """In the order of the topics and of the questions in each, at `at` (now); after
        placed_at."""
        in_topics = ("placed_position", "entry_id")
        if at is None:
            return self.order_by("entry__category__position", "entry__category__name", *in_topics)
        topic = Category.objects.filter(pk=OuterRef("placed_category_id"))
        return self.alias(
            placed_topic_position=topic_position_at(OuterRef("placed_category_id"), at),
            placed_topic_name=Subquery(topic.values("name")[:1]),
        ).order_by("placed_topic_position", "placed_topic_name", *in_topics)

    def with_translation_state(self, at=None):
        """Translations annotated is_outdated: the original members see now (original_is_live)
        is no longer the words they were translated from (compared by content hash, so
        restoring the same words again does not count as a change). With no original live
        there is nothing to be behind: a new question's translation is not outdated."""
        original_live = self.model._default_manager.live(at).filter(
            language=settings.LANGUAGE_CODE, entry=OuterRef("entry")
        )
        source_live = original_live.filter(content_hash=OuterRef("source_revision__content_hash"))
        return self.annotate(
            original_is_live=Exists(original_live),
            is_outdated=Case(
                When(language=settings.LANGUAGE_CODE, then=Value(False)),
                When(Exists(original_live) & ~Exists(source_live), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def outdated(self, at=None):
        return self.with_translation_state(at).filter(is_outdated=True)


class EntryRevision(Revision):
    entry = models.ForeignKey(Entry, models.PROTECT, related_name="revisions")
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="The language of these words. Each language is approved on its own.",
    )
    source_revision = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name="translated from",
        help_text="For a translation: the original revision these words translate.",
    )
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown: blank lines between paragraphs, “- ” for lists.")
    answer_html = models.TextField(editable=False)
    # Computed by Postgres from the revision's own words, so it never changes once they are
    # saved, with the stemming of the revision's language. The category name is on another
    # table, out of a generated column's reach: faq.search adds it, weighted C, at query time.
    # Phone tokens ([[phone:key]], see faq.tokens) are left out: members read a number there,
    # not "phone" or the key.
    search_vector = models.GeneratedField(
        expression=SearchVector("question", weight="A", config=search_config_of_row())
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
            config=search_config_of_row(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = EntryRevisionQuerySet.as_manager()

    PARENT_FIELD = "entry"
    CONTENT_FIELDS = ("question", "answer")
    LIVE_PER = ("entry", "language")

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
            # Lets live() be answered from the index alone: the home page's count of every
            # topic's questions reads no table row (14 -> 4 ms at 10,000 questions).
            models.Index(
                fields=["entry", "language", "-go_live_at", "-id"],
                include=["expires_at", "superseded_at"],
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
            models.CheckConstraint(
                condition=configured_language(),
                name="faq_entryrevision_language_valid",
            ),
            # A translation says what it translates; an original translates nothing.
            models.CheckConstraint(
                condition=Q(language=settings.LANGUAGE_CODE, source_revision__isnull=True)
                | (~Q(language=settings.LANGUAGE_CODE) & Q(source_revision__isnull=False)),
                name="faq_entryrevision_translation_has_source",
            ),
        ]

    def __str__(self):
        language = "" if self.language == settings.LANGUAGE_CODE else f"{self.language}, "
        return (
            f"{self.question} ({language}{self.get_status_display()}, "
            f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"
        )

    def save(self, *args, **kwargs):
        self.answer_html = render_markdown(self.answer)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.entry.get_absolute_url()

    @property
    def is_translation(self) -> bool:
        return self.language != settings.LANGUAGE_CODE

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

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            # In any case: [[phone:Member-Services]] beside [[phone:member-services]] would
            # be two numbers an editor reads as one.
            models.UniqueConstraint(
                Lower("key"),
                condition=Q(withdrawn_at__isnull=True),
                name="faq_contactnumber_key_unique_among_current",
                violation_error_message=(
                    "A contact number with this key is already on the site. "
                    "Choose another, or withdraw that number first."
                ),
            ),
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


class ContactNumberTranslation(models.Model):
    """A number's label in another language, like a topic's name: a name, not member material
    with its own approval. The number, TTY number and hours stay those of the approved
    revision."""

    contact = models.ForeignKey(ContactNumber, models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, choices=translation_languages)
    label = models.CharField(max_length=120)

    class Meta:
        ordering = ["contact", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "language"], name="faq_contactnumbertranslation_one_per_language"
            ),
            models.CheckConstraint(
                condition=~Q(label=""), name="faq_contactnumbertranslation_label_not_blank"
            ),
            models.CheckConstraint(
                condition=configured_language() & ~Q(language=settings.LANGUAGE_CODE),
                name="faq_contactnumbertranslation_language_valid",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.language})"


class ContactNumberLabelRecord(WordsRecord):
    """What a number's label said in one other language, from a moment on. (The label in
    the original is part of the number's approved revisions.)"""

    contact = models.ForeignKey(ContactNumber, models.PROTECT, related_name="label_records")
    label = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["contact", "language", F("shown_at").asc(nulls_first=True), "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "language", "shown_at"],
                name="faq_contactnumberlabelrecord_one_per_moment",
            ),
            models.UniqueConstraint(
                fields=["contact", "language"],
                condition=Q(shown_at__isnull=True),
                name="faq_contactnumberlabelrecord_one_undated",
            ),
            models.CheckConstraint(
                condition=configured_language() & ~Q(language=settings.LANGUAGE_CODE),
                name="faq_contactnumberlabelrecord_language_valid",
            ),
        ]

    @property
    def words(self) -> str:
        return self.label


class ContactNumberPlaceRecord(PlaceRecord):
    """Where a number was listed from a moment on: the heading of the contact page it was
    under (its purpose) and its place in the order of numbers. These change in place,
    without review, as a question's place does (EntryPlacementRecord)."""

    contact = models.ForeignKey(ContactNumber, models.PROTECT, related_name="place_records")
    purpose = models.CharField(max_length=20, choices=ContactPurpose)
    position = models.PositiveIntegerField()

    PARENT_FIELD = "contact"

    class Meta:
        ordering = ["contact", F("shown_at").asc(nulls_first=True), "pk"]
        constraints = [
            *one_place_a_moment("contact", "contactnumberplacerecord"),
            models.CheckConstraint(
                condition=Q(purpose__in=ContactPurpose.values),
                name="faq_contactnumberplacerecord_purpose_valid",
            ),
        ]

    def __str__(self):
        since = f"from {self.shown_at:%Y-%m-%d %H:%M}" if self.shown_at else "before records"
        return f"{self.get_purpose_display()}, position {self.position} ({since})"


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
    LIVE_PER = ("contact",)

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


class NoticeKind(models.TextChoices):
    NONDISCRIMINATION = "nondiscrimination", "Notice of nondiscrimination"
    TAGLINE = "tagline", "Tagline (free language help)"


class Direction(models.TextChoices):
    LTR = "ltr", "Left to right"
    RTL = "rtl", "Right to left (Arabic, Persian, Urdu, Hebrew …)"


LANGUAGE_TAG_ERROR = (
    "Give the language as a BCP 47 code: two or three letters, then any script or region "
    "after a hyphen, e.g. es, zh-Hant, pt-BR."
)


class Notice(models.Model):
    """The language assistance page's material: the notice of nondiscrimination in each
    language, and one tagline per language the plan lists (Section 1557, 42 CFR 438.10).
    Each is written in its own language; its words and their script's direction live in
    approved revisions."""

    kind = models.CharField(max_length=20, choices=NoticeKind)
    language = models.CharField(
        max_length=15, help_text="Its language as a BCP 47 code, e.g. es, zh-Hant, ar."
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "position", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=Q(withdrawn_at__isnull=True),
                name="faq_notice_one_current_per_kind_and_language",
                violation_error_message=(
                    "A notice of this kind in this language already exists. "
                    "Edit it, or withdraw it first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values), name="faq_notice_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__regex=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
                name="faq_notice_language_tag",
                violation_error_message=LANGUAGE_TAG_ERROR,
            ),
        ]

    def __str__(self):
        latest = self.revisions.order_by("-created_at", "-pk").first()
        title = latest.title if latest else self.get_kind_display()
        return f"{title} ({self.language})"

    def get_absolute_url(self):
        return reverse("faq:language_assistance") + f"#{self.kind}-{self.language}"

    @property
    def is_required(self) -> bool:
        """The notice of nondiscrimination in the original language: Section 1557 requires
        it on the page, and every language without its own notice shows it."""
        return self.kind == NoticeKind.NONDISCRIMINATION and self.language == settings.LANGUAGE_CODE


class NoticeRevision(Revision):
    notice = models.ForeignKey(Notice, models.PROTECT, related_name="revisions")
    title = models.CharField(
        max_length=200,
        help_text="For a tagline, the language's own name for itself, e.g. Español, 中文.",
    )
    body = models.TextField(
        help_text="Markdown. Name numbers as [[phone:member-services]], never their digits."
    )
    body_html = models.TextField(editable=False)
    direction = models.CharField(
        "script direction", max_length=3, choices=Direction, default=Direction.LTR
    )
    # False only on versions saved before the direction was part of a version (migration
    # 0018): their stored hash covers their title and body, as it did when they were reviewed.
    is_direction_hashed = models.BooleanField(default=True, editable=False)

    PARENT_FIELD = "notice"
    CONTENT_FIELDS = ("title", "body", "direction")
    LIVE_PER = ("notice",)

    class Meta(Revision.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = "notice revision"
        permissions = [("review_noticerevision", "Can approve or reject notice revisions")]
        constraints = [
            *Revision.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(title=""), name="faq_noticerevision_title_not_blank"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="faq_noticerevision_body_not_blank"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values),
                name="faq_noticerevision_direction_valid",
            ),
        ]

    def __str__(self):
        written = timezone.localtime(self.created_at)
        return f"{self.title} ({self.get_status_display()}, {written:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.notice.get_absolute_url()

    @property
    def answer_html(self) -> str:
        """Named as faq.tokens expects: the body's numbers are written in as in answers."""
        return self.body_html

    def hashed_content(self) -> dict[str, str]:
        content = super().hashed_content()
        if not self.is_direction_hashed:
            del content["direction"]
        return content

    @property
    def language(self) -> str:
        return self.notice.language


class AuditEventQuerySet(models.QuerySet):
    def happened(self, now=None):
        """The events that have happened by `now`. A version's publication and expiry are
        recorded when it is approved, stamped with the moments they take effect: one whose
        moment has not come is left out, and so is one that never came, because a newer
        version replaced the version or its item was withdrawn first."""
        now = now or timezone.now()

        # Replaced or withdrawn at the moment it would go live: never shown. At the moment
        # it expires (a plan year's words ending as the next year's begin): it did expire.
        def ended_before(lookup: str) -> Q:
            ended = Q()
            for subject in ("entry_revision", "contact_revision", "notice_revision"):
                item = AuditEvent._meta.get_field(subject).related_model.PARENT_FIELD
                ended |= Q(**{f"{subject}__superseded_at__{lookup}": F("at")})
                ended |= Q(**{f"{subject}__{item}__withdrawn_at__{lookup}": F("at")})
            return ended

        return self.filter(at__lte=now).exclude(
            Q(action=Action.PUBLISHED) & ended_before("lte")
            | Q(action=Action.EXPIRED) & ended_before("lt")
        )


class AuditEvent(models.Model):
    """An append-only record of one transition of one revision."""

    action = models.CharField(max_length=20, choices=Action)
    entry_revision = models.ForeignKey(
        EntryRevision, models.PROTECT, null=True, blank=True, related_name="events"
    )
    contact_revision = models.ForeignKey(
        ContactNumberRevision, models.PROTECT, null=True, blank=True, related_name="events"
    )
    notice_revision = models.ForeignKey(
        NoticeRevision, models.PROTECT, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=Action.values), name="faq_auditevent_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    entry_revision__isnull=False,
                    contact_revision__isnull=True,
                    notice_revision__isnull=True,
                )
                | Q(
                    entry_revision__isnull=True,
                    contact_revision__isnull=False,
                    notice_revision__isnull=True,
                )
                | Q(
                    entry_revision__isnull=True,
                    contact_revision__isnull=True,
                    notice_revision__isnull=False,
                ),
                name="faq_auditevent_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.subject} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def subject(self):
        return self.entry_revision or self.contact_revision or self.notice_revision


# Search looks for every equivalent whenever a member types the term (faq.search).
MAX_SYNONYM_EQUIVALENTS = 50
SYNONYM_MAX_LENGTH = 100  # characters of a term or an equivalent


def search_words(text: str) -> list[str]:
    """The words of a query or a synonym, lowercased: how both are compared."""
    return re.findall(r"\w+", text.lower())


class SearchSynonym(models.Model):
    """What members type, and the words the content uses for it: editors keep these."""

    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="Applies to searches from pages in this language.",
    )
    term = models.CharField(
        max_length=SYNONYM_MAX_LENGTH, help_text="What members type, e.g. “er” or “mental health”."
    )
    equivalents = ArrayField(
        models.CharField(max_length=SYNONYM_MAX_LENGTH),
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
        ordering = ["language", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "term"], name="faq_searchsynonym_term_unique"
            ),
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
        return f"{self.term} {arrow} {', '.join(self.equivalents)} ({self.language})"

    def clean(self):
        self.term = " ".join(search_words(self.term or ""))
        if not self.term:
            raise ValidationError({"term": "Type a word or a phrase members search for."})
        equivalents = [" ".join(search_words(e)) for e in self.equivalents or []]
        self.equivalents = [e for e in dict.fromkeys(equivalents) if e and e != self.term]
        if not self.equivalents:
            raise ValidationError({"equivalents": "Give at least one other word or phrase."})
        # Lowercased, a word can grow ("İ" is two characters then) past what the form allowed.
        for name, longest in [("term", self.term), ("equivalents", max(self.equivalents, key=len))]:
            if len(longest) > SYNONYM_MAX_LENGTH:
                raise ValidationError(
                    {
                        name: f"At most {SYNONYM_MAX_LENGTH} characters, as search compares "
                        f"them (lowercased): these are {len(longest)}."
                    }
                )
        if len(self.equivalents) > MAX_SYNONYM_EQUIVALENTS:
            raise ValidationError(
                {
                    "equivalents": f"Give at most {MAX_SYNONYM_EQUIVALENTS} equivalents (these "
                    f"are {len(self.equivalents)}): search looks for every one of them each "
                    "time a member types the term, so a longer list slows every such search "
                    "down. Keep the words the questions and answers use."
                }
            )


class SearchWord(models.Model):
    """A word that approved questions and answers or editors' synonyms use: members'
    misspellings are matched against these, and a correction is shown to them ("Also
    searched for"), so no draft's word may be here.

    Database triggers add the words of every revision saved or made approved (migrations
    0005_search, 0019) and of every synonym saved (0016), whatever saved them. A word here
    never makes anything findable: results only come from live content.
    """

    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    word = models.CharField(max_length=40)

    class Meta:
        ordering = ["language", "word"]
        constraints = [
            models.UniqueConstraint(fields=["language", "word"], name="faq_searchword_word_unique"),
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
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="The language of the page searched from.",
    )
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
            models.UniqueConstraint(
                fields=["day", "language", "query"], name="faq_searchlog_day_language_query_unique"
            ),
            models.CheckConstraint(
                condition=configured_language(),
                name="faq_searchlog_language_valid",
            ),
            models.CheckConstraint(condition=~Q(query=""), name="faq_searchlog_query_not_blank"),
            models.CheckConstraint(
                condition=Q(zero_result_searches__lte=models.F("searches")),
                name="faq_searchlog_zero_results_counted",
            ),
        ]

    def __str__(self):
        return f"“{self.query}” ({self.language}) on {self.day:%m/%d/%Y}: {self.searches}"
