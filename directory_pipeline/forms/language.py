"""Which languages a page's forms are written in, from the letters of their own texts and
the page's `<html lang>`.

The letters decide first: a page is in the languages that can write the most of its
accented letters. A Czech page with "Příjmení" and "Město" is Czech; one with only "Počet"
and "Mesto" is Czech or Slovak (or Croatian...). `<html lang>` is often missing, or left at
a theme's default ("en-US" on a Czech site), so it only narrows the letters' answer when it
is one of them, and speaks alone when the texts have no such letters (a Danish form with
"By" and "Postnr.", a Turkish one with "Ad" and "Soyad"); a page with neither is in no
language here, so no word that depends on a language applies to it.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from directory_pipeline.forms.schema import FormSchema
from directory_pipeline.forms.vocabulary import GATED_PHRASES, LANGUAGE_LETTERS

_GREEK = range(0x0370, 0x0400)
_GATED_LANGUAGES = frozenset(
    language
    for words in GATED_PHRASES.values()
    for used_in in words.values()
    for language in used_in
) | frozenset(LANGUAGE_LETTERS)
_SAME_LANGUAGE = {"no": "nb", "nn": "nb"}  # Norwegian, Bokmål and Nynorsk share the words


@lru_cache(maxsize=4_096)
def text_languages(text: str) -> frozenset[str]:
    """The languages that can write the most of the text's accented letters; empty when it
    has none."""
    votes: Counter[str] = Counter()
    for char in text.lower():
        if ord(char) in _GREEK:
            votes["el"] += 1
            continue
        for language, letters in LANGUAGE_LETTERS.items():
            if char in letters:
                votes[language] += 1
    if not votes:
        return frozenset()
    top = max(votes.values())
    return frozenset(language for language, count in votes.items() if count == top)


def declared_language(lang_attribute: str) -> str | None:
    """The primary language of an `<html lang>` value ("da-DK" -> "da"), if it is one of the
    languages the vocabulary gates words by."""
    primary = lang_attribute.strip().lower().replace("_", "-").split("-")[0]
    primary = _SAME_LANGUAGE.get(primary, primary)
    return primary if primary in _GATED_LANGUAGES else None


def page_languages(schema: FormSchema) -> frozenset[str]:
    """The languages of every field's words on the page (labels, legends, options),
    narrowed or, when the words have no telling letters, given by `<html lang>`."""
    said = [f.describe() for f in schema.fields]
    said += [o.label for f in schema.fields for o in f.options]
    letters = text_languages(" ".join(said))
    declared = declared_language(schema.declared_language)
    if declared is None:
        return letters
    if not letters:
        return frozenset({declared})
    return letters & {declared} or letters
