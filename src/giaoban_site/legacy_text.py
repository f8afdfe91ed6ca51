"""Old text made new: legacy Vietnamese encodings (TCVN3, VNI, VIQR, Windows-1258) to NFC Unicode,
an old site's HTML to clean Markdown, and plain text to Markdown that shows the same words."""

from __future__ import annotations

import hashlib
import html
import re
import sqlite3
from contextlib import closing
from pathlib import Path

from .errors import ContentError
from .messages import msg
from .vietnamese import nfc


def decode_legacy(path: Path, display: str, convert_unicode: bool = True) -> tuple[str, str]:
    """The file's text in NFC, and the legacy encoding it was in ("" for UTF-8). Bytes that are not
    UTF-8 are read as Windows-1258, TCVN3 or VNI (one byte a letter); any others are an error at
    their line. UTF-8 text is looked at for legacy characters too (TCVN3 or VNI letters a migration
    stored as Unicode, VIQR's "Vie^.t"), unless ``convert_unicode`` is off (a dump's fields are looked
    at one by one, so that the report names each article converted)."""
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text, encoding = data.decode("utf-8"), ""
    except UnicodeDecodeError as exc:
        text, encoding = from_legacy_bytes(data)
        if not encoding:
            raise ContentError(display, msg("import_not_utf8", pos=exc.start), data.count(b"\n", 0, exc.start) + 1) from None
    else:
        if convert_unicode:
            text, encoding = from_legacy(text)
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n")), encoding


_VIETNAMESE_LETTERS = re.compile("[\u1ea0-\u1ef9\u0110\u0111\u01a0\u01a1\u01af\u01b0]")
_TONE_MARKS = re.compile("[\u0300\u0301\u0303\u0309\u0323]")  # Windows-1258 writes tones as marks after the letter


