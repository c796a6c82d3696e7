"""Members' search: full text over live content, editors' synonyms, typo tolerance, analytics.

A query is cleaned (search_clean), split into words with editors' synonyms joined in
(search_terms) and matched against what members may see (search_entries, given
faq.views.live_entries()). Each search is counted per day and query, never per person
(search_log_record), and old counts are pruned (search_log_prune).
"""

import dataclasses
import datetime
import functools
import html
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchQueryCombinable,
    SearchQueryField,
    SearchRank,
    SearchVector,
)
from django.db import DEFAULT_DB_ALIAS, connection, connections, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FilteredRelation,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from spellchecker import SpellChecker

from faq.crisis import CRISIS_WORD, is_crisis
from faq.models import (
    Category,
    ContactNumberLabelRecord,
    ContactNumberRevision,
    EntryRevision,
    NoticeKind,
    NoticeRevision,
    SearchLog,
    SearchSynonym,
    Status,
    category_text,
    search_config,
    search_config_of_row,
    search_words,
    topic_position_at,
)
from faq.reports import spreadsheet_csv

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12  # bounds the SQL one query can produce
MAX_SYNONYM_WORDS = 3  # the longest synonym term looked for in a query
MAX_ALTERNATIVES = 100  # per word of a query: twice what one synonym may give (the admin's cap)
MIN_SPELLING_LENGTH = 4  # shorter words have too few trigrams to correct safely
DEFAULT_RETENTION_DAYS = 365
CATEGORY_RANK = 0.0122  # what ts_rank gives one word of weight C
MAX_RESULTS = 200  # 20 pages: nobody reads further, and ranking all costs more

# Control characters never reach Postgres (it refuses NUL) nor the analytics; lone
# surrogates cannot be encoded as UTF-8. Bidirectional overrides, embeddings and isolates,
# invisible marks and zero-width spaces match no word and would turn the echoed query, and
# the text after it, backwards.
_UNWANTED = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)

# ts_headline marks matches and separates fragments with these; they cannot come from the
# sanitised answer (see _snippet_source), so the snippet's markup is ours alone.
_START, _STOP, _FRAGMENTS = "\x02", "\x03", "\x1e"
# Phone tokens ([[phone:key]]) are kept whole through ts_headline between these, so that
# faq.tokens can turn them into the live number as on every page.
_TOKEN_OPEN, _TOKEN_CLOSE = "\x1c", "\x1d"
_TAG_SQL = r'<([^>"]|"[^"]*")*>'
# Answers' HTML (faq.markup) ends each paragraph, list item and line break with a new line.
_BLOCK_BREAK = re.compile(r"\s*\n\s*")
_PHONE_TOKEN_SQL = r"\[\[phone:([A-Za-z0-9_-]+)\]\]"
_KEPT_TOKEN = re.compile(f"{_TOKEN_OPEN}([^{_TOKEN_OPEN}{_TOKEN_CLOSE}]*){_TOKEN_CLOSE}")
# A number a fragment stops just short of ("Our toll-free number is", "call Member Services
# at"): a few words of the same sentence, then the token.
_TOKEN_AHEAD = re.compile(
    f"[^.!?\n{_TOKEN_OPEN}{_TOKEN_CLOSE}]{{0,16}}{_TOKEN_OPEN}[^{_TOKEN_CLOSE}]*{_TOKEN_CLOSE}"
)
# Where a sentence ends; and where it, a line or a list's lead-in ends.
_SENTENCE_STOPS = (".", "!", "?")
_SENTENCE_ENDS = (*_SENTENCE_STOPS, ":", "\n")
# A fragment starts where its sentence does when that is at most this many characters back.
_SENTENCE_LEAD = 32
# Fragments at most this many words apart are shown as one, the words between them too.
_JOINED_GAP_WORDS = 2
_CUT_TOKEN_END = re.compile(f"{_TOKEN_OPEN}[^{_TOKEN_CLOSE}]*$")
_CUT_TOKEN_START = re.compile(f"^[^{_TOKEN_OPEN}]*{_TOKEN_CLOSE}")
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
_CONTROL = re.compile("[\x00-\x1f]")
_WEB_SEARCH_SYNTAX = re.compile(r'"|(^|\s)-\w')
# Initials written with stops, the last one or not, read as the word editors' synonyms name:
# "e.r." and "e.r" are "er". Letters only: "2.5" is no word.
_INITIALS = re.compile(r"\b[^\W\d_](?:\.[^\W\d_])+\b\.?")
# Words members ask with, which name no topic: "i need a doctor" looks for a doctor, and an
# answer that never says "need" serves as well. English and Spanish: members type either.
_ASKING_WORDS = frozenset({
    "need", "needs", "want", "wants", "find", "get", "getting", "look", "looking", "know",
    "please", "tell", "trying",
    "necesito", "necesita", "quiero", "quisiera", "busco", "buscar", "encontrar", "saber",
    "favor",
})  # fmt: skip


def search_clean(text: str) -> str:
    """What a member typed, safe to search for and to show: no control characters or lone
    surrogates, single spaces, at most MAX_QUERY_LENGTH characters."""
    text = unicodedata.normalize("NFKC", _UNWANTED.sub(" ", text))
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


@dataclass(frozen=True)
class SearchTerms:
    """A cleaned query: its text as searched and counted, and its words in groups.

    Each group is one word, or the words of a synonym, with the alternatives that may match in
    its place: ("er", "emergency department", "emergency room").
    """

    text: str
    groups: tuple[tuple[str, ...], ...]
    language: str = settings.LANGUAGE_CODE
    # (typed, corrected) for each misspelt word: the page says what else it searched for.
    corrections: tuple[tuple[str, str], ...] = ()
    # The words are a crisis's (faq.crisis): the emergency numbers come first.
    is_crisis: bool = False
    # The words searched for, when some of the text's are only asked with ("i need a").
    asked: str = ""

    @property
    def configs(self) -> tuple[str, ...]:
        """The text-search configurations to look with: the page's language's, and the
        original's too, for the questions not translated yet that the page shows."""
        return tuple(
            dict.fromkeys([search_config(self.language), search_config(settings.LANGUAGE_CODE)])
        )


