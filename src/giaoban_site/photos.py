"""Photos for citizens on cheap phones: each photo a page shows, made once in a few widths and formats.

Editors upload what the camera gives (4-6 MB, rotated by EXIF, with the GPS position in it). Every
photo a published page uses (its lead ``image``, the images of its body, its ``gallery``) is planned
when the site model is built, from the file's header only (``plan_photos``); pages are then written
with ``<picture>`` elements whose ``srcset`` lists the widths made, and ``width``/``height`` so that
nothing moves while they load. The ``Photos`` generator makes the files, beside the rendering and on
every core (Pillow works outside Python's lock): the orientation applied, every metadata block (EXIF,
GPS, XMP, comments) left out but the colour profile, never enlarged, as AVIF (where Pillow has it),
WebP and JPEG; PNG and GIF graphics keep their format as the fallback. An animation is kept as it is.

Each photo's files are named by a digest of its bytes and of the settings, and kept in
``.giaoban-cache/photos/`` beside site.yaml: a build makes only the files of photos that changed,
and a photo no page uses leaves the output with its files. A photo under static/ also answers at its
own address, with the copy made without its metadata (an old link keeps working, the GPS does not leak).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import enum
import hashlib
import html
import io
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from markupsafe import Markup, escape

from .cache import write_replacing
from .content import line_of_field
from .errors import Problem
from .messages import msg
from .vietnamese import slugify
from .workers import default_jobs

if TYPE_CHECKING:
    from .build import Project
    from .cache import BuildCache
    from .config import SiteConfig
    from .content import Document
    from .extras import ExtraFiles

PROCESSING_VERSION = "1"  # bump when the files made from the same photo and settings change
FORMATS = ("avif", "webp", "jpeg")  # the order a <picture> offers them in: smallest first
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png", "gif": "gif"}
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp")  # SVG and the rest are left as they are
# The theme's column is at most 44rem wide and the whole screen less 2rem on a phone.
BODY_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
GALLERY_SIZES = "(min-width: 46rem) 14rem, calc(50vw - 1.5rem)"
THUMBNAIL_SIZES = "6rem"


@dataclass(frozen=True)
class PhotoSettings:
    """``images:`` in site.yaml. The defaults suit a 360 px phone at twice its density."""

    widths: tuple[int, ...] = (480, 960, 1600)
    formats: tuple[str, ...] = FORMATS  # those the installed Pillow cannot write are left out
    quality: int = 75  # JPEG and WebP; AVIF looks alike at a lower number (quality - 20)
    thumbnail: int = 240  # the small photo of list pages (6rem at 2x and a half)
    max_pixels: int = 50_000_000  # a larger image is refused before it is decoded: no decompression bomb
    max_megabytes: int = 40


class PhotoKind(enum.Enum):
    PHOTO = "photo"  # made into AVIF, WebP and JPEG
    GRAPHIC = "graphic"  # PNG or GIF: WebP and its own format, which is often the smaller for drawings
    ANIMATION = "animation"  # kept as it is: resizing would lose the frames


class Role(enum.Enum):
    """Where a page shows a photo: decides the sizes the browser is told and whether it waits."""

    LEAD = "image"
    BODY = "body"
    GALLERY = "gallery"


@dataclass(frozen=True)
class Variant:
    url: str  # site-relative
    width: int
    height: int
    format: str


@dataclass(frozen=True)
class Photo:
    """A photo as the pages use it: the files made of it, largest last in each format."""

    source: str  # the file, relative to the site root ("static/uploads/a.jpg", "content/2014/10/a.jpg")
    key: str  # of its bytes, the settings and the processing: what its files are named and kept by
    kind: PhotoKind
    width: int  # as shown (orientation applied), of its largest file
    height: int
    variants: tuple[Variant, ...]
    original_url: str = ""  # under static/: its own address, which answers with the copy made without metadata
    quality: int = PhotoSettings.quality

    @property
    def fallback_format(self) -> str:
        return {PhotoKind.PHOTO: "jpeg", PhotoKind.GRAPHIC: "png" if self.source.lower().endswith(".png") else "gif"}.get(self.kind, "")

    def of_format(self, name: str) -> list[Variant]:
        return [v for v in self.variants if v.format == name]

    @property
    def _fallbacks(self) -> list[Variant]:
        """The files of the format every browser shows, smallest first."""
        return self.of_format(self.fallback_format) or list(self.variants)

    @property
    def fallback(self) -> Variant:
        """The <img>'s own file: the fallback format at the width a phone at 2x picks, or the largest below it."""
        return next((v for v in reversed(self._fallbacks) if v.width <= 960), self._fallbacks[0])

    @property
    def largest(self) -> Variant:
        return self._fallbacks[-1]

    @property
    def thumbnail(self) -> Variant:
        return self._fallbacks[0]

    def files(self) -> list[str]:
        """Every file it makes (an animation is one, at its own address)."""
        return list(dict.fromkeys([v.url for v in self.variants] + ([self.original_url] if self.original_url else [])))


