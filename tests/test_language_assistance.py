"""The language assistance page: taglines in the plan's languages, each in its own language
and script, and the notice of nondiscrimination, approved like any member material."""

import datetime
import hashlib
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from faq.approvals import item_withdraw, revision_create, revision_restore
from faq.contacts import live_contacts
from faq.models import ContactNumber, Notice, NoticeKind, NoticeRevision, Status
from faq.reports import verify_content_hashes
from faq.tokens import answer_text, expand_phone_tokens
from tests.factories import add_revision, make_contact, make_entry, make_user, publish
from tests.test_admin import signed_in

pytestmark = pytest.mark.django_db

TAGLINE = re.compile(
    r'<li id="tagline-([\w-]+)" lang="([\w-]+)" dir="(ltr|rtl)">\s*<h3>([^<]+)</h3>'
    r'\s*<div class="tagline-text">(.*?)</div>\s*</li>',
    re.DOTALL,
)


def make_notice(*, kind=NoticeKind.TAGLINE, language="so", title="Soomaali", live=True, **kw):
    body = kw.pop("body", "FIIRO GAAR AH: Wac [[phone:member-services]].")
    version = {k: kw.pop(k) for k in ("direction", "is_direction_hashed") if k in kw}
    notice = Notice.objects.create(kind=kind, language=language, **kw)
    revision = revision_create(
        model=NoticeRevision, parent=notice, by=None, title=title, body=body, **version
    )
    if live:
        publish(revision)
    return notice


def test_every_tagline_is_in_its_own_language_and_direction_with_both_numbers(demo_content, client):
    for path in ("/language-assistance/", "/es/language-assistance/"):
        body = client.get(path).content.decode()
        taglines = TAGLINE.findall(body)
        languages = [language for _, language, _, _, _ in taglines]
        assert len(taglines) >= 15 and languages[:2] == ["en", "es"]
        assert len(set(languages)) == len(languages)
        assert {lang for _, lang, direction, _, _ in taglines if direction == "rtl"} >= {"ar", "fa"}
        for anchor, _, _, _, text in taglines:
            assert 'href="tel:+18003226027"' in text, anchor  # Member Services, toll-free
            assert 'href="tel:711"' in text, anchor  # TTY relay
            assert "[[phone:" not in text
        names = {lang: name for _, lang, _, name, _ in taglines}
        assert names["es"] == "Español" and names["ar"] == "العربية" and names["zh-Hant"]


def test_the_notice_is_in_the_pages_language_and_the_taglines_stay(demo_content, client):
    english = client.get("/language-assistance/")
    assertContains(english, '<h2 id="nondiscrimination-heading">Notice of nondiscrimination</h2>')
    assertContains(english, 'href="tel:+18003681019"')  # HHS Office for Civil Rights
    assertContains(english, "<h1>Language assistance</h1>")
    spanish = client.get("/es/language-assistance/")
    assertContains(spanish, '<h2 id="nondiscrimination-heading">Aviso de no discriminación</h2>')
    assertContains(spanish, "<h1>Asistencia con idiomas</h1>")
    assertNotContains(spanish, "translation-note")
    for response in (english, spanish):
        assertContains(response, "MOC-LA-DEMO")  # the stamp names the notices' approval


def test_a_notice_without_a_version_in_the_pages_language_falls_back_with_a_note(client):
    make_contact(key="member-services")
    make_notice(kind=NoticeKind.NONDISCRIMINATION, language="en", title="Notice", body="Text.")
    spanish = client.get("/es/language-assistance/")
    assertContains(spanish, '<div lang="en" dir="ltr">')
    assertContains(spanish, "translation-note")


def test_every_page_links_to_language_assistance_in_its_footer(demo_content, client):
    pages = ["/", "/topics/your-doctors/", "/questions/what-is-a-pcp/", "/contact/"]
    pages += ["/search/?q=card", "/language-assistance/", "/no-such-page/"]
    for path in pages + ["/es" + path for path in pages]:
        response = client.get(path)
        address = "/es/language-assistance/" if path.startswith("/es") else "/language-assistance/"
        link = f'<a href="{address}" data-address="http://testserver{address}">'
        assertContains(response, link, status_code=response.status_code, msg_prefix=path)


