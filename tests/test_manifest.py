"""lexiloom.manifest: a folder's files listed with size and SHA-256; any change, truncation,
removal, or damage to the manifest itself is an error naming what is wrong."""

from __future__ import annotations

import json

import pytest

from lexiloom import manifest
from lexiloom.errors import ModelFileError


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.json").write_text('{"x": 1}')
    (tmp_path / "sub" / "weights.bin").write_bytes(bytes(range(200)))
    manifest.write_tree(tmp_path)
    return tmp_path


def test_an_untouched_folder_verifies(folder):
    assert manifest.verify(folder) is True


def test_every_byte_of_every_file_is_covered(folder):
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        original = path.read_bytes()
        for position in range(len(original)):
            data = bytearray(original)
            data[position] ^= 0x01
            path.write_bytes(bytes(data))
            with pytest.raises(ModelFileError, match=path.name):
                manifest.verify(folder)
        path.write_bytes(original)
    assert manifest.verify(folder)


def test_a_version_2_manifest_needs_its_self_digest(folder):
    path = folder / manifest.MANIFEST
    data = json.loads(path.read_text())
    del data["files_sha256"]
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="own SHA-256"):
        manifest.verify(folder)


def test_a_changed_digest_in_the_manifest_is_reported_as_manifest_damage(folder):
    path = folder / manifest.MANIFEST
    data = json.loads(path.read_text())
    entry = data["files"]["a.json"]
    entry["sha256"] = ("0" if entry["sha256"][0] != "0" else "1") + entry["sha256"][1:]
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match=r"manifest.json: unreadable manifest .*own SHA-256"):
        manifest.verify(folder)


@pytest.mark.parametrize("files", [{"../outside": {"size": 1, "sha256": "0" * 64}},
                                   {"/etc/hostname": {"size": 1, "sha256": "0" * 64}},
                                   {"a.json": {"sha256": "0" * 64}}, ["a.json"]])
def test_malformed_version_1_manifests_are_unreadable(folder, files):
    (folder / manifest.MANIFEST).write_text(json.dumps(
        {"format": manifest.FORMAT, "version": 1, "files": files}))
    with pytest.raises(ModelFileError, match="unreadable manifest"):
        manifest.verify(folder)


def test_a_version_1_manifest_without_a_self_digest_still_verifies_its_files(folder):
    path = folder / manifest.MANIFEST
    data = json.loads(path.read_text())
    del data["files_sha256"]
    data["version"] = 1
    path.write_text(json.dumps(data))
    assert manifest.verify(folder)
    (folder / "a.json").write_text('{"x": 2}')
    with pytest.raises(ModelFileError, match=r"a\.json: its contents changed"):
        manifest.verify(folder)