def search_terms(typed: str, language: str = settings.LANGUAGE_CODE) -> SearchTerms:
    """The words of a cleaned query, each with its alternatives (one query), with the
    synonyms and spellings of the page's language.

    A query in web-search syntax ("a phrase", -word) is searched exactly as written: adding
    alternatives would bring back what it leaves out.
    """
    text = typed.lower()
    words = search_words(_INITIALS.sub(lambda initials: initials[0].replace(".", ""), text))
    # However a crisis is worded, it is searched as one: its words are then one group, with
    # what editors' synonyms give CRISIS_WORD ("emergency", "behavioral health").
    crisis = is_crisis(
        [without_accents(word) for word in words],
        tuple(dict.fromkeys([language, settings.LANGUAGE_CODE])),
    )
    if crisis:
        words = [CRISIS_WORD]
    elif _WEB_SEARCH_SYNTAX.search(text):
        return SearchTerms(text=text, groups=(), language=language)
    words = words[:MAX_QUERY_WORDS]
    phrases = {
        " ".join(words[start : start + length])
        for length in range(1, MAX_SYNONYM_WORDS + 1)
        for start in range(len(words) - length + 1)
    }
    # phrase: its alternatives, each with what it is offered by (_offered) to keep the best.
    alternatives: dict[str, list[tuple[tuple, str]]] = {}
    # Phrases an editor's synonym names, as a term or an equivalent: words of the site's
    # vocabulary, never typos to correct ("doctor" is not "dolor" on Spanish pages).
    named: set[str] = set()
    spellings: dict[str, list[str]] = {}  # word: the closest word, then its synonyms
    same_stems: set[str] = set()  # words whose correction is only another form of them
    for term, equivalents, is_two_way, kind in _alternatives(phrases, words, language):
        if kind == _SPELLING:
            spellings[term] = equivalents
            # Another form of the same word: the stemmer reads both alike (a spelling row's
            # third column) and one begins with the other ("doctors", "doctor"). Typos the
            # stemmer evens out ("emergancy") are still worth saying.
            plain, spelt = without_accents(term), without_accents(equivalents[0])
            if is_two_way and (plain.startswith(spelt) or spelt.startswith(plain)):
                same_stems.add(term)
            continue
        group = {term, *equivalents}
        # Compared without accents: members often type "depresion" for "depresión".
        in_group = {without_accents(member): member for member in group}
        for phrase in phrases:
            member = in_group.get(without_accents(phrase))
            if member is not None:
                named.add(phrase)
                if member == term or is_two_way:
                    offered = _offered((term, *equivalents), by_term=member == term, term=term)
                    alternatives.setdefault(phrase, []).extend(offered)
    # Nor is a word of the language's dictionary: "charge" is not "change", nor "parto"
    # (childbirth) "parte", though the content uses only the second. Another form of it may
    # stand in ("doctors": "doctor", whose synonyms then apply).
    # On another language's pages the original's words are real too: its questions not
    # translated yet are shown and searched there, and members often type English ("card"
    # is not "care" on Spanish pages). Only accents are still put right ("medico").
    languages = dict.fromkeys([language, settings.LANGUAGE_CODE])
    spellings = {
        word: spelt
        for word, spelt in spellings.items()
        if word not in named
        and (
            not any(is_known_word(word, code) for code in languages)
            or word in same_stems
            or without_accents(spelt[0]) == without_accents(word)
        )
    }
    for word, spelt in spellings.items():
        alternatives.setdefault(word, []).extend(_offered((word, *spelt), by_term=True))
    groups = []
    start = 0
    while start < len(words):
        # The longest synonym starting here wins: "mental health" before "mental".
        for length in range(min(MAX_SYNONYM_WORDS, len(words) - start), 0, -1):
            phrase = " ".join(words[start : start + length])
            if length == 1 or phrase in alternatives:
                others = sorted(_best_alternatives(alternatives.get(phrase, []), phrase))
                groups.append((phrase, *others))
                start += length
                break
    # Unless they are all there is ("need help" is "help"; "i need it" is searched as typed).
    topical = [group for group in groups if group != (group[0],) or group[0] not in _ASKING_WORDS]
    asked = ""
    if topical and len(topical) < len(groups):
        groups, asked = topical, " ".join(group[0] for group in topical)
    if crisis:
        crisis_group = (text, *sorted({CRISIS_WORD, *groups[0]} - {text}))
        return SearchTerms(text=text, groups=(crisis_group,), language=language, is_crisis=True)
    # A correction is worth saying when it is one: not the word as the content spells it,
    # nor another form of it ("doctors" for "doctor").
    corrections = tuple(
        (group[0], spellings[group[0]][0])
        for group in groups
        if spellings.get(group[0], [group[0]])[0] != group[0] and group[0] not in same_stems
    )
    return SearchTerms(
        text=text, groups=tuple(groups), language=language, corrections=corrections, asked=asked
    )


def _offered(group: Sequence[str], *, by_term: bool, term: str = "") -> list[tuple[tuple, str]]:
    """A synonym's words (or a spelling's) as alternatives for a phrase, each with the order
    _best_alternatives keeps them in: those of the phrase's own synonym (or its spelling)
    first, then those of synonyms naming it as an equivalent, each in the editor's order."""
    return [((not by_term, term, at), word) for at, word in enumerate(group)]


def _best_alternatives(offered: list[tuple[tuple, str]], phrase: str) -> set[str]:
    """At most MAX_ALTERNATIVES of the words offered for a phrase, its own synonym's first.
    Each one is a part of every statement a search runs, and many synonyms can name the same
    word as an equivalent, however few each has."""
    best = dict.fromkeys(word for _, word in sorted(offered) if word != phrase)
    return set(list(best)[:MAX_ALTERNATIVES])


@functools.cache
def known_words(language: str) -> frozenset[str]:
    """The words of a language's dictionary (pyspellchecker's word lists), read once per
    process: 0.7 s and 29 MB for English and Spanish together. Empty for a language it has
    no list for."""
    try:
        checker = SpellChecker(language=language, distance=1)
    except ValueError:
        return frozenset()
    return frozenset(checker.word_frequency.dictionary)


# Present, past and imperfect endings of Spanish verbs, unaccented, longest first; and the
# stem changes of common irregular verbs ("puedo": poder, "quiero": querer, "tengo": tener,
# "conozco": conocer).
_SPANISH_ENDINGS = sorted(
    {
        "o", "as", "a", "amos", "ais", "an", "e", "aste", "aron", "aba", "abas", "abamos",
        "aban", "es", "emos", "eis", "en", "imos", "is", "i", "iste", "io", "ieron", "ia",
        "ias", "iamos", "ian", "ando", "iendo", "ado", "ada", "ido", "ida",
    },
    key=len,
    reverse=True,
)  # fmt: skip
_SPANISH_STEM_CHANGES = (("ue", "o"), ("ie", "e"), ("i", "e"), ("zc", "c"), ("g", ""))
# Forms no rule of endings gives.
_SPANISH_IRREGULAR = frozenset(
    {
        "estoy", "eres", "somos", "hago", "hice", "hizo", "digo", "dice", "dicen", "dije",
        "dijo", "pude", "pudo", "quise", "quiso", "tuve", "tuvo", "puse", "puso", "vine",
        "vino", "vamos", "fuimos", "fueron", "traje", "trajo", "oigo",
    }
)  # fmt: skip


