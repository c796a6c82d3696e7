import datetime
import gzip
import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from faq.approvals import item_withdraw
from faq.views import CategoryView
from tests.factories import add_revision, make_contact, make_entry, make_user, publish

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.content.decode()


def test_second_request_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    entry = make_entry(answer="Cached words.")
    first, _ = get(client, entry.get_absolute_url())
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second, body = get(client, entry.get_absolute_url())
    assert second["X-Cache"] == "hit" and "Cached words." in body


def test_a_shared_cache_that_is_down_costs_speed_not_the_page(client):
    entry = make_entry(answer="Words to read while Redis is down.")
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    with override_settings(CACHES=unreachable):
        for _ in range(2):
            response, body = get(client, entry.get_absolute_url())
            assert response.status_code == 200 and "Words to read" in body
        assert get(client, reverse("faq:index"))[0].status_code == 200
        response, body = get(client, reverse("faq:search") + "?q=redis")
        assert response.status_code == 200 and "Words to read" in body


def test_publishing_invalidates_at_once(client):
    entry = make_entry(answer="Old words.")
    assert "Old words." in get(client, entry.get_absolute_url())[1]
    assert "Old words." in get(client, entry.category.get_absolute_url())[1]
    publish(add_revision(entry, answer="New words."))
    for url in (entry.get_absolute_url(), entry.category.get_absolute_url(), reverse("faq:index")):
        response, body = get(client, url)
        assert "New words." in body or url == reverse("faq:index")
        assert "Old words." not in body


def test_a_draft_does_not_invalidate_and_never_shows(client):
    entry = make_entry(answer="Live words.")
    get(client, entry.get_absolute_url())
    add_revision(entry, answer="Draft words.")
    response, body = get(client, entry.get_absolute_url())
    assert response["X-Cache"] == "hit" and "Draft words." not in body


def test_scheduled_go_live_and_expiry_invalidate_without_any_job(client):
    entry = make_entry(answer="Before.")
    go_live = timezone.now() + datetime.timedelta(seconds=1.2)
    expiry = go_live + datetime.timedelta(seconds=1.2)
    publish(add_revision(entry, answer="After.", go_live_at=go_live, expires_at=expiry))
    assert "Before." in get(client, entry.get_absolute_url())[1]
    assert get(client, entry.get_absolute_url())[0]["X-Cache"] == "hit"
    time.sleep(max(0, (go_live - timezone.now()).total_seconds()) + 0.05)
    assert "After." in get(client, entry.get_absolute_url())[1]
    time.sleep(max(0, (expiry - timezone.now()).total_seconds()) + 0.05)
    assert get(client, entry.get_absolute_url())[0].status_code == 404


def test_a_notices_scheduled_go_live_expiry_and_withdrawal_invalidate_too(client):
    from faq.models import NoticeRevision
    from tests.test_language_assistance import make_notice

    make_contact(key="member-services")
    notice = make_notice(title="Soomaali", body="FIIRO GAAR AH: Wac hadda.")
    page = reverse("faq:language_assistance")
    go_live = timezone.now() + datetime.timedelta(seconds=1.2)
    expiry = go_live + datetime.timedelta(seconds=1.2)
    publish(
        add_revision(
            notice, body="FIIRO GAAR AH: Wac maanta.", go_live_at=go_live, expires_at=expiry
        )
    )
    assert "Wac hadda." in get(client, page)[1]
    assert get(client, page)[0]["X-Cache"] == "hit"
    time.sleep(max(0, (go_live - timezone.now()).total_seconds()) + 0.05)
    assert "Wac maanta." in get(client, page)[1]
    time.sleep(max(0, (expiry - timezone.now()).total_seconds()) + 0.05)
    assert "Wac maanta." not in get(client, page)[1]
    assert not NoticeRevision.objects.live().filter(notice=notice).exists()


def test_a_number_change_shows_on_every_cached_page(client):
    contact = make_contact(key="member-services", number="+18003226027")
    entry = make_entry()
    # The search page is never cached, but the numbers in its frame are kept per generation.
    search = reverse("faq:search") + "?q=anything"
    urls = [reverse("faq:index"), reverse("faq:contact"), entry.get_absolute_url(), search]
    for url in urls:
        assert "tel:+18003226027" in get(client, url)[1]
    publish(add_revision(contact, number="+18005550100"))
    for url in urls:
        body = get(client, url)[1]
        assert "tel:+18005550100" in body and "tel:+18003226027" not in body


def test_withdrawal_invalidates(client):
    entry = make_entry()
    get(client, entry.get_absolute_url())
    item_withdraw(item=entry, by=None)
    assert get(client, entry.get_absolute_url())[0].status_code == 404


def test_category_rename_in_the_admin_invalidates(client):
    entry = make_entry()
    category = entry.category
    assert category.name in get(client, reverse("faq:index"))[1]
    admin_client = type(client)()
    admin_client.force_login(make_user(is_superuser=True))
    admin_client.post(
        reverse("admin:faq_category_change", args=[category.pk]),
        {
            "name": "Renamed topic",
            "slug": category.slug,
            "position": 1,
            "description": "",
            "translations-TOTAL_FORMS": 0,
            "translations-INITIAL_FORMS": 0,
        },
    )
    assert "Renamed topic" in get(client, reverse("faq:index"))[1]


