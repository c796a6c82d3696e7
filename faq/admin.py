import datetime
from contextlib import contextmanager
from pathlib import PurePath
from urllib.parse import parse_qsl, urlencode, urlsplit

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Func, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Concat
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from psycopg.errors import UniqueViolation

from faq.approvals import (
    approval_record,
    approvals_locked,
    item_withdraw,
    local_moment,
    one_version_each_check,
    own_go_live,
    own_part,
    revision_approve,
    revision_create,
    revision_named,
    revision_reject,
    revision_restore,
    revision_submit,
    same_material,
    scheduled_to_replace,
    translation_relink,
    withdraw_check,
    withdrawn_warning,
)
from faq.cache import public_content_changed
from faq.contacts import live_contacts
from faq.diffs import revision_diff
from faq.forms import (
    ApprovalAdminForm,
    AsOfForm,
    CategoryAdminForm,
    CategoryTranslationForm,
    ContactNumberAdminForm,
    ContactNumberTranslationForm,
    EntryAdminForm,
    NoticeAdminForm,
    ReviewForm,
    SearchPeriodForm,
    SearchSynonymAdminForm,
    SearchTryForm,
    clock_change_message,
    past_moment,
    revision_text_check,
)
from faq.models import (
    Action,
    Approval,
    AuditEvent,
    Category,
    CategoryAddressRecord,
    CategoryTranslation,
    ContactNumber,
    ContactNumberPlaceRecord,
    ContactNumberRevision,
    ContactNumberTranslation,
    Direction,
    Entry,
    EntryPlacementRecord,
    EntryRevision,
    Notice,
    NoticeRevision,
    SearchLog,
    SearchSynonym,
    Status,
    last_to_hold,
    translation_languages,
)
from faq.names import (
    category_text_record,
    contact_labels_record,
    placement_history_begin,
    placement_record,
)
from faq.readability import LONG_SENTENCE_WORDS, ReadingLevel, revision_reading_level
from faq.reports import audit_log_csv, compliance_report, compliance_report_csv
from faq.search import (
    MAX_RESULTS,
    search_clean,
    search_log_csv,
    search_log_totals,
    search_log_zero_result_totals,
    search_terms,
)
from faq.tokens import answers_using, expand_phone_tokens, notices_using, phone_token, use_state
from faq.views import search_found


def staff_name(user) -> str:
    """Who did something, as plain text: the users' admin is for administrators only."""
    return str(user) if user else "system"


def in_language(text: str, language: str, direction: str = ""):
    """Words in another language than the admin's, marked so that a screen reader reads them
    in that language (WCAG 3.1.2), and in their script's direction."""
    if not language or language == settings.LANGUAGE_CODE:
        return text
    if direction:
        return format_html('<span lang="{}" dir="{}">{}</span>', language, direction, text)
    return format_html('<span lang="{}">{}</span>', language, text)


class CategoryTranslationInline(admin.StackedInline):
    model = CategoryTranslation
    form = CategoryTranslationForm
    extra = 1
    max_num = len(translation_languages())
    fields = ["language", "name", "description", "base_item"]
    verbose_name = (
        "name in another language (members reading it see it as soon as you save, without "
        "review: it is a name, not member material)"
    )
    verbose_name_plural = (
        "names in other languages (members reading them see these as soon as you save, "
        "without review: they are names, not member material)"
    )


class ContactNumberTranslationInline(admin.StackedInline):
    model = ContactNumberTranslation
    form = ContactNumberTranslationForm
    extra = 1
    max_num = len(translation_languages())
    fields = ["language", "label", "base_item"]
    verbose_name = (
        "label in another language (members reading it see it as soon as you save, without "
        "review; the number and hours stay those of the approved version)"
    )
    verbose_name_plural = (
        "labels in other languages (members reading them see these as soon as you save, "
        "without review; the number and hours stay those of the approved version)"
    )


class FiltersChecked(ChangeList):
    """Django's change list, which takes a filter it cannot apply for a mistyped address
    (the admin's "?e=1"), including those Django leaves to fail as the page is built: a NUL
    character, which PostgreSQL keeps in no text, and a date's part too large for a number."""

    def get_filters(self, request):
        values = self.get_filters_params().values()
        if any("\x00" in value for listed in values for value in listed):
            raise IncorrectLookupParameters("A filter's value holds a NUL character.")
        try:
            return super().get_filters(request)
        except OverflowError as error:  # ?at__year=99999999999999999999
            raise IncorrectLookupParameters(error) from error