def is_known_word(word: str, language: str) -> bool:
    """Whether a word is one of the language's dictionary (known_words), or in Spanish a
    form of a verb it has."""
    dictionary = known_words(language)
    return word in dictionary or language == "es" and is_spanish_verb_form(word, dictionary)


def is_spanish_verb_form(word: str, dictionary: frozenset[str]) -> bool:
    """Whether `word` is a form of a verb whose infinitive is in `dictionary`: pyspellchecker's
    Spanish list has "poder" and "tener" but not "puedo", "quiero", "necesito" or "duele",
    which members type in every other search."""
    word = without_accents(word)
    if word in _SPANISH_IRREGULAR:
        return True
    for ending in _SPANISH_ENDINGS:
        stem = word.removesuffix(ending)
        if stem == word or len(stem) < 2:
            continue
        stems = {stem}
        for changed, back in _SPANISH_STEM_CHANGES:
            at = stem.rfind(changed)
            if at >= 0:
                stems.add(stem[:at] + back + stem[at + len(changed) :])
        if any(
            f"{s}{infinitive}" in dictionary for s in stems for infinitive in ("ar", "er", "ir")
        ):
            return True
    return False


def without_accents(text: str) -> str:
    """Letters without their accents, as PostgreSQL's unaccent reads them: "médico" → "medico"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_SYNONYM, _SPELLING = "synonym", "spelling"


# The words a synonym of the page's language gives a word it names: as its term, or as a
# two-way equivalent.
_SYNONYMS_OF_WORD = """
    SELECT DISTINCT alternative
    FROM faq_searchsynonym AS synonym, unnest(synonym.term || synonym.equivalents) AS alternative
    WHERE synonym.language = %(language)s
    AND (unaccent(synonym.term) = unaccent({word}) OR synonym.is_two_way AND unaccent({word}) IN (
        SELECT unaccent(equivalent) FROM unnest(synonym.equivalents) AS equivalent))
"""


def _alternatives(phrases: set[str], words: list[str], language: str) -> list[tuple]:
    """(term, equivalents, is_two_way, kind) rows: editors' synonyms that name one of the
    query's phrases, as their term or an equivalent, and for each longer word the closest
    word questions and answers use, as a one-way synonym. That is the word itself when the
    content uses it, else the same word with accents, else the most similar one with the
    same first letter (typos rarely change that), if any is similar enough for pg_trgm's %
    operator and within max_spelling_edits of it.

    One statement whatever the words: every search reads it, and the SQL Django built for
    each word's lookup cost more than Postgres running them (docs/benchmarks.md)."""
    spelt = [
        word for word in sorted(set(words)) if len(word) >= MIN_SPELLING_LENGTH and word.isalpha()
    ]
    params = {
        "language": language,
        "config": search_config(language),
        "phrases": sorted(phrases),
        "unaccented": sorted({without_accents(phrase) for phrase in phrases}),
        "words": spelt,
        "firsts": [without_accents(word[0]) for word in spelt],
        "edits": [max_spelling_edits(word) for word in spelt],
        "swaps": [" ".join(swapped_letters_accented(word)) for word in spelt],
    }
    with connections[router.db_for_read(SearchSynonym)].cursor() as cursor:
        cursor.execute(_ALTERNATIVES, params)
        return cursor.fetchall()


_ALTERNATIVES = f"""
SELECT term, equivalents, is_two_way, '{_SYNONYM}'
FROM faq_searchsynonym
WHERE language = %(language)s AND (
    unaccent(term) = ANY(ARRAY(SELECT unaccent(phrase) FROM unnest(%(phrases)s::text[]) AS phrase))
    -- Equivalents, like terms, are compared without accents ("atencion" for "atención").
    OR EXISTS (SELECT FROM unnest(equivalents) AS e WHERE unaccent(e) = ANY(%(unaccented)s))
)
UNION ALL
SELECT
    typed.word,
    -- The closest word first, then what editors' synonyms for it bring: "docter" is read
    -- as "doctor", which the English answers call "provider".
    ARRAY[closest.word] || ARRAY({_SYNONYMS_OF_WORD.format(word="closest.word")}),
    to_tsvector(%(config)s::regconfig, closest.word)
        = to_tsvector(%(config)s::regconfig, typed.word),
    '{_SPELLING}'
FROM unnest(%(words)s::text[], %(firsts)s::text[], %(edits)s::int[], %(swaps)s::text[])
    AS typed (word, first, edits, swaps)
CROSS JOIN LATERAL (
    SELECT searchword.word
    FROM faq_searchword AS searchword
    WHERE searchword.language = %(language)s
    AND (
        searchword.word %% typed.word
        AND starts_with(unaccent(searchword.word), unaccent(typed.first))
        AND levenshtein(searchword.word, typed.word) <= typed.edits
        -- Two letters typed in the wrong order ("crad", "docotr") are one slip, though
        -- Levenshtein counts two edits and the words share few trigrams.
        OR searchword.word = ANY(string_to_array(typed.swaps, ' '))
    )
    -- A word that differs only in its accents first ("medico": "médico", not "medio"), then
    -- one with two letters the other way round ("medcio": "médico", not "medio"), then one
    -- that sounds the same ("medicade": "medicaid", not "medical", as near in letters).
    ORDER BY unaccent(searchword.word) = unaccent(typed.word) DESC,
        searchword.word = ANY(string_to_array(typed.swaps, ' ')) DESC,
        dmetaphone(unaccent(searchword.word)) = dmetaphone(unaccent(typed.word)) DESC,
        searchword.word <-> typed.word
    LIMIT 1
) AS closest
"""


def swapped_letters(word: str) -> list[str]:
    """`word` with each pair of neighbouring letters swapped: "crad" → "rcad", "card", "crda"."""
    swaps = (word[:at] + word[at + 1] + word[at] + word[at + 2 :] for at in range(len(word) - 1))
    return list(dict.fromkeys(swap for swap in swaps if swap != word))


_ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "úü", "n": "ñ"}


def swapped_letters_accented(word: str) -> list[str]:
    """swapped_letters, each also with one letter accented as Spanish writes it: members leave
    accents out, so "medcio" is "médico" ("medico" swapped, with the accent the content has).
    A word looked up by its index, where comparing every word unaccented would read them all."""
    swaps = swapped_letters(without_accents(word))
    accented = (
        swap[:at] + letter + swap[at + 1 :]
        for swap in swaps
        for at, plain in enumerate(swap)
        for letter in _ACCENTED.get(plain, "")
    )
    return list(dict.fromkeys([*swaps, *accented]))