def test_repeated_conditional_request_gets_304(client):
    entry = make_entry()
    first, _ = get(client, entry.get_absolute_url())
    etag = first["ETag"]
    again = client.get(entry.get_absolute_url(), headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    publish(add_revision(entry, answer="Changed."))
    changed = client.get(entry.get_absolute_url(), headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_staff_and_point_in_time_views_are_never_cached(client):
    entry = make_entry()
    reviewer = make_user(role="reviewer")
    client.force_login(reviewer)
    assert "X-Cache" not in get(client, entry.get_absolute_url())[0]
    url = entry.get_absolute_url() + "?as_of=2020-01-01T00:00:00"
    assert "X-Cache" not in get(client, url)[0]
    client.logout()
    client.cookies.clear()
    assert "X-Cache" not in get(client, "/admin/login/")[0]
    assert "X-Cache" not in get(client, "/healthz")[0]


def test_a_page_asked_for_over_http_is_not_served_to_https_members(client, settings):
    # Its canonical, alternate and printed addresses name the scheme it was asked with: one
    # a load balancer's probe asked for over plain HTTP must not be what members get.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = make_entry().get_absolute_url()
    plain, _ = get(client, url, host="testserver")
    secure, body = get(client, url, host="testserver", x_forwarded_proto="https")
    assert (plain["X-Cache"], secure["X-Cache"]) == ("miss", "miss")
    assert f'rel="canonical" href="https://testserver{url}"' in body
    assert "http://testserver" not in body
    again, _ = get(client, url, host="testserver", x_forwarded_proto="https")
    assert again["X-Cache"] == "hit"


def test_not_found_pages_are_not_cached(client):
    response, _ = get(client, "/questions/not-yet/")
    assert response.status_code == 404 and "X-Cache" not in response


def test_parameters_pages_do_not_read_share_one_cached_page(client, django_assert_num_queries):
    entry = make_entry(answer="Cached words.")
    url = entry.get_absolute_url()
    first, _ = get(client, url)
    assert first["X-Cache"] == "miss"
    # A link from a text message or a feed, a made-up parameter, a member's as_of: the
    # page is the same, so it is the one cached copy, with the same caching headers.
    for query in ("utm_source=sms&utm_campaign=flu", "fbclid=abc", "r=123", "as_of=garbage"):
        with django_assert_num_queries(0):
            response, body = get(client, f"{url}?{query}")
        assert response["X-Cache"] == "hit" and "Cached words." in body
        assert response["Cache-Control"] == first["Cache-Control"]
        assert response["ETag"] == first["ETag"]


def test_the_links_on_a_page_do_not_carry_parameters_it_does_not_read(client, monkeypatch):
    monkeypatch.setattr(CategoryView, "per_page", 1)
    entry = make_entry()
    make_entry(category=entry.category)
    url = entry.category.get_absolute_url()
    response, body = get(client, url + "?utm_source=sms&page=2")
    assert "utm_source" not in body and response["X-Cache"] == "miss"
    assert "?page=2" in body  # what the page reads stays, in its language switch link
    again, _ = get(client, url + "?page=2")
    assert again["X-Cache"] == "hit"


def test_words_and_page_numbers_a_page_does_not_read_share_its_one_cached_page(client, monkeypatch):
    # Each made a page to render and two copies to keep, an address at a time: a script
    # could fill the cache (and a shared Redis) with /contact/?q=1, ?q=2, ...
    monkeypatch.setattr(CategoryView, "per_page", 1)
    entry = make_entry()
    make_entry(category=entry.category)
    for url, queries in [
        (entry.get_absolute_url(), ["q=1", "q=2", "page=2", "p=3"]),
        (reverse("faq:contact"), ["q=card", "page=7"]),
        (entry.category.get_absolute_url(), ["page=1", "page=abc", "page=0", "page=-5", "q=x"]),
        (entry.category.get_absolute_url() + "?page=2", ["page=02", "page=+2", "page=1&page=2"]),
    ]:
        first, body = get(client, url)
        for query in queries:
            response, variant = get(client, f"{url.partition('?')[0]}?{query}")
            assert response.status_code == 200 and response["X-Cache"] == "hit", (url, query)
            assert variant == body


def test_a_reviewers_as_of_still_reaches_the_page(client):
    entry = make_entry(answer="Words of now.")
    client.force_login(make_user(role="reviewer"))
    response = client.get(entry.get_absolute_url(), {"as_of": "2020-01-01T00:00:00"})
    assert response.status_code == 404  # the question did not exist then
    assert "X-Cache" not in response


def test_a_browser_that_accepts_gzip_gets_the_page_compressed_from_the_cache(
    client, django_assert_num_queries
):
    entry = make_entry(answer="Compressed words. " * 40)
    url = entry.get_absolute_url()
    first = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    plain = client.get(url)
    assert (first["X-Cache"], plain["X-Cache"]) == ("miss", "hit")
    assert first["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(first.content) == plain.content
    assert int(first["Content-Length"]) == len(first.content) < len(plain.content) / 2
    assert first["ETag"] == "W/" + plain["ETag"]  # two representations, two tags
    for response in (first, plain):
        assert "Accept-Encoding" in response["Vary"]
    with django_assert_num_queries(0):
        again = client.get(url, headers={"accept-encoding": "gzip"})
    assert again["X-Cache"] == "hit" and again.content == first.content
    unchanged = client.get(url, headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]})
    assert unchanged.status_code == 304


def test_pages_with_a_session_are_never_compressed(client):
    # A signed-in page carries a form token: compressed, its length could give it away.
    client.force_login(make_user(role="editor"))
    for url in (make_entry().get_absolute_url(), reverse("admin:index")):
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200 and "Content-Encoding" not in response
