"""Vietnamese rules: slugs, folding, collation (held to ICU's `vi` collator), dates."""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata

import icu
from conftest import BENCHMARKS
from hypothesis import given, settings
from hypothesis import strategies as st

from giaoban_site.vietnamese import _WORD, collation_key, fold, format_date, format_date_long, slugify, sort_names, weekday_in_text, words

sys.path.insert(0, str(BENCHMARKS))
import corpus  # noqa: E402  (the benchmark corpus holds real council names)

ICU = icu.Collator.createInstance(icu.Locale("vi_VN"))


def icu_sorted(names: list[str]) -> list[str]:
    return sorted(names, key=ICU.getSortKey)


def test_slugs_are_ascii_with_d_for_dj() -> None:
    assert slugify("Đại biểu HĐND") == "dai-bieu-hdnd"
    assert slugify("Đại biểu HĐND tỉnh") == "dai-bieu-hdnd-tinh"
    assert slugify("Kỳ họp thứ 9 HĐND tỉnh khóa XVI") == "ky-hop-thu-9-hdnd-tinh-khoa-xvi"
    assert slugify(unicodedata.normalize("NFD", "Đại biểu HĐND")) == "dai-bieu-hdnd"


def test_long_slug_is_cut_at_a_word_boundary() -> None:
    slug = slugify("Hội nghị giao ban giữa Thường trực Hội đồng nhân dân tỉnh " * 5)
    assert len(slug) <= 200 and not slug.endswith("-")
    assert slug.startswith("hoi-nghi-giao-ban-giua-thuong-truc") and slug.endswith("-giua")


def test_fold_removes_case_and_diacritics() -> None:
    assert fold("Hội đồng") == fold("HOI DONG") == fold("hoi dong") == "hoi dong"
    assert fold(unicodedata.normalize("NFD", "Hội Đồng")) == "hoi dong"
    assert fold("Hòa") == fold("Hoà") == "hoa"


def test_collation_follows_the_vietnamese_alphabet_then_tones() -> None:
    assert sort_names(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sort_names(["Zê", "Đức", "Dũng", "an", "âm", "ăn"]) == ["an", "ăn", "âm", "Dũng", "Đức", "Zê"]


def test_collation_matches_icu_on_real_council_names() -> None:
    names = corpus.TAGS + corpus.AUTHORS + corpus.LOCS + corpus.CATS + [
        "Hòa An", "Hoà An", "Thúy", "Thuý", "Ủy ban", "Uỷ ban", "ĐBQH", "HĐND", "Hội đồng", "hội nghị", "Văn Đông"]
    assert sort_names(names) == icu_sorted(names)


SYLLABLE = st.builds(
    lambda initial, vowel, tone, final: unicodedata.normalize("NFC", initial + vowel + tone + final),
    st.sampled_from(["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "t", "th", "tr", "v", "x"]),
    st.sampled_from(["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]),
    st.sampled_from(["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]),  # none, huyền, hỏi, ngã, sắc, nặng
    st.sampled_from(["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u"]),
)
NAME = st.lists(SYLLABLE, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(NAME, NAME.map(str.capitalize), NAME.map(str.upper)), min_size=2, max_size=12, unique=True))
def test_collation_key_agrees_with_icu_on_generated_names(names: list[str]) -> None:
    ours = sort_names(names)
    theirs = icu_sorted(names)
    # Names ICU treats as equal may come in either order; compare by ICU's own key.
    assert [ICU.getSortKey(n) for n in ours] == [ICU.getSortKey(n) for n in theirs]


def test_nfd_and_nfc_names_get_the_same_key() -> None:
    assert collation_key(unicodedata.normalize("NFD", "Đức Anh")) == collation_key("Đức Anh")


def test_vietnamese_dates() -> None:
    when = dt.datetime(2014, 10, 2, 8, 30)
    assert format_date(when) == "Thứ Năm, 02/10/2014"
    assert format_date(when, with_time=True) == "Thứ Năm, 02/10/2014 08:30"
    assert format_date(dt.date(2024, 5, 5)) == "Chủ nhật, 05/05/2024"
    assert format_date_long(when) == "ngày 02 tháng 10 năm 2014"  # Nghị định 30/2020: 0 before days under 10
    assert format_date_long(dt.date(2020, 3, 5)) == "ngày 05 tháng 3 năm 2020"  # ... and before months 1 and 2 only
    assert format_date_long(dt.date(2024, 2, 29)) == "ngày 29 tháng 02 năm 2024"
    assert format_date_long(dt.date(2025, 12, 31)) == "ngày 31 tháng 12 năm 2025"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(NAME, st.sampled_from(["-", ",", "“", "”", "(số 12)", "&", ":", "2014", "  "])), max_size=40).map(" ".join))
def test_fast_slug_agrees_with_python_slugify_on_vietnamese_text(text: str) -> None:
    from slugify import slugify as reference

    assert slugify(text) == reference(text, max_length=200, word_boundary=True, save_order=True)


def test_words_split_every_code_point_as_the_table_fold_does() -> None:
    """words() folds a text without the table when it holds no letter of another script. For that
    to split every text as the table's fold does, each character must come out the same both ways:
    between two letters, it either joins them into one word or separates them, in both."""
    disagree = []
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code < 0xE000:
            continue
        text = f"a{chr(code)}b"
        if words(text) != _WORD.findall(fold(unicodedata.normalize("NFC", text))):
            disagree.append(f"U+{code:04X}")
    assert disagree == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(NAME, st.sampled_from(["Đ", "đ", "\u0301", "\u0483", "≠", "_", "İ", "Москва", "東京", "ǅ", "ß", "’", "-"]),
                          st.text(max_size=5)), max_size=30).map(" ".join))
def test_words_are_the_same_as_splitting_the_table_fold(text: str) -> None:
    folded = fold(unicodedata.normalize("NFC", text))
    assert words(text) == _WORD.findall(folded)
    assert words(unicodedata.normalize("NFD", text)) == words(text)


def test_weekdays_in_running_text_follow_nghi_dinh_30() -> None:
    assert weekday_in_text(dt.date(2014, 10, 2)) == "thứ Năm"
    assert weekday_in_text(dt.date(2024, 5, 5)) == "Chủ nhật"
    assert [weekday_in_text(dt.date(2024, 7, d)) for d in range(8, 15)] == [
        "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