def max_spelling_edits(word: str) -> int:
    """How many letters a spelling correction may change: one in a word of up to seven
    letters, two in a longer one. Trigram similarity alone is too loose for short words:
    "counselor" and "counts" share 4 of 13 trigrams, over pg_trgm's threshold, and a member
    asking for a counselor got the emergency room. Elasticsearch's AUTO fuzziness allows two
    from six letters, which read real words the content does not use as typos: "vision" as
    "visit", "doctor" on Spanish pages as "dolor" (pain)."""
    return 1 if len(word) <= 7 else 2


@functools.lru_cache(maxsize=1024)
def search_query(
    terms: SearchTerms, *, match_all: bool = True, groups: tuple[tuple[str, ...], ...] = ()
) -> RawSQL:
    """What to look for, in each of the terms' configurations: their groups, or `groups` in
    their place (search_match_query). Kept per terms: the SQL depends on nothing else, and
    one search asks for it up to four times (match, rank, snippets, the language help)."""
    groups = groups or terms.groups
    return _compiled(
        _balanced(
            operator.or_,
            [
                _search_query(terms, config, groups=groups, match_all=match_all)
                for config in terms.configs
            ],
        )
    )


def _balanced(combine: Callable[[SearchQuery, SearchQuery], SearchQuery], queries: list):
    """The queries combined two by two, then those pairs two by two, and so on: nested as
    deep as the logarithm of their number. Chained one after another, the alternatives of a
    synonym with 230 equivalents nested deeper than Python's recursion limit lets Django
    compile."""
    while len(queries) > 1:
        queries = [combine(*queries[at : at + 2]) for at in range(0, len(queries) - 1, 2)] + (
            queries[-1:] if len(queries) % 2 else []
        )
    return queries[0]


def _compiled(query: SearchQuery) -> RawSQL:
    """The query as SQL, compiled once: one search writes it up to five times (match, rank,
    the topic names, snippets), and Django compiling each copy of a synonym-rich query cost
    more than Postgres running it (docs/benchmarks.md)."""
    compiler = EntryRevision.objects.none().query.get_compiler(DEFAULT_DB_ALIAS)
    sql, params = query.resolve_expression(compiler.query).as_sql(compiler, compiler.connection)
    # A tuple: the same expression serves many queries, and nothing may change its params.
    return RawSQL(sql, tuple(params), output_field=SearchQueryField())


