"""Postal addresses as people write them, in US and European forms.

A street *core* is found by its shape: a house number before or after a street name that carries
a street word (``Street``, ``Rue``, ``-vej``, ``-strasse``, ``utca``), a unit or PO-box line, a
military address, or whatever follows an address cue (``lives at``, ``address:``). The core then
grows to the whole address: numbers right before it, ``, Town, Country 12345`` after it, and the
short place lines under it in an address block.
"""

from __future__ import annotations

import regex
from faker.providers.address.en_US import Provider as UsAddress
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from dapt.privacy.recognizers.base import CASE_INSENSITIVE, CASE_SENSITIVE, CodedRecognizer, english_zipf
from dapt.privacy.recognizers.names import is_vocabulary


def _alternatives(words: set[str]) -> str:
    return "|".join(sorted((regex.escape(word) for word in words), key=len, reverse=True))


# Street words written after the name; any case for the unambiguous ones.
BRITISH_SUFFIXES = {"Close", "Gardens", "Mews", "Rise", "Wynd", "Gate", "Parade", "Broadway", "Embankment", "Hill"}
US_SUFFIXES = _alternatives(
    {*UsAddress.street_suffixes, *BRITISH_SUFFIXES, "St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Ct", "Pl", "Sq", "Hwy"}
)
STRONG_SUFFIXES = "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|terrace|parkway|highway"
# Street words written before the name (Romance and Slavic languages).
PREFIXES = (
    "Rua|Rue|Via|Viale|Vicolo|Piazza|Piazzale|Strada|Corso|Largo|Calle|C/|Avenida|Avda|Paseo|Camino|Carretera|"
    "Travessa|Praça|Estrada|Alameda|Chemin|Allée|Impasse|Quai|Boulevard|Avenue|Av|ul|al|trg|Trg|Ulica|Odos"
)
# the same street words after a house number, in any case (``26 rue des lieutemants Thomazo``, ``947 trg revolucije
# 17``); short ones and ``via`` are left out (``2 via PEG``)
NUMBERED_PREFIXES = (
    "rua|rue|viale|vicolo|piazza|piazzale|strada|corso|calle|avenida|paseo|carretera|travessa|praça|estrada|alameda|"
    "chemin|allée|impasse|quai|trg|ulica|odos"
)
# Street words fused to the end of the name (Germanic, Nordic, Finnish, Dutch) or after it (Hungarian).
ENDINGS = (
    "straße|strasse|gasse|weg|platz|allee|damm|ufer|graben|steig|pfad|straat|laan|plein|gracht|kade|dijk|"
    "baan|singel|steeg|vej|gade|gatan|gata|vägen|vagen|vegen|veien|vegur|stræti|straeti|stræde|stien|stígur|"
    "gränd|torg|plads|vænget|vaenget|bakken|katu|kuja|ntie|polku|väylä|tori|kaari|rinne|ranta|puisto|"
    "utca|útja|út|u\\.|tér|körút|krt\\.|rkp\\.|sor|köz|fasor|ulice|náměstí|ulica|cesta|sokak|caddesi"
)
PARTICLES = "de|del|della|dei|degli|do|da|dos|das|du|des|la|le|les|el|al|di|van|von|der|den|y"
# a number of a measure or a time is no house number: ``Lopressor 50 mg``, ``2 mm ST``, ``moved to Florida 3 years
# ago``, ``located at 25 cm from the incisors``, ``10:40 PM Dr. ABC``, ``1. Acute ST``
NOT_A_MEASURE = r"(?![ \t]?(?:%|(?:mg|mcg|kg|ml|cc|mm|cm|ms|units?|years?|yrs?|months?|weeks?|days?|hours?|hrs?)\b))"
HOUSE_NUMBER = rf"(?<!\d[:.,/])\d{{1,5}}{NOT_A_MEASURE}[A-Za-z]?"
CAPITALISED = r"\p{Lu}[\p{L}'’-]*\.?"
ANY_WORD = r"\p{L}[\p{L}'’-]*\.?"
CUES = (
    r"lives at|live at|living at|located at|resides at|reside at|residing at|moved to|address(?: is)?:?|"
    r"drops? you off at|send (?:it|them|this|that|a new one|the \w+) to|ship(?:ped)? (?:it )?to|mail(?:ed)? (?:it )?to|"
    r"deliver(?:ed)? (?:it )?to"
)

