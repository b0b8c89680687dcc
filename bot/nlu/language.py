"""Whether a message is written in a language other than English, so the assistant can say it only reads
English (and offer a person) instead of "that's outside what I can help with".

No model and no download: the assistant is English-only, so it only needs to tell English from "not
English". A message is foreign when most of its letters are in another script (Cyrillic, Arabic, CJK...)
or when it has at least two function words of one of the languages employees most often write in and
more of those than English ones (each word counted once; Spanish's opening '¿' and '¡' count as one).
Short messages and a foreign name or greeting inside an English sentence ("gracias, when is payday?")
stay English.
"""

from __future__ import annotations

import re
import unicodedata


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The most frequent function words of each language, without any that are also common English words
# ("a", "in", "me", "die", "as", "so", "of", "on", "is", "am" are left out on purpose).
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "es": _words(
        "el la los las un una unos y o que de del por para con sin mi mis tu su sus es está estoy "
        "soy yo qué cómo cuándo dónde cuánto puedo quiero necesito tengo hola gracias pero muy también "
        "nómina vacaciones al lo le se nos ya hay este esta esto eso ¿ ¡"
    ),
    "fr": _words(
        "le la les un une des et ou que qui de du pour avec sans mon ma mes ton ta ses est suis je "
        "tu il elle nous vous ils pas ne quand comment où combien bonjour merci mais très aussi "
        "veux peux dois ai au aux ce cette sur"
    ),
    "de": _words(
        "der das den dem des ein eine einen und oder dass von für mit ohne mein meine ist bin ich "
        "du er sie wir ihr nicht wann wie wo wieviel hallo danke aber sehr auch kann will muss "
        "habe zu im auf"
    ),
    "pt": _words(
        "o os um uma uns umas e ou que de do da dos das por para com sem meu minha é está estou sou "
        "eu você não quando como onde quanto olá obrigado obrigada mas muito também quero preciso "
        "tenho posso ao na no"
    ),
    "it": _words(
        "il lo gli un una e o che di del della per con senza mio mia è sono io tu lui lei noi voi "
        "non quando come dove quanto quanti quante cosa perché ciao grazie ma molto anche voglio posso "
        "devo ho al nel mi ti ci"
    ),
    "nl": _words(
        "de het een en of dat van voor met zonder mijn is ben ik jij hij zij wij niet wanneer hoe "
        "waar hoeveel hallo dank bedankt maar zeer ook wil kan moet heb naar"
    ),
}
ENGLISH = _words(
    "the a an and or that of for with without my is am are i you he she we they not when how where "
    "what why can could would will do does did have has need want please thanks hi hello to in on "
    "it this me your our at from"
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
INVERTED_MARKS = frozenset("¿¡")
MIN_FOREIGN_WORDS = 2


def _latin(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")


def foreign_language(text: str) -> bool:
    """True when ``text`` is clearly not English; unsure (short, mixed, names) counts as English."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 2 and sum(not _latin(c) for c in letters) > len(letters) / 2:
        return True
    words = {w.lower() for w in WORD.findall(text)} | (INVERTED_MARKS & set(text))  # distinct: "la la la" is a song
    english = sum(w in ENGLISH for w in words)
    best = max(sum(w in vocabulary for w in words) for vocabulary in FUNCTION_WORDS.values())
    return best >= MIN_FOREIGN_WORDS and best > english