@dataclass(frozen=True)
class _Header:
    """What a photo's header says, kept while its file stays the same (size, time, inode)."""

    digest: str
    format: str  # Pillow's name: "JPEG", "PNG" ...
    width: int  # as stored
    height: int
    turned: bool  # EXIF orientation 5-8: shown a quarter turn round
    frames: int


@dataclass
class PlannedPhotos:
    """The photos of a build: by the file they come from, and what each document shows."""

    by_file: dict[str, Photo] = field(default_factory=dict)
    by_document: dict[str, dict[str, Photo]] = field(default_factory=dict)  # source -> {the path as written: photo}
    missing: list[Problem] = field(default_factory=list)  # photos that are not there: the build's errors, check's broken images

    def of(self, doc: Document, written: str | None) -> Photo | None:
        return self.by_document.get(doc.source, {}).get(written) if written else None


def settings_from(values: dict) -> tuple[PhotoSettings, list[tuple[str, str]]]:
    """``images:`` of site.yaml, and what is wrong in it as (key, message)."""
    settings, problems, known = PhotoSettings(), [], {f.name for f in dataclasses.fields(PhotoSettings)}
    given: dict[str, object] = {}
    for key, value in values.items():
        if key not in known:
            problems.append((f"images.{key}", msg("images_unknown", setting=key, known=", ".join(sorted(known)))))
        elif key == "widths":
            if not (isinstance(value, list) and value and all(_whole(w) and 16 <= w <= 8000 for w in value)):
                problems.append(("images.widths", msg("images_bad_widths", value=value)))
            else:
                given["widths"] = tuple(sorted(set(value)))
        elif key == "formats":
            if not (isinstance(value, list) and value and all(str(f).lower() in FORMATS for f in value)):
                problems.append(("images.formats", msg("images_bad_formats", value=value, known=", ".join(FORMATS))))
            else:
                given["formats"] = tuple(f for f in FORMATS if f in {str(v).lower() for v in value})
        elif not _whole(value) or value < 1 or (key == "quality" and value > 100):
            problems.append((f"images.{key}", msg("images_bad_number", setting=key, value=value)))
        else:
            given[key] = value
    return dataclasses.replace(settings, **given), problems


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def writable_formats(settings: PhotoSettings) -> tuple[str, ...]:
    """The settings' formats the installed Pillow can write; JPEG always, as the fallback of photos."""
    from PIL import features

    return tuple(f for f in settings.formats if f == "jpeg" or features.check(f)) + (() if "jpeg" in settings.formats else ("jpeg",))


# --- planning: which photos, from their headers -----------------------------------------------

def images_in_html(fragment: str) -> tuple[str, ...]:
    """The ``src`` of each image of a body's HTML, each once, in order (as written there, base path and all)."""
    if "<img" not in fragment:
        return ()
    return tuple(dict.fromkeys(html.unescape(m) for m in re.findall(r'<img [^>]*?src="([^"]+)"', fragment)))