def test_a_tagline_is_shown_only_once_approved(client):
    make_contact(key="member-services")
    notice = make_notice(live=False)
    assertNotContains(client.get("/language-assistance/"), "Soomaali")
    revision = notice.revisions.get()
    publish(revision)
    response = client.get("/language-assistance/")
    assertContains(response, '<li id="tagline-so" lang="so" dir="ltr">')
    assertContains(response, revision.approval.material_id)
    item_withdraw(item=notice, by=None)
    assertNotContains(client.get("/language-assistance/"), "Soomaali")


def test_without_any_tagline_the_page_still_gives_the_number(client):
    make_contact(key="member-services")
    response = client.get("/language-assistance/")
    assertContains(response, "for free help in your language")
    assertContains(response, 'href="tel:+18003226027"')


def test_a_number_the_taglines_name_cannot_be_withdrawn(demo_content):
    with pytest.raises(ValidationError, match=r"\[\[phone:relay\]\]"):
        item_withdraw(item=ContactNumber.objects.get(key="relay"), by=None)


def test_an_editor_adds_a_right_to_left_tagline_and_a_reviewer_approves_it(client):
    make_contact(key="member-services")
    editor, reviewer = make_user(role="editor"), make_user(role="reviewer")
    signed_in(client, editor)
    form = {
        "title": "اردو",
        "body": "توجہ دیں: مفت مدد کے لیے [[phone:member-servics]] پر کال کریں۔",
        "kind": "tagline",
        "language": "ur",
        "direction": "rtl",
        "position": 5,
    }
    refused = client.post(reverse("admin:faq_notice_add"), form)
    assertContains(refused, "No contact number matches [[phone:member-servics]]")
    assert not Notice.objects.exists()
    form["body"] = form["body"].replace("servics", "services")
    assert client.post(reverse("admin:faq_notice_add"), {**form, "_submit": "1"}).status_code == 302
    revision = NoticeRevision.objects.get()
    assert revision.status == "submitted"
    assertNotContains(client.get("/language-assistance/"), "اردو")

    signed_in(client, reviewer)
    decision = {
        "decision": "approve",
        "material_id": "MOC-UR-1",
        "approving_body": "MO HealthNet Division",
        "approved_on": "2026-11-01",
    }
    url = reverse("admin:faq_noticerevision_review") + f"?ids={revision.pk}"
    assert client.post(url, decision).status_code == 302
    response = client.get("/language-assistance/")
    assertContains(response, '<li id="tagline-ur" lang="ur" dir="rtl">')
    assertContains(response, "MOC-UR-1")


def test_a_language_tag_that_is_not_one_is_refused(client):
    signed_in(client, make_user(is_superuser=True))
    response = client.post(
        reverse("admin:faq_notice_add"),
        {"title": "X", "body": "Y", "kind": "tagline", "language": "Spanish!", "direction": "ltr"},
    )
    assert response.status_code == 200
    assert not Notice.objects.exists()


def test_a_tty_added_to_a_number_is_not_said_twice_where_the_text_gives_it(demo_content, client):
    # The taglines write "[[phone:member-services]] (TTY: [[phone:relay]])"; once Member
    # Services carries the relay's 711 itself, every tagline must still give it once.
    member_services = ContactNumber.objects.get(key="member-services")
    publish(add_revision(member_services, tty_number="711"))
    for path in ("/language-assistance/", "/es/language-assistance/"):
        body = client.get(path).content.decode()
        taglines = TAGLINE.findall(body)
        assert len(taglines) >= 15
        for anchor, _, _, _, text in taglines:
            assert text.count('href="tel:711"') == 1, anchor
            assert text.count('href="tel:+18003226027"') == 1, anchor
        assert body.count('href="tel:711"') == body.count('href="tel:+18003226027"')
    # Where the text does not give it, the number still carries its TTY.
    answer = expand_phone_tokens("Call [[phone:member-services]] today.", live_contacts(None, "en"))
    assert answer.count('href="tel:711"') == 1
    entry = make_entry(answer="Call [[phone:member-services]] (TTY: [[phone:relay]]).")
    text = answer_text(entry.revisions.get(), live_contacts(None, "en"))
    assert text == "Call 1-800-322-6027 (TTY: 711)."