def from_legacy_bytes(data: bytes) -> tuple[str, str]:
    """Bytes that are not UTF-8, in Unicode, and the encoding they were in ("" when none fits)."""
    try:
        text = nfc(data.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    # Windows-1258's tone marks join the vowel before them; in text of another encoding they fall on anything.
    letters, loose = len(_VIETNAMESE_LETTERS.findall(text)), len(_TONE_MARKS.findall(text))
    if letters and loose <= letters // 20:
        return text, "windows-1258"
    return from_legacy(data.decode("latin-1"))  # each byte as the character old fonts drew over


def from_legacy(text: str) -> tuple[str, str]:
    """``text`` in Unicode, and the legacy encoding it was typed in (TCVN3, VNI ... found by viparse;
    VIQR), or as it is with "" when it is Unicode Vietnamese already, or not Vietnamese."""
    if text.isascii():
        return (from_viqr(text), "viqr") if is_viqr(text) else (text, "")
    if _VIETNAMESE_LETTERS.search(text):
        return text, ""
    import viparse  # a legacy file is rare: not loaded by every import

    encoding = viparse.detect_text_encoding(text)
    return (viparse.fix(text, encoding=encoding), encoding) if encoding else (text, "")


# VIQR (RFC 1456) writes Vietnamese in ASCII: a vowel, then "^" "(" "+" for its shape, then ` ' ? ~ . for
# its tone; "dd" is đ, and a backslash keeps the next sign as it is.
_VIQR_SHAPES = re.compile(r"[AaEeOo]\^|[Aa]\(|[OoUu]\+")
# A "." after a vowel that ends a sentence (before a line's end, or a space and a capital) is read as the
# full stop most VIQR writers meant, not as a dot below.
_VIQR = re.compile(r"\\(?P<kept>.)|(?P<d>DD|Dd|dd)|(?P<vowel>[AaEeIiOoUuYy])(?P<shape>[\^(+])?"
                   r"(?P<tone>[`'?~]|\.(?!\s*$|\s+[A-ZĐ]))?", re.MULTILINE)
_SHAPE_MARKS = {"^": "\u0302", "(": "\u0306", "+": "\u031b"}
_TONE_OF = {"`": "\u0300", "'": "\u0301", "?": "\u0309", "~": "\u0303", ".": "\u0323"}


def is_viqr(text: str) -> bool:
    """ASCII text with the vowel shapes only VIQR writes ("a^", "o+", "a("), often enough to be sure."""
    return len(_VIQR_SHAPES.findall(text)) >= 3


def from_viqr(text: str) -> str:
    def letter(found: re.Match) -> str:
        if found.group("kept") is not None:
            return found.group("kept")
        if found.group("d"):
            return "Đ" if found.group("d")[0] == "D" else "đ"
        shape, tone = found.group("shape"), found.group("tone")
        if shape and (found.group("vowel").lower() + shape) not in ("a^", "e^", "o^", "a(", "o+", "u+"):
            return found.group(0)
        return nfc(found.group("vowel") + (_SHAPE_MARKS[shape] if shape else "") + (_TONE_OF[tone] if tone else ""))

    return _VIQR.sub(letter, text)


# Characters that would make Markdown of a sentence: escaped, so the author's words show exactly as written.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]>|])")
_MARKDOWN_LIST_NUMBER = re.compile(r"^(\d+)([.)]\s)")  # "1. " would start a list: "1\. " does not
_MARKDOWN_START = re.compile(r"^([#>+-])")  # a heading, a quote, a list item ("*" is escaped already)


def markdown_text(paragraph: str) -> str:
    """A paragraph of plain text as Markdown that shows the same text."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", paragraph).replace("<", "&lt;")  # no backslash escape for "<"
    escaped = _MARKDOWN_LIST_NUMBER.sub(r"\1\\\2", escaped)
    return _MARKDOWN_START.sub(r"\\\1", escaped)


def html_to_markdown(fragment: str) -> str:
    """An old body's HTML as clean Markdown: paragraphs, headings, lists, links, tables, images; no
    <font>, inline styles, empty paragraphs, runs of &nbsp; nor Word markup."""
    from markdownify import markdownify

    fragment = re.sub(r"<!--.*?-->|</?(?:o:p|font|span)[^>]*>", "", nfc(fragment), flags=re.DOTALL)
    text = markdownify(fragment, heading_style="ATX", bullets="-", strip=["script", "style"])
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text.replace("\u00a0", " "))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))




class ConversionMemo:
    """Bodies an earlier import converted, by a digest of their HTML and of this code: importing the
    same export again converts only the bodies that changed (converting is most of an import's
    time). Kept in ``.giaoban-cache/import.sqlite`` beside site.yaml; a memo that cannot be read is
    started again, as any cache."""

    def __init__(self, path: Path | None = None) -> None:
        from .cache import code_digest

        self.path = path
        self.salt = code_digest().encode()  # a change to the converter's code converts everything again
        self.known: dict[str, tuple[str, str]] = {}  # digest -> (legacy encoding, Markdown), of those looked up
        self.new: dict[str, tuple[str, str]] = {}

    def key(self, fragment: str) -> str:
        return hashlib.sha256(self.salt + fragment.encode("utf-8", "surrogatepass")).hexdigest()

    def look_up(self, keys: list[str]) -> None:
        if self.path is None or not self.path.is_file():
            return
        try:
            with closing(sqlite3.connect(self.path)) as db:
                for start in range(0, len(keys), 500):
                    part = keys[start:start + 500]
                    marks = ",".join("?" * len(part))  # placeholders only: the keys are bound as parameters
                    found = db.execute(f"SELECT key, encoding, markdown FROM bodies WHERE key IN ({marks})", part)  # noqa: S608
                    self.known.update((key, (encoding, markdown)) for key, encoding, markdown in found)
        except sqlite3.Error:
            self.known = {}

    def save(self) -> None:
        if self.path is None or not self.new:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with closing(sqlite3.connect(self.path)) as db, db:
                db.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, encoding TEXT, markdown TEXT)")
                db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)", [(k, e, m) for k, (e, m) in self.new.items()])
        except sqlite3.Error:
            self.path.unlink(missing_ok=True)  # started again next time
