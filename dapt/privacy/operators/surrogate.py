"""Consistent, realistic, format-preserving surrogates keyed by a secret.

The same (entity type, value) always gets the same surrogate under one key, so a patient stays
one person across the corpus; another key gives other surrogates. Each generator keeps the
shape of the original: a phone stays a phone, a card stays Luhn-valid, an IBAN, ISIN, CUSIP or
LEI keeps a valid checksum, a name keeps its case, a URL stays a valid URL of the same form.
A surrogate never changes the entity type: a person stays a person (a female first name gets a
female one), a hospital a hospital, a company a company.

A person's name is replaced word by word, each word keyed alone, so "John Smith" and a later
bare "Smith" get the same surname.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

import faker.providers.person.en_US as faker_en_us
from faker import Faker

# phonenumbers ships with presidio-analyzer, whose phone recognizer is built on it
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from dapt.privacy.keys import keyed_int
from dapt.privacy.operators.name_spans import NAME_WORD
from dapt.privacy.recognizers.base import string_values
from dapt.privacy.recognizers.names import first_names, last_names

MAX_DRAWS = 8
Generator = Callable[[str, random.Random, Faker], str]
TITLES = re.compile(r"^(?P<title>(?:dr|mr|mrs|ms|miss|prof|sr|sra)\.?\s+)", re.IGNORECASE)
# Types whose surrogate must be a name, never a tag: when every draw is taken, two are joined.
NAME_KINDS = frozenset({"FIRST_NAME", "LAST_NAME", "INITIAL", "ORGANIZATION", "HOSPITAL", "LOCATION"})
# The word that says what kind of institution a name is; kept as written. Longest forms first.
KIND_SUFFIX = re.compile(
    r"\b(?:Medical Cent(?:er|re)|Health Cent(?:er|re)|Health System|Hospital|Clinic|Infirmary|Hospice|Health|"
    r"Credit Union|Bank|Bancorp|Savings|Trust|Insurance|"
    r"Inc|LLC|Ltd|Corp|Corporation|Company|Co|GmbH|AG|PLC|LLP|Group|Holdings|Partners|Associates)\b\.?",
    re.IGNORECASE,
)


def same_case(template: str, value: str) -> str:
    """Give ``value`` the case style of ``template`` (UPPER, lower or as generated)."""
    letters = [char for char in template if char.isalpha()]
    if letters and all(char.isupper() for char in letters) and len(letters) > 1:
        return value.upper()
    if letters and all(char.islower() for char in letters):
        return value.lower()
    return value


def scramble(value: str, rng: random.Random) -> str:
    """Replace every digit and letter by a random one of the same class; keep punctuation.

    A leading digit stays non-zero so numbers keep their length when parsed.
    """
    out = []
    for index, char in enumerate(value):
        if char.isdigit():
            out.append(rng.choice("123456789" if index == 0 else string.digits))
        elif char.isalpha() and char.isascii():
            out.append(rng.choice(string.ascii_uppercase if char.isupper() else string.ascii_lowercase))
        else:
            out.append(char)
    return "".join(out)


def luhn_check_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char) * (2 if index % 2 == 0 else 1)
        total += number - 9 if number > 9 else number
    return str((10 - total % 10) % 10)


def as_digits(value: str) -> str:
    """``value`` with each letter spelled as its number (A=10 … Z=35), digits kept."""
    return "".join(str(int(char, 36)) for char in value.upper())


def mod97_check_digits(body: str) -> str:
    """ISO 7064 MOD 97-10 check digits to append to ``body`` (letters spelled as numbers)."""
    return f"{98 - int(as_digits(body + '00')) % 97:02d}"


def iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616 mod-97 check digits for a country code and BBAN."""
    return mod97_check_digits(bban + country)


def isin_check_digit(body: str) -> str:
    """ISO 6166 check digit: Luhn over the 11 leading characters spelled as digits."""
    return luhn_check_digit(as_digits(body))


def cusip_check_digit(body: str) -> str:
    """CUSIP check digit of 8 characters: double every second value (A=10 … Z=35, * @ # = 36-38),
    add the digits of each."""
    values = [int(char, 36) if char.isalnum() else 36 + "*@#".index(char) for char in body.upper()]
    total = sum(sum(divmod(value * (2 if index % 2 else 1), 10)) for index, value in enumerate(values))
    return str((10 - total % 10) % 10)


@cache
def gendered_first_names() -> tuple[frozenset[str], frozenset[str]]:
    """(first names only women bear, first names only men bear) in Faker's en_US lists, lower-cased."""
    female = {name.lower() for name in string_values(faker_en_us.Provider, "first_names_female")}
    male = {name.lower() for name in string_values(faker_en_us.Provider, "first_names_male")}
    return frozenset(female - male), frozenset(male - female)


def _first_name(value: str, rng: random.Random, fake: Faker) -> str:
    """A first name of the same gender where the name lists know only one."""
    female, male = gendered_first_names()
    lowered = value.lower()
    draw = fake.first_name_female if lowered in female else fake.first_name_male if lowered in male else fake.first_name
    return same_case(value, draw())


