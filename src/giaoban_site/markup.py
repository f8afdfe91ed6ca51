"""Markdown to safe HTML: Python-Markdown with Pygments, heading anchors, figures; summaries."""

from __future__ import annotations

import html
import operator
import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name its documentation uses)

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import ENTITY_RE
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .sanitize import HtmlPolicy, Removal, clean, repair
from .vietnamese import slugify

SUMMARY_LENGTH = 300

class _FigureProcessor(Treeprocessor):
    """A paragraph holding only an image becomes a <figure>; the image title becomes its caption."""

    def run(self, root: etree.Element) -> None:
        for img in root.iter("img"):
            img.set("loading", "lazy")
            img.set("decoding", "async")
        for para in root.iter("p"):
            children = list(para)
            if len(children) == 1 and children[0].tag == "img" and not (para.text or "").strip() \
                    and not (children[0].tail or "").strip():
                img = children[0]
                para.tag = "figure"
                caption = img.attrib.pop("title", None)
                img.tail = None
                if caption:
                    etree.SubElement(para, "figcaption").text = caption


# Characters that can start inline Markdown (emphasis, links, images, code, HTML, escapes,
# footnote references), entities, and a line ending in two spaces (a line break). A bare "&", as in
# "Đoàn ĐBQH&HĐND", is text: the serializer escapes it either way.
_INLINE_MARKUP = re.compile(rf"[*_\[\]!<>`\\]|  \n|{ENTITY_RE}")


class _PlainTextProcessor(Treeprocessor):
    """Marks text with no inline Markdown as final, so the inline pass skips it.

    Most paragraphs of a news article are plain sentences; trying every inline pattern on them
    is most of Python-Markdown's time, and the result would be the same text.
    """

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            text = element.text
            if text and not isinstance(text, AtomicString) and not _INLINE_MARKUP.search(text):
                element.text = AtomicString(text)


class _FigureExtension(Extension):
    def __init__(self, quick: bool = True) -> None:
        super().__init__()
        self.quick = quick

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_FigureProcessor(md), "giaoban_figures", 5)
        if self.quick:
            md.treeprocessors.register(_PlainTextProcessor(md), "giaoban_plain_text", 25)  # before "inline" (20)


def _heading_slug(value: str, separator: str) -> str:
    return slugify(value) or "muc"


_EXTENSIONS = ["tables", "fenced_code", "codehilite", "toc", "footnotes", "sane_lists"]
# Python-Markdown's own processors we may leave out, with the registry each sits in.
_BUILT_IN = {"html_block": "preprocessors", "hashheader": "parser.blockprocessors",
             "quote": "parser.blockprocessors", "reference": "parser.blockprocessors", "unescape": "treeprocessors"}
# Also indented or after ">": inside a list, a quote or a footnote the underline comes out of those.
_SETEXT_UNDERLINE = re.compile(r"^[ \t>]*(=+|-+)[ \t]*$", re.MULTILINE)
# Extensions and processors that change nothing in a text without their sign: left out there, they
# cost nothing (together a third of the conversion). tests/test_markup.py holds the HTML to be the same.
_NEEDED_FOR = {
    "tables": lambda text: "|" in text,
    "fenced_code": lambda text: "```" in text or "~~~" in text,
    "footnotes": lambda text: "[^" in text,
    "toc": lambda text: "#" in text or "[TOC]" in text or _SETEXT_UNDERLINE.search(text) is not None,
    "html_block": lambda text: "<" in text,
    "hashheader": lambda text: "#" in text,
    "quote": lambda text: ">" in text,
    "reference": lambda text: "]:" in text,
    "unescape": lambda text: "\\" in text,  # only a backslash escape leaves something to unescape
}


class MarkdownRenderer:
    """Reusable Python-Markdown instances (``reset()`` between documents), per process.

    ``quick=False`` converts with every extension and without the plain-paragraph shortcut: the
    reference the quick paths are tested against.
    """

    def __init__(self, allow_raw_html: bool = False, base_path: str = "/", quick: bool = True,
                 policy: HtmlPolicy | None = None) -> None:
        self.allow_raw_html = allow_raw_html
        self.policy = policy or HtmlPolicy()
        self.base_path = base_path
        self.quick = quick
        self._instances: dict[tuple[str, ...], markdown.Markdown] = {}

    def _markdown(self, parts: tuple[str, ...]) -> markdown.Markdown:
        """A Markdown with the extensions and built-in processors named in ``parts``."""
        md = self._instances.get(parts)
        if md is None:
            md = self._instances[parts] = markdown.Markdown(
                extensions=[*(p for p in parts if p in _EXTENSIONS), _FigureExtension(quick=self.quick)],
                extension_configs={
                    "codehilite": {"css_class": "highlight", "guess_lang": False},
                    "toc": {"slugify": _heading_slug, "toc_depth": "2-3"},
                    "footnotes": {"BACKLINK_TITLE": "Quay lại chú thích %d"},
                },
                output_format="html",
            )
            for name, registry in _BUILT_IN.items():
                if name not in parts:
                    operator.attrgetter(registry)(md).deregister(name)
        return md

    def convert(self, text: str) -> tuple[str, str]:
        """Return (body HTML, table-of-contents HTML) for Markdown ``text``."""
        body, toc, _ = self.convert_checked(text)
        return body, toc

    def convert_checked(self, text: str) -> tuple[str, str, list[Removal]]:
        """(body HTML, table-of-contents HTML, what sanitising removed) for Markdown ``text``."""
        text, removals = repair(text, None if self.allow_raw_html else self.policy)
        needed = (p for p in (*_EXTENSIONS, *_BUILT_IN) if p not in _NEEDED_FOR or not self.quick or _NEEDED_FOR[p](text))
        md = self._markdown(tuple(needed))
        md.reset()
        body = md.convert(text)
        if not self.allow_raw_html and _may_carry_markup(text):
            body = clean(body, self.policy)
        body = prefix_root_links(body, self.base_path)
        toc = md.toc if getattr(md, "toc_tokens", None) else ""
        return body, toc, removals


def _may_carry_markup(text: str) -> bool:
    """False when Markdown ``text`` can only produce our own safe tags: no raw HTML, no URLs.

    Sanitising costs a tenth of the conversion, and most news articles are plain paragraphs.
    """
    return "<" in text or "](" in text or "]:" in text


# href="/..." or src="/..." but not protocol-relative "//host/...".
_ROOT_LINK = re.compile(r'(\s(?:href|src)=)(["\'])/(?!/)')


def prefix_root_links(fragment: str, base_path: str) -> str:
    """Prefix root-relative links an editor wrote ("/chu-de/") with the site's base path.

    Editors write links as if the site were at the host's root; a site published under a
    sub-path ("/hdnd/") needs "/hdnd/chu-de/". This is the one place that rewrites them.
    """
    if base_path in ("", "/"):
        return fragment
    prefix = "/" + base_path.strip("/") + "/"
    # A link that already names the sub-path (as old content often does) is left as written.
    pattern = re.compile(_ROOT_LINK.pattern + f"(?!{re.escape(prefix[1:])})")
    return pattern.sub(lambda m: m.group(1) + m.group(2) + prefix, fragment)


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment with tags removed and whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def first_paragraph_summary(body_html: str, limit: int = SUMMARY_LENGTH) -> str:
    """The first paragraph with text, as plain text cut at a word boundary."""
    for match in _PARAGRAPH.finditer(body_html):
        text = plain_text(match.group(1))
        if text:
            return shorten(text, limit)
    return ""


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at the last word boundary before ``limit`` characters, adding "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–")
    return cut + "…"
