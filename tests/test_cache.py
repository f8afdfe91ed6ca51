"""The build cache (cache.py): what a build records of the files it wrote, read back by the next."""

from __future__ import annotations

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


def test_a_table_read_back_from_its_columns_is_the_same_table() -> None:
    pairs = [(f"2014/10/bai-{n}/index.html", (f"{n:032x}", f"{n * 7:032x}")) for n in range(50)]
    for files in (pairs, [*pairs, ("du-lieu/noi-dung.json", ("records-key", "f" * 32))]):
        table = FileTable(files)
        assert FileTable.from_columns(*table.columns()) == table == dict(files)
    assert len(FileTable.from_columns("", "", "")) == 0


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
    paths, pairs = record._columns()  # the pairs as one run of bytes, 32 a file: not two texts of hex digits
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
    assert FileTable.from_columns(*texts) == FileTable(files)
    record = Manifest()
    record._files, record._table = None, texts
    assert record.checksums()["bai-2.html"] == f"{6:032x}" and record.differences(FileTable(files)) == {}
