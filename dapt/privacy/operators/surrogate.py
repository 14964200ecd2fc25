"""Consistent, realistic, format-preserving surrogates keyed by a secret.

The same (entity type, value) always gets the same surrogate under one key, so a patient stays
one person across the corpus; another key gives other surrogates. Each generator keeps the
shape of the original: a phone stays a phone, a card stays Luhn-valid, an IBAN, ISIN, CUSIP or
LEI keeps a valid checksum, a name keeps its case.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable

from faker import Faker

from dapt.privacy.keys import keyed_int

MAX_DRAWS = 8
Generator = Callable[[str, random.Random, Faker], str]
TITLES = re.compile(r"^(?P<title>(?:dr|mr|mrs|ms|miss|prof|sr|sra)\.?\s+)", re.IGNORECASE)
INITIALS = re.compile(r"^(?:[A-Za-z]\.\s?){1,3}$")


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


def _person(value: str, rng: random.Random, fake: Faker) -> str:
    match = TITLES.match(value)
    title = match.group("title") if match else ""
    body = value[len(title):]
    if INITIALS.match(body):
        return title + scramble(body, rng)
    words = body.split()
    names = [fake.last_name()] if len(words) == 1 else [fake.first_name(), *(fake.last_name() for _ in words[1:])]
    if len(words) == 1 and not title:
        names = [rng.choice([fake.first_name, fake.last_name])()]
    return title + same_case(body, " ".join(names))


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


def _organization(value: str, rng: random.Random, fake: Faker) -> str:
    suffixes = ("Medical Center", "Hospital", "Clinic", "Health", "Bank", "Credit Union")
    suffix = next((s for s in suffixes if value.lower().endswith(s.lower())), "Medical Center")
    return same_case(value, f"{fake.last_name()} {suffix}")


GENERATORS: dict[str, Generator] = {
    "PERSON": _person,
    "CREDIT_CARD": _card,
    "IBAN_CODE": _iban,
    "US_SSN": _ssn,
    "CUSIP": _checked(cusip_check_digit, 1),
    "ISIN": _checked(isin_check_digit, 1, kept=2),
    "LEI": _checked(mod97_check_digits, 2),
    "US_EIN": lambda value, rng, fake: value[:2] + scramble(value[2:], rng),  # keeps the issued prefix
    "EMAIL_ADDRESS": lambda value, rng, fake: f"{fake.user_name()}@{fake.free_email_domain()}",
    "LOCATION": lambda value, rng, fake: same_case(value, fake.city()),
    "STREET_ADDRESS": lambda value, rng, fake: same_case(value, fake.street_address()),
    "HOSPITAL": _organization,
    "ORGANIZATION": _organization,
    "URL": lambda value, rng, fake: f"https://www.{fake.domain_name()}",
    "IP_ADDRESS": lambda value, rng, fake: fake.ipv4(),
    "AGE_OVER_89": lambda value, rng, fake: "90+",
}


class SurrogateFactory:
    """Maps (entity type, value) to its surrogate under one key."""

    def __init__(self, key: bytes, locale: str = "en_US") -> None:
        self._key = key
        self._fake = Faker(locale)

    def surrogate(self, entity_type: str, value: str, avoid: frozenset[str] = frozenset()) -> str:
        """The surrogate of ``value``: never ``value`` itself (Faker's frequent names would map
        "Smith" to "Smith") nor a lower-cased value in ``avoid`` (the other identifiers of the
        same document); unknown types keep their shape via ``scramble``."""
        normalized = " ".join(value.lower().split())
        taken = avoid | {value.lower()}
        for attempt in range(MAX_DRAWS):
            seed = keyed_int(self._key, "surrogate", entity_type, normalized, str(attempt))
            candidate = self._draw(entity_type, value, seed)
            if candidate.lower() not in taken and not any(word in taken for word in candidate.lower().split()):
                return candidate
        return f"<{entity_type}>"

    def _draw(self, entity_type: str, value: str, seed: int) -> str:
        rng = random.Random(seed)
        self._fake.seed_instance(seed)
        generator = GENERATORS.get(entity_type)
        if generator is None:
            return scramble(value, rng) if any(char.isdigit() for char in value) else f"<{entity_type}>"
        return generator(value, rng, self._fake)