def plan_photos(documents: list[Document], config: SiteConfig, cache: BuildCache | None,
                others: Iterable[tuple[str, str, int | None]] = ()) -> tuple[PlannedPhotos, list[Problem]]:
    """Every photo the published documents show, and a problem (at the document's line) for each
    that cannot be read or is larger than ``images:`` allows; those that are missing are kept in
    ``missing``, which a build reports and ``check`` finds with the other broken links. ``others``
    are photos pages show that no document names (an author's: the file, and where it is named, at which line)."""
    settings = dataclasses.replace(config.images, formats=writable_formats(config.images))
    headers: dict[str, tuple[tuple, _Header]] = cache.load("photos.pickle", dict) if cache else {}
    seen: dict[str, tuple[tuple, _Header]] = {}
    planned, problems = PlannedPhotos(), []
    for doc in documents:
        for written, role in _uses(doc, config):
            file = _file_of(written, doc, config)
            if file is None:
                continue  # a full URL, a picture that is no photo (SVG): shown as written
            photo = planned.by_file.get(file)
            if photo is None:
                photo, problem = _plan_one(file, config, settings, headers, seen)
                if problem:
                    line = _line_of(config.root / doc.source, written, role)
                    if problem == "photo_missing":  # said as the link checker says it, which check runs instead
                        as_field = role is not Role.BODY and not written.startswith(config.base_path)
                        shown = config.base_path + written.lstrip("/") if as_field else written
                        planned.missing.append(Problem(doc.source, line, msg("broken_image", url=shown)))
                    else:
                        problems.append(Problem(doc.source, line, msg(problem, image=written)))
                    continue
                planned.by_file[file] = photo
            planned.by_document.setdefault(doc.source, {})[written] = photo
    for file, named_in, line in others:
        photo, problem = planned.by_file.get(file), ""
        if photo is None:
            photo, problem = _plan_one(file, config, settings, headers, seen)
        if problem:
            message = msg("broken_image", url=file) if problem == "photo_missing" else msg(problem, image=file)
            problems.append(Problem(named_in, line, message))
        else:
            planned.by_file[file] = photo
    if cache and seen != headers:
        cache.save("photos.pickle", seen)
    return planned, problems


def photo_files(docs: Iterable[Document], config: SiteConfig) -> set[str]:
    """The files the documents' photos come from, drafts' too, without reading them."""
    return {file for doc in docs for written, _ in _uses(doc, config) if (file := _file_of(written, doc, config))}


def _uses(doc: Document, config: SiteConfig) -> Iterable[tuple[str, Role]]:
    if doc.image:
        yield doc.image, Role.LEAD
    for src in doc.images:
        yield src, Role.BODY
    for photo in doc.gallery:
        yield photo.file, Role.GALLERY


def _file_of(written: str, doc: Document, config: SiteConfig) -> str | None:
    """The file a photo's path names, relative to the site root: beside the document (a relative
    path), else under static/ (a path of the site, as "/uploads/a.jpg" or "uploads/a.jpg")."""
    if re.match(r"[a-z][a-z0-9+.-]*:", written, re.IGNORECASE) or written.startswith("//"):
        return None
    path = written.split("#", 1)[0].split("?", 1)[0]
    if not path.lower().endswith(PHOTO_SUFFIXES):
        return None
    if not path.startswith("/"):
        beside = posixpath.normpath(posixpath.join(posixpath.dirname(doc.source), path))
        if beside.startswith("content/") and (config.root / beside).is_file():
            return beside
    site_path = path[len(config.base_path):] if path.startswith(config.base_path) else path.lstrip("/")
    return posixpath.normpath("static/" + site_path)


def _plan_one(file: str, config: SiteConfig, settings: PhotoSettings, headers: dict, seen: dict) -> tuple[Photo | None, str]:
    path = config.root / file
    try:
        stat = path.stat()
    except OSError:
        return None, "photo_missing"
    if not path.is_file() or ".." in Path(file).parts:
        return None, "photo_missing"
    if stat.st_size > settings.max_megabytes * 1_000_000:
        return None, "photo_too_large"
    mark = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    known = headers.get(file)
    header = known[1] if known and known[0] == mark else _read_header(path)
    if header is None:
        return None, "photo_broken"
    seen[file] = (mark, header)
    if header.width * header.height > settings.max_pixels:
        return None, "photo_too_large"
    return _photo(file, header, settings, config), ""


