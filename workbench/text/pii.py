"""Likely identifying data in transcript text: one recogniser per kind (RECOGNISERS), the study's names list,
and pseudonymisation with consistent placeholders ([PHONE-1]).

Nothing here logs or returns a finding's value except to the caller that asked: faces show values to the
person deciding, never in logs or the audit (which get kinds and counts, see `counts`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import phonenumbers

Span = tuple[int, int]

# -- helpers shared by the recognisers -----------------------------------------------------------------------

_WORD = r"A-Za-z0-9"


def _context(text: str, start: int, end: int, words: re.Pattern[str], *, before: int = 40, after: int = 20) -> bool:
    """Whether a context word (e.g. 'passport', 護照) stands close to a span."""
    return bool(words.search(text[max(0, start - before):start]) or words.search(text[end:end + after]))


def _near(text: str, anchors: re.Pattern[str], *, before: int, after: int) -> list[Span]:
    """Merged windows around each anchor (a context word, a suffix such as 室): where a slow pattern can match."""
    windows: list[Span] = []
    for m in anchors.finditer(text):
        start, end = max(0, m.start() - before), min(len(text), m.end() + after)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows


def _finditer_near(pattern: re.Pattern[str], text: str, windows: list[Span]) -> Iterator[re.Match[str]]:
    """Matches of a pattern inside windows, each one checked against the whole text (a window edge is no boundary)."""
    for start, end in windows:
        for m in pattern.finditer(text, start, end):
            whole = pattern.match(text, m.start())
            if whole is not None and whole.end() == m.end():
                yield m


# -- HKID: one or two letters, six digits, a check digit (0-9 or A), usually in brackets ----------------------
_HKID = re.compile(rf"(?<![{_WORD}])([A-Za-z]{{1,2}})(\d{{6}})\s?(?:[(（]\s?([0-9Aa])\s?[)）]|([0-9Aa]))(?![{_WORD}])")


def hkid_check_digit(prefix: str, digits: str) -> str:
    """The check digit of a Hong Kong identity card number ('0'-'9' or 'A'); weights 9..2, a blank counts 36."""
    letters = prefix.upper().rjust(2)
    values = [36 if c == " " else ord(c) - ord("A") + 10 for c in letters] + [int(d) for d in digits]
    total = sum(value * weight for value, weight in zip(values, range(9, 1, -1)))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


def _find_hkid(text: str) -> Iterator[Span]:
    for m in _HKID.finditer(text):
        if hkid_check_digit(m.group(1), m.group(2)) == (m.group(3) or m.group(4)).upper():
            yield m.span()


# -- phone numbers: Hong Kong (8 digits, optional +852) and the survivors' home countries, checked by libphonenumber
# The FDH hotline of the Action Plan (NM-f) is public, not identifying; interviews mention it often.
PUBLIC_NUMBERS = frozenset({"21579537"})
_PHONE_REGIONS = ("HK", "PH", "ID")


def _find_phone(text: str) -> Iterator[Span]:
    seen: set[Span] = set()
    for region in _PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            span = (match.start, match.end)
            if span in seen or str(match.number.national_number) in PUBLIC_NUMBERS:
                continue
            seen.add(span)
            yield span


# -- e-mail addresses and URLs ----------------------------------------------------------------------------------
# ASCII boundaries, not \w: Chinese characters often touch an address (寄去amy@mail.hk啦).
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                    r"\.[A-Za-z]{2,}(?![A-Za-z0-9_-])")
# A URL with a scheme or www., or a bare domain followed by a path (facebook.com/maria.s); a bare domain alone
# ("gmail.com") names no one. Trailing punctuation of the sentence is not part of it.
_URL = re.compile(r"(?i)(?:\b(?:https?://|www\.)[^\s<>\"'，。、；：「」（）]+"
                  r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|hk|ph|id|io|me|ly|info|co)/[^\s<>\"'，。、；：「」（）]+)")
_URL_TAIL = ".,;:!?)]}'\"》）"


def _find_email(text: str) -> Iterator[Span]:
    for m in _EMAIL.finditer(text):
        yield m.span()


def _find_url(text: str) -> Iterator[Span]:
    for m in _URL.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in _URL_TAIL:
            end -= 1
        if "@" not in text[start:end].split("/", 1)[0]:  # user@host is an e-mail; a path may hold "@name"
            yield start, end


# -- passport numbers: Philippine (P1234567A, EB1234567), Indonesian (A1234567), generic letters+digits --------
_PASSPORT_WORDS = re.compile(r"(?i)passport|pasaporte|paspor|travel document|護照|护照|旅行證件")
_PASSPORT_STRONG = re.compile(rf"(?<![{_WORD}])(?:P\d{{7}}[A-Z]|[A-Z]{{2}}\d{{7}})(?![{_WORD}])")
_PASSPORT_WEAK = re.compile(rf"(?<![{_WORD}])(?:[A-Z]{{1,2}}\s?\d{{6,8}}[A-Z]?|\d{{8,9}})(?![{_WORD}])")


def _find_passport(text: str) -> Iterator[Span]:
    for m in _PASSPORT_STRONG.finditer(text):
        yield m.span()
    for m in _finditer_near(_PASSPORT_WEAK, text, _near(text, _PASSPORT_WORDS, before=40, after=80)):
        if _context(text, *m.span(), _PASSPORT_WORDS, before=60, after=20):
            yield m.span()


# -- exact dates of birth: a full date (day, month, year) next to a word about birth ---------------------------
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_ZH_NUM = "〇零一二三四五六七八九十"
_DATE = re.compile(
    rf"(?i)\b(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\b"
    rf"|[\d{_ZH_NUM}]{{2,4}}\s*年\s*[\d{_ZH_NUM}]{{1,3}}\s*月\s*[\d{_ZH_NUM}]{{1,3}}\s*[日號号]")
_BIRTH_WORDS = re.compile(r"(?i)\bborn\b|\bbirth|\bd\.?o\.?b\b|birthday|出生|出世|生日|生於|生于")


def _find_dob(text: str) -> Iterator[Span]:
    for m in _finditer_near(_DATE, text, _near(text, _BIRTH_WORDS, before=50, after=80)):
        if _context(text, *m.span(), _BIRTH_WORDS, before=40, after=8):
            yield m.span()


# -- addresses: flat/room, floor, block, street number, building (英 and 中); two parts or a strong one ---------
_ADDRESS_PARTS = [
    # (pattern, weight): a flat, room or street number alone is an address; a floor, block or building name
    # only next to another part (an "8/F" or 大廈 alone is not).
    (r"\b(?:Flat|Rm\.?|Room|Unit|Apt\.?|Apartment)\s*[A-Z0-9]{1,4}(?:-[A-Z0-9]{1,3})?\b", 2),
    (r"(?:\b\d{1,3}\s*/\s*F\b|\b[GUL]{1,2}/F\b|\b\d{1,3}(?:st|nd|rd|th)\s+Floor\b|\bFloor\s+\d{1,3}\b)", 1),
    (r"\b(?:Block|Blk\.?|Tower)\s*[A-Z0-9]{1,3}\b", 1),
    (r"\b\d{1,4}[A-Z]?\s*(?:-\s*\d{1,4}\s*)?(?:[A-Z][a-z]+\s+){1,3}(?:Road|Rd\.?|Street|St\.?|Avenue|Ave\.?|Lane|"
     r"Path|Terrace|Drive)\b", 2),
    (r"\b(?:[A-Z][a-z]+\s+){1,3}(?:Building|Mansion|Court|House|Centre|Center|Garden|Estate|Plaza|Villa)s?\b", 1),
    (rf"[A-Za-z0-9{_ZH_NUM}]{{1,4}}\s*(?:室|[號号]房)", 2),
    (rf"[\d{_ZH_NUM}]{{1,3}}\s*[樓楼]", 1),
    (rf"(?:第\s*)?[A-Za-z0-9{_ZH_NUM}]{{1,3}}\s*座", 1),
    (rf"[\u4e00-\u9fff]{{1,6}}(?:道|街|路|里)\s*[\d{_ZH_NUM}]{{1,4}}\s*[號号]", 2),
    (r"[\u4e00-\u9fff]{1,8}(?:大廈|大厦|中心|花園|花园|邨|苑|閣|阁|樓宇)", 1),
]
_ADDRESS = [(re.compile(p), w) for p, w in _ADDRESS_PARTS]
_WEIGHT = {pattern: weight for pattern, weight in _ADDRESS}
# The Chinese parts end in one of these characters: look for them first, then match just before (faster on long text).
_ZH_SUFFIX = re.compile(r"[室號号座樓楼廈厦心園园邨苑閣阁宇]")
_ADDRESS_GAP = re.compile(r"^[\s,，、]{0,3}$")
# Words that run into a Chinese place name without a break ("住喺美孚新邨"): not part of the address.
_LEAD_IN = re.compile(r"住喺|住在|喺|在|去咗|去|到|返|係|嘅|的|於|住")


def _after_lead_in(match: re.Match[str]) -> int:
    ends = [m.end() for m in _LEAD_IN.finditer(match.group()) if m.end() < len(match.group())]
    return match.start() + (ends[-1] if ends and not match.group()[0].isascii() else 0)


def _find_address(text: str) -> Iterator[Span]:
    suffixes = _near(text, _ZH_SUFFIX, before=16, after=2)
    matches = (m for pattern, weight in _ADDRESS
               for m in (pattern.finditer(text) if pattern.pattern.isascii() else _finditer_near(pattern, text, suffixes)))
    parts = sorted((_after_lead_in(m), m.end(), int(_WEIGHT[m.re])) for m in matches)
    chains: list[list[tuple[int, int, int]]] = []
    for part in parts:  # parts that overlap or stand a comma apart make one address
        end = max((e for _s, e, _w in chains[-1]), default=-1) if chains else -1
        if chains and (part[0] <= end or _ADDRESS_GAP.match(text[end:part[0]])):
            chains[-1].append(part)
        else:
            chains.append([part])
    for chain in chains:
        if sum(w for _s, _e, w in chain) >= 2:
            yield chain[0][0], max(e for _s, e, _w in chain)


# -- the registry ------------------------------------------------------------------------------------------------
def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[3:] if digits.startswith("852") and len(digits) == 11 else digits


@dataclass(frozen=True)
class Recogniser:
    """One kind of identifying data: labels, the placeholder tag, its finder and how two values count as one."""

    kind: str
    en: str
    zh: str
    tag: str
    find: Callable[[str], Iterator[Span]]
    key: Callable[[str], str] = lambda value: re.sub(r"\s+", "", value).lower()

    def label(self, lang: str = "en") -> str:
        """The kind's label in a language."""
        return self.zh if lang == "zh" else self.en