class Matches(Func):
    """vector @@ query, for a query compiled by search_query (a lookup would wrap it again)."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _WithWordsElse(SearchQueryCombinable, Func):
    """The first query unless Postgres finds no word in it but stop words, then the second:
    "what do i need to do" less "need" is empty, and an empty query matches nothing."""

    template = "COALESCE(NULLIF(%(expressions)s, ''::tsquery), %(otherwise)s)"
    output_field = SearchQueryField()
    config = None

    def __init__(self, query: SearchQuery, otherwise: SearchQuery):
        super().__init__(query, otherwise)

    def as_sql(self, compiler, connection, **extra):
        query, otherwise = self.get_source_expressions()
        query_sql, query_params = compiler.compile(query)
        otherwise_sql, otherwise_params = compiler.compile(otherwise)
        sql = self.template % {"expressions": query_sql, "otherwise": otherwise_sql}
        return sql, (*query_params, *otherwise_params)


def _search_query(
    terms: SearchTerms, config: str, *, groups: tuple[tuple[str, ...], ...], match_all: bool
) -> SearchQuery:
    """The query as typed, in web-search syntax ("a phrase", or, -word), or every group of its
    words (with match_all=False, any group), each as any of its alternatives. Built from
    constants only, so Postgres folds it once and can estimate it."""
    as_typed = SearchQuery(terms.text, search_type="websearch", config=config)
    if terms.asked:
        asked = SearchQuery(terms.asked, search_type="websearch", config=config)
        as_typed = _WithWordsElse(asked, as_typed)
    parts = [
        _balanced(
            operator.or_, [SearchQuery(p, search_type="phrase", config=config) for p in group]
        )
        for group in groups
    ]
    if not parts:
        return as_typed
    if not match_all:
        return _balanced(operator.or_, parts)
    # No word has alternatives: the words as typed are the whole query. Decided on the
    # terms' own groups: a group cut down to one shorter alternative ("tarjeta" for
    # "tarjeta de identificacion") still matches what the words as typed do not.
    if all(len(group) == 1 for group in terms.groups):
        return as_typed
    return as_typed | _balanced(operator.and_, parts)


def search_match_query(terms: SearchTerms, *, match_all: bool = True) -> RawSQL:
    """The same matches as search_query in fewer operators, for the WHERE clause; ranking and
    snippets keep the full query, in which a phrase beside a word it contains ("emergency
    room" beside "emergency") adds rank but no match. Postgres prices a query by its
    operators: for "er" the full one tipped it into reading every revision (8.4 ms) where the
    full-text index finds the same 5,136 rows in 1.7 ms (docs/benchmarks.md)."""
    groups = tuple(_without_longer_phrases(group) for group in terms.groups)
    return search_query(terms, match_all=match_all, groups=groups)


def _without_longer_phrases(group: tuple[str, ...]) -> tuple[str, ...]:
    """The alternatives of a group less those that contain another one's words in order: a
    text with "emergency room" has "emergency" too. Only editors' synonyms give a group
    phrases. A stop word alone ("a", "of") is no query at all to Postgres, so only words of
    three letters or more stand in for a phrase: no synonym should be a lone "the" or "for"."""
    words = [alternative.split() for alternative in group]

    def contains(longer: list[str], shorter: list[str]) -> bool:
        return len(shorter) < len(longer) and any(
            longer[start : start + len(shorter)] == shorter
            for start in range(len(longer) - len(shorter) + 1)
        )

    return tuple(
        alternative
        for alternative, own in zip(group, words, strict=True)
        if not any(
            contains(own, other) and all(len(word) >= 3 for word in other) for other in words
        )
    )


def _snippet_source(field: str = "answer_html") -> Func:
    """The answer (or another sanitised HTML field) as text for ts_headline: tags removed
    (entities stay escaped, so no markup can come back), phone tokens wrapped to be kept
    whole."""
    without_tags = Func(
        F(field),
        Value(_TAG_SQL),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return Func(
        without_tags,
        Value(_PHONE_TOKEN_SQL),
        Value(rf"{_TOKEN_OPEN}\1{_TOKEN_CLOSE}"),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def search_entries(
    entries: QuerySet[EntryRevision], terms: SearchTerms, *, match_all: bool = True
) -> QuerySet[EntryRevision]:
    """The revisions among `entries` that match, best first.

    `entries` decides what may be found: pass faq.views.live_entries(), what members see.
    search_hits reads the same order in a statement that joins only the best matches.
    """
    query = search_query(terms, match_all=match_all)
    return (
        _matching(entries, terms, query, match_all=match_all)
        .annotate(
            rank=F("base_rank")
            + Case(
                When(
                    entry__category__in=_categories_named(terms, query),
                    then=Value(CATEGORY_RANK),
                ),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
        .order_by("-rank", "entry__category__position", "entry__position", "entry_id")
    )


def _matching(
    entries: QuerySet[EntryRevision], terms: SearchTerms, query: RawSQL, *, match_all: bool
) -> QuerySet[EntryRevision]:
    """The revisions among `entries` that match, each with its rank before its category's
    weight (base_rank)."""
    return entries.filter(
        Matches("search_vector", search_match_query(terms, match_all=match_all))
    ).annotate(base_rank=SearchRank(F("search_vector"), query))


def _categories_named(terms: SearchTerms, query: RawSQL, at=None) -> QuerySet:
    """The ids of the categories whose name has the query's words.

    A generated column cannot read another table, so the category name is weighed at query
    time, as one C-weighted word would be. It ranks but does not match: matching it would
    take an OR across two tables that the full-text index cannot answer (about 10 ms became
    33 ms per search over 10,000 questions), and a question in a category named by the query
    almost always uses its words too. The name as written and, on a page in another
    language, as members there read it (at a past moment `at`, as then)."""
    if at is not None:
        return _categories_named_then(terms, query, at)
    names = [SearchVector("name", config=search_config(settings.LANGUAGE_CODE))]
    if terms.language != settings.LANGUAGE_CODE:
        names.append(SearchVector("shown_name", config=search_config(terms.language)))
    return (
        Category.objects.shown_in(terms.language)
        .filter(reduce(operator.or_, (Q(Matches(name, query)) for name in names)))
        .values("pk")
    )


def _categories_named_then(terms: SearchTerms, query: RawSQL, at) -> QuerySet:
    """_categories_named at a past moment: by the names recorded as shown then."""

    def named(language: str) -> QuerySet:
        name = SearchVector("shown_name", config=search_config(language))
        return Category.objects.shown_in(language, at).filter(Matches(name, query)).values("pk")

    found = Q(pk__in=named(settings.LANGUAGE_CODE))
    if terms.language != settings.LANGUAGE_CODE:
        found |= Q(pk__in=named(terms.language))
    return Category.objects.filter(found).values("pk")


# search_entries' order for at most %s rows: every match is ranked, and only those that can
# still be among the best once their category's weight is added (a rank within
# CATEGORY_RANK of the last place's) are joined to their category for the weight and the
# tie-breaking positions. For "dr" (7,089 matches), carrying every match's wide row through
# those joins and sorting them all cost more than the ranking (docs/benchmarks.md).
_RANKED = """
SELECT * FROM (
    WITH matches (id, entry_id, rank{placed}) AS MATERIALIZED ({matches}),
    last_place AS (SELECT rank FROM matches ORDER BY rank DESC OFFSET %s LIMIT 1)
    SELECT
        matches.id,
        matches.rank + (CASE WHEN {position}.category_id IN ({categories}) THEN %s ELSE 0.0 END)
            ::double precision AS rank,
        {topic_position},
        {position}.position,
        matches.entry_id
    FROM matches
    JOIN faq_entry AS entry ON entry.id = matches.entry_id
    JOIN faq_category AS category ON category.id = {position}.category_id
    WHERE matches.rank >= COALESCE((SELECT rank FROM last_place) - %s, '-Infinity')
    ORDER BY 2 DESC, 3, 4, 5
    LIMIT %s
) AS ranked
"""
_HITS_OR_SOME = """
WITH every AS MATERIALIZED ({every})
SELECT true, every.* FROM every
UNION ALL
SELECT false, some_words.* FROM ({some}) AS some_words WHERE NOT EXISTS (SELECT FROM every)
ORDER BY 3 DESC, 4, 5, 6
"""


def search_hits(
    entries: QuerySet[EntryRevision], terms: SearchTerms, *, at=None
) -> tuple[list[int], bool]:
    """The matching revisions' ids in search_entries' order, at most MAX_RESULTS + 1 so that
    a page can say there are more, and whether they have every group of the query's words.
    When none has, those with some of them ("how do i get a new id card"), in the same
    statement: Postgres reads that part only when the first found nothing. Narrow rows; the
    page's own rows are read by search_results.

    `entries` decides what may be found: EntryRevision.objects.shown_in(), what members see;
    topics are weighed by their names at `at` (now), as those entries are, each question
    by the topic it is in now (search_results shows the one it was in at `at`)."""

    def ranked(match_all: bool) -> tuple[str, tuple]:
        query = search_query(terms, match_all=match_all)
        matches = _matching(entries.order_by(), terms, query, match_all=match_all)
        # At a past moment, ties go in the order of the topics and places questions had then.
        placed = () if at is None else ("placed_category_id", "placed_position", "topic_then")
        if placed:
            matches = matches.placed_at(at).annotate(
                topic_then=topic_position_at(OuterRef("placed_category_id"), at)
            )
        matches = matches.values_list("pk", "entry_id", "base_rank", *placed)
        matches_sql, matches_params = matches.query.get_compiler(entries.db).as_sql()
        categories = _categories_named(terms, query, at)
        categories_sql, categories_params = categories.query.get_compiler(entries.db).as_sql()
        sql = _RANKED.format(
            matches=matches_sql,
            categories=categories_sql,
            placed=", category_id, position, topic_position" if placed else "",
            position="matches" if placed else "entry",
            topic_position="matches.topic_position" if placed else "category.position",
        )
        params = (
            *matches_params,
            MAX_RESULTS,
            *categories_params,
            CATEGORY_RANK,
            CATEGORY_RANK,
            MAX_RESULTS + 1,
        )
        return sql, params

    every, every_params = ranked(match_all=True)
    if len(terms.groups) <= 1:  # one group: some of the words are all of them
        sql, params, with_fallback = every, every_params, False
    else:
        some, some_params = ranked(match_all=False)
        sql = _HITS_OR_SOME.format(every=every, some=some)
        params, with_fallback = (*every_params, *some_params), True
    with connections[entries.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not with_fallback:
        return [row[0] for row in rows], True
    return [row[1] for row in rows], not rows or rows[0][0]


def search_results(
    pks: Sequence[int], terms: SearchTerms, *, match_all: bool = True, at=None
) -> list["SearchResult"]:
    """One page of hits, in their order, with snippets and their topics' words (at `at`,
    now by default). The ids come from search_hits over what members may see, so they are
    read here by id alone."""
    query = search_query(terms, match_all=match_all)
    revisions = (
        EntryRevision.objects.filter(pk__in=list(pks))
        .select_related("entry__category", "approval")
        .annotate(**category_text(terms.language, "entry__category__", at))
        .placed_at(at)
    )
    source = _snippet_source()
    headlines = revisions.annotate(
        snippet_source=source, headline=_headline(source, query, search_config_of_row())
    )
    by_pk = {revision.pk: revision for revision in headlines}
    return [
        SearchResult(by_pk[pk], search_snippet(by_pk[pk].headline or "", by_pk[pk].snippet_source))
        for pk in pks
        if pk in by_pk
    ]


def search_elsewhere(
    terms: SearchTerms, numbers: dict[str, ContactNumberRevision], at=None
) -> "Elsewhere":
    """What answers a search besides questions, in one query: the language assistance page,
    when the notice of nondiscrimination it shows has every group of the query's words
    (members type "interpreter", "braille" or "complaint" too, and no question answers them),
    and which of the live `numbers` (faq.contacts.live_contacts) have them (search_contacts).

    The page shows the notice in its own language where there is one, else the original, so
    both are read and the one shown decides. The numbers' keys are read beside each notice;
    with no notice live they are read on their own."""
    original = settings.LANGUAGE_CODE
    query = search_query(terms, match_all=True)
    config = search_config_of_row("notice__language")
    contacts = search_contacts(terms, numbers.values(), at).values_list("pk", flat=True)
    source = _snippet_source("body_html")
    notices = (
        NoticeRevision.objects.live(at)
        .filter(
            notice__kind=NoticeKind.NONDISCRIMINATION,
            notice__language__in={terms.language, original},
        )
        .select_related("notice", "approval")
        .order_by()
        .annotate(
            matched=Matches(SearchVector("title", "body", config=config), query),
            snippet_source=source,
            headline=_headline(source, query, config),
            contact_pks=ArraySubquery(contacts),
        )
    )
    by_language = {notice.notice.language: notice for notice in notices}
    shown = by_language.get(terms.language) or by_language.get(original)
    matched = set((shown.contact_pks or ()) if shown else contacts)
    dialled = search_dialled(terms.text)
    contact_keys = tuple(
        key
        for key, number in numbers.items()
        if number.pk in matched or dialled and _is_dialled(dialled, number)
    )
    if shown is None or not shown.matched:
        return Elsewhere(None, contact_keys)
    snippet = search_snippet(shown.headline or "", shown.snippet_source)
    return Elsewhere(LanguageHelpResult(shown, snippet), contact_keys)


_DIALLED = re.compile(r"[0-9 ().+-]+")
MIN_PARTIAL_NUMBER = 7  # "322-6027": a number without its area code


def search_dialled(text: str) -> str:
    """The digits of a query that is a phone number ("1-800-322-6027", "(800) 322 6027",
    "711"), else "": members search a number from a letter or a bill to learn whose it is."""
    if not _DIALLED.fullmatch(text):
        return ""
    digits = re.sub(r"[^0-9]", "", text)
    return digits if len(digits) >= 3 else ""


def _is_dialled(digits: str, number: ContactNumberRevision) -> bool:
    for stored in filter(None, (number.number, number.tty_number)):
        stored = stored.removeprefix("+")
        if stored == digits or len(digits) >= MIN_PARTIAL_NUMBER and stored.endswith(digits):
            return True
    return False


def search_contacts(
    terms: SearchTerms, live: Iterable[ContactNumberRevision], at=None
) -> QuerySet[ContactNumberRevision]:
    """Those of the `live` numbers (faq.contacts.live_contacts, kept per generation) whose
    name or hours have every group of the query's words: members search for "deaf", "tty",
    "enrollment" or "civil rights" to find a number to call, and a question rarely gives it.
    When some of the words have synonyms or corrections, a name with every one of those is
    enough: a sentence's other words are rarely in a number's name, and "i want to kill
    myself" must offer the emergency number as "kill myself" does. Not hours: "after hours
    nurse" is no search for the relay service open "24 hours a day", nor "after hours".
    A number's name is looked for in the page's language too where it is translated (at a
    past moment `at`, by the label recorded as shown then). By id, not by testing what is
    live again: that cost Django 0.4 ms more to build."""
    original = settings.LANGUAGE_CODE
    names = SearchVector("label", config=search_config(original))
    numbers = ContactNumberRevision.objects.filter(pk__in=[number.pk for number in live])
    if terms.language != original and at is None:
        numbers = numbers.alias(
            contact_translation=FilteredRelation(
                "contact__translations",
                condition=Q(contact__translations__language=terms.language),
            )
        )
        names = names + SearchVector(
            "contact_translation__label", config=search_config(terms.language)
        )
    elif terms.language != original:  # as faq.contacts labels the numbers then
        said = ContactNumberLabelRecord.objects.filter(
            contact=OuterRef("contact"), language=terms.language
        ).said_at(at)
        numbers = numbers.alias(label_then=Subquery(said.values("label")[:1]))
        names = names + SearchVector("label_then", config=search_config(terms.language))
    everything = names + SearchVector("hours", config=search_config(original))
    known = tuple(group for group in terms.groups if len(group) > 1)
    if known and len(known) == len(terms.groups):
        # Words editors gave synonyms for are looked for in names only: "after hours" (an
        # evening, to the synonym) is "hours" to the stemmer, which the relay service's
        # "24 hours a day" has.
        matched = Q(Matches(names, search_query(terms, match_all=True)))
    else:
        matched = Q(Matches(everything, search_query(terms, match_all=True)))
    if known and len(known) < len(terms.groups):
        matched |= Q(Matches(names, search_query(terms, match_all=True, groups=known)))
    return numbers.filter(matched).order_by()


def terms_for_answers(terms: SearchTerms, elsewhere: "Elsewhere") -> SearchTerms:
    """The terms answers must match: all of them, but in a sentence that names a number to
    call (search_elsewhere found one) only the words with synonyms or corrections, as the
    numbers were found. "i want to kill myself" then finds the emergency and behavioral
    health answers "kill myself" finds, not only the one answer that says "want"."""
    known = tuple(group for group in terms.groups if len(group) > 1)
    if not elsewhere.contact_keys or not known or len(known) == len(terms.groups):
        return terms
    return dataclasses.replace(terms, groups=known)


@dataclass(frozen=True)
class Elsewhere:
    """What search_elsewhere found: the language assistance page, if it answers, and the keys
    of the numbers that do."""

    language_help: "LanguageHelpResult | None"
    contact_keys: tuple[str, ...]


@dataclass(frozen=True)
class LanguageHelpResult:
    """The language assistance page as a search result: its notice and a snippet of it."""

    revision: NoticeRevision
    # Named as faq.tokens expects, as SearchResult's.
    answer_html: SafeString

    @property
    def language(self) -> str:
        return self.revision.notice.language


def _headline(source: Func, query: RawSQL, config: Case) -> SearchHeadline:
    """ts_headline as search_snippet reads it: our own markers, two fragments of 12-30 words."""
    return SearchHeadline(
        source,
        query,
        config=config,
        start_sel=_START,
        stop_sel=_STOP,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=_FRAGMENTS,
    )


def search_snippet(headline: str, source: str = "") -> SafeString:
    """ts_headline's text as HTML whose only markup is <mark>, phone tokens kept for
    faq.tokens to expand. Its text comes from sanitised HTML, so each piece is unescaped and
    escaped again: an editor's "<script>" stays text.

    Given the `source` ts_headline read (_snippet_source), the fragments are put back on it
    so that no phone number is lost: ts_headline cuts fragments by words, and a token's key
    is words to it ("member-services"), so it may cut through a token, mark words inside one,
    or stop just before the number a sentence gives."""
    fragments = []
    for fragment in _whole_tokens(headline, source).split(_FRAGMENTS):
        fragment = _KEPT_TOKEN.sub(
            lambda match: f"[[phone:{_CONTROL.sub('', match[1])}]]", fragment
        )
        fragment = _CUT_TOKEN_START.sub("", _CUT_TOKEN_END.sub("", fragment))
        fragment = _lines_joined(fragment)
        pieces = _MARKED.split(fragment)
        text = "".join(
            f"<mark>{_text(piece)}</mark>" if index % 2 else _text(piece)
            for index, piece in enumerate(pieces)
            if piece
        )
        if text.strip():
            fragments.append(text.strip())
    # Built only from escape() output and literal <mark> tags.
    return mark_safe(" … ".join(fragments))


def _lines_joined(fragment: str) -> str:
    """A fragment's lines (list items, paragraphs) as one line that still shows where each
    ends: "include: Chest pain · Stroke · Bad burns", not "Chest pain Stroke Bad burns"."""
    fragment = fragment.strip()

    def joint(match: re.Match) -> str:
        before = fragment[: match.start()].rstrip(_START + _STOP)
        return " " if before.endswith((*_SENTENCE_STOPS, ":", ";", ",")) else " · "

    return _BLOCK_BREAK.sub(joint, fragment)


def _whole_tokens(headline: str, source: str) -> str:
    """The headline with each fragment widened to whole phone tokens (and the number it stops
    just short of), fragments that then touch joined into one, and no marks inside a token.
    Unchanged when a fragment cannot be found in the source."""
    if not source:
        return headline
    spans, start = [], 0  # (start, end, marked source ranges) of each fragment in the source
    for fragment in headline.split(_FRAGMENTS):
        plain = fragment.replace(_START, "").replace(_STOP, "")
        found = source.find(plain, start)
        if found < 0:
            found = source.find(plain)
        if not plain or found < 0:
            return headline
        marks, offset = [], found
        for index, piece in enumerate(_MARKED.split(fragment)):
            if index % 2:
                marks.append((offset, offset + len(piece)))
            offset += len(piece)
        spans.append((*_widened(source, found, found + len(plain)), marks))
        start = found + len(plain)
    spans.sort()
    joined = [spans[0]]
    for begin, end, marks in spans[1:]:
        last_begin, last_end, last_marks = joined[-1]
        # Fragments a word or two apart are one: ts_headline ends them at a stop word, and
        # "you do not need … call your PCP first" reads as the opposite of the sentence.
        if begin <= last_end or len(source[last_end:begin].split()) <= _JOINED_GAP_WORDS:
            joined[-1] = (last_begin, max(last_end, end), last_marks + marks)
        else:
            joined.append((begin, end, marks))
    fragments = [_marked(source, *span) for span in joined]
    # Where the text goes on before or after what is shown, say so: "… call your PCP", not a
    # sentence that seems to start in lower case. Between fragments the joint says it.
    before = source[: joined[0][0]].rstrip(" \t")
    if before.strip() and not before.endswith(_SENTENCE_ENDS):
        fragments[0] = f"… {fragments[0]}"
    after = source[joined[-1][1] :].lstrip(" \t")
    shown = source[: joined[-1][1]].rstrip()
    if after.strip() and not after.startswith("\n") and not shown.endswith(_SENTENCE_ENDS):
        fragments[-1] = f"{fragments[-1]} …"
    return _FRAGMENTS.join(fragments)


def _widened(source: str, begin: int, end: int) -> tuple[int, int]:
    """A fragment's place in the source, widened to whole tokens and the numbers it needs."""
    if source.rfind(_TOKEN_OPEN, 0, begin) > source.rfind(_TOKEN_CLOSE, 0, begin):
        begin = source.rfind(_TOKEN_OPEN, 0, begin)
    if source.rfind(_TOKEN_OPEN, 0, end) > source.rfind(_TOKEN_CLOSE, 0, end):
        close = source.find(_TOKEN_CLOSE, end)
        end = len(source) if close < 0 else close + 1
    # From the start of its sentence when that is near: "If it is a true emergency, call 911"
    # and "In an emergency, call 911", not "true emergency, call" or "911 or go to" alone.
    sentence = max(source.rfind(stop, 0, begin) for stop in (*_SENTENCE_STOPS, "\n")) + 1
    if begin - sentence <= _SENTENCE_LEAD:
        begin -= len(source[sentence:begin].lstrip())
    ended = source[begin:end].rstrip().endswith(_SENTENCE_STOPS)
    if not ended and (ahead := _TOKEN_AHEAD.match(source, end)):
        end = ahead.end()
    text = source[begin:end]
    if source[end : end + 1] == ")" and text.count("(") > text.count(")"):
        end += 1  # "(TTY: 711)", not "(TTY: 711"
    if source[end : end + 1] in _SENTENCE_STOPS:
        end += 1  # the sentence's own end, not an ellipsis just before it
    return begin, end


