import csv
import datetime
import io
import re
import time
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains, assertNotContains

from faq.approvals import item_withdraw, revision_reject, revision_submit
from faq.models import (
    MAX_SYNONYM_EQUIVALENTS,
    CategoryTranslation,
    EntryRevision,
    SearchLog,
    SearchSynonym,
    SearchWord,
)
from faq.search import (
    MAX_ALTERNATIVES,
    MAX_QUERY_LENGTH,
    is_spanish_verb_form,
    known_words,
    search_clean,
    search_dialled,
    search_entries,
    search_log_prune,
    search_log_query,
    search_log_record,
    search_log_redact,
    search_snippet,
    search_terms,
    swapped_letters,
    swapped_letters_accented,
)
from faq.views import live_entries
from tests.factories import (
    add_revision,
    add_translation,
    make_category,
    make_contact,
    make_contact_number,
    make_entry,
    make_synonym,
    make_user,
    publish,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("faq:search")


def found(client, q: str) -> list[str]:
    """The question pages a search links to, in order."""
    body = client.get(SEARCH, {"q": q}).content.decode()
    results = body.split('class="search-results"', 1)
    if len(results) == 1:
        return []
    return re.findall(r'<h2><a href="/questions/([^/]+)/">', results[1])


def snippets(response) -> list[str]:
    return re.findall(r'<p class="snippet">(.*?)</p>', response.content.decode(), re.DOTALL)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("er", {"emergency-room-when-pcp-unavailable", "advice-at-night-or-out-of-town"}),
        ("emergancy", {"emergency-room-when-pcp-unavailable", "advice-at-night-or-out-of-town"}),
        ("lost card", {"lost-member-id-card"}),
        ("mental health", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
        ("behavorial", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
        ("specalist", {"need-a-specialist"}),
        ("dr", {"what-is-a-pcp", "keep-behavioral-health-provider"}),
        ("member card", {"lost-member-id-card"}),
        # The demo's starter synonyms: words members type that the answers do not use.
        ("911", {"emergency-room-when-pcp-unavailable", "advice-at-night-or-out-of-town"}),
        ("counselor", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
        ("depression", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
        ("traveling", {"advice-at-night-or-out-of-town"}),
        ("after hours", {"advice-at-night-or-out-of-town"}),
        # Words from the members' QA pass that found nothing.
        ("e.r.", {"emergency-room-when-pcp-unavailable", "advice-at-night-or-out-of-town"}),
        ("e.r", {"emergency-room-when-pcp-unavailable", "advice-at-night-or-out-of-town"}),
        ("go to the E.R", {"emergency-room-when-pcp-unavailable"}),
        ("hospital", {"emergency-room-when-pcp-unavailable"}),
        ("bh", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
        ("medicaid", {"change-health-plans"}),
        ("crad", {"lost-member-id-card"}),
        ("heart attack", {"emergency-room-when-pcp-unavailable"}),
        ("poison", {"emergency-room-when-pcp-unavailable"}),
        ("overdose", {"emergency-room-when-pcp-unavailable", "keep-behavioral-health-provider"}),
        ("od", {"emergency-room-when-pcp-unavailable", "keep-behavioral-health-provider"}),
        ("depressed", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
    ],
)
def test_members_words_find_the_right_questions(demo_content, client, q, expected):
    assert expected <= set(found(client, q))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("911", {"emergency-room-when-pcp-unavailable", "advice-at-night-or-out-of-town"}),
        ("terapeuta", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
        ("de viaje", {"advice-at-night-or-out-of-town"}),
        ("tarjeta", {"lost-member-id-card"}),
        # Typed without accents, as on many phones.
        ("depresion", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
        ("psicologo", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
        ("tarjeta de identificacion", {"lost-member-id-card"}),
        ("que es atencion primaria", {"what-is-a-pcp"}),
        ("inscribirme", {"change-health-plans"}),
        ("fuera del estado", {"advice-at-night-or-out-of-town"}),
        ("deprimido", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
        ("deprimida", {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"}),
        ("infarto", {"emergency-room-when-pcp-unavailable"}),
    ],
)
def test_spanish_words_find_the_right_questions(demo_content, client, q, expected):
    body = client.get("/es/search/", {"q": q}).content.decode()
    assert expected <= set(re.findall(r'<h2><a href="/es/questions/([^/]+)/"', body))


@pytest.mark.parametrize(
    ("page", "q"),
    [
        (SEARCH, "referral"),
        (SEARCH, "i need a referral"),
        (SEARCH, "Referrals"),
        ("/es/search/", "referencia"),
        ("/es/search/", "necesito una remision"),
    ],
)
def test_a_referral_finds_the_specialist_answer_first(demo_content, client, page, q):
    # The answer says "refer" ("referido"): the stemmer reads "referral" as another word, so
    # it found nothing, and "i need a referral" the night-time advice first.
    body = client.get(page, {"q": q}).content.decode()
    assert re.findall(r'<h2><a href="(?:/es)?/questions/([^/]+)/"', body)[:1] == [
        "need-a-specialist"
    ]


def test_a_word_typed_without_its_accents_is_read_as_the_content_writes_it(demo_content):
    # "médico", not "medio", which is as close by its letters: accents alone come first;
    # and the synonyms of "médico" apply.
    assert search_terms("medico", language="es").groups == (
        ("medico", "doctor", "médico", "proveedor"),
    )
    # A synonym's term is found however its accents are typed, and keeps its own.
    assert "salud del comportamiento" in search_terms("psicologo", language="es").groups[0]
    assert "salud del comportamiento" in search_terms("psicólogo", language="es").groups[0]
    # So is an equivalent of a two-way synonym: "tarjeta de identificación" is one of both
    # "tarjeta" and "tarjeta de medicaid".
    [group] = search_terms("tarjeta de identificacion", language="es").groups
    assert {"tarjeta", "tarjeta de medicaid", "tarjeta de miembro"} <= set(group)


def test_pcp_finds_the_pcp_question_first(demo_content, client):
    assert found(client, "pcp")[0] == "what-is-a-pcp"
    assert found(client, "primary care doctor")[0] == "what-is-a-pcp"


def test_a_misspelling_ranks_its_question_first(demo_content, client):
    assert found(client, "specalist")[0] == "need-a-specialist"
    assert found(client, "emergancy room")[0] == "emergency-room-when-pcp-unavailable"


def test_the_language_assistance_page_answers_what_no_question_does(demo_content, client):
    response = client.get(SEARCH, {"q": "interpreter"})
    body = response.content.decode()
    assertContains(
        response, "No questions and answers match “<bdi>interpreter</bdi>”, but this page does:"
    )
    match = body.split('<section class="search-page-match"')[1].split("</section>")[0]
    assert '<a href="/language-assistance/">Language assistance</a>' in match
    assert "Qualified sign language <mark>interpreters</mark>" in match
    # Its words are approved material: the page's stamp names their approval.
    assert "MOC-LA-DEMO" in body.split('class="site-footer"')[1]
    assert "search-page-match" in client.get(SEARCH, {"q": "file a complaint"}).content.decode()
    spanish = client.get("/es/search/", {"q": "queja"}).content.decode()
    assert '<a href="/es/language-assistance/">Asistencia con idiomas</a>' in spanish
    assert "Puede presentar una <mark>queja</mark>" in spanish
    # Not for what the questions answer, nor for words the notice does not have.
    assert "search-page-match" not in client.get(SEARCH, {"q": "lost card"}).content.decode()
    assert "search-page-match" not in client.get(SEARCH, {"q": "zzzqqq"}).content.decode()


@pytest.mark.parametrize(
    ("q", "prefix"),
    [("spanish", ""), ("español", "/es"), ("espanol", "/es"), ("hablo español", "/es")],
)
def test_asking_for_spanish_finds_the_language_assistance_page(demo_content, client, q, prefix):
    body = client.get(f"{prefix}/search/", {"q": q}).content.decode()
    assert 'aria-labelledby="language-help-match"' in body


def test_the_language_assistance_match_reads_only_the_live_notice(demo_content, client):
    from faq.models import Notice

    notice = Notice.objects.get(kind="nondiscrimination", language="en")
    draft = add_revision(notice, body="Ask us for a pangolin.")
    assert "search-page-match" not in client.get(SEARCH, {"q": "pangolin"}).content.decode()
    publish(draft)
    assert "search-page-match" in client.get(SEARCH, {"q": "pangolin"}).content.decode()
    assert "search-page-match" not in client.get(SEARCH, {"q": "braille"}).content.decode()


def test_the_page_says_which_corrected_words_it_searched_for_too(demo_content, client):
    summary = re.compile(r'id="search-summary"[^>]*>(.*?)</p>', re.DOTALL)
    text = summary.search(client.get(SEARCH, {"q": "behavorial helth"}).content.decode())[1]
    assert text.endswith("Also searched for: <strong>behavioral</strong>, <strong>health</strong>.")
    # Not for words spelt as the content spells them, nor where a synonym says the same.
    for q in ("behavioral health", "lost card"):
        assert "Also searched for" not in client.get(SEARCH, {"q": q}).content.decode()
    assert search_terms("lost card").corrections == ()
    # Nor for another form of the word ("doctors": "doctor", whose synonyms still apply),
    # though for a typo the stemmer happens to even out.
    doctors = search_terms("doctors")
    assert doctors.corrections == ()
    assert "provider" in doctors.groups[0]
    assert search_terms("emergancy").corrections == (("emergancy", "emergency"),)
    spanish = client.get("/es/search/", {"q": "especalista"}).content.decode()
    assert "También buscamos: <strong>especialista</strong>." in spanish


def test_a_correction_changes_at_most_two_letters(client):
    make_entry(
        slug="emergencies", question="When do I call an ambulance?", answer="When it counts."
    )
    # "counts" is similar enough for pg_trgm, but four letters away from "counselor".
    assert search_terms("counselor").groups == (("counselor",),)
    assert found(client, "counselor") == []
    assert search_terms("ambulanse").groups == (("ambulanse", "ambulance"),)
    assert found(client, "ambulanse") == ["emergencies"]
    assert found(client, "ambulanec") == ["emergencies"]  # two letters swapped in a long word


@pytest.mark.parametrize(
    ("typed", "language", "meant"),
    [("crad", "en", "card"), ("membre", "en", "member"), ("docotr", "en", "doctor"),
     ("tarejta", "es", "tarjeta"), ("medcio", "es", "médico")],
)  # fmt: skip
def test_two_letters_typed_in_the_wrong_order_are_corrected(demo_content, typed, language, meant):
    assert search_terms(typed, language).corrections == ((typed, meant),)


def test_swapped_letters_are_each_neighbouring_pair_swapped_once():
    assert swapped_letters("crad") == ["rcad", "card", "crda"]
    assert swapped_letters("noon") == ["onon", "nono"]  # "noon" with its two o's swapped is itself


def test_swapped_letters_accented_adds_one_accent_as_spanish_writes_it():
    assert swapped_letters_accented("ni") == ["in", "ín", "iñ"]
    assert "médico" in swapped_letters_accented("medcio")
    assert "médico" in swapped_letters_accented("mdéico")


def test_of_two_words_as_near_in_letters_the_one_that_sounds_the_same_is_read(demo_content):
    # "medical" and "medicaid" are both two letters from "medicade"; one sounds like it.
    make_entry(slug="medical-records", question="How do I get my medical records?")
    assert search_terms("medicade").corrections == (("medicade", "medicaid"),)


def test_a_swap_is_read_before_a_missing_letter(demo_content, client):
    # "medcio" is "medio" (middle) without its c, and "médico" with two letters swapped.
    body = client.get("/es/search/", {"q": "medcio"}).content.decode()
    assert "También buscamos: <strong>médico</strong>." in body


def test_a_swap_finds_the_answer_a_member_meant(demo_content, client):
    assert "lost-member-id-card" in found(client, "lost crad")
    assert (
        "También buscamos: <strong>tarjeta</strong>."
        in client.get("/es/search/", {"q": "tarejta"}).content.decode()
    )


def test_a_real_word_the_content_does_not_use_is_not_read_as_a_typo(client):
    make_entry(slug="visits", question="How many visits do I get?", answer="As many as you need.")
    # "vision" is two letters from "visits": a word of seven letters or fewer may change one.
    assert search_terms("vision").groups == (("vision",),)
    assert search_terms("vision").corrections == ()
    assert found(client, "vision") == []
    assert search_terms("visitts").groups == (("visitts", "visits"),)
    assert found(client, "visitts") == ["visits"]
    # Nor a word of the language's dictionary, however close to one the content uses.
    make_entry(slug="change", question="Can I change my plan?", answer="Yes, once a year.")
    assert search_terms("charge").groups == (("charge",),)
    assert found(client, "charged") == []
    assert search_terms("chang").groups == (("chang", "change"),)
    # Spanish pages read Spanish: "parto" (childbirth) is a word, "tarjetta" is not.
    card = make_entry(slug="card-side", question="Which side of the card?", answer="The back.")
    add_translation(card, question="¿Qué parte de la tarjeta?", answer="La cara de atrás.")
    assert search_terms("parto", language="es").groups == (("parto",),)
    assert search_terms("tarjetta", language="es").groups == (("tarjetta", "tarjeta"),)
    # English words are real on Spanish pages too, where English questions are searched:
    # "card" is not "cara" (face), though no synonym names it.
    assert search_terms("card", language="es").groups == (("card",),)
    assert search_terms("carq", language="es").groups == (("carq", "cara"),)
    # Accents are still put right where the unaccented word is English ("atras": "atrás").
    assert search_terms("atras", language="es").groups == (("atras", "atrás"),)


def test_a_word_an_editors_synonym_names_is_never_corrected(demo_content, client):
    # Spanish answers never say "doctor", and "dolor" (pain) is two letters from it; an
    # editor's synonym says "doctor" means "médico", so it is searched as a word.
    terms = search_terms("doctor", language="es")
    assert terms.corrections == ()
    assert "dolor" not in terms.groups[0]
    assert "médico" in terms.groups[0]
    assert "También buscamos" not in client.get("/es/search/", {"q": "doctor"}).content.decode()
    # A one-way synonym's equivalent is a word editors wrote too: not a typo, though it
    # brings nothing else in.
    make_entry(slug="checkups", question="How many checkups do I get?", answer="Two a year.")
    assert search_terms("checkup").groups == (("checkup", "checkups"),)
    make_synonym(term="physical", equivalents=["checkup"], is_two_way=False)
    assert search_terms("checkup").groups == (("checkup",),)


def test_a_typo_of_a_word_only_a_synonym_uses_finds_what_the_synonym_does(demo_content, client):
    # The English answers never say "doctor"; the starter synonym says they mean "provider".
    terms = search_terms("docter")
    assert terms.corrections == (("docter", "doctor"),)
    assert {"doctor", "provider", "physician"} <= set(terms.groups[0])
    assert {"what-is-a-pcp", "keep-behavioral-health-provider"} <= set(found(client, "docter"))
    response = client.get(SEARCH, {"q": "docter"})
    assertContains(response, "Also searched for: <strong>doctor</strong>")
    assert {"keep-behavioral-health-provider", "outpatient-behavioral-health-now"} <= set(
        found(client, "councelor")
    )
    # A misspelt equivalent of a two-way synonym brings the synonym's other words too.
    assert "doctor" in search_terms("provder").groups[0]
    spanish = client.get("/es/search/", {"q": "terapista"}).content.decode()
    assert "/es/questions/keep-behavioral-health-provider/" in spanish


def test_synonyms_feed_the_spelling_words(client):
    synonym = make_synonym(term="optometrist", equivalents=["eye doctor"], language="es")
    words = set(SearchWord.objects.filter(language="es").values_list("word", flat=True))
    assert {"optometrist", "eye", "doctor"} <= words
    synonym.equivalents = ["oculista"]
    synonym.save()
    assert SearchWord.objects.filter(language="es", word="oculista").exists()
    assert not SearchWord.objects.filter(language="en", word="oculista").exists()


def test_a_question_in_a_sentence_falls_back_to_answers_with_some_of_its_words(
    demo_content, client
):
    response = client.get(SEARCH, {"q": "how do I get a new id card for my son"})
    assertContains(response, "No answer has all of your words")
    assert found(client, "how do I get a new id card for my son")[0] == "lost-member-id-card"


def test_words_members_ask_with_need_not_be_in_the_answer(demo_content, client):
    # "need" and "find" name no topic: the PCP question says neither, and is the answer.
    assert found(client, "i need a doctor")[0] == "what-is-a-pcp"
    assert found(client, "find a doctor")[0] == "what-is-a-pcp"
    assert spanish_found(client, "necesito un medico")[0] == "what-is-a-pcp"
    assert search_terms("i need a doctor").asked == "i a doctor"
    # Counted as typed.
    assert SearchLog.objects.filter(query="i need a doctor").exists()
    # Alone, or with stop words only, they are searched for.
    assert "need-a-specialist" in found(client, "i need")
    assert "keep-behavioral-health-provider" in found(client, "what do i need to do")


def test_a_category_named_by_the_query_ranks_its_questions_first(client):
    other = make_category(name="Other things", position=1)
    dental = make_category(name="Dental care", position=2)
    for category in (other, dental):
        make_entry(
            slug=f"cleanings-{category.pk}",
            category=category,
            question="Are cleanings covered?",
            answer="Yes, dental cleanings twice a year.",
        )
    assert found(client, "dental") == [f"cleanings-{dental.pk}", f"cleanings-{other.pk}"]


def test_websearch_syntax_works(demo_content, client):
    assert found(client, '"emergency room" -night') == ["emergency-room-when-pcp-unavailable"]
    assert {"need-a-specialist", "lost-member-id-card"} <= set(found(client, "specialist or card"))


def test_editors_synonyms_apply_at_once_in_both_directions(client):
    make_entry(slug="vision", question="Are glasses covered?", answer="Yes, once a year.")
    assert found(client, "spectacles") == []
    make_synonym(term="spectacles", equivalents=["glasses"])
    assert found(client, "spectacles") == ["vision"]
    one_way = SearchSynonym.objects.get(term="spectacles")
    one_way.is_two_way = False
    one_way.save()
    make_entry(slug="frames", question="Do you pay for spectacles frames?", answer="Yes.")
    assert found(client, "glasses") == ["vision"]


def test_a_draft_is_never_found(client):
    make_entry(question="Where is the zanzibar clinic?", live=False)
    assert found(client, "zanzibar") == []


def test_an_unapproved_edit_is_not_found_and_the_live_words_still_are(client):
    entry = make_entry(slug="hours", question="When are you open?", answer="Weekdays only.")
    draft = add_revision(entry, answer="Weekends too, says the quokka.")
    assert found(client, "quokka") == []
    assert found(client, "weekdays") == ["hours"]
    revision_submit(revision=draft, by=None)
    assert found(client, "quokka") == []
    revision_reject(revision=draft, by=None, comment="Not approved by the state.")
    assert found(client, "quokka") == []
    assert found(client, "weekdays") == ["hours"]


def test_expired_and_not_yet_live_content_is_never_found(client):
    now = timezone.now()
    expiring = make_entry(live=False)
    publish(add_revision(expiring, answer="Flu shots at the kiosk.", expires_at=now + _s(1.5)))
    future = make_entry(live=False)
    publish(add_revision(future, answer="Flu shots at the armadillo.", go_live_at=now + _s(3600)))
    assert found(client, "kiosk") == [expiring.slug]
    assert found(client, "armadillo") == []
    terms = search_terms("kiosk")
    later = now + _s(60)
    assert list(search_entries(live_entries(later), terms)) == []
    time.sleep(max(0.0, (now + _s(1.6) - timezone.now()).total_seconds()))
    assert found(client, "kiosk") == []


def test_withdrawn_content_is_never_found(client):
    entry = make_entry(answer="Ask about the pelican program.")
    item_withdraw(item=entry, by=None)
    assert found(client, "pelican") == []


def _s(seconds: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=seconds)


def test_snippet_highlights_the_match_and_escapes_editor_html(client):
    make_entry(
        question="Is the pharmacy open?",
        answer="Visit the pharmacy <b>today</b> <script>alert('x')</script> & ask.",
    )
    response = client.get(SEARCH, {"q": "pharmacy"})
    [snippet] = snippets(response)
    assert "<mark>pharmacy</mark>" in snippet
    assert "&lt;script&gt;" in snippet and "&lt;b&gt;" in snippet
    assert re.findall(r"<(/?\w+)", snippet) == ["mark", "/mark"]
    assertNotContains(response, "<script>alert")


def test_snippet_markup_is_only_marks_even_from_odd_headlines():
    html = str(search_snippet("a\x02<img src=x onerror=alert(1)>\x03 &lt;i&gt; \x02 \x1c\x1dz"))
    assert re.findall(r"<(/?\w+)", html) == ["mark", "/mark"]
    assert "&lt;img" in html and "&lt;i&gt;" in html


def test_snippet_shows_the_live_phone_number(demo_content, client):
    # A short answer: ts_headline picks fragments differently across Postgres versions.
    make_entry(question="Can I get a printed booklet?", answer="Call [[phone:member-services]].")
    response = client.get(SEARCH, {"q": "booklet"})
    [snippet] = snippets(response)
    assert '<a class="phone" href="tel:+18003226027">1-800-322-6027</a>' in snippet
    assert "[[phone" not in snippet


def test_snippet_keeps_the_number_the_demo_answer_ends_with(demo_content, client):
    # "Our toll-free number is [[phone:member-services]]": ts_headline reads the token's key
    # as the words "member" and "services", and stopped the fragment inside it.
    response = client.get(SEARCH, {"q": "toll-free number"})
    snippet = snippets(response)[0]
    assert ' is <a class="phone" href="tel:+18003226027">1-800-322-6027</a>' in snippet


def test_snippet_shows_where_list_items_end(demo_content, client):
    # The emergency answer lists examples, one per item; run together they read as one phrase.
    [snippet] = snippets(client.get(SEARCH, {"q": "chest pain"}))
    assert (
        "include: <mark>Chest</mark> <mark>pain</mark> · Stroke · Difficulty breathing" in snippet
    )


def test_snippet_lines_end_with_their_own_punctuation_else_a_dot():
    headline = "\n Examples:\n\x02Chest\x03 pain\n Stroke.\nCall \x02us\x03\n\n"
    assert snippet_of(headline, "") == (
        "Examples: <mark>Chest</mark> pain · Stroke. Call <mark>us</mark>"
    )


def test_snippet_lines_are_the_answers_own(client):
    make_entry(question="What do I bring?", answer="Bring:\n\n- your card\n- a photo ID\n\nThanks")
    [snippet] = snippets(client.get(SEARCH, {"q": "photo"}))
    assert snippet == "Bring: your card · a <mark>photo</mark> ID · Thanks"


def snippet_of(headline: str, source: str) -> str:
    return str(search_snippet(headline, source))


def test_snippet_completes_a_token_cut_at_its_end_and_unmarks_its_key():
    source = "Just give us a call. Our toll-free number is \x1cmember-services\x1d"
    headline = "Our \x02toll\x03-free number is \x1c\x02member\x03-\x02services\x03"
    assert snippet_of(headline, source) == (
        "Our <mark>toll</mark>-free number is [[phone:member-services]]"
    )


def test_snippet_joins_fragments_split_inside_a_token():
    source = "Hi. Call Member Services at \x1cmember-services\x1d and we will help with rides."
    headline = "Call Member Services\x1emember-services\x1d and we will help with \x02rides\x03"
    assert snippet_of(headline, source) == (
        "Call Member Services at [[phone:member-services]] and we will help with "
        "<mark>rides</mark>."
    )


def test_snippet_takes_the_number_a_fragment_stops_just_short_of():
    # A sentence on: not joined to an unrelated number.
    assert snippet_of("Ask about \x02taxis\x03.", "Ask about taxis. Call \x1cms\x1d.") == (
        "Ask about <mark>taxis</mark>."
    )
    assert snippet_of("\x02Rides\x03 call", "Rides call \x1crides\x1d today.") == (
        "<mark>Rides</mark> call [[phone:rides]] …"
    )


def test_snippet_closes_the_tty_bracket_it_opens():
    source = "Phone: \x1cms\x1d (TTY: \x1crelay\x1d) or write."
    assert snippet_of("\x1cms\x1d (\x02TTY\x03:", source) == (
        "Phone: [[phone:ms]] (<mark>TTY</mark>: [[phone:relay]]) …"
    )


def test_snippet_leads_a_number_with_its_short_sentence():
    source = "Go now. In an emergency, call \x1cemergency\x1d or go to the nearest room."
    headline = "\x02emergency\x03\x1d or go to the nearest \x02room\x03"
    assert snippet_of(headline, source) == (
        "In an emergency, call [[phone:emergency]] or go to the nearest <mark>room</mark>."
    )


def test_snippet_starts_its_sentence_when_the_start_is_near():
    source = (
        "Hi. In a true emergency, go now. Members of all ages in every plan are covered when "
        "needed."
    )
    assert snippet_of("true \x02emergency\x03, go now", source) == (
        "In a true <mark>emergency</mark>, go now."
    )
    # Not when the sentence began long before: the snippet would be mostly lead.
    assert snippet_of("covered when \x02needed\x03.", source) == (
        "… covered when <mark>needed</mark>."
    )


def test_snippet_says_where_the_answer_goes_on_before_or_after_it():
    source = (
        "If you need care away from home, call your PCP for help. In an emergency, you do not "
        "need to call your PCP first. Go to the nearest emergency room."
    )
    headline = "call your PCP for help. In an \x02emergency\x03, you do not need"
    assert snippet_of(headline, source) == (
        "… call your PCP for help. In an <mark>emergency</mark>, you do not need …"
    )
    # Not where the shown text starts or ends a sentence, a line or the answer.
    assert snippet_of("Go to the nearest \x02emergency\x03 room", source) == (
        "Go to the nearest <mark>emergency</mark> room."
    )
    assert snippet_of("\x02Bring\x03:", "Bring:\n your card") == "<mark>Bring</mark>:"
    assert snippet_of("your \x02card\x03", "Bring:\n your card\nThanks") == (
        "your <mark>card</mark>"
    )


def test_a_search_result_cut_mid_sentence_starts_with_an_ellipsis(demo_content, client):
    # The night-advice answer's match comes after "If you need urgent health care when you
    # are away from home," too far back to start there.
    response = client.get(SEARCH, {"q": "emergancy"})
    assert any(snippet.startswith("… ") for snippet in snippets(response))


_SNIPPET_PIECES = st.sampled_from(
    ["call", "us", " ", ". ", "\n", "(", ")", "&lt;b&gt;", "\x1cms\x1d", "\x1cx-y\x1d"]
)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(_SNIPPET_PIECES, min_size=1, max_size=40),
    cuts=st.lists(st.integers(min_value=0, max_value=400), min_size=2, max_size=6),
    marked=st.sets(st.integers(min_value=0, max_value=400)),
)
def test_snippet_from_any_cut_of_its_source_is_marks_text_and_whole_numbers(pieces, cuts, marked):
    # Fragments as ts_headline may cut them from the source: anywhere, tokens included, with
    # some characters marked.
    source = "".join(pieces)
    bounds = sorted(min(cut, len(source)) for cut in cuts)
    fragments = [
        "".join(f"\x02{c}\x03" if n in marked else c for n, c in enumerate(source) if a <= n < b)
        for a, b in zip(bounds[::2], bounds[1::2], strict=False)
    ]
    html = snippet_of("\x1e".join(fragments), source)
    assert set(re.findall(r"<(/?\w+)", html)) <= {"mark", "/mark"}
    assert "\x1c" not in html and "\x1d" not in html
    assert set(re.findall(r"\[\[phone:([^\]]*)\]\]", html)) <= {"ms", "x-y"}


def test_snippet_without_its_source_drops_a_cut_token():
    # A headline not found in its source is read as before: a cut token cannot be mended.
    assert snippet_of("Our number is \x1cmember", "something else") == "Our number is"
    assert snippet_of("Our number is \x1cmember", "") == "Our number is"


def test_results_page_is_accessible_html(demo_content, client):
    response = client.get(SEARCH, {"q": "er"})
    assertContains(response, "<h1>", count=1)
    assertContains(response, '<label for="search-q">')
    assertContains(response, 'role="search"')
    assertContains(response, "2 results for “<bdi>er</bdi>”")
    assertContains(response, '<ol class="search-results"')
    assert response["X-Robots-Tag"] == "noindex"


def test_header_search_form_is_on_every_page(demo_content, client):
    response = client.get(reverse("faq:contact"))
    assertContains(response, 'role="search"')
    assertContains(response, '<label for="site-search-q">')
    assertContains(response, f'action="{SEARCH}" method="get"')
    # The home page has its own, larger search box, and only that one.
    assertContains(client.get(reverse("faq:index")), 'role="search"', count=1)


def test_no_results_offers_member_services_and_the_topics(demo_content, client):
    response = client.get(SEARCH, {"q": "xylophone"})
    assertContains(response, "No results for “<bdi>xylophone</bdi>”")
    assertContains(response, 'href="tel:+18003226027"')
    assertContains(response, 'href="/topics/behavioral-health/"')
    assertNotContains(response, 'class="search-results"')


@pytest.mark.parametrize(
    ("prefix", "words"),
    [("", "Get free help in your language"), ("/es", "Reciba ayuda gratis en su idioma")],
)
def test_a_search_in_another_script_offers_help_in_the_members_language(
    demo_content, client, prefix, words
):
    response = client.get(f"{prefix}/search/", {"q": "帮助 医生"})
    assertContains(response, f'<a href="{prefix}/language-assistance/">{words}</a>')


def topics_offered(response) -> list[str]:
    """The topics a page of no results offers to browse, as their links' text."""
    return [category.name for category in response.context["categories"]]


def test_no_results_offers_only_topics_with_a_question_members_see(client, monkeypatch):
    shown = make_entry(category=make_category(name="Pharmacy")).category
    drafts_only = make_entry(category=make_category(name="Dental"), live=False).category
    withdrawn = make_entry(category=make_category(name="Vision"))
    item_withdraw(item=withdrawn, by=None)
    expired = make_entry(category=make_category(name="Transport"), live=False)
    soon = timezone.now() + datetime.timedelta(minutes=1)
    publish(add_revision(expired, expires_at=soon))
    CategoryTranslation.objects.create(category=shown, language="es", name="Farmacia")
    translated = make_entry(category=make_category(name="Benefits"))
    add_translation(translated)
    CategoryTranslation.objects.create(
        category=translated.category, language="es", name="Beneficios"
    )

    assert "Transport" in topics_offered(client.get(SEARCH, {"q": "xylophone"}))
    later = soon + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    response = client.get(SEARCH, {"q": "xylophone"})
    assert topics_offered(response) == ["Pharmacy", "Benefits"]
    assertContains(response, f'href="{shown.get_absolute_url()}"')
    for hidden in (drafts_only, withdrawn.category, expired.category):
        assertNotContains(response, f'href="{hidden.get_absolute_url()}"')
    # Spanish pages offer a topic for its original question too, under its Spanish name.
    assert topics_offered(client.get("/es/search/", {"q": "xylophone"})) == [
        "Farmacia",
        "Beneficios",
    ]


def number_matches(response) -> list[str]:
    """The names of the numbers a search offers, in order."""
    box = response.content.decode().split('aria-labelledby="contact-matches"', 1)
    return re.findall(r"<h3[^>]*>(.*?)</h3>", box[1].split("</section>", 1)[0]) if box[1:] else []


@pytest.mark.parametrize(
    ("q", "whose"),
    [("1-800-322-6027", "Member Services"), ("(800) 322 6027", "Member Services"),
     ("+18003226027", "Member Services"), ("322-6027", "Member Services"),
     ("711", "Relay Missouri, for members who are deaf or hard of hearing (TTY)"),
     ("1 800 537 7697", "Office for Civil Rights, TDD")],
)  # fmt: skip
def test_a_number_typed_from_a_letter_says_whose_it_is(demo_content, client, q, whose):
    assert number_matches(client.get(SEARCH, {"q": q})) == [whose]
    # The same number on Spanish pages, under its Spanish name where it has one.
    assert len(number_matches(client.get("/es/search/", {"q": q}))) == 1


def test_only_a_whole_number_or_its_last_seven_digits_say_whose_it_is(demo_content, client):
    for q in ["6027", "800", "1-800-322-602", "call 1-800-322-6027 now"]:
        assert "Member Services" not in number_matches(client.get(SEARCH, {"q": q})), q
    assert search_dialled("call 711") == "" and search_dialled("7-1-1") == "711"


def test_a_search_for_a_number_offers_it_first(demo_content, client):
    # Deaf members look for the relay service; no question names it.
    response = client.get(SEARCH, {"q": "deaf"})
    assertContains(response, "No questions and answers match “<bdi>deaf</bdi>”, but these do:")
    assert number_matches(response) == [
        "Relay Missouri, for members who are deaf or hard of hearing (TTY)"
    ]
    assertContains(response, '<a class="phone" href="tel:711">711</a>')
    assert "relay" in {r.contact.key for r in response.context["page_revisions"][:1]}
    # Above the questions when there are some: the number to call comes first.
    response = client.get(SEARCH, {"q": "emergency"})
    assert number_matches(response) == ["Emergency"]
    body = response.content.decode()
    assert body.index('id="contact-matches"') < body.index('class="search-results"')
    assert number_matches(client.get(SEARCH, {"q": "enrollment"})) == [
        "MO HealthNet Managed Care Enrollment Help Line"
    ]
    assert number_matches(client.get(SEARCH, {"q": "phone number"})) == ["Member Services"]
    assert number_matches(client.get(SEARCH, {"q": "phone"})) == ["Member Services"]
    assert number_matches(client.get(SEARCH, {"q": "xylophone"})) == []
    # Words with synonyms decide in a sentence; words without them still must all match.
    assert number_matches(client.get(SEARCH, {"q": "how long is the wait in the er"})) == [
        "Emergency"
    ]
    assert number_matches(client.get(SEARCH, {"q": "deaf xylophone"})) == []
    assert number_matches(client.get(SEARCH, {"q": "after hours nurse"})) == []  # not by hours
    # Nor words editors gave synonyms for: "after hours" is "hours" to the stemmer, and the
    # relay service is open "24 hours a day"; the words' meaning is in the synonym.
    assert number_matches(client.get(SEARCH, {"q": "after hours"})) == []
    assert number_matches(client.get(SEARCH, {"q": "24 hours"})) != []


def test_numbers_are_found_by_their_name_in_the_page_language(demo_content, client):
    response = client.get("/es/search/", {"q": "sordos"})
    assertContains(
        response, "Ninguna pregunta ni respuesta coincide con «<bdi>sordos</bdi>», pero esto sí:"
    )
    assert number_matches(response) == [
        "Relay Missouri, para miembros sordos o con problemas de audición (TTY)"
    ]
    assertContains(response, "Números de teléfono")
    assert number_matches(client.get("/es/search/", {"q": "inscripción"})) == [
        "Línea de Ayuda para la Inscripción de MO HealthNet Managed Care"
    ]


@pytest.mark.parametrize(
    ("prefix", "q", "number"),
    [
        ("", "suicide", "Emergency"),
        ("", "kill myself", "Emergency"),
        ("", "overdose", "Emergency"),
        ("/es", "suicidio", "Emergencias"),
        ("/es", "crisis", "Emergencias"),
    ],
)
def test_words_of_a_crisis_find_the_emergency_number_and_behavioral_health(
    demo_content, client, prefix, q, number
):
    # The demo's starter synonyms: no "No results" page for a member in crisis.
    response = client.get(f"{prefix}/search/", {"q": q})
    assert number_matches(response) == [number]
    body = response.content.decode()
    assert '<a class="phone" href="tel:911">911</a>' in body
    slugs = set(re.findall(rf'<h2><a href="{prefix}/questions/([^/]+)/"', body))
    assert {"emergency-room-when-pcp-unavailable", "keep-behavioral-health-provider"} <= slugs


def test_words_of_a_crisis_in_a_sentence_still_offer_the_emergency_number(demo_content, client):
    # "want" is in no number's name; the words with synonyms decide.
    response = client.get(SEARCH, {"q": "i want to kill myself"})
    assert number_matches(response) == ["Emergency"]
    assert number_matches(client.get(SEARCH, {"q": "i just want to die"})) == ["Emergency"]
    assert number_matches(client.get("/es/search/", {"q": "ya no quiero morir"})) == ["Emergencias"]


@pytest.mark.parametrize(
    ("prefix", "sentence", "words"),
    [
        ("", "i want to kill myself", "kill myself"),
        ("", "i just want to die", "want to die"),
        ("/es", "quiero matarme", "matarme"),
    ],
)
def test_a_crisis_in_a_sentence_finds_the_answers_its_words_find_alone(
    demo_content, client, prefix, sentence, words
):
    # The number to call was found by the words with synonyms; so are the answers.
    alone = found_in(client, prefix, words)
    assert {"emergency-room-when-pcp-unavailable", "keep-behavioral-health-provider"} <= alone
    assert found_in(client, prefix, sentence) >= alone


def found_in(client, prefix: str, q: str) -> set[str]:
    body = client.get(f"{prefix}/search/", {"q": q}).content.decode()
    return set(re.findall(rf'<h2><a href="{prefix}/questions/([^/]+)/"', body))


def spanish_found(client, q: str) -> list[str]:
    body = client.get("/es/search/", {"q": q}).content.decode()
    return re.findall(r'<h2><a href="/es/questions/([^/]+)/"', body)


@pytest.mark.parametrize(
    ("q", "first"),
    [("card", "lost-member-id-card"), ("lost card", "lost-member-id-card"),
     ("er", "emergency-room-when-pcp-unavailable"), ("dr", "what-is-a-pcp")],
)  # fmt: skip
def test_english_words_on_spanish_pages_are_not_corrected_into_other_words(
    demo_content, client, q, first
):
    terms = search_terms(q, "es")
    assert terms.corrections == ()
    assert "care" not in {word for group in terms.groups for word in group}
    assert spanish_found(client, q)[0] == first


@pytest.mark.parametrize("q", ["translate", "español", "espanol"])
def test_asking_for_another_language_finds_the_language_assistance_page(demo_content, client, q):
    body = client.get(SEARCH, {"q": q}).content.decode()
    match = body.split('<section class="search-page-match"')[1].split("</section>")[0]
    assert '<a href="/language-assistance/">Language assistance</a>' in match


def test_a_lost_or_replaced_card_finds_the_card_question_with_every_word(demo_content, client):
    searches = [
        ("", "replace card", "No answer has all of your words"),
        ("", "replacement id card", "No answer has all of your words"),
        ("/es", "tarjeta perdida", "Ninguna respuesta tiene todas sus palabras"),
        ("/es", "tarjeta extraviada", "Ninguna respuesta tiene todas sus palabras"),
        ("/es", "reemplazar tarjeta", "Ninguna respuesta tiene todas sus palabras"),
    ]
    for prefix, q, partial in searches:
        response = client.get(f"{prefix}/search/", {"q": q})
        assertNotContains(response, partial)
        assertContains(response, f'href="{prefix}/questions/lost-member-id-card/"')


def test_numbers_are_found_by_their_hours(client):
    make_contact_number(label="Pharmacy line", hours="Open on Saturdays")
    assert number_matches(client.get(SEARCH, {"q": "saturday"})) == ["Pharmacy line"]


def test_only_live_numbers_are_offered_as_they_are_now(client):
    make_contact(label="Walrus help desk", live=False)
    assert number_matches(client.get(SEARCH, {"q": "walrus"})) == []
    line = make_contact(label="Narwhal line")
    assert number_matches(client.get(SEARCH, {"q": "narwhal"})) == ["Narwhal line"]
    # A new name is what members find the moment it is approved, not the old one.
    publish(add_revision(line, label="Unicorn line"))
    assert number_matches(client.get(SEARCH, {"q": "narwhal"})) == []
    assert number_matches(client.get(SEARCH, {"q": "unicorn"})) == ["Unicorn line"]
    item_withdraw(item=line, by=make_user())
    assert number_matches(client.get(SEARCH, {"q": "unicorn"})) == []


def test_results_are_paginated(client):
    for n in range(13):
        make_entry(question=f"Walrus question {n}?", answer="Walrus answer.")
    first = client.get(SEARCH, {"q": "walrus"})
    assertContains(first, "13 results for “<bdi>walrus</bdi>”, showing 1 to 10")
    assertContains(first, 'href="?q=walrus&amp;page=2"')
    second = client.get(SEARCH, {"q": "walrus", "page": "2"})
    assertContains(second, "showing 11 to 13")
    assert len(found(client, "walrus")) == 10
    # As on topic pages: a number below the first page means the first, one past the last
    # page the last.
    for page, shown in [("0", "1 to 10"), ("-1", "1 to 10"), ("abc", "1 to 10"), ("9", "11 to 13")]:
        assertContains(client.get(SEARCH, {"q": "walrus", "page": page}), f"showing {shown}")


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "a" * 10_000,
        '"',
        "'",
        "&|!:*()",
        "<->",
        "!!!",
        "or",
        "-",
        "'; DROP TABLE faq_entry; --",
        "1' OR '1'='1",
        "🚑 er 😷",
        "er\x00room",
        "\x00",
        "\\",
        "%",
        "_",
        "e\u0301r",
        "ＥＲ",
    ],
)
def test_bad_input_never_errors(demo_content, client, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999", "1.5", "\x00"])
def test_bad_page_numbers_never_error(demo_content, client, page):
    assert client.get(SEARCH, {"q": "er", "page": page}).status_code == 200


def test_lone_surrogates_and_nul_are_dropped():
    assert search_clean("\ud800er\x00 room\udfff") == "er room"
    assert search_clean("a" * 10_000) == "a" * MAX_QUERY_LENGTH
    assert list(search_entries(live_entries(), search_terms(search_clean("\ud83d\x00")))) == []


def test_direction_overrides_and_invisible_marks_are_dropped_and_the_echo_is_isolated(
    demo_content, client
):
    assert search_clean("\u202ehello\u202c \u2067card\u2069\u200f\ufeff") == "hello card"
    response = client.get(SEARCH, {"q": "\u202elost card"})
    assertContains(response, "for “<bdi>lost card</bdi>”")
    assertNotContains(response, "\u202e")
    assert SearchLog.objects.get().query == "lost card"
    arabic = client.get(SEARCH, {"q": "بطاقة"})
    assertContains(arabic, "“<bdi>بطاقة</bdi>”")


def test_surrogates_in_the_raw_query_string_never_error(demo_content, client):
    raw = quote("\ud800er", errors="surrogatepass")
    assert client.get(f"{SEARCH}?q={raw}").status_code == 200


def test_empty_query_shows_the_form_with_help(client):
    response = client.get(SEARCH)
    assertContains(response, "Type a few words about what you need")
    assertContains(response, '<input type="search" id="search-q" name="q" value=""')
    assert not SearchLog.objects.exists()


def test_search_accepts_only_get_and_head(demo_content, client):
    assert client.post(SEARCH, {"q": "er"}).status_code == 405
    # Link checkers and uptime probes ask with HEAD; that is no member's search to count.
    response = client.head(SEARCH, {"q": "er"})
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert not SearchLog.objects.exists()
    client.get(SEARCH, {"q": "er"})
    assert SearchLog.objects.get().searches == 1


def test_every_search_is_counted_without_identity(demo_content, client):
    client.get(SEARCH, {"q": "Lost   Card"}, REMOTE_ADDR="203.0.113.9")
    client.get(SEARCH, {"q": "lost card"}, REMOTE_ADDR="203.0.113.10")
    client.get(SEARCH, {"q": "lost card", "page": "2"})
    row = SearchLog.objects.get()
    assert (row.query, row.day, row.searches) == ("lost card", timezone.localdate(), 2)
    assert (row.result_count, row.zero_result_searches, row.language) == (1, 0, "en")
    fields = {f.name for f in SearchLog._meta.get_fields()}
    assert fields == {
        "id",
        "day",
        "language",
        "query",
        "searches",
        "zero_result_searches",
        "result_count",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM faq_searchlog")
        assert "203.0.113" not in repr(cursor.fetchall())


def test_a_number_with_a_letter_inside_is_not_kept_as_a_tax_form():
    assert search_log_query("my id 1234-A-5678") == "my id # a #"
    assert search_log_query("id 1234a/5678") == "id # a #"
    assert search_log_query("1095-B for 2024") == "1095 b for #"


def test_the_search_log_keeps_no_member_id_phone_number_date_of_birth_or_email(
    demo_content, client
):
    # Members type their own numbers into search; the log editors read and export for a
    # year is counted per query, so it must not keep them. The plan's own numbers, which
    # members search to learn whose they are, are no one's personal data.
    for q in (
        "my member id is 123456789",
        "dob 01/02/1980",
        "call me at (314) 555-1234",
        "ssn 123-45-6789",
        "jsmith@example.com lost card",
        "my medicare number 1EG4-TE5-MK73",
        "1eg4te5mk73 card",
        "1-800-322-6027",
        "322-6027",
        "711",
        "form 1095-B",
        "1095b tax form",
        "my id 12345678a",
    ):
        client.get(SEARCH, {"q": q})
    kept = set(SearchLog.objects.values_list("query", flat=True))
    assert kept == {
        "my member id is #",
        "dob #",
        "call me at #",
        "ssn #",
        "# lost card",
        "my medicare number #",
        "# card",
        "1 800 322 6027",
        "322 6027",
        "711",
        "form 1095 b",
        "1095b tax form",
        "my id # a",
    }


def test_searches_counted_before_are_kept_as_new_ones_are(demo_content):
    day = timezone.localdate()
    for query, searches, zero in [
        ("my member id is 123456789", 2, 0),
        ("my member id is 987654321", 3, 1),
        ("jsmith@example.com", 1, 1),
        ("Lost card?", 4, 0),
        ("lost card", 1, 0),
        ("1-800-322-6027", 1, 0),
    ]:
        SearchLog.objects.create(day=day, query=query, searches=searches, zero_result_searches=zero)
    assert search_log_redact() == 5
    kept = SearchLog.objects.values_list("query", "searches", "zero_result_searches")
    assert set(kept) == {
        ("my member id is #", 5, 1),
        ("#", 1, 1),
        ("lost card", 5, 0),
        ("1 800 322 6027", 1, 0),
    }
    assert search_log_redact() == 0


def test_the_search_log_counts_a_query_as_its_words_whatever_the_punctuation(demo_content, client):
    # "lost card?" and "lost card!!" search for what "lost card" does: one row, or the top
    # queries split it and rank it lower. Written as editors' synonyms are ("can t breathe").
    for q in ("lost card", "Lost card?", "lost card!!", "LOST, CARD.", "e.r.", "can't breathe"):
        client.get(SEARCH, {"q": q})
    client.get(SEARCH, {"q": '"lost card"'})  # a phrase in web-search syntax is another search
    client.get(SEARCH, {"q": "(800) 322-6027"})
    client.get(SEARCH, {"q": "800-322-6027"})
    counts = dict(SearchLog.objects.values_list("query", "searches"))
    assert counts == {
        "lost card": 4,
        "er": 1,
        "can t breathe": 1,
        '"lost card"': 1,
        "800 322 6027": 2,
    }


def test_fragments_a_word_apart_are_one_sentence_not_two_with_an_ellipsis(demo_content, client):
    # ts_headline ended a fragment at "you do not need" and began the next at "call your PCP
    # first": "In an emergency, you do not need … call your PCP first" says the opposite.
    shown = " ".join(snippets(client.get(SEARCH, {"q": "er"})))
    assert "In an <mark>emergency</mark>, you do not need to call your PCP first." in shown
    assert "need …" not in shown


def test_zero_result_searches_are_counted(client):
    client.get(SEARCH, {"q": "xylophone"})
    client.get(SEARCH, {"q": "xylophone"})
    row = SearchLog.objects.get(query="xylophone")
    assert (row.searches, row.zero_result_searches, row.result_count) == (2, 2, 0)


def test_a_search_that_offered_a_number_or_the_language_page_found_something(demo_content, client):
    # No question answers "deaf" or "interpreter", but the page offers the relay number and
    # the language assistance page: the member was not left with nothing.
    for q in ("deaf", "interpreter", "xylophone"):
        client.get(SEARCH, {"q": q})
    found_nothing = dict(SearchLog.objects.values_list("query", "zero_result_searches"))
    assert found_nothing == {"deaf": 0, "interpreter": 0, "xylophone": 1}
    assert SearchLog.objects.get(query="deaf").result_count == 0  # no question


def test_prune_deletes_only_old_rows():
    today = timezone.localdate()
    for age in (400, 366, 365, 10, 0):
        search_log_record(query=f"age {age}", result_count=1, day=today - _d(age))
    assert search_log_prune(today=today) == 2
    assert sorted(SearchLog.objects.values_list("query", flat=True)) == [
        "age 0",
        "age 10",
        "age 365",
    ]


def test_prune_command_uses_the_configured_retention(settings):
    settings.HELPCENTER_SEARCH_LOG_RETENTION_DAYS = 30
    today = timezone.localdate()
    search_log_record(query="old", result_count=0, day=today - _d(31))
    search_log_record(query="recent", result_count=0, day=today - _d(30))
    out = io.StringIO()
    call_command("prune_search_log", stdout=out)
    assert "Deleted 1 search counts older than 30 days." in out.getvalue()
    assert list(SearchLog.objects.values_list("query", flat=True)) == ["recent"]


def test_a_retention_longer_than_the_calendar_keeps_everything(settings):
    search_log_record(query="old", result_count=0, day=datetime.date(1970, 1, 1))
    out = io.StringIO()
    call_command("prune_search_log", "--days", "99999999", stdout=out)
    assert "Deleted 0 search counts older than 99999999 days." in out.getvalue()
    settings.HELPCENTER_SEARCH_LOG_RETENTION_DAYS = 10**12
    call_command("prune_search_log", stdout=out)
    assert list(SearchLog.objects.values_list("query", flat=True)) == ["old"]


def _d(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


@pytest.fixture
def boss(client):
    user = make_user(is_superuser=True)
    client.force_login(user)
    return user


def test_admin_lists_top_and_zero_result_queries_for_a_period(client, boss):
    today = timezone.localdate()
    search_log_record(query="flu shot", result_count=3)
    search_log_record(query="flu shot", result_count=3)
    search_log_record(query="dentures", result_count=0)
    search_log_record(query="last year", result_count=0, day=today - _d(200))
    url = reverse("admin:faq_searchlog_changelist")
    top = client.get(url, {"period": "30"}).content.decode()
    assert top.index("flu shot") < top.index("dentures")
    assert "last year" not in top
    nothing = client.get(url, {"found": "nothing", "period": "365"}).content.decode()
    assert "dentures" in nothing and "last year" in nothing and "flu shot" not in nothing


def test_admin_exports_totals_per_query_as_csv(client, boss):
    today = timezone.localdate()
    search_log_record(query="flu shot", result_count=3, day=today - _d(1))
    search_log_record(query="flu shot", result_count=0, day=today)
    # Kept as typed: a leading "-" is web-search syntax ("=" is no word, and is not kept).
    search_log_record(query="-HYPERLINK(1)", result_count=0, day=today)
    response = client.post(
        reverse("admin:faq_searchlog_changelist"),
        {
            "action": "export_totals",
            "_selected_action": list(SearchLog.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Query", "Language", "Searches", "Searches that found nothing"]
    assert rows[1][:5] == ["flu shot", "en", "2", "1", "2"]
    assert rows[2][0] == "'-HYPERLINK(1)"


def _squeeze(response) -> str:
    return re.sub(r">\s+<", "><", response.content.decode())


def test_search_report_totals_top_and_zero_result_queries_over_the_period(client, boss):
    today = timezone.localdate()
    for day in (today, today - _d(3), today - _d(29)):
        search_log_record(query="flu shot", result_count=3, day=day)
    search_log_record(query="dentures", result_count=0, day=today)
    search_log_record(query="dentures", result_count=0, day=today - _d(1))
    search_log_record(query="transport", result_count=0, day=today - _d(2))
    search_log_record(query="transport", result_count=4, day=today)
    search_log_record(query="too old", result_count=0, day=today - _d(30))
    url = reverse("admin:faq_search_report")

    page = _squeeze(client.get(url))  # the last 30 days unless dates are chosen
    top = page[page.index('id="top-queries"') : page.index('id="zero-result-queries"')]
    zero = page[page.index('id="zero-result-queries"') :]
    assert top.index("flu shot") < top.index("dentures") < top.index("transport")
    assert re.search(r"flu shot</td><td>English</td><td>3</td><td>0</td><td>3</td>", top)
    assert re.search(r"dentures</td><td>English</td><td>2</td><td>2</td><td>2</td>", top)
    assert "too old" not in page
    assert "flu shot" not in zero
    assert zero.index("dentures") < zero.index("transport")
    assert re.search(r"transport</td><td>English</td><td>2</td><td>1</td>", zero)
    assert "7 searches from" in page and "3 found nothing" in page

    narrow = client.get(url, {"start": today.isoformat(), "end": today.isoformat()})
    assert re.search(r"flu shot</td><td>English</td><td>1</td>", _squeeze(narrow))

    exported = client.get(
        url, {"start": (today - _d(60)).isoformat(), "end": today.isoformat(), "format": "zero"}
    )
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert [row[:4] for row in rows[1:]] == [
        ["dentures", "en", "2", "2"],
        ["transport", "en", "2", "1"],
        ["too old", "en", "1", "1"],
    ]


def test_searches_are_counted_per_page_language(demo_content, client):
    client.get(SEARCH, {"q": "emergencia"})
    client.get("/es" + SEARCH, {"q": "emergencia"})
    client.get("/es" + SEARCH, {"q": "Emergencia"})
    counts = dict(SearchLog.objects.filter(query="emergencia").values_list("language", "searches"))
    assert counts == {"en": 1, "es": 2}


def test_search_report_filters_and_exports_one_language(client, boss):
    search_log_record(query="dentist", result_count=3, language="en")
    search_log_record(query="dentista", result_count=0, language="es")
    search_log_record(query="dentista", result_count=0, language="es")
    url = reverse("admin:faq_search_report")
    both = _squeeze(client.get(url))
    assert re.search(r"dentista</td><td>Español</td><td>2</td><td>2</td>", both)
    assert re.search(r"dentist</td><td>English</td><td>1</td><td>0</td>", both)

    spanish = client.get(url, {"language": "es"})
    page = _squeeze(spanish)
    assert "dentista" in page and "dentist<" not in page
    assert "2 searches from pages in Español" in page
    assert "language=es" in page  # the CSV links keep the language
    exported = client.get(url, {"language": "es", "format": "zero"})
    assert exported["Content-Disposition"].endswith('-es.csv"')
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert [row[:4] for row in rows[1:]] == [["dentista", "es", "2", "2"]]

    bad = client.get(url, {"language": "xx"})
    assertContains(bad, "Select a valid choice", status_code=400)


def test_a_query_that_found_nothing_links_an_editor_to_its_synonym(client):
    search_log_record(query="dentures", result_count=0, language="es")
    search_log_record(query="spectacles", result_count=0)
    search_log_record(query="flu shot", result_count=3)
    existing = make_synonym(term="spectacles", equivalents=["glasses"])
    client.force_login(make_user(role="editor"))
    page = client.get(reverse("admin:faq_search_report")).content.decode()
    zero = page[page.index('id="zero-result-queries"') :]
    add = f"{reverse('admin:faq_searchsynonym_add')}?term=dentures&amp;language=es"
    assert f'<a href="{add}">Add a synonym<span class="visually-hidden"> for “dentures”' in zero
    change = reverse("admin:faq_searchsynonym_change", args=[existing.pk])
    assert f'<a href="{change}">Change the synonym' in zero
    assert "Add a synonym" not in page[: page.index('id="zero-result-queries"')]
    # The link opens the form with the query and its page language filled in.
    form = client.get(add.replace("&amp;", "&")).content.decode()
    assert re.search(r'name="term"[^>]*value="dentures"', form)
    assert re.search(r'<option value="es" selected>', form)
    try_it = f"{reverse('admin:faq_search_try')}?q=dentures&amp;language=es"
    assert f'<a href="{try_it}">Try it' in zero
    # Reviewers read the report and try searches, but do not keep synonyms.
    client.force_login(make_user(role="reviewer"))
    page = client.get(reverse("admin:faq_search_report")).content.decode()
    assert f'<a href="{try_it}">Try it' in page
    assert "Add a synonym" not in page and "Change the synonym" not in page


def test_staff_try_a_search_in_the_admin_without_it_being_counted(demo_content, client):
    client.force_login(make_user(role="editor"))
    assertContains(
        client.get(reverse("admin:faq_searchsynonym_changelist")),
        f'<a href="{reverse("admin:faq_search_try")}">Try a search</a>',
    )
    url = reverse("admin:faq_search_try")
    body = _squeeze(client.get(url, {"q": "docter", "language": "en"}))
    assert "<li><strong>docter</strong>: or doctor, dr, physician, provider</li>" in body
    assert "“docter” is also searched as “doctor”" in body
    assert '<a href="/questions/what-is-a-pcp/">What is a primary care provider (PCP)?</a>' in body
    # The results as members read them: numbers written out, matches marked.
    body = _squeeze(client.get(url, {"q": "toll-free number", "language": "en"}))
    assert 'is <a class="phone" href="tel:+18003226027">1-800-322-6027</a>' in body
    assert "<mark>toll</mark>" in body
    spanish = client.get(url, {"q": "tarjeta perdida", "language": "es"})
    assertContains(spanish, 'href="/es/questions/lost-member-id-card/"')
    assertContains(
        client.get(url, {"q": "deaf", "language": "en"}),
        "Numbers offered above the results: Relay Missouri",
    )
    partial = client.get(url, {"q": "how do i get a new card for my son", "language": "en"})
    assertContains(partial, "No answer has all of the words;")
    nothing = client.get(url, {"q": "dentures", "language": "es"})
    add = f"{reverse('admin:faq_searchsynonym_add')}?term=dentures&amp;language=es"
    assertContains(nothing, f'<a href="{add}">Add a synonym for “dentures”</a>')
    assert not SearchLog.objects.exists()  # none of these counted as members' searches

    bad = client.get(url, {"q": "card", "language": "xx"})
    assertContains(bad, "Select a valid choice", status_code=400)
    assertNotContains(client.get(url), 'id="read-as"')
    # Reviewers may try searches; only editors keep synonyms.
    client.force_login(make_user(role="reviewer"))
    nothing = client.get(url, {"q": "dentures", "language": "en"})
    assertContains(nothing, "0 answers.")
    assertNotContains(nothing, "Add a synonym")
    client.force_login(make_user())  # staff without a role
    assert client.get(url, {"q": "card"}).status_code == 403


@pytest.mark.parametrize(
    "params, message",
    [
        ({"start": "2026-02-30", "end": "2026-03-01"}, "Enter a valid date."),
        ({"start": "2026-03-02", "end": "2026-03-01"}, "must start on or before"),
        ({"start": "'; DROP TABLE faq_searchlog; --", "end": ""}, "This field is required."),
    ],
)
def test_search_report_explains_a_bad_period(client, boss, params, message):
    response = client.get(reverse("admin:faq_search_report"), params)
    assert response.status_code == 400
    assertContains(response, message, status_code=400)


def test_editors_and_reviewers_read_search_counts_and_editors_keep_synonyms(client):
    search_log_record(query="dentures", result_count=0)
    for role in ("editor", "reviewer"):
        client.force_login(make_user(role=role))
        assertContains(client.get(reverse("admin:faq_search_report")), "dentures")
        assert client.get(reverse("admin:faq_searchlog_changelist")).status_code == 200
        can_add = client.get(reverse("admin:faq_searchsynonym_add")).status_code
        assert can_add == (200 if role == "editor" else 403)
    client.force_login(make_user())  # staff without a role
    assert client.get(reverse("admin:faq_search_report")).status_code == 403


def test_editors_synonyms_are_normalised_in_the_admin(client, boss):
    response = client.post(
        reverse("admin:faq_searchsynonym_add"),
        {
            "language": "en",
            "term": "  E.R. ",
            "equivalents": "Emergency  Room, emergency room,e r",
            "is_two_way": "on",
        },
    )
    assert response.status_code == 302
    synonym = SearchSynonym.objects.get()
    assert (synonym.term, synonym.equivalents) == ("e r", ["emergency room"])


def test_a_comma_left_at_the_end_of_a_synonyms_equivalents_is_no_error(client, boss):
    response = client.post(
        reverse("admin:faq_searchsynonym_add"),
        {"language": "en", "term": "meds", "equivalents": "prescription, medicine, ,"},
    )
    assert response.status_code == 302
    assert SearchSynonym.objects.get().equivalents == ["prescription", "medicine"]


def test_a_synonym_longer_once_lowercased_is_a_form_error_not_a_500(client, boss):
    # "İ" (Turkish capital dotted I) lowercases to "i" and a combining dot, which search
    # reads as a space between words: 60 become 119 characters.
    for term, equivalents, field in [("İ" * 60, "x", "term"), ("x", "İ" * 60, "equivalents")]:
        response = client.post(
            reverse("admin:faq_searchsynonym_add"),
            {"language": "en", "term": term, "equivalents": equivalents, "is_two_way": "on"},
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors[field] == [
            "At most 100 characters, as search compares them (lowercased): these are 119."
        ]
    assert not SearchSynonym.objects.exists()


def test_a_synonym_that_would_never_match_is_refused_by_the_database():
    with (
        pytest.raises(IntegrityError, match="faq_searchsynonym_term_normalized"),
        transaction.atomic(),
    ):
        SearchSynonym.objects.create(term="ER", equivalents=["emergency room"])
    with pytest.raises(IntegrityError, match="faq_searchsynonym_has_equivalents"):
        SearchSynonym.objects.create(term="er", equivalents=[])


def test_new_revisions_feed_the_spelling_words_and_approval_still_works():
    make_contact(key="x")
    entry = make_entry(question="Is acupuncture covered?", answer="Ask your [[phone:x]] PCP.")
    assert SearchWord.objects.filter(word="acupuncture").exists()
    assert not SearchWord.objects.filter(word="phone").exists()
    revision = entry.revisions.get()
    assert revision.status == "approved"  # the workflow's updates pass the guard trigger
    with (
        pytest.raises(IntegrityError, match="approved revision cannot change"),
        transaction.atomic(),
    ):
        EntryRevision.objects.filter(pk=revision.pk).update(question="Changed?")


def test_query_count_does_not_grow_with_content(
    demo_content, client, django_assert_max_num_queries
):
    def search(q):
        client.get(reverse("faq:index"))  # what the page cache looks up once per change
        with django_assert_max_num_queries(5):
            return client.get(SEARCH, {"q": q})

    assertContains(search("card"), "1 result for")
    for n in range(30):
        make_entry(question=f"Card question {n}?", answer="About your card.")
    assertContains(search("card"), "31 results")
    assertContains(search("xylophone"), "No results")
    # No answer with every word: answers with some of them, in the same statement.
    assertContains(search("a new card for my son"), "No answer has all of your words")
    assertContains(search("xylophone zither"), "No results")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.text(
        alphabet=st.characters(codec=None, exclude_categories=()),
        max_size=300,
    )
    | st.text(alphabet=st.sampled_from("\x00\ud800\udfff\"'&|!:*()<>-_%\\ erpcard"), max_size=50),
    page=st.none() | st.text(max_size=5),
)
def test_any_text_gets_a_page(demo_content, client, q, page):
    params = f"q={quote(q, safe='', errors='surrogatepass')}"
    if page is not None:
        params += f"&page={quote(page, safe='', errors='surrogatepass')}"
    assert client.get(f"{SEARCH}?{params}").status_code == 200


def test_a_very_broad_search_says_there_are_more(client, monkeypatch):
    monkeypatch.setattr("faq.search.MAX_RESULTS", 5)
    monkeypatch.setattr("faq.views.MAX_RESULTS", 5)
    for n in range(7):
        make_entry(question=f"Otter question {n}?", answer="Otters.")
    response = client.get(SEARCH, {"q": "otter"})
    assertContains(response, "More than 5 results for “<bdi>otter</bdi>”.")
    assert SearchLog.objects.get().result_count == 6


def test_a_repeated_search_reuses_its_hits_until_content_changes(
    demo_content, client, django_assert_num_queries
):
    from faq.models import Entry

    client.get(SEARCH, {"q": "lost card"})  # the first search for these words finds the hits
    # Again: synonyms and the count; not the hits, the page's rows and snippets, nor the
    # header's numbers (all kept per generation).
    with django_assert_num_queries(2) as queries:
        response = client.get(SEARCH, {"q": "lost card"})
    assert not any("ts_rank" in q["sql"] for q in queries.captured_queries)
    assert not any("ts_headline" in q["sql"] for q in queries.captured_queries)
    assert not any("faq_contactnumberrevision" in q["sql"] for q in queries.captured_queries)
    assert SearchLog.objects.get(query="lost card").searches == 2
    assertContains(response, "1 result for")

    entry = Entry.objects.get(slug="what-is-a-pcp")
    publish(add_revision(entry, answer="Bring your card if it is lost or stolen."))
    assertContains(client.get(SEARCH, {"q": "lost card"}), "2 results for")


def test_a_kept_page_of_results_shows_new_words_as_soon_as_they_are_published(demo_content, client):
    from faq.models import Entry

    entry = Entry.objects.get(slug="what-is-a-pcp")
    before = client.get(SEARCH, {"q": "pcp"})
    assertContains(before, entry.revisions.live().originals().get().question)
    assertNotContains(before, "Otters")
    for _ in range(2):  # the second one is the kept page
        assertNotContains(client.get(SEARCH, {"q": "pcp"}), "Otters")
    publish(add_revision(entry, answer="Your PCP also knows about Otters."))
    after = client.get(SEARCH, {"q": "pcp"})
    assertContains(after, "Otters")
    assertContains(after, "<mark>PCP</mark>", html=False)


def test_a_past_moment_is_never_served_from_the_search_cache(demo_content, client):
    from faq.models import Entry

    reviewer = make_user(role="reviewer")
    client.force_login(reviewer)
    before = timezone.now()
    client.get(SEARCH, {"q": "lost card"})
    entry = Entry.objects.get(slug="what-is-a-pcp")
    publish(add_revision(entry, answer="Bring your card if it is lost or stolen."))
    now = client.get(SEARCH, {"q": "lost card"})
    then = client.get(SEARCH, {"q": "lost card", "as_of": before.isoformat()})
    assertContains(now, "2 results for")
    assertContains(then, "1 result for")


@pytest.mark.parametrize(
    "q",
    [
        "provider",
        "card",
        "emergency room",
        "how do i get a ride",
        "zzzz nurse",
        "dr",
        "pharmacy",
        "dental",
        "care",
        "vision",
    ],
)
def test_hits_are_the_best_matches_in_the_ranked_order(demo_content, q):
    """search_hits joins only the matches that can still be among the best once their
    topic's weight is added; it must find what ranking every match would, ties included."""
    from faq.demo.generated import generated_content_publish
    from faq.models import Entry
    from faq.search import MAX_RESULTS, search_hits

    generated_content_publish(900)
    # A withdrawn question takes no place, however well it ranks.
    withdrawn = Entry.objects.filter(slug__startswith="bench-").order_by("pk")[:40]
    for entry in withdrawn:
        item_withdraw(item=entry, by=None)
    terms = search_terms(search_clean(q))
    ids, every_word = search_hits(EntryRevision.objects.shown_in("en"), terms)
    ranked = search_entries(live_entries(language="en"), terms, match_all=every_word)
    expected = list(ranked.values_list("pk", flat=True)[: MAX_RESULTS + 1])
    assert len(expected) > 0
    assert ids == expected
    assert not EntryRevision.objects.filter(pk__in=ids, entry__in=withdrawn).exists()


def test_a_match_its_topic_lifts_into_the_best_is_found(client, monkeypatch):
    """Each further mention of a word ranks a little higher, less than a topic named by the
    query does: the answer in the "Otters" topic comes first though it says "otter" once
    less than the others, which fill every place without it."""
    monkeypatch.setattr("faq.search.MAX_RESULTS", 5)
    monkeypatch.setattr("faq.views.MAX_RESULTS", 5)
    others = make_category(name="Rivers", slug="rivers")
    for n in range(8):
        make_entry(question=f"Question {n}?", answer="otter " * 6, category=others)
    lifted = make_entry(
        question="Which animals?",
        answer="otter " * 5,
        category=make_category(name="Otters", slug="otters"),
        slug="which-animals",
    )
    assert found(client, "otter")[0] == lifted.slug


def test_no_correction_offers_a_word_only_unapproved_text_uses(client):
    from faq.approvals import revision_reject, revision_submit

    make_entry(question="How do I get a billing statement?", answer="Ask for one.")
    draft = add_revision(
        make_entry(question="Dental visits?", answer="Twice a year."),
        answer="Our unannounced Glorbenfax program pays members cash.",
    )
    rejected = add_revision(make_entry(), answer="The Quarnelix pilot is over.")
    revision_submit(revision=rejected, by=None)
    revision_reject(revision=rejected, by=make_user(role="reviewer"), comment="Not yet.")
    for word in ("glorbenfax", "quarnelix"):
        assert not SearchWord.objects.filter(word=word).exists()
    body = client.get(SEARCH, {"q": "glorbenfaks billing"}).content.decode()
    assert "glorbenfax" not in body.lower()

    publish(draft)
    assert SearchWord.objects.filter(word="glorbenfax").exists()
    body = client.get(SEARCH, {"q": "glorbenfaks billing"}).content.decode()
    assert "Also searched for: <strong>glorbenfax</strong>" in body


def test_a_synonym_with_hundreds_of_equivalents_still_finds_its_answers(client):
    # Saved before the admin refused so many, or by a script: search must still answer.
    SearchSynonym.objects.create(term="dental", equivalents=[f"w{n}" for n in range(230)])
    make_entry(slug="teeth", question="Are teeth covered?", answer="Yes, w7 is.")
    assert found(client, "dental") == ["teeth"]
    assert found(client, "w7") == ["teeth"]
    client.force_login(make_user(role="editor"))
    tried = client.get(reverse("admin:faq_search_try"), {"q": "dental", "language": "en"})
    assertContains(tried, '<a href="/questions/teeth/">Are teeth covered?</a>', html=False)


def test_many_synonyms_naming_one_word_still_find_its_answers(client):
    for n in range(300):
        SearchSynonym.objects.create(term=f"t{n}", equivalents=["dental", f"u{n}"])
    make_entry(slug="teeth", question="Are teeth covered?", answer="Yes, u0 is.")
    assert found(client, "dental") == ["teeth"]
    assert len(max(search_terms("dental").groups, key=len)) == 1 + MAX_ALTERNATIVES


def test_the_admin_refuses_a_synonym_with_too_many_equivalents(client, boss):
    response = client.post(
        reverse("admin:faq_searchsynonym_add"),
        {
            "language": "en",
            "term": "dental",
            "equivalents": ",".join(f"w{n}" for n in range(MAX_SYNONYM_EQUIVALENTS + 1)),
            "is_two_way": "on",
        },
    )
    assertContains(response, f"at most {MAX_SYNONYM_EQUIVALENTS} equivalents")
    assert not SearchSynonym.objects.exists()
    at_most = ",".join(f"w{n}" for n in range(MAX_SYNONYM_EQUIVALENTS))
    response = client.post(
        reverse("admin:faq_searchsynonym_add"),
        {"language": "en", "term": "dental", "equivalents": at_most, "is_two_way": "on"},
    )
    assert response.status_code == 302
    assert len(SearchSynonym.objects.get().equivalents) == MAX_SYNONYM_EQUIVALENTS


@pytest.mark.parametrize(
    ("q", "prefix"),
    [
        ("killing myself", ""),
        ("kill my self", ""),
        ("i wanna die", ""),
        ("i dont want to live", ""),
        ("i don't want to live", ""),
        ("Im going to kill myself tonight", ""),
        ("me voy a matar", "/es"),
        ("me quiero matar", "/es"),
        ("no quiero vivir", "/es"),
        ("quiero morirme", "/es"),
        ("quiero matarme", "/es"),
        ("Me quiero suicidar", "/es"),
        ("i want to die", "/es"),  # bilingual members type English on Spanish pages
    ],
)
def test_a_crisis_in_any_words_gets_the_emergency_number_first(demo_content, client, q, prefix):
    body = client.get(f"{prefix}/search/", {"q": q}).content.decode()
    numbers = body.split('aria-labelledby="contact-matches"', 1)[1].split("</section>")[0]
    assert '<a class="phone" href="tel:911">911</a>' in numbers
    answers = body.split('class="search-results"', 1)[1]
    assert body.index("contact-matches") < body.index('class="search-results"')
    linked = set(re.findall(rf'<h2><a href="{prefix}/questions/([^/]+)/"', answers))
    assert {"keep-behavioral-health-provider", "emergency-room-when-pcp-unavailable"} <= linked


@pytest.mark.parametrize(
    ("q", "language"),
    [
        ("my dog died", "en"),
        ("what if i die abroad", "en"),
        ("how do i get a new card", "en"),
        ("self employed", "en"),
        ("crisis", "en"),  # read by the editors' synonym for it, not as a crisis of any words
        ("medicina para matar piojos", "es"),
        ("quiero vivir fuera del estado", "es"),
        ("no puedo vivir sin mi médico", "es"),
    ],
)
def test_ordinary_words_are_not_read_as_a_crisis(q, language):
    assert not search_terms(q, language=language).is_crisis


def test_try_a_search_says_when_words_are_read_as_a_crisis(demo_content, client):
    client.force_login(make_user(role="editor"))
    url = reverse("admin:faq_search_try")
    crisis = client.get(url, {"q": "me voy a matar", "language": "es"})
    assertContains(crisis, 'id="read-as-crisis"')
    assertContains(crisis, "Numbers offered above the results: Emergencias (911)")
    assertNotContains(client.get(url, {"q": "lost card", "language": "en"}), "read-as-crisis")


def test_a_crisis_gets_the_plans_emergency_number_without_any_synonym(client):
    make_contact(key="member-services", label="Member Services")
    make_contact(key="emergency", purpose="emergency", label="Call now", number="911")
    make_entry(question="Who can I talk to?", answer="Call a counselor any time.")
    body = client.get(SEARCH, {"q": "i wanna die"}).content.decode()
    numbers = body.split('aria-labelledby="contact-matches"', 1)[1].split("</section>")[0]
    assert "<h3>Call now</h3>" in numbers
    assert "Member Services" not in numbers


def test_a_plans_crisis_line_is_offered_for_a_crisis_in_any_words(client):
    make_contact(key="emergency", purpose="emergency", label="Emergency", number="911")
    make_contact(key="lifeline", purpose="other", label="Suicide and Crisis Lifeline", number="988")
    body = client.get(SEARCH, {"q": "kill my self"}).content.decode()
    numbers = body.split('aria-labelledby="contact-matches"', 1)[1].split("</section>")[0]
    assert numbers.index("<h3>Emergency</h3>") < numbers.index("Suicide and Crisis Lifeline")


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_the_empty_search_hint_gives_examples_in_the_pages_language_that_find_answers(
    demo_content, client, prefix
):
    page = client.get(f"{prefix}/search/", {"q": ""}).content.decode()
    hint = re.search(r'<p class="search-hint">(.*?)</p>', page, re.DOTALL)[1]
    examples = re.findall(r"<em>(.*?)</em>", hint)
    assert len(examples) == 3
    if prefix:
        assert "lost ID card" not in hint and "doctor" not in hint
    for example in examples:
        body = client.get(f"{prefix}/search/", {"q": example}).content.decode()
        assert re.search(rf'<h2><a href="{prefix}/questions/', body), example


@pytest.mark.parametrize(
    "word", ["puedo", "quiero", "necesito", "tengo", "duele", "perdí", "pierdo", "conozco"]
)
def test_a_form_of_a_spanish_verb_is_not_corrected(demo_content, word):
    # pyspellchecker's Spanish list has "poder" and "querer", not "puedo" or "quiero".
    assert search_terms(f"{word} ayuda", language="es").corrections == ()


@pytest.mark.parametrize("typo", ["tarejta", "medcio", "especalista", "emergancia", "pagp"])
def test_a_spanish_typo_is_no_verb_form(typo):
    assert not is_spanish_verb_form(typo, known_words("es"))


def test_no_puedo_respirar_finds_the_emergency_answers_uncorrected(demo_content, client):
    response = client.get("/es/search/", {"q": "no puedo respirar"})
    assertNotContains(response, "También buscamos")
    body = response.content.decode()
    first = re.search(r'<h2><a href="/es/questions/([^/]+)/"', body)[1]
    assert first == "emergency-room-when-pcp-unavailable"
    assert 'href="tel:911"' in body.split('class="search-results"')[0]


@pytest.mark.parametrize("q", ["i can't breathe", "cant breathe"])
def test_cant_breathe_finds_the_emergency_answers(demo_content, client, q):
    assert found(client, q)[0] == "emergency-room-when-pcp-unavailable"


@pytest.mark.parametrize(
    ("prefix", "q", "first"),
    [
        ("", "representative", "contact-member-services"),
        ("", "i want to talk to someone", "contact-member-services"),
        ("", "sign up", "change-health-plans"),
        ("/es", "representante", "contact-member-services"),
        ("/es", "quiero hablar con alguien", "contact-member-services"),
        ("/es", "cobertura", "change-health-plans"),
    ],
)
def test_the_starter_synonyms_find_what_a_member_means(demo_content, client, prefix, q, first):
    body = client.get(f"{prefix}/search/", {"q": q}).content.decode()
    results = body.split('class="search-results"', 1)[-1]
    assert re.findall(rf'<h2><a href="{prefix}/questions/([^/]+)/">', results)[:1] == [first]