class RequestsChecked(admin.ModelAdmin):
    """Every help center admin: an address edited by hand gets the admin's answer to a
    mistyped one, never a server error."""

    def get_changelist(self, request, **kwargs):
        return FiltersChecked

    def response_action(self, request, queryset):
        # The list's boxes name items by id; Django filters by whatever was posted.
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                self.opts.pk.to_python(value)
        except ValidationError:
            self.message_user(
                request,
                "The selection could not be read, so nothing was done. Select the items again.",
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


class SavedOnceChecked(RequestsChecked):
    """A form checks that an address, key or language is free before it saves. Another
    editor can take it between the check and the save; the database then refuses the save,
    and the form, checked again, says why and keeps what the editor typed."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            if not isinstance(error.__cause__, UniqueViolation):
                raise
            return super().changeform_view(request, object_id, form_url, extra_context)


class PlaceRecorded:
    """The admin of items whose place is recorded (faq.names.PLACEMENTS): each save records
    it, and an editor who gives one an address another had before is told whose it was."""

    kind = ""  # as editors call the item
    place_records = None  # the model recording its place

    def save_model(self, request, obj, form, change):
        if change:  # an item made without a record keeps its address of before
            placement_history_begin(kind=obj._meta.model_name, ids=[obj.pk])
        super().save_model(request, obj, form, change)
        placement_record(item=obj, by=request.user)
        if "slug" not in form.changed_data:
            return
        # Whose address it was last, as an old address finds it (last_to_hold), but this item.
        others = self.place_records.objects.exclude(**{self.place_records.PARENT_FIELD: obj})
        earlier = type(obj).objects.filter(pk=Subquery(last_to_hold(others, obj.slug))).first()
        if earlier is not None:
            messages.warning(
                request,
                f"{obj.get_absolute_url()} was the address of the {self.kind} “{earlier}” "
                f"before. Members who follow it {self.reach(obj)}, not that {self.kind}.",
            )

    def reach(self, obj) -> str:
        """What members who follow the address reach from now on."""
        return f"now reach this {self.kind}"


def places_table(obj, kind: str, records, columns: dict, caption: str, *, intro: str = "") -> str:
    """An item's place records (EntryPlacementRecord, CategoryAddressRecord,
    ContactNumberPlaceRecord), the newest first, with `columns` (heading: the value of a
    record) between when and by whom, after `intro` (else what its earlier addresses do);
    the table is named by `caption` for screen readers (its field's label is tied to nothing)."""
    if not obj.pk:
        return "—"
    records = records.select_related("recorded_by").order_by(
        F("shown_at").desc(nulls_last=True), "-pk"
    )

    def cells(values, tag: str) -> str:
        return format_html_join("", f"<{tag}>{{}}</{tag}>", ((value,) for value in values))

    rows = (
        [
            local_moment(r.shown_at) if r.shown_at else "Before this history began",
            *(column(r) for column in columns.values()),
            r.recorded_by or "system",
        ]
        for r in records
    )
    headings = cells(["From", *columns, "By"], "th")
    rows = format_html_join("", "<tr>{}</tr>", ((cells(row, "td"),) for row in rows))
    intro = intro or (
        f"Members who follow an earlier address are sent to this {kind}'s address of now, "
        f"unless another {kind} has had it since."
    )
    return format_html(
        '<p>{}</p><table><caption class="visually-hidden">{}</caption>'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
        intro,
        caption,
        headings,
        rows,
    )


@admin.register(Category)
class CategoryAdmin(PlaceRecorded, SavedOnceChecked):
    kind = "topic"
    place_records = CategoryAddressRecord
    form = CategoryAdminForm
    inlines = [CategoryTranslationInline]
    list_display = ["name", "slug", "position", "description"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    ordering = ["position", "name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["address_history"]

    @admin.display(description="Address and order history")
    def address_history(self, obj):
        return places_table(
            obj,
            "topic",
            obj.pk and obj.address_records,
            {
                "Address": lambda r: reverse("faq:category", kwargs={"slug": r.slug}),
                "Position": lambda r: r.position,
            },
            "Addresses and positions of this topic, newest first",
        )

    def get_changelist_form(self, request, **kwargs):
        # The list's position boxes have no <label>; each sits in its topic's row.
        widget = forms.NumberInput(attrs={"aria-label": "Position"})
        return super().get_changelist_form(request, widgets={"position": widget}, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_content_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The name, description and translations as saved (list_editable saves come here
        # too): archived views read them from this history.
        category_text_record(category=form.instance, by=request.user)
        public_content_changed()  # a translated name shows on public pages at once


def translation_go_live(revision) -> datetime.datetime | None:
    """When a translation waiting for review would go live with the original it translates,
    if that is later than its own go-live: revision_approve holds it back until then."""
    source = getattr(revision, "source_revision", None)
    if source is None or source.status != Status.APPROVED or revision.status != Status.SUBMITTED:
        return None
    return source.go_live_at if source.go_live_at > own_go_live(revision, timezone.now()) else None


def long_sentences_html(level: ReadingLevel | None, language: str):
    """The sentences that most raise a reading grade, for the editor to split."""
    if not level or not level.long_sentences:
        return ""
    return format_html(
        "<p>Sentences of more than {} words:</p><ul{}>{}</ul>",
        LONG_SENTENCE_WORDS,
        format_html(' lang="{}"', language) if language != settings.LANGUAGE_CODE else "",
        format_html_join("", "<li>{}</li>", ((s,) for s in level.long_sentences)),
    )


class RevisedContentAdmin(SavedOnceChecked):
    """Entries and contact numbers: editing saves a new draft revision, never the live words."""

    change_form_template = "admin/faq/revised_content_change_form.html"
    readonly_fields = ["members_see", "revision_history"]
    actions = ["withdraw_selected"]
    revision_model = EntryRevision

    def get_queryset(self, request):
        newest = (
            self.revision_model.objects.originals()
            .filter(**{self.revision_model.PARENT_FIELD: OuterRef("pk")})
            .order_by("-created_at", "-pk")
        )
        live = (
            self.revision_model.objects.live()
            .originals()
            .filter(**{self.revision_model.PARENT_FIELD: OuterRef("pk")})
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                newest_title=Subquery(newest.values(self.title_field)[:1]),
                newest_status=Subquery(newest.values("status")[:1]),
                live_since=Subquery(live.values("go_live_at")[:1]),
            )
        )

    @admin.display(description="Latest version", ordering="newest_status")
    def latest_status(self, obj):
        return Status(obj.newest_status).label if obj.newest_status else "—"

    @admin.display(description="Members see", ordering="live_since")
    def live_state(self, obj):
        if obj.withdrawn_at:
            return f"Withdrawn {local_moment(obj.withdrawn_at)}"
        if obj.live_since:
            return f"Live since {local_moment(obj.live_since)}"
        return "Nothing yet"

    @admin.display(description="Members see now")
    def members_see(self, obj):
        live = (
            obj.revisions.live().originals().select_related("approval").first() if obj.pk else None
        )
        if obj.pk and obj.withdrawn_at:
            return format_html("<strong>Nothing.</strong> {}", withdrawn_warning(obj))
        if live is None:
            return "Nothing: no version of this is live."
        return format_html(
            "{}<br><small>Live since {} · approved under {}</small>",
            self.preview(live),
            local_moment(live.go_live_at),
            live.approval,
        )

    @admin.display(description="History")
    def revision_history(self, obj):
        if not obj.pk:
            return "—"
        revisions = obj.revisions.select_related("created_by", "approval").order_by(
            "-created_at", "-pk"
        )
        info = self.revision_model._meta
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">#{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse(f"admin:{info.app_label}_{info.model_name}_change", args=[r.pk]),
                    r.pk,
                    r.get_status_display()
                    + (f" ({r.get_language_display()})" if getattr(r, "is_translation", 0) else ""),
                    r.created_by or "system",
                    local_moment(r.created_at),
                    r.review_comment or (r.approval or ""),
                )
                for r in revisions
            ),
        )
        return format_html(
            '<table><caption class="visually-hidden">Every version of this {}, newest first'
            "</caption><thead><tr><th>Version</th><th>Status</th><th>By</th><th>Saved</th>"
            "<th>Review</th></tr></thead><tbody>{}</tbody></table>",
            self.opts.verbose_name,
            rows,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # retiring content withdraws it; compliance keeps every record

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The form tells a second click on Save from another editor's newer version.
        return type(form.__name__, (form,), {"editor": request.user})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        public_content_changed()  # a translated label shows on public pages at once

    def save_model(self, request, obj, form, change):
        obj.save()
        public_content_changed()  # a new slug, order or category shows on public pages at once
        if form.content_changed():
            form.latest = revision_create(
                model=self.revision_model,
                parent=obj,
                by=request.user,
                **form.revision_content(),
                **form.schedule(),
            )
            messages.info(request, f"Saved as a new draft. {self.members_meanwhile(obj)}")
            request.saved_as_draft = True
            self.draft_saved(request, form.latest)
        newest = [form.latest, *self.save_translations(request, obj, form)]
        if "_submit" in request.POST:
            self.submit_drafts(request, newest)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Django's "was changed successfully" beside "Saved as a new draft" reads as if
        # members saw the change: the draft's own message says what happened.
        if level == messages.SUCCESS and getattr(request, "saved_as_draft", False):
            return
        super().message_user(request, message, level, *args, **kwargs)

    def draft_saved(self, request, draft) -> None:
        """What the editor should know of the draft just saved."""

    def members_meanwhile(self, obj) -> str:
        """What members see while a new draft waits, in words true to this item."""
        kind = obj._meta.verbose_name
        if obj.withdrawn_at:
            return f"This {kind} is withdrawn: members will not see it."
        if obj.revisions.live().originals().exists():
            return "Members keep seeing the approved version until this one is approved."
        return f"Members see nothing of this {kind} until a version of it is approved."

    def submit_drafts(self, request, newest: list) -> None:
        """Submit each of the newest versions (the original, each translation) that is a
        draft or rejected, saying which were sent and which were not."""
        sent = 0
        for draft in newest:
            if draft.status not in (Status.DRAFT, Status.REJECTED):
                continue
            which = (
                f"The {draft.get_language_display()} version"
                if isinstance(draft, EntryRevision)
                else "This version"
            )
            try:
                revision_submit(revision=draft, by=request.user)
            except ValidationError as error:  # the draft is saved; say why it was not sent
                messages.error(request, f"{which} was not submitted: {' '.join(error.messages)}")
            else:
                sent += 1
                messages.info(request, f"{which} was submitted for review.")
        if not sent and not any(d.status in (Status.DRAFT, Status.REJECTED) for d in newest):
            messages.warning(
                request,
                "Nothing was submitted: no version is a draft or rejected (each is already "
                "submitted or approved).",
            )

    def save_translations(self, request, obj, form) -> list:
        """Save changed translations as drafts; return each language's newest translation."""
        return []

    @admin.action(
        description="Withdraw selected (members stop seeing them)", permissions=["change"]
    )
    def withdraw_selected(self, request, queryset):
        current = list(queryset.filter(withdrawn_at__isnull=True))
        if not current:
            self.message_user(request, "Those were withdrawn already.", messages.WARNING)
            return None
        # As Django's delete action: members lose these at once, so the editor sees first
        # what they read now, and what cannot be withdrawn and why.
        if request.POST.get("post") != "yes":
            items, refused = [], []
            for item in current:
                try:
                    withdraw_check(item=item)
                except ValidationError as error:
                    refused.append((item, " ".join(error.messages)))
                else:
                    items.append((item, self.live_state(item)))
            context = {
                **self.admin_site.each_context(request),
                "title": (
                    f"Withdraw {len(items)} from members?"
                    if items
                    else "None of these can be withdrawn"
                ),
                "opts": self.model._meta,
                "items": items,
                "refused": refused,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/faq/withdraw_confirmation.html", context)
        withdrawn = 0
        for item in current:
            try:
                item_withdraw(item=item, by=request.user, comment="Withdrawn from the admin.")
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            withdrawn += 1
        self.message_user(request, f"Withdrew {withdrawn}. Their records are kept.")


def translation_state_label(entry, language: str) -> str:
    """One translation's state from Entry.objects.with_translation_states(), for editors."""
    if getattr(entry, f"{language}_outdated"):
        state = "outdated"
    elif getattr(entry, f"{language}_live"):
        state = "up to date"
    else:
        state = "not translated"
    if getattr(entry, f"{language}_pending"):
        state += ", new version in draft or review"
    return state


def translation_state_html(entry, language: str):
    """What members reading `language` see of this question, and whether it is outdated."""
    live = (
        entry.revisions.live()
        .filter(language=language)
        .with_translation_state()
        .select_related("approval", "source_revision")
        .first()
    )
    if live is None:
        return (
            "Members reading this language see the original, with a note that it is not "
            "translated yet."
        )
    text = format_html(
        "Members reading this language see version #{} (approved under {}), which translates "
        "version #{} of the original.",
        live.pk,
        live.approval,
        live.source_revision_id,
    )
    if live.is_outdated:
        original = entry.revisions.live().originals().first()
        compare = reverse("admin:faq_entryrevision_change", args=[live.source_revision_id])
        text = format_html(
            '<strong class="errornote">Outdated:</strong> the original members see now (#{}) '
            'is not the text this translates. {} <a href="{}">See what it translated</a>, '
            "then update the translation below and submit it for review.",
            original.pk if original else "—",
            text,
            compare,
        )
    return text


class TranslationFilter(admin.SimpleListFilter):
    title = "translation"
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            (f"{code}:{state}", f"{name}: {state}")
            for code, name in translation_languages()
            for state in ("outdated", "not translated")
        ]

    def queryset(self, request, queryset):
        code, _, state = (self.value() or "").partition(":")
        if code not in dict(translation_languages()):
            return queryset
        if state == "outdated":
            return queryset.filter(**{f"{code}_outdated": True})
        if state == "not translated":
            return queryset.filter(**{f"{code}_live": False})
        return queryset


@admin.register(Entry)
class EntryAdmin(PlaceRecorded, RevisedContentAdmin):
    kind = "question"
    place_records = EntryPlacementRecord
    form = EntryAdminForm
    revision_model = EntryRevision
    title_field = "question"
    list_display = [
        "title", "category", "live_state", "latest_status", "translation_states", "updated_at"
    ]  # fmt: skip
    list_filter = ["category", TranslationFilter, ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["slug", "revisions__question", "revisions__answer"]
    ordering = ["category__position", "position"]
    list_select_related = ["category"]
    readonly_fields = [*RevisedContentAdmin.readonly_fields, "reading_levels", "placement_history"]

    def get_fieldsets(self, request, obj=None):
        translations = [
            (
                f"{name} version",
                {
                    "fields": [f"question_{code}", f"answer_{code}", f"base_revision_{code}"],
                    "description": translation_state_html(obj, code) if obj else "",
                },
            )
            for code, name in translation_languages()
        ]
        return [
            (
                None,
                {
                    "fields": [
                        "question",
                        "answer",
                        "reading_levels",
                        "category",
                        "slug",
                        "position",
                    ]
                },
            ),
            *translations,
            ("Schedule (for this version)", {"fields": ["go_live_at", "expires_at"]}),
            (
                None,
                {
                    "fields": [
                        "base_revision",
                        "base_item",
                        "members_see",
                        "revision_history",
                        "placement_history",
                    ]
                },
            ),
        ]

    @admin.display(description="Reading level")
    def reading_levels(self, obj):
        newest = {}
        for revision in obj.revisions.order_by("-created_at", "-pk") if obj.pk else ():
            newest.setdefault(revision.language, revision)
        if not newest:
            return "Shown once a version is saved."
        names = dict(settings.LANGUAGES)
        return format_html_join(
            "",
            "<p>{} (version #{}, {}): {}</p>{}",
            (
                (
                    names[language],
                    revision.pk,
                    revision.get_status_display().lower(),
                    level or "no words",
                    long_sentences_html(level, language),
                )
                for language, revision in sorted(newest.items(), key=lambda item: item[0] != "en")
                for level in [revision_reading_level(revision)]
            ),
        )

    def draft_saved(self, request, draft) -> None:
        level = revision_reading_level(draft)
        if level and level.is_above_target:
            messages.warning(
                request,
                f"The {draft.get_language_display()} version reads at {level}. Shorter "
                "sentences and shorter words make it easier to read.",
            )

    def reach(self, obj) -> str:
        if obj.revisions.live().originals().exists():
            return super().reach(obj)
        return "reach this question once a version of it is approved"

    @admin.display(description="Topic and address history")
    def placement_history(self, obj):
        return places_table(
            obj,
            "question",
            obj.pk and obj.placement_records.select_related("category"),
            {
                "Topic": lambda r: r.category.name,
                "Address": lambda r: reverse("faq:entry", kwargs={"slug": r.slug}),
                "Position": lambda r: r.position,
            },
            "Topics and addresses of this question, newest first",
        )

    def get_queryset(self, request):
        return super().get_queryset(request).with_translation_states()

    @admin.display(description="Question", ordering="newest_title")
    def title(self, obj):
        return obj.newest_title or obj.slug

    @admin.display(description="Translations")
    def translation_states(self, obj):
        return ", ".join(
            f"{name}: {translation_state_label(obj, code)}"
            for code, name in translation_languages()
        )

    def save_translations(self, request, obj, form):
        newest = {code: revision for code, revision in form.translations.items() if revision}
        changed = form.changed_translations()
        names = dict(translation_languages())
        for language, words in changed.items():
            newest[language] = revision_create(
                model=EntryRevision,
                parent=obj,
                by=request.user,
                language=language,
                source_revision=form.latest,
                **words,
            )
            messages.info(
                request,
                f"Saved the {names[language]} version as a new draft, "
                f"translating version #{form.latest.pk} of the original.",
            )
            request.saved_as_draft = True
            self.draft_saved(request, newest[language])
        # A translation's draft of an original draft replaced since (never to be approved)
        # translates the newest original from now on, with its words and their author.
        for language, draft in list(newest.items()):
            source = draft.source_revision
            if (
                language not in changed
                and draft.status in (Status.DRAFT, Status.REJECTED)
                and source.status != Status.APPROVED
                and source != form.latest
            ):
                newest[language] = translation_relink(
                    translation=draft, source=form.latest, by=request.user
                )
                messages.info(
                    request,
                    f"The {names[language]} version #{draft.pk} now translates version "
                    f"#{form.latest.pk} of the original, as a new draft with the same words, "
                    f"still credited to {draft.created_by or 'system'}, who wrote them.",
                )
                request.saved_as_draft = True
        return list(newest.values())

    def preview(self, revision):
        # As members read it: the tokens become today's numbers.
        answer = expand_phone_tokens(revision.answer_html, live_contacts())
        return format_html("<strong>{}</strong>{}", revision.question, answer)


@admin.register(ContactNumber)
class ContactNumberAdmin(PlaceRecorded, RevisedContentAdmin):
    kind = "number"
    place_records = ContactNumberPlaceRecord
    form = ContactNumberAdminForm
    inlines = [ContactNumberTranslationInline]
    revision_model = ContactNumberRevision
    title_field = "label"
    list_display = ["title", "key", "purpose", "live_state", "latest_status", "uses", "position"]
    list_filter = ["purpose", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "revisions__label", "revisions__number"]
    ordering = ["position", "key"]
    readonly_fields = [*RevisedContentAdmin.readonly_fields, "used_in", "place_history"]
    fieldsets = [
        (
            None,
            {"fields": ["label", "number", "tty_number", "hours", "key", "purpose", "position"]},
        ),
        ("Schedule (for this version)", {"fields": ["go_live_at", "expires_at"]}),
        (
            None,
            {
                "fields": [
                    "used_in",
                    "base_revision",
                    "base_item",
                    "members_see",
                    "revision_history",
                    "place_history",
                ]
            },
        ),
    ]

    @admin.display(description="Heading and order history")
    def place_history(self, obj):
        return places_table(
            obj,
            "number",
            obj.pk and obj.place_records,
            {"Listed under": lambda r: r.get_purpose_display(), "Position": lambda r: r.position},
            "Headings and positions of this number, newest first",
            intro="Where the contact page listed this number: under which heading, in which "
            "place. Past versions of pages list it as it was then.",
        )

    def get_queryset(self, request):
        token = Concat(Value("[[phone:"), OuterRef("key"), Value("]]"))

        def live_count(model, text_field):
            live = model.objects.live()
            if model is EntryRevision:  # as faq.tokens.answers_using counts them
                live = live.with_live_original()
            return Subquery(
                live.filter(**{f"{text_field}__contains": token})
                .order_by()
                .annotate(count=Func("pk", function="COUNT"))
                .values("count")
            )

        return (
            super()
            .get_queryset(request)
            .annotate(
                live_uses=live_count(EntryRevision, "answer") + live_count(NoticeRevision, "body")
            )
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        contact_labels_record(contact=form.instance, by=request.user)

    @admin.display(description="Label", ordering="newest_title")
    def title(self, obj):
        return obj.newest_title or obj.key

    @admin.display(description="Used in live answers and notices", ordering="live_uses")
    def uses(self, obj):
        # A token names the number not withdrawn with its key: once withdrawn, its key's
        # uses are another number's.
        return "—" if obj.withdrawn_at else obj.live_uses

    @admin.display(description="Used in")
    def used_in(self, obj):
        if not obj.pk:
            return "—"
        if obj.withdrawn_at:
            return (
                f"Nothing: it is withdrawn. Answers and notices that write {phone_token(obj.key)} "
                "show the number not withdrawn with that key, if there is one."
            )
        uses = [
            (
                reverse("admin:faq_entry_change", args=[r.entry_id]),
                in_language(r.question, r.language),
                use_state(r),
            )
            for r in answers_using(obj.key)
        ] + [
            (
                reverse("admin:faq_notice_change", args=[r.notice_id]),
                in_language(r.title, r.notice.language, r.direction),
                use_state(r),
            )
            for r in notices_using(obj.key).select_related("notice")
        ]
        if not uses:
            return f"No live or pending answer uses {phone_token(obj.key)}. No notice does either."
        return format_html(
            "<p>Answers and notices that name {}; while they do, it cannot be withdrawn.</p>"
            "<ul>{}</ul>",
            phone_token(obj.key),
            format_html_join("", '<li><a href="{}">{}</a> ({})</li>', uses),
        )

    def preview(self, revision):
        return format_html(
            "{}: {}{}",
            revision.label,
            revision.number_display,
            f" (TTY {revision.tty_display})" if revision.tty_number else "",
        )


class LiveDirectionFilter(admin.SimpleListFilter):
    """Notices by the script direction members read them in now (their live version's)."""

    title = "direction members read"
    parameter_name = "direction"

    def lookups(self, request, model_admin):
        return Direction.choices

    def queryset(self, request, queryset):
        if self.value() in Direction.values:
            return queryset.filter(live_direction=self.value())
        return queryset


@admin.register(Notice)
class NoticeAdmin(RevisedContentAdmin):
    """The language assistance page: the notice of nondiscrimination per language and one
    tagline per language, each approved like any member material."""

    form = NoticeAdminForm
    revision_model = NoticeRevision
    title_field = "title"
    list_display = ["title", "kind", "language", "script_direction", "live_state", "latest_status"]
    list_filter = ["kind", LiveDirectionFilter, ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["language", "revisions__title", "revisions__body"]
    ordering = ["kind", "position", "language"]
    fieldsets = [
        (None, {"fields": ["title", "body", "direction", "kind", "language", "position"]}),
        ("Schedule (for this version)", {"fields": ["go_live_at", "expires_at"]}),
        (None, {"fields": ["base_revision", "base_item", "members_see", "revision_history"]}),
    ]

    def get_queryset(self, request):
        of_notice = {"notice": OuterRef("pk")}
        newest = NoticeRevision.objects.filter(**of_notice).order_by("-created_at", "-pk")
        live = NoticeRevision.objects.live().filter(**of_notice)
        return (
            super()
            .get_queryset(request)
            .annotate(
                newest_direction=Subquery(newest.values("direction")[:1]),
                live_direction=Subquery(live.values("direction")[:1]),
            )
        )

    @admin.display(description="Title", ordering="newest_title")
    def title(self, obj):
        if not obj.newest_title:
            return obj.language
        return in_language(obj.newest_title, obj.language, obj.newest_direction)

    @admin.display(description="Script direction", ordering="live_direction")
    def script_direction(self, obj):
        """The direction members read now, and the latest version's where that differs."""
        live = Direction(obj.live_direction).label if obj.live_direction else None
        newest = Direction(obj.newest_direction).label if obj.newest_direction else None
        if live is None:
            return f"{newest} (not live yet)" if newest else "—"
        if newest != live:
            return f"{live} (latest version: {newest})"
        return live

    def preview(self, revision):
        body = expand_phone_tokens(revision.body_html, live_contacts())
        return format_html(
            '<div lang="{}" dir="{}"><strong>{}</strong>{}</div>',
            revision.notice.language,
            revision.direction,
            revision.title,
            body,
        )


class RevisionAdmin(RequestsChecked):
    """The review queue. Revisions are never edited: they are submitted, reviewed, restored."""

    list_filter = ["status", ("approval", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "created_at"
    ordering = ["-submitted_at", "-created_at"]
    actions = ["review_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.review_{opts.model_name}")

    def has_edit_parent_permission(self, request):
        parent = self.model._meta.get_field(self.model.PARENT_FIELD).related_model._meta
        return request.user.has_perm(f"{parent.app_label}.change_{parent.model_name}")

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:pk>/submit/",
                self.admin_site.admin_view(require_POST(self.submit_view)),
                name=f"{prefix}_submit",
            ),
            path(
                "<int:pk>/restore/",
                self.admin_site.admin_view(require_POST(self.restore_view)),
                name=f"{prefix}_restore",
            ),
            path(
                "review/",
                self.admin_site.admin_view(self.review_view),
                name=f"{prefix}_review",
            ),
            *super().get_urls(),
        ]

    def _url(self, name, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # As the admin's own change view: an id that is not a number, or names no revision,
        # redirects with a message.
        revision = self.get_object(request, object_id)
        if revision is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        return self.render_review(request, [revision], ReviewForm(initial={"decision": None}))

    def render_review(self, request, revisions, form, status=200):
        items = []
        for revision in revisions:
            # What members see of the same material: in the same language, for a translation.
            live = self.model.objects.live().filter(**same_material(revision)).first()
            source = getattr(revision, "source_revision", None)
            events = list(revision.events.happened().select_related("actor").order_by("at", "pk"))
            items.append(
                {
                    "revision": revision,
                    "live": live,
                    "source": source,
                    "source_pending": source is not None and source.status != Status.APPROVED,
                    "with_source_at": translation_go_live(revision),
                    "is_outdated": getattr(revision, "is_outdated", False),
                    "diff": revision_diff(live, revision),
                    "events": events,
                    "own_part": own_part(revision, request.user),
                    "restored": next((e for e in events if e.action == Action.RESTORED), None),
                    "withdrawn": withdrawn_warning(revision.parent)
                    if revision.parent.withdrawn_at
                    else "",
                    "reading": revision_reading_level(revision)
                    if isinstance(revision, EntryRevision)
                    else None,
                    "live_reading": revision_reading_level(live)
                    if isinstance(live, EntryRevision)
                    else None,
                    "replaced_later_by": scheduled_to_replace(revision)
                    if revision.status == Status.SUBMITTED
                    else None,
                }
            )
        may_review = self.has_review_permission(request)
        can_review = may_review and all(
            item["revision"].status == Status.SUBMITTED and not item["own_part"] for item in items
        )
        undecidable = self.undecidable(items) if may_review and not can_review else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Review" if len(revisions) > 1 else str(revisions[0]),
            "items": items,
            "long_sentence_words": LONG_SENTENCE_WORDS,
            "form": form,
            "can_review": can_review,
            "undecidable": undecidable,
            "can_edit": self.has_edit_parent_permission(request),
            "review_url": self._url("review") + "?ids=" + ",".join(str(r.pk) for r in revisions),
            "submit_url_name": f"admin:{self.opts.app_label}_{self.opts.model_name}_submit",
            "restore_url_name": f"admin:{self.opts.app_label}_{self.opts.model_name}_restore",
            "public_url_of": lambda r: r.get_absolute_url(),
        }
        return TemplateResponse(request, "admin/faq/review.html", context, status=status)

    @staticmethod
    def undecidable(items) -> list[str]:
        """Why versions selected together cannot be decided together, one by one: the
        decision form is offered for all of them or none."""
        if len(items) < 2 or not any(i["revision"].status == Status.SUBMITTED for i in items):
            return []
        reasons = []
        for item in items:
            revision, named = item["revision"], revision_named(item["revision"])
            if revision.status != Status.SUBMITTED:
                status = revision.get_status_display().lower()
                reasons.append(f"{named} is {status}, not submitted for review.")
            elif item["own_part"]:
                reasons.append(f"{named}: you {item['own_part']}, so another reviewer must decide.")
        return reasons

    def review_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied  # the words of drafts, as the change view refuses them
        try:
            ids = [int(i) for i in request.GET.get("ids", "").split(",") if i]
        except ValueError:
            ids = []
        revisions = list(self.get_queryset(request).filter(pk__in=ids).order_by("pk"))
        if not revisions:
            messages.error(request, "Choose at least one revision to review.")
            return HttpResponseRedirect(self._url("changelist"))
        if request.method != "POST":
            return self.render_review(request, revisions, ReviewForm())
        if not self.has_review_permission(request):
            raise PermissionDenied
        form = ReviewForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_review(request, revisions, form, status=400)
        try:
            with transaction.atomic():
                self.decide(request, revisions, form)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            # As they are now: the decision was rolled back, or another reviewer's came first.
            revisions = list(self.get_queryset(request).filter(pk__in=ids).order_by("pk"))
            return self.render_review(request, revisions, form, status=400)
        return HttpResponseRedirect(self._url("changelist") + "?status__exact=submitted")

    def decide(self, request, revisions, form):
        now = timezone.now()
        if form.cleaned_data["decision"] == "reject":
            for revision in revisions:
                with self.named_if_refused(revision, revisions):
                    revision_reject(
                        revision=revision, by=request.user, comment=form.cleaned_data["comment"]
                    )
            messages.info(request, f"Rejected {len(revisions)}; the authors see your comment.")
            return
        one_version_each_check(revisions)
        approval = form.cleaned_data["existing_approval"] or approval_record(
            **form.approval_fields(), by=request.user, at=now
        )
        try:
            for revision in revisions:
                with self.named_if_refused(revision, revisions):
                    revision_approve(
                        revision=revision,
                        by=request.user,
                        approval=approval,
                        at=now,
                        comment=form.cleaned_data["comment"],
                    )
        except Exception:
            # The new approval is rolled back with the review, but its letter was already
            # written to the letter storage, where no record would name it.
            if approval != form.cleaned_data["existing_approval"] and approval.letter:
                approval.letter.storage.delete(approval.letter.name)
            raise
        messages.success(
            request,
            f"Approved {len(revisions)} under {approval}. Members see each from its go-live time.",
        )

    @contextmanager
    def named_if_refused(self, revision, revisions):
        """In a review of several, a refusal says which revision it is about."""
        try:
            yield
        except ValidationError as error:
            named = revision_named(revision)
            if len(revisions) == 1:
                raise
            raise ValidationError(
                [m if named in m else f"{named}: {m}" for m in error.messages]
            ) from error

    def submit_view(self, request, pk):
        revision = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_edit_parent_permission(request):
            raise PermissionDenied
        try:
            revision_text_check(revision)
            revision_submit(revision=revision, by=request.user)
            messages.success(request, "Submitted for review.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(self._url("change", pk))

    def restore_view(self, request, pk):
        revision = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_edit_parent_permission(request):
            raise PermissionDenied
        try:
            restored = revision_restore(revision=revision, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self._url("change", pk))
        messages.success(
            request,
            f"Restored as a new draft (#{restored.pk}), still credited to "
            f"{restored.created_by or 'system'}, who wrote the words. Submit it for review "
            "when ready.",
        )
        return HttpResponseRedirect(self._url("change", restored.pk))

    @admin.action(description="Review selected together (one approval for all)")
    def review_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(self._url("review") + f"?ids={ids}")


@admin.register(EntryRevision)
class EntryRevisionAdmin(RevisionAdmin):
    list_display = [
        "question_text", "language", "status", "outdated", "reading_grade", "created_by",
        "created_at", "submitted_at", "approval",
    ]  # fmt: skip
    list_filter = ["status", "language", ("approval", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["created_by", "approval", "source_revision"]
    search_fields = ["question", "answer", "entry__slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_translation_state()

    @admin.display(description="Reading grade")
    def reading_grade(self, obj):
        level = revision_reading_level(obj)
        if level is None:
            return "—"
        return f"{level.grade:.1f}{' (above target)' if level.is_above_target else ''}"

    @admin.display(description="Question", ordering="question")
    def question_text(self, obj):
        return in_language(obj.question, obj.language)

    @admin.display(description="Translation", ordering="is_outdated")
    def outdated(self, obj):
        if not obj.is_translation:
            return "—"
        source = obj.source_revision
        if source.status != Status.APPROVED:
            return f"translates #{source.pk} of the original, not approved yet"
        if obj.is_outdated:
            return "outdated: the original changed"
        if not obj.original_is_live:
            return "no original is live"
        return "translates the live original"


@admin.register(ContactNumberRevision)
class ContactNumberRevisionAdmin(RevisionAdmin):
    list_display = ["label", "number", "status", "created_by", "created_at", "approval"]
    list_select_related = ["created_by", "approval"]
    search_fields = ["label", "number", "contact__key"]


@admin.register(NoticeRevision)
class NoticeRevisionAdmin(RevisionAdmin):
    list_display = ["title_text", "notice", "status", "created_by", "created_at", "approval"]
    list_select_related = ["notice", "created_by", "approval"]
    search_fields = ["title", "body", "notice__language"]

    @admin.display(description="Title", ordering="title")
    def title_text(self, obj):
        return in_language(obj.title, obj.notice.language, obj.direction)


@admin.register(Approval)
class ApprovalAdmin(RequestsChecked):
    form = ApprovalAdminForm
    list_display = [
        "material_id",
        "approved_on",
        "approving_body",
        "state_tracking_number",
        "recorded_by",
        "recorded_at",
    ]
    list_filter = ["approving_body"]
    search_fields = ["material_id", "state_tracking_number", "notes"]
    date_hierarchy = "approved_on"
    fields = [
        "material_id",
        "state_tracking_number",
        "approving_body",
        "approved_on",
        "notes",
        "letter",
        "recorder",
        "recorded_at",
    ]
    readonly_fields = ["letter_link", "recorder", "recorded_at"]
    change_list_template = "admin/faq/approval_change_list.html"

    def get_fields(self, request, obj=None):
        # A recorded letter opens through letter_view: nothing serves MEDIA_URL.
        fields = super().get_fields(request, obj)
        return fields if obj is None else [f if f != "letter" else "letter_link" for f in fields]

    @admin.display(description="Recorded by")
    def recorder(self, obj):
        # Plain text: a link to the user's admin page is refused to reviewers and editors.
        return staff_name(obj.recorded_by)

    @admin.display(description="Approval letter")
    def letter_link(self, obj):
        if not obj.letter:
            return "No letter was recorded with this approval."
        return format_html(
            '<a href="{}">Download {}</a>',
            reverse("admin:faq_approval_letter", args=[obj.pk]),
            PurePath(obj.letter.name).name,
        )

    def has_change_permission(self, request, obj=None):
        return False  # approval records are immutable (the database refuses changes too)

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form's check that the approval is not on record and the save are taken
        # together: a reviewer recording it at the same moment in a review is refused.
        with transaction.atomic():
            if request.method == "POST":
                approvals_locked()
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        obj.recorded_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("report/", view(self.report_view), name="faq_compliance_report"),
            path("as-of/", view(self.as_of_view), name="faq_as_of"),
            path("<path:object_id>/letter/", view(self.letter_view), name="faq_approval_letter"),
            *super().get_urls(),
        ]

    def letter_view(self, request, object_id):
        """The approval's letter, for staff who may view approvals; never a public file."""
        approval = self.get_object(request, object_id)
        if approval is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, approval):
            raise PermissionDenied
        change_url = reverse("admin:faq_approval_change", args=[approval.pk])
        if not approval.letter:
            messages.error(request, "No letter was recorded with this approval.")
            return HttpResponseRedirect(change_url)
        try:
            letter = approval.letter.open("rb")
        except OSError:
            messages.error(
                request,
                f"The letter {approval.letter.name} is recorded but its file is missing from "
                "the letter storage (HELPCENTER_MEDIA_ROOT). Ask whoever runs the server to "
                "restore it from backup.",
            )
            return HttpResponseRedirect(change_url)
        # An attachment, whatever was uploaded: the browser never renders it as a page.
        return FileResponse(letter, as_attachment=True, filename=PurePath(letter.name).name)

    def report_view(self, request):
        if not request.user.has_perm("faq.view_compliance_report"):
            raise PermissionDenied
        raw = request.GET.get("as_of")
        at = past_moment(raw) if raw else None
        if raw and at is None:
            messages.error(
                request,
                clock_change_message(raw, lambda at: f"?{urlencode({'as_of': at.isoformat()})}")
                or "That is not a past moment since 1965 that the report can be rebuilt at, so "
                "this is what members see now.",
            )
        rows = compliance_report(at)
        if request.GET.get("format") == "csv":
            stamp = timezone.localtime(at).strftime("%Y%m%d-%H%M%S")
            return compliance_report_csv(rows, filename=f"compliance-report-{stamp}.csv")
        then = timezone.localtime(at) if at else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": (
                f"Compliance report: what members saw on {then:%m/%d/%Y at %H:%M:%S %Z}"
                if then
                else "Compliance report: what members see now"
            ),
            "rows": rows,
            "at": then,
        }
        return TemplateResponse(request, "admin/faq/compliance_report.html", context)

    def as_of_view(self, request):
        if not request.user.has_perm("faq.view_compliance_report"):
            raise PermissionDenied
        form = AsOfForm(request.GET or None)

        def address_at(path, at):
            page = urlsplit(path)
            query = [(k, v) for k, v in parse_qsl(page.query) if k != "as_of"]
            query.append(("as_of", timezone.localtime(at).isoformat()))
            return page._replace(query=urlencode(query)).geturl()

        if form.is_bound and form.is_valid():
            address = address_at(form.cleaned_data["path"], form.cleaned_data["at"])
            if url_has_allowed_host_and_scheme(address, allowed_hosts=None):
                return HttpResponseRedirect(address)
            form.add_error("path", "Enter a public page address starting with /, e.g. /contact/.")
        elif form.is_bound and "path" in form.cleaned_data:
            path = form.cleaned_data["path"]
            raw = request.GET.get("at", "")
            if message := clock_change_message(raw, lambda at: address_at(path, at)):
                form.errors["at"] = form.error_class([message])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "What did members see at a past moment?",
            "form": form,
        }
        return TemplateResponse(request, "admin/faq/as_of.html", context)


@admin.register(AuditEvent)
class AuditEventAdmin(RequestsChecked):
    list_display = ["at", "action", "subject_link", "actor", "comment"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "comment", "entry_revision__question", "contact_revision__label", "notice_revision__title"
    ]  # fmt: skip
    date_hierarchy = "at"
    list_select_related = [
        "actor", "entry_revision", "contact_revision", "notice_revision__notice"
    ]  # fmt: skip
    fields = ["at", "action", "subject_link", "actor_name", "comment"]
    readonly_fields = fields

    def get_queryset(self, request):
        # Shown, and exported, as they happen: not a scheduled go-live that may never come.
        return super().get_queryset(request).happened()

    @admin.display(description="Actor")
    def actor_name(self, obj):
        return staff_name(obj.actor)

    change_list_template = "admin/faq/auditevent_change_list.html"

    @admin.display(description="Content")
    def subject_link(self, obj):
        subject = obj.subject
        info = subject._meta
        if obj.entry_revision:
            words = in_language(subject.question, subject.language)
        elif obj.notice_revision:
            words = in_language(subject.title, subject.notice.language, subject.direction)
        else:
            words = subject.label
        return format_html(
            '<a href="{}">{}</a>',
            reverse(f"admin:{info.app_label}_{info.model_name}_change", args=[subject.pk]),
            words,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_view),
                name="faq_auditevent_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(
                request, "Those filters could not be read; choose them again, then export."
            )
            return HttpResponseRedirect(reverse("admin:faq_auditevent_changelist"))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return audit_log_csv(changelist.get_queryset(request), filename=f"audit-log-{stamp}.csv")


@admin.register(SearchSynonym)
class SearchSynonymAdmin(SavedOnceChecked):
    form = SearchSynonymAdminForm
    list_display = ["term_text", "equivalents_list", "is_two_way", "language", "updated_at"]
    list_filter = ["language", "is_two_way"]
    search_fields = ["term"]
    ordering = ["language", "term"]
    fields = ["language", "term", "equivalents", "is_two_way", "base_item"]

    change_list_template = "admin/faq/searchsynonym_change_list.html"

    @admin.display(description="Term", ordering="term")
    def term_text(self, obj):
        return in_language(obj.term, obj.language)

    @admin.display(description="Equivalents")
    def equivalents_list(self, obj):
        return in_language(", ".join(obj.equivalents), obj.language)

    def get_urls(self):
        return [
            path("try/", self.admin_site.admin_view(self.try_view), name="faq_search_try"),
            *super().get_urls(),
        ]

    def try_view(self, request):
        """How search reads some words, with the synonyms and spellings of a page language,
        and what it finds there now: the first results as members would see them. Not
        counted as a member's search, so editors can check a synonym without skewing the
        report."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SearchTryForm(request.GET or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Try a search",
            "form": form,
        }
        typed = search_clean(form.cleaned_data["q"]) if form.is_valid() else ""
        if typed:
            language = form.cleaned_data["language"]
            with translation.override(language):
                terms = search_terms(typed, language=language)
                found = search_found(None, terms, None)
                context.update(
                    found,
                    terms=terms,
                    # Written in the page language, as members' pages link them.
                    linked_results=[(r, r.get_absolute_url()) for r in found["results"]],
                    language_help_url=reverse("faq:language_assistance"),
                    max_results=MAX_RESULTS,
                    language_name=dict(settings.LANGUAGES)[language],
                )
            can_add = request.user.has_perm("faq.add_searchsynonym")
            if not found["hits"] and terms.groups and can_add:
                context["synonym_add_url"] = synonym_add_url(terms.text, language)
        status = 400 if form.is_bound and not form.is_valid() else 200
        return TemplateResponse(request, "admin/faq/search_try.html", context, status=status)


class SearchPeriodFilter(admin.SimpleListFilter):
    title = "period"
    parameter_name = "period"
    periods = {"7": ("Last 7 days", 7), "30": ("Last 30 days", 30), "365": ("Last 12 months", 365)}

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.periods.items()]

    def queryset(self, request, queryset):
        if self.value() not in self.periods:
            return queryset
        days = self.periods[self.value()][1]
        return queryset.filter(day__gt=timezone.localdate() - datetime.timedelta(days=days))


class SearchResultsFilter(admin.SimpleListFilter):
    title = "results"
    parameter_name = "found"

    def lookups(self, request, model_admin):
        return [("nothing", "Found nothing"), ("something", "Always found something")]

    def queryset(self, request, queryset):
        if self.value() == "nothing":
            return queryset.filter(zero_result_searches__gt=0)
        if self.value() == "something":
            return queryset.filter(zero_result_searches=0)
        return queryset


@admin.register(SearchLog)
class SearchLogAdmin(RequestsChecked):
    """What members searched for, per day: most searched first; "Found nothing" shows the
    gaps in the content. Export totals per query for a period with the action."""

    list_display = ["query", "language", "day", "searches", "zero_result_searches", "result_count"]
    list_filter = [SearchPeriodFilter, SearchResultsFilter, "language"]
    date_hierarchy = "day"
    search_fields = ["query"]
    ordering = ["-searches", "query"]
    list_per_page = 50
    actions = ["export_totals"]
    change_list_template = "admin/faq/searchlog_change_list.html"
    report_rows = 25

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # prune_search_log removes old counts

    @admin.action(description="Export totals per query as CSV", permissions=["view"])
    def export_totals(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return search_log_csv(search_log_totals(queryset), filename=f"searches-{stamp}.csv")

    def get_urls(self):
        return [
            path("report/", self.admin_site.admin_view(self.report_view), name="faq_search_report"),
            *super().get_urls(),
        ]

    def report_view(self, request):
        """Top queries and queries that found nothing, totalled over a chosen period."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SearchPeriodForm(request.GET)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "What members searched for",
            "form": form,
        }
        if not form.is_valid():
            return TemplateResponse(request, "admin/faq/search_report.html", context, status=400)
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        language = form.cleaned_data["language"]
        rows = SearchLog.objects.filter(day__range=(start, end))
        if language:
            rows = rows.filter(language=language)
        top, zero = search_log_totals(rows), search_log_zero_result_totals(rows)
        kind = request.GET.get("format")
        if kind in ("top", "zero"):
            name = "searches" if kind == "top" else "searches-that-found-nothing"
            suffix = f"-{language}" if language else ""
            return search_log_csv(
                top if kind == "top" else zero,
                filename=f"{name}-{start:%Y%m%d}-{end:%Y%m%d}{suffix}.csv",
            )
        summary = rows.aggregate(
            searches=Sum("searches", default=0),
            zero_result_searches=Sum("zero_result_searches", default=0),
        )
        names = dict(settings.LANGUAGES)

        def shown(totals):
            return [{**row, "language_name": names[row["language"]]} for row in totals]

        context.update(
            top=shown(top[: self.report_rows]),
            zero=self.with_synonym_links(request, shown(zero[: self.report_rows])),
            summary=summary,
            language_name=names.get(language, ""),
            period=urlencode(
                {"start": start.isoformat(), "end": end.isoformat(), "language": language}
            ),
            report_rows=self.report_rows,
        )
        return TemplateResponse(request, "admin/faq/search_report.html", context)

    def with_synonym_links(self, request, rows: list[dict]) -> list[dict]:
        """Each query that found nothing with links to what fixes it: trying it (how search
        reads it), and for an editor its synonym, or a new one with the query as the term."""
        try_url = reverse("admin:faq_search_try")
        for row in rows:
            row["try_url"] = (
                f"{try_url}?{urlencode({'q': row['query'], 'language': row['language']})}"
            )
        if not request.user.has_perm("faq.add_searchsynonym"):
            return rows
        existing = {
            (synonym.language, synonym.term): synonym.pk
            for synonym in SearchSynonym.objects.filter(term__in={row["query"] for row in rows})
        }
        for row in rows:
            pk = existing.get((row["language"], row["query"]))
            row["synonym_url"] = (
                reverse("admin:faq_searchsynonym_change", args=[pk])
                if pk
                else synonym_add_url(row["query"], row["language"])
            )
            row["synonym_exists"] = bool(pk)
        return rows


def synonym_add_url(term: str, language: str) -> str:
    """The admin's form for a new synonym, with what members typed as its term."""
    query = urlencode({"term": term, "language": language})
    return f"{reverse('admin:faq_searchsynonym_add')}?{query}"


# django-axes' own lists of sign-ins (superusers only) answer a mistyped address as ours do.
for sign_ins in (AccessAttempt, AccessFailureLog, AccessLog):
    if admin.site.is_registered(sign_ins):
        axes_admin = type(admin.site.get_model_admin(sign_ins))
        admin.site.unregister(sign_ins)
        admin.site.register(sign_ins, type(axes_admin.__name__, (RequestsChecked, axes_admin), {}))
