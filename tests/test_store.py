"""The document store (store.py): documents packed and unpacked as the build keeps them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from giaoban_site.content import Document
from giaoban_site.store import pack, unpack
from giaoban_site.vietnamese import nfc


def article(number: int) -> Document:
    return Document(source=f"content/2014/10/bai-{number}.md", kind="article", title=f"Hội nghị giao ban số {number}",
                    slug=f"hoi-nghi-giao-ban-so-{number}", body="", date=dt.datetime(2014, 10, number + 1, tzinfo=dt.timezone.utc),
                    tags=(nfc("Trùng Khánh"), "Giao ban"), category="Hoạt động HĐND", categories=("Hoạt động HĐND",),
                    authors=("Nông Thị Hà",), lang="vi", translation_key=f"content/2014/10/bai-{number}.md")


def test_a_document_unpacked_is_the_document_packed() -> None:
    assert unpack(pack(article(1))) == article(1)


def test_documents_unpacked_share_their_repeated_values() -> None:
    """At 100,000 articles, a few dozen tags, categories and authors: one object each, not one per document."""
    first, second = unpack(pack(article(1))), unpack(pack(article(2)))
    assert first.tags is second.tags and first.tags[0] is second.tags[0]
    assert first.category is second.category and first.categories is second.categories and first.authors is second.authors
    assert first.kind is second.kind and first.lang is second.lang
    assert first.extra == {} and first.extra is second.extra  # no fields of their type's own: one empty dict
    assert first.translation_key is first.source  # a default language's file: its key is its path
    assert first.title is not second.title and first.title != second.title


def test_dates_in_a_named_zone_come_back_in_the_zone_s_one_object() -> None:
    """Stored as their time and the zone's name: equal, in the same zone object, the fold of a repeated hour kept."""
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    doc = dataclasses.replace(article(1), date=dt.datetime(2014, 10, 2, 8, 30, tzinfo=zone),
                              updated=dt.datetime(2014, 10, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
                              expires=dt.datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")))
    again = unpack(pack(doc))
    assert again == doc
    assert again.date.tzinfo is zone and again.date.utcoffset() == dt.timedelta(hours=7)
    assert again.updated.tzinfo == dt.timezone(dt.timedelta(hours=7))  # a fixed offset is pickled as it is
    assert again.expires.fold == 1 and again.expires.utcoffset() == dt.timedelta(hours=-5)  # the second 1:30 of that night
    assert again.pinned_until is None
