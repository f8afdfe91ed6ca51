"""Raw HTML in Markdown: kept where it is safe formatting, removed where it is hostile, and every
removal reported at its line.

Two steps. Before conversion, ``repair`` reads the Markdown's raw HTML block by block (blocks end
at blank lines): an element its block opens and nothing later closes is closed where the block
ends, so that it can swallow neither the Markdown below it (Python-Markdown takes an unclosed
block element as raw HTML to the end of the text) nor the HTML below it (an unclosed ``<style>``
or ``<textarea>`` holds everything after it). The same reading notes each tag, attribute and URL
the policy does not allow. After conversion ``clean`` removes them with nh3 (ammonia, html5ever),
whose parsing is the browsers'.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Iterator
from urllib.parse import urlsplit

import nh3
from markdown.util import BLOCK_LEVEL_ELEMENTS

from .messages import msg

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
})
ATTRIBUTES = {
    "*": frozenset({"id", "class", "title", "lang", "dir"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "loading", "decoding"}),
    "td": frozenset({"style", "colspan", "rowspan"}),
    "th": frozenset({"style", "colspan", "rowspan", "scope"}),
    "ol": frozenset({"start", "type"}),
    "time": frozenset({"datetime"}),
    "abbr": frozenset({"title"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "van-ban"})  # van-ban: a link to a document by number
STYLE_PROPERTIES = frozenset({"text-align"})
EMBED_ATTRIBUTES = frozenset({"src", "width", "height", "title", "allow", "allowfullscreen", "loading", "referrerpolicy"})
_URL_ATTRIBUTES = frozenset({"href", "src"})

# Elements whose content is text to an HTML parser, not markup: unclosed, they hold the rest.
RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noscript", "noembed", "noframes", "plaintext"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})

_TAG = re.compile(r"""(?<!\\)<(/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s/>"'=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(/?)>""")
_ATTRIBUTE = re.compile(r"""([^\s/>"'=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])\s")
_MARKDOWN_URL = re.compile(r"\]\(\s*<?([^\s)>]+)|^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class HtmlPolicy:
    """What raw HTML may keep: the tags and attributes above, and iframes from ``embed_hosts``."""

    embed_hosts: tuple[str, ...] = ()

    @property
    def tags(self) -> frozenset[str]:
        return TAGS | {"iframe"} if self.embed_hosts else TAGS

    def allows_attribute(self, tag: str, name: str) -> bool:
        if tag == "iframe":
            return name in EMBED_ATTRIBUTES
        return name in ATTRIBUTES["*"] or name in ATTRIBUTES.get(tag, ())

    def allows_embed(self, src: str) -> bool:
        host = (urlsplit(src).hostname or "") if src.startswith("https://") else ""
        return host in self.embed_hosts


@dataclass(frozen=True)
class Removal:
    """Something the sanitiser takes out, at its line of the Markdown text (1-based)."""

    line: int
    message: str


@dataclass
class _Open:
    name: str
    line: int


@dataclass
class _Repair:
    """The state of one reading of a Markdown text."""

    policy: HtmlPolicy
    removals: list[Removal] = field(default_factory=list)
    cut: list[tuple[int, int]] = field(default_factory=list)  # spans of the current block to take out


def repair(text: str, policy: HtmlPolicy | None) -> tuple[str, list[Removal]]:
    """``text`` with every element its block leaves open closed at the block's end (unless a later
    block closes it, as a block of raw HTML may), and what sanitising under ``policy`` will remove.

    ``policy`` None (``allow_raw_html: true``) repairs only: nothing is reported as removed.
    """
    if "<" not in text and (policy is None or "](" not in text and "]:" not in text):
        return text, []
    lines = text.split("\n")
    state = _Repair(policy or HtmlPolicy())
    carried: list[_Open] = []
    for first, last in _blocks(lines):
        block = "\n".join(lines[first:last + 1])
        masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), block)
        if policy is not None:
            _check_markdown_urls(state, masked, first + 1)
        in_region = bool(carried)
        opened = _read_tags(state, masked, first + 1, carried, report=policy is not None)
        if state.cut:
            lines[first:last + 1] = _cut(block, state.cut).split("\n")
            state.cut = []
        if opened and _continues(opened, in_region or _starts_block_element(masked), lines, last):
            carried = opened
            continue
        carried = []
        if opened:
            lines[last] += "".join(f"</{element.name}>" for element in reversed(opened))
            for element in opened:
                state.removals.append(Removal(element.line, msg("html_unclosed", tag=element.name)))
    return "\n".join(lines), state.removals


def _blocks(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first, last) line index of each block that may hold raw HTML: runs of non-blank lines,
    leaving out fenced and indented code, whose "<" is text."""
    index, fence, previous = 0, None, ""
    while index < len(lines):
        line = lines[index]
        if fence:
            if line.strip().startswith(fence):
                fence = None
            index += 1
            continue
        if (match := _FENCE.match(line)) is not None:
            fence = match.group(1)[0] * len(match.group(1))
            index += 1
            continue
        if not line.strip():
            index += 1
            continue
        first = index
        while index < len(lines) and lines[index].strip() and not _FENCE.match(lines[index]):
            index += 1
        code = all(raw.startswith(("    ", "\t")) for raw in lines[first:index]) and not _LIST_ITEM.match(previous)
        if not code:
            yield first, index - 1
        previous = lines[first]


