import pytest
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from faq.models import CategoryTranslation
from faq.views import server_error
from tests.factories import add_translation, make_category, make_contact, make_entry

pytestmark = pytest.mark.django_db


def public_urls():
    return [
        reverse("faq:index"),
        reverse("faq:contact"),
        "/topics/urgent-and-emergency-care/",
        "/questions/lost-member-id-card/",
    ]


@pytest.mark.parametrize("index", range(4))
def test_every_public_page_answers(demo_content, client, index):
    response = client.get(public_urls()[index])
    assert response.status_code == 200
    assertContains(response, 'href="tel:+18003226027"')
    assertContains(response, "In an emergency, call")


def test_home_lists_every_category_with_its_questions(demo_content, client):
    response = client.get(reverse("faq:index"))
    assertContains(response, "Urgent and emergency care")
    assertContains(response, 'href="/questions/what-is-a-pcp/"')
    assertContains(response, "<h1>", count=1)


def test_question_link_leads_to_its_permalink_page(demo_content, client):
    response = client.get("/questions/what-is-a-pcp/")
    assertContains(response, "<h1>What is a primary care provider (PCP)?</h1>", html=False)
    assertContains(response, "main health care provider")


@pytest.mark.parametrize(
    "url", ["/questions/no-such-question/", "/topics/no-such-topic/", "/nothing-here/"]
)
def test_unknown_addresses_get_a_friendly_404_with_the_number(demo_content, client, url):
    response = client.get(url)
    assert response.status_code == 404
    assertContains(response, "We can’t find that page", status_code=404)
    assertContains(response, 'href="tel:+18003226027"', status_code=404)


def test_an_address_typed_in_capitals_leads_to_the_page(client):
    entry = make_entry(slug="lost-id-card")
    topic = entry.category.slug
    response = client.get("/es/questions/Lost-ID-Card/")
    assert response.status_code == 301
    assert response["Location"] == "/es/questions/lost-id-card/"
    response = client.get(f"/es/topics/{topic.upper()}/?page=2")
    assert response["Location"] == f"/es/topics/{topic}/?page=2"  # with what the page reads
    assertContains(
        client.get("/questions/No-Such-Question/", follow=True), "We can’t find", status_code=404
    )


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("/CONTACT/", "/contact/"),
        ("/Contact/", "/contact/"),
        ("/ES/", "/es/"),
        ("/Search/?q=card", "/search/?q=card"),
        ("/Topics/Your-Doctors/", "/topics/your-doctors/"),
        ("/en/", "/"),
        ("/en/contact/", "/contact/"),
        ("/EN/Language-Assistance/", "/language-assistance/"),
        # Typed without the last slash, as addresses on paper often are.
        ("/CONTACT", "/contact/"),
        ("/ES", "/es/"),
        ("/Search?q=card", "/search/?q=card"),
        ("/Topics/Your-Doctors", "/topics/your-doctors/"),
        ("/en", "/"),
        ("/en/contact", "/contact/"),
        ("/ROBOTS.TXT", "/robots.txt"),
    ],
)
def test_an_address_from_paper_in_capitals_or_with_en_leads_to_the_page(client, typed, address):
    response = client.get(typed)
    assert (response.status_code, response["Location"]) == (301, address)


def test_only_addresses_of_pages_are_redirected(client):
    for typed in ("/No-Such-Page/", "/ADMIN/", "/en/no-such-page/"):
        assertContains(client.get(typed), "We can’t find", status_code=404)
    assert client.post("/CONTACT/").status_code == 404  # a form is never redirected


def test_category_without_live_questions_is_not_found(client):
    category = make_category()
    make_entry(category=category, live=False)
    assert client.get(category.get_absolute_url()).status_code == 404


def test_server_error_page_still_gives_the_number_without_the_database(settings):
    settings.HELPCENTER_FALLBACK_PHONE = "+18003226027"
    settings.HELPCENTER_FALLBACK_PHONE_DISPLAY = "1-800-322-6027"
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert 'href="tel:+18003226027"' in body
    assert "911" in body
    assert "Traceback" not in body


def test_server_error_uses_the_last_number_members_were_shown(client):
    make_contact(key="member-services", number="+18005550100")
    client.get(reverse("faq:contact"))
    response = server_error(RequestFactory().get("/"))
    assert 'href="tel:+18005550100"' in response.content.decode()


