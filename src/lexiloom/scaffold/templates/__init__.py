"""The templates of ``lexiloom plugin new``: one module per component kind, plus the files every
plugin has (:mod:`~lexiloom.scaffold.templates.common`)."""

from lexiloom.scaffold.template import KindTemplate
from lexiloom.scaffold.templates import (
    command,
    corpus_reader,
    embedder,
    encoder,
    head,
    tokenizer,
)

TEMPLATES: dict[str, KindTemplate] = {
    module.TEMPLATE.kind: module.TEMPLATE
    for module in (tokenizer, embedder, encoder, head, corpus_reader, command)
}
"""Every kind ``lexiloom plugin new --kind`` accepts, in the order shown by ``--help``."""