def _marked(source: str, begin: int, end: int, marks: list) -> str:
    """source[begin:end] with its marks, none inside a phone token."""
    tokens = [match.span() for match in _KEPT_TOKEN.finditer(source, begin, end)]
    text, offset = [], begin
    for mark_begin, mark_end in sorted(set(marks)):
        if mark_begin < offset or any(b <= mark_begin < e for b, e in tokens):
            continue
        text += [source[offset:mark_begin], _START, source[mark_begin:mark_end], _STOP]
        offset = mark_end
    text.append(source[offset:end])
    return "".join(text)


def _text(piece: str) -> str:
    return escape(_CONTROL.sub("", html.unescape(piece)))


@dataclass(frozen=True)
class SearchResult:
    """One result as the search page shows it."""

    revision: EntryRevision
    # Named as faq.tokens expects: the template's answer_markup filter writes the numbers in.
    answer_html: SafeString

    def get_absolute_url(self) -> str:
        return self.revision.get_absolute_url()


# What members type that is theirs, not a search: four digits or more, however written (a
# member ID, their own phone number, a date of birth, a social security number), and an
# email address. Three digits are the numbers everyone dials ("911", "711").
_PERSONAL_NUMBER = re.compile(r"[+(]?\d(?:[\s().+/-]*\d){3,}\)?")
_EMAIL = re.compile(r"\S+@\S+")
# A Medicare number (MBI: "1EG4-TE5-MK73"), which dual-eligible members carry beside their
# Medicaid card: letters and digits in CMS's fixed pattern, with or without its dashes.
_MEDICARE_NUMBER = re.compile(
    r"\b[1-9][a-z][a-z0-9]\d[\s-]?[a-z][a-z0-9]\d[\s-]?[a-z]{2}\d{2}\b", re.IGNORECASE
)
_REDACTED = "#"
# A tax form's name, as members search for their proof of coverage: "1095-B", "form 1095b";
# not the start of a longer number that has a letter inside ("1234-A-5678").
_FORM_NAME = re.compile(r"\d{4}-?[a-z]\b(?![-./]\d)", re.IGNORECASE)