def _is_initial(word: str) -> bool:
    return all(len(part) == 1 for part in NAME_WORD.findall(word))


def name_roles(words: list[str]) -> list[str]:
    """``FIRST_NAME``, ``LAST_NAME`` or ``INITIAL`` for each whitespace-separated word of a name.

    ``First [Middle] Last`` and ``Last, First [Middle]``: the first of the given names is a first
    name, the other words surnames. A lone word is a first name only where the first-name list
    knows it and the surname list does not.
    """
    roles = ["INITIAL" if _is_initial(word) else "LAST_NAME" for word in words]
    named = [index for index, role in enumerate(roles) if role == "LAST_NAME"]
    if len(named) == 1:
        parts = [part.lower() for part in NAME_WORD.findall(words[named[0]])]
        if all(part in first_names() and part not in last_names() for part in parts):
            roles[named[0]] = "FIRST_NAME"
    elif named:
        comma = next((index for index in named[:-1] if words[index].endswith(",")), None)
        roles[named[0] if comma is None else next(index for index in named if index > comma)] = "FIRST_NAME"
    return roles


def _card(value: str, rng: random.Random, fake: Faker) -> str:
    scrambled = scramble(value, rng)
    digits = re.sub(r"\D", "", scrambled)
    check = luhn_check_digit(digits[:-1])
    last = max(i for i, char in enumerate(scrambled) if char.isdigit())
    return scrambled[:last] + check + scrambled[last + 1 :]


def _iban(value: str, rng: random.Random, fake: Faker) -> str:
    compact = re.sub(r"\s", "", value)
    country, bban = compact[:2].upper(), scramble(compact[4:], rng).upper()
    new = country + iban_check_digits(country, bban) + bban
    if " " in value:  # keep the usual groups of four
        return " ".join(new[i : i + 4] for i in range(0, len(new), 4))
    return new


def _checked(check_digits: Callable[[str], str], width: int, kept: int = 0) -> Generator:
    """A generator for codes ending in ``width`` check digits: it keeps the first ``kept``
    characters (a country code), scrambles the rest of the body and recomputes the check."""

    def generate(value: str, rng: random.Random, fake: Faker) -> str:
        body = value[:kept] + scramble(value[kept:-width], rng)
        return body + check_digits(body)

    return generate


def _ssn(value: str, rng: random.Random, fake: Faker) -> str:
    scrambled = scramble(value, rng)
    return rng.choice("12345678") + scrambled[1:]  # areas 000, 666 and 9xx are never issued


def _country_code_end(value: str) -> int:
    """Where a leading ``+<country code>`` ends (ITU codes are prefix-free); 0 without a ``+``."""
    digits = re.match(r"\+(\d{1,3})", value)
    if digits is None:
        return 0
    code = next((n for n in (1, 2, 3) if int(digits.group(1)[:n]) in COUNTRY_CODE_TO_REGION_CODE), len(digits.group(1)))
    return 1 + code


def _phone(value: str, rng: random.Random, fake: Faker) -> str:
    """New digits, same letters and punctuation (``x``, ``ext.``, brackets) and country code.

    The first new digit keeps a trunk ``0`` or long-distance ``1``; otherwise it is 2-9, as no
    area code starts with 0 or 1.
    """
    kept = _country_code_end(value)
    out = list(value)
    digits = [index for index in range(kept, len(value)) if value[index].isdigit()]
    for index in digits:
        leading = index == digits[0]
        if not (leading and value[index] in "01"):
            out[index] = rng.choice("23456789" if leading else string.digits)
    return "".join(out)


def _institution(fallback: Callable[[Faker], str]) -> Generator:
    """A generator of institution names: a surname before the original's kind word (Hospital,
    Clinic, Bank, Credit Union, Inc …), else ``fallback``'s name of the same kind."""

    def generate(value: str, rng: random.Random, fake: Faker) -> str:
        kinds = KIND_SUFFIX.findall(value)
        return same_case(value, f"{fake.last_name()} {kinds[-1]}" if kinds else fallback(fake))

    return generate


def _url(value: str, rng: random.Random, fake: Faker) -> str:
    """A URL of the same form: scheme and ``www.`` as written, a new host in the host's case, a
    path, query and fragment of made-up lower-case words where the original has them."""
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value)
    head = scheme.group() if scheme else ""
    parts = urlsplit("//" + value[len(head) :])
    www = re.match(r"www\d*\.", parts.netloc, re.IGNORECASE)
    port = re.search(r":\d+$", parts.netloc)
    host = same_case(parts.netloc, fake.domain_name())
    segments = [fake.word() for segment in parts.path.split("/") if segment]
    path = "/" + "/".join(segments) + ("/" if segments and parts.path.endswith("/") else "") if parts.path else ""
    pairs = [f"{fake.word()}={rng.randint(1, 9999)}" for pair in parts.query.split("&") if pair]
    query = "?" + "&".join(pairs) if pairs else ""
    fragment = "#" + fake.word() if parts.fragment else ""
    return head + (www.group() if www else "") + host + (port.group() if port else "") + path + query + fragment


