"""Words of a crisis: whoever types them gets the emergency help first, however they are
formed or ordered. Editors' synonyms name phrases ("kill myself"), and members in crisis
type "killing myself", "kill my self", "i wanna die" or "me voy a matar", which no list of
phrases can foresee."""

from itertools import pairwise

# What search reads a crisis as, in every language: editors' synonyms give it the words the
# answers use (the demo's: "emergency", "behavioral health"), and a crisis line named for it
# is offered too.
CRISIS_WORD = "crisis"

# Each signal is words a query must all have, in any order: "a|b" is either word, and a word
# ending in "*" any word that starts so ("kill*": "killing"). Written lowercased and without
# accents, as queries are compared. Only words that together leave no other reading: "matar"
# alone is also for lice ("matar piojos"), "die" alone for a parent's death.
CRISIS_SIGNALS = {
    "en": [
        "suicid*",
        "kill*|hurt*|harm* myself",
        "self harm*",
        "end*|take|taking my life",
        "want*|wanna|wish*|gonna|going die",
        "dont|not|never want*|wanna live|alive",
        "better off dead",
        "overdos*",
    ],
    "es": [
        "suicid*",
        "matarme|lastimarme|autolesion*",
        "me matar*|lastimar*",
        "quiero|quisiera|deseo|ganas|voy morir*",
        "no quiero|quisiera|deseo|ganas vivir",
        "quitarme|quitar* vida",
        "hacerme dano",
        "sobredosis",
    ],
}


def _parsed(signal: str) -> list[list[str]]:
    return [word.split("|") for word in signal.split()]


_SIGNALS = {language: [_parsed(s) for s in signals] for language, signals in CRISIS_SIGNALS.items()}


def is_crisis(words: list[str], languages: tuple[str, ...]) -> bool:
    """Whether a query's words (lowercased, without accents) are those of one of the
    languages' crisis signals. Each two neighbouring words are read as one too: "kill my
    self" has "myself", and "don't" (the words "don", "t") "dont"."""
    typed = {*words, *(first + second for first, second in pairwise(words))}

    def has(word: str) -> bool:
        if word.endswith("*"):
            return any(typed_word.startswith(word[:-1]) for typed_word in typed)
        return word in typed

    return any(
        all(any(has(word) for word in either) for either in signal)
        for language in languages
        for signal in _SIGNALS.get(language, ())
    )
