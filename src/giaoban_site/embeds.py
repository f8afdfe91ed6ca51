"""A video or a map from another site, without a third-party frame: ``@[title](url "poster")``.

One line of its own in the Markdown body. It becomes a light card (the poster photo, if the editor
gives one, the title and the host's name) that links to the video or the map: nothing of the other
site loads until the reader follows it, sanitising stays on, and the card needs no script. Only the
hosts of ``site.yaml``'s ``embed_hosts`` are taken; any other is a content error at its line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

# A line that is only ``@[title](https://... "poster.jpg")``.
EMBED_LINE = re.compile(r'^[ ]{0,3}@\[(?P<title>[^\]\n]*)\]\((?P<url>[^\s)]+)(?:[ \t]+"(?P<poster>[^"\n]*)")?\)[ \t]*$')
_FENCE = re.compile(r"^[ ]{0,3}(```|~~~)")
_PLACE = "GIAOBANEMBED{}X"  # what holds a card's place through Markdown: a word it leaves alone


@dataclass(frozen=True)
class Provider:
    name: str  # as the card names it
    hosts: tuple[str, ...]  # a host and every host under it; "google.com/maps": that path of the host


PROVIDERS = (
    Provider("YouTube", ("youtube.com", "youtu.be", "youtube-nocookie.com")),
    Provider("Vimeo", ("vimeo.com",)),
    Provider("Facebook", ("facebook.com/watch", "facebook.com/video", "fb.watch")),
    Provider("Google Maps", ("google.com/maps", "maps.google.com", "maps.app.goo.gl", "goo.gl/maps")),
    Provider("VTV", ("vtv.vn", "vtvgo.vn")),
)
DEFAULT_EMBED_HOSTS = tuple(host for provider in PROVIDERS for host in provider.hosts)


@dataclass(frozen=True)
class Embed:
    line: int  # of the body
    title: str
    url: str
    poster: str
    host: str  # the provider's name, or the host


def _matches(url: str, allowed: str) -> bool:
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path
    want_host, _, want_path = allowed.partition("/")
    on_host = host == want_host or host.endswith("." + want_host)
    return on_host and (not want_path or path.lstrip("/").startswith(want_path))


def host_name(url: str, hosts: tuple[str, ...]) -> str | None:
    """The name a card gives the site of ``url`` (its provider's, or its host), or None when ``hosts`` do not take it."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    allowed = next((h for h in hosts if _matches(url, h)), None)
    if allowed is None:
        return None
    provider = next((p for p in PROVIDERS if allowed in p.hosts), None)
    return provider.name if provider else (urlsplit(url).hostname or "").removeprefix("www.")


def find_embeds(body: str, hosts: tuple[str, ...]) -> tuple[str, list[Embed], list[tuple[int, str]]]:
    """The body with each embed line replaced by its place holder, the embeds, and the lines
    (with their URL) whose host is not taken. Lines in fenced code are left as they are."""
    if "@[" not in body:  # most articles: nothing to look for line by line
        return body, [], []
    lines = body.split("\n")
    embeds: list[Embed] = []
    refused: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(lines, 1):
        if _FENCE.match(line):
            fenced = not fenced
        found = None if fenced else EMBED_LINE.match(line)
        if not found:
            continue
        host = host_name(found["url"], hosts)
        if host is None:
            refused.append((number, found["url"]))
            continue
        lines[number - 1] = _PLACE.format(len(embeds))
        embeds.append(Embed(number, " ".join(found["title"].split()) or host, found["url"], (found["poster"] or "").strip(), host))
    return "\n".join(lines), embeds, refused


def with_cards(fragment: str, embeds: list[Embed], open_on: Callable[[str], str]) -> str:
    """The converted HTML with each place holder replaced by its card; ``open_on(host)`` names the link
    in the page's language ("Xem trên YouTube")."""
    for number, embed in enumerate(embeds):
        card = _card(embed, open_on(embed.host))
        token = _PLACE.format(number)
        # Its own paragraph, as it should be; or inside one, when no blank line was left around it.
        fragment = fragment.replace(f"<p>{token}</p>", card).replace(token, f"</p>{card}<p>")
    return fragment.replace("<p></p>", "").replace("<p>\n</p>", "")


def _card(embed: Embed, label: str) -> str:
    e = html.escape
    poster = f'<img src="{e(embed.poster)}" alt="" loading="lazy" decoding="async">' if embed.poster else ""
    return (f'<figure class="embed-card"><a href="{e(embed.url)}" rel="external noopener">{poster}'
            f'<span class="embed-title">{e(embed.title)}</span> <span class="embed-host">{e(label)}</span></a></figure>')
