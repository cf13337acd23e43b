"""Plugin discovery and loading: order, selection, reserved names, contained and reported failures.

Third-party plugins are fake distributions (see ``fakedist.py``) written for each test.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from importlib import metadata
from pathlib import Path

import pytest
import setuptools
from fakedist import FakeDists, install, load_all

import lexiloom
from lexiloom import plugins, registry
from lexiloom.errors import PluginError, SettingsError, UnknownComponentError
from lexiloom.protocols import Tokenizer


def tokenizer_plugin(*names: str) -> str:
    """Source of a plugin module registering a trivial tokenizer under each of ``names``."""
    calls = "\n".join(
        f"    register({name!r}, Tok, description='test', defaults={{'upper': False}})"
        for name in names
    )
    return (
        "import lexiloom\n\n"
        "class Tok:\n"
        "    def __init__(self, upper=False):\n"
        "        self.upper = upper\n\n"
        "@lexiloom.hookimpl\n"
        "def register_tokenizers(register):\n" + (calls or "    pass") + "\n"
    )




def records_named(name: str) -> list[plugins.PluginRecord]:
    return [r for r in plugins.records() if r.name == name]


def only_record(name: str) -> plugins.PluginRecord:
    (record,) = records_named(name)
    return record


# -- built-in plugins --------------------------------------------------------------------------


def test_builtin_plugins_load_without_errors_and_come_first(fake_dist, monkeypatch):
    install(fake_dist, "aaa-first-by-name", "aaa", tokenizer_plugin("aaa-tok"))
    load_all(monkeypatch)
    records = plugins.records()
    builtins = [r for r in records if r.builtin]
    assert "tokenizers" in {r.name for r in builtins}
    assert records[: len(builtins)] == builtins
    for record in builtins:
        assert record.distribution == "lexiloom"
        assert record.version == lexiloom.__version__
        assert (record.status, record.errors) == (plugins.LOADED, [])


def test_builtin_plugins_load_even_when_no_third_party_plugin_is_selected(fake_dist):
    install(fake_dist, "extra-dist", "extra", tokenizer_plugin("extra-tok"))
    # the autouse fixture sets LEXILOOM_PLUGINS="": built-ins only
    statuses = {r.name: r.status for r in plugins.records()}
    assert statuses["tokenizers"] == plugins.LOADED
    assert statuses["extra"] == plugins.DISABLED
    assert "extra-tok" not in registry.tokenizers


def test_builtin_component_names_are_reserved(fake_dist, monkeypatch):
    install(fake_dist, "squatter", "squatter", tokenizer_plugin("whitespace", "squat-tok"))
    load_all(monkeypatch)
    record = only_record("squatter")
    assert record.status == plugins.LOADED
    assert record.registered == {"tokenizers": ["squat-tok"]}
    assert any("'whitespace' is already registered by plugin 'tokenizers'" in e
               for e in record.errors)
    assert registry.tokenizers.get("whitespace").plugin == "tokenizers"


def test_entry_point_named_like_a_builtin_plugin_is_reported_as_reserved(fake_dist, monkeypatch):
    install(fake_dist, "fake-builtin", "tokenizers", tokenizer_plugin("fake-tok"), version="9.9")
    load_all(monkeypatch)
    builtin, impostor = records_named("tokenizers")
    assert builtin.builtin and builtin.status == plugins.LOADED
    assert (impostor.distribution, impostor.version, impostor.status) == (
        "fake-builtin", "9.9", plugins.FAILED)
    assert "reserved for a built-in plugin" in impostor.errors[0]
    assert "fake-tok" not in registry.tokenizers


# -- selection and order -----------------------------------------------------------------------


@pytest.mark.parametrize("creation_order", [("zeta", "alpha", "mid"), ("alpha", "mid", "zeta")])
def test_third_party_plugins_load_in_entry_point_name_order(fake_dist, monkeypatch,
                                                            creation_order):
    """Load order depends on names only, not on ``sys.path`` or installation order."""
    for name in creation_order:
        install(fake_dist, f"dist-{name}", name, tokenizer_plugin(f"{name}-tok"))
    load_all(monkeypatch)
    third_party = [r.name for r in plugins.records() if not r.builtin]
    assert third_party == ["alpha", "mid", "zeta"]


def test_unset_selection_loads_every_installed_plugin(fake_dist, monkeypatch):
    install(fake_dist, "dist-one", "one", tokenizer_plugin("one-tok"))
    install(fake_dist, "dist-two", "two", tokenizer_plugin("two-tok"))
    load_all(monkeypatch)
    assert {"one-tok", "two-tok"} <= set(registry.tokenizers.names())


def test_selection_loads_only_the_named_plugins(fake_dist, monkeypatch):
    install(fake_dist, "dist-one", "one", tokenizer_plugin("one-tok"))
    install(fake_dist, "dist-two", "two", tokenizer_plugin("two-tok"))
    monkeypatch.setenv(plugins.PLUGINS_ENV, " two , ")
    assert "two-tok" in registry.tokenizers
    assert "one-tok" not in registry.tokenizers
    assert only_record("one").status == plugins.DISABLED
    assert only_record("two").status == plugins.LOADED


def test_selecting_a_plugin_that_is_not_installed_is_reported(monkeypatch):
    monkeypatch.setenv(plugins.PLUGINS_ENV, "nowhere")
    record = only_record("nowhere")
    assert record.status == plugins.FAILED
    assert "no installed plugin has that name" in record.errors[0]
    assert "whitespace" in registry.tokenizers  # built-ins unaffected


def test_two_distributions_with_the_same_entry_point_name(fake_dist, monkeypatch):
    install(fake_dist, "dist-b", "dup", tokenizer_plugin("b-tok"), version="2.0")
    install(fake_dist, "dist-a", "dup", tokenizer_plugin("a-tok"), version="1.0")
    load_all(monkeypatch)
    first, second = records_named("dup")
    assert (first.distribution, first.status) == ("dist-a", plugins.LOADED)
    assert (second.distribution, second.status) == ("dist-b", plugins.FAILED)
    assert "already taken by dup (dist-a 1.0)" in second.errors[0]
    assert "a-tok" in registry.tokenizers
    assert "b-tok" not in registry.tokenizers


def test_records_are_json_serialisable_in_the_documented_shape(fake_dist, monkeypatch):
    install(fake_dist, "dist-one", "one", tokenizer_plugin("one-tok"))
    load_all(monkeypatch)
    data = json.loads(json.dumps([r.to_dict() for r in plugins.records()]))
    one = next(d for d in data if d["name"] == "one")
    assert one["registered"] == {"tokenizers": ["one-tok"]}
    assert one["hooks"] == ["register_tokenizers"]
    assert one["module"] == "plug_dist_one"
    assert one["location"].endswith("plug_dist_one.py")


# -- contained failures ------------------------------------------------------------------------


def test_plugin_failing_to_import_is_reported_and_the_rest_keeps_working(fake_dist, monkeypatch):
    install(fake_dist, "broken-dist", "broken", "raise RuntimeError('no model files here')\n",
            version="0.3")
    install(fake_dist, "good-dist", "good", tokenizer_plugin("good-tok"))
    load_all(monkeypatch)
    broken = only_record("broken")
    assert (broken.distribution, broken.version, broken.status) == (
        "broken-dist", "0.3", plugins.FAILED)
    assert broken.errors == [
        "import of 'plug_broken_dist' failed: RuntimeError: no model files here"]
    assert "broken-dist 0.3" in broken.describe()
    assert registry.tokenizers.create("good-tok", upper=True).upper is True
    assert "whitespace" in registry.tokenizers


def test_plugin_with_missing_dependency_is_reported(fake_dist, monkeypatch):
    install(fake_dist, "needy-dist", "needy", "import lexiloom_no_such_dependency\n")
    load_all(monkeypatch)
    record = only_record("needy")
    assert record.status == plugins.FAILED
    assert "ModuleNotFoundError" in record.errors[0]
    assert "lexiloom_no_such_dependency" in record.errors[0]


RAISING_HOOK = """
import lexiloom