# Order is priority: where two findings overlap, the earlier kind (then the longer span) wins.
RECOGNISERS: dict[str, Recogniser] = {r.kind: r for r in (
    Recogniser("hkid", "Hong Kong ID card number", "香港身份證號碼", "HKID", _find_hkid,
               key=lambda v: re.sub(r"[^A-Za-z0-9]", "", v).upper()),
    Recogniser("email", "e-mail address", "電郵地址", "EMAIL", _find_email),
    Recogniser("url", "web address", "網址", "URL", _find_url),
    Recogniser("phone", "phone number", "電話號碼", "PHONE", _find_phone, key=_digits),
    Recogniser("passport", "passport number", "護照號碼", "PASSPORT", _find_passport,
               key=lambda v: re.sub(r"\s", "", v).upper()),
    Recogniser("dob", "date of birth", "出生日期", "DOB", _find_dob),
    Recogniser("address", "address", "地址", "ADDRESS", _find_address),
)}
NAME = Recogniser("name", "name on the study's names list", "名單上的姓名", "NAME", lambda text: iter(()))
KINDS = {NAME.kind: NAME, **RECOGNISERS}


@dataclass(frozen=True)
class Finding:
    """A likely identifying item: kind, code-point span, line (1-based), the pseudonym for a listed name."""

    kind: str
    start: int
    end: int
    line: int
    replacement: str | None = None

    def value(self, text: str) -> str:
        """The matched text (for the person deciding only; never logged or audited)."""
        return text[self.start:self.end]