ARABIC = {"kind": NoticeKind.TAGLINE, "language": "ar", "title": "العربية"}
ARABIC_BODY = "تنبيه: اتصل على الرقم [[phone:member-services]]."


def notice_form(notice, **changes):
    latest = notice.revisions.order_by("-created_at", "-pk").first()
    return {
        "title": latest.title,
        "body": latest.body,
        "direction": latest.direction,
        "kind": notice.kind,
        "language": notice.language,
        "position": notice.position,
        "go_live_at": "",
        "expires_at": "",
        "base_revision": latest.pk,
        **changes,
    }


def test_a_right_to_left_correction_reaches_members_only_once_approved(client):
    make_contact(key="member-services")
    notice = make_notice(**ARABIC, body=ARABIC_BODY, direction="ltr")  # approved by mistake
    editor, reviewer = make_user(role="editor"), make_user(role="reviewer")
    url = reverse("admin:faq_notice_change", args=[notice.pk])
    form = notice_form(notice, direction="rtl", _submit="1")
    assert signed_in(client, editor).post(url, form).status_code == 302
    approved, correction = notice.revisions.order_by("created_at", "pk")
    assert (correction.status, correction.direction, correction.body) == (
        "submitted", "rtl", approved.body
    )  # fmt: skip
    assert approved.direction == "ltr"
    client.logout()
    assertContains(client.get("/language-assistance/"), '<li id="tagline-ar" lang="ar" dir="ltr">')

    review = reverse("admin:faq_noticerevision_review") + f"?ids={correction.pk}"
    page = signed_in(client, reviewer).get(review)
    assertContains(page, "Script direction</th>")
    assertContains(
        page, "<del>Left to right</del> <ins>Right to left (Arabic, Persian, Urdu, Hebrew …)</ins>"
    )
    decision = {
        "decision": "approve",
        "material_id": "MOC-AR-2",
        "approving_body": "MO HealthNet Division",
        "approved_on": "2026-11-01",
    }
    assert client.post(review, decision).status_code == 302
    client.logout()
    response = client.get("/language-assistance/")
    assertContains(response, '<li id="tagline-ar" lang="ar" dir="rtl">')
    assertContains(response, "MOC-AR-2")


def test_a_past_moment_shows_the_direction_members_read_then(client):
    make_contact(key="member-services")
    notice = make_notice(**ARABIC, body=ARABIC_BODY, direction="ltr")
    before = timezone.localtime() + datetime.timedelta(microseconds=1)
    publish(add_revision(notice, direction="rtl"))
    client.force_login(make_user(role="reviewer"))
    then = client.get("/language-assistance/", {"as_of": before.isoformat()})
    assertContains(then, "Archived view for compliance review")
    assertContains(then, '<li id="tagline-ar" lang="ar" dir="ltr">')
    now = client.get("/language-assistance/")
    assertContains(now, '<li id="tagline-ar" lang="ar" dir="rtl">')