class Tok:
    pass

class Reader:
    extensions = ()

@lexiloom.hookimpl
def register_tokenizers(register):
    register("half-one", Tok)
    register("half-two", Tok)
    raise RuntimeError("out of disk")

@lexiloom.hookimpl
def register_corpus_readers(register):
    register("fine-reader", Reader)
"""


def test_hook_that_raises_registers_nothing_from_that_call(fake_dist, monkeypatch):
    install(fake_dist, "half-dist", "half", RAISING_HOOK)
    load_all(monkeypatch)
    record = only_record("half")
    assert "half-one" not in registry.tokenizers
    assert "half-two" not in registry.tokenizers
    assert record.errors == ["register_tokenizers raised RuntimeError: out of disk"]
    # the plugin's other hooks still count
    assert record.registered == {"corpus_readers": ["fine-reader"]}
    assert "fine-reader" in registry.corpus_readers


def test_component_name_taken_by_an_earlier_plugin_is_reported(fake_dist, monkeypatch):
    install(fake_dist, "dist-first", "first", tokenizer_plugin("shared"))
    install(fake_dist, "dist-second", "second", tokenizer_plugin("shared", "own"))
    load_all(monkeypatch)
    second = only_record("second")
    assert second.status == plugins.LOADED
    assert second.registered == {"tokenizers": ["own"]}
    assert second.errors == [
        "tokenizer name 'shared' is already registered by plugin 'first'; choose another name"]
    assert registry.tokenizers.get("shared").plugin == "first"


UNKNOWN_HOOK = """
import lexiloom

