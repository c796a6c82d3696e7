"""What the question form does and says on save, submit and withdrawal."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from faq.models import Entry, Status
from tests.factories import make_category, make_user

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

    response = client.post(
        reverse("admin:faq_entry_change", args=[entry.pk]),
        {**form, "base_revision": english.pk, "_submit": "Save and submit for review"},
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
    response = client.post(
        reverse("admin:faq_entry_change", args=[entry.pk]),
        {**form, "base_revision": english.pk, "_submit": "1"},
    )
    assert said(response)[:1] == [
        "Nothing was submitted: no version is a draft or rejected (each is already submitted "
        "or approved)."
    ]
