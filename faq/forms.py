import datetime
import json
import re
from html import unescape
from urllib.parse import unquote, urlsplit

import phonenumbers
from django import forms
from django.conf import settings
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from phonenumbers import shortnumberinfo

from faq.approvals import REQUIRED_NOTICE_EXPIRY, number_expiry_check
from faq.contacts import live_contacts
from faq.markup import markup_unshown, render_markdown
from faq.models import (
    LANGUAGE_TAG_ERROR,
    MEDICAID_BEGAN,
    Action,
    Approval,
    Category,
    CategoryTranslation,
    ContactNumber,
    ContactNumberRevision,
    ContactNumberTranslation,
    Direction,
    Entry,
    EntryRevision,
    Notice,
    NoticeRevision,
    SearchSynonym,
    Status,
    translation_languages,
)
from faq.phones import REGION, normalize_phone
from faq.tokens import (
    PHONE_TOKEN,
    answers_using,
    notices_using,
    phone_token,
    unknown_phone_tokens,
)

# Characters that reverse the order of what follows them: a question could read backwards,
# or a number's digits show in another order than a phone dials them. A right-to-left
# language needs none of them: its letters carry their direction.
_BIDI_OVERRIDE = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_OVERRIDE_ERROR = (
    "Remove the invisible direction marks (such as RIGHT-TO-LEFT OVERRIDE, often pasted with "
    "text): they can show words or digits in another order than they are written."
)
# A page of answers must stay light on a cheap phone; the longest demo answer has 1,100
# characters, the notice of nondiscrimination 2,400.
TEXT_MAX_LENGTH = 20_000


SCHEDULE_YEARS = range(MEDICAID_BEGAN.year, 2100)
SCHEDULE_YEARS_ERROR = (
    f"Enter a time between {SCHEDULE_YEARS[0]} and {SCHEDULE_YEARS[-1]}: check the year."
)


def conflict_message(latest, editor, *, what: str = "version", refreshed: bool = False) -> str:
    """Why a stale form saved nothing: `latest` (a newer `what`, say "Español version") was
    saved since the form was shown, by another editor or the same one in another tab.
    `refreshed`: the form now shows the newer words where the editor had changed nothing."""
    at = f"{timezone.localtime(latest.created_at):%H:%M}"
    # Who saved it, which for a translation that followed a newer original is not who wrote
    # its words (created_by; faq.approvals.translation_relink).
    saved = latest.events.filter(action__in=[Action.CREATED, Action.RESTORED])
    saved = saved.order_by("at", "pk").first()
    saver = saved.actor if saved is not None else latest.created_by
    if refreshed:
        kept = (
            "What you changed is still in the form below; what you had not changed now shows "
            "the newer words."
        )
    else:
        kept = "Your text is still in the form below."
    if editor is not None and saver is not None and saver.pk == editor.pk:
        # Most often a second click on Save, or the form again from the back button.
        return (
            f"You already saved a {what} of this at {at}, in another tab or with an earlier "
            f"click. Nothing more was saved. {kept} Check the history, then save again if "
            "this text is the one to keep."
        )
    return (
        f"{saver or 'someone'} saved a newer {what} at {at} while you were editing. {kept} "
        "Nothing was saved. Check the newer version in the history, then save again to keep yours."
    )


class ItemFieldsShown(forms.Form):
    """A form of an item whose own fields (an address, a name, a position) change in place,
    with no revision to compare: the values it was shown with travel in it, so a form shown
    before another editor changed one is refused instead of putting the old value back."""

    base_item = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["base_item"] = json.dumps(self.item_fields(self.instance))

    def item_fields(self, item) -> dict[str, str]:
        """The item's own fields this form edits (an address, a topic, a position), as text."""
        model_fields = {field.name for field in item._meta.concrete_fields}
        return {
            name: self.as_text(name, item.serializable_value(name))
            for name in self.fields
            if name in model_fields and not self.fields[name].disabled
        }

    def as_text(self, name: str, value) -> str:
        """A value as the form's field writes it: a synonym's equivalents "er,emergency"."""
        return str(self.fields[name].prepare_value(value))

    def item_conflicts(self, cleaned) -> list[str]:
        """The item's own fields saved by another editor since the form was shown: a save
        of this form would put back the values it was shown with."""
        try:
            shown = json.loads(cleaned.get("base_item") or "")
        except ValueError:  # a form posted without it, not the admin's own
            return []
        if self.instance.pk is None or not isinstance(shown, dict):
            return []
        model = type(self.instance)
        # Read after the item's row lock (latest_revision's, ChangedInPlace's): no save can
        # come between this and ours.
        now = model.objects.get(pk=self.instance.pk)
        changed, refreshed = [], {}
        for name, was in shown.items():
            if name not in self.fields or self.fields[name].disabled:
                continue
            is_now = self.as_text(name, now.serializable_value(name))
            # The same value typed (a second click on Save, or two editors agreeing) puts
            # nothing back.
            if is_now in (was, self.as_text(name, cleaned.get(name))):
                continue
            field = self.fields[name]
            shown_now = getattr(now, name)
            if isinstance(shown_now, list):
                shown_now = ", ".join(shown_now)
            changed.append(f"{field.label or pretty_name(name)} (now “{shown_now}”)")
            if self.as_text(name, cleaned.get(name)) == was:
                refreshed[name] = is_now
        if not changed:
            return []
        self.keep_base("base_item", json.dumps(self.item_fields(now)))
        self.show_instead(refreshed)
        kind = model._meta.verbose_name
        kept = (
            " The form now shows the new value where you had not changed it." if refreshed else ""
        )
        return [
            f"Another editor changed this {kind}'s {', '.join(changed)} while you were "
            f"editing. Nothing was saved.{kept} Check the form, then save again to keep it."
        ]

    def keep_base(self, name: str, value) -> None:
        """The form is shown again as started from `value`: saving it again is no conflict."""
        self.show_instead({name: value})

    def show_instead(self, values: dict) -> None:
        if not values:
            return
        data = self.data.copy()
        for name, value in values.items():
            data[self.add_prefix(name)] = "" if value is None else value
        self.data = data


