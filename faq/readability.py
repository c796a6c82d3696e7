"""How hard an answer is to read, as a school grade: states ask member materials to be
written for a 6th-grade (California) or 5th-grade (Georgia) reader. Editors see it as they
write and reviewers beside the words they approve; it refuses nothing, as the state decides."""

import re
from dataclasses import dataclass
from functools import cache

import pyphen
from django.conf import settings

from faq.markup import markdown_tokens
from faq.tokens import PHONE_TOKEN

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+")
_VOWELS = re.compile(r"[aeiouy]+")
# Final letters English writes but does not say ("care", "called", "phones"), unless they
# are a syllable of their own ("people", "needed", "services").
_SILENT_E = re.compile(r"[^aeiouy](?<!l)e$|[^aeiouytd]ed$|[^aeiouy](?<![cgsxzh])es$")
LONG_SENTENCE_WORDS = 20


@dataclass(frozen=True)
class ReadingLevel:
    grade: float
    words: int
    sentences: int
    long_sentences: tuple[str, ...]

    @property
    def target(self) -> int:
        return settings.HELPCENTER_READING_GRADE

    @property
    def is_above_target(self) -> bool:
        return self.grade > self.target

    def __str__(self) -> str:
        judged = "above" if self.is_above_target else "within"
        return f"grade {self.grade:.1f}, {judged} the target of grade {self.target}"


def _english_syllables(word: str) -> int:
    """An estimate by vowel groups: members' words are common ones, which it counts as a
    pronouncing dictionary does, without holding one in every server process."""
    return max(1, len(_VOWELS.findall(word)) - bool(_SILENT_E.search(word)))


@cache
def _spanish() -> pyphen.Pyphen:
    # Spanish is hyphenated between its syllables, down to a single letter ("e-mer-gen-cia").
    return pyphen.Pyphen(lang="es", left=1, right=1)


def _syllables(word: str, language: str) -> int:
    if language == "es":
        return len(_spanish().positions(word)) + 1
    return _english_syllables(word)


def _sentences(source: str) -> list[str]:
    """The sentences members read: a heading or list item without a full stop is one too."""
    text = PHONE_TOKEN.sub("phone", source or "")
    blocks = [
        "".join(
            " " if child.type in ("softbreak", "hardbreak") else child.content
            for child in token.children or ()
        )
        for token in markdown_tokens(text)
        if token.type == "inline"
    ]
    return [
        sentence.strip()
        for block in blocks
        for sentence in _SENTENCE_END.split(block)
        if _WORD.search(sentence)
    ]


def reading_level(source: str, language: str = "en") -> ReadingLevel | None:
    """The Flesch–Kincaid grade of English text, Crawford's grade of Spanish text (formulas
    of words per sentence and syllables per word), and the sentences long enough to split."""
    sentences = _sentences(source)
    words = [word.lower() for sentence in sentences for word in _WORD.findall(sentence)]
    if not words:
        return None
    syllables = sum(_syllables(word, language) for word in words)
    if language == "es":
        grade = (
            -0.205 * 100 * len(sentences) / len(words)
            + 0.049 * 100 * syllables / len(words)
            - 3.407
        )
    else:
        grade = 0.39 * len(words) / len(sentences) + 11.8 * syllables / len(words) - 15.59
    long = tuple(s for s in sentences if len(_WORD.findall(s)) > LONG_SENTENCE_WORDS)
    return ReadingLevel(round(max(grade, 0.0), 1), len(words), len(sentences), long)


def revision_reading_level(revision) -> ReadingLevel | None:
    """A question's version as members read it: the question, then its answer."""
    return reading_level(f"{revision.question}\n\n{revision.answer}", revision.language)
