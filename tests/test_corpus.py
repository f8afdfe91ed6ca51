"""The 1,000-article benchmark corpus builds completely (slow)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import BENCHMARKS, run_giaoban


@pytest.mark.slow
def test_thousand_article_corpus_builds_every_article_page(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    subprocess.run([sys.executable, str(BENCHMARKS / "corpus.py"), "--n", "1000", "--format", "giaoban",
                    "--out", str(root)], check=True)
    result = run_giaoban("build", "--source", str(root))
    assert result.returncode == 0, result.stderr
    expected = {}
    for path in (root / "content").rglob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        expected[front["title"]] = f"{front['date']:%Y/%m}"
    assert len(expected) == 1000
    built = {}
    for page in (root / "output").glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"):
        title = re.search(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8")).group(1)
        built[title.replace("&amp;", "&")] = page.parent.parent.relative_to(root / "output").as_posix()
    assert built == expected