class ChangedInPlace(ItemFieldsShown):
    """A form of words that reach members as soon as they are saved (a topic's name and
    description, a translated name or label): no version keeps a stale form's save apart."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            # Runs inside the admin's transaction: the row lock serialises two saves.
            type(self.instance).objects.select_for_update().filter(pk=self.instance.pk).first()
            if conflicts := self.item_conflicts(cleaned):
                raise ValidationError(conflicts, code="conflict")
        return cleaned


class RevisedContentForm(ItemFieldsShown, forms.ModelForm):
    """An item's own fields plus the words of its next revision.

    Saving never changes what members see: the words become a new draft revision. The
    revision the editor started from travels in the form, so a second editor who saved
    meanwhile is noticed instead of silently overwritten.
    """

    go_live_at = forms.DateTimeField(
        label="Go live at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Optional. Members see this version from this time on, once it is approved.",
    )
    expires_at = forms.DateTimeField(
        label="Expires at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Optional. Members stop seeing this version at this time.",
    )
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    revision_model: type = EntryRevision
    schedule_fields = ("go_live_at", "expires_at")
    editor = None  # who fills the form in (the admin sets it)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest = self.latest_revision()
        if self.latest is not None and not self.is_bound:
            for name in self.revision_model.CONTENT_FIELDS:
                self.initial[name] = self.initial_content(name, getattr(self.latest, name))
            if self.latest.status != "approved":
                for name in self.schedule_fields:
                    self.initial[name] = getattr(self.latest, name)
            elif self.latest.go_live_at > timezone.now():
                # The form starts from approved words members do not read yet: a version of
                # them goes live with them, not before (and is not replaced by them then).
                self.initial["go_live_at"] = self.latest.go_live_at
                self.fields["go_live_at"].help_text = (
                    f"This form starts from version #{self.latest.pk}, approved to go live at "
                    f"{timezone.localtime(self.latest.go_live_at):%m/%d/%Y %H:%M}, so a new "
                    "version goes live then too. Cleared, its words (and those of "
                    f"#{self.latest.pk}) show as soon as approved, and #{self.latest.pk} "
                    "replaces them at its go-live."
                )
            self.initial["base_revision"] = self.latest.pk

    def latest_revision(self, *, lock: bool = False):
        if self.instance.pk is None:
            return None
        if lock:
            type(self.instance).objects.select_for_update().filter(pk=self.instance.pk).first()
        return self.instance.revisions.originals().order_by("-created_at", "-pk").first()

    def initial_content(self, name, value):
        return value

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and name in self.fields and _BIDI_OVERRIDE.search(value):
                self.add_error(name, BIDI_OVERRIDE_ERROR)
        for name in self.schedule_fields:
            moment = cleaned.get(name)
            # 12/31/9999 here is past the database's last moment in UTC; 0001 is a slip too.
            if moment and moment.year not in SCHEDULE_YEARS:
                self.add_error(name, SCHEDULE_YEARS_ERROR)
                cleaned.pop(name, None)
        scheduled = self.latest.go_live_at if self.latest is not None else None
        if scheduled and cleaned.get("go_live_at") == scheduled.replace(second=0, microsecond=0):
            # The form shows minutes: the same minute means with that version, not before it.
            cleaned["go_live_at"] = scheduled
        go_live_at, expires_at = cleaned.get("go_live_at"), cleaned.get("expires_at")
        if expires_at and expires_at <= timezone.now():
            self.add_error("expires_at", "The expiry time must be in the future.")
        if go_live_at and expires_at and expires_at <= go_live_at:
            self.add_error("expires_at", "The expiry time must be after the go-live time.")
        # Runs inside the admin's transaction: the row lock serialises two simultaneous saves.
        latest = self.latest_revision(lock=True)
        conflicts = self.conflicts(latest, cleaned)
        if conflicts:
            raise ValidationError(conflicts, code="conflict")
        self.latest = latest
        return cleaned

    def conflicts(self, latest, cleaned) -> list[str]:
        """Why this form is stale, if another save came since it was shown: one message for
        each part saved meanwhile. Each part left as it was shown now shows the newer one,
        so saving again keeps what the editor typed and loses nothing the other saved."""
        return self.item_conflicts(cleaned) + self.revision_conflicts(latest, cleaned)

    def revision_conflicts(self, latest, cleaned) -> list[str]:
        base_pk = cleaned.get("base_revision")
        if latest is None or latest.pk == base_pk:
            return []
        self.keep_base("base_revision", latest.pk)
        base = self.revision_model.objects.filter(
            **{self.revision_model.PARENT_FIELD: self.instance}, pk=base_pk
        ).first()
        untouched = [
            name
            for name in self.revision_model.CONTENT_FIELDS
            if base is not None and cleaned.get(name) == getattr(base, name)
        ]
        self.show_instead(
            {name: self.initial_content(name, getattr(latest, name)) for name in untouched}
        )
        return [conflict_message(latest, self.editor, refreshed=bool(untouched))]

    def validate_unique(self):
        super().validate_unique()
        # Addresses, keys and a notice's kind and language are unique among the items not
        # withdrawn: the condition reads withdrawn_at, which is no field of the form, so
        # Django leaves those constraints out and the database would refuse the save.
        model = type(self.instance)
        exclude = self._get_validation_exclusions() - {"withdrawn_at"}
        for constraint in model._meta.constraints:
            condition = getattr(constraint, "condition", None)
            if condition is None or "withdrawn_at" not in condition.referenced_base_fields:
                continue
            try:
                constraint.validate(model, self.instance, exclude=exclude)
            except ValidationError as error:
                self._update_errors(error)

    def revision_content(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.revision_model.CONTENT_FIELDS}

    def schedule(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.schedule_fields}

    def content_changed(self) -> bool:
        if self.latest is None:
            return True
        # Compared as content, not by hash: a notice version saved before its direction was
        # part of one has a hash over its words alone (NoticeRevision.is_direction_hashed).
        if self.revision_content() != self.latest.content():
            return True
        schedule = self.schedule().items()
        if self.latest.status == "approved":
            # The form's schedule is the next version's (it starts empty): one given is a
            # new version of the same words, "expire this at ...", for review.
            return any(value is not None for _, value in schedule)
        return any(getattr(self.latest, name) != value for name, value in schedule)


# A short code such as 911 or 711, or seven digits without their area code, is only a
# number to call after a word that says so ("call", or "call Member Services at"):
# elsewhere three digits are a room, an amount or a form's number, and seven a reference.
_TO_CALL = (
    r"\b(?:call|dial|text|phone|tty|tdd|llame|llamar|marque|marcar)\b"
    r"(?:(?:\s+[^\s\d]+){0,4}?\s+(?:at|on|to|al|a|el))?\s*:?\s*"
)
_SHORT_CODE_TO_CALL = re.compile(_TO_CALL + r"(\d{3})\b", re.IGNORECASE)
_LOCAL_NUMBER_TO_CALL = re.compile(_TO_CALL + r"([2-9]\d{2}[-. ]?\d{4})(?![-\w])", re.IGNORECASE)
# A number spelled in capitals, as plans advertise them: 1-800-FLOWERS, (888) GO-DOCTOR.
_VANITY_NUMBER = re.compile(
    r"(?<![\w-])(?:\+?1[-. ])?\(?[2-9]\d{2}\)?[-. ][A-Z0-9](?:[A-Z0-9]|[-.](?=[A-Z0-9])){5,12}"
    r"(?![\w-])"
)
# A link that calls or texts: members would dial what no approval covers, however written.
_PHONE_LINK = re.compile(r"\b(?:tel|sms|callto|facetime(?:-audio)?):[^\s)\]>\"']+", re.IGNORECASE)
# What of rendered HTML members do not read as text: code (`2024-555-0142` is how an editor
# says "this is no number to call"), the tags around words, an end of block.
_CODE_HTML = re.compile(r"<code>.*?</code>", re.DOTALL)
_HREF = re.compile(r'href="([^"]*)"')
_BLOCK_END = re.compile(r"</?(?:p|li|ul|ol|h[2-6]|blockquote|pre|hr|br)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
# Between digit groups a reader takes these for a dash too: 1·800·555·0199, 314/555/0199.
_DIGIT_JOINER = re.compile(r"(?<=\d)[·•‧∙_/](?=\d)")


def members_read(text: str) -> tuple[str, list[str]]:
    """An editor's Markdown as members read it, and the addresses its links lead to:
    rendered as the pages render it, then with code, tags and entities gone, so
    "1\\-800", "1-800-**555**-0199" and "te&#108;:&#43;1800..." read as a phone would."""
    html = _CODE_HTML.sub(" ", render_markdown(text or ""))
    addresses = [unquote(unescape(address)) for address in _HREF.findall(html)]
    plain = unescape(_TAG.sub("", _BLOCK_END.sub(" ", html)))
    return _DIGIT_JOINER.sub("-", unquote(plain)), addresses


_CHAT_HOSTS = {"wa.me", "api.whatsapp.com", "t.me", "signal.me"}

# A letter O or l typed for a zero or a one among a number's digits (1-800-555-O199): a
# member dials the digit. Only in a run of at least six digits, so words are left alone.
_LOOKALIKE_RUN = re.compile(r"(?<!\w)[\d(+][\dOolI().\- ]{6,}[\dOolI](?!\w)")
_LOOKALIKE_DIGITS = str.maketrans("OolI", "0011")
MIN_LOOKALIKE_DIGITS = 6


def _lookalikes_as_digits(text: str) -> str:
    def as_digits(run: re.Match) -> str:
        if sum(character.isdigit() for character in run[0]) < MIN_LOOKALIKE_DIGITS:
            return run[0]
        return run[0].translate(_LOOKALIKE_DIGITS)

    return _LOOKALIKE_RUN.sub(as_digits, text)


def _dials(address: str) -> bool:
    """Whether following a link calls, texts or chats with a number."""
    return bool(_PHONE_LINK.match(address)) or urlsplit(address).hostname in _CHAT_HOSTS


def typed_phone_numbers(text: str) -> list[str]:
    """Phone numbers written out in an editor's text, as members would read them
    (members_read), in its words or its links' addresses. Digits grouped as a phone number
    groups them (libphonenumber's strict grouping), so dates, ZIP codes, years, amounts and
    reference numbers such as 2024-0042-17 are not taken for one; nor is anything written as
    inline code."""
    return _numbers_in(*members_read(PHONE_TOKEN.sub(" ", text or "")))


def _numbers_in(plain: str, addresses: list[str]) -> list[str]:
    """The phone numbers in text as members read it and in the addresses of its links
    (members_read): typed_phone_numbers, for a check that has read them already."""
    # Only an address that dials is a number to call; a web page's may hold any digits.
    dialled = [address for address in addresses if _dials(address)]
    text = " \n ".join([_lookalikes_as_digits(plain), *dialled])
    found = [
        match.raw_string
        for match in phonenumbers.PhoneNumberMatcher(
            text, REGION, leniency=phonenumbers.Leniency.STRICT_GROUPING
        )
    ]
    for match in _SHORT_CODE_TO_CALL.finditer(text):
        code = phonenumbers.parse(match.group(1), REGION)
        if shortnumberinfo.is_valid_short_number_for_region(code, REGION):
            found.append(match.group(1))
    found.extend(match.group(1) for match in _LOCAL_NUMBER_TO_CALL.finditer(text))
    found.extend(
        match.group(0)
        for match in _VANITY_NUMBER.finditer(text)
        if _is_vanity_number(match.group(0))
    )
    return list(dict.fromkeys(found))


def _is_vanity_number(typed: str) -> bool:
    """Whether letters in place of digits make a valid number: three letters at least (so
    that a form's number such as 314-555-01A is not one), and only the first seven after
    the area code count, as a phone dials them (1-800-MEDICARE is 1-800-633-4227)."""
    if sum(character.isalpha() for character in typed) < 3:
        return False
    digits = re.sub(r"\D", "", phonenumbers.convert_alpha_characters_in_number(typed))
    digits = digits[1:] if len(digits) > 10 and digits.startswith("1") else digits
    try:
        number = phonenumbers.parse(digits[:10], REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def answer_text_check(text: str) -> str:
    """An answer's or notice's Markdown as members will read it: refused where they would not
    see what the editor wrote (faq.markup.markup_unshown), or where it names numbers other
    than by a current number's token (phone_tokens_check)."""
    if unshown := markup_unshown(text):
        raise ValidationError(
            "Members would not see this as you wrote it: %(unshown)s. Answers can have "
            "paragraphs, lists, links, **bold**, *italics* and headings from ## to ####.",
            code="unshown_markup",
            params={"unshown": "; ".join(unshown)},
        )
    return phone_tokens_check(text)


def phone_tokens_check(text: str) -> str:
    """Refuse a text naming a number no current contact has: members would see no number.
    Refuse a typed-out number too: it would not follow an approved change of the number."""
    keys = sorted(ContactNumber.objects.current().values_list("key", flat=True))
    valid = ", ".join(phone_token(key) for key in keys) or "none yet"
    unknown = unknown_phone_tokens(text, keys)
    if unknown:
        raise ValidationError(
            "No contact number matches %(unknown)s. Use one of: %(valid)s (add or change "
            "numbers under Contact numbers).",
            code="unknown_phone_token",
            params={"unknown": ", ".join(dict.fromkeys(unknown)), "valid": valid},
        )
    plain, addresses = members_read(PHONE_TOKEN.sub(" ", text or ""))
    links = _PHONE_LINK.findall(text or "") + [a for a in addresses if _PHONE_LINK.match(a)]
    if links:
        raise ValidationError(
            "Do not link to phone numbers: %(links)s would call a number no approval covers. "
            "Write the number's token instead, e.g. [[phone:member-services]]: members see "
            "the live number there, as a link to call it. Tokens: %(valid)s.",
            code="phone_link",
            params={
                "links": ", ".join(f"“{link}”" for link in dict.fromkeys(links)),
                "valid": valid,
            },
        )
    typed = _numbers_in(plain, addresses)
    if typed:
        raise ValidationError(
            "Do not type phone numbers: %(typed)s would stay as typed when the approved number "
            "changes. Write the number's token instead%(matches)s. Tokens: %(valid)s (add "
            "numbers under Contact numbers). If it is no number to call, such as a case "
            "number, write it as code between backticks: `2024-555-0142`.",
            code="typed_phone_number",
            params={
                "typed": ", ".join(f"“{number}”" for number in typed),
                "matches": _tokens_for(typed),
                "valid": valid,
            },
        )
    return text


def typed_numbers_check(text: str) -> str:
    """Refuse a phone number typed into words that cannot name one by token: a question, a
    topic's name or description, a number's label or hours. There it would stay as typed
    when the approved number changes, and in a name it would reach members unreviewed."""
    typed = typed_phone_numbers(text)
    if typed:
        raise ValidationError(
            "Do not type phone numbers here: %(typed)s would stay as typed when the approved "
            "number changes. Name the number in an answer instead, where its token, such as "
            "[[phone:member-services]], shows the live number.",
            code="typed_phone_number",
            params={"typed": ", ".join(f"“{number}”" for number in typed)},
        )
    return text


class TypedNumbersRefused:
    """A form whose fields named in `refuse_typed_numbers` may hold no typed phone number."""

    refuse_typed_numbers: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.refuse_typed_numbers:
            if name in self.errors or not cleaned.get(name):
                continue
            if _BIDI_OVERRIDE.search(cleaned[name]):
                self.add_error(name, BIDI_OVERRIDE_ERROR)
                continue
            try:
                typed_numbers_check(cleaned[name])
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned


class SlugInLowerCase:
    """A new address is saved in lower case: members type addresses in any case, and
    ``WHAT-IS-A-PCP`` beside ``what-is-a-pcp`` would be two pages that read as one."""

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug == self.instance.slug:  # an address members already use stays as it is
            return slug
        return slug.lower()


class NameOnOneLine:
    """A topic's name with its spaces as members see them: "Your\u00a0doctors" (a
    non-breaking space pasted from a document) or "Your  doctors" would be a second topic
    that reads as "Your doctors"."""

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class CategoryAdminForm(
    NameOnOneLine, SlugInLowerCase, TypedNumbersRefused, ChangedInPlace, forms.ModelForm
):
    refuse_typed_numbers = ("name", "description")

    class Meta:
        model = Category
        fields = ["name", "slug", "description", "position"]


class WordsInTheirLanguage:
    """A saved translation's boxes say its language, so that a screen reader reads its words
    in that language's voice (WCAG 3.1.2) and the browser checks their spelling in it."""

    words_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.language:
            for name in self.words_fields:
                self.fields[name].widget.attrs["lang"] = self.instance.language


class CategoryTranslationForm(
    WordsInTheirLanguage, NameOnOneLine, TypedNumbersRefused, ChangedInPlace, forms.ModelForm
):
    refuse_typed_numbers = ("name", "description")
    words_fields = ("name", "description")

    class Meta:
        model = CategoryTranslation
        fields = ["language", "name", "description"]


class ContactNumberTranslationForm(
    WordsInTheirLanguage, TypedNumbersRefused, ChangedInPlace, forms.ModelForm
):
    refuse_typed_numbers = ("label",)
    words_fields = ("label",)

    class Meta:
        model = ContactNumberTranslation
        fields = ["language", "label"]


def _tokens_for(typed: list[str]) -> str:
    """ ", e.g. “1-800-322-6027” is [[phone:member-services]]" for the typed numbers that
    are a live contact's number or TTY number."""
    contacts = live_contacts().values()
    # A number's own token first: "711" is [[phone:relay]], not the TTY of Member Services.
    tokens = {contact.number: phone_token(contact.contact.key) for contact in contacts}
    for contact in contacts:
        if contact.tty_number:
            tokens.setdefault(
                contact.tty_number, f"the TTY number of {phone_token(contact.contact.key)}"
            )
    matches = []
    for number in typed:
        try:
            stored = normalize_phone(number, allow_short=True)
        except ValidationError:
            continue
        if stored in tokens:
            matches.append(f"“{number}” is {tokens[stored]}")
    return f" ({'; '.join(matches)})" if matches else ""


ANSWER_HELP = (
    "Markdown: leave a blank line between paragraphs; start list items with “- ”. Never type "
    "a phone number: write [[phone:member-services]] and members see the live number there."
)


class EntryAdminForm(SlugInLowerCase, TypedNumbersRefused, RevisedContentForm):
    """The question in its original language, and its translations (fields question_<code>
    and answer_<code>, added by with_translation_fields). A changed translation becomes a
    draft revision in that language, translating the original as it stands in this form."""

    question = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 90}))
    answer = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        help_text=ANSWER_HELP,
    )

    revision_model = EntryRevision
    refuse_typed_numbers = ("question",)

    class Meta:
        model = Entry
        fields = ["category", "slug", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.translations = {}
        for code, _ in translation_languages():
            latest = self.latest_translation(code)
            self.translations[code] = latest
            if latest is not None and not self.is_bound:
                self.initial[f"question_{code}"] = latest.question
                self.initial[f"answer_{code}"] = latest.answer
                self.initial[f"base_revision_{code}"] = latest.pk

    def latest_translation(self, language: str):
        if self.instance.pk is None:
            return None
        return (
            self.instance.revisions.filter(language=language).order_by("-created_at", "-pk").first()
        )

    def clean_answer(self):
        return answer_text_check(self.cleaned_data["answer"])

    def conflicts(self, latest, cleaned) -> list[str]:
        conflicts = super().conflicts(latest, cleaned)
        for code, name in translation_languages():
            # Read after the question's row lock (latest_revision), as the original is.
            newest = self.latest_translation(code)
            base_pk = cleaned.get(f"base_revision_{code}")
            if newest is None or newest.pk == base_pk:
                continue
            self.keep_base(f"base_revision_{code}", newest.pk)
            self.translations[code] = newest
            base = self.instance.revisions.filter(language=code, pk=base_pk).first()
            shown = (base.question, base.answer) if base else ("", "")
            typed = tuple(
                cleaned.get(f"{field}_{code}", "").strip() for field in ("question", "answer")
            )
            untouched = typed == shown
            if untouched:
                self.show_instead(
                    {f"question_{code}": newest.question, f"answer_{code}": newest.answer}
                )
            conflicts.append(
                conflict_message(newest, self.editor, what=f"{name} version", refreshed=untouched)
            )
        return conflicts

    def clean(self):
        cleaned = super().clean()
        for code, name in translation_languages():
            question = cleaned.get(f"question_{code}", "").strip()
            answer = cleaned.get(f"answer_{code}", "").strip()
            if bool(question) != bool(answer):
                missing = f"answer_{code}" if question else f"question_{code}"
                self.add_error(missing, f"Give both the question and the answer in {name}.")
            elif answer:
                for name, check in (
                    ("question", typed_numbers_check),
                    ("answer", answer_text_check),
                ):
                    try:
                        check(cleaned[f"{name}_{code}"])
                    except ValidationError as error:
                        self.add_error(f"{name}_{code}", error)
        return cleaned

    def changed_translations(self) -> dict[str, dict[str, str]]:
        """{language: {question, answer}} for each translation whose words differ from that
        language's latest revision; a blank translation is left as it was."""
        changed = {}
        for code, _ in translation_languages():
            question = self.cleaned_data.get(f"question_{code}", "").strip()
            answer = self.cleaned_data.get(f"answer_{code}", "").strip()
            if not question:
                continue
            proposed = EntryRevision(question=question, answer=answer)
            latest = self.translations.get(code)
            if latest is None or proposed.compute_hash() != latest.content_hash:
                changed[code] = {"question": question, "answer": answer}
        return changed


def with_translation_fields(form_class):
    """The form with a question and an answer field for each translation language: fields
    the admin's form factory must find declared on the class."""
    fields = {}
    for code, name in translation_languages():
        fields[f"question_{code}"] = forms.CharField(
            label=f"Question ({name})",
            max_length=300,
            required=False,
            widget=forms.TextInput(attrs={"size": 90, "lang": code}),
        )
        fields[f"answer_{code}"] = forms.CharField(
            label=f"Answer ({name})",
            max_length=TEXT_MAX_LENGTH,
            required=False,
            widget=forms.Textarea(attrs={"rows": 10, "cols": 90, "lang": code}),
            help_text=f"Leave both blank while there is no {name} version: members reading "
            f"{name} see the original, with a note. {ANSWER_HELP}",
        )
        # The translation the form started from, as base_revision for the original.
        fields[f"base_revision_{code}"] = forms.IntegerField(
            required=False, widget=forms.HiddenInput
        )
    return type(form_class.__name__, (form_class,), fields)


EntryAdminForm = with_translation_fields(EntryAdminForm)


NOTICE_LOCKED_HELP = (
    "Locked: a version of this notice has been approved, and members read it with this kind "
    "and language, so a change here would reach them without review. For another kind or "
    "language, add a new notice, have it approved, then withdraw this one. (The script "
    "direction is part of each version: change it above, and it is reviewed like the words.)"
)


_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")


def language_tag(value: str) -> str:
    """A BCP 47 tag in its conventional case (``ES`` is ``es``, ``zh-hant`` is ``zh-Hant``,
    ``pt-br`` is ``pt-BR``): one language is one tag, whichever case an editor types."""
    tag = value.strip().replace("_", "-").lower()
    if not _LANGUAGE_TAG.fullmatch(tag):
        raise ValidationError(LANGUAGE_TAG_ERROR, code="language_tag")
    language, *subtags = tag.split("-")
    cased = [
        part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part
        for part in subtags
    ]
    return "-".join([language, *cased])


class NoticeAdminForm(TypedNumbersRefused, RevisedContentForm):
    title = forms.CharField(
        max_length=200,
        help_text="For a tagline, the language's own name for itself, e.g. Español, 中文. "
        "For the notice, its heading.",
    )
    body = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        help_text="Written in the notice's language. " + ANSWER_HELP,
    )
    direction = forms.ChoiceField(
        label="Script direction",
        choices=Direction,
        initial=Direction.LTR,
        help_text="How members read this version's title and text. Part of the version: a "
        "change is reviewed and approved like a change of words, and members keep the "
        "approved direction until then.",
    )

    revision_model = NoticeRevision
    refuse_typed_numbers = ("title",)

    class Meta:
        model = Notice
        fields = ["kind", "language", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The text boxes show the version being edited in its own language and direction.
        attrs = {"dir": self.text_direction()}
        if self.instance.pk:
            attrs["lang"] = self.instance.language
        for name in ("title", "body"):
            self.fields[name].widget.attrs.update(attrs)
        self.lock_presentation()

    def text_direction(self) -> str:
        """The direction of the version in the form: as submitted, else the latest one's."""
        if self.is_bound:
            submitted = self.data.get(self.add_prefix("direction"))
            if submitted in Direction.values:
                return submitted
        return self.latest.direction if self.latest is not None else Direction.LTR

    def clean_body(self):
        return answer_text_check(self.cleaned_data["body"])

    def clean_language(self):
        if self.fields["language"].disabled:  # locked as reviewed (lock_presentation)
            return self.cleaned_data["language"]
        return language_tag(self.cleaned_data["language"])

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind", self.instance.kind)
        language = cleaned.get("language", self.instance.language)
        if cleaned.get("expires_at") and Notice(kind=kind, language=language).is_required:
            self.add_error("expires_at", REQUIRED_NOTICE_EXPIRY)
        return cleaned

    def lock_presentation(self) -> None:
        """Kind and language decide where members read the approved words, and are not part
        of a revision: once one is approved, they stay as reviewed."""
        shown = [name for name in ("kind", "language") if name in self.fields]
        if self.instance.pk is None or not shown:  # reviewers' forms have no fields to lock
            return
        if not self.instance.revisions.filter(status=Status.APPROVED).exists():
            return
        for name in shown:
            field = self.fields[name]
            field.disabled = True
            field.help_text = NOTICE_LOCKED_HELP


class ContactNumberAdminForm(TypedNumbersRefused, RevisedContentForm):
    label = forms.CharField(max_length=120, help_text="e.g. Member Services")
    number = forms.CharField(
        max_length=40, help_text="e.g. 1-800-322-6027. Short codes such as 911 are allowed."
    )
    tty_number = forms.CharField(
        label="TTY number", max_length=40, required=False, help_text="e.g. 711"
    )
    hours = forms.CharField(max_length=200, required=False, help_text="e.g. 24 hours a day")

    revision_model = ContactNumberRevision
    refuse_typed_numbers = ("label", "hours")

    class Meta:
        model = ContactNumber
        fields = ["key", "purpose", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lock_key()

    def clean_key(self):
        key = self.cleaned_data["key"]
        if key == self.instance.key:  # a key answers already name stays as it is
            return key
        return key.lower()

    def lock_key(self) -> None:
        """Answers and notices name the number by its key: a new key would take the number
        off every page that uses it, with no review."""
        contact = self.instance
        if contact.pk is None or "key" not in self.fields:  # reviewers' forms have no fields
            return
        if not (
            contact.revisions.filter(status=Status.APPROVED).exists()
            or answers_using(contact.key).exists()
            or notices_using(contact.key).exists()
        ):
            return
        field = self.fields["key"]
        field.disabled = True
        field.help_text = (
            f"Locked: this number has been approved or is used, and answers and notices name "
            f"it as {phone_token(contact.key)}; a new key would take the number off their pages. "
            "To use another key, add a new contact number with it, change the answers and "
            "notices to name it and have them approved, then withdraw this one."
        )

    def clean(self):
        cleaned = super().clean()
        if expires_at := cleaned.get("expires_at"):
            # As the review will: expired, the number is off every page that names it.
            contact = self.instance
            if contact.pk is None:
                contact = ContactNumber(key=cleaned.get("key") or "")
            version = ContactNumberRevision(
                contact=contact,
                created_at=timezone.now(),
                go_live_at=cleaned.get("go_live_at"),
                expires_at=expires_at,
            )
            try:
                number_expiry_check(version)
            except ValidationError as error:
                self.add_error("expires_at", error)
        return cleaned

    def initial_content(self, name, value):
        from faq.phones import display_phone

        return display_phone(value) if name in ("number", "tty_number") and value else value

    def clean_number(self):
        return normalize_phone(self.cleaned_data["number"], allow_short=True)

    def clean_tty_number(self):
        value = self.cleaned_data["tty_number"].strip()
        return normalize_phone(value, allow_short=True) if value else ""


def revision_text_check(revision) -> None:
    """The checks of an editor's form, made again on a version submitted without one: a
    restored version, or a draft written before a check was added, would otherwise reach
    review with a typed number or markup members would not see."""
    form = next(f for f in REVISION_FORMS if f.revision_model is type(revision))
    errors = []
    for name in revision.CONTENT_FIELDS:
        text = getattr(revision, name)
        label = capfirst(revision._meta.get_field(name).verbose_name)
        if isinstance(text, str) and _BIDI_OVERRIDE.search(text):
            errors.append(f"{label}: {BIDI_OVERRIDE_ERROR}")
            continue
        # As the form's clean(), and its clean_answer() and clean_body().
        if name in form.refuse_typed_numbers:
            check = typed_numbers_check
        elif name in ("answer", "body"):
            check = answer_text_check
        else:
            continue
        if text:
            try:
                check(text)
            except ValidationError as error:
                errors.extend(f"{label}: {message}" for message in error.messages)
    if errors:
        raise ValidationError(errors)


REVISION_FORMS = (EntryAdminForm, ContactNumberAdminForm, NoticeAdminForm)


def approval_date_error(day: datetime.date | None) -> str:
    """Why a state approval cannot carry this date, if it cannot: one in the future would
    stamp pages with an approval not given, one before Medicaid began is a mistyped year."""
    if day and day > timezone.localdate():
        return "The approval date cannot be in the future."
    if day and day < MEDICAID_BEGAN:
        began = f"{MEDICAID_BEGAN:%m/%d/%Y}"
        return f"The approval date is before Medicaid began ({began}): check the year."
    return ""


def approval_on_record(cleaned: dict) -> Approval | None:
    """The approval on record that a new one typed is (same material, date, body)."""
    if not all(cleaned.get(n) for n in ("material_id", "approved_on", "approving_body")):
        return None
    return Approval.objects.on_record(
        material_id=cleaned["material_id"],
        approved_on=cleaned["approved_on"],
        approving_body=cleaned["approving_body"],
    )


class ReviewForm(forms.Form):
    """A reviewer's decision on one or more submitted revisions."""

    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to reject: the author reads it.",
    )
    existing_approval = forms.ModelChoiceField(
        queryset=Approval.objects.none(),  # those given by today, set for each form
        required=False,
        label="Existing approval",
        help_text="Choose a state approval already on record, or record a new one below.",
    )
    material_id = forms.CharField(label="Material ID", max_length=60, required=False)
    state_tracking_number = forms.CharField(max_length=60, required=False)
    approving_body = forms.CharField(
        max_length=200, required=False, initial="MO HealthNet Division"
    )
    approved_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The state's approval date. May be in the past; not in the future.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    letter = forms.FileField(
        required=False,
        label="Approval letter",
        max_length=Approval._meta.get_field("letter").max_length,
        validators=Approval._meta.get_field("letter").validators,
        help_text=Approval._meta.get_field("letter").help_text
        + " If the form comes back with an error, choose it again: browsers do not keep it.",
    )

    # What only a new approval has (the approving body is filled in for the reviewer).
    NEW_APPROVAL_FIELDS = ("material_id", "state_tracking_number", "approved_on", "notes", "letter")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing_approval"].queryset = Approval.objects.given_by()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject":
            if not cleaned.get("comment", "").strip():
                self.add_error("comment", "Say why you reject it: the author will read this.")
            return cleaned
        if cleaned.get("decision") != "approve":
            return cleaned
        if cleaned.get("existing_approval"):
            typed = [name for name in self.NEW_APPROVAL_FIELDS if cleaned.get(name)]
            if typed:
                # Either would be a guess at which one the reviewer meant to record.
                self.add_error(
                    "existing_approval",
                    "Choose an existing approval or record a new one below, not both: clear "
                    "the existing approval, or the new approval's "
                    + ", ".join(self.fields[name].label or pretty_name(name) for name in typed)
                    + ".",
                )
            return cleaned
        for name, message in [
            ("material_id", "Enter the material ID the state approved, e.g. MOC16078."),
            ("approving_body", "Enter who approved it, e.g. MO HealthNet Division."),
            ("approved_on", "Enter the date of the state's approval."),
        ]:
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        if error := approval_date_error(cleaned.get("approved_on")):
            self.add_error("approved_on", error)
        if recorded := approval_on_record(cleaned):
            self.add_error(
                "existing_approval",
                f"{recorded} is already on record from {recorded.approving_body}: choose it "
                "here rather than record it again, so each approval has one record.",
            )
        return cleaned

    def approval_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in (
                "material_id",
                "state_tracking_number",
                "approving_body",
                "approved_on",
                "notes",
                "letter",
            )
            if self.cleaned_data.get(name) is not None
        }