def search_log_query(query: str, numbers: Iterable[ContactNumberRevision] = ()) -> str:
    """A query as the search log keeps it: each number that is none of the plan's `numbers`
    (search_dialled's way: whole, or its last seven digits) and each email address as "#".
    The log is read and exported by staff for a year, counted per query: "my member id is
    123456789" is a member's identity beside what they searched for.

    Then its words, as search reads them and editors' synonyms are written: "lost card?",
    "Lost card!!" and "lost card" are one search, "e.r." is "er". Web-search syntax ("a
    phrase", -word) is another search, kept as typed."""
    numbers = tuple(numbers)

    def number(match: re.Match) -> str:
        if _FORM_NAME.match(match.string, match.start()):
            return match[0]
        digits = re.sub(r"[^0-9]", "", match[0])
        return match[0] if any(_is_dialled(digits, n) for n in numbers) else _REDACTED

    query = _MEDICARE_NUMBER.sub(_REDACTED, _EMAIL.sub(_REDACTED, query))
    query = _PERSONAL_NUMBER.sub(number, query)
    if _WEB_SEARCH_SYNTAX.search(query):
        return query
    initials = _INITIALS.sub(lambda found: found[0].replace(".", ""), query.lower())
    return " ".join(re.findall(rf"\w+|{_REDACTED}", initials)) or query  # "?" has no words