class Tok:
    pass

@lexiloom.hookimpl
def register_tokenizer(register):  # typo: the hook is register_tokenizers
    register("never", Tok)

@lexiloom.hookimpl
def register_embedders(register):
    register("typo-emb", Tok)
"""


def test_unknown_hook_is_reported_and_known_hooks_still_run(fake_dist, monkeypatch):
    install(fake_dist, "typo-dist", "typo", UNKNOWN_HOOK)
    load_all(monkeypatch)
    record = only_record("typo")
    assert record.status == plugins.LOADED
    assert len(record.errors) == 1
    assert "unknown hook 'register_tokenizer'" in record.errors[0]
    assert "register_tokenizers" in record.errors[0]  # the known hooks are listed
    assert record.hooks == ["register_embedders"]
    assert "typo-emb" in registry.embedders


WRONG_ARGUMENT = """
import lexiloom

@lexiloom.hookimpl
def register_tokenizers(registr):
    raise AssertionError("must never be called")
"""


def test_hookimpl_with_wrong_argument_names_is_reported(fake_dist, monkeypatch):
    install(fake_dist, "argname-dist", "argname", WRONG_ARGUMENT)
    load_all(monkeypatch)
    record = only_record("argname")
    assert record.status == plugins.FAILED
    assert record.errors[0].startswith("invalid hook implementation:")
    assert "registr" in record.errors[0]
    assert "\n" not in record.errors[0]
    assert "whitespace" in registry.tokenizers


UNMARKED_HOOK = """
def register_tokenizers(register):  # forgot @lexiloom.hookimpl
    register("unmarked", object)