def find_names(text: str, names: Mapping[str, str]) -> Iterator[tuple[int, int, str]]:
    """Where listed real names occur (case-insensitive, whole words for Latin names), with their pseudonym."""
    for real in sorted(names, key=len, reverse=True):
        if not real.strip():
            continue
        escaped = re.escape(real.strip()).replace(r"\ ", r"\s+")
        # Latin names are whole words (ASCII boundaries: "叫Maria Santos" has one before the name).
        pattern = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])" if real.strip()[0].isascii() else escaped
        for m in re.finditer(pattern, text, flags=re.IGNORECASE):
            yield m.start(), m.end(), names[real]


def detect(text: str, *, names: Mapping[str, str] | None = None, kinds: tuple[str, ...] | None = None) -> list[Finding]:
    """Every likely identifying item in the text, in text order, overlaps resolved (names first, then RECOGNISERS)."""
    candidates: list[tuple[int, int, int, str, str | None]] = []  # priority, start, end, kind, replacement
    for start, end, pseudonym in find_names(text, names or {}):
        candidates.append((0, start, end, NAME.kind, pseudonym))
    for priority, recogniser in enumerate(RECOGNISERS.values(), start=1):
        if kinds is None or recogniser.kind in kinds:
            candidates.extend((priority, s, e, recogniser.kind, None) for s, e in recogniser.find(text) if e > s)
    taken: list[Span] = []
    chosen = []
    for _priority, start, end, kind, replacement in sorted(candidates, key=lambda c: (c[0], c[1] - c[2], c[1])):
        if any(start < e and end > s for s, e in taken):
            continue
        taken.append((start, end))
        chosen.append(Finding(kind, start, end, text.count("\n", 0, start) + 1, replacement))
    return sorted(chosen, key=lambda f: f.start)