def test_an_exception_in_a_view_shows_the_friendly_500(client, monkeypatch):
    from faq import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HomeView, "get_context_data", explode)
    client.raise_request_exception = False
    response = client.get(reverse("faq:index"))
    assert response.status_code == 500
    assertContains(response, "something went wrong", status_code=500)
    assertNotContains(response, "boom", status_code=500)


@pytest.mark.parametrize("entries", [3, 30])
def test_query_count_does_not_grow_with_content(client, django_assert_max_num_queries, entries):
    make_contact(key="member-services")
    category = make_category(slug="many")
    for _ in range(entries):
        make_entry(category=category)
    entry = category.entries.first()
    # Half the questions translated: Spanish pages mix translations and originals.
    for translated in list(category.entries.all())[::2]:
        add_translation(translated)
    CategoryTranslation.objects.create(category=category, language="es", name="Muchas")
    paths = [
        reverse("faq:index"),
        category.get_absolute_url(),
        entry.get_absolute_url(),
        reverse("faq:contact"),
        reverse("faq:language_assistance"),
    ]
    for url in paths + ["/es" + path for path in paths]:
        # On a cache miss: the content generation (once per change), the page's content,
        # the contact numbers; the home page ranks ids first and reads their rows second.
        with django_assert_max_num_queries(4):
            assert client.get(url).status_code == 200


def test_home_shows_the_first_questions_of_a_large_category_and_links_to_the_rest(client):
    from faq.views import HOME_QUESTIONS_PER_CATEGORY

    category = make_category(name="Pharmacy")
    entries = [
        make_entry(category=category, position=n) for n in range(HOME_QUESTIONS_PER_CATEGORY + 3)
    ]
    body = client.get(reverse("faq:index")).content.decode()
    shown = [e for e in entries if e.get_absolute_url() in body]
    assert shown == entries[:HOME_QUESTIONS_PER_CATEGORY]
    assert f"See all {HOME_QUESTIONS_PER_CATEGORY + 3} questions" in body


def test_a_large_category_is_shown_a_page_at_a_time(client):
    from faq.views import CATEGORY_QUESTIONS_PER_PAGE as per_page

    category = make_category(name="Pharmacy", slug="pharmacy")
    entries = [make_entry(category=category, position=n) for n in range(per_page + 5)]
    url = category.get_absolute_url()

    first = client.get(url).content.decode()
    assert [e for e in entries if e.get_absolute_url() in first] == entries[:per_page]
    assert "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    assert f'<link rel="canonical" href="http://testserver{url}">' in first

    second = client.get(url, {"page": 2})
    body = second.content.decode()
    assert [e for e in entries if e.get_absolute_url() in body] == entries[per_page:]
    assertContains(second, "<title>Pharmacy (page 2 of 2) |")
    assertContains(second, f'<link rel="canonical" href="http://testserver{url}?page=2">')
    assertContains(second, 'href="?page=1" rel="prev"')
    assertNotContains(second, 'rel="next"')


@pytest.mark.parametrize("page", ["abc", "0", "-3", "", "1.5", "9" * 40])
def test_a_page_number_that_is_not_one_shows_the_first_or_last_page(client, page):
    category = make_category(slug="dental")
    entry = make_entry(category=category)
    response = client.get(category.get_absolute_url(), {"page": page}, follow=True)
    assert response.status_code == 200
    assertContains(response, entry.get_absolute_url())


def test_a_page_past_the_end_leads_to_the_last_page(client):
    category = make_category(slug="vision")
    make_entry(category=category)
    response = client.get(category.get_absolute_url(), {"page": 7})
    assert response.status_code == 302
    assert response["Location"] == f"{category.get_absolute_url()}?page=1"
    missing = client.get("/topics/no-such-topic/", {"page": 7})
    assert missing.status_code == 404


def test_browsers_find_the_icon_at_the_root(client):
    # Every browser asks for /favicon.ico; a 404 there filled the logs on every first visit.
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    icon = b"".join(response.streaming_content)
    assert icon[:4] == b"\x00\x00\x01\x00" and b"PNG" in icon[:40]