CORES = [
    # 14 Crown Street, 119 Countess Close Suite 4
    regex.compile(rf"\b{HOUSE_NUMBER}\s(?:[NSEW]\.?\s)?(?:{CAPITALISED}\s){{1,3}}(?:{US_SUFFIXES})\b\.?", CASE_SENSITIVE),
    # 269 holly union st (any case, unambiguous street words only)
    regex.compile(rf"\b{HOUSE_NUMBER}\s(?:{ANY_WORD}\s){{1,3}}(?:{STRONG_SUFFIXES})\b\.?", CASE_INSENSITIVE),
    # Magasinsgatan 7, Villacher Strasse 89, Kálmán Imre u. 12.
    # (the lookahead skips words not followed by a number before trying every ending)
    regex.compile(
        rf"(?:\b(?-i:{CAPITALISED})\s)?\b(?=\p{{L}}+\.?\s\d)\p{{L}}*(?:{ENDINGS})"
        rf"\s\d{{1,5}}{NOT_A_MEASURE}[A-Za-z]?\b\.?",
        CASE_INSENSITIVE,
    ),
    # Rua do Arenque 1634, Via dei Fiorentini 17, ul. Chrzanowska 61, Rue Al Imam Al Bakri
    regex.compile(
        rf"\b(?:{PREFIXES})\.?\s(?:(?:{PARTICLES})\s)*{CAPITALISED}(?:\s(?:(?:{PARTICLES})\s)*{CAPITALISED}){{0,3}}(?:\s\d{{1,5}}[A-Za-z]?\b\.?)?",
        CASE_SENSITIVE,
    ),
    regex.compile(
        rf"\b{HOUSE_NUMBER}[ \t](?:{NUMBERED_PREFIXES})[ \t](?:(?:{PARTICLES})[ \t])*{ANY_WORD}"
        rf"(?:[ \t](?:(?:{PARTICLES})[ \t])*{ANY_WORD}){{0,3}}(?:[ \t]\d{{1,5}}[A-Za-z]?\b)?",
        CASE_INSENSITIVE,
    ),
    # Apt. 297, Suite 680, Unit 4719 Box 7394, P.O. Box 104, PSC 3294; not a theatre (``operative suite #2``)
    regex.compile(
        r"\b(?<!(?:operative|operating|endoscopy|procedure|surgical|recovery)\s)"
        r"(?:apt|apartment|suite|ste|flat|bldg|p\.?\s?o\.?\s?box|box|psc|cmr)\.?\s?#?\s?\d{1,6}[A-Za-z]?\b"
        r"|\bunit\s\d{3,6}\b",
        CASE_INSENSITIVE,
    ),
    # APO AE 09012, USNS Møller
    regex.compile(r"\b(?:apo|fpo|dpo)\s(?:aa|ae|ap)(?:\s\d{5})?\b", CASE_INSENSITIVE),
    regex.compile(r"\b(?:USNS|USNV|USS|USCGC)\s\p{Lu}[\p{L}']+", CASE_SENSITIVE),
    # the corner of Main Street and 5th
    regex.compile(rf"\b(?:the\s)?corner\sof\s[^\n,?!]{{3,60}}?\sand\s(?:{ANY_WORD}|\d+\w*)(?:\s{CAPITALISED}){{0,3}}", CASE_INSENSITIVE),
    # whatever follows an address cue, up to the end of the sentence or clause (``;``, `` - ``), if it
    # holds a number before that end ("address on file. SSN 831 ..." holds none) that is no measure or time
    # (``moved to Florida 3 years ago``); ``lives at home with 2 brothers`` names no address
    regex.compile(
        rf"(?<=\s)(?<=\b(?:{CUES})\s)(?!home\b)"
        rf"(?=(?:[^\n?!.]|\.(?!\s|$)){{0,40}}(?<![\d.])\d+(?:\.\d+)?(?![\d.]){NOT_A_MEASURE})"
        r"[^\n?!;]{3,80}?"
        r"(?=[?!;]|\s[-–—]\s|\.(?:\s|$)|\n|$)",
        CASE_INSENSITIVE,
    ),
]
# Cores whose street name (group 1) must hold a word that is no vocabulary, so that ``2 Tylenol 500``
# and ``lives on Social Security 2`` name no street.
NAMED_CORES = [
    # 6639 Canónigo Valiño 70, 641 Dašická 688: a number, a street's name, a house number
    regex.compile(r"(?<![\d.,])\b\d{1,6}\s((?:\p{Lu}[\p{L}'’-]*\s){1,3})\d{1,5}[A-Za-z]?\b(?![ \t]?(?:%|\p{L}))",
                  CASE_SENSITIVE),
    # lives on Grössgstötten 50, enter on Hoge Wei 32
    regex.compile(rf"(?<=\b(?i:lives|live|living|enter|located)\son\s)((?:{CAPITALISED}\s){{1,3}})\d{{1,5}}[A-Za-z]?\b", CASE_SENSITIVE),
]
# Numbers right before a core, or a whole "213 Pilekrogen 53" before a unit core ("Apt. 263").
LEADING_NUMBERS = regex.compile(r"(?:(?:\d{1,6}\s)?(?:\p{Lu}[\p{L}'’-]+\s){1,3}\d{1,5}[A-Za-z]?,?\s|(?:\d{1,6}\s)+)$")
# , Town, Country 12345 after a core; a postcode may be split (394 13) or lead with letters (SW1A 1AA).
PLACE_TAIL = regex.compile(
    rf"^(?:,?\s(?:{CAPITALISED}|\p{{Lu}}{{2,}})(?:\s(?:{CAPITALISED}|\p{{Lu}}{{2,}}|(?:{PARTICLES})))*(?:\s\d{{3,6}}(?:\s\d{{2,3}})?)?|,?\s\d{{4,6}}){{1,3}}\b",
)
# A place line under an address; ">" opens the lines of a quoted e-mail.
PLACE_LINE = regex.compile(
    rf"^[ \t>]*(?:,\s?)?(?:(?:{CAPITALISED}|\p{{Lu}}{{2,}}|\d{{2,6}}|(?:{PARTICLES})|nan|\([^)\n]{{1,30}}\))[ \t,]*){{1,6}}[.?!]?$"
)
MAX_PLACE_LINES = 4
LOOK_BACK_CHARS = 60
PROSE_ZIPF = 4.0
SCORE = 0.7