"""


def test_hook_function_without_the_hookimpl_marker_is_reported(fake_dist, monkeypatch):
    install(fake_dist, "unmarked-dist", "unmarked", UNMARKED_HOOK)
    load_all(monkeypatch)
    record = only_record("unmarked")
    assert "register_tokenizers is not marked @lexiloom.hookimpl" in record.errors[0]
    assert "unmarked" not in registry.tokenizers


def test_same_module_behind_two_entry_points_is_reported_once(fake_dist, monkeypatch):
    fake_dist("twice-dist", {"plug_twice.py": tokenizer_plugin("twice-tok")},
              entry_points={"twice-a": "plug_twice", "twice-b": "plug_twice"})
    load_all(monkeypatch)
    assert only_record("twice-a").status == plugins.LOADED
    second = only_record("twice-b")
    assert second.status == plugins.FAILED
    assert second.errors == ["'plug_twice' is already loaded as plugin 'twice-a'; "
                             "give each entry point its own module or object"]
    assert registry.tokenizers.get("twice-tok").plugin == "twice-a"


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        ("register('two words', Tok)", "invalid component name 'two words'"),
        ("register('', Tok)", "invalid component name ''"),
        ("register('-dash', Tok)", "invalid component name '-dash'"),
        ("register(42, Tok)", "invalid component name 42"),
        ("register('ok', 'not callable')", "the factory of 'ok' is not callable"),
        ("register('ok', Tok, description=3)", "the description of 'ok' must be a string"),
        ("register('ok', Tok, defaults=[1])", "the defaults of 'ok' must be a mapping"),
        ("register('ok', Tok, defaults={'a-b': 1})", "must be Python identifiers"),
        ("register('ok', Tok, defaults={'nope': 1})",
         "does not accept the setting(s) nope declared in its defaults"),
        ("register('ok', Tok, 'positional description')", "TypeError"),
    ],
)
def test_invalid_register_calls_are_reported(fake_dist, monkeypatch, call, reason):
    source = (
        "import lexiloom\n\n"
        "class Tok:\n"
        "    def __init__(self, upper=False):\n"
        "        self.upper = upper\n\n"
        "@lexiloom.hookimpl\n"
        "def register_tokenizers(register):\n"
        "    register('valid-before', Tok)\n"
        f"    {call}\n"
    )
    install(fake_dist, "invalid-dist", "invalid", source)
    load_all(monkeypatch)
    record = only_record("invalid")
    assert len(record.errors) == 1
    assert record.errors[0].startswith("register_tokenizers raised")
    assert reason in record.errors[0]
    assert "valid-before" not in registry.tokenizers  # nothing half-registered


def test_factory_taking_any_keyword_may_declare_any_setting(fake_dist, monkeypatch):
    source = """
        import lexiloom

        def build(**settings):
            return settings

        @lexiloom.hookimpl
        def register_tokenizers(register):
            register("kw-tok", build, defaults={"anything": 1})
    """
    install(fake_dist, "kw-dist", "kw", source)
    load_all(monkeypatch)
    assert only_record("kw").errors == []
    assert registry.tokenizers.create("kw-tok") == {"anything": 1}


# -- strict mode -------------------------------------------------------------------------------


def test_strict_mode_turns_a_load_failure_into_plugin_error(fake_dist, monkeypatch):
    install(fake_dist, "broken-dist", "broken", "raise ImportError('nope')\n", version="0.3")
    load_all(monkeypatch)
    monkeypatch.setenv(plugins.STRICT_ENV, "1")
    with pytest.raises(PluginError) as caught:
        registry.tokenizers.names()
    message = str(caught.value)
    assert "broken (broken-dist 0.3)" in message
    assert "ImportError: nope" in message
    assert plugins.STRICT_ENV in message
    assert "\n" not in message
    assert registry.tokenizers._entries == {}  # nothing left half-loaded
    with pytest.raises(PluginError):  # still failing on the next use, not silently empty
        registry.tokenizers.names()


def test_strict_mode_reports_an_unknown_hook(fake_dist, monkeypatch):
    install(fake_dist, "typo-dist", "typo", UNKNOWN_HOOK)
    load_all(monkeypatch)
    monkeypatch.setenv(plugins.STRICT_ENV, "1")
    with pytest.raises(PluginError, match="unknown hook 'register_tokenizer'"):
        plugins.records()


def test_strict_mode_without_failures_loads_normally(fake_dist, monkeypatch):
    install(fake_dist, "dist-one", "one", tokenizer_plugin("one-tok"))
    load_all(monkeypatch)
    monkeypatch.setenv(plugins.STRICT_ENV, "1")
    assert "one-tok" in registry.tokenizers


@pytest.mark.parametrize("value", ["0", "", "false", "no"])
def test_strict_mode_is_off_for_false_values(fake_dist, monkeypatch, value):
    install(fake_dist, "broken-dist", "broken", "raise ImportError('nope')\n")
    load_all(monkeypatch)
    monkeypatch.setenv(plugins.STRICT_ENV, value)
    assert only_record("broken").status == plugins.FAILED


# -- lifecycle ---------------------------------------------------------------------------------


def test_registries_load_plugins_on_first_use_and_reset_forgets_them(fake_dist, monkeypatch):
    install(fake_dist, "dist-one", "one", tokenizer_plugin("one-tok"))
    load_all(monkeypatch)
    assert "one-tok" in registry.tokenizers
    monkeypatch.setenv(plugins.PLUGINS_ENV, "")
    assert "one-tok" in registry.tokenizers  # loaded once per process...
    plugins.reset()
    assert "one-tok" not in registry.tokenizers  # ...until reset
    with pytest.raises(UnknownComponentError):
        registry.tokenizers.get("one-tok")


COUNTING = """
import lexiloom

