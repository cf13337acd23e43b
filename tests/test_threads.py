"""One owner of thread counts: the cores this process may use, never more torch threads."""

from __future__ import annotations

import os

import pytest
import torch
from cli_helpers import assert_one_line_error, run

from lexiloom import threads
from lexiloom.errors import SettingsError


@pytest.fixture
def restore_torch_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


@pytest.fixture
def no_quota(monkeypatch):
    monkeypatch.setattr(threads, "cgroup_cpu_limit", lambda: None)


def cgroup_file(monkeypatch, tmp_path, text: str) -> None:
    path = tmp_path / "cpu.max"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(threads, "CGROUP_V2_MAX", path)


def test_usable_cores_are_the_cpu_affinity_without_a_quota(no_quota):
    assert threads.usable_cores() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize(("text", "cores"), [("200000 100000\n", 2), ("150000 100000", 2),
                                             ("50000 100000", 1), ("max 100000", None)])
def test_cgroup_v2_quota_is_read_in_whole_cores_rounded_up(monkeypatch, tmp_path, text, cores):
    cgroup_file(monkeypatch, tmp_path, text)
    assert threads.cgroup_cpu_limit() == cores


def test_a_quota_lowers_the_usable_cores(monkeypatch, tmp_path):
    cgroup_file(monkeypatch, tmp_path, "100000 100000")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert threads.usable_cores() == 1


def test_an_unreadable_quota_is_ignored(monkeypatch, tmp_path):
    cgroup_file(monkeypatch, tmp_path, "garbage")
    assert threads.cgroup_cpu_limit() is None


def test_unset_means_every_usable_core(monkeypatch):
    monkeypatch.setattr(threads, "usable_cores", lambda: 3)
    assert threads.resolve_threads(None) == 3
    assert threads.resolve_threads(2) == 2


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2"])
def test_non_positive_or_non_integer_counts_are_rejected(bad):
    with pytest.raises(SettingsError, match="positive whole number"):
        threads.resolve_threads(bad)


def test_more_threads_than_usable_cores_is_an_error_naming_the_setting_and_the_fix(monkeypatch):
    monkeypatch.setattr(threads, "usable_cores", lambda: 2)
    with pytest.raises(SettingsError, match=r"--threads 5 is more than the 2 CPU cores.*at most 2"):
        threads.resolve_threads(5)
    assert threads.resolve_threads(5, limit=False) == 5  # kernel worker threads, as in gensim


def test_use_threads_sets_torchs_thread_count(restore_torch_threads, monkeypatch):
    monkeypatch.setattr(threads, "usable_cores", lambda: 2)
    assert threads.use_threads(1) == 1 and torch.get_num_threads() == 1
    assert threads.use_threads() == 2 and torch.get_num_threads() == 2


@pytest.mark.parametrize("command", [
    ["train", "--task", "classify", "--train", "topics/train", "--dev", "topics/dev", "--out", "x"],
    ["vectors", "train", "passage/train", "--out", "v.txt"],
    ["classify", "nowhere", "text"],
    ["sentiment", "nowhere", "text"],
    ["evaluate", "nowhere", "topics/dev"],
    ["generate", "nowhere"],
])
def test_every_command_takes_threads_and_rejects_a_bad_count(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    help_text = run(*command[:2 if command[0] == "vectors" else 1], "--help").output
    assert "--threads" in help_text
    line = assert_one_line_error(run(*command, "--threads", "0"))
    assert "threads" in line and "must be a positive" in line


def test_torch_commands_refuse_more_threads_than_cores(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(threads, "usable_cores", lambda: 1)
    line = assert_one_line_error(run("classify", "nowhere", "text", "--threads", "2"))
    assert "more than the 1 CPU cores" in line


def test_training_refuses_more_threads_than_cores_before_reading_anything(monkeypatch,
                                                                        tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(threads, "usable_cores", lambda: 1)
    line = assert_one_line_error(run("train", "--task", "classify", "--train", "nowhere.jsonl",
                                     "--dev", "nowhere.jsonl", "--out", "x", "--threads", "2"))
    assert "--threads 2 is more than the 1 CPU cores" in line


def test_vectors_train_threads_reach_the_embedders_workers(tmp_path):
    import json

    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c a b c d\n" * 30, encoding="utf-8")

    def workers(*extra: str) -> int:
        result = run("vectors", "train", str(corpus), "--min-count", "1", "--epochs", "1",
                     "--out", str(tmp_path / "v.txt"), "--json", *extra)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["settings"]["workers"]

    assert workers() == threads.usable_cores()
    assert workers("--threads", "1") == 1
    assert workers("--workers", "3") == 3  # plain kernel threads may exceed the cores


@pytest.mark.parametrize("command", [["classify", "nowhere", "text"],
                                     ["sentiment", "nowhere", "text"],
                                     ["evaluate", "nowhere", "topics/dev"],
                                     ["generate", "nowhere"]])
def test_threads_set_torchs_count_before_the_model_loads(command, monkeypatch, tmp_path,
                                                          restore_torch_threads):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(threads, "usable_cores", lambda: 2)
    for count in (1, 2):
        run(*command, "--threads", str(count))  # fails on the missing model, after the threads
        assert torch.get_num_threads() == count