class AddressRecognizer(CodedRecognizer):
    """Street addresses (cores grown to the whole address); returns ``STREET_ADDRESS``."""

    ENTITY = "STREET_ADDRESS"

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """One result per address, merged across cores that touch."""
        cores = [match.span() for pattern in CORES for match in pattern.finditer(text)] + [
            match.span() for pattern in NAMED_CORES for match in pattern.finditer(text) if _names_a_street(match.group(1))
        ]
        spans = sorted(grow(text, *core) for core in cores)
        return [self.result(start, end, SCORE) for start, end in merge_touching(text, spans)]


def _names_a_street(words: str) -> bool:
    """A street's name holds a word that is no vocabulary (``Valiño``; not ``Tylenol``, ``Bed``)."""
    return any(not is_vocabulary(word.rstrip(".")) for word in words.split())


def grow(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a core over numbers before it, place names after it and place lines under it."""
    before = LEADING_NUMBERS.search(text[max(0, start - LOOK_BACK_CHARS) : start])
    if before:
        start -= len(before.group())
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    tail = PLACE_TAIL.match(text[end:line_end])
    if tail:
        end += tail.end()
    if text[end:line_end].strip(" \t.,") == "":
        end = _place_lines(text, end)
    return start, end


def _place_lines(text: str, end: int) -> int:
    for _ in range(MAX_PLACE_LINES):
        if not text.startswith("\n", end):
            break
        next_end = text.find("\n", end + 1)
        next_end = len(text) if next_end < 0 else next_end
        line = text[end + 1 : next_end]
        if not line.strip() or not PLACE_LINE.match(line) or _is_prose(line):
            break
        end = end + 1 + len(line.rstrip())
    return end


def _is_prose(line: str) -> bool:
    """A line of everyday words ("Thanks", "Best Regards") closes an address block."""
    words = regex.findall(r"\p{L}+", line)
    return bool(words) and not any(char.isdigit() for char in line) and all(word[1:].islower() and english_zipf(word.lower()) >= PROSE_ZIPF for word in words)


def merge_touching(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge spans that overlap or are separated only by spaces and commas."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].strip(" ,") == ""):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