class ApprovalAdminForm(forms.ModelForm):
    """An approval recorded on its own, to choose later in a review: dated as the state
    dated it, never in the future, as in the review form."""

    class Meta:
        model = Approval
        fields = [
            "material_id", "state_tracking_number", "approving_body", "approved_on", "notes",
            "letter",
        ]  # fmt: skip

    def clean_approved_on(self):
        approved_on = self.cleaned_data["approved_on"]
        if error := approval_date_error(approved_on):
            raise ValidationError(error)
        return approved_on

    def clean(self):
        cleaned = super().clean()
        if recorded := approval_on_record(cleaned):
            raise ValidationError(
                f"{recorded} is already on record from {recorded.approving_body}: choose it "
                "in the review rather than record it again, so each approval has one record."
            )
        return cleaned


class CommaListField(SimpleArrayField):
    """Words separated by commas, blank ones left out: "prescription, medicine," is two."""

    def to_python(self, value):
        if isinstance(value, str):
            value = self.delimiter.join(
                item for item in value.split(self.delimiter) if item.strip()
            )
        return super().to_python(value)


class SearchSynonymAdminForm(ChangedInPlace, forms.ModelForm):
    """Search reads a synonym as soon as it is saved: a form shown before another editor
    changed it is refused instead of putting back what it was shown with."""

    class Meta:
        model = SearchSynonym
        fields = ["language", "term", "equivalents", "is_two_way"]
        field_classes = {"equivalents": CommaListField}


