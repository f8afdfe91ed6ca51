#!/usr/bin/env python3
"""Time the photos: N articles with a camera photo each, made into their widths and formats.

    python benchmarks/photo_bench.py --n 1000

Each article's photo is a camera-sized JPEG written here (2400 x 1800, noise on a gradient, the
way a photo compresses; with EXIF orientation and a GPS tag). giaoban builds: cold (no output, no
photo cache), again with nothing changed, and after one photo is replaced. When the peers are set up
beside the repository (benchmarks/compare.sh puts Hugo in WORKDIR/compare/venv), Hugo makes the
same widths and formats of the same photos (page bundles, ``.Resize "Wx webp"`` and ``jpg``) in the
same run. Peak memory is the largest single process's. Quote ratios from one run only.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

WIDTHS = (480, 960, 1600)
SIZE = (2400, 1800)

HUGO_PAGE = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ with .Resources.GetMatch "photo.jpg" }}{{ $photo := . }}<picture>
{{ range slice "webp" "jpg" }}{{ $format := . }}<source type="image/{{ $format }}" srcset="
{{- range $i, $w := slice 480 960 1600 }}{{ if $i }}, {{ end -}}
{{ ($photo.Resize (printf "%dx %s q75" $w $format)).RelPermalink }} {{ $w }}w{{ end }}">
{{ end }}</picture>{{ end }}
{{ .Content }}{{ end }}
"""
HUGO_BASE = ('<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
             '<body>{{ block "main" . }}{{ end }}</body></html>\n')


def camera_photo(path: Path, seed: int) -> None:
    gradient = Image.linear_gradient("L").resize(SIZE).rotate(seed % 360)
    scene = Image.merge("RGB", (gradient, Image.radial_gradient("L").resize(SIZE), gradient.transpose(Image.Transpose.ROTATE_180)))
    scene = Image.blend(scene, Image.effect_noise(SIZE, 40 + seed % 20).convert("RGB"), 0.2)
    exif = Image.Exif()
    exif[0x0112] = 1 if seed % 3 else 6
    exif[0x8825] = {1: "N", 2: (22.0, 39.0, float(seed % 60))}
    scene.save(path, "JPEG", quality=90, exif=exif.tobytes())


def write_sites(n: int, work: Path) -> tuple[Path, Path]:
    """The giaoban site and Hugo's, with the same photos (hard links)."""
    ours, hugo = work / f"photos-{n}", work / f"photos-{n}-hugo"
    if (ours / "site.yaml").exists():
        return ours, hugo
    photos = work / f"camera-{n}"
    photos.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        camera_photo(photos / f"{i:05d}.jpg", i)
    (ours / "content").mkdir(parents=True)
    (ours / "site.yaml").write_text('title: "Ảnh"\nbase_url: "https://example.gov.vn/"\n', encoding="utf-8")
    for name in ("layouts/_default", "content/tin"):
        (hugo / name).mkdir(parents=True, exist_ok=True)
    (hugo / "hugo.toml").write_text('baseURL = "https://example.gov.vn/"\ntitle = "Ảnh"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    (hugo / "layouts/_default/single.html").write_text(HUGO_PAGE, encoding="utf-8")
    (hugo / "layouts/_default/baseof.html").write_text(HUGO_BASE, encoding="utf-8")
    (hugo / "layouts/_default/list.html").write_text('{{ define "main" }}{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>'
                                                     "{{ end }}{{ end }}\n", encoding="utf-8")
    for i in range(n):
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        folder = ours / "content" / day[:4] / day[5:7]
        folder.mkdir(parents=True, exist_ok=True)
        os.link(photos / f"{i:05d}.jpg", folder / f"anh-{i:05d}.jpg")
        (folder / f"tin-{i:05d}.md").write_text(f"---\ntitle: Tin số {i}\ndate: {day}\nimage: anh-{i:05d}.jpg\n"
                                                f"image_caption: Quang cảnh số {i}\n---\n\nNội dung tin số {i}.\n", encoding="utf-8")
        bundle = hugo / "content/tin" / f"tin-{i:05d}"
        bundle.mkdir(parents=True, exist_ok=True)
        os.link(photos / f"{i:05d}.jpg", bundle / "photo.jpg")
        (bundle / "index.md").write_text(f"---\ntitle: Tin số {i}\ndate: {day}\n---\n\nNội dung tin số {i}.\n", encoding="utf-8")
    return ours, hugo


def measure(command: list[str]) -> tuple[float, float]:
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{proc.stderr.read().decode()}")
    return time.monotonic() - started, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "giaoban-bench")  # noqa: S108 (scratch space)
    args = parser.parse_args()
    ours, hugo = write_sites(args.n, args.work)
    giaoban = [sys.executable, "-m", "giaoban_site", "build", "--source", str(ours)]
    rows = []
    shutil.rmtree(ours / "output", ignore_errors=True)
    shutil.rmtree(ours / ".giaoban-cache", ignore_errors=True)
    rows.append(("giaoban cold (every photo made)", *measure(giaoban)))
    rows.append(("giaoban again, nothing changed", *measure(giaoban)))
    changed = next((ours / "content").rglob("anh-00000.jpg"))
    changed.unlink()  # a hard link: replaced, not written through
    camera_photo(changed, 99_999)
    rows.append(("giaoban after one photo replaced", *measure(giaoban)))
    shutil.rmtree(ours / "output")
    rows.append(("giaoban into an empty output, photos cached", *measure(giaoban)))
    binaries = glob.glob(str(args.work / "compare/venv/lib/python3*/site-packages/hugo/binaries/hugo"))
    if binaries:
        shutil.rmtree(hugo / "resources", ignore_errors=True)
        shutil.rmtree(hugo / "public", ignore_errors=True)
        rows.append(("Hugo cold (webp and jpg, 3 widths)", *measure([binaries[0], "--quiet", "--source", str(hugo)])))
        rows.append(("Hugo again (its resources cache)", *measure([binaries[0], "--quiet", "--source", str(hugo)])))
    else:
        print("(Hugo not set up: run benchmarks/compare.sh once to install it beside the repository)")
    made = len(list((ours / "output/anh").iterdir()))
    print(f"\n{args.n} articles, one {SIZE[0]} x {SIZE[1]} photo each; giaoban made {made} files "
          f"(widths {', '.join(map(str, WIDTHS))} and the thumbnail, AVIF, WebP and JPEG)\n")
    print("| build | wall s | peak MiB |\n|---|---:|---:|")
    for name, wall, peak in rows:
        print(f"| {name} | {wall:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