def test_the_notice_form_writes_the_text_in_the_direction_of_the_version_edited(client):
    make_contact(key="member-services")
    notice = make_notice(**ARABIC, body=ARABIC_BODY, direction="ltr")
    add_revision(notice, direction="rtl")  # a correction waiting for review
    signed_in(client, make_user(role="editor"))
    url = reverse("admin:faq_notice_change", args=[notice.pk])
    form = client.get(url)
    box = '<textarea name="body" cols="90" rows="14" maxlength="20000"'
    assertContains(form, f'{box} dir="rtl" lang="ar"')
    refused = client.post(url, notice_form(notice, direction="ltr", body="Call 1-800-322-6027."))
    assertContains(refused, f'{box} dir="ltr" lang="ar"')
    listed = client.get(reverse("admin:faq_notice_changelist"))
    assertContains(listed, "Left to right (latest version: Right to left")
    # Members read it left to right until the correction is approved.
    changelist = reverse("admin:faq_notice_changelist")
    assertContains(client.get(changelist, {"direction": "ltr"}), "العربية")
    assertNotContains(client.get(changelist, {"direction": "rtl"}), "العربية")


def test_a_version_saved_before_directions_were_versioned_keeps_its_hash(client):
    # Hashed over its title and body alone, as when it was reviewed (migration 0018).
    make_contact(key="member-services")
    notice = make_notice(**ARABIC, body=ARABIC_BODY, direction="rtl", is_direction_hashed=False)
    old = notice.revisions.get()
    words = json.dumps({"title": old.title, "body": old.body}, sort_keys=True, ensure_ascii=False)
    assert old.content_hash == hashlib.sha256(words.encode()).hexdigest()
    assert verify_content_hashes() == []
    out = io.StringIO()
    call_command("verify_content_hashes", stdout=out)
    assert "All 2 revision hashes verified." in out.getvalue()  # the number's and the notice's
    # Saving its form unchanged is no new version, though a new one would hash differently.
    signed_in(client, make_user(role="editor"))
    url = reverse("admin:faq_notice_change", args=[notice.pk])
    assert client.post(url, notice_form(notice)).status_code == 302
    assert notice.revisions.count() == 1
    restored = revision_restore(revision=old, by=None)
    assert restored.is_direction_hashed and restored.direction == "rtl"
    assert restored.content_hash == restored.compute_hash() != old.content_hash
    assert verify_content_hashes() == []


def test_the_original_notice_of_nondiscrimination_cannot_be_withdrawn(client):
    make_contact(key="member-services")
    english = make_notice(kind=NoticeKind.NONDISCRIMINATION, language="en", title="Notice")
    spanish = make_notice(kind=NoticeKind.NONDISCRIMINATION, language="es", title="Aviso")
    with pytest.raises(ValidationError, match="members must always be able to read the notice"):
        item_withdraw(item=english, by=None)
    signed_in(client, make_user(role="editor"))
    chosen = {"action": "withdraw_selected", "_selected_action": [english.pk, spanish.pk]}
    confirm = client.post(reverse("admin:faq_notice_changelist"), chosen)
    assertContains(confirm, "These cannot be withdrawn:")
    assertContains(confirm, "Yes, withdraw 1")  # only the Spanish one is offered
    assertContains(confirm, f'name="_selected_action" value="{spanish.pk}"')
    assertNotContains(confirm, f'name="_selected_action" value="{english.pk}"')
    alone = {"action": "withdraw_selected", "_selected_action": [english.pk]}
    nothing = client.post(reverse("admin:faq_notice_changelist"), alone)
    assertContains(nothing, "None of these can be withdrawn")
    assertNotContains(nothing, "Withdraw 0")
    response = client.post(
        reverse("admin:faq_notice_changelist"),
        {"action": "withdraw_selected", "_selected_action": [english.pk], "post": "yes"},
        follow=True,
    )
    assertContains(response, "cannot be withdrawn: members must always be able to read")
    english.refresh_from_db()
    assert english.withdrawn_at is None
    item_withdraw(item=spanish, by=None)  # Spanish pages then show the English notice
    assertContains(client.get("/es/language-assistance/"), "Notice")


