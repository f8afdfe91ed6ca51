"""Time `giaoban import` of a NukeViet 4 export with N articles, and the build that follows.

    python benchmarks/import_bench.py --n 10000

The export is written here: N rows in three categories, each with tags and an HTML body of the seed
article's length (paragraphs, a table, a link), the way phpMyAdmin exports them.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "tests" / "data" / "000_e84e7c1bee02776d.txt"
CATEGORIES = [(1, "Hoạt động HĐND tỉnh", "hoat-dong-hdnd-tinh"), (2, "Tin địa phương", "tin-dia-phuong"), (3, "Kỳ họp", "ky-hop")]


def sql_text(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def insert(table: str, rows: list[str]) -> str:
    """One INSERT statement of a dump (test data written here, never sent to a database)."""
    return f"INSERT INTO `{table}` VALUES " + ", ".join(rows) + ";"  # noqa: S608


def export(n: int) -> str:
    paragraphs = [line.strip("\u00a0 ") for line in SEED.read_text(encoding="utf-8").split("\n")[2:] if line.strip()]
    body = "".join(f"<p style=\"text-align: justify;\">{p}</p>\n" for p in paragraphs[:-1])
    body += "<table><tr><th>Huyện</th><th>Số</th></tr><tr><td>Trùng Khánh</td><td>4</td></tr></table>"
    lines = ["CREATE TABLE `nv4_vi_news_cat` (`catid` int, `title` varchar(250), `alias` varchar(250));",
             insert("nv4_vi_news_cat", [f"({c}, {sql_text(t)}, '{a}')" for c, t, a in CATEGORIES]),
             "CREATE TABLE `nv4_vi_news_rows` (\n  `id` int,\n  `catid` int,\n  `listcatid` varchar(255),\n  `author` varchar(250),\n"
             "  `status` tinyint,\n  `publtime` int,\n  `title` varchar(250),\n  `alias` varchar(250),\n  `hometext` text\n);",
             "CREATE TABLE `nv4_vi_news_detail` (\n  `id` int,\n  `bodyhtml` longtext\n);",
             "CREATE TABLE `nv4_vi_news_tags_id` (`id` int, `tid` int, `keyword` varchar(65));"]
    start = 1262304000  # 2010-01-01
    for chunk in range(0, n, 500):  # phpMyAdmin writes a statement every few hundred rows
        ids = range(chunk + 1, min(n, chunk + 500) + 1)
        rows = [f"({i}, {i % 3 + 1}, '{i % 3 + 1}', 'Tuyết Nhung', 1, {start + i * 20000}, "
                f"{sql_text(f'Hội nghị giao ban số {i}')}, 'hoi-nghi-giao-ban-so-{i}', {sql_text(paragraphs[0])})" for i in ids]
        lines.append(insert("nv4_vi_news_rows", rows))
        lines.append(insert("nv4_vi_news_detail", [f"({i}, {sql_text(body)})" for i in ids]))
        lines.append(insert("nv4_vi_news_tags_id", [f"({i}, 1, 'giao ban'), ({i}, 2, 'Trùng Khánh')" for i in ids]))
    return "\n".join(lines) + "\n"


def timed(*args: str) -> tuple[float, float]:
    """Wall seconds and the child's peak memory (MiB) of one giaoban command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "giaoban_site", *args], check=True, capture_output=True)
    return time.monotonic() - started, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        (site / "site.yaml").write_text('title: "Thử"\nbase_url: "https://example.gov.vn/"\n', encoding="utf-8")
        dump = Path(tmp) / "nukeviet.sql"
        dump.write_text(export(n), encoding="utf-8")
        print(f"{n} rows, export {dump.stat().st_size / 1e6:.1f} MB")
        for name, args in (("import", ("import", str(dump), "--source", str(site))),
                           ("import again (nothing to do)", ("import", str(dump), "--source", str(site))),
                           ("build after it", ("build", "--source", str(site)))):
            seconds, peak = timed(*args)
            print(f"| {name} | {seconds:.2f} s | {peak:.0f} MiB (the largest of the commands so far) |")


if __name__ == "__main__":
    main()
