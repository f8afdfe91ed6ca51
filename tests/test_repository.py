"""The repository stands alone: a clone with nothing beside it tests, benchmarks and builds."""

from __future__ import annotations

import re

from conftest import BENCHMARKS, DATA, REPO

# What the tests, the benchmark and the README's commands run or read; results files only quote history.
RUN_OR_READ = ["Makefile", "README.md", ".ci/run", "pyproject.toml", "scripts", "tests", "benchmarks/bench.py",
               "benchmarks/compare.sh", "benchmarks/corpus.py", "benchmarks/peers", "docs"]


# The developers' folder beside the repository, which a user's clone does not have (its name
# assembled here, so that this file is not itself a line reaching for it).
SIBLING = "sha" + "red"


def test_nothing_reads_outside_the_repository() -> None:
    outside = re.compile(rf"\.\./{SIBLING}|GIAOBAN_{SIBLING.upper()}|parent / \"{SIBLING}\"")
    found = []
    for name in RUN_OR_READ:
        top = REPO / name
        for path in [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            if path.suffix in (".py", ".sh", ".md", ".toml", ".yml", ""):
                found += [f"{path.relative_to(REPO)}:{n}" for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
                          if outside.search(line)]
    assert found == []


def test_the_seed_article_and_the_benchmark_corpus_are_in_the_repository() -> None:
    assert (DATA / "000_e84e7c1bee02776d.txt").read_text(encoding="utf-8").startswith("Hội nghị giao ban")
    assert (BENCHMARKS / "corpus.py").is_file() and (BENCHMARKS / "peers" / "setup.sh").is_file()