CALLS = []

@lexiloom.hookimpl
def register_tokenizers(register):
    CALLS.append(1)
    register("counted", dict)
"""


def test_concurrent_first_use_loads_plugins_once(fake_dist, monkeypatch):
    install(fake_dist, "count-dist", "count", COUNTING)
    load_all(monkeypatch)
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(registry.tokenizers.names()))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    import plug_count_dist

    assert plug_count_dist.CALLS == [1]
    assert len(results) == 8
    assert all(r == results[0] and "counted" in r for r in results)


# -- the documented example plugin, end to end (docs/plugins.md) ------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def documented_block(first_line: str) -> str:
    """The fenced code block of docs/plugins.md whose first line is ``first_line``."""
    for block in re.findall(r"```\w*\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL):
        if block.startswith(first_line + "\n"):
            return block
    raise AssertionError(f"docs/plugins.md has no code block starting with {first_line!r}")


@pytest.fixture
def example_plugin(fake_dist, monkeypatch):
    """The documented ``lexiloom-shout`` distribution, "installed" from the docs' own code."""
    captured: dict = {}
    monkeypatch.setattr(setuptools, "setup", lambda **kwargs: captured.update(kwargs))
    exec(compile(documented_block("# setup.py"), "setup.py", "exec"), {})
    entry_points = dict(
        (part.strip() for part in spec.split("="))
        for spec in captured["entry_points"]["lexiloom"]
    )
    (module,) = captured["py_modules"]
    fake_dist(captured["name"], {f"{module}.py": documented_block(f"# {module}.py")},
              version=captured["version"], entry_points=entry_points)
    monkeypatch.setenv(plugins.PLUGINS_ENV, "shout")
    return captured


def test_example_plugin_loads_and_lists_its_tokenizer(example_plugin):
    record = only_record("shout")
    assert (record.distribution, record.version, record.status) == (
        "lexiloom-shout", "0.1.0", plugins.LOADED)
    assert record.errors == []
    assert record.registered == {"tokenizers": ["shout"]}
    assert registry.tokenizers.get("shout").description == "Words in upper case"


def test_example_plugin_tokenizer_satisfies_the_protocol(example_plugin):
    tokenizer = registry.tokenizers.create("shout", min_length=2)
    assert isinstance(tokenizer, Tokenizer)
    text = "Hi, you!"
    assert [(t.text, t.norm) for t in tokenizer.tokenize(text)] == [("Hi", "HI"), ("you", "YOU")]
    assert all(text[t.start:t.end] == t.text for t in tokenizer.segment(text))
    assert tokenizer.detokenize(["Hi", ",", "you", "!"]) == text
    assert registry.tokenizers.get("shout").factory(**tokenizer.to_config()).min_length == 2


@pytest.mark.parametrize("value", [0, -3, "2", True])
def test_example_plugin_rejects_bad_settings(example_plugin, value):
    with pytest.raises(SettingsError, match="min_length must be a positive integer"):
        registry.tokenizers.create("shout", min_length=value)