class AsOfForm(forms.Form):
    at = forms.DateTimeField(
        label="Moment",
        # To the second, as the audit log and the compliance report give moments.
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S"
        ),
    )
    path = forms.CharField(initial="/", max_length=300, label="Page address")

    def clean_path(self):
        """The address as the redirect will write it: urlsplit drops tabs and line breaks,
        so "/", a tab and "/evil.example" would become "//evil.example", another site."""
        path = self.cleaned_data["path"].strip()
        page = urlsplit(path)
        if (
            any(ord(character) < 32 or character == "\\" for character in path)
            or page.scheme
            or page.netloc
            or not page.path.startswith("/")
            or page.path.startswith(("//", "/admin"))
        ):
            raise ValidationError("Enter a public page address starting with /, e.g. /contact/.")
        return path

    def clean_at(self):
        at = self.cleaned_data["at"]
        if error := past_moment_error(at):
            raise ValidationError(error)
        return at


def past_moment_error(at: datetime.datetime) -> str:
    """Why pages cannot be rebuilt as members saw them at this moment, if they cannot."""
    if at > timezone.now():
        return "Choose a moment in the past: the future has not been served."
    if at.year < MEDICAID_BEGAN.year:
        return f"Choose a moment since {MEDICAID_BEGAN.year}: no member material is older."
    return ""