GENERATORS: dict[str, Generator] = {
    "FIRST_NAME": _first_name,  # FIRST_NAME, LAST_NAME and INITIAL are the words of a PERSON
    "LAST_NAME": lambda value, rng, fake: same_case(value, fake.last_name()),
    "INITIAL": lambda value, rng, fake: scramble(value, rng),
    "CREDIT_CARD": _card,
    "IBAN_CODE": _iban,
    "US_SSN": _ssn,
    "CUSIP": _checked(cusip_check_digit, 1),
    "ISIN": _checked(isin_check_digit, 1, kept=2),
    "LEI": _checked(mod97_check_digits, 2),
    "US_EIN": lambda value, rng, fake: value[:2] + scramble(value[2:], rng),  # keeps the issued prefix
    "EMAIL_ADDRESS": lambda value, rng, fake: f"{fake.user_name()}@{fake.free_email_domain()}",
    "PHONE_NUMBER": _phone,
    "LOCATION": lambda value, rng, fake: same_case(value, fake.city()),
    "STREET_ADDRESS": lambda value, rng, fake: same_case(value, fake.street_address()),
    "HOSPITAL": _institution(lambda fake: f"{fake.last_name()} Hospital"),
    "ORGANIZATION": _institution(lambda fake: fake.company()),
    "URL": _url,
    "IP_ADDRESS": lambda value, rng, fake: fake.ipv4(),
    "AGE_OVER_89": lambda value, rng, fake: "90+",
}


def _is_free(candidate: str, value: str, taken: frozenset[str]) -> bool:
    """Neither ``candidate`` nor a word of it is taken, leaving out the words it shares with
    ``value`` and kind words ("Hospital", "Bank"): they are format, not identity."""
    lowered = candidate.lower()
    words = set(KIND_SUFFIX.sub(" ", lowered).split()) - set(value.lower().split())
    return lowered not in taken and not words & taken


def _leading_word(name: str) -> str:
    match = NAME_WORD.search(name)
    return match.group() if match else name


class SurrogateFactory:
    """Maps (entity type, value) to its surrogate under one key."""

    def __init__(self, key: bytes, locale: str = "en_US") -> None:
        self._key = key
        self._fake = Faker(locale)

    def surrogate(self, entity_type: str, value: str, avoid: frozenset[str] = frozenset()) -> str:
        """The surrogate of ``value``: never ``value`` itself (Faker's frequent names would map
        "Smith" to "Smith") nor a lower-cased value in ``avoid`` (the other identifiers of the
        same document); unknown types keep their shape via ``scramble``.

        A PERSON keeps its title and spacing; each of its words is replaced on its own key
        (``name_roles``), in its own case.
        """
        taken = avoid | {value.lower(), *(part.lower() for part in NAME_WORD.findall(value))}
        if entity_type != "PERSON":
            return self._fresh(entity_type, value, taken)
        title = TITLES.match(value)
        head = title.group() if title else ""
        pieces = re.split(r"(\s+)", value[len(head) :])
        words = pieces[::2]
        pieces[::2] = [self._name(word, role, taken) for word, role in zip(words, name_roles(words), strict=True)]
        return head + "".join(pieces)

    def _name(self, word: str, role: str, taken: frozenset[str]) -> str:
        """One word of a name with each part (Smith-Jones) replaced on its own key; a letter is an initial."""
        return NAME_WORD.sub(lambda part: self._fresh("INITIAL" if len(part[0]) == 1 else role, part[0], taken), word)

    def _fresh(self, kind: str, value: str, taken: frozenset[str]) -> str:
        """The first keyed draw for ``value`` that is free; for a name kind whose every draw is
        taken, two draws joined as one double-barrelled name, never a tag."""
        normalized = " ".join(value.lower().split())
        taken = taken | {normalized}
        for attempt in range(MAX_DRAWS):
            candidate = self._draw(kind, value, normalized, attempt)
            if _is_free(candidate, value, taken):
                return candidate
        if kind not in NAME_KINDS:
            return f"<{kind}>"
        for attempt in range(MAX_DRAWS, 2 * MAX_DRAWS):
            first, second = (self._draw(kind, value, normalized, n) for n in (attempt, attempt + MAX_DRAWS))
            candidate = f"{_leading_word(first)}-{second}"
            if _is_free(candidate, value, taken):
                return candidate
        return candidate  # a name that may repeat another identifier of the document: never a tag

    def _draw(self, kind: str, value: str, normalized: str, attempt: int) -> str:
        seed = keyed_int(self._key, "surrogate", kind, normalized, str(attempt))
        rng = random.Random(seed)
        self._fake.seed_instance(seed)
        generator = GENERATORS.get(kind)
        if generator is None:
            return scramble(value, rng) if any(char.isdigit() for char in value) else f"<{kind}>"
        return generator(value, rng, self._fake)
