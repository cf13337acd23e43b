"""The plugin contract: the hooks a lexiloom plugin may implement.

A plugin is a module (or any object) with functions decorated ``@lexiloom.hookimpl`` whose names
match the hooks below, exposed through an entry point of group ``lexiloom``::

    # setup.py of a plugin distribution
    entry_points={"lexiloom": ["mytok = lexiloom_mytok"]}

    # lexiloom_mytok.py
    import lexiloom

    @lexiloom.hookimpl
    def register_tokenizers(register):
        register("mytok", MyTokenizer, description="...", defaults={"lowercase": False})

Every ``register_*`` hook receives a ``register`` callable with the signature
``register(name, factory, *, description="", defaults=None, version=1, spacy_name=None)``:

- ``name``: the component's name, unique within its kind (built-in names are reserved).
- ``factory``: a callable; ``factory(**settings)`` builds the component. Users set the settings
  listed in ``defaults``; the host adds the sizes it knows at build time (named per hook below).
- ``description``: one line shown by ``lexiloom plugins``.
- ``defaults``: the user settings and their default values (JSON-serialisable). The command line
  (``-o key=value``) and config files use it to check and convert values; ``factory`` must accept
  every key in it as a keyword argument.
- ``version`` (embedders, encoders, heads): the block's version. A breaking change registers the
  same ``name`` again with the next version; the old version keeps loading saved pipelines.
- ``spacy_name`` (embedders, encoders, heads): the name in spaCy configs, without its version
  (``"acme.CNNEncoder"``); the default is ``lexiloom.`` + the name in CamelCase + the kind
  (``cnn`` encoder: ``lexiloom.CnnEncoder``). ``.v{version}`` is appended:
  ``@architectures = "lexiloom.CnnEncoder.v1"``.

``register`` also tells a hook wrapper what it is wrapping: ``register.plugin`` (the plugin
being called) and ``register.registered`` (what that plugin registered so far). Hooks are called
through pluggy one plugin at a time: ``@lexiloom.hookimpl(tryfirst=True)`` / ``trylast=True``
order the calls (and so who keeps a contested name), and ``hookwrapper=True`` / ``wrapper=True``
implementations wrap every other plugin's call.

The component the factory returns must satisfy the matching protocol in :mod:`lexiloom.protocols`.
Hook names and the ``register`` signature are stable within a major version of lexiloom.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("lexiloom")


@hookspec
def register_tokenizers(register: Any) -> None:
    """Register tokenizers: ``factory(**settings)`` returns a
    :class:`~lexiloom.protocols.Tokenizer`.

    The host passes no sizes; every setting is a user setting.
    """


@hookspec
def register_embedders(register: Any) -> None:
    """Register embedders: ``factory(**settings)`` returns an :class:`~lexiloom.protocols.Embedder`.

    The host passes no sizes to the factory: the vocabulary is given later, to
    ``Embedder.build(vocab)``, which returns the model's input layer.
    """


@hookspec
def register_encoders(register: Any) -> None:
    """Register sequence encoders: ``factory(input_size=..., **settings)`` returns an
    :class:`~lexiloom.protocols.Encoder`.

    Host-provided: ``input_size`` (the embedder's vector size).
    """


@hookspec
def register_heads(register: Any) -> None:
    """Register task heads: ``factory(input_size=..., output_size=..., **settings)`` returns a
    :class:`~lexiloom.protocols.Head`.

    Host-provided: ``input_size`` (the encoder's state size) and ``output_size`` (the number of
    labels for classification heads, the vocabulary size for generation heads).
    """


@hookspec
def register_corpus_readers(register: Any) -> None:
    """Register corpus readers: ``factory(**settings)`` returns a
    :class:`~lexiloom.protocols.CorpusReader`.

    The host passes no sizes. A factory with an ``extensions`` attribute (e.g. ``(".jsonl",)``)
    is chosen automatically for files with those extensions when no ``--format`` is given.
    """


@hookspec
def register_commands(cli: Any) -> None:
    """Add commands to the ``lexiloom`` command line: ``cli`` is the root :class:`click.Group`.

    Use ``@cli.command()`` or ``cli.add_command(...)``; a name that is already taken is reported as
    a load failure of the plugin and the existing command is kept.
    """


HOOK_KINDS: dict[str, str] = {
    "register_tokenizers": "tokenizers",
    "register_embedders": "embedders",
    "register_encoders": "encoders",
    "register_heads": "heads",
    "register_corpus_readers": "corpus_readers",
}
"""Which registry each ``register_*`` hook fills."""
