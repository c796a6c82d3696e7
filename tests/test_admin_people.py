"""Who recorded or did something shows as a name, never as a link reviewers cannot open."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from faq.models import AuditEvent
from tests.factories import add_revision, make_approval, make_entry, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(client):
    user = make_user(role="reviewer", username="rob")
    client.force_login(user)
    return user


def test_an_approvals_recorder_is_plain_text(client, reviewer):
    approval = make_approval(recorded_by=reviewer)
    response = client.get(reverse("admin:faq_approval_change", args=[approval.pk]))
    assertContains(response, "Recorded by")
    assertContains(response, "rob")
    assertNotContains(response, "/admin/auth/user/")
    assert client.get(reverse("admin:auth_user_change", args=[reviewer.pk])).status_code == 403


def test_an_audit_events_actor_is_plain_text(client, reviewer):
    author = make_user(role="editor", username="erin")
    add_revision(make_entry(), answer="New.", by=author)
    event = AuditEvent.objects.filter(actor=author).get()
    response = client.get(reverse("admin:faq_auditevent_change", args=[event.pk]))
    assertContains(response, "erin")
    assertContains(response, reverse("admin:faq_entryrevision_change", args=[event.subject.pk]))
    assertNotContains(response, "/admin/auth/user/")