def test_example_plugin_tokenizer_from_the_command_line(example_plugin):
    from click.testing import CliRunner

    from lexiloom.cli import cli

    result = CliRunner().invoke(cli, ["tokenize", "--tokenizer", "shout", "-o", "min_length=2",
                                      "Hi, you!"])
    assert result.exit_code == 0, result.output
    assert result.output == "0\t2\tHi\tHI\n4\t7\tyou\tYOU\n"
    listing = CliRunner().invoke(cli, ["plugins"]).output
    assert re.search(r"^shout\s+lexiloom-shout 0\.1\.0\s+loaded\n  tokenizers: shout$", listing,
                     re.MULTILINE)


def test_example_plugin_tokenizer_from_a_spacy_config(example_plugin):
    import spacy
    config = documented_block("[nlp.tokenizer]").replace("min_length = 1", "min_length = 2")
    nlp = spacy.blank("en", config=thinc_config("[nlp]\n\n" + config))
    doc = nlp("Hi, you!")
    assert doc.text == "Hi, you!"
    assert [t.text for t in doc if not t.is_space] == ["Hi", ",", "you", "!"]
    assert [t.norm_ for t in doc if t.text.isalpha()] == ["HI", "YOU"]


def thinc_config(text: str):
    from thinc.api import Config

    return Config().from_str(text)


def test_a_failing_plugin_next_to_the_example_leaves_it_working(example_plugin, fake_dist,
                                                                 monkeypatch):
    install(fake_dist, "broken-dist", "broken", "raise RuntimeError('weights missing')\n")
    monkeypatch.setenv(plugins.PLUGINS_ENV, "shout,broken")
    assert only_record("broken").status == plugins.FAILED
    assert [t.norm for t in registry.tokenizers.create("shout").tokenize("a b")] == ["A", "B"]


# -- the fake_dist fixture itself --------------------------------------------------------------


def test_fake_distributions_are_forgotten_after_close(tmp_path):
    """What ``fake_dist`` installs for a test is gone afterwards: modules, path and plugins."""
    path_before = list(sys.path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(plugins.PLUGINS_ENV, "tidy")
        dists = FakeDists(tmp_path, patch)
        dist = dists.make("tidy-dist", {"tidy_pkg/__init__.py": tokenizer_plugin("tidy-tok"),
                                        "tidy_pkg/helper.py": "X = 1\n"},
                          version="3.1", entry_points={"tidy": "tidy_pkg"})
        import tidy_pkg.helper  # noqa: F401

        assert dist.modules == ["tidy_pkg", "tidy_pkg.helper"]
        assert metadata.version("tidy-dist") == "3.1"
        assert "tidy-tok" in registry.tokenizers
        dists.close()
        assert "tidy_pkg" not in sys.modules and "tidy_pkg.helper" not in sys.modules
    assert sys.path == path_before
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(plugins.PLUGINS_ENV, "tidy")
        plugins.reset()
        assert "no installed plugin has that name" in only_record("tidy").errors[0]
        assert "tidy-tok" not in registry.tokenizers
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.version("tidy-dist")


REENTRANT = """
import lexiloom
from lexiloom import plugins, registry

SEEN_AT_IMPORT = (registry.tokenizers.names(), [r.name for r in plugins.records()])

class Tok:
    pass

@lexiloom.hookimpl
def register_tokenizers(register):
    register("reentrant-tok", Tok)
"""


def test_plugin_using_the_registries_while_plugins_load_gets_a_partial_view(fake_dist,
                                                                           monkeypatch):
    install(fake_dist, "reentrant-dist", "reentrant", REENTRANT)
    load_all(monkeypatch)
    record = only_record("reentrant")
    assert (record.status, record.errors) == (plugins.LOADED, [])
    import plug_reentrant_dist

    names, seen_records = plug_reentrant_dist.SEEN_AT_IMPORT
    assert names == []  # registries fill once every plugin is imported
    assert "tokenizers" in seen_records
    assert "reentrant-tok" in registry.tokenizers
