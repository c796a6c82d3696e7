"""Admin addresses typed or edited by hand get a friendly answer, never a server error."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss():
    return make_user(is_superuser=True)


@pytest.fixture
def admin_client(boss):
    # Errors come back as responses, as members and staff get them in production.
    client = Client(raise_request_exception=False)
    client.force_login(boss)
    return client


@pytest.mark.parametrize(
    "model", ["entry", "entryrevision", "contactnumberrevision", "noticerevision", "approval"]
)
@pytest.mark.parametrize("object_id", ["abc", "999999", "1.5"])
def test_a_change_page_for_an_id_that_names_nothing_redirects_with_a_message(
    admin_client, model, object_id
):
    response = admin_client.get(f"/admin/faq/{model}/{object_id}/change/", follow=True)
    assertRedirects(response, reverse("admin:index"))
    assertContains(response, f"with ID “{object_id}” doesn’t exist")


@pytest.mark.parametrize("query", ["at__gte=abc", "at__gte=2026-13-45", "nonsense=1"])
def test_audit_export_with_unreadable_filters_says_so(admin_client, query):
    response = admin_client.get(reverse("admin:faq_auditevent_export") + "?" + query, follow=True)
    assertRedirects(response, reverse("admin:faq_auditevent_changelist"))
    assertContains(response, "Those filters could not be read")


@pytest.mark.parametrize("object_id", ["abc", "999999"])
def test_a_letter_for_an_approval_that_does_not_exist_redirects_with_a_message(
    admin_client, object_id
):
    response = admin_client.get(f"/admin/faq/approval/{object_id}/letter/", follow=True)
    assertRedirects(response, reverse("admin:index"))
    assertContains(response, f"with ID “{object_id}” doesn’t exist")


@pytest.mark.parametrize(
    "address",
    [
        "/admin/faq/notice/?kind__exact=%00",
        "/admin/faq/contactnumber/?purpose__exact=a%00b",
        "/admin/faq/entryrevision/?status__exact=%00",
        "/admin/faq/entryrevision/?language__exact=%00",
        "/admin/faq/approval/?approving_body=%00",
        "/admin/faq/auditevent/?action__exact=%00",
        "/admin/faq/searchsynonym/?language__exact=%00",
        "/admin/faq/searchlog/?language__exact=%00",
        "/admin/faq/approval/?approved_on__year=99999999999999999999",
        "/admin/faq/auditevent/?at__year=2020&at__month=99999999999999999999",
        "/admin/faq/noticerevision/?created_at__year=2020&created_at__month=1"
        "&created_at__day=99999999999999999999",
        # django-axes' lists of sign-ins, which the help center's admin answers for too.
        "/admin/axes/accesslog/?path_info=%00",
        "/admin/axes/accesslog/?attempt_time__year=99999999999999999999",
        "/admin/axes/accessattempt/?username=%00",
        "/admin/axes/accessfailurelog/?attempt_time__year=99999999999999999999",
    ],
)
def test_a_change_list_filter_it_cannot_apply_is_a_mistyped_address(admin_client, address):
    # A NUL character (which PostgreSQL refuses in text) or a date's part too large for a
    # number stopped the page with a server error, where other unreadable filters redirect.
    response = admin_client.get(address)
    assertRedirects(response, address.split("?")[0] + "?e=1", fetch_redirect_response=False)


@pytest.mark.parametrize("query", ["action__exact=%00", "at__year=99999999999999999999"])
def test_audit_export_with_a_filter_it_cannot_apply_says_so(admin_client, query):
    response = admin_client.get(reverse("admin:faq_auditevent_export") + "?" + query, follow=True)
    assertRedirects(response, reverse("admin:faq_auditevent_changelist"))
    assertContains(response, "Those filters could not be read")


@pytest.mark.parametrize(
    ("model", "action"),
    [
        ("entry", "withdraw_selected"),
        ("contactnumber", "withdraw_selected"),
        ("notice", "withdraw_selected"),
        ("entryrevision", "review_selected"),
        ("searchsynonym", "delete_selected"),
        ("searchlog", "export_totals"),
    ],
)
@pytest.mark.parametrize("selected", ["abc", "\x00"])
def test_an_action_on_a_selection_that_names_no_id_does_nothing_and_says_so(
    admin_client, model, action, selected
):
    address = f"/admin/faq/{model}/"
    response = admin_client.post(
        address, {"action": action, "_selected_action": [selected], "post": "yes"}, follow=True
    )
    assertRedirects(response, address)
    assertContains(response, "The selection could not be read, so nothing was done.")
