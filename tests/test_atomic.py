"""Atomic writes: the target is replaced whole, or left untouched on failure."""

import pytest

from lexiloom import atomic


def test_write_text_replaces_the_target(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    atomic.write_text(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_failure_while_writing_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "model.bin"
    target.write_bytes(b"complete model")
    with pytest.raises(RuntimeError), atomic.atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("crash mid-write")
    assert target.read_bytes() == b"complete model"
    assert [p.name for p in tmp_path.iterdir()] == ["model.bin"]


def test_directories_are_replaced_whole(tmp_path):
    target = tmp_path / "pipeline"
    target.mkdir()
    (target / "stale.txt").write_text("stale")
    with atomic.atomic_path(target) as tmp:
        tmp.mkdir()
        (tmp / "meta.json").write_text("{}")
    assert sorted(p.name for p in target.iterdir()) == ["meta.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["pipeline"]


def test_parent_directories_are_created(tmp_path):
    target = tmp_path / "a" / "b" / "c.txt"
    atomic.write_bytes(target, b"x")
    assert target.read_bytes() == b"x"


def test_a_directory_being_replaced_is_never_missing(tmp_path):
    """A reader polling the target while it is replaced again and again always finds it, old or
    new, and whole (renameat2 RENAME_EXCHANGE; the old two renames left a moment without it)."""
    import threading

    target = tmp_path / "model-best"
    target.mkdir()
    (target / "meta.json").write_text("0")
    missing, stop = [], threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                (target / "meta.json").read_text()
            except OSError:
                missing.append(1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for i in range(300):
            with atomic.atomic_path(target) as tmp:
                tmp.mkdir()
                (tmp / "meta.json").write_text(str(i))
    finally:
        stop.set()
        watcher.join()
    assert (target / "meta.json").read_text() == "299"
    assert not missing
    assert [p.name for p in tmp_path.iterdir()] == ["model-best"]


def test_the_fallback_without_renameat2_still_replaces_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    target = tmp_path / "pipeline"
    target.mkdir()
    (target / "stale.txt").write_text("stale")
    with atomic.atomic_path(target) as tmp:
        tmp.mkdir()
        (tmp / "meta.json").write_text("{}")
    assert sorted(p.name for p in target.iterdir()) == ["meta.json"]
    # the folder is now versioned: a link to its one version, replaced in one rename from now on
    (version,) = [p for p in tmp_path.iterdir() if p.name != "pipeline"]
    assert target.is_symlink() and target.resolve() == version.resolve()


def test_stale_temporaries_of_a_target_are_removed_and_no_others(tmp_path):
    from lexiloom.atomic import remove_stale_temporaries

    for name in (".v.txt.abcd1234.tmp", ".v.txt.gz.abcd1234.tmp", ".v.txt.sha256.x1y2z3w4.tmp",
                 ".other.abcd1234.tmp"):
        (tmp_path / name).mkdir()
    (tmp_path / "v.txt").write_text("kept")
    remove_stale_temporaries(tmp_path, "v.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".other.abcd1234.tmp", ".v.txt.gz.abcd1234.tmp", ".v.txt.sha256.x1y2z3w4.tmp", "v.txt"]
    remove_stale_temporaries(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.txt"]


def test_exclusive_cleans_a_killed_writers_temporaries_in_its_folder_and_below(tmp_path):
    from lexiloom.atomic import exclusive

    (tmp_path / "out" / "checkpoints" / ".step-1.abcd1234.tmp").mkdir(parents=True)
    (tmp_path / "out" / ".state.abcd1234.tmp" / "inner").mkdir(parents=True)
    with exclusive(tmp_path / "out"):
        left = sorted(p.name for p in (tmp_path / "out").rglob("*"))
    assert left == [".lexiloom.lock", "checkpoints"]


def test_remove_tree_leaves_nothing_behind(tmp_path):
    from lexiloom.atomic import remove_tree

    (tmp_path / "ckpt" / "state").mkdir(parents=True)
    (tmp_path / "ckpt" / "state" / "a.bin").write_bytes(b"x")
    remove_tree(tmp_path / "ckpt")
    remove_tree(tmp_path / "missing")            # nothing there: no error
    assert list(tmp_path.iterdir()) == []


def test_without_renameat2_a_directory_is_swapped_through_a_link_never_missing(tmp_path,
                                                                              monkeypatch):
    import threading

    from lexiloom import atomic

    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)   # as on a system without it
    target = tmp_path / "model-best"

    def write(n: int) -> None:
        with atomic.atomic_path(target) as tmp:
            tmp.mkdir()
            (tmp / "n.txt").write_text(str(n))

    write(0)
    assert target.is_dir() and not target.is_symlink()        # a first write: a plain folder
    write(1)                                                   # moved aside once, then linked
    assert target.is_symlink() and (target / "n.txt").read_text() == "1"
    seen: list[str | None] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.append((target / "n.txt").read_text())
            except FileNotFoundError:
                seen.append(None)

    reader = threading.Thread(target=read)
    reader.start()
    for n in range(2, 40):
        write(n)
    stop.set()
    reader.join()
    assert None not in seen and len(seen) > 40
    assert (target / "n.txt").read_text() == "39"
    versions = [p.name for p in tmp_path.iterdir() if p.name.endswith(".v")]
    assert len(versions) == 1 and sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["model-best", *versions])


def test_an_orphan_version_is_stale_and_the_linked_one_is_not(tmp_path, monkeypatch):
    from lexiloom import atomic

    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    target = tmp_path / "out"
    for n in range(3):
        with atomic.atomic_path(target) as tmp:
            tmp.mkdir()
            (tmp / "f").write_text(str(n))
    (tmp_path / ".out.zzzz9999.v").mkdir()                    # a killed swap's new version
    atomic.remove_stale_temporaries(tmp_path, "out")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and ".out.zzzz9999.v" not in names
    assert (target / "f").read_text() == "2"
    atomic.remove_tree(target)                                 # the link and its version
    assert list(tmp_path.iterdir()) == []
