import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from faq.readability import reading_level
from tests.factories import add_revision, add_translation, make_entry, make_user

pytestmark = pytest.mark.django_db

# Hard words in long sentences: well above a 6th-grade reader.
HARD = (
    "Authorization requirements for specialized behavioral health services necessitate "
    "documentation from your designated primary care provider, whose determination regarding "
    "medical necessity establishes eligibility for continued reimbursement."
)


def test_the_grade_of_english_is_flesch_kincaid():
    # 9 words in one sentence, 16 syllables: 0.39 × 9 + 11.8 × 16 / 9 − 15.59 = 8.9.
    level = reading_level("Call Member Services to change your primary care provider.")
    assert (level.grade, level.words, level.sentences) == (8.9, 9, 1)


def test_the_grade_of_spanish_is_crawfords():
    # 5 words, 1 sentence, 10 syllables: −0.205 × 20 + 0.049 × 200 − 3.407 = 2.3.
    level = reading_level("Llame a Servicios para Miembros.", "es")
    assert (level.grade, level.words, level.sentences) == (2.3, 5, 1)


@pytest.mark.parametrize(
    "word, syllables",
    [
        # As a pronouncing dictionary (CMU's) counts them.
        ("care", 1), ("called", 1), ("phones", 1), ("people", 2), ("needed", 2),
        ("services", 3), ("changes", 2), ("emergency", 4), ("provider", 3),
        ("behavioral", 4), ("authorization", 5), ("identification", 6), ("the", 1),
        ("immediately", 5), ("transportation", 4), ("your", 1), ("enrollment", 3),
    ],
)  # fmt: skip
def test_english_syllables_are_counted_as_a_dictionary_does(word, syllables):
    # One word as a sentence of its own: its grade gives back its syllables.
    level = reading_level(f"{word}.")
    expected = round(max(0.39 + 11.8 * syllables - 15.59, 0.0), 1)
    assert level.grade == expected


def test_headings_and_list_items_are_sentences_and_a_phone_token_a_word():
    source = "## Call us\n\n- Your ID card\n- Your [[phone:member-services]] number\n"
    level = reading_level(source)
    assert (level.sentences, level.words) == (3, 8)
    assert reading_level("[[phone:member-services]]").words == 1
    assert reading_level("") is None
    assert reading_level("***\n\n---") is None


def test_sentences_of_more_than_twenty_words_are_named():
    short = "Call us. We can help."
    level = reading_level(f"{short} {HARD}")
    assert level.long_sentences == (HARD,)
    assert level.grade > 6 and level.is_above_target
    assert "above the target of grade 6" in str(level)
    assert reading_level(short).long_sentences == ()


def test_the_target_is_a_setting(settings):
    settings.HELPCENTER_READING_GRADE = 40
    assert not reading_level(HARD).is_above_target


def test_an_editor_is_told_when_a_saved_draft_reads_above_the_target(client):
    entry = make_entry(question="How do I get care?", answer="Call us.")
    client.force_login(make_user(role="editor"))
    url = reverse("admin:faq_entry_change", args=[entry.pk])
    latest = entry.revisions.get()
    form = {
        "question": latest.question, "answer": HARD, "category": entry.category_id,
        "slug": entry.slug, "position": entry.position, "go_live_at": "", "expires_at": "",
        "base_revision": latest.pk, "question_es": "", "answer_es": "",
    }  # fmt: skip
    response = client.post(url, {**form, "_continue": "1"}, follow=True)
    assertContains(response, "The English version reads at grade")
    assertContains(response, "above the target of grade 6")
    # The form shows the draft's grade and the sentence to split.
    assertContains(response, "Reading level")
    assertContains(response, HARD[:60])
    # Plain words are saved without a warning.
    newest = entry.revisions.order_by("-pk").first()
    plain = {**form, "answer": "Call us. We can help.", "base_revision": newest.pk}
    response = client.post(url, {**plain, "_continue": "1"}, follow=True)
    assertContains(response, "Saved as a new draft")
    assertNotContains(response, "reads at grade")


def test_a_reviewer_sees_the_grade_beside_the_live_versions(client):
    entry = make_entry(answer="Call us. We can help.")
    draft = add_revision(entry, answer=HARD)
    client.force_login(make_user(role="reviewer"))
    response = client.get(reverse("admin:faq_entryrevision_review") + f"?ids={draft.pk}")
    live = reading_level(
        f"{entry.revisions.get(pk__lt=draft.pk).question}\n\nCall us. We can help."
    )
    assertContains(response, '<p class="reading-above"><strong>Reading level:</strong> grade')
    assertContains(response, f"(the version members see now: grade {live.grade:.1f})")
    assertContains(response, f"<li>{HARD}</li>", html=False)
    # And in the list of versions.
    response = client.get(reverse("admin:faq_entryrevision_changelist"))
    assertContains(response, "(above target)")


def test_a_spanish_version_is_read_as_spanish(client):
    entry = make_entry(answer="Call us.")
    long = (
        "Para cambiar de proveedor de atención primaria, llame a Servicios para Miembros "
        "de lunes a viernes y un representante le ayudará a elegir un médico cerca de su casa."
    )
    translation = add_translation(entry, question="¿Cómo cambio?", answer=long, live=False)
    client.force_login(make_user(role="reviewer"))
    response = client.get(reverse("admin:faq_entryrevision_review") + f"?ids={translation.pk}")
    grade = reading_level(f"¿Cómo cambio?\n\n{long}", "es").grade
    assertContains(response, f"grade {grade:.1f}")
    assertContains(response, f'<ul lang="es"><li>{long}</li></ul>', html=False)
