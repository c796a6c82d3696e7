"""Members' pages in English and Spanish: the address carries the language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from faq.models import SearchLog
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/topics/urgent-and-emergency-care/",
    "/questions/lost-member-id-card/",
    "/contact/",
    "/search/?q=card",
]


def alternates(body: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', body))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_in_english_and_spanish_with_alternates_and_a_switcher(
    demo_content, client, path
):
    base, _, query = path.partition("?")
    spanish = "/es" + path
    english_body = client.get(path).content.decode()
    spanish_response = client.get(spanish)
    assert spanish_response.status_code == 200
    spanish_body = spanish_response.content.decode()

    assert '<html lang="en">' in english_body and '<html lang="es">' in spanish_body
    expected = {
        "en": f"http://testserver{base}",
        "es": f"http://testserver/es{base}",
        "x-default": f"http://testserver{base}",
    }
    assert alternates(english_body) == expected == alternates(spanish_body)
    assert f'<a href="/es{path}" lang="es" hreflang="es">Español</a>' in english_body.replace(
        "&amp;", "&"
    )
    assert f'<a href="{path}" lang="en" hreflang="en">English</a>' in spanish_body.replace(
        "&amp;", "&"
    )
    assert "Saltar al contenido principal" in spanish_body
    assert "En una emergencia, llame" in spanish_body
    assert "Skip to main content" in english_body and "Saltar" not in english_body


def test_english_content_on_spanish_pages_is_marked_and_explained(client):
    entry = make_entry(question="What if I lose my card?")
    question = client.get(f"/es/questions/{entry.slug}/")
    assertContains(question, '<article lang="en">')
    assertContains(question, "Esta respuesta todavía no está traducida")
    assertContains(question, 'role="note"')
    topic = client.get(f"/es/topics/{entry.category.slug}/")
    assertContains(topic, "Estas preguntas todavía no están traducidas")
    assertContains(topic, '<summary lang="en">')
    assertContains(topic, f'<h1 lang="en">{entry.category.name}</h1>')
    english = client.get(f"/questions/{entry.slug}/")
    assertNotContains(english, "translation-note")
    assertNotContains(english, 'lang="en">What if')


def test_an_english_word_a_spanish_search_also_searched_for_is_marked_english(demo_content, client):
    # Spanish pages correct typos into English words too ("crad" is "card"): a screen reader
    # must read "card" in an English voice, as it does the English questions shown there.
    spanish = client.get("/es/search/", {"q": "crad"}).content.decode()
    assert 'También buscamos: <strong lang="en">card</strong>.' in spanish
    # A Spanish correction, and one that is a word in both languages, are the page's own.
    tarjeta = client.get("/es/search/", {"q": "tarejta"}).content.decode()
    assert "También buscamos: <strong>tarjeta</strong>." in tarjeta
    doctor = client.get("/es/search/", {"q": "docter"}).content.decode()
    assert "También buscamos: <strong>doctor</strong>." in doctor
    english = client.get("/search/", {"q": "crad"}).content.decode()
    assert "Also searched for: <strong>card</strong>." in english


def test_the_address_decides_the_language_not_the_browser(demo_content, client):
    # A shared cache keys pages by address: a Spanish browser must not change "/".
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assertContains(response, '<html lang="en">')
    assertContains(client.get("/es/"), '<html lang="es">')
    assertContains(client.get("/"), '<html lang="en">')


@pytest.mark.parametrize("path, language", [("/", "en"), ("/contact/", "en"), ("/es/", "es")])
def test_pages_name_their_language_and_do_not_vary_by_the_browsers(
    demo_content, client, path, language
):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="es, en;q=0.5")
    assert response["Content-Language"] == language
    assert "accept-language" not in response.get("Vary", "").lower()


def test_links_on_spanish_pages_stay_in_spanish(demo_content, client):
    body = client.get("/es/").content.decode()
    assert 'href="/es/topics/urgent-and-emergency-care/"' in body
    assert 'href="/es/questions/lost-member-id-card/"' in body
    assert 'action="/es/search/"' in body
    assert 'href="/es/contact/"' in body
    with translation.override("es"):
        assert reverse("faq:search") == "/es/search/"


def test_spanish_pages_are_cached_apart_and_spanish_searches_always_counted(demo_content, client):
    assert client.get("/es/contact/")["X-Cache"] == "miss"
    english = client.get("/contact/")
    assert english["X-Cache"] == "miss"
    assertContains(english, "Contact us</h1>")
    assertContains(client.get("/es/contact/"), "Contáctenos</h1>")
    client.get("/es/search/", {"q": "card"})
    client.get("/es/search/", {"q": "card"})
    assert SearchLog.objects.get(query="card").searches == 2


def test_spanish_not_found_page_is_in_spanish_with_the_number(demo_content, client):
    response = client.get("/es/questions/no-such-question/")
    assert response.status_code == 404
    assertContains(response, "No encontramos esa página", status_code=404)
    assertContains(response, 'href="tel:+18003226027"', status_code=404)
    assertContains(response, '<html lang="es">', status_code=404)


@pytest.mark.parametrize(
    "address, other, language_home",
    [("/nope/", "Español", "/es/"), ("/es/nope/", "English", "/"), ("/es/x/y?z=1", "English", "/")],
)
def test_the_language_link_of_an_address_that_names_no_page_goes_to_that_languages_home(
    demo_content, client, address, other, language_home
):
    response = client.get(address)
    assert response.status_code == 404
    body = response.content.decode()
    links = re.findall(rf'<a href="([^"]*)" lang="\w+" hreflang="\w+">{other}</a>', body)
    assert links == [language_home]


def test_contact_purposes_and_plural_counts_are_translated(demo_content, client):
    from faq.views import HOME_QUESTIONS_PER_CATEGORY
    from tests.factories import make_category, make_entry

    assertContains(client.get("/es/contact/"), "Preguntas sobre su plan y su atención")
    category = make_category(name="Pharmacy", slug="pharmacy")
    for n in range(HOME_QUESTIONS_PER_CATEGORY + 2):
        make_entry(category=category, position=n)
    assertContains(client.get("/es/"), f"Ver las {HOME_QUESTIONS_PER_CATEGORY + 2} preguntas")


def test_a_topic_name_not_translated_is_marked_english_inside_a_spanish_sentence(client):
    """ "Ver las 8 preguntas sobre rides to appointments": a screen reader read the English
    name in a Spanish voice, as it would not the same name in the topic's heading."""
    from faq.views import HOME_QUESTIONS_PER_CATEGORY
    from tests.factories import make_category

    category = make_category(name="Rides to appointments", slug="rides")
    for n in range(HOME_QUESTIONS_PER_CATEGORY + 2):
        make_entry(category=category, position=n)
    assertContains(
        client.get("/es/"),
        '<span class="visually-hidden"> sobre <span lang="en">rides to appointments</span></span>',
    )
    assertContains(
        client.get("/"), '<span class="visually-hidden"> about rides to appointments</span>'
    )


def test_the_page_links_of_a_spanish_topic_read_as_spanish(client):
    """A screen reader read "Siguiente preguntas" ("next" in the singular before a plural)."""
    from faq.views import CATEGORY_QUESTIONS_PER_PAGE
    from tests.factories import make_category

    category = make_category(slug="pharmacy")
    for n in range(CATEGORY_QUESTIONS_PER_PAGE + 1):
        make_entry(category=category, position=n)
    first = client.get("/es/topics/pharmacy/")
    assertContains(first, 'Siguiente<span class="visually-hidden"> página de preguntas</span>')
    second = client.get("/es/topics/pharmacy/", {"page": 2})
    assertContains(second, 'Anterior<span class="visually-hidden"> página de preguntas</span>')
    english = client.get("/topics/pharmacy/")
    assertContains(english, 'Next<span class="visually-hidden"> page of questions</span>')
