"""Which languages a page's forms are written in, from the letters of their own texts.

The capture does not record `<html lang>` (and many pages set it wrong or not at all), so
the letters decide: a page is in the languages that can write the most of its accented
letters. A Czech page with "Příjmení" and "Město" is Czech; one with only "Počet" and
"Mesto" is Czech or Slovak (or Croatian...); an English page has no such letters and is in
no language here, so no word that depends on a language applies to it.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from directory_pipeline.forms.schema import FormSchema
from directory_pipeline.forms.vocabulary import LANGUAGE_LETTERS

_GREEK = range(0x0370, 0x0400)


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


def page_languages(schema: FormSchema) -> frozenset[str]:
    """The languages of every field's words on the page (labels, legends, options)."""
    said = [f.describe() for f in schema.fields]
    said += [o.label for f in schema.fields for o in f.options]
    return text_languages(" ".join(said))