def _read_header(path: Path) -> _Header | None:
    from PIL import Image, UnidentifiedImageError

    data = path.read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as image:
            orientation = image.getexif().get(0x0112, 1)
            return _Header(hashlib.blake2b(data, digest_size=16).hexdigest(), image.format or "", image.width, image.height,
                           orientation in (5, 6, 7, 8), getattr(image, "n_frames", 1))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def _photo(file: str, header: _Header, settings: PhotoSettings, config: SiteConfig) -> Photo:
    width, height = (header.height, header.width) if header.turned else (header.width, header.height)
    kind = PhotoKind.ANIMATION if header.frames > 1 else PhotoKind.GRAPHIC if header.format in ("PNG", "GIF") else PhotoKind.PHOTO
    key = hashlib.blake2b(f"{header.digest}:{settings!r}:{PROCESSING_VERSION}".encode(), digest_size=6).hexdigest()
    original = file[len("static/"):] if file.startswith("static/") else ""
    stem = slugify(Path(file).stem) or "anh"
    folder = config.url("photos")
    if kind is PhotoKind.ANIMATION:
        extension = EXTENSIONS.get(header.format.lower(), header.format.lower())
        url = original or f"{folder}{stem}-{key}.{extension}"
        return Photo(file, key, kind, width, height, (Variant(url, width, height, header.format.lower()),), original, settings.quality)
    widths = sorted({w for w in (*settings.widths, settings.thumbnail) if w < width} | {min(width, max(settings.widths))})
    formats = [f for f in settings.formats if f != "jpeg"] + (["jpeg"] if kind is PhotoKind.PHOTO else [header.format.lower()])
    variants = tuple(Variant(f"{folder}{stem}-{key}-{w}.{EXTENSIONS[f]}", w, max(1, round(height * w / width)), f)
                     for f in formats for w in widths)
    return Photo(file, key, kind, widths[-1], variants[-1].height, variants, original, settings.quality)


def _line_of(path: Path, written: str, role: Role) -> int | None:
    """The line of the document where it names the photo: its ``image:`` field, or the first line
    that names it (a gallery's item, the body's image)."""
    if role is Role.LEAD:
        return line_of_field(path, "image")
    try:
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return None
    needle = written if role is Role.BODY else written.split("/")[-1]
    return next((n for n, line in enumerate(lines, 1) if needle in line), None)


# --- markup -----------------------------------------------------------------------------------

def picture(photo: Photo, alt: str, sizes: str, base_path: str, lazy: bool = True, css_class: str = "", widest: int = 0) -> Markup:
    """A ``<picture>`` of the photo: a ``<source>`` per format but the fallback, the ``<img>`` with its
    own ``srcset``, ``width`` and ``height`` (no layout shift) and, below the first screen, lazy.
    ``widest``: list no file wider (a thumbnail's page need not name the large ones)."""
    def srcset(name: str) -> str:
        files = [v for v in photo.of_format(name) if not widest or v.width <= widest] or photo.of_format(name)[:1]
        return ", ".join(f"{escape(base_path + v.url)} {v.width}w" for v in files)

    fallback = photo.thumbnail if widest and photo.thumbnail.width <= widest else photo.fallback
    waiting = ' loading="lazy" decoding="async"' if lazy else ' fetchpriority="high"'
    css = f' class="{escape(css_class)}"' if css_class else ""
    if photo.kind is PhotoKind.ANIMATION:
        return Markup(f'<img src="{escape(base_path + fallback.url)}" alt="{escape(alt)}" width="{fallback.width}" '
                      f'height="{fallback.height}"{css}{waiting}>')
    sources = "".join(f'<source type="{MIME[name]}" srcset="{srcset(name)}" sizes="{escape(sizes)}">'
                      for name in dict.fromkeys(v.format for v in photo.variants) if name != photo.fallback_format)
    return Markup(f'<picture>{sources}<img src="{escape(base_path + fallback.url)}" srcset="{srcset(photo.fallback_format)}" '
                  f'sizes="{escape(sizes)}" alt="{escape(alt)}" width="{fallback.width}" height="{fallback.height}"{css}{waiting}>'
                  '</picture>')