def _read_tags(state: _Repair, block: str, first_line: int, carried: list[_Open], report: bool) -> list[_Open]:
    """Follow the block's tags; returns the elements still open at its end (after ``carried``)."""
    stack = list(carried)
    position = 0
    while (match := _TAG.search(block, position)) is not None:
        position = match.end()
        closing, name, attributes, self_closing = match.group(1), match.group(2).lower(), match.group(3), match.group(4)
        line = first_line + block.count("\n", 0, match.start())
        if closing:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].name == name:
                    del stack[depth:]
                    break
            continue
        if report:
            _check_tag(state, name, attributes, line)
        if name in VOID or self_closing:
            continue
        if name in RAW_TEXT:  # its content is not markup: on to its end tag, or the block's end
            end = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(block, position) if name != "plaintext" else None
            if report and name not in state.policy.tags:
                state.cut.append((match.start(), end.end() if end else len(block)))
                if end is None:
                    state.removals.append(Removal(line, msg("html_unclosed", tag=name)))
                    return stack
            elif end is None:
                return [*stack, _Open(name, line)]
            position = end.end()
            continue
        stack.append(_Open(name, line))
    return stack


def _cut(block: str, spans: list[tuple[int, int]]) -> str:
    """``block`` without ``spans``, each leaving its line breaks behind so that lines keep their numbers."""
    parts, position = [], 0
    for start, end in spans:
        parts += [block[position:start], "\n" * block.count("\n", start, end)]
        position = end
    return "".join(parts) + block[position:]


def _starts_block_element(block: str) -> bool:
    start = _TAG.match(block.lstrip(" "))
    return start is not None and not start.group(1) and start.group(2).lower() in BLOCK_LEVEL_ELEMENTS


def _continues(opened: list[_Open], raw_block: bool, lines: list[str], last: int) -> bool:
    """Whether a block of raw HTML goes on into the next blocks: it is one (it starts with a block
    element, as Python-Markdown's raw HTML blocks do), no raw-text element is open, and the text
    below closes its outermost element."""
    if not raw_block or any(element.name in RAW_TEXT for element in opened):
        return False
    rest = "\n".join(lines[last + 1:])
    return re.search(rf"</{opened[0].name}\s*>", rest, re.IGNORECASE) is not None


def _check_tag(state: _Repair, name: str, attributes: str, line: int) -> None:
    policy = state.policy
    if name not in policy.tags:
        key = "html_removed_element" if name in RAW_TEXT else "html_removed_tag"
        state.removals.append(Removal(line, msg(key, tag=name)))
        return
    for attribute, value in _ATTRIBUTE.findall(attributes):
        attribute = attribute.lower()
        value = html.unescape(value[1:-1] if value[:1] in "\"'" and value else value)  # "&#x09;" is a tab to a browser
        if not policy.allows_attribute(name, attribute):
            state.removals.append(Removal(line, msg("html_removed_attribute", attribute=attribute, tag=name)))
        elif attribute == "style":
            properties = {part.split(":", 1)[0].strip().lower() for part in value.split(";") if part.strip()}
            if properties - STYLE_PROPERTIES:
                shown = ", ".join(sorted(properties - STYLE_PROPERTIES))
                state.removals.append(Removal(line, msg("html_removed_style", properties=shown, tag=name)))
        elif attribute in _URL_ATTRIBUTES:
            if name == "iframe" and not policy.allows_embed(value):
                state.removals.append(Removal(line, msg("html_removed_embed", url=_shown(value))))
            elif not url_allowed(value):
                state.removals.append(Removal(line, msg("html_removed_url", url=_shown(value), attribute=attribute, tag=name)))


def _check_markdown_urls(state: _Repair, block: str, first_line: int) -> None:
    for match in _MARKDOWN_URL.finditer(block):
        url = match.group(1) or match.group(2)
        if not url_allowed(url):
            line = first_line + block.count("\n", 0, match.start())
            state.removals.append(Removal(line, msg("html_removed_link", url=_shown(url))))


def url_allowed(url: str) -> bool:
    """A relative URL, or one whose scheme is in URL_SCHEMES (browsers ignore blanks and control
    characters inside a scheme: "java\\tscript:" is "javascript:")."""
    scheme = _SCHEME.match(_INVISIBLE.sub("", url))
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


def _shown(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "…"


def clean(fragment: str, policy: HtmlPolicy) -> str:
    """Remove every tag, attribute and URL ``policy`` does not allow from an HTML fragment."""
    attributes = {tag: set(names) for tag, names in ATTRIBUTES.items()}
    if policy.embed_hosts:
        attributes["iframe"] = set(EMBED_ATTRIBUTES)

    def keep_embeds_only(tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src" and not policy.allows_embed(value):
            return None
        return value

    return nh3.clean(
        fragment, tags=set(policy.tags), attributes=attributes, link_rel=None, url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES), attribute_filter=keep_embeds_only if policy.embed_hosts else None,
        clean_content_tags=set(RAW_TEXT - policy.tags),
    )