def test_a_withdrawn_tagline_can_be_replaced_by_a_new_one(client):
    make_contact(key="member-services")
    old = make_notice(language="so", title="Soomaali")
    item_withdraw(item=old, by=None)
    signed_in(client, make_user(role="editor"))
    form = {"title": "Af-Soomaali", "body": "Wac [[phone:member-services]].", "kind": "tagline",
            "language": "so", "direction": "ltr", "position": 1}  # fmt: skip
    response = client.post(reverse("admin:faq_notice_add"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Notice.objects.filter(language="so").count() == 2
    with pytest.raises(ValidationError, match="already exists"):
        Notice(kind=NoticeKind.TAGLINE, language="so").validate_constraints()


def test_the_original_notice_of_nondiscrimination_cannot_be_made_to_expire(client):
    make_contact(key="member-services")
    english = make_notice(kind=NoticeKind.NONDISCRIMINATION, language="en", title="Notice")
    soon = timezone.localtime() + datetime.timedelta(days=2)
    url = reverse("admin:faq_notice_change", args=[english.pk])
    signed_in(client, make_user(role="editor"))
    response = client.post(url, notice_form(english, expires_at=f"{soon:%Y-%m-%dT%H:%M}"))
    assertContains(response, "The notice of nondiscrimination in English cannot expire")
    assert english.revisions.count() == 1
    # Nor can a version with an expiry written some other way be approved.
    draft = revision_create(
        model=NoticeRevision, parent=english, by=None, title="Notice", body="New words.",
        expires_at=soon,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="cannot expire"):
        publish(draft)
    tagline = make_notice(language="so")
    response = client.post(
        reverse("admin:faq_notice_change", args=[tagline.pk]),
        notice_form(tagline, expires_at=f"{soon:%Y-%m-%dT%H:%M}"),
    )
    assert response.status_code == 302  # a tagline may expire


def test_a_language_tag_is_saved_in_its_conventional_case(client):
    # "ES" and "es" are one language: typed in capitals, the tag must not slip past the
    # one-notice-per-language rule nor meet the database's raw refusal.
    signed_in(client, make_user(is_superuser=True))
    form = {"title": "Español", "body": "Llame gratis.", "kind": "tagline", "direction": "ltr"}
    form["position"] = 1
    for typed, saved in (("ES", "es"), ("zh-hant", "zh-Hant"), ("PT_br", "pt-BR")):
        response = client.post(reverse("admin:faq_notice_add"), {**form, "language": typed})
        assert response.status_code == 302, typed
        assert Notice.objects.filter(language=saved).exists()
    duplicate = client.post(reverse("admin:faq_notice_add"), {**form, "language": "Es"})
    assertContains(duplicate, "A notice of this kind in this language already exists")
    refused = client.post(reverse("admin:faq_notice_add"), {**form, "language": "Spanish!"})
    assertContains(refused, "Give the language as a BCP 47 code")
    assert Notice.objects.count() == 3


def test_a_notice_cannot_go_live_before_a_number_it_names():
    later = timezone.now() + datetime.timedelta(days=3)
    line = make_contact(key="new-line", live=False)
    publish(add_revision(line, go_live_at=later))
    notice = make_notice(body="Wac [[phone:new-line]].", live=False)
    with pytest.raises(ValidationError, match="no approved number live at"):
        publish(notice.revisions.get())
    assert publish(add_revision(notice, go_live_at=later)).status == Status.APPROVED


def test_the_admin_lists_each_notice_in_its_language_and_direction(client):
    """WCAG 3.1.2: a screen reader reads a tagline's title in its language."""
    make_contact(key="member-services")
    make_notice(**ARABIC, body=ARABIC_BODY, direction="rtl")
    make_notice(kind=NoticeKind.NONDISCRIMINATION, language="en", title="Notice", body="Text.")
    signed_in(client, make_user(role="editor"))
    for listing in ("admin:faq_notice_changelist", "admin:faq_noticerevision_changelist"):
        response = client.get(reverse(listing))
        assertContains(response, '<span lang="ar" dir="rtl">العربية</span>')
        assertNotContains(response, '<span lang="en"')
    events = client.get(reverse("admin:faq_auditevent_changelist"), {"q": "العربية"})
    assertContains(events, '<span lang="ar" dir="rtl">العربية</span>')