_IMG = re.compile(r"<img ([^>]*?)/?>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def with_pictures(fragment: str, photos: dict[str, Photo], base_path: str, plain: bool = False) -> str:
    """A body's HTML with each of its photos (by ``src`` as written) made a ``<picture>``; ``plain``:
    one ``<img>`` of the fallback file, for feed readers."""
    if not photos:
        return fragment

    def replace(found: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(found.group(1)))
        photo = photos.get(html.unescape(attributes.get("src", "")))
        if photo is None:
            return found.group(0)
        alt = html.unescape(attributes.get("alt", ""))
        if plain:
            file = photo.fallback
            return f'<img src="{escape(base_path + file.url)}" alt="{escape(alt)}" width="{file.width}" height="{file.height}">'
        return str(picture(photo, alt, BODY_SIZES, base_path))

    return _IMG.sub(replace, fragment)


# --- making the files ---------------------------------------------------------------------------

class Photos:
    """Generator of every planned photo's files: those kept from the last build, those in the photo
    cache, and the rest made, on every core."""

    def outputs(self, project: Project) -> list[str]:
        return [url for photo in project.site.photos.by_file.values() for url in photo.files()]

    def generate(self, project: Project, write: ExtraFiles) -> None:
        photos = list(project.site.photos.by_file.values())
        todo = [photo for photo in photos if not all([write.keep(url, photo.key) for url in photo.files()])]
        if not todo:
            return
        store = project.config.root / ".giaoban-cache" / "photos"
        jobs = project.options.jobs or default_jobs()
        with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:  # Pillow decodes and encodes outside Python's lock
            for photo, files in zip(todo, pool.map(lambda p: _made(p, project.config.root, store), todo)):
                for url, data in files.items():
                    write(url, data, photo.key)


def _made(photo: Photo, root: Path, store: Path) -> dict[str, bytes]:
    """The photo's files, from the photo cache or made now (and then kept there)."""
    folder = store / photo.key
    names = {url: posixpath.basename(url) for url in photo.files()}
    try:
        return {url: (folder / name).read_bytes() for url, name in names.items()}
    except OSError:
        pass
    files = make_files(photo, (root / photo.source).read_bytes())
    for url, data in files.items():
        write_replacing(folder / names[url], data)
    return files


def make_files(photo: Photo, data: bytes) -> dict[str, bytes]:
    """Every file of the photo, made from its bytes: turned upright, resized, without metadata."""
    if photo.kind is PhotoKind.ANIMATION:
        return {photo.variants[0].url: data}
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        icc = image.info.get("icc_profile")
        if image.format == "JPEG":  # decoded at a fraction of its size when that is still large enough: much quicker
            turned = image.getexif().get(0x0112, 1) in (5, 6, 7, 8)
            image.draft("RGB", (1, photo.width) if turned else (photo.width, 1))
        upright = ImageOps.exif_transpose(image)
        upright.load()
    if photo.kind is PhotoKind.PHOTO and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif photo.kind is PhotoKind.GRAPHIC and upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        upright = upright.convert("RGBA")
    files: dict[str, bytes] = {}
    resized: dict[int, Image.Image] = {}
    for variant in photo.variants:
        if variant.width not in resized:
            copy = upright if upright.width == variant.width else upright.resize((variant.width, variant.height), Image.LANCZOS)
            copy.info = {}  # EXIF, GPS, XMP, comments: none of it goes out
            resized[variant.width] = copy
        files[variant.url] = _encoded(resized[variant.width], variant.format, photo, icc)
    if photo.original_url:
        files[photo.original_url] = files[photo.largest.url]
    return files


def _encoded(image, name: str, photo: Photo, icc: bytes | None) -> bytes:
    out, quality = io.BytesIO(), photo.quality
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if name == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=quality + 5, optimize=True, progressive=True, **options)
    elif name == "webp":
        image.save(out, "WEBP", quality=quality, method=4, **options)
    elif name == "avif":
        image.save(out, "AVIF", quality=max(1, quality - 20), speed=8, **options)
    elif name == "png":
        image.save(out, "PNG", optimize=True, **options)
    else:
        image.save(out, name.upper())
    return out.getvalue()
