"""Vietnamese text rules: NFC, slugs, diacritic folding, collation order and dates."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from slugify import slugify as _slugify

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")  # Nghị định 30/2020 writes "Chủ nhật"

# Vietnamese alphabet order; f, j, w, z (foreign words) take their Latin places.
_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Tone marks, in the order the Vietnamese collation uses as a secondary difference:
# none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a different letter (ă â ê ô ơ ư), not a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_LETTER_BASE = 100  # letters sort after spaces, punctuation and digits


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the one form every later stage relies on."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=16384)
def slugify(text: str, max_length: int = 200) -> str:
    """ASCII URL slug: "Đại biểu HĐND tỉnh" -> "dai-bieu-hdnd-tinh"."""
    folded = fold(nfc(text))
    if folded.isascii():
        # Vietnamese folds to ASCII; this gives python-slugify's result at a tenth of its cost.
        slug = _NOT_SLUG.sub("-", folded).strip("-")
        if len(slug) > max_length:
            cut = slug[:max_length + 1]
            slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
        return slug.strip("-")
    return _slugify(nfc(text), max_length=max_length, word_boundary=True, save_order=True)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _fold_table() -> dict[int, str | None]:
    """Each Latin letter with marks (NFC) mapped to its bare letter; combining marks to nothing."""
    table: dict[int, str | None] = {}
    for code in range(0x00C0, 0x2000):
        bare = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if bare != chr(code) and bare.isascii():
            table[code] = bare
    table.update({code: None for code in range(0x0300, 0x0370)})
    table[ord("đ")], table[ord("Đ")] = "d", "D"
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case without diacritics, for search: "Hội đồng" -> "hoi dong"."""
    return text.lower().translate(_FOLD)


def _split_letter(char: str) -> tuple[str, int]:
    """Split one NFC character into its alphabet letter and its tone rank."""
    base, *marks = unicodedata.normalize("NFD", char)
    tone = 0
    for mark in marks:
        if mark in _LETTER_MARKS:
            base += mark
        else:
            tone = _TONES.get(mark, tone)
    return unicodedata.normalize("NFC", base), tone


def _other_rank(char: str) -> int:
    # Spaces, punctuation and digits come before letters; other scripts after them.
    return ord(char) if ord(char) < _LETTER_BASE else 1000 + ord(char)


@lru_cache(maxsize=8192)
def collation_key(name: str) -> tuple:
    """Sort key for names in Vietnamese order: a < ă < â < b ... d < đ, then tones, then case.

    Letters compare first (primary), tones only when the letters are equal (secondary), and
    lower before upper case last (tertiary), as ICU's ``vi`` collator does.
    """
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in nfc(name):
        lower = char.lower()
        letter, tone = _split_letter(lower)
        rank = _LETTER_RANK.get(letter)
        primary.append(_LETTER_BASE + rank if rank is not None else _other_rank(letter))
        secondary.append(tone)
        tertiary.append(0 if char == lower else 1)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def sort_names(names):
    """Sort strings in Vietnamese collation order."""
    return sorted(names, key=collation_key)


@lru_cache(maxsize=65536)
def format_date(value: dt.datetime | dt.date, with_time: bool = False) -> str:
    """ "Thứ Năm, 02/10/2014", or with ``with_time`` "Thứ Năm, 02/10/2014 08:30"."""
    text = f"{WEEKDAYS[value.weekday()]}, {value.day:02d}/{value.month:02d}/{value.year}"  # strftime: 3 times slower
    if with_time and isinstance(value, dt.datetime):
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text


def format_date_long(value: dt.date) -> str:
    """ "ngày 02 tháng 10 năm 2014", "ngày 05 tháng 3 năm 2020": as Nghị định 30/2020 (Phụ lục I)
    writes dates, with a 0 before days under 10 and before the months 1 and 2."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def weekday_in_text(value: dt.date) -> str:
    """The weekday as running text writes it: "thứ Năm", "Chủ nhật" (a name, capitalised anywhere)."""
    name = WEEKDAYS[value.weekday()]
    return name if name.startswith("Chủ") else "t" + name[1:]


def format_size(size: int) -> str:
    """A file size as Vietnamese write it, with a decimal comma: "1,2 MB", "350 KB", "900 byte"."""
    if size < 1000:
        return f"{size} byte"
    for unit, scale in (("KB", 1000), ("MB", 1000**2), ("GB", 1000**3)):
        value = size / scale
        if value < 999.95 or unit == "GB":
            shown = f"{value:.1f}" if value < 10 else f"{value:.0f}"
            return f"{shown.removesuffix('.0').replace('.', ',')} {unit}"
    raise AssertionError("unreachable")


def month_name(month: int, year: int | None = None) -> str:
    """ "Tháng 10/2014" or "Tháng 10"."""
    return f"Tháng {month}/{year}" if year else f"Tháng {month}"


_WORD = re.compile(r"\w+", re.UNICODE)


_FOLDABLE = "".join(re.escape(chr(code)) for code in sorted(_FOLD))
_OTHER_SEPARATORS = re.compile(f"[^\\w\\x00-\\x7f{_FOLDABLE}]+")  # – “ ” … : not letters, not in the table
_NOT_FOLDABLE = re.compile(f"[^\\x00-\\x7f{_FOLDABLE}]")  # other scripts' letters
_ASCII_SEPARATORS = {code: " " for code in range(128) if not _WORD.match(chr(code))}


def words(text: str) -> list[str]:
    """Folded words of ``text``, for search indexes and related-article matching."""
    lowered = _OTHER_SEPARATORS.sub(" ", nfc(text).lower())
    if _NOT_FOLDABLE.search(lowered):
        return _WORD.findall(lowered.translate(_FOLD))
    # Only ASCII and letters the table folds to ASCII are left: decomposing and dropping what is not
    # ASCII (the marks) gives the table's result, several times faster. tests/test_vietnamese.py
    # checks that every code point splits words the same either way.
    folded = unicodedata.normalize("NFD", lowered.replace("đ", "d")).encode("ascii", "ignore").decode("ascii")
    return folded.translate(_ASCII_SEPARATORS).split()