def counts(findings: list[Finding]) -> dict[str, int]:
    """How many findings of each kind (what logs and the audit may carry)."""
    return dict(sorted(Counter(f.kind for f in findings).items()))


def placeholders(text: str, findings: list[Finding]) -> list[str]:
    """The replacement of each finding: its pseudonym, or [TAG-n] numbered per kind so one value keeps one tag."""
    numbers: dict[tuple[str, str], int] = {}
    per_kind: Counter[str] = Counter()
    out = []
    for finding in findings:
        if finding.replacement is not None:
            out.append(finding.replacement)
            continue
        recogniser = KINDS[finding.kind]
        key = (finding.kind, recogniser.key(finding.value(text)))
        if key not in numbers:
            per_kind[finding.kind] += 1
            numbers[key] = per_kind[finding.kind]
        out.append(f"[{recogniser.tag}-{numbers[key]}]")
    return out


@dataclass(frozen=True)
class Replaced:
    """Pseudonymised text and the map from old offsets to new ones (for cues and anything else positioned)."""

    text: str
    edits: tuple[tuple[int, int, int], ...]  # old start, old end, new length

    def position(self, offset: int) -> int:
        """Where an offset of the old text lands in the new one (inside a replaced item: at its start)."""
        shift = 0
        for start, end, length in self.edits:
            if offset < end:
                return offset + shift if offset <= start else start + shift
            shift += length - (end - start)
        return offset + shift


def pseudonymise(text: str, findings: list[Finding]) -> Replaced:
    """Replace each finding with its placeholder or pseudonym (findings must not overlap, as `detect` returns them)."""
    ordered = sorted(findings, key=lambda f: f.start)
    parts, edits, position = [], [], 0
    for finding, replacement in zip(ordered, placeholders(text, ordered)):
        parts.append(text[position:finding.start])
        parts.append(replacement)
        edits.append((finding.start, finding.end, len(replacement)))
        position = finding.end
    parts.append(text[position:])
    return Replaced("".join(parts), tuple(edits))
