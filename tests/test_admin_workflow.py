"""What the question form does and says on save, submit and withdrawal."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from faq.models import Approval, Entry, Status
from tests.factories import make_category, make_user
from tests.test_admin import entry_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_user(role="editor")
    client.force_login(user)
    return user


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def new_question_form(category, **changes):
    data = {
        "question": "How do I get a ride?",
        "answer": "Call us.",
        "question_es": "¿Cómo consigo transporte?",
        "answer_es": "Llámenos.",
        "category": category.pk,
        "slug": "rides",
        "position": 1,
        "go_live_at": "",
        "expires_at": "",
        "base_revision": "",
    }
    data.update(changes)
    return data


def test_save_and_submit_sends_an_unchanged_spanish_draft_too(client, editor):
    form = new_question_form(make_category())
    client.post(reverse("admin:faq_entry_add"), {**form, "_continue": "1"}, follow=True)
    entry = Entry.objects.get(slug="rides")
    assert set(entry.revisions.values_list("status", flat=True)) == {Status.DRAFT}
    english = entry.revisions.originals().get()

    spanish = entry.revisions.get(language="es")
    response = client.post(
        reverse("admin:faq_entry_change", args=[entry.pk]),
        {
            **form,
            "base_revision": english.pk,
            "base_revision_es": spanish.pk,
            "_submit": "Save and submit for review",
        },
    )
    assert response.status_code == 302
    assert dict(entry.revisions.values_list("language", "status")) == {
        "en": Status.SUBMITTED,
        "es": Status.SUBMITTED,
    }
    assert entry.revisions.count() == 2  # nothing new was saved: the drafts were sent
    assert said(response)[:2] == [
        "The English version was submitted for review.",
        "The Español version was submitted for review.",
    ]


def test_save_and_submit_with_nothing_to_send_says_so(client, editor):
    form = new_question_form(make_category())
    client.post(reverse("admin:faq_entry_add"), {**form, "_submit": "1"}, follow=True)
    entry = Entry.objects.get(slug="rides")
    english = entry.revisions.originals().get()
    spanish = entry.revisions.get(language="es")
    response = client.post(
        reverse("admin:faq_entry_change", args=[entry.pk]),
        {**form, "base_revision": english.pk, "base_revision_es": spanish.pk, "_submit": "1"},
    )
    assert said(response)[:1] == [
        "Nothing was submitted: no version is a draft or rejected (each is already submitted "
        "or approved)."
    ]


def withdrawn_entry_with_a_submitted_draft():
    from faq.approvals import item_withdraw, revision_submit
    from tests.factories import add_revision, make_entry

    entry = make_entry(answer="Live words.")
    draft = add_revision(entry, answer="New words.", by=make_user(role="editor"))
    revision_submit(revision=draft, by=None)
    item_withdraw(item=entry, by=None)
    return entry, draft


def test_a_withdrawn_questions_form_says_members_will_not_see_it(client, editor):
    entry, _ = withdrawn_entry_with_a_submitted_draft()
    response = client.get(reverse("admin:faq_entry_change", args=[entry.pk]))
    assertContains(response, "This question is withdrawn: members will not see it.")
    assertContains(response, "a withdrawal cannot be undone", count=2)
    assertNotContains(response, "Nothing: no version of this is live.")
    assertNotContains(response, 'name="_submit"')


def test_a_withdrawn_questions_new_words_are_kept_but_not_submitted(client, editor):
    entry, _ = withdrawn_entry_with_a_submitted_draft()
    response = client.post(
        reverse("admin:faq_entry_change", args=[entry.pk]),
        entry_form(entry, answer="Newer words.", _submit="1"),
        follow=True,
    )
    newest = entry.revisions.order_by("-pk").first()
    assert (newest.answer, newest.status) == ("Newer words.", Status.DRAFT)
    assertContains(response, "The English version was not submitted: This question is withdrawn")
    refused = client.post(reverse("admin:faq_entryrevision_submit", args=[newest.pk]), follow=True)
    assertContains(refused, "This question is withdrawn")
    newest.refresh_from_db()
    assert newest.status == Status.DRAFT


def test_a_withdrawn_questions_version_cannot_be_approved_but_can_be_rejected(client):
    entry, draft = withdrawn_entry_with_a_submitted_draft()
    client.force_login(make_user(role="reviewer"))
    review = reverse("admin:faq_entryrevision_review") + f"?ids={draft.pk}"
    page = client.get(review)
    assertContains(page, "This question is withdrawn")
    assertContains(page, "It cannot be approved; reject it to clear it from the queue.")
    decision = {
        "decision": "approve",
        "material_id": "MOC26010",
        "approving_body": "MO HealthNet Division",
        "approved_on": "2026-03-02",
    }
    refused = client.post(review, decision)
    assertContains(refused, "members will not see it, whatever is approved", status_code=400)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert not Approval.objects.filter(material_id="MOC26010").exists()
    client.post(review, {"decision": "reject", "comment": "Withdrawn question."})
    draft.refresh_from_db()
    assert draft.status == Status.REJECTED


def test_the_first_save_of_a_new_question_says_members_see_nothing_yet(client, editor):
    response = client.post(
        reverse("admin:faq_entry_add"),
        new_question_form(make_category(), question_es="", answer_es=""),
    )
    assert said(response)[0] == (
        "Saved as a new draft. Members see nothing of this question until a version of it is "
        "approved."
    )


def test_a_new_draft_of_a_live_question_says_members_keep_the_approved_version(client, editor):
    from tests.factories import make_entry

    entry = make_entry()
    response = client.post(
        reverse("admin:faq_entry_change", args=[entry.pk]), entry_form(entry, answer="New.")
    )
    assert said(response)[0] == (
        "Saved as a new draft. Members keep seeing the approved version until this one is approved."
    )


def test_a_spanish_draft_follows_the_english_draft_that_replaced_its_original(client, editor):
    form = new_question_form(make_category())
    client.post(reverse("admin:faq_entry_add"), {**form, "_continue": "1"}, follow=True)
    entry = Entry.objects.get(slug="rides")
    first = entry.revisions.originals().get()
    # Only the English changes: a new English draft replaces the first before any approval.
    response = client.post(
        reverse("admin:faq_entry_change", args=[entry.pk]),
        {
            **form,
            "answer": "Call us first.",
            "base_revision": first.pk,
            "base_revision_es": entry.revisions.get(language="es").pk,
            "_submit": "1",
        },
    )
    assert response.status_code == 302
    newest = entry.revisions.originals().order_by("-pk").first()
    spanish = entry.revisions.filter(language="es").order_by("-pk").first()
    assert spanish.source_revision == newest and spanish.answer == "Llámenos."
    assert {newest.status, spanish.status} == {Status.SUBMITTED}
    # One review approves both.
    reviewer = make_user(role="reviewer")
    client.force_login(reviewer)
    ids = f"{newest.pk},{spanish.pk}"
    data = {"decision": "approve", "comment": "", "material_id": "MOC26009",
            "approving_body": "MO HealthNet Division", "approved_on": "2026-03-02"}  # fmt: skip
    client.post(reverse("admin:faq_entryrevision_review") + f"?ids={ids}", data)
    assert set(entry.revisions.live().values_list("pk", flat=True)) == {newest.pk, spanish.pk}


def test_older_words_are_never_approved_over_newer_approved_ones():
    from faq.approvals import revision_approve, revision_submit
    from tests.factories import add_revision, make_approval, make_entry, publish

    entry = make_entry(answer="First words.")
    older = revision_submit(revision=add_revision(entry, answer="Older draft."), by=None)
    newer = publish(add_revision(entry, answer="Newer words."))
    with pytest.raises(ValidationError, match=f"Version #{newer.pk}, written after this one"):
        revision_approve(revision=older, by=None, approval=make_approval())
    assert entry.revisions.live().get() == newer


def test_an_expiry_alone_is_a_new_version_for_review(client, editor):
    import datetime

    from django.utils import timezone

    from tests.factories import make_entry

    entry = make_entry(answer="Flu shots until March.")
    approved = entry.revisions.get()
    # The same words with no schedule make no new version.
    client.post(reverse("admin:faq_entry_change", args=[entry.pk]), entry_form(entry))
    assert entry.revisions.count() == 1
    expiry = timezone.localtime() + datetime.timedelta(days=30)
    form = entry_form(entry, expires_at=expiry.strftime("%Y-%m-%dT%H:%M"), _submit="1")
    response = client.post(reverse("admin:faq_entry_change", args=[entry.pk]), form)
    assert response.status_code == 302
    newest = entry.revisions.order_by("-pk").first()
    assert newest != approved and newest.status == Status.SUBMITTED
    assert newest.answer == approved.answer
    assert timezone.localtime(newest.expires_at).strftime("%Y-%m-%dT%H:%M") == form["expires_at"]


def test_a_translations_state_reads_true_from_draft_to_expiry(client, monkeypatch):
    import datetime

    from django.utils import timezone

    from faq.approvals import revision_approve, revision_submit
    from tests.factories import add_revision, add_translation, make_approval, make_entry, publish

    entry = make_entry(answer="Rides.", live=False)
    english = entry.revisions.get()
    spanish = add_translation(entry, source=english, live=False, answer="Transporte.")
    client.force_login(make_user(role="reviewer"))

    def listed() -> str:
        listing = client.get(reverse("admin:faq_entryrevision_changelist")).content.decode()
        change = reverse("admin:faq_entryrevision_change", args=[spanish.pk])
        row = listing.split(f'href="{change}"', 1)[1].split("</tr>", 1)[0]
        return row.split('class="field-outdated">', 1)[1].split("<", 1)[0]

    assert listed() == f"translates #{english.pk} of the original, not approved yet"
    for revision in (english, spanish):
        revision_submit(revision=revision, by=None)
    review = client.get(reverse("admin:faq_entryrevision_review") + f"?ids={spanish.pk}")
    assertContains(review, "which is submitted for review, not approved yet")
    assertNotContains(review, "Outdated:")
    approval = make_approval()
    for revision in (english, spanish):
        revision_approve(revision=revision, by=None, approval=approval)
    assert listed() == "translates the live original"
    soon = timezone.now() + datetime.timedelta(minutes=1)
    publish(add_revision(entry, expires_at=soon))
    later = soon + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert listed() == "no original is live"


def form_as_shown(client, entry, **changes) -> dict:
    """What the question's form sends when saved as the signed-in user sees it now, with
    `changes` typed in."""
    form = client.get(reverse("admin:faq_entry_change", args=[entry.pk])).context["adminform"]
    data = {}
    for name, field in form.form.fields.items():
        value = form.form[name].value()
        data[name] = "" if value is None else field.prepare_value(value)
    return {**data, **changes}


def stale_form_saved(client, entry, *, mine: dict, theirs: dict):
    """ed1 opens the question's form and types `mine`; meanwhile ed2 saves `theirs`; then
    ed1 saves. Returns ed1's answer and what ed1's form sent."""
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    ed1 = make_user(username="ed1", role="editor")
    client.force_login(ed1)
    stale = form_as_shown(client, entry, **mine)
    client.force_login(make_user(username="ed2", role="editor"))
    assert client.post(url, form_as_shown(client, entry, **theirs)).status_code == 302
    client.force_login(ed1)
    return client.post(url, stale), stale


def test_unchanged_spanish_words_following_a_new_english_draft_keep_their_author(client):
    from faq.models import AuditEvent
    from tests.factories import add_translation, make_entry

    entry = make_entry(question="How do I get a ride?", answer="Call us.")
    add_translation(entry, question="¿Transporte?", answer="Llámenos.")
    adm1 = make_user(username="adm1", is_superuser=True)
    adm2 = make_user(username="adm2", is_superuser=True)
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    client.force_login(adm1)
    client.post(url, form_as_shown(client, entry, answer="Call us today.", answer_es="Hoy."))
    spanish_by_adm1 = entry.revisions.filter(language="es").latest("pk")
    assert spanish_by_adm1.created_by == adm1

    client.force_login(adm2)
    saved = client.post(url, form_as_shown(client, entry, answer="Call us now.", _submit="1"))
    assert saved.status_code == 302
    english = entry.revisions.originals().latest("pk")
    spanish = entry.revisions.filter(language="es").latest("pk")
    assert (english.created_by, english.status) == (adm2, Status.SUBMITTED)
    assert spanish != spanish_by_adm1 and spanish.source_revision == english
    assert (spanish.answer, spanish.created_by, spanish.status) == ("Hoy.", adm1, Status.SUBMITTED)
    created = AuditEvent.objects.get(entry_revision=spanish, action="created")
    assert created.actor == adm2
    assert f"The words of #{spanish_by_adm1.pk}, written by adm1, unchanged" in created.comment
    assert "still credited to adm1, who wrote them" in " ".join(said(saved))

    # adm1 wrote the Spanish words: reviewing the two together is refused, as a whole.
    client.force_login(adm1)
    review = reverse("admin:faq_entryrevision_review") + f"?ids={english.pk},{spanish.pk}"
    data = {"decision": "approve", "comment": "", "material_id": "MOC26011",
            "approving_body": "MO HealthNet Division", "approved_on": "2026-03-02"}  # fmt: skip
    refused = client.post(review, data)
    assert refused.status_code == 400
    assert set(entry.revisions.filter(pk__in=[english.pk, spanish.pk]).values_list(
        "status", flat=True)) == {Status.SUBMITTED}  # fmt: skip
    assert not Approval.objects.filter(material_id="MOC26011").exists()
    client.force_login(make_user(role="reviewer"))
    assert client.post(review, data).status_code == 302
    assert set(entry.revisions.live().values_list("pk", flat=True)) == {english.pk, spanish.pk}


def test_a_stale_form_does_not_bury_a_spanish_draft_saved_meanwhile(client):
    from tests.factories import add_translation, make_entry

    entry = make_entry(question="How do I get a ride?", answer="Call us.")
    add_translation(entry, question="¿Transporte?", answer="Llámenos.")
    refused, stale = stale_form_saved(
        client, entry, mine={"answer": "Call us today."}, theirs={"answer_es": "Llámenos hoy."}
    )
    assert refused.status_code == 200
    assertContains(refused, "ed2 saved a newer Español version at")
    spanish = entry.revisions.filter(language="es").latest("pk")
    assert (spanish.answer, spanish.created_by.username) == ("Llámenos hoy.", "ed2")
    assert entry.revisions.count() == 3  # ed2's draft only: nothing of ed1's, no old Spanish
    shown = refused.context["adminform"].form
    assert shown["answer"].value() == "Call us today."
    assert shown["answer_es"].value() == "Llámenos hoy."  # ed1 had not changed the Spanish

    again = {name: shown[name].value() for name in stale} | {"category": entry.category_id}
    assert client.post(reverse("admin:faq_entry_change", args=[entry.pk]), again).status_code == 302
    english = entry.revisions.originals().latest("pk")
    assert (english.answer, english.created_by.username) == ("Call us today.", "ed1")
    assert entry.revisions.filter(language="es").latest("pk") == spanish


def test_spanish_typed_into_a_stale_form_is_kept_for_the_editor_to_compare(client):
    from tests.factories import add_translation, make_entry

    entry = make_entry()
    add_translation(entry, answer="Llámenos.")
    refused, _ = stale_form_saved(
        client,
        entry,
        mine={"answer_es": "La versión de ed1."},
        theirs={"answer_es": "La versión de ed2."},
    )
    assertContains(refused, "ed2 saved a newer Español version at")
    assertContains(refused, "Your text is still in the form below.")
    assert refused.context["adminform"].form["answer_es"].value() == "La versión de ed1."
    assert not entry.revisions.filter(answer="La versión de ed1.").exists()


def test_a_stale_form_shows_the_newer_english_where_the_editor_changed_nothing(client):
    from tests.factories import make_entry

    entry = make_entry(question="Old question?", answer="Old answer.")
    refused, _ = stale_form_saved(
        client, entry, mine={"question": "New question?"}, theirs={"answer": "New answer."}
    )
    assertContains(refused, "ed2 saved a newer version at")
    assertContains(refused, "what you had not changed now shows the newer words")
    shown = refused.context["adminform"].form
    assert (shown["question"].value(), shown["answer"].value()) == ("New question?", "New answer.")


def test_a_stale_form_does_not_put_back_an_address_another_editor_changed(client):
    from tests.factories import make_entry

    entry = make_entry(slug="lost-card", answer="Old answer.")
    refused, stale = stale_form_saved(
        client, entry, mine={"answer": "New answer."}, theirs={"slug": "lost-card-moved"}
    )
    assert refused.status_code == 200
    assertContains(
        refused, "Another editor changed this question&#x27;s Slug (now “lost-card-moved”)"
    )
    entry.refresh_from_db()
    assert entry.slug == "lost-card-moved"
    assert entry.revisions.count() == 1  # an address is no new version, nor was ed1's saved
    shown = refused.context["adminform"].form
    assert (shown["slug"].value(), shown["answer"].value()) == ("lost-card-moved", "New answer.")

    again = {name: shown[name].value() for name in stale}
    assert client.post(reverse("admin:faq_entry_change", args=[entry.pk]), again).status_code == 302
    entry.refresh_from_db()
    assert entry.slug == "lost-card-moved"
    assert entry.revisions.latest("pk").answer == "New answer."


def test_a_stale_forms_own_position_and_topic_are_kept_for_the_editor_to_compare(client):
    from tests.factories import make_entry

    entry = make_entry(position=3)
    other_topic = make_category()
    refused, _ = stale_form_saved(
        client, entry, mine={"position": 9}, theirs={"position": 5, "category": other_topic.pk}
    )
    assertContains(refused, "Position (now “5”)")
    assertContains(refused, f"Category (now “{other_topic}”)")
    entry.refresh_from_db()
    assert (entry.position, entry.category) == (5, other_topic)
    shown = refused.context["adminform"].form
    assert str(shown["position"].value()) == "9"  # what ed1 typed
    assert str(shown["category"].value()) == str(other_topic.pk)  # ed1 had not changed it


def test_a_save_that_makes_only_a_spanish_draft_does_not_say_the_question_changed(client):
    from tests.factories import add_translation, make_entry

    entry = make_entry()
    add_translation(entry, answer="Llámenos.")
    client.force_login(make_user(role="editor"))
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    response = client.post(url, form_as_shown(client, entry, answer_es="Llámenos hoy."))
    assert response.status_code == 302
    english = entry.revisions.originals().get()
    assert said(response) == [
        f"Saved the Español version as a new draft, translating version #{english.pk} of the "
        "original."
    ]


def test_a_refusal_in_a_review_of_several_names_the_revision(client):
    from faq.approvals import revision_submit
    from tests.factories import add_revision, make_entry

    boss = make_user(is_superuser=True)
    mine = add_revision(make_entry(question="Lost card?"), answer="Mine.", by=boss)
    theirs = add_revision(make_entry(), answer="Theirs.", by=make_user(role="editor"))
    for revision in (mine, theirs):
        revision_submit(revision=revision, by=None)
    client.force_login(boss)
    review = reverse("admin:faq_entryrevision_review") + f"?ids={theirs.pk},{mine.pk}"
    data = {"decision": "approve", "comment": "", "material_id": "MOC26012",
            "approving_body": "MO HealthNet Division", "approved_on": "2026-03-02"}  # fmt: skip
    refused = client.post(review, data)
    assertContains(
        refused,
        f"#{mine.pk} (“Lost card?”): You wrote this revision, so someone else must approve it.",
        status_code=400,
    )
    theirs.refresh_from_db()
    assert theirs.status == Status.SUBMITTED


def change_form_as_shown(client, url: str, **changes) -> dict:
    """What an admin change form at `url` sends, with its inlines (a topic's names and a
    number's labels in other languages), when saved as shown now, with `changes` typed in."""
    return {**form_data(client.get(url)), **changes}


def form_data(response) -> dict:
    """What the change form in `response`, with its inlines, sends when saved as shown."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
        forms.extend(inline.formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else field.prepare_value(value)
    return data


def saved_meanwhile(client, url, *, mine: dict, theirs: dict):
    """An editor's form with `mine` typed, posted after another editor saved `theirs`."""
    client.force_login(make_user(role="editor"))
    stale = change_form_as_shown(client, url, **mine)
    client.force_login(make_user(role="editor"))
    assert client.post(url, change_form_as_shown(client, url, **theirs)).status_code == 302
    client.force_login(make_user(role="editor"))
    return client.post(url, stale)


def test_a_stale_topic_form_does_not_put_back_names_another_editor_changed(client):
    from faq.models import Category, CategoryTranslation

    category = make_category(name="Your doctors", description="Your PCP.")
    CategoryTranslation.objects.create(category=category, language="es", name="Sus médicos")
    url = reverse("admin:faq_category_change", args=[category.pk])
    renamed = {"name": "Doctors and specialists", "translations-0-name": "Médicos y especialistas"}
    refused = saved_meanwhile(
        client, url, mine={"description": "Your PCP and specialists."}, theirs=renamed
    )
    assert refused.status_code == 200
    assertContains(refused, "Another editor changed this category&#x27;s Name (now “Doctors")
    assertContains(refused, "category translation&#x27;s Name (now “Médicos y especialistas”)")
    category = Category.objects.get(pk=category.pk)
    assert (category.name, category.description) == ("Doctors and specialists", "Your PCP.")
    assert category.translations.get().name == "Médicos y especialistas"
    shown = refused.context["adminform"].form
    assert (shown["name"].value(), shown["description"].value()) == (
        "Doctors and specialists",
        "Your PCP and specialists.",
    )

    assert client.post(url, form_data(refused)).status_code == 302  # saved again: both kept
    category.refresh_from_db()
    assert (category.name, category.description) == (
        "Doctors and specialists",
        "Your PCP and specialists.",
    )
    assert category.translations.get().name == "Médicos y especialistas"


def test_saving_a_topic_form_twice_is_no_conflict(client):
    # A second click on Save posts the same form again: it puts nothing back.
    from faq.models import Category, CategoryTranslation

    category = make_category(name="Your doctors")
    CategoryTranslation.objects.create(category=category, language="es", name="Sus médicos")
    url = reverse("admin:faq_category_change", args=[category.pk])
    client.force_login(make_user(role="editor"))
    twice = change_form_as_shown(client, url, name="Doctors", **{"translations-0-name": "Médicos"})
    assert client.post(url, twice).status_code == 302
    again = client.post(url, twice)
    assert again.status_code == 302, again.context["adminform"].form.errors
    category = Category.objects.get(pk=category.pk)
    assert (category.name, category.translations.get().name) == ("Doctors", "Médicos")


def test_a_stale_number_form_does_not_put_back_a_label_another_editor_changed(client):
    from faq.models import ContactNumberTranslation
    from tests.factories import make_contact

    contact = make_contact()
    ContactNumberTranslation.objects.create(contact=contact, language="es", label="Servicios")
    url = reverse("admin:faq_contactnumber_change", args=[contact.pk])
    relabelled = {"translations-0-label": "Servicios para Miembros"}
    refused = saved_meanwhile(client, url, mine={"hours": "24 hours a day"}, theirs=relabelled)
    assert refused.status_code == 200
    assertContains(refused, "translation&#x27;s Label (now “Servicios para Miembros”)")
    assert contact.translations.get().label == "Servicios para Miembros"
    assert contact.revisions.count() == 1  # nor was ed1's new version saved


def test_a_stale_synonym_form_does_not_put_back_words_another_editor_changed(client):
    from faq.models import SearchSynonym
    from tests.factories import make_synonym

    synonym = make_synonym(term="pcp", equivalents=["primary care provider"])
    url = reverse("admin:faq_searchsynonym_change", args=[synonym.pk])
    added = {"equivalents": "primary care provider,primary care doctor"}
    refused = saved_meanwhile(client, url, mine={"is_two_way": False}, theirs=added)
    assert refused.status_code == 200
    assertContains(
        refused,
        "Another editor changed this search synonym&#x27;s Equivalents (now “primary care "
        "provider, primary care doctor”)",
    )
    synonym = SearchSynonym.objects.get(pk=synonym.pk)
    assert synonym.equivalents == ["primary care provider", "primary care doctor"]
    assert synonym.is_two_way
    shown = refused.context["adminform"].form
    assert shown["equivalents"].value() == "primary care provider,primary care doctor"

    assert client.post(url, form_data(refused)).status_code == 302  # saved again: both kept
    synonym.refresh_from_db()
    assert synonym.equivalents == ["primary care provider", "primary care doctor"]
    assert not synonym.is_two_way
