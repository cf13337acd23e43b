"""A missing compiled kernel is never silent: one warning by default, an error under
``LEXILOOM_REQUIRE_KERNELS=1``; CI requires the built-in kernels to be built."""

from __future__ import annotations

import ast
import sys
import warnings
from pathlib import Path

import pytest
from builtin_kernels import BUILT_IN_KERNELS
from cli_helpers import assert_one_line_error, run

from lexiloom import kernels
from lexiloom.errors import KernelMissingError, LexiloomError
from lexiloom.kernels import REQUIRE_KERNELS_ENV, Kernel, KernelMissingWarning

REPO = Path(__file__).resolve().parents[1]
ABSENT = Kernel("demo", "lexiloom_no_such_kernel_module", "about 9 times")


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    """Each test sees a process in which no kernel has warned yet."""
    monkeypatch.setattr(kernels, "_warned", set())


@pytest.fixture
def not_required(monkeypatch):
    """A user's machine: ``LEXILOOM_REQUIRE_KERNELS`` unset (CI sets it)."""
    monkeypatch.delenv(REQUIRE_KERNELS_ENV, raising=False)


def hide(monkeypatch, kernel: Kernel) -> None:
    """Make ``kernel``'s extension unimportable, as on a machine without a C compiler."""
    monkeypatch.setitem(sys.modules, kernel.module, None)


def test_missing_kernel_warns_once_naming_the_slowdown_and_the_fix(not_required):
    with pytest.warns(KernelMissingWarning) as caught:
        assert ABSENT.load() is None
    message = str(caught[0].message)
    assert "demo kernel (lexiloom_no_such_kernel_module) is not built" in message
    assert "about 9 times slower" in message
    assert "C compiler" in message and "reinstall lexiloom" in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ABSENT.load() is None  # the second fallback in a process is quiet


def test_missing_kernel_is_an_error_when_required(monkeypatch):
    monkeypatch.setenv(REQUIRE_KERNELS_ENV, "1")
    with pytest.raises(KernelMissingError, match=f"{REQUIRE_KERNELS_ENV}=1") as caught:
        ABSENT.load()
    assert isinstance(caught.value, LexiloomError) and "C compiler" in str(caught.value)


@pytest.mark.parametrize("value", ["0", "", "yes"])
def test_only_the_value_1_requires_kernels(monkeypatch, value):
    monkeypatch.setenv(REQUIRE_KERNELS_ENV, value)
    with pytest.warns(KernelMissingWarning):
        assert ABSENT.load() is None


def test_word2vec_without_its_kernel_falls_back_with_a_warning(monkeypatch, not_required):
    from lexiloom_word2vec.model import KERNEL, Word2Vec

    hide(monkeypatch, KERNEL)
    with pytest.warns(KernelMissingWarning, match="word2vec"):
        model = Word2Vec(min_count=1, workers=1)
    assert model.backend == "python"


def test_word2vec_without_its_kernel_fails_when_required(monkeypatch):
    from lexiloom_word2vec.model import KERNEL, Word2Vec

    hide(monkeypatch, KERNEL)
    monkeypatch.setenv(REQUIRE_KERNELS_ENV, "1")
    with pytest.raises(KernelMissingError, match="word2vec"):
        Word2Vec(min_count=1, workers=1)
    Word2Vec(min_count=1, workers=1, backend="python")  # asked for by name: no kernel needed


def test_glove_without_its_kernel_fails_when_required(monkeypatch):
    from lexiloom_glove.cooccurrence import KERNEL
    from lexiloom_glove.model import GloVe

    hide(monkeypatch, KERNEL)
    monkeypatch.setenv(REQUIRE_KERNELS_ENV, "1")
    with pytest.raises(KernelMissingError, match="glove"):
        GloVe(dim=4, min_count=1, epochs=1, workers=1).fit([["a", "b", "a", "c"]] * 3)


def test_vectors_train_without_the_kernel_is_one_line_when_required(monkeypatch, tmp_path):
    from lexiloom_word2vec.model import KERNEL

    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c a b c\n" * 20, encoding="utf-8")
    hide(monkeypatch, KERNEL)
    monkeypatch.setenv(REQUIRE_KERNELS_ENV, "1")
    result = run("vectors", "train", str(corpus), "--embedder", "word2vec", "--min-count", "1",
                 "--out", str(tmp_path / "v.txt"))
    assert "word2vec kernel" in assert_one_line_error(result)


def test_built_in_kernels_are_built_when_required():
    """CI sets LEXILOOM_REQUIRE_KERNELS=1: there this fails when a kernel did not compile."""
    if not kernels.kernels_required():
        pytest.skip(f"{REQUIRE_KERNELS_ENV} is not 1 (the summary line shows what is built)")
    missing = [k.module for k in BUILT_IN_KERNELS if not k.built()]
    assert missing == []


def test_setup_py_builds_exactly_the_declared_kernels():
    tree = ast.parse((REPO / "setup.py").read_text(encoding="utf-8"))
    declared = next(ast.literal_eval(node.value) for node in ast.walk(tree)
                    if isinstance(node, ast.Assign)
                    and any(getattr(t, "id", None) == "KERNELS" for t in node.targets))
    assert set(declared) == {k.module for k in BUILT_IN_KERNELS}
    assert all((REPO / source).is_file() for source in declared.values())
