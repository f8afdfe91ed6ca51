"""The build cache (cache.py): what a build records of the files it wrote, read back by the next."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from giaoban_site.cache import BuildCache, FileTable, Manifest

FILES = {"index.html": ("k1", "c1"), "2014/10/hoi-nghi-giao-ban/index.html": ("k2", "c2"), "feed.xml": ("k3", "c3")}


def saved_and_loaded(tmp_path: Path, files: dict[str, tuple[str, str]]) -> Manifest:
    folder = tmp_path / "output"
    folder.mkdir(exist_ok=True)
    cache = BuildCache(folder)
    cache.save_manifest(folder, Manifest("inputs", files=FileTable(files.items())))
    return cache.load_manifest(folder)


def test_a_record_tells_how_it_differs_from_another_folders_files(tmp_path: Path) -> None:
    record = saved_and_loaded(tmp_path, FILES)
    other = FileTable({"index.html": ("k1", "c1"), "2014/10/hoi-nghi-giao-ban/index.html": ("k2", "changed"),
                       "tags/giam-sat/index.html": ("k4", "c4")}.items())
    assert record.differences(other) == {"2014/10/hoi-nghi-giao-ban/index.html": "c2", "feed.xml": "c3", "tags/giam-sat/index.html": None}
    assert record.differences(FileTable(FILES.items())) == {}


def test_a_record_read_as_a_table_saves_the_same_files_again(tmp_path: Path) -> None:
    record = saved_and_loaded(tmp_path, FILES)
    assert record.files == FILES  # its texts are let go once the table is made ...
    assert sorted(record.paths) == sorted(FILES) and record.checksums()["feed.xml"] == "c3"
    assert saved_and_loaded(tmp_path, record.files).files == FILES  # ... and made again to be saved


def test_a_record_is_saved_and_read_a_piece_of_its_table_at_a_time(tmp_path: Path) -> None:
    files = {f"2014/10/hoi-nghi-giao-ban-lan-thu-{n}/index.html": (f"{n:032x}", f"{n * 7:032x}") for n in range(150_000)}
    table = FileTable(files.items())
    whole = len("\0".join(files)) + 32 * len(files)  # the table as one text and one run of bytes: 12 MB
    folder = tmp_path / "output"
    folder.mkdir()
    cache = BuildCache(folder)
    tracemalloc.start()
    try:
        cache.save_manifest(folder, Manifest("inputs", files=table))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < whole / 3
    record = cache.load_manifest(folder)
    assert len(record._table) == 19 and record.count == len(files) and record.files == files


def test_an_empty_record_differs_in_every_file(tmp_path: Path) -> None:
    output = FileTable([("index.html", ("k1", "c1"))])
    assert saved_and_loaded(tmp_path, {}).differences(output) == {"index.html": None}
    assert BuildCache(tmp_path / "output").differences_of(tmp_path / "nowhere", output) is None


def test_a_table_keeps_hex_pairs_in_32_bytes_and_any_other_pair_as_it_is() -> None:
    key, checksum = "0123456789abcdef" * 2, "fedcba9876543210" * 2
    table = FileTable([("index.html", (key, checksum)), ("anh/a.webp", ("photo-key-3", checksum)), ("A.html", (key.upper(), checksum))])
    assert table["index.html"] == (key, checksum) and table.checksum("index.html") == checksum
    assert table["anh/a.webp"] == ("photo-key-3", checksum) and table["A.html"] == (key.upper(), checksum)
    carried = FileTable()
    carried.carry("index.html", table)
    assert carried.get("index.html") == (key, checksum) and carried.get("nowhere.html") is None


def test_a_table_read_back_from_its_pieces_is_the_same_table() -> None:
    pairs = [(f"2014/10/bai-{n}/index.html", (f"{n:032x}", f"{n * 7:032x}")) for n in range(50)]
    for files in (pairs, [*pairs, ("du-lieu/noi-dung.json", ("records-key", "f" * 32))]):
        table = FileTable(files)
        pieces = list(table.pieces(size=8))
        assert len(pieces) == 7 and FileTable.from_pieces(pieces) == table == dict(files)
    assert len(FileTable.from_pieces([])) == 0


def test_a_record_of_many_pieces_tells_its_differences_counts_and_paths() -> None:
    files = {f"2014/10/bai-{n}/index.html": (f"{n:032x}", f"{n * 7:032x}") for n in range(30)} | {"feed.xml": ("k", "c")}
    record = Manifest()
    record.__setstate__({**record.__dict__, "_files": None, "_table": list(FileTable(files.items()).pieces(size=4))})
    other = FileTable(files.items())
    other["2014/10/bai-29/index.html"] = ("a" * 32, "e" * 32)
    other["moi.html"] = ("a" * 32, "b" * 32)
    del other._entries["2014/10/bai-3/index.html"]
    assert record.differences(other) == {"2014/10/bai-29/index.html": f"{29 * 7:032x}", "2014/10/bai-3/index.html": f"{21:032x}",
                                         "moi.html": None}
    assert record.count == 31 and record.pages == 30 and sorted(record.paths) == sorted(files)
    assert record.checksums()["feed.xml"] == "c" and record.files == files


def test_a_table_read_with_the_plans_paths_keeps_those_strings_not_copies() -> None:
    plan = tuple(f"2014/10/hội-nghị-{n}/index.html" for n in range(20))  # made by the build, not read from the record
    saved = FileTable((path, (f"{n:032x}", f"{n:032x}")) for n, path in enumerate([*plan, "feed.xml"]))
    table = FileTable.from_pieces(list(saved.pieces(size=6)), dict(zip(plan, plan)))
    assert table == saved
    kept = {id(path) for path in table}
    assert all(id(path) in kept for path in plan) and "feed.xml" in table


def test_a_table_counts_the_files_whose_bytes_changed_since_another() -> None:
    before = FileTable([(f"p{n}.html", (f"{n:032x}", f"{n:032x}")) for n in range(4)] + [("odd.json", ("k", "c"))])
    after = FileTable()
    after.carry("p0.html", before)  # carried: the same entry
    after["p1.html"] = ("f" * 32, f"{1:032x}")  # made again, same bytes
    after["p2.html"] = (f"{2:032x}", "e" * 32)  # other bytes
    after["odd.json"] = ("k2", "c")
    after["new.html"] = ("a" * 32, "b" * 32)
    assert after.changed_since(before) == 2


def test_a_record_of_packed_pairs_tells_its_differences_and_hashes_in_hex(tmp_path: Path) -> None:
    files = {f"2014/10/bai-{n}/index.html": (f"{n:032x}", f"{n * 7:032x}") for n in range(5)}
    record = saved_and_loaded(tmp_path, files)
    [(paths, pairs)] = record.pieces()  # the pairs as one run of bytes, 32 a file: not two texts of hex digits
    assert len(pairs) == 32 * 5 and paths.count("\0") == 4
    other = FileTable(files.items())
    other["2014/10/bai-1/index.html"] = (f"{1:032x}", "e" * 32)
    other["moi.html"] = ("a" * 32, "b" * 32)
    assert record.differences(other) == {"2014/10/bai-1/index.html": f"{7:032x}", "moi.html": None}
    assert record.checksums()["2014/10/bai-4/index.html"] == f"{28:032x}"
    assert record.count == 5 and record.pages == 5 and record.files == files


def test_an_earlier_versions_record_of_hex_texts_reads_as_the_same_table() -> None:
    files = [(f"bai-{n}.html", (f"{n:032x}", f"{n * 3:032x}")) for n in range(3)]
    texts = ("\0".join(p for p, _ in files), "\0".join(k for _, (k, _) in files), "\0".join(c for _, (_, c) in files))
    assert FileTable.from_pieces([texts]) == FileTable(files)
    record = Manifest()
    record.__setstate__({**record.__dict__, "_files": None, "_table": texts})  # as an earlier version pickled it
    assert record.checksums()["bai-2.html"] == f"{6:032x}" and record.differences(FileTable(files)) == {}
    assert record.count == 3 and record.paths == [p for p, _ in files] and record.files == FileTable(files)