def search_log_record(
    *,
    query: str,
    result_count: int,
    language: str = settings.LANGUAGE_CODE,
    day: datetime.date | None = None,
    found_elsewhere: bool = False,
    numbers: Iterable[ContactNumberRevision] = (),
) -> None:
    """Count one search: one row per day, page language and query, with no IP address and no
    user, nor the numbers and email addresses members type that are not the plan's
    `numbers` (search_log_query). It found nothing when it found no question
    (`result_count`) and nothing else either (`found_elsewhere`: a number to call, the
    language assistance page)."""
    found_nothing = result_count == 0 and not found_elsewhere
    query = search_log_query(query, numbers)
    table = SearchLog._meta.db_table
    with connection.cursor() as cursor:
        # One statement, safe under concurrent searches for the same words.
        cursor.execute(
            f"""
            INSERT INTO {table}
                (day, language, query, searches, zero_result_searches, result_count)
            VALUES (%s, %s, %s, 1, %s, %s)
            ON CONFLICT (day, language, query) DO UPDATE SET
                searches = {table}.searches + 1,
                zero_result_searches = {table}.zero_result_searches
                    + EXCLUDED.zero_result_searches,
                result_count = EXCLUDED.result_count
            """,
            [day or timezone.localdate(), language, query, int(found_nothing), result_count],
        )


@transaction.atomic
def search_log_redact(apps=global_apps) -> int:
    """Keep every counted search as search_log_query keeps new ones, merging the counts of
    those that become one query: rows counted before it kept members' own numbers and
    email addresses as typed, for the whole retention. Any number the plan has had approved
    is the plan's. Returns how many rows changed. The migration search_log_redacted runs it."""
    Log = apps.get_model("faq", "SearchLog")
    numbers = list(
        apps.get_model("faq", "ContactNumberRevision").objects.filter(status=Status.APPROVED)
    )
    changed = 0
    for row in Log.objects.order_by("pk").iterator():
        query = search_log_query(row.query, numbers)
        if query == row.query:
            continue
        changed += 1
        kept, made = Log.objects.get_or_create(
            day=row.day,
            language=row.language,
            query=query,
            defaults={
                "searches": row.searches,
                "zero_result_searches": row.zero_result_searches,
                "result_count": row.result_count,
            },
        )
        if not made:
            kept.searches += row.searches
            kept.zero_result_searches += row.zero_result_searches
            kept.save(update_fields=["searches", "zero_result_searches"])
        row.delete()
    return changed


def search_log_retention_days() -> int:
    return int(getattr(settings, "HELPCENTER_SEARCH_LOG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def search_log_prune(*, days: int | None = None, today: datetime.date | None = None) -> int:
    """Delete the counts of days older than the retention period; returns how many rows."""
    days = search_log_retention_days() if days is None else days
    today = today or timezone.localdate()
    if days >= (today - datetime.date.min).days:
        return 0  # a retention longer than the calendar goes back keeps everything
    deleted, _ = SearchLog.objects.filter(day__lt=today - datetime.timedelta(days=days)).delete()
    return deleted


def search_log_totals(rows: QuerySet[SearchLog]) -> QuerySet:
    """Per query and page language over the given rows (a period): searches, those that found
    nothing, days."""
    return (
        rows.order_by()
        .values("query", "language")
        .annotate(
            total_searches=Sum("searches"),
            total_zero_result_searches=Sum("zero_result_searches"),
            days=Count("day"),
            first_day=Min("day"),
            last_day=Max("day"),
        )
        .order_by("-total_searches", "query", "language")
    )


def search_log_zero_result_totals(rows: QuerySet[SearchLog]) -> QuerySet:
    """Queries that found nothing at least once in the rows, most such searches first."""
    return (
        search_log_totals(rows)
        .filter(total_zero_result_searches__gt=0)
        .order_by("-total_zero_result_searches", "-total_searches", "query", "language")
    )


def search_log_csv(totals, *, filename: str) -> HttpResponse:
    header = [
        "Query", "Language", "Searches", "Searches that found nothing", "Days", "First day",
        "Last day",
    ]  # fmt: skip
    return spreadsheet_csv(
        header,
        (
            [
                row["query"],
                row["language"],
                row["total_searches"],
                row["total_zero_result_searches"],
                row["days"],
                row["first_day"].isoformat(),
                row["last_day"].isoformat(),
            ]
            for row in totals
        ),
        filename=filename,
    )
