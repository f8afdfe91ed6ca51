"""The site model (site.py): what the preview works out for one article is what the build works out for all."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from giaoban_site.content import Document
from giaoban_site.site import related_articles, related_groups, related_ranks, related_ranks_of

TAGS = ["giám sát", "Giám sát", "kỳ họp", "tiếp xúc cử tri", "ngân sách", "Đại biểu HĐND"]


def article(number: int, tags: list[str], category: str | None) -> Document:
    return Document(f"content/2024/05/a{number}.md", "article", f"Bài {number}", f"bai-{number}", "", tags=tuple(tags),
                    category=category, categories=(category,) if category else ())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(TAGS), max_size=3), st.sampled_from([None, "Kỳ họp", "Hoạt động"])),
                min_size=1, max_size=40),
       st.integers(0, 6))
def test_one_articles_related_ranks_are_those_of_the_whole_site(specs: list[tuple[list[str], str | None]], count: int) -> None:
    articles = [article(number, tags, category) for number, (tags, category) in enumerate(specs)]
    everyone = related_ranks(articles, count)
    groups = [related_groups(doc) for doc in articles]
    assert [related_ranks_of(groups, [rank], count)[0] for rank in range(len(articles))] == everyone


def test_what_relates_articles_is_one_object_for_each_tag_and_category() -> None:
    """The preview keeps every article's groups: at 100,000 articles, a few dozen tags, not a copy for each article."""
    first, second = related_groups(article(0, ["giám sát", "kỳ họp"], "Kỳ họp")), related_groups(article(1, ["kỳ họp"], "Kỳ họp"))
    assert first == [("tag", "giam-sat"), ("tag", "ky-hop"), ("category", "ky-hop")]
    assert first[1] is second[0] and first[2] is second[1]


def test_articles_whose_tags_differ_only_in_case_are_related() -> None:
    articles = [article(0, ["giám sát"], None), article(1, ["ngân sách"], None), article(2, ["Giám sát"], None)]
    assert related_ranks_of([related_groups(doc) for doc in articles], [0, 1], 3) == [[2], []]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(TAGS), max_size=3), st.sampled_from([None, "Kỳ họp", "Hoạt động"])),
                min_size=1, max_size=20),
       st.lists(st.tuples(st.integers(0, 19), st.lists(st.sampled_from(TAGS), max_size=3)), max_size=3))
def test_related_articles_kept_between_builds_follow_each_edit_of_tags(specs: list[tuple[list[str], str | None]],
                                                                       edits: list[tuple[int, list[str]]]) -> None:
    """The build cache's memo keeps the ranks from one build to the next: a build after edits of tags gets what a clean one gets."""
    kept: dict[str, object] = {}

    def memo(name: str, key: str, compute):  # as BuildCache.memo: the value of the last key
        if kept.get("key") != key:
            kept.update(key=key, value=compute())
        return kept["value"]

    articles = [article(number, tags, category) for number, (tags, category) in enumerate(specs)]
    related_articles(articles, 3, memo)
    for number, tags in edits:
        if number < len(articles):
            articles[number] = dataclasses.replace(articles[number], tags=tuple(tags))
        assert related_articles(articles, 3, memo) == related_articles(articles, 3)