def past_moment(raw: str) -> datetime.datetime | None:
    """The moment an address's ?as_of= names, as the point-in-time form reads it (a local
    time that does not exist, or exists twice, on a clock change is refused), if pages can
    be rebuilt at it."""
    try:
        # In the plan's time: PostgreSQL refuses offsets Python takes ("-23:59"), and the
        # year that must be 1965 or later is the plan's ("1965-01-01T00:00+14:00" is not).
        at = timezone.localtime(forms.DateTimeField().clean(raw))
    except (ValidationError, OverflowError):  # "0001-01-01T00:00+14:00" is before year 1
        return None
    return None if past_moment_error(at) else at


def clock_change_message(raw: str, address_at) -> str:
    """What to say of a local time, on a day the clocks change, that names no moment (the
    hour skipped) or two (the hour that happens twice: members saw pages at both, and only
    the reviewer knows which is meant, so each is linked, to `address_at(moment)`); "" for
    any other time."""
    try:
        naive = datetime.datetime.fromisoformat(raw.strip())
    except ValueError:
        return ""
    if naive.tzinfo is not None:
        return ""
    zone = timezone.get_current_timezone()
    first, second = (naive.replace(tzinfo=zone, fold=fold) for fold in (0, 1))
    if first.utcoffset() == second.utcoffset():
        return ""
    said = f"{naive:%H:%M:%S} on {naive:%m/%d/%Y}"
    if first.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return (
            f"{said} did not happen in the plan's time: the clocks went forward an hour. "
            "Choose a moment before or after that hour."
        )
    readings = [at for at in (first, second) if not past_moment_error(at)]
    if not readings:
        return ""
    moments = format_html_join(
        " or ",
        '<a href="{}">{}</a>',
        ((address_at(at), f"{at:%H:%M:%S %Z}") for at in readings),
    )
    return format_html(
        "{} happened twice in the plan's time, as the clocks went back an hour: choose {}.",
        said,
        moments,
    )


class SearchPeriodForm(forms.Form):
    """The period of the search report: the last 30 days unless the reviewer picks dates."""

    DEFAULT_DAYS = 30

    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(
        label="Searched from pages in",
        choices=[("", "Every language"), *settings.LANGUAGES],
        required=False,
    )

    def __init__(self, data=None, **kwargs):
        today = timezone.localdate()
        if not data or not ({"start", "end"} & set(data)):
            data = {
                "start": today - datetime.timedelta(days=self.DEFAULT_DAYS - 1),
                "end": today,
                "language": (data or {}).get("language", ""),
            }
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise ValidationError("The period must start on or before the day it ends.")
        return cleaned


class SearchTryForm(forms.Form):
    """Words to try in the admin's search preview, as a member on a page in one language."""

    q = forms.CharField(label="Words", max_length=1000, strip=False)
    language = forms.ChoiceField(
        label="As searched from pages in",
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )
